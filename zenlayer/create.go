package zenlayer

import (
	"cmp"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/vmplane/vmplane"
)

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
	if err := required([2]string{"zoneId", req.ZoneID}, [2]string{"imageId", req.ImageID}, [2]string{"instanceType", req.InstanceType},
		[2]string{"instanceChargeType", req.InstanceChargeType}, [2]string{"internetChargeType", req.InternetChargeType}); err != nil {
		return out, err
	}
	charge, period, err := chargeOf(req.InstanceChargeType, req.InstanceChargePrepaid)
	if err != nil {
		return out, err
	}
	out.Period = period
	if err := knownInternetCharge(req.InternetChargeType); err != nil {
		return out, err
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
		return out, errLoginConflict
	}
	if req.Password != "" && !validPassword(req.Password) {
		return out, errMalformedPassword
	}
	bandwidth := defaultBandwidth
	if req.InternetMaxBandwidthOut != nil {
		bandwidth = *req.InternetMaxBandwidthOut
	}
	if bandwidth < 0 {
		return out, badValue("The parameter `internetMaxBandwidthOut` must not be negative.")
	}
	if err := checkBandwidth(cat, req.InstanceType, bandwidth); err != nil {
		return out, err
	}
	if err := checkInternetCharge(cat.FindSpec(req.InstanceType), req.InternetChargeType); err != nil {
		return out, err
	}
	if req.TrafficPackageSize != nil && *req.TrafficPackageSize < 0 {
		return out, badValue("The parameter `trafficPackageSize` must not be negative.")
	}
	disk, data, err := req.disks()
	if err != nil {
		return out, err
	}
	if err := checkInitScript(req.InitScript); err != nil {
		return out, err
	}
	if req.NetworkMode != "" && req.NetworkMode != "Virtio" && req.NetworkMode != "Vf" {
		return out, badValue("The parameter `networkMode` must be Virtio or Vf.")
	}
	if req.Nic != nil {
		if err := checkNICNames(req.Nic.WanName, req.Nic.LanName); err != nil {
			return out, err
		}
	}
	return vmplane.InstanceCreate{
		Names: names, SpecID: req.InstanceType, ImageID: req.ImageID, Zone: req.ZoneID,
		DiskType: disk.DiskCategory, DiskGiB: disk.DiskSize, Charge: charge, Period: out.Period, Attrs: req.attrs(bandwidth, data),
	}, nil
}

// disks checks the system disk and the data disks a request asks for, and
// returns them with the defaults filled in, one data disk per element.
func (req *createInstancesRequest) disks() (system diskRequest, data []diskRequest, err error) {
	system = diskRequest{DiskSize: defaultDiskGiB, DiskCategory: defaultDiskCategory}
	if req.SystemDisk != nil {
		system.DiskSize = cmp.Or(req.SystemDisk.DiskSize, system.DiskSize)
		system.DiskCategory = cmp.Or(req.SystemDisk.DiskCategory, system.DiskCategory)
	}
	if system.DiskSize < defaultDiskGiB || system.DiskSize > 2048 {
		return system, nil, badValue("The parameter `systemDisk.diskSize` must be between %d and 2048 GiB.", defaultDiskGiB)
	}
	if err := checkDiskCategory("systemDisk.diskCategory", system.DiskCategory); err != nil {
		return system, nil, err
	}
	for _, d := range req.DataDisks {
		if d.DiskSize < 1 || d.DiskSize > 32768 || d.DiskAmount < 0 || d.DiskAmount > 10 {
			return system, nil, badValue("Each of `dataDisks` needs a diskSize between 1 and 32768 GiB and a diskAmount of at most 10.")
		}
		category := cmp.Or(d.DiskCategory, defaultDiskCategory)
		if err := checkDiskCategory("dataDisks.diskCategory", category); err != nil {
			return system, nil, err
		}
		for range max(d.DiskAmount, 1) {
			data = append(data, diskRequest{DiskSize: d.DiskSize, DiskCategory: category})
		}
	}
	if len(data) > 10 {
		return system, nil, badValue("At most 10 data disks can be attached to an instance.")
	}
	return system, data, nil
}

