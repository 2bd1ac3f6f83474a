package zenlayer

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

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
	defaultDiskCategory  = "Standard NVMe SSD"
	defaultResourceGroup = "00000000-0000-0000-0000-000000000000"
	defaultGroupName     = "Default Resource Group"
	maxIDs               = 100 // per batch call, documented
	timeLayout           = "2006-01-02T15:04:05Z"
)

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
	v := instanceInfo{
		InstanceID: in.ID, ZoneID: in.Zone, InstanceName: in.Name, InstanceType: in.SpecID,
		CPUCount: in.VCPU, Memory: in.MemoryMiB / 1024, ImageID: in.ImageID,
		InstanceChargeType:      chargeName(in.Charge),
		InternetMaxBandwidthOut: attrInt(in, attrBandwidth, defaultBandwidth),
		InternetChargeType:      cmpOr(in.Attr(attrInternetCharge), "ByBandwidth"),
		SubnetID:                in.Attr(attrSubnet),
		CreateTime:              in.CreatedAt.UTC().Format(timeLayout),
		InstanceStatus:          instanceStatus(in),
		SecurityGroupIDs:        []string{},
		SystemDisk:              systemDisk{DiskID: diskID(in, 0), DiskSize: cmpOr(in.DiskGiB, defaultDiskGiB), DiskCategory: cmpOr(in.DiskType, defaultDiskCategory)},
		DataDisks:               []dataDisk{},
		Nic:                     nic{WanName: cmpOr(in.Attr(attrWanName), "eth0"), LanName: cmpOr(in.Attr(attrLanName), "eth1")},
		Tags:                    tagSet{Tags: []tag{}},
	}
	if img := cat.FindImage(in.ImageID); img != nil {
		v.ImageName = img.Name
	}
	if in.Charge == vmplane.ChargePrepaid {
		period := max(in.PeriodMonths, 1)
		exp := cycleEnd(in, now).UTC().Format(timeLayout)
		v.Period, v.ExpiredTime = &period, &exp
	}
	v.PublicIPAddresses, v.PublicIPv6Addresses, v.PrivateIPAddresses = addresses(in)
	v.ResourceGroupID, v.ResourceGroupName = defaultResourceGroup, defaultGroupName
	if g := in.Attr(attrResourceGroup); g != "" {
		v.ResourceGroupID, v.ResourceGroupName = g, g
	}
	if v.InternetChargeType == "ByTrafficPackage" {
		size, _ := strconv.ParseFloat(in.Attr(attrTraffic), 64)
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
			DiskSize: d.DiskSize, DiskCategory: cmpOr(d.DiskCategory, defaultDiskCategory)})
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

