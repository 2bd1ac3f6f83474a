package huawei

import (
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/vmplane/vmplane"
	"github.com/vmplane/vmplane/access"
)

// passwordSpecials are the special characters ECS allows in a password.
const passwordSpecials = "!@$%^-_=+[{}]:,./?"

// checkPassword holds ECS's password rules: 8 to 26 characters of letters,
// digits and passwordSpecials, at least three of those four kinds, not
// containing the login user's name (root, or Administrator on Windows)
// forwards or backwards. The code of a refusal is UNVERIFIED (Ecs.0005).
func checkPassword(pw string, cat *vmplane.Catalog, imageID string) error {
	user := "root"
	if img := cat.FindImage(imageID); img != nil && img.OS == "Windows" {
		user = "administrator"
	}
	refuse := func() error {
		return invalidParam("Invalid password: 8 to 26 characters, at least three of upper-case letters, lower-case letters, digits and %s, without the user name %s forwards or backwards.", passwordSpecials, user)
	}
	if n := utf8.RuneCountInString(pw); n < 8 || n > 26 {
		return refuse()
	}
	var upper, lower, digit, special bool
	for _, r := range pw {
		switch {
		case r >= 'A' && r <= 'Z':
			upper = true
		case r >= 'a' && r <= 'z':
			lower = true
		case r >= '0' && r <= '9':
			digit = true
		case strings.ContainsRune(passwordSpecials, r):
			special = true
		default:
			return refuse()
		}
	}
	kinds := 0
	for _, has := range []bool{upper, lower, digit, special} {
		if has {
			kinds++
		}
	}
	lowered := strings.ToLower(pw)
	if kinds < 3 || strings.Contains(lowered, user) || strings.Contains(lowered, reversed(user)) {
		return refuse()
	}
	return nil
}

func reversed(s string) string {
	r := []rune(s)
	for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
		r[i], r[j] = r[j], r[i]
	}
	return string(r)
}

// resetServerPassword serves PUT
// /v1/{project_id}/cloudservers/{server_id}/os-reset-password: the new
// password is checked and kept nowhere (a simulated server has no login),
// and the answer is ECS's 204.
func (h *Handler) resetServerPassword(w http.ResponseWriter, c *call) error {
	var req struct {
		Reset *struct {
			NewPassword string `json:"new_password"`
		} `json:"reset-password"`
	}
	if err := decodeBody(c.body, &req); err != nil {
		return err
	}
	if req.Reset == nil {
		return invalidParam("reset-password is required.")
	}
	in, err := h.svc.FindInstanceByID(c.r.Context(), c.scope, c.r.PathValue("server_id"))
	if err != nil {
		return err
	}
	if err := checkPassword(req.Reset.NewPassword, h.svc.Catalog(cloudName), in.ImageID); err != nil {
		return err
	}
	return noContent(w, c)
}

// batchResetPasswords serves PUT /v1/{project_id}/cloudservers/os-reset-passwords
// (BatchResetServersPassword): one password for up to 1000 servers, each
// checked against its image; answered with the servers, as is a dry run
// (UNVERIFIED), which ECS documents as answering normally.
func (h *Handler) batchResetPasswords(w http.ResponseWriter, c *call) error {
	var req struct {
		NewPassword string      `json:"new_password"`
		Servers     []serverRef `json:"servers"`
	}
	if err := decodeBody(c.body, &req); err != nil {
		return err
	}
	ids, err := serverIDs(req.Servers)
	if err != nil {
		return err
	}
	servers, err := h.findServers(c, ids)
	if err != nil {
		return err
	}
	cat := h.svc.Catalog(cloudName)
	for _, in := range servers {
		if err := checkPassword(req.NewPassword, cat, in.ImageID); err != nil {
			return err
		}
	}
	return replyServers(w, c, ids)
}

// replyServers answers a batch operation that ECS does at once: the
// servers it was done to.
func replyServers(w http.ResponseWriter, c *call, ids []string) error {
	out := make([]serverRef, len(ids))
	for i, id := range ids {
		out[i] = serverRef{ID: id}
	}
	return reply(w, c, http.StatusOK, struct {
		Response []serverRef `json:"response"`
	}{out})
}

// noContent answers a success without a body.
func noContent(w http.ResponseWriter, c *call) error {
	access.From(c.r.Context()).Code = "ok"
	w.WriteHeader(http.StatusNoContent)
	return nil
}
