package zenlayer

import (
	"cmp"
	"encoding/json"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/vmplane/vmplane"
)

// Attribute keys under which an instance keeps what only Zenlayer knows.
const (
	attrInternetCharge = "internetChargeType"
	attrBandwidth      = "internetMaxBandwidthOut"
	attrTraffic        = "trafficPackageSize"
	attrSubnet         = "subnetId"
	attrKey            = "keyId"
	attrResourceGroup  = "resourceGroupId"
	attrSecurityGroup  = "securityGroupId"
	attrIPv4           = "enableIpv4"
	attrIPv6           = "enableIpv6"
	attrWanName        = "wanName"
	attrLanName        = "lanName"
	attrTags           = "tags"      // JSON list of {key, value}
	attrDataDisks      = "dataDisks" // JSON list of {diskSize, diskCategory}
)

// Defaults for what a client leaves out (UNVERIFIED where the
// documentation gives none).
const (
	defaultName          = "instance" // documented
	defaultBandwidth     = 1          // Mbps, documented
	defaultDiskGiB       = 20
	defaultDiskCategory  = "SSD" // see diskCategories
	defaultResourceGroup = "00000000-0000-0000-0000-000000000000"
	defaultGroupName     = "Default Resource Group"
	maxIDs               = 100 // per batch call, documented
	timeLayout           = "2006-01-02T15:04:05Z"
)

// diskCategories are the documented diskCategory values. The default is
// UNVERIFIED: the SDK's models and the Chinese pages say SSD, the English
// pages STANDARD; SSD it is.
var diskCategories = []string{"STANDARD", "SSD"}

var internetChargeTypes = []string{"ByBandwidth", "ByTrafficPackage", "ByClusterBandwidth95", "BandwidthCluster", "ByInstanceBandwidth95"}

// chargeTypes maps instanceChargeType to the core's charge types and back.
var chargeTypes = map[string]vmplane.ChargeType{"PREPAID": vmplane.ChargePrepaid, "POSTPAID": vmplane.ChargePayPerUse}

func chargeName(c vmplane.ChargeType) string {
	if c == vmplane.ChargePrepaid {
		return "PREPAID"
	}
	return "POSTPAID"
}

type tag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

type tagSet struct {
	Tags []tag `json:"tags"`
}

type nic struct {
	WanName string `json:"wanName"`
	LanName string `json:"lanName"`
}

type systemDisk struct {
	DiskID       string `json:"diskId"`
	DiskSize     int    `json:"diskSize"`
	DiskCategory string `json:"diskCategory"`
}

type dataDisk struct {
	DiskID       string `json:"diskId"`
	DiskName     string `json:"diskName"`
	DiskSize     int    `json:"diskSize"`
	Portable     bool   `json:"portable"`
	DiskCategory string `json:"diskCategory"`
}

// instanceInfo is an instance as DescribeInstances shows it. Every field is
// always present, with [] for empty lists and null where the API has null.
type instanceInfo struct {
	InstanceID              string     `json:"instanceId"`
	ZoneID                  string     `json:"zoneId"`
	InstanceName            string     `json:"instanceName"`
	InstanceType            string     `json:"instanceType"`
	CPUCount                int        `json:"cpuCount"`
	Memory                  int        `json:"memory"`
	ImageID                 string     `json:"imageId"`
	ImageName               string     `json:"imageName"`
	InstanceChargeType      string     `json:"instanceChargeType"`
	InternetMaxBandwidthOut int        `json:"internetMaxBandwidthOut"`
	InternetChargeType      string     `json:"internetChargeType"`
	Period                  *int       `json:"period"`
	PublicIPAddresses       []string   `json:"publicIpAddresses"`
	PublicIPv6Addresses     []string   `json:"publicIpv6Addresses"`
	PrivateIPAddresses      []string   `json:"privateIpAddresses"`
	SubnetID                string     `json:"subnetId"`
	CreateTime              string     `json:"createTime"`
	ExpiredTime             *string    `json:"expiredTime"`
	ResourceGroupID         string     `json:"resourceGroupId"`
	ResourceGroupName       string     `json:"resourceGroupName"`
	InstanceStatus          string     `json:"instanceStatus"`
	TrafficPackageSize      *float64   `json:"trafficPackageSize"`
	SecurityGroupIDs        []string   `json:"securityGroupIds"`
	SystemDisk              systemDisk `json:"systemDisk"`
	DataDisks               []dataDisk `json:"dataDisks"`
	AutoRenew               bool       `json:"autoRenew"`
	KeyID                   *string    `json:"keyId"`
	Nic                     nic        `json:"nic"`
	Tags                    tagSet     `json:"tags"`
}

