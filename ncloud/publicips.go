package ncloud

import (
	"fmt"
	"slices"

	"github.com/vmplane/vmplane"
)

// A public IP is kept as a resource; which server it is associated with is
// kept on the server (attributes publicIpInstanceNo and publicIp), so that
// a server shows its address without a lookup and a terminated server
// releases its address with it. A server created with
// associateWithPublicIp=true has an address of its own, numbered after it,
// that is not a resource.

// address is a public IP's address, derived from its sequence number:
// distinct from every other public IP's for the first 32000, and in another
// range than the servers' own.
func address(ip *vmplane.Resource) string {
	return fmt.Sprintf("223.130.%d.%d", 128+(ip.Seq/250)%128, 1+ip.Seq%250)
}

// publicIPs returns the caller's public IPs in the call's region (VPC) or
// anywhere (Classic), and the servers they are associated with.
func (c *call) publicIPs() ([]vmplane.Resource, map[string]*vmplane.Instance, error) {
	all := c.svc.FindResources(c.ctx, c.scope, kindPublicIP)
	if !c.api.classic {
		region, err := c.region()
		if err != nil {
			return nil, nil, err
		}
		all = slices.DeleteFunc(all, func(r vmplane.Resource) bool { return r.Attr("regionCode") != region.ID })
	}
	ins, _, err := c.svc.FindInstances(c.ctx, vmplane.InstanceFilter{Scope: c.scope,
		Match: func(in *vmplane.Instance) bool { return in.Attrs["publicIpInstanceNo"] != "" }})
	if err != nil {
		return nil, nil, err
	}
	servers := make(map[string]*vmplane.Instance, len(ins))
	for i := range ins {
		servers[ins[i].Attrs["publicIpInstanceNo"]] = ins[i]
	}
	return all, servers, nil
}

// publicIP returns one of the caller's public IPs and its server, if any;
// unknown refuses a number that names none.
func (c *call) publicIP(param string, unknown *apiError) (*vmplane.Resource, *vmplane.Instance, error) {
	no, err := c.p.required(param)
	if err != nil {
		return nil, nil, err
	}
	ips, servers, err := c.publicIPs()
	if err != nil {
		return nil, nil, err
	}
	for i := range ips {
		if ips[i].ID == no {
			return &ips[i], servers[no], nil
		}
	}
	return nil, nil, unknown
}

// createPublicIpInstance makes a public IP, associated with
// serverInstanceNo when given.
func (c *call) createPublicIpInstance() (result, error) {
	c.h.ipChanges.Lock()
	defer c.h.ipChanges.Unlock()
	desc := c.p.str("publicIpDescription")
	if len(desc) > 1000 {
		return result{}, invalidParam("publicIpDescription")
	}
	attrs := map[string]string{"description": desc}
	var in *vmplane.Instance
	if id := c.p.str("serverInstanceNo"); id != "" {
		var err error
		if in, err = c.find(id); err != nil {
			return result{}, err
		}
		if _, ip := c.server(in).publicIP(); ip != "" {
			return result{}, badRequest(codeInvalidValue, msgHasPublicIP)
		}
		attrs["regionCode"] = in.Region
	} else {
		region, err := c.publicIPRegion()
		if err != nil {
			return result{}, err
		}
		attrs["regionCode"] = region.ID
	}
	r, err := c.svc.CreateResource(c.ctx, vmplane.ResourceCreate{Scope: c.scope, Kind: kindPublicIP, Attrs: attrs})
	if err != nil {
		return result{}, err
	}
	if in != nil {
		if in, err = c.associate(&r, in); err != nil {
			_ = c.svc.DeleteResource(c.ctx, c.scope, kindPublicIP, r.ID)
			return result{}, err
		}
	}
	return list("publicIpInstanceList", []obj{c.renderPublicIP(&r, in)}), nil
}

// publicIPRegion is the region of a public IP made without a server: VPC's
// regionCode, Classic's regionNo, or the first region.
func (c *call) publicIPRegion() (*vmplane.Region, error) {
	if !c.api.classic {
		return c.region()
	}
	if no := c.p.str("regionNo"); no != "" {
		if r := regionByNo(c.cat, no); r != nil {
			return r, nil
		}
		return nil, invalidParam("regionNo")
	}
	if len(c.cat.Regions) == 0 {
		return &vmplane.Region{}, nil
	}
	return &c.cat.Regions[0], nil
}

