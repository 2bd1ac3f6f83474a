package huawei

import (
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/vmplane/vmplane"
)

// maxDescriptionLen is ECS's limit on a server's description, in
// characters.
const maxDescriptionLen = 85

// maxHostnameLen is ECS's limit on a host name UpdateServer sets.
const maxHostnameLen = 64

// checkHostname holds UpdateServerOption.hostname's rule: 1 to 64
// characters, segments separated by periods, each of letters (either
// case), digits and hyphens; no two periods or hyphens in a row, no ".-"
// or "-.", and neither a period nor a hyphen first or last.
func checkHostname(name string) error {
	ok := name != "" && len(name) <= maxHostnameLen &&
		!strings.ContainsAny(name[:1]+name[len(name)-1:], ".-")
	for _, r := range name {
		ok = ok && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-')
	}
	for _, seq := range []string{"..", "--", ".-", "-."} {
		ok = ok && !strings.Contains(name, seq)
	}
	if !ok {
		return invalidParam("Invalid hostname [%s]: 1 to %d letters, digits, hyphens and periods, without two periods or hyphens in a row and not starting or ending with either.", name, maxHostnameLen)
	}
	return nil
}

type updateRequest struct {
	Server *struct {
		Name        *string `json:"name"`
		Description *string `json:"description"`
		Hostname    *string `json:"hostname"`
		UserData    *string `json:"user_data"`
	} `json:"server"`
}

// updateResult is the server UpdateServer answers with: the SDK's
// UpdateServerResult, Nova's shape (an image is its id, a flavor its id and
// links), not ShowServer's.
type updateResult struct {
	ID         string                     `json:"id"`
	Name       string                     `json:"name"`
	Status     string                     `json:"status"`
	TenantID   string                     `json:"tenant_id"`
	UserID     string                     `json:"user_id"`
	Image      string                     `json:"image"`
	Flavor     simpleFlavor               `json:"flavor"`
	AccessIPv4 string                     `json:"accessIPv4"`
	AccessIPv6 string                     `json:"accessIPv6"`
	Metadata   map[string]string          `json:"metadata"`
	Addresses  map[string][]updateAddress `json:"addresses"`
	Created    string                     `json:"created"`
	Updated    string                     `json:"updated"`
	HostID     string                     `json:"hostId"`
	DiskConfig string                     `json:"OS-DCF:diskConfig"`
	Progress   int                        `json:"progress"`
	Links      []link                     `json:"links"`
	Locked     bool                       `json:"locked"`
	Desc       string                     `json:"description"`
	Tags       []string                   `json:"tags"`
	UserData   string                     `json:"OS-EXT-SRV-ATTR:user_data,omitempty"`
	Hostname   string                     `json:"OS-EXT-SRV-ATTR:hostname"`
}

type simpleFlavor struct {
	ID    string `json:"id"`
	Links []link `json:"links"`
}

type updateAddress struct {
	Version int    `json:"version"`
	Addr    string `json:"addr"`
}

type link struct {
	Rel  string `json:"rel"`
	Href string `json:"href"`
}

// updateServer serves PUT /v1/{project_id}/cloudservers/{server_id}: a new
// name, description, host name or user data, recorded at once, answered
// with the server (no job). An empty description clears it.
func (h *Handler) updateServer(w http.ResponseWriter, c *call) error {
	var req updateRequest
	if err := decodeBody(c.body, &req); err != nil {
		return err
	}
	s := req.Server
	if s == nil {
		return invalidParam("server is required.")
	}
	u := vmplane.InstanceUpdate{Attrs: map[string]string{}}
	if s.Name != nil {
		if err := checkName(*s.Name); err != nil {
			return err
		}
		u.Name = s.Name
	}
	if d := s.Description; d != nil {
		if utf8.RuneCountInString(*d) > maxDescriptionLen || strings.ContainsAny(*d, "<>") {
			return invalidParam("Invalid description: up to %d characters, without < or >.", maxDescriptionLen)
		}
		u.Attrs[attrDescription] = *d
	}
	if n := s.Hostname; n != nil {
		if err := checkHostname(*n); err != nil {
			return err
		}
		u.Attrs[attrHostname] = *n
	}
	if s.UserData != nil {
		u.Attrs[attrUserData] = *s.UserData
	}
	in, err := h.svc.UpdateInstance(c.r.Context(), c.scope, c.r.PathValue("server_id"), u)
	if err != nil {
		return err
	}
	d := detailOf(&in, c.account, h.svc.Catalog(cloudName), h.svc.Now())
	self := baseURL(c.r) + "/v1/" + c.account.ProjectID + "/cloudservers/" + in.ID
	out := updateResult{
		ID: d.ID, Name: d.Name, Status: d.Status, TenantID: d.TenantID, UserID: d.UserID, Image: d.Image.ID,
		Flavor:     simpleFlavor{ID: d.Flavor.ID, Links: []link{}},
		AccessIPv4: d.AccessIPv4, AccessIPv6: d.AccessIPv6, Metadata: d.Metadata, Addresses: map[string][]updateAddress{},
		Created: d.Created, Updated: d.Updated, HostID: d.HostID, DiskConfig: d.DiskConfig, Progress: d.Progress,
		Links:  []link{{Rel: "self", Href: self}, {Rel: "bookmark", Href: self}},
		Locked: d.Locked, Desc: d.Description, Tags: d.Tags, UserData: d.UserData, Hostname: d.Hostname,
	}
	for net, addrs := range d.Addresses {
		for _, a := range addrs {
			out.Addresses[net] = append(out.Addresses[net], updateAddress{Version: 4, Addr: a.Addr})
		}
	}
	return reply(w, c, http.StatusOK, struct {
		Server updateResult `json:"server"`
	}{out})
}

// batchRename serves PUT /v1/{project_id}/cloudservers/server-name
// (BatchUpdateServersName): one name for up to maxBatch (1000) servers, all
// of them or none, answered at once with the servers; ECS adds no suffix. A
// dry run checks and answers the same without renaming (UNVERIFIED: ECS
// documents that it answers normally).
func (h *Handler) batchRename(w http.ResponseWriter, c *call) error {
	var req struct {
		Name    string      `json:"name"`
		DryRun  bool        `json:"dry_run"`
		Servers []serverRef `json:"servers"`
	}
	if err := decodeBody(c.body, &req); err != nil {
		return err
	}
	if err := checkName(req.Name); err != nil {
		return err
	}
	ids, err := serverIDs(req.Servers)
	if err != nil {
		return err
	}
	if req.DryRun {
		if _, err := h.findServers(c, ids); err != nil {
			return err
		}
	} else if _, err := h.svc.UpdateInstances(c.r.Context(), c.scope, ids, vmplane.InstanceUpdate{Name: &req.Name}); err != nil {
		return err
	}
	return replyServers(w, c, ids)
}