// attrs are the instance attributes a checked request sets: what Zenlayer
// shows of an instance beyond the core's fields. Empty values are left out.
func (req *createInstancesRequest) attrs(bandwidth int, data []diskRequest) map[string]string {
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
	return attrs
}

// chargeOf checks an instanceChargeType and, for PREPAID, its period.
func chargeOf(chargeType string, prepaid *chargePeriod) (vmplane.ChargeType, int32, error) {
	charge, ok := chargeTypes[chargeType]
	if !ok {
		return "", 0, badValue("The parameter `instanceChargeType` must be PREPAID or POSTPAID.")
	}
	if charge != vmplane.ChargePrepaid {
		return charge, 0, nil
	}
	if prepaid == nil || prepaid.Period == 0 {
		return "", 0, missing("instanceChargePrepaid.period")
	}
	// Allowed periods are UNVERIFIED; up to three years is common.
	if p := prepaid.Period; p < 1 || p > 36 {
		return "", 0, badValue("The parameter `instanceChargePrepaid.period` must be between 1 and 36 months.")
	}
	return charge, int32(prepaid.Period), nil // 1 to 36, checked above
}

func knownInternetCharge(internetChargeType string) error {
	if !slices.Contains(internetChargeTypes, internetChargeType) {
		return badValue("The parameter `internetChargeType` must be one of %s.", strings.Join(internetChargeTypes, ", "))
	}
	return nil
}

// checkInternetCharge refuses an internetChargeType that spec (if known)
// does not offer.
func checkInternetCharge(spec *vmplane.Spec, internetChargeType string) error {
	if spec == nil {
		return nil
	}
	if allowed := spec.Attrs["internetChargeTypes"]; allowed != "" && !slices.Contains(strings.Split(allowed, ","), internetChargeType) {
		return errorf(http.StatusBadRequest, codeChargeType, "The internetChargeType %s is not supported by %s.", internetChargeType, spec.ID)
	}
	return nil
}

// namePattern is the numbering pattern of instanceName: "web_[3,2]" names
// the instances web03, web04, ...: [begin,bits], begin 0 and bits 6 by default.
var namePattern = regexp.MustCompile(`_\[(\d{0,5}),([1-6]?)\]`)

// instanceNames expands an instanceName into count names.
func instanceNames(name string, count int) ([]string, error) {
	name = cmp.Or(name, defaultName)
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
			return nil, errBadName
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

// checkDiskCategory refuses a diskCategory that is not documented, with
// the code of any other parameter out of range (the documentation names
// none).
func checkDiskCategory(param, category string) error {
	if !slices.Contains(diskCategories, category) {
		return badValue("The parameter `%s` must be one of %s.", param, strings.Join(diskCategories, ", "))
	}
	return nil
}

func checkInitScript(s string) error {
	if len(s) > 32<<10 {
		return badValue("The parameter `initScript` must not exceed 32 KB.")
	}
	return nil
}

// checkNICNames refuses NIC names (empty ones are not given) the
// documentation forbids: 4 to 15 lower-case letters and digits, starting
// with a letter.
func checkNICNames(wanName, lanName string) error {
	for _, n := range [][2]string{{"wanName", wanName}, {"lanName", lanName}} {
		if n[1] != "" && !nicName.MatchString(n[1]) {
			return badValue("The parameter `%s` must be 4 to 15 lower-case letters and digits, starting with a letter.", n[0])
		}
	}
	return nil
}

var nicName = regexp.MustCompile(`^[a-z][a-z0-9]{3,14}$`)

// validPassword: 8 to 16 characters from the documented set, with a lower-
// case and an upper-case letter and a digit (how many kinds the real service
// demands is UNVERIFIED).
var errBadName = badValue("The parameter `instanceName` must be up to 64 letters, digits, hyphens and periods.")

var errLoginConflict = errorf(http.StatusBadRequest, codeLoginConflict, "Only one of `password` and `keyId` can be given.")

var errMalformedPassword = errorf(http.StatusBadRequest, codePassword, "The password must be 8 to 16 characters of lower-case and upper-case letters, digits and !@#$%%^&*~()-+=, with at least one of each kind of letter and a digit.")

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