func (c *call) associate(ip *vmplane.Resource, in *vmplane.Instance) (*vmplane.Instance, error) {
	n, err := c.svc.UpdateInstance(c.ctx, c.scope, in.ID, vmplane.InstanceUpdate{
		Attrs: map[string]string{"publicIpInstanceNo": ip.ID, "publicIp": address(ip)}})
	if err != nil {
		return nil, err
	}
	return &n, nil
}

// associatePublicIpWithServerInstance associates an unassociated public IP
// with a server that has none.
func (c *call) associatePublicIpWithServerInstance() (result, error) {
	c.h.ipChanges.Lock()
	defer c.h.ipChanges.Unlock()
	ip, cur, err := c.publicIP("publicIpInstanceNo", notFoundParam("publicIpInstanceNo"))
	if err != nil {
		return result{}, err
	}
	id, err := c.p.required("serverInstanceNo")
	if err != nil {
		return result{}, err
	}
	in, err := c.find(id)
	if err != nil {
		return result{}, err
	}
	if cur != nil {
		return result{}, badRequest(codeInvalidValue, msgIPAssociated)
	}
	if _, addr := c.server(in).publicIP(); addr != "" || (!c.api.classic && in.Region != ip.Attr("regionCode")) {
		return result{}, badRequest(codeInvalidValue, msgHasPublicIP)
	}
	if in, err = c.associate(ip, in); err != nil {
		return result{}, err
	}
	return list("publicIpInstanceList", []obj{c.renderPublicIP(ip, in)}), nil
}

// disassociatePublicIpFromServerInstance frees an associated public IP.
func (c *call) disassociatePublicIpFromServerInstance() (result, error) {
	c.h.ipChanges.Lock()
	defer c.h.ipChanges.Unlock()
	ip, in, err := c.publicIP("publicIpInstanceNo", notFoundParam("publicIpInstanceNo"))
	if err != nil {
		return result{}, err
	}
	if in == nil || (c.p.has("serverInstanceNo") && c.p.str("serverInstanceNo") != in.ID) {
		return result{}, badRequest(codeIPAlreadyFree, msgIPAlreadyFree)
	}
	if _, err := c.svc.UpdateInstance(c.ctx, c.scope, in.ID, vmplane.InstanceUpdate{
		Attrs: map[string]string{"publicIpInstanceNo": "", "publicIp": ""}}); err != nil {
		return result{}, err
	}
	return list("publicIpInstanceList", []obj{c.renderPublicIP(ip, nil)}), nil
}

// deletePublicIpInstance (VPC) deletes one unassociated public IP.
func (c *call) deletePublicIpInstance() (result, error) {
	c.h.ipChanges.Lock()
	defer c.h.ipChanges.Unlock()
	ip, in, err := c.publicIP("publicIpInstanceNo", badRequest(codeNoContract, msgNoContract))
	if err != nil {
		return result{}, err
	}
	return c.deletePublicIPs([]*vmplane.Resource{ip}, []*vmplane.Instance{in})
}

// deletePublicIpInstances (Classic) deletes unassociated public IPs, all
// or none.
func (c *call) deletePublicIpInstances() (result, error) {
	c.h.ipChanges.Lock()
	defer c.h.ipChanges.Unlock()
	nos, err := c.p.requiredList("publicIpInstanceNoList")
	if err != nil {
		return result{}, err
	}
	ips, servers, err := c.publicIPs()
	if err != nil {
		return result{}, err
	}
	var doomed []*vmplane.Resource
	var with []*vmplane.Instance
	for _, no := range nos {
		i := slices.IndexFunc(ips, func(r vmplane.Resource) bool { return r.ID == no })
		if i < 0 {
			return result{}, badRequest(codeNoContract, msgNoContract)
		}
		doomed, with = append(doomed, &ips[i]), append(with, servers[no])
	}
	return c.deletePublicIPs(doomed, with)
}

func (c *call) deletePublicIPs(ips []*vmplane.Resource, servers []*vmplane.Instance) (result, error) {
	for i, in := range servers {
		if in != nil {
			return result{}, badRequest(codeIPAssociated, fmt.Sprintf(msgDeleteAssociatedIP, ips[i].ID))
		}
	}
	items := make([]obj, len(ips))
	for i, ip := range ips {
		if err := c.svc.DeleteResource(c.ctx, c.scope, kindPublicIP, ip.ID); err != nil && vmplane.ErrorCode(err) != vmplane.ENOTFOUND {
			return result{}, err
		}
		items[i] = c.renderPublicIP(ip, nil)
	}
	return list("publicIpInstanceList", items), nil
}

