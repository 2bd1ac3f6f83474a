package ncloud

import (
	"slices"

	"github.com/vmplane/vmplane"
)

// Init scripts (VPC) are kept as given; a simulated server does not run
// them. A server created with one shows its number.

// maxInitScript bounds a script's content, as NCP does.
const maxInitScript = 21847

var osTypeNames = map[string]string{"LNX": "LINUX", "WND": "WINDOWS"}

func renderInitScript(r *vmplane.Resource) obj {
	os := r.Attr("osType")
	return obj{
		{"initScriptNo", str(r.ID)},
		{"initScriptName", str(r.Name)},
		{"createDate", date(r.CreatedAt)},
		{"initScriptDescription", str(r.Attr("description"))},
		{"initScriptContent", str(r.Attr("content"))},
		{"osType", object(code(os, osTypeNames[os]))},
	}
}

// createInitScript keeps a script.
func (c *call) createInitScript() (result, error) {
	region, err := c.region()
	if err != nil {
		return result{}, err
	}
	content, err := c.p.required("initScriptContent")
	if err != nil {
		return result{}, err
	}
	if len(content) > maxInitScript {
		return result{}, invalidParam("initScriptContent")
	}
	name := c.p.str("initScriptName")
	if name != "" && !namePattern.MatchString(name) {
		return result{}, invalidParam("initScriptName")
	}
	desc := c.p.str("initScriptDescription")
	if len(desc) > 1000 {
		return result{}, invalidParam("initScriptDescription")
	}
	os, err := c.p.oneOf("osTypeCode", "LNX", "WND")
	if err != nil {
		return result{}, err
	}
	if os == "" {
		os = "LNX"
	}
	if name == "" {
		name = c.autoName("init")
	}
	r, err := c.svc.CreateResource(c.ctx, vmplane.ResourceCreate{Scope: c.scope, Kind: kindInitScript, Name: name, UniqueName: true,
		Attrs: map[string]string{"content": content, "description": desc, "osType": os, "regionCode": region.ID}})
	if vmplane.ErrorCode(err) == vmplane.EEXISTS {
		return result{}, nameTaken("initScriptName")
	}
	if err != nil {
		return result{}, err
	}
	return list("initScriptList", []obj{renderInitScript(&r)}), nil
}

// initScripts returns the caller's scripts in the call's region.
func (c *call) initScripts() ([]vmplane.Resource, error) {
	region, err := c.region()
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(c.svc.FindResources(c.ctx, c.scope, kindInitScript),
		func(r vmplane.Resource) bool { return r.Attr("regionCode") != region.ID }), nil
}

func (c *call) getInitScriptList() (result, error) {
	nos, err := c.p.strings("initScriptNoList")
	if err != nil {
		return result{}, err
	}
	os, err := c.p.oneOf("osTypeCode", "LNX", "WND")
	if err != nil {
		return result{}, err
	}
	scripts, err := c.initScripts()
	if err != nil {
		return result{}, err
	}
	var items []obj
	for i := range scripts {
		r := &scripts[i]
		if (len(nos) == 0 || slices.Contains(nos, r.ID)) && matches(c.p, "initScriptName", r.Name) && (os == "" || os == r.Attr("osType")) {
			items = append(items, renderInitScript(r))
		}
	}
	return c.paged("initScriptList", items)
}

// getInitScriptDetail answers one script, or an empty list.
func (c *call) getInitScriptDetail() (result, error) {
	no, err := c.p.required("initScriptNo")
	if err != nil {
		return result{}, err
	}
	scripts, err := c.initScripts()
	if err != nil {
		return result{}, err
	}
	var items []obj
	for i := range scripts {
		if scripts[i].ID == no {
			items = append(items, renderInitScript(&scripts[i]))
		}
	}
	return list("initScriptList", items), nil
}

// deleteInitScripts deletes the scripts of initScriptNoList, all or none.
func (c *call) deleteInitScripts() (result, error) {
	nos, err := c.p.requiredList("initScriptNoList")
	if err != nil {
		return result{}, err
	}
	scripts, err := c.initScripts()
	if err != nil {
		return result{}, err
	}
	var items []obj
	for _, no := range nos {
		i := slices.IndexFunc(scripts, func(r vmplane.Resource) bool { return r.ID == no })
		if i < 0 {
			return result{}, notFoundParam("initScriptNoList")
		}
		items = append(items, renderInitScript(&scripts[i]))
	}
	for _, no := range nos {
		if err := c.svc.DeleteResource(c.ctx, c.scope, kindInitScript, no); err != nil && vmplane.ErrorCode(err) != vmplane.ENOTFOUND {
			return result{}, err
		}
	}
	return list("initScriptList", items), nil
}

// serverInitScript reads a creation's initScriptNo, which must name one of
// the caller's scripts in the region.
func (c *call) serverInitScript(attrs map[string]string) error {
	no := c.p.str("initScriptNo")
	if no == "" {
		return nil
	}
	scripts, err := c.initScripts()
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(scripts, func(r vmplane.Resource) bool { return r.ID == no }) {
		return notFoundParam("initScriptNo")
	}
	attrs["initScriptNo"] = no
	return nil
}
