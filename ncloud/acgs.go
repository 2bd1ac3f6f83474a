package ncloud

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	"github.com/vmplane/vmplane"
)

// Access control groups (VPC). A region's default VPC has a default ACG;
// the caller creates more, each kept as a resource with its rules. Servers
// may also name ACG numbers vmplane never made (clients bring their own):
// those are listed as plain ACGs of the server's VPC.

// acgRule is one rule of an ACG, as kept in the resource's attributes.
type acgRule struct {
	Protocol    string `json:"protocol"` // TCP, UDP, ICMP
	IPBlock     string `json:"ipBlock,omitempty"`
	Source      string `json:"source,omitempty"` // another ACG's number
	Ports       string `json:"ports,omitempty"`
	Description string `json:"description,omitempty"`
}

// ruleAttr is the attribute an ACG's rules of a direction are kept in.
func ruleAttr(inbound bool) string {
	if inbound {
		return "inboundRules"
	}
	return "outboundRules"
}

// acg is an ACG as listed.
type acg struct {
	no, name, vpcNo, desc string
	isDefault             bool
	res                   *vmplane.Resource // nil for a default ACG or a client's own number
}

func (g acg) render() obj {
	return obj{
		{"accessControlGroupNo", str(g.no)},
		{"accessControlGroupName", str(g.name)},
		{"isDefault", boolean(g.isDefault)},
		{"vpcNo", str(g.vpcNo)},
		{"accessControlGroupStatus", object(code("RUN", "run"))},
		{"accessControlGroupDescription", str(g.desc)},
	}
}

// acgs returns the ACGs a call can see in its region: the default ACG of
// the region's VPC (and of vpcNo, if it names another), the caller's, and
// those the caller's servers name.
func (c *call) acgs(region *vmplane.Region) ([]acg, error) {
	groups := []acg{{no: region.Attrs["accessControlGroupNo"], vpcNo: region.Attrs["vpcNo"], isDefault: true}}
	if v := c.p.str("vpcNo"); v != "" && v != region.Attrs["vpcNo"] && numeric(v) {
		// Another VPC's default ACG: numbered after the VPC.
		groups = append(groups, acg{no: "2" + v, vpcNo: v, isDefault: true})
	}
	for _, r := range c.svc.FindResources(c.ctx, c.scope, kindACG) {
		if r.Attr("regionCode") == region.ID {
			groups = append(groups, acg{no: r.ID, name: r.Name, vpcNo: r.Attr("vpcNo"), desc: r.Attr("description"), res: &r})
		}
	}
	ins, _, err := c.svc.FindInstances(c.ctx, vmplane.InstanceFilter{Scope: c.scope,
		Match: func(in *vmplane.Instance) bool { return in.Region == region.ID }})
	if err != nil {
		return nil, err
	}
	for i := range ins {
		s := c.server(ins[i])
		for _, no := range s.accessControlGroups() {
			if !slices.ContainsFunc(groups, func(g acg) bool { return g.no == no }) {
				groups = append(groups, acg{no: no, vpcNo: s.vpcNo()})
			}
		}
	}
	for i := range groups {
		g := &groups[i]
		switch {
		case g.isDefault:
			g.name, g.desc = "default-acg-"+g.vpcNo, "default ACG"
		case g.name == "":
			g.name = "acg-" + g.no
		}
	}
	return groups, nil
}

// getAccessControlGroupList lists the ACGs, filtered and paged.
func (c *call) getAccessControlGroupList() (result, error) {
	region, err := c.region()
	if err != nil {
		return result{}, err
	}
	nos, err := c.p.strings("accessControlGroupNoList")
	if err != nil {
		return result{}, err
	}
	status, err := c.p.oneOf("accessControlGroupStatusCode", "INIT", "SET", "RUN", "TERMTING")
	if err != nil {
		return result{}, err
	}
	if v := c.p.str("vpcNo"); v != "" && !numeric(v) {
		return list("accessControlGroupList", nil), nil
	}
	groups, err := c.acgs(region)
	if err != nil {
		return result{}, err
	}
	var items []obj
	for _, g := range groups {
		if (len(nos) > 0 && !slices.Contains(nos, g.no)) || !matches(c.p, "vpcNo", g.vpcNo) ||
			!matches(c.p, "accessControlGroupName", g.name) || (status != "" && status != "RUN") {
			continue
		}
		items = append(items, g.render())
	}
	return c.paged("accessControlGroupList", items)
}

// findACG returns one ACG of the call's region, or false.
func (c *call) findACG(no string) (acg, bool, error) {
	region, err := c.region()
	if err != nil {
		return acg{}, false, err
	}
	groups, err := c.acgs(region)
	if err != nil {
		return acg{}, false, err
	}
	i := slices.IndexFunc(groups, func(g acg) bool { return g.no == no })
	if i < 0 {
		return acg{}, false, nil
	}
	return groups[i], true, nil
}

