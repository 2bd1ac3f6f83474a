package huawei

import (
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/vmplane/vmplane"
	"github.com/vmplane/vmplane/access"
)

// passwordSpecials are the special characters ECS allows in a password
// given at create or with an OS reinstall.
const passwordSpecials = "!@$%^-_=+[{}]:,./?"

// checkPassword holds ECS's password rules for create and OS reinstalls:
// 8 to 26 characters of letters, digits and passwordSpecials, at least
// three of those four kinds, not containing the login user's name (root, or
// Administrator on Windows) forwards or backwards. The code of a refusal is
// UNVERIFIED (Ecs.0005).
func checkPassword(pw string, cat *vmplane.Catalog, imageID string) error {
	user := "root"
	if img := cat.FindImage(imageID); img != nil && img.OS == "Windows" {
		user = "administrator"
	}
	lowered := strings.ToLower(pw)
	if !passwordKinds(pw, passwordSpecials) || strings.Contains(lowered, user) || strings.Contains(lowered, reversed(user)) {
		return invalidParam("Invalid password: 8 to 26 characters, at least three of upper-case letters, lower-case letters, digits and %s, without the user name %s forwards or backwards.", passwordSpecials, user)
	}
	return nil
}

// resetSpecials are the special characters a password reset allows: not
// create's $ ^ , { or }.
const resetSpecials = "!@%-_=+[]:./?"

// checkResetPassword holds the password reset APIs' rules, the same for
// every image: 8 to 26 characters of letters, digits and resetSpecials, at
// least three of those four kinds, not containing "Administrator" or
// "root" forwards or backwards, nor any three consecutive characters of
// "Administrator". UNVERIFIED: the names are matched in any case, as
// create's are; the batch API's doc gives no length, the single one's is
// taken; the code of a refusal (Ecs.0005).
func checkResetPassword(pw string) error {
	lowered := strings.ToLower(pw)
	ok := passwordKinds(pw, resetSpecials) && !strings.Contains(lowered, "root") && !strings.Contains(lowered, "toor")
	const admin = "administrator" // its reverse holds three of its characters in a row too
	for i := 0; ok && i+3 <= len(admin); i++ {
		ok = !strings.Contains(lowered, admin[i:i+3])
	}
	if !ok {
		return invalidParam("Invalid password: 8 to 26 characters, at least three of upper-case letters, lower-case letters, digits and %s, without root or Administrator forwards or backwards, nor three characters in a row of Administrator.", resetSpecials)
	}
	return nil
}

// passwordKinds reports whether pw has 8 to 26 characters, all letters,
// digits or specials, of at least three of those four kinds.
func passwordKinds(pw, specials string) bool {
	if n := utf8.RuneCountInString(pw); n < 8 || n > 26 {
		return false
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
		case strings.ContainsRune(specials, r):
			special = true
		default:
			return false
		}
	}
	kinds := 0
	for _, has := range []bool{upper, lower, digit, special} {
		if has {
			kinds++
		}
	}
	return kinds >= 3
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
// password is kept nowhere (a simulated server has no login) and checked
// only when is_check_password is true, as ECS documents; the answer is
// ECS's 204.
func (h *Handler) resetServerPassword(w http.ResponseWriter, c *call) error {
	var req struct {
		Reset *struct {
			NewPassword     string `json:"new_password"`
			IsCheckPassword *bool  `json:"is_check_password"`
		} `json:"reset-password"`
	}
	if err := decodeBody(c.body, &req); err != nil {
		return err
	}
	switch {
	case req.Reset == nil:
		return invalidParam("reset-password is required.")
	case req.Reset.NewPassword == "":
		return invalidParam("new_password is required.")
	}
	if _, err := h.svc.FindInstanceByID(c.r.Context(), c.scope, c.r.PathValue("server_id")); err != nil {
		return err
	}
	if check := req.Reset.IsCheckPassword; check != nil && *check {
		if err := checkResetPassword(req.Reset.NewPassword); err != nil {
			return err
		}
	}
	return noContent(w, c)
}

// batchResetPasswords serves PUT /v1/{project_id}/cloudservers/os-reset-passwords
// (BatchResetServersPassword): one password for up to 1000 servers, always
// checked by the reset rules; answered with the servers, as is a dry run
// (UNVERIFIED), which ECS documents as answering normally and which needs
// no password.
func (h *Handler) batchResetPasswords(w http.ResponseWriter, c *call) error {
	var req struct {
		NewPassword string      `json:"new_password"`
		DryRun      *bool       `json:"dry_run"`
		Servers     []serverRef `json:"servers"`
	}
	if err := decodeBody(c.body, &req); err != nil {
		return err
	}
	ids, err := serverIDs(req.Servers)
	if err != nil {
		return err
	}
	if _, err := h.findServers(c, ids); err != nil {
		return err
	}
	switch {
	case req.NewPassword != "":
		if err := checkResetPassword(req.NewPassword); err != nil {
			return err
		}
	case req.DryRun == nil || !*req.DryRun:
		return invalidParam("new_password is required.")
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