func (h *Handler) instanceInfo(in *vmplane.Instance, now time.Time) instanceInfo {
	cat := h.svc.Catalog(CloudName)
	bw, _, _ := bandwidthSetting.at(in, now, defaultBandwidth)
	v := instanceInfo{
		InstanceID: in.ID, ZoneID: in.Zone, InstanceName: in.Name, InstanceType: in.SpecID,
		CPUCount: in.VCPU, Memory: in.MemoryMiB / 1024, ImageID: in.ImageID,
		InstanceChargeType:      chargeName(in.Charge),
		InternetMaxBandwidthOut: int(bw),
		InternetChargeType:      cmp.Or(in.Attr(attrInternetCharge), "ByBandwidth"),
		SubnetID:                in.Attr(attrSubnet),
		CreateTime:              in.CreatedAt.UTC().Format(timeLayout),
		InstanceStatus:          instanceStatus(in),
		SecurityGroupIDs:        []string{},
		SystemDisk:              systemDisk{DiskID: diskID(in, 0), DiskSize: cmp.Or(in.DiskGiB, defaultDiskGiB), DiskCategory: cmp.Or(in.DiskType, defaultDiskCategory)},
		DataDisks:               []dataDisk{},
		Nic:                     nic{WanName: cmp.Or(in.Attr(attrWanName), "eth0"), LanName: cmp.Or(in.Attr(attrLanName), "eth1")},
		Tags:                    tagSet{Tags: []tag{}},
	}
	if img := cat.FindImage(in.ImageID); img != nil {
		v.ImageName = img.Name
	}
	if in.Charge == vmplane.ChargePrepaid {
		period := max(int(in.PeriodMonths), 1)
		exp := expiry(in).UTC().Format(timeLayout)
		v.Period, v.ExpiredTime = &period, &exp
	}
	v.PublicIPAddresses, v.PublicIPv6Addresses, v.PrivateIPAddresses = addresses(in)
	v.ResourceGroupID, v.ResourceGroupName = defaultResourceGroup, defaultGroupName
	if g := in.Attr(attrResourceGroup); g != "" {
		v.ResourceGroupID, v.ResourceGroupName = g, g
	}
	if v.InternetChargeType == "ByTrafficPackage" {
		size, _, _ := trafficSetting.at(in, now, 0)
		v.TrafficPackageSize = &size
	}
	if sg := in.Attr(attrSecurityGroup); sg != "" {
		v.SecurityGroupIDs = []string{sg}
	}
	if k := in.Attr(attrKey); k != "" {
		v.KeyID = &k
	}
	for i, d := range attrJSON[diskRequest](in, attrDataDisks) {
		v.DataDisks = append(v.DataDisks, dataDisk{DiskID: diskID(in, i+1), DiskName: fmt.Sprintf("%s-data-%d", in.Name, i+1),
			DiskSize: d.DiskSize, DiskCategory: cmp.Or(d.DiskCategory, defaultDiskCategory)})
	}
	if tags := attrJSON[tag](in, attrTags); tags != nil {
		v.Tags.Tags = tags
	}
	return v
}

// attrJSON reads a list an instance keeps as JSON in an attribute.
func attrJSON[T any](in *vmplane.Instance, key string) []T {
	var out []T
	if v := in.Attr(key); v != "" {
		_ = json.Unmarshal([]byte(v), &out)
	}
	return out
}

// expiry is when a PREPAID instance's subscription ends, and what
// expiredTime shows: its creation plus the months bought (one for an
// instance seeded without a period). CreateInstances takes no autoRenew,
// so nothing renews it and it never moves.
func expiry(in *vmplane.Instance) time.Time {
	return in.CreatedAt.AddDate(0, max(int(in.PeriodMonths), 1), 0)
}