// getAccessControlGroupDetail answers one ACG, or an empty list.
func (c *call) getAccessControlGroupDetail() (result, error) {
	no, err := c.p.required("accessControlGroupNo")
	if err != nil {
		return result{}, err
	}
	g, ok, err := c.findACG(no)
	if err != nil || !ok {
		return list("accessControlGroupList", nil), err
	}
	return list("accessControlGroupList", []obj{g.render()}), nil
}

// createAccessControlGroup makes an ACG, with no rules, in a VPC of the
// region.
func (c *call) createAccessControlGroup() (result, error) {
	region, err := c.region()
	if err != nil {
		return result{}, err
	}
	vpcNo, err := c.p.required("vpcNo")
	if err != nil {
		return result{}, err
	}
	if !numeric(vpcNo) {
		return result{}, invalidParam("vpcNo")
	}
	name := c.p.str("accessControlGroupName")
	if name != "" && !namePattern.MatchString(name) {
		return result{}, invalidParam("accessControlGroupName")
	}
	desc := c.p.str("accessControlGroupDescription")
	if len(desc) > 1000 {
		return result{}, invalidParam("accessControlGroupDescription")
	}
	if name == "" {
		name = c.autoName("acg")
	}
	r, err := c.svc.CreateResource(c.ctx, vmplane.ResourceCreate{Scope: c.scope, Kind: kindACG, Name: name, UniqueName: true,
		Attrs: map[string]string{"vpcNo": vpcNo, "description": desc, "regionCode": region.ID}})
	if vmplane.ErrorCode(err) == vmplane.EEXISTS {
		return result{}, nameTaken("accessControlGroupName")
	}
	if err != nil {
		return result{}, err
	}
	g := acg{no: r.ID, name: r.Name, vpcNo: vpcNo, desc: desc, res: &r}
	return list("accessControlGroupList", []obj{g.render()}), nil
}

// ownACG returns one of the caller's own ACGs, named by
// accessControlGroupNo (and vpcNo, when given), and refuses a default one.
func (c *call) ownACG() (acg, error) {
	no, err := c.p.required("accessControlGroupNo")
	if err != nil {
		return acg{}, err
	}
	g, ok, err := c.findACG(no)
	switch {
	case err != nil:
		return acg{}, err
	case !ok || (c.p.has("vpcNo") && c.p.str("vpcNo") != g.vpcNo):
		return acg{}, notFoundParam("accessControlGroupNo")
	case g.isDefault:
		return acg{}, badRequest(codeInvalidValue, msgDefaultACG)
	case g.res == nil:
		// A number a server was given that vmplane never made.
		return acg{}, notFoundParam("accessControlGroupNo")
	}
	return g, nil
}

// deleteAccessControlGroup deletes one of the caller's ACGs that no server
// uses.
func (c *call) deleteAccessControlGroup() (result, error) {
	g, err := c.ownACG()
	if err != nil {
		return result{}, err
	}
	users, _, err := c.svc.FindInstances(c.ctx, vmplane.InstanceFilter{Scope: c.scope, Limit: 1,
		Match: func(in *vmplane.Instance) bool { return slices.Contains(c.server(in).accessControlGroups(), g.no) }})
	if err != nil {
		return result{}, err
	}
	if len(users) > 0 {
		return result{}, badRequest(codeInvalidValue, msgACGInUse)
	}
	if err := c.svc.DeleteResource(c.ctx, c.scope, kindACG, g.no); err != nil && vmplane.ErrorCode(err) != vmplane.ENOTFOUND {
		return result{}, err
	}
	return list("accessControlGroupList", []obj{g.render()}), nil
}

// addRules answers addAccessControlGroupInboundRule and ...OutboundRule:
// it appends accessControlGroupRuleList to the ACG's rules of that
// direction and answers all of them.
func addRules(inbound bool) action {
	return func(c *call) (result, error) {
		g, err := c.ownACG()
		if err != nil {
			return result{}, err
		}
		params, err := c.p.objects("accessControlGroupRuleList")
		if err != nil {
			return result{}, err
		}
		if len(params) == 0 {
			return result{}, missingParam("accessControlGroupRuleList.1.protocolTypeCode")
		}
		add := make([]acgRule, len(params))
		for i, p := range params {
			if add[i], err = readRule(p, "accessControlGroupRuleList."+strconv.Itoa(i+1)+"."); err != nil {
				return result{}, err
			}
		}
		// Inside the commit: rules added by another client at the same
		// moment are kept.
		res, err := c.svc.EditResource(c.ctx, c.scope, kindACG, g.no, func(attrs map[string]string) error {
			rules := rulesIn(attrs[ruleAttr(inbound)])
			for _, r := range add {
				if !slices.Contains(rules, r) {
					rules = append(rules, r)
				}
			}
			b, _ := json.Marshal(rules)
			attrs[ruleAttr(inbound)] = string(b)
			return nil
		})
		if err != nil {
			return result{}, err
		}
		return list("accessControlGroupRuleList", renderRules(&res, inbound, rulesOf(&res, inbound))), nil
	}
}

