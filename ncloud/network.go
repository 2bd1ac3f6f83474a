package ncloud

import (
	"fmt"
	"slices"
	"strings"

	"github.com/vmplane/vmplane"
)

// vmplane does not model NCP's networks; it answers the network calls that
// server workflows make (Terraform reads the subnet, picks the VPC's
// default ACG, waits for the basic block storage, reads the network
// interface) consistently with the servers, from the catalog's default VPC
// and subnets:
//
//   - a region has one default VPC, with a default ACG and network ACL;
//   - a zone has one default subnet in it;
//   - any other well-formed subnet number is a subnet of the default VPC in
//     the region's first zone (UNVERIFIED by design: it lets a client use
//     its own numbers), and servers created in it are placed there;
//   - a server has one network interface (eth0) and one basic block
//     storage, numbered after it.

// networkDate is the creation date of the default networks, which predate
// every server.
const networkDate = "2024-01-02T10:00:00+0900"

type subnet struct {
	no, vpcNo, cidr string
	zone            *vmplane.Zone
	region          *vmplane.Region
}

// subnetOf returns subnet no of a server in zone (the zone's default
// subnet when no is "").
func subnetOf(zone *vmplane.Zone, region *vmplane.Region, no string) subnet {
	if no == "" {
		no = zone.Attrs["subnetNo"]
	}
	return subnet{no: no, vpcNo: region.Attrs["vpcNo"], cidr: zone.Attrs["subnet"], zone: zone, region: region}
}

// subnetZone is the zone of subnet no in region.
func (c *call) subnetZone(region *vmplane.Region, no string) *vmplane.Zone {
	zones := regionZones(c.cat, region.ID)
	for i := range zones {
		if zones[i].Attrs["subnetNo"] == no {
			return &zones[i]
		}
	}
	if len(zones) == 0 {
		return &vmplane.Zone{Region: region.ID}
	}
	return &zones[0]
}

// host returns a private address in the subnet for a server. Addresses
// repeat after 248 servers; they are for show.
func (s subnet) host(seq int64) string {
	n := 6 + seq%248
	if prefix, ok := strings.CutSuffix(s.cidr, ".0/24"); ok {
		return fmt.Sprintf("%s.%d", prefix, n)
	}
	return fmt.Sprintf("10.41.%d.%d", (seq/248)%256, n)
}

func (s subnet) name() string { return "subnet-" + strings.ToLower(s.zone.ID) + "-" + s.no }

func (s subnet) render() obj {
	return obj{
		{"subnetNo", str(s.no)},
		{"vpcNo", str(s.vpcNo)},
		{"zoneCode", str(s.zone.ID)},
		{"subnetName", str(s.name())},
		{"subnet", str(s.cidr)},
		{"subnetStatus", object(code("RUN", "run"))},
		{"createDate", str(networkDate)},
		{"subnetType", object(code("PUBLIC", "Public"))},
		{"usageType", object(code("GEN", "General"))},
		{"networkAclNo", str(s.region.Attrs["networkAclNo"])},
	}
}

// subnets lists the subnets a call can see in its region: the zones'
// default subnets and those the caller's servers were created in.
func (c *call) subnets(region *vmplane.Region) ([]subnet, error) {
	var out []subnet
	seen := make(map[string]bool)
	for _, z := range regionZones(c.cat, region.ID) {
		s := subnetOf(&z, region, "")
		seen[s.no] = true
		out = append(out, s)
	}
	ins, _, err := c.svc.FindInstances(c.ctx, vmplane.InstanceFilter{Scope: c.scope,
		Match: func(in *vmplane.Instance) bool { return in.Region == region.ID }})
	if err != nil {
		return nil, err
	}
	for i := range ins {
		s := c.server(ins[i]).subnet()
		if !seen[s.no] {
			seen[s.no] = true
			out = append(out, s)
		}
	}
	return out, nil
}

// getSubnetDetail answers any well-formed subnet number; see above.
func (c *call) getSubnetDetail() (result, error) {
	region, err := c.region()
	if err != nil {
		return result{}, err
	}
	no, err := c.p.required("subnetNo")
	if err != nil {
		return result{}, err
	}
	if !numeric(no) {
		return list("subnetList", nil), nil
	}
	all, err := c.subnets(region)
	if err != nil {
		return result{}, err
	}
	for _, s := range all {
		if s.no == no {
			return list("subnetList", []obj{s.render()}), nil
		}
	}
	return list("subnetList", []obj{subnetOf(c.subnetZone(region, no), region, no).render()}), nil
}