// cycleEnd is when a prepaid instance's billing cycle ends: where a
// downgrade takes effect and what expiredTime shows. An instance seeded
// without a period is billed monthly.
func cycleEnd(in *vmplane.Instance, now time.Time) time.Time {
	if in.PeriodMonths <= 0 {
		cp := *in
		cp.PeriodMonths = 1
		return cp.CycleEnd(now)
	}
	return in.CycleEnd(now)
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

func attrInt(in *vmplane.Instance, key string, def int) int {
	if v, err := strconv.Atoi(in.Attr(key)); err == nil {
		return v
	}
	return def
}

func cmpOr[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

// pageBounds returns the offset and limit of a page of a list action:
// pageNum 1 and pageSize 20 unless given, at most 1000 a page, as documented.
func pageBounds(pageSize, pageNum int) (offset, limit int, err error) {
	size, num := cmpOr(pageSize, 20), cmpOr(pageNum, 1)
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
			!eq(req.InternetChargeType, cmpOr(in.Attr(attrInternetCharge), "ByBandwidth")) ||
			!eq(req.ResourceGroupID, cmpOr(in.Attr(attrResourceGroup), defaultResourceGroup)) ||
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

func (h *Handler) describeInstances(c *call, req *describeInstancesRequest) (*describeInstancesResponse, error) {
	if err := checkIDs(req.InstanceIDs, false); err != nil {
		return nil, err
	}
	offset, limit, err := pageBounds(req.PageSize, req.PageNum)
	if err != nil {
		return nil, err
	}
	f := vmplane.InstanceFilter{Scope: c.scope, IDs: req.InstanceIDs, Match: req.match(), Offset: offset, Limit: limit}
	list, total, err := h.svc.FindInstances(c.ctx, f)
	if err != nil {
		return nil, err
	}
	resp := &describeInstancesResponse{TotalCount: total, DataSet: make([]instanceInfo, len(list))}
	now := h.svc.Now()
	for i := range list {
		resp.DataSet[i] = h.instanceInfo(&list[i], now)
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
	if err := checkIDs(req.InstanceIDs, false); err != nil {
		return nil, err
	}
	offset, limit, err := pageBounds(req.PageSize, req.PageNum)
	if err != nil {
		return nil, err
	}
	list, total, err := h.svc.FindInstances(c.ctx, vmplane.InstanceFilter{Scope: c.scope, IDs: req.InstanceIDs, Offset: offset, Limit: limit})
	if err != nil {
		return nil, err
	}
	resp := &describeInstancesStatusResponse{TotalCount: total, DataSet: make([]instanceStatusItem, len(list))}
	for i := range list {
		resp.DataSet[i] = instanceStatusItem{InstanceID: list[i].ID, InstanceStatus: instanceStatus(&list[i])}
	}
	return resp, nil
}

type chargePeriod struct {
	Period int `json:"period"`
}

type diskRequest struct {
	DiskSize     int    `json:"diskSize"`
	DiskCategory string `json:"diskCategory"`
	DiskAmount   int    `json:"diskAmount,omitempty"` // 2026-04-01: copies of this disk
}

type createInstancesRequest struct {
	ZoneID                  string        `json:"zoneId"`
	ImageID                 string        `json:"imageId"`
	InstanceType            string        `json:"instanceType"`
	InstanceName            string        `json:"instanceName"`
	Password                string        `json:"password"`
	KeyID                   string        `json:"keyId"`
	ResourceGroupID         string        `json:"resourceGroupId"`
	InstanceChargeType      string        `json:"instanceChargeType"`
	InstanceChargePrepaid   *chargePeriod `json:"instanceChargePrepaid"`
	InstanceChargePostpaid  *chargePeriod `json:"instanceChargePostpaid"`
	InternetChargeType      string        `json:"internetChargeType"`
	TrafficPackageSize      *float64      `json:"trafficPackageSize"`
	InternetMaxBandwidthOut *int          `json:"internetMaxBandwidthOut"`
	InstanceCount           *int          `json:"instanceCount"`
	SystemDisk              *diskRequest  `json:"systemDisk"`
	DataDisks               []diskRequest `json:"dataDisks"`
	SubnetID                string        `json:"subnetId"`
	EnableIPv6              *bool         `json:"enableIpv6"`
	EnableIPv4              *bool         `json:"enableIpv4"`
	CPUPassThrough          *bool         `json:"cpuPassThrough"`
	InitScript              string        `json:"initScript"`
	NetworkMode             string        `json:"networkMode"`
	DiskPreAllocated        *bool         `json:"diskPreAllocated"`
	Nic                     *nic          `json:"nic"`
	SecurityGroupID         string        `json:"securityGroupId"`
	ClusterID               string        `json:"clusterId"`
	Tags                    *tagSet       `json:"tags"`
}

type diskWithInstance struct {
	InstanceID string   `json:"instanceId"`
	DiskIDSet  []string `json:"diskIdSet"`
}

type createInstancesResponse struct {
	reply
	OrderNumber   string   `json:"orderNumber"`
	InstanceIDSet []string `json:"instanceIdSet"`
	// Instances lists the data disks created with each instance (2026-04-01).
	Instances []diskWithInstance `json:"instances"`
}

// validate checks a CreateInstances request in the order its parameters
// are documented, and returns what the core needs.
func (req *createInstancesRequest) validate(cat *vmplane.Catalog) (vmplane.InstanceCreate, error) {
	var out vmplane.InstanceCreate
	for _, p := range []struct{ name, value string }{
		{"zoneId", req.ZoneID}, {"imageId", req.ImageID}, {"instanceType", req.InstanceType},
		{"instanceChargeType", req.InstanceChargeType}, {"internetChargeType", req.InternetChargeType},
	} {
		if p.value == "" {
			return out, missing(p.name)
		}
	}
	charge, ok := chargeTypes[req.InstanceChargeType]
	if !ok {
		return out, badValue("The parameter `instanceChargeType` must be PREPAID or POSTPAID.")
	}
	if charge == vmplane.ChargePrepaid {
		if req.InstanceChargePrepaid == nil || req.InstanceChargePrepaid.Period == 0 {
			return out, missing("instanceChargePrepaid.period")
		}
		// Allowed periods are UNVERIFIED; up to three years is common.
		if p := req.InstanceChargePrepaid.Period; p < 1 || p > 36 {
			return out, badValue("The parameter `instanceChargePrepaid.period` must be between 1 and 36 months.")
		}
		out.Period = req.InstanceChargePrepaid.Period
	}
	if !slices.Contains(internetChargeTypes, req.InternetChargeType) {
		return out, badValue("The parameter `internetChargeType` must be one of %s.", strings.Join(internetChargeTypes, ", "))
	}
	count := 1
	if req.InstanceCount != nil {
		count = *req.InstanceCount
	}
	if count < 1 || count > 100 {
		return out, badValue("The parameter `instanceCount` must be between 1 and 100.")
	}
	names, err := instanceNames(req.InstanceName, count)
	if err != nil {
		return out, err
	}
	if req.Password != "" && req.KeyID != "" {
		return out, errorf(http.StatusBadRequest, codeLoginConflict, "Only one of `password` and `keyId` can be given.")
	}
	if req.Password != "" && !validPassword(req.Password) {
		return out, errorf(http.StatusBadRequest, codePassword, "The password must be 8 to 16 characters of lower-case and upper-case letters, digits and !@#$%%^&*~()-+=, with at least one of each kind of letter and a digit.")
	}
	bandwidth := defaultBandwidth
	if req.InternetMaxBandwidthOut != nil {
		bandwidth = *req.InternetMaxBandwidthOut
	}
	if bandwidth < 0 {
		return out, badValue("The parameter `internetMaxBandwidthOut` must not be negative.")
	}
	if spec := cat.FindSpec(req.InstanceType); spec != nil {
		if limit, err := strconv.Atoi(spec.Attrs["bandwidthLimit"]); err == nil && limit > 0 && bandwidth > limit {
			return out, errorf(http.StatusBadRequest, codeBandwidth, "The bandwidth %d Mbps exceeds the %d Mbps limit of %s.", bandwidth, limit, spec.ID)
		}
		if allowed := spec.Attrs["internetChargeTypes"]; allowed != "" && !slices.Contains(strings.Split(allowed, ","), req.InternetChargeType) {
			return out, errorf(http.StatusBadRequest, codeChargeNotInZone, "The internetChargeType %s is not supported by %s.", req.InternetChargeType, spec.ID)
		}
	}
	if req.TrafficPackageSize != nil && *req.TrafficPackageSize < 0 {
		return out, badValue("The parameter `trafficPackageSize` must not be negative.")
	}
	disk := diskRequest{DiskSize: defaultDiskGiB, DiskCategory: defaultDiskCategory}
	if req.SystemDisk != nil {
		disk.DiskSize = cmpOr(req.SystemDisk.DiskSize, disk.DiskSize)
		disk.DiskCategory = cmpOr(req.SystemDisk.DiskCategory, disk.DiskCategory)
	}
	if disk.DiskSize < defaultDiskGiB || disk.DiskSize > 2048 {
		return out, badValue("The parameter `systemDisk.diskSize` must be between %d and 2048 GiB.", defaultDiskGiB)
	}
	var data []diskRequest
	for _, d := range req.DataDisks {
		if d.DiskSize < 1 || d.DiskSize > 32768 || d.DiskAmount < 0 || d.DiskAmount > 10 {
			return out, badValue("Each of `dataDisks` needs a diskSize between 1 and 32768 GiB and a diskAmount of at most 10.")
		}
		for range max(d.DiskAmount, 1) {
			data = append(data, diskRequest{DiskSize: d.DiskSize, DiskCategory: d.DiskCategory})
		}
	}
	if len(data) > 10 {
		return out, badValue("At most 10 data disks can be attached to an instance.")
	}
	if len(req.InitScript) > 32<<10 {
		return out, badValue("The parameter `initScript` must not exceed 32 KB.")
	}
	if req.NetworkMode != "" && req.NetworkMode != "Virtio" && req.NetworkMode != "Vf" {
		return out, badValue("The parameter `networkMode` must be Virtio or Vf.")
	}
	attrs := map[string]string{
		attrInternetCharge: req.InternetChargeType, attrBandwidth: strconv.Itoa(bandwidth), attrSubnet: req.SubnetID,
		attrKey: req.KeyID, attrResourceGroup: req.ResourceGroupID, attrSecurityGroup: req.SecurityGroupID,
	}
	if req.TrafficPackageSize != nil {
		attrs[attrTraffic] = strconv.FormatFloat(*req.TrafficPackageSize, 'f', -1, 64)
	}
	if req.EnableIPv4 != nil && !*req.EnableIPv4 {
		attrs[attrIPv4] = "false"
	}
	if req.EnableIPv6 != nil && *req.EnableIPv6 {
		attrs[attrIPv6] = "true"
	}
	if req.Nic != nil {
		attrs[attrWanName], attrs[attrLanName] = req.Nic.WanName, req.Nic.LanName
	}
	if len(data) > 0 {
		b, _ := json.Marshal(data)
		attrs[attrDataDisks] = string(b)
	}
	if req.Tags != nil && len(req.Tags.Tags) > 0 {
		b, _ := json.Marshal(req.Tags.Tags)
		attrs[attrTags] = string(b)
	}
	for k, v := range attrs {
		if v == "" {
			delete(attrs, k)
		}
	}
	return vmplane.InstanceCreate{
		Names: names, SpecID: req.InstanceType, ImageID: req.ImageID, Zone: req.ZoneID,
		DiskType: disk.DiskCategory, DiskGiB: disk.DiskSize, Charge: charge, Period: out.Period, Attrs: attrs,
	}, nil
}

// namePattern is the numbering pattern of instanceName: "web_[3,2]" names
// the instances web03, web04, ...: [begin,bits], begin 0 and bits 6 by default.
var namePattern = regexp.MustCompile(`_\[(\d{0,5}),([1-6]?)\]`)

// instanceNames expands an instanceName into count names.
func instanceNames(name string, count int) ([]string, error) {
	name = cmpOr(name, defaultName)
	names := make([]string, count)
	for i := range names {
		names[i] = namePattern.ReplaceAllStringFunc(name, func(m string) string {
			sub := namePattern.FindStringSubmatch(m)
			begin, _ := strconv.Atoi(sub[1])
			bits := 6
			if sub[2] != "" {
				bits, _ = strconv.Atoi(sub[2])
			}
			return fmt.Sprintf("%0*d", bits, begin+i)
		})
		if !validName(names[i]) {
			return nil, badValue("The parameter `instanceName` must be up to 64 letters, digits, hyphens and periods.")
		}
	}
	return names, nil
}

// validName follows the documented rule (letters, digits, '-' and '.', up
// to 64 characters), also allowing '_', which the real service's handling
// of is UNVERIFIED.
func validName(s string) bool {
	if s == "" || utf8.RuneCountInString(s) > 64 {
		return false
	}
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-' && r != '.' && r != '_' {
			return false
		}
	}
	return true
}

// validPassword: 8 to 16 characters from the documented set, with a lower-
// case and an upper-case letter and a digit (how many kinds the real service
// demands is UNVERIFIED).
func validPassword(p string) bool {
	if len(p) < 8 || len(p) > 16 {
		return false
	}
	var lower, upper, digit bool
	for _, r := range p {
		switch {
		case r >= 'a' && r <= 'z':
			lower = true
		case r >= 'A' && r <= 'Z':
			upper = true
		case r >= '0' && r <= '9':
			digit = true
		case strings.ContainsRune("!@#$%^&*~()-+=", r):
		default:
			return false
		}
	}
	return lower && upper && digit
}

func (h *Handler) createInstances(c *call, req *createInstancesRequest) (*createInstancesResponse, error) {
	create, err := req.validate(h.svc.Catalog(CloudName))
	if err != nil {
		return nil, err
	}
	create.Scope = c.scope
	job, err := h.svc.CreateInstances(c.ctx, create)
	if err != nil {
		return nil, err
	}
	resp := &createInstancesResponse{OrderNumber: job.ID, InstanceIDSet: make([]string, len(job.Instances)), Instances: make([]diskWithInstance, len(job.Instances))}
	for i := range job.Instances {
		in := &job.Instances[i]
		resp.InstanceIDSet[i] = in.ID
		resp.Instances[i] = diskWithInstance{InstanceID: in.ID, DiskIDSet: []string{}}
		for n := range attrJSON[diskRequest](in, attrDataDisks) {
			resp.Instances[i].DiskIDSet = append(resp.Instances[i].DiskIDSet, diskID(in, n+1))
		}
	}
	return resp, nil
}

type instanceIDsRequest struct {
	InstanceIDs []string `json:"instanceIds"`
}

type stopInstancesRequest struct {
	InstanceIDs []string `json:"instanceIds"`
	// ForceShutdown defaults to true, as documented.
	ForceShutdown *bool `json:"forceShutdown"`
}

// empty is the response of the actions that return only a request id.
type empty struct{ reply }

// submit asks the core for one kind of operation on a batch of instances,
// all or nothing.
func (h *Handler) submit(c *call, req vmplane.OperationRequest) (*empty, error) {
	if err := checkIDs(req.InstanceIDs, true); err != nil {
		return nil, err
	}
	req.Scope = c.scope
	if _, err := h.svc.Submit(c.ctx, req); err != nil {
		return nil, err
	}
	return &empty{}, nil
}

func (h *Handler) startInstances(c *call, req *instanceIDsRequest) (*empty, error) {
	return h.submit(c, vmplane.OperationRequest{Kind: vmplane.KindStart, InstanceIDs: req.InstanceIDs})
}

func (h *Handler) stopInstances(c *call, req *stopInstancesRequest) (*empty, error) {
	hard := req.ForceShutdown == nil || *req.ForceShutdown
	return h.submit(c, vmplane.OperationRequest{Kind: vmplane.KindStop, InstanceIDs: req.InstanceIDs, Hard: hard})
}

func (h *Handler) rebootInstances(c *call, req *instanceIDsRequest) (*empty, error) {
	return h.submit(c, vmplane.OperationRequest{Kind: vmplane.KindReboot, InstanceIDs: req.InstanceIDs})
}

type instanceIDRequest struct {
	InstanceID string `json:"instanceId"`
}

// find returns the instance a single-instance action names.
func (h *Handler) find(c *call, id string) (*vmplane.Instance, error) {
	if id == "" {
		return nil, missing("instanceId")
	}
	in, err := h.svc.FindInstanceByID(c.ctx, c.scope, id)
	if err != nil {
		return nil, err
	}
	return &in, nil
}

// terminateInstance moves an instance to the recycle bin: it is powered off
// and kept until ReleaseInstances.
func (h *Handler) terminateInstance(c *call, req *instanceIDRequest) (*empty, error) {
	in, err := h.find(c, req.InstanceID)
	if err != nil {
		return nil, err
	}
	if in.Charge == vmplane.ChargePrepaid && in.Power != vmplane.PowerRecycled {
		return nil, errorf(http.StatusForbidden, codeSubscription, "Instance %s is a subscription (PREPAID) instance; it cannot be terminated before it expires.", in.ID)
	}
	return h.submit(c, vmplane.OperationRequest{Kind: vmplane.KindRecycle, Mode: vmplane.ModeStopFirst, InstanceIDs: []string{in.ID}})
}

// releaseInstances destroys instances in the recycle bin, and only those:
// the core would also terminate a stopped instance.
func (h *Handler) releaseInstances(c *call, req *instanceIDsRequest) (*empty, error) {
	if err := checkIDs(req.InstanceIDs, true); err != nil {
		return nil, err
	}
	for _, id := range req.InstanceIDs {
		in, err := h.svc.FindInstanceByID(c.ctx, c.scope, id)
		if err != nil {
			return nil, err
		}
		if in.Power != vmplane.PowerRecycled {
			return nil, &vmplane.Error{Code: vmplane.ESTATE, ID: id, Kind: vmplane.KindTerminate, State: in.Power,
				Message: fmt.Sprintf("Instance %s is not in the recycle bin.", id)}
		}
	}
	return h.submit(c, vmplane.OperationRequest{Kind: vmplane.KindTerminate, InstanceIDs: req.InstanceIDs})
}