// subscribed reports whether in is a PREPAID instance that has not expired
// at now. An expired one is treated as a POSTPAID one: TerminateInstance
// takes it, and a downgrade of its type or network, having no next billing
// cycle to wait for, takes effect at once. What else the real service does
// at expiry (stop it, recycle it) is UNVERIFIED; here nothing happens.
func subscribed(in *vmplane.Instance, now time.Time) bool {
	return in.Charge == vmplane.ChargePrepaid && now.Before(expiry(in))
}

// addresses derives an instance's IP addresses from its sequence number, so
// that they are stable, unique and need no storage. They come from ranges
// reserved for documentation and benchmarking, never routable ones.
func addresses(in *vmplane.Instance) (public, public6, private []string) {
	n := uint32(in.Seq)
	public, public6 = []string{}, []string{}
	if in.Attr(attrIPv4) != "false" {
		public = []string{netip.AddrFrom4([4]byte{198, 18 + byte(n>>16&1), byte(n >> 8), byte(n)}).String()}
	}
	if in.Attr(attrIPv6) == "true" {
		public6 = []string{fmt.Sprintf("2001:db8::%x", n)}
	}
	private = []string{netip.AddrFrom4([4]byte{10, byte(n >> 16), byte(n >> 8), byte(n)}).String()}
	return public, public6, private
}

// diskID names an instance's disks: 0 is the system disk (UNVERIFIED format).
func diskID(in *vmplane.Instance, n int) string { return fmt.Sprintf("disk-%s-%d", in.ID, n) }

// pageBounds returns the offset and limit of a page of a list action:
// pageNum 1 and pageSize 20 unless given, at most 1000 a page, as documented.
func pageBounds(pageSize, pageNum int) (offset, limit int, err error) {
	size, num := cmp.Or(pageSize, 20), cmp.Or(pageNum, 1)
	if size < 1 || size > 1000 {
		return 0, 0, badValue("The parameter `pageSize` must be between 1 and 1000.")
	}
	if num < 1 {
		return 0, 0, badValue("The parameter `pageNum` must be at least 1.")
	}
	if num > (1<<31)/size {
		return 0, 0, badValue("The parameter `pageNum` is too large.")
	}
	return (num - 1) * size, size, nil
}

// checkIDs validates the instanceIds of a batch call.
func checkIDs(ids []string, required bool) error {
	if len(ids) == 0 && required {
		return missing("instanceIds")
	}
	if len(ids) > maxIDs {
		return badValue("At most %d instanceIds can be given at once.", maxIDs)
	}
	if slices.Contains(ids, "") {
		return badValue("The parameter `instanceIds` must not contain an empty id.")
	}
	return nil
}

type describeInstancesRequest struct {
	InstanceIDs        []string `json:"instanceIds"`
	ZoneID             string   `json:"zoneId"`
	ResourceGroupID    string   `json:"resourceGroupId"`
	InstanceType       string   `json:"instanceType"`
	InternetChargeType string   `json:"internetChargeType"`
	ImageID            string   `json:"imageId"`
	KeyID              string   `json:"keyId"`
	SubnetID           string   `json:"subnetId"`
	InstanceStatus     string   `json:"instanceStatus"`
	InstanceName       string   `json:"instanceName"`
	SecurityGroupID    string   `json:"securityGroupId"`
	PublicIPAddresses  []string `json:"publicIpAddresses"`
	PrivateIPAddresses []string `json:"privateIpAddresses"`
	TagKeys            []string `json:"tagKeys"`
	Tags               []tag    `json:"tags"`
	PageSize           int      `json:"pageSize"`
	PageNum            int      `json:"pageNum"`
}

type describeInstancesResponse struct {
	reply
	TotalCount int            `json:"totalCount"`
	DataSet    []instanceInfo `json:"dataSet"`
}