func (c *call) getSubnetList() (result, error) {
	region, err := c.region()
	if err != nil {
		return result{}, err
	}
	nos, err := c.p.strings("subnetNoList")
	if err != nil {
		return result{}, err
	}
	var items []obj
	all, err := c.subnets(region)
	if err != nil {
		return result{}, err
	}
	for _, s := range all {
		// Every subnet is a public one for general use, running.
		if (len(nos) == 0 || slices.Contains(nos, s.no)) && matches(c.p, "vpcNo", s.vpcNo) && matches(c.p, "zoneCode", s.zone.ID) &&
			matches(c.p, "subnet", s.cidr) && matches(c.p, "networkAclNo", s.region.Attrs["networkAclNo"]) &&
			matches(c.p, "subnetName", s.name()) && matches(c.p, "subnetTypeCode", "PUBLIC") &&
			matches(c.p, "usageTypeCode", "GEN") && matches(c.p, "subnetStatusCode", "RUN") {
			items = append(items, s.render())
		}
	}
	return c.paged("subnetList", items)
}

// matches reports whether a filter parameter is absent or equal to v.
func matches(p params, name, v string) bool { return !p.has(name) || p.str(name) == v }

// paged pages items as pageNo and pageSize ask.
func (c *call) paged(name string, items []obj) (result, error) {
	offset, limit, err := c.page()
	if err != nil {
		return result{}, err
	}
	total := len(items)
	lo := min(offset, total)
	hi := total
	if limit > 0 {
		hi = min(lo+limit, total)
	}
	return result{list: name, items: items[lo:hi], total: total}, nil
}

// regionServers returns the caller's servers in the call's region that
// match.
func (c *call) regionServers(match func(server) bool) ([]server, error) {
	region, err := c.region()
	if err != nil {
		return nil, err
	}
	ins, _, err := c.svc.FindInstances(c.ctx, vmplane.InstanceFilter{Scope: c.scope, Compare: compareNo,
		Match: func(in *vmplane.Instance) bool { return in.Region == region.ID && match(c.server(in)) }})
	if err != nil {
		return nil, err
	}
	out := make([]server, len(ins))
	for i := range ins {
		out[i] = c.server(ins[i])
	}
	return out, nil
}

// blockStorage renders a server's basic block storage. It is initialised
// with the server and attached from then on.
func blockStorage(s server) obj {
	status, op, name := code("ATTAC", "Block storage ATTACHED state"), code("NULL", "Block storage NULL OP"), "attached"
	if s.state.status == "INIT" {
		status, name = code("INIT", "Block storage INIT state"), "initialized"
	}
	device := "/dev/vda"
	if s.spec.Attrs["hypervisor"] == "XEN" {
		device = "/dev/xvda"
	}
	disk := s.DiskType
	product := "SPBSTBSTBS000005" // UNVERIFIED: NCP's basic SSD storage product
	if disk == "HDD" {
		product = "SPBSTBSTBS000002"
	}
	return obj{
		{"blockStorageInstanceNo", str(derivedNo(baseStorage, s.Seq))},
		{"serverInstanceNo", str(s.ID)},
		{"blockStorageName", str(s.Name)},
		{"blockStorageType", object(code("BASIC", "Basic BS"))},
		{"blockStorageSize", num(int64(s.DiskGiB) * gib)},
		{"deviceName", str(device)},
		{"blockStorageProductCode", str(product)},
		{"blockStorageInstanceStatus", object(status)},
		{"blockStorageInstanceOperation", object(op)},
		{"blockStorageInstanceStatusName", str(name)},
		{"createDate", date(s.CreatedAt)},
		{"blockStorageDescription", str(s.Name + "'s basic storage")},
		{"blockStorageDiskType", object(code("NET", "Network Storage"))},
		{"blockStorageDiskDetailType", object(code(disk, disk))},
		{"maxIopsThroughput", num(atoi(s.spec.Attrs["iops"]))},
		{"isEncryptedVolume", boolean(s.Attr("isEncryptedBaseBlockStorageVolume") == "true")},
		{"zoneCode", str(s.zone.ID)},
		{"regionCode", str(s.region.ID)},
		{"isReturnProtection", boolean(false)},
		{"blockStorageVolumeType", object(code(disk, disk))},
		{"hypervisorType", object(s.hypervisor())},
		{"throughput", num(atoi(s.spec.Attrs["throughput"]))},
		{"iops", num(atoi(s.spec.Attrs["iops"]))},
	}
}

// getBlockStorageInstanceList lists the basic storage of the caller's
// servers. Servers have no additional storage (type SVRBS), so Terraform's
// detach-before-terminate finds nothing to detach.
func (c *call) getBlockStorageInstanceList() (result, error) {
	types, err := c.p.strings("blockStorageTypeCodeList")
	if err != nil {
		return result{}, err
	}
	nos, err := c.p.strings("blockStorageInstanceNoList")
	if err != nil {
		return result{}, err
	}
	hypervisors, err := c.p.strings("hypervisorTypeCodeList")
	if err != nil {
		return result{}, err
	}
	status, err := c.p.oneOf("blockStorageInstanceStatusCode", "INIT", "CREAT", "ATTAC", "DETAC", "TERMT")
	if err != nil {
		return result{}, err
	}
	if len(types) > 0 && !slices.Contains(types, "BASIC") {
		return list("blockStorageInstanceList", nil), nil
	}
	servers, err := c.regionServers(func(s server) bool {
		st := "ATTAC"
		if s.state.status == "INIT" {
			st = "INIT"
		}
		return matches(c.p, "serverInstanceNo", s.ID) && matches(c.p, "zoneCode", s.Zone) &&
			matches(c.p, "serverName", s.Name) && matches(c.p, "blockStorageName", s.Name) &&
			matches(c.p, "blockStorageDiskTypeCode", "NET") && matches(c.p, "blockStorageDiskDetailTypeCode", s.DiskType) &&
			(len(nos) == 0 || slices.Contains(nos, derivedNo(baseStorage, s.Seq))) &&
			(len(hypervisors) == 0 || slices.Contains(hypervisors, s.spec.Attrs["hypervisor"])) &&
			(status == "" || status == st)
	})
	if err != nil {
		return result{}, err
	}
	items := make([]obj, len(servers))
	for i, s := range servers {
		items[i] = blockStorage(s)
	}
	return c.paged("blockStorageInstanceList", items)
}