// getPublicIpInstanceDetail (VPC) answers one public IP.
func (c *call) getPublicIpInstanceDetail() (result, error) {
	ip, in, err := c.publicIP("publicIpInstanceNo", notFoundParam("publicIpInstanceNo"))
	if err != nil {
		return result{}, err
	}
	return list("publicIpInstanceList", []obj{c.renderPublicIP(ip, in)}), nil
}

// getPublicIpInstanceList lists public IPs, filtered and paged.
func (c *call) getPublicIpInstanceList() (result, error) {
	nos, err := c.p.strings("publicIpInstanceNoList")
	if err != nil {
		return result{}, err
	}
	addrs, err := c.p.strings("publicIpList")
	if err != nil {
		return result{}, err
	}
	if v := c.p.str("publicIp"); v != "" {
		addrs = append(addrs, v)
	}
	var associated *bool
	if c.p.has("isAssociated") {
		b, err := c.p.bool("isAssociated", false)
		if err != nil {
			return result{}, err
		}
		associated = &b
	}
	var region *vmplane.Region
	if c.api.classic && c.p.has("regionNo") {
		if region, err = c.publicIPRegion(); err != nil {
			return result{}, err
		}
	}
	ips, servers, err := c.publicIPs()
	if err != nil {
		return result{}, err
	}
	var items []obj
	for i := range ips {
		ip, in := &ips[i], servers[ips[i].ID]
		name, private := "", ""
		if in != nil {
			s := c.server(in)
			name, private = s.Name, s.privateIP()
		}
		if (len(nos) > 0 && !slices.Contains(nos, ip.ID)) || (len(addrs) > 0 && !slices.Contains(addrs, address(ip))) ||
			(associated != nil && *associated != (in != nil)) || (region != nil && ip.Attr("regionCode") != region.ID) ||
			!matches(c.p, "serverName", name) || !matches(c.p, "privateIp", private) ||
			!matches(c.p, "publicIpInstanceStatusCode", c.publicIPStatus(in)) {
			continue
		}
		items = append(items, c.renderPublicIP(ip, in))
	}
	return c.paged("publicIpInstanceList", items)
}

// publicIPStatus is a public IP's status: VPC's are RUN; Classic's are
// USED while associated, CREAT otherwise.
func (c *call) publicIPStatus(in *vmplane.Instance) string {
	switch {
	case !c.api.classic:
		return "RUN"
	case in != nil:
		return "USED"
	}
	return "CREAT"
}

// renderPublicIP renders a public IP associated with in (nil: none).
func (c *call) renderPublicIP(ip *vmplane.Resource, in *vmplane.Instance) obj {
	status := c.publicIPStatus(in)
	statusNames := map[string]string{"RUN": "run", "USED": "used", "CREAT": "created"}
	if c.api.classic {
		region := c.cat.FindRegion(ip.Attr("regionCode"))
		if region == nil {
			region = &vmplane.Region{ID: ip.Attr("regionCode")}
		}
		zone := &vmplane.Zone{Region: region.ID}
		if zs := regionZones(c.cat, region.ID); len(zs) > 0 {
			zone = &zs[0]
		}
		associated := obj{}
		if in != nil {
			s := c.server(in)
			associated, zone = c.classicServer(s), s.zone
		}
		return obj{
			{"publicIpInstanceNo", str(ip.ID)},
			{"publicIp", str(address(ip))},
			{"publicIpDescription", str(ip.Attr("description"))},
			{"createDate", date(ip.CreatedAt)},
			{"publicIpInstanceStatusName", str(statusNames[status])},
			{"publicIpInstanceStatus", object(code(status, statusNames[status]))},
			{"publicIpInstanceOperation", object(code("NULL", "NULL OP"))},
			{"publicIpKindType", object(code("GEN", "General"))},
			{"serverInstanceAssociatedWithPublicIp", object(associated)},
			{"region", object(classicRegion(region))},
			{"zone", object(classicZone(zone, region))},
		}
	}
	no, name, private := "", "", ""
	if in != nil {
		s := c.server(in)
		no, name, private = s.ID, s.Name, s.privateIP()
	}
	return obj{
		{"publicIpInstanceNo", str(ip.ID)},
		{"publicIp", str(address(ip))},
		{"publicIpDescription", str(ip.Attr("description"))},
		{"createDate", date(ip.CreatedAt)},
		{"publicIpInstanceStatusName", str(statusNames[status])},
		{"publicIpInstanceStatus", object(code(status, statusNames[status]))},
		{"serverInstanceNo", str(no)},
		{"serverName", str(name)},
		{"privateIp", str(private)},
		{"lastModifyDate", date(ip.UpdatedAt)},
		{"publicIpInstanceOperation", object(code("NULL", "NULL OP"))},
	}
}