// match returns the filter a DescribeInstances request asks for: every
// given parameter must hold. It is nil when nothing is filtered, so that
// the core can page without looking at every instance.
func (req *describeInstancesRequest) match() func(*vmplane.Instance) bool {
	filtered := req.ZoneID != "" || req.ResourceGroupID != "" || req.InstanceType != "" || req.InternetChargeType != "" ||
		req.ImageID != "" || req.KeyID != "" || req.SubnetID != "" || req.InstanceStatus != "" || req.InstanceName != "" ||
		req.SecurityGroupID != "" || len(req.PublicIPAddresses) > 0 || len(req.PrivateIPAddresses) > 0 ||
		len(req.TagKeys) > 0 || len(req.Tags) > 0
	if !filtered {
		return nil
	}
	eq := func(want, got string) bool { return want == "" || want == got }
	return func(in *vmplane.Instance) bool {
		if !eq(req.ZoneID, in.Zone) || !eq(req.InstanceType, in.SpecID) || !eq(req.ImageID, in.ImageID) ||
			!eq(req.KeyID, in.Attr(attrKey)) || !eq(req.SubnetID, in.Attr(attrSubnet)) ||
			!eq(req.SecurityGroupID, in.Attr(attrSecurityGroup)) ||
			!eq(req.InternetChargeType, cmp.Or(in.Attr(attrInternetCharge), "ByBandwidth")) ||
			!eq(req.ResourceGroupID, cmp.Or(in.Attr(attrResourceGroup), defaultResourceGroup)) ||
			!eq(req.InstanceStatus, instanceStatus(in)) {
			return false
		}
		if prefix, ok := strings.CutSuffix(req.InstanceName, "*"); ok {
			if !strings.HasPrefix(in.Name, prefix) {
				return false
			}
		} else if !eq(req.InstanceName, in.Name) {
			return false
		}
		if len(req.PublicIPAddresses) > 0 || len(req.PrivateIPAddresses) > 0 {
			public, public6, private := addresses(in)
			if !anyIn(req.PublicIPAddresses, append(public, public6...)) || !anyIn(req.PrivateIPAddresses, private) {
				return false
			}
		}
		if len(req.TagKeys) > 0 || len(req.Tags) > 0 {
			tags := attrJSON[tag](in, attrTags)
			for _, k := range req.TagKeys {
				if !slices.ContainsFunc(tags, func(t tag) bool { return t.Key == k }) {
					return false
				}
			}
			for _, want := range req.Tags {
				if !slices.Contains(tags, want) {
					return false
				}
			}
		}
		return true
	}
}

// anyIn reports whether want is empty or shares an element with have.
func anyIn(want, have []string) bool {
	return len(want) == 0 || slices.ContainsFunc(want, func(w string) bool { return slices.Contains(have, w) })
}

// findPage returns one page of the caller's instances, of those ids when
// given, that match, and how many match in all.
func (h *Handler) findPage(c *call, ids []string, match func(*vmplane.Instance) bool, pageSize, pageNum int) ([]*vmplane.Instance, int, error) {
	if err := checkIDs(ids, false); err != nil {
		return nil, 0, err
	}
	offset, limit, err := pageBounds(pageSize, pageNum)
	if err != nil {
		return nil, 0, err
	}
	return h.svc.FindInstances(c.ctx, vmplane.InstanceFilter{Scope: c.scope, IDs: ids, Match: match, Offset: offset, Limit: limit})
}

func (h *Handler) describeInstances(c *call, req *describeInstancesRequest) (*describeInstancesResponse, error) {
	list, total, err := h.findPage(c, req.InstanceIDs, req.match(), req.PageSize, req.PageNum)
	if err != nil {
		return nil, err
	}
	resp := &describeInstancesResponse{TotalCount: total, DataSet: make([]instanceInfo, len(list))}
	now := h.svc.Now()
	for i := range list {
		resp.DataSet[i] = h.instanceInfo(list[i], now)
	}
	return resp, nil
}

type describeInstancesStatusRequest struct {
	InstanceIDs []string `json:"instanceIds"`
	PageSize    int      `json:"pageSize"`
	PageNum     int      `json:"pageNum"`
}

type instanceStatusItem struct {
	InstanceID     string `json:"instanceId"`
	InstanceStatus string `json:"instanceStatus"`
}

type describeInstancesStatusResponse struct {
	reply
	TotalCount int                  `json:"totalCount"`
	DataSet    []instanceStatusItem `json:"dataSet"`
}

func (h *Handler) describeInstancesStatus(c *call, req *describeInstancesStatusRequest) (*describeInstancesStatusResponse, error) {
	list, total, err := h.findPage(c, req.InstanceIDs, nil, req.PageSize, req.PageNum)
	if err != nil {
		return nil, err
	}
	resp := &describeInstancesStatusResponse{TotalCount: total, DataSet: make([]instanceStatusItem, len(list))}
	for i := range list {
		resp.DataSet[i] = instanceStatusItem{InstanceID: list[i].ID, InstanceStatus: instanceStatus(list[i])}
	}
	return resp, nil
}