func (c *call) getBlockStorageInstanceDetail() (result, error) {
	no, err := c.p.required("blockStorageInstanceNo")
	if err != nil {
		return result{}, err
	}
	seq := seqOf(baseStorage, no)
	servers, err := c.regionServers(func(s server) bool { return s.Seq == seq })
	if err != nil {
		return result{}, err
	}
	var items []obj
	for _, s := range servers {
		items = append(items, blockStorage(s))
	}
	return list("blockStorageInstanceList", items), nil
}

// getNetworkInterfaceDetail answers a server's default interface.
func (c *call) getNetworkInterfaceDetail() (result, error) {
	no, err := c.p.required("networkInterfaceNo")
	if err != nil {
		return result{}, err
	}
	servers, err := c.regionServers(func(s server) bool { return s.nicNo() == no })
	if err != nil {
		return result{}, err
	}
	var items []obj
	for _, s := range servers {
		items = append(items, obj{
			{"networkInterfaceNo", str(s.nicNo())},
			{"networkInterfaceName", str("nic-" + s.nicNo())},
			{"subnetNo", str(s.subnet().no)},
			{"deleteOnTermination", boolean(s.Attr("networkInterfaceNo") == "")},
			{"isDefault", boolean(true)},
			{"deviceName", str("eth0")},
			{"networkInterfaceStatus", object(code("USED", "Used"))},
			{"instanceType", object(code("VSVR", "Server (VPC)"))},
			{"instanceNo", str(s.ID)},
			{"ip", str(s.privateIP())},
			{"macAddress", str(fmt.Sprintf("F2:20:%02X:%02X:%02X:%02X", byte(s.Seq>>24), byte(s.Seq>>16), byte(s.Seq>>8), byte(s.Seq)))},
			{"accessControlGroupNoList", strs(s.accessControlGroups()...)},
			{"networkInterfaceDescription", str("")},
			{"secondaryIpList", strs()},
			{"enableFlowLog", boolean(false)},
		})
	}
	return list("networkInterfaceList", items), nil
}

func vpcName(region *vmplane.Region) string { return "default-vpc-" + strings.ToLower(region.ID) }

// vpc renders a region's default VPC, the one VPC vmplane models: the /16
// around its zones' subnets.
func (c *call) vpc(region *vmplane.Region) obj {
	cidr := "10.0.0.0/16"
	if zones := regionZones(c.cat, region.ID); len(zones) > 0 {
		if parts := strings.Split(zones[0].Attrs["subnet"], "."); len(parts) == 4 {
			cidr = parts[0] + "." + parts[1] + ".0.0/16"
		}
	}
	return obj{
		{"vpcNo", str(region.Attrs["vpcNo"])},
		{"vpcName", str(vpcName(region))},
		{"ipv4CidrBlock", str(cidr)},
		{"vpcStatus", object(code("RUN", "run"))},
		{"regionCode", str(region.ID)},
		{"createDate", str(networkDate)},
	}
}

// getVpcList lists the region's default VPC, if it matches.
func (c *call) getVpcList() (result, error) {
	region, err := c.region()
	if err != nil {
		return result{}, err
	}
	nos, err := c.p.strings("vpcNoList")
	if err != nil {
		return result{}, err
	}
	if (len(nos) > 0 && !slices.Contains(nos, region.Attrs["vpcNo"])) || !matches(c.p, "vpcName", vpcName(region)) ||
		!matches(c.p, "vpcStatusCode", "RUN") {
		return list("vpcList", nil), nil
	}
	return list("vpcList", []obj{c.vpc(region)}), nil
}

// getVpcDetail answers the region's default VPC, or an empty list.
func (c *call) getVpcDetail() (result, error) {
	region, err := c.region()
	if err != nil {
		return result{}, err
	}
	no, err := c.p.required("vpcNo")
	if err != nil {
		return result{}, err
	}
	if no != region.Attrs["vpcNo"] {
		return list("vpcList", nil), nil
	}
	return list("vpcList", []obj{c.vpc(region)}), nil
}