// getAccessControlGroupRuleList lists an ACG's rules, of one direction
// when accessControlGroupRuleTypeCode asks.
func (c *call) getAccessControlGroupRuleList() (result, error) {
	no, err := c.p.required("accessControlGroupNo")
	if err != nil {
		return result{}, err
	}
	dir, err := c.p.oneOf("accessControlGroupRuleTypeCode", "INBND", "OTBND")
	if err != nil {
		return result{}, err
	}
	g, ok, err := c.findACG(no)
	if err != nil || !ok {
		return list("accessControlGroupRuleList", nil), err
	}
	var items []obj
	for _, inbound := range []bool{true, false} {
		if dir == "" || (dir == "INBND") == inbound {
			items = append(items, renderRules(g.res, inbound, rulesOf(g.res, inbound))...)
		}
	}
	return list("accessControlGroupRuleList", items), nil
}

// rulesOf reads an ACG's rules of a direction; a default ACG or a client's
// own number has none.
func rulesOf(r *vmplane.Resource, inbound bool) []acgRule {
	if r == nil {
		return nil
	}
	return rulesIn(r.Attr(ruleAttr(inbound)))
}

// rulesIn reads the rules kept in an ACG's attribute.
func rulesIn(attr string) []acgRule {
	var rules []acgRule
	_ = json.Unmarshal([]byte(attr), &rules) // written by addRules only
	return rules
}

// protocolNumbers are the IP protocol numbers of the protocols NCP names.
var protocolNumbers = map[string]int{"ICMP": 1, "TCP": 6, "UDP": 17}

// readRule reads one AddAccessControlGroupRuleParameter.
func readRule(p params, at string) (acgRule, error) {
	proto, err := p.oneOf("protocolTypeCode", "TCP", "UDP", "ICMP")
	if err != nil {
		return acgRule{}, invalidParam(at + "protocolTypeCode")
	}
	if proto == "" {
		return acgRule{}, missingParam(at + "protocolTypeCode")
	}
	r := acgRule{Protocol: proto, IPBlock: p.str("ipBlock"), Source: p.str("accessControlGroupSequence"),
		Ports: p.str("portRange"), Description: p.str("accessControlGroupRuleDescription")}
	switch {
	case (r.IPBlock == "") == (r.Source == ""):
		return acgRule{}, missingParam(at + "ipBlock or accessControlGroupSequence")
	case r.IPBlock != "" && !validCIDR(r.IPBlock):
		return acgRule{}, invalidParam(at + "ipBlock")
	case r.Source != "" && !numeric(r.Source):
		return acgRule{}, invalidParam(at + "accessControlGroupSequence")
	case proto == "ICMP" && r.Ports != "":
		return acgRule{}, invalidParam(at + "portRange")
	case proto != "ICMP" && r.Ports == "":
		return acgRule{}, missingParam(at + "portRange")
	case proto != "ICMP" && !validPorts(r.Ports):
		return acgRule{}, invalidParam(at + "portRange")
	case len(r.Description) > 1000:
		return acgRule{}, invalidParam(at + "accessControlGroupRuleDescription")
	}
	return r, nil
}

// validCIDR accepts an IPv4 block a.b.c.d/n.
func validCIDR(s string) bool {
	addr, bits, ok := strings.Cut(s, "/")
	n, err := strconv.Atoi(bits)
	if !ok || err != nil || n < 0 || n > 32 || strconv.Itoa(n) != bits {
		return false
	}
	parts := strings.Split(addr, ".")
	if len(parts) != 4 {
		return false
	}
	for _, p := range parts {
		if v, err := strconv.Atoi(p); err != nil || v < 0 || v > 255 || strconv.Itoa(v) != p {
			return false
		}
	}
	return true
}

// validPorts accepts a port (22) or a range (1-65535) of ports 1 to 65535.
func validPorts(s string) bool {
	lo, hi, isRange := strings.Cut(s, "-")
	a, errA := strconv.Atoi(lo)
	b := a
	var errB error
	if isRange {
		b, errB = strconv.Atoi(hi)
	}
	return errA == nil && errB == nil && a >= 1 && b <= 65535 && a <= b
}

func renderRules(r *vmplane.Resource, inbound bool, rules []acgRule) []obj {
	dir := code("OTBND", "Outbound")
	if inbound {
		dir = code("INBND", "Inbound")
	}
	no := ""
	if r != nil {
		no = r.ID
	}
	out := make([]obj, len(rules))
	for i, rule := range rules {
		out[i] = obj{
			{"accessControlGroupNo", str(no)},
			{"protocolType", object(obj{{"code", str(rule.Protocol)}, {"codeName", str(rule.Protocol)}, {"number", num(protocolNumbers[rule.Protocol])}})},
			{"ipBlock", str(rule.IPBlock)},
			{"accessControlGroupSequence", str(rule.Source)},
			{"portRange", str(rule.Ports)},
			{"accessControlGroupRuleType", object(dir)},
			{"accessControlGroupRuleDescription", str(rule.Description)},
		}
	}
	return out
}
