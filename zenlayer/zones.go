package zenlayer

import (
	"slices"
	"strconv"
	"strings"

	"github.com/vmplane/vmplane"
)

type describeZonesRequest struct {
	ZoneIDs []string `json:"zoneIds"`
}

type zoneInfo struct {
	ZoneID                string `json:"zoneId"`
	ZoneName              string `json:"zoneName"`
	SupportSecurityGroup  bool   `json:"supportSecurityGroup"`
	SupportNetworkType    string `json:"supportNetworkType"`
	SupportIPv6           bool   `json:"supportIpv6"`
	SupportCPUPassThrough bool   `json:"supportCpuPassThrough"`
	NetworkLineType       string `json:"networkLineType"`
}

type describeZonesResponse struct {
	reply
	ZoneSet []zoneInfo `json:"zoneSet"`
}

// describeZones lists the catalog's zones; unknown zoneIds are left out.
func (h *Handler) describeZones(c *call, req *describeZonesRequest) (*describeZonesResponse, error) {
	resp := &describeZonesResponse{ZoneSet: []zoneInfo{}}
	for _, z := range h.svc.Catalog(CloudName).Zones {
		if len(req.ZoneIDs) > 0 && !slices.Contains(req.ZoneIDs, z.ID) {
			continue
		}
		resp.ZoneSet = append(resp.ZoneSet, zoneInfo{
			ZoneID: z.ID, ZoneName: z.Name, SupportSecurityGroup: z.Attrs["supportSecurityGroup"] == "true",
			SupportNetworkType: z.Attrs["supportNetworkType"], SupportIPv6: z.Attrs["supportIpv6"] == "true",
			SupportCPUPassThrough: z.Attrs["supportCpuPassThrough"] == "true", NetworkLineType: z.Attrs["networkLineType"],
		})
	}
	return resp, nil
}

type describeZoneInstanceConfigInfosRequest struct {
	InstanceChargeType string `json:"instanceChargeType"`
	ZoneID             string `json:"zoneId"`
	InstanceType       string `json:"instanceType"`
}

type instanceTypeQuotaItem struct {
	ZoneID                       string   `json:"zoneId"`
	InstanceType                 string   `json:"instanceType"`
	InstanceTypeName             string   `json:"instanceTypeName"`
	CPUCount                     int      `json:"cpuCount"`
	Memory                       int      `json:"memory"`
	InternetMaxBandwidthOutLimit int      `json:"internetMaxBandwidthOutLimit"`
	Frequency                    string   `json:"frequency"`
	InternetChargeTypes          []string `json:"internetChargeTypes"`
}

type describeZoneInstanceConfigInfosResponse struct {
	reply
	InstanceTypeQuotaSet []instanceTypeQuotaItem `json:"instanceTypeQuotaSet"`
}

// describeZoneInstanceConfigInfos lists every type offered in every zone,
// zone by zone, narrowed by the request. Both charge types are offered the
// same types.
func (h *Handler) describeZoneInstanceConfigInfos(c *call, req *describeZoneInstanceConfigInfosRequest) (*describeZoneInstanceConfigInfosResponse, error) {
	if req.InstanceChargeType == "" {
		return nil, missing("instanceChargeType")
	}
	if _, ok := chargeTypes[req.InstanceChargeType]; !ok {
		return nil, badValue("The parameter `instanceChargeType` must be PREPAID or POSTPAID.")
	}
	cat := h.svc.Catalog(CloudName)
	if req.ZoneID != "" && cat.FindZone(req.ZoneID) == nil {
		return nil, &vmplane.Error{Code: vmplane.ENOTFOUND, Subject: "zone", ID: req.ZoneID, Message: "The specified zoneId `" + req.ZoneID + "` is not found."}
	}
	resp := &describeZoneInstanceConfigInfosResponse{InstanceTypeQuotaSet: []instanceTypeQuotaItem{}}
	for _, z := range cat.Zones {
		if req.ZoneID != "" && z.ID != req.ZoneID {
			continue
		}
		for _, s := range cat.Specs {
			if !s.OfferedIn(z.ID) || (req.InstanceType != "" && s.ID != req.InstanceType) {
				continue
			}
			limit, err := strconv.Atoi(s.Attrs["bandwidthLimit"])
			if err != nil {
				limit = -1 // documented: no bandwidth cap
			}
			charges := []string{}
			if v := s.Attrs["internetChargeTypes"]; v != "" {
				charges = strings.Split(v, ",")
			}
			resp.InstanceTypeQuotaSet = append(resp.InstanceTypeQuotaSet, instanceTypeQuotaItem{
				ZoneID: z.ID, InstanceType: s.ID, InstanceTypeName: s.Name, CPUCount: s.VCPU, Memory: s.MemoryMiB / 1024,
				InternetMaxBandwidthOutLimit: limit, Frequency: s.Attrs["frequency"], InternetChargeTypes: charges,
			})
		}
	}
	return resp, nil
}
