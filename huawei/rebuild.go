package huawei

import (
	"net/http"

	"github.com/vmplane/vmplane"
)

// rebuildOption is the body of both OS APIs: os-reinstall keeps the
// server's image, os-change names another (imageid).
type rebuildOption struct {
	Adminpass *string `json:"adminpass"`
	Keyname   *string `json:"keyname"`
	ImageID   string  `json:"imageid"`
	Mode      string  `json:"mode"`
	Metadata  *struct {
		UserData *string `json:"user_data"`
	} `json:"metadata"`
}

// reinstallOS serves POST /v2/{project_id}/cloudservers/{server_id}/reinstallos
// (ReinstallServerWithCloudInit): the server's image, installed again.
func (h *Handler) reinstallOS(w http.ResponseWriter, c *call) error {
	var req struct {
		Option *rebuildOption `json:"os-reinstall"`
	}
	if err := decodeBody(c.body, &req); err != nil {
		return err
	}
	if req.Option == nil {
		return invalidParam("os-reinstall is required.")
	}
	req.Option.ImageID = "" // os-reinstall has none: the server keeps its own
	return h.rebuild(w, c, req.Option)
}

// changeOS serves POST /v2/{project_id}/cloudservers/{server_id}/changeos
// (ChangeServerOsWithCloudInit): another image, installed.
func (h *Handler) changeOS(w http.ResponseWriter, c *call) error {
	var req struct {
		Option *rebuildOption `json:"os-change"`
	}
	if err := decodeBody(c.body, &req); err != nil {
		return err
	}
	switch {
	case req.Option == nil:
		return invalidParam("os-change is required.")
	case req.Option.ImageID == "":
		return invalidParam("imageid is required.")
	}
	return h.rebuild(w, c, req.Option)
}

// rebuild installs a server's system again, as one job: the server must be
// stopped, unless mode is withStopServer, which stops it first; it runs
// once the job succeeds. The new key pair and user data are the server's
// from acceptance; the password is kept nowhere. As the SDK documents,
// adminpass and keyname are not both given, and without either
// metadata.user_data is. UNVERIFIED: the code of those refusals (Ecs.0005),
// and the job's type.
func (h *Handler) rebuild(w http.ResponseWriter, c *call, opt *rebuildOption) error {
	mode, err := stopMode(opt.Mode)
	if err != nil {
		return err
	}
	id := c.r.PathValue("server_id")
	given := func(s *string) bool { return s != nil && *s != "" }
	pass, key := given(opt.Adminpass), given(opt.Keyname)
	switch {
	case pass && key:
		return invalidParam("adminpass and keyname cannot both be given.")
	case !pass && !key && (opt.Metadata == nil || !given(opt.Metadata.UserData)):
		return invalidParam("metadata.user_data is required when neither adminpass nor keyname is given.")
	case pass:
		image := opt.ImageID
		if image == "" {
			in, err := h.svc.FindInstanceByID(c.r.Context(), c.scope, id)
			if err != nil {
				return err
			}
			image = in.ImageID
		}
		if err := checkPassword(*opt.Adminpass, h.svc.Catalog(cloudName), image); err != nil {
			return err
		}
	}
	// The server logs in with what the rebuild gave: a password alone
	// leaves it no key pair.
	attrs := map[string]string{attrKeyName: ""}
	if opt.Keyname != nil {
		attrs[attrKeyName] = *opt.Keyname
	}
	if opt.Metadata != nil && opt.Metadata.UserData != nil {
		attrs[attrUserData] = *opt.Metadata.UserData
	}
	return h.submit(w, c, vmplane.OperationRequest{
		Kind: vmplane.KindRebuild, Mode: mode, InstanceIDs: []string{id}, ImageID: opt.ImageID, Attrs: attrs,
	})
}
