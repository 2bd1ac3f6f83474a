package huawei

import (
	"maps"
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/vmplane/vmplane"
	"github.com/vmplane/vmplane/access"
)

// Tag rules: ECS allows 20 tags a server. UNVERIFIED: the lengths (ECS's
// pages give 36 and 43 characters in older versions; these are TMS's
// current limits) and the code of a refusal (Ecs.0005).
const (
	maxTags        = 20
	maxTagKeyLen   = 128
	maxTagValueLen = 255
)

// checkTag checks a tag's key and, if given, its value.
func checkTag(key string, value *string) error {
	switch {
	case key == "" || utf8.RuneCountInString(key) > maxTagKeyLen:
		return invalidParam("Invalid tag key [%s]: 1 to %d characters.", key, maxTagKeyLen)
	case value != nil && utf8.RuneCountInString(*value) > maxTagValueLen:
		return invalidParam("Invalid tag value [%s]: up to %d characters.", *value, maxTagValueLen)
	}
	return nil
}

type serverTag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// tagList is a server's tags, sorted by key.
func tagList(in *vmplane.Instance) []serverTag {
	tags := []serverTag{}
	for _, k := range slices.Sorted(maps.Keys(in.Attrs)) {
		if key, ok := strings.CutPrefix(k, attrTagPrefix); ok {
			tags = append(tags, serverTag{key, in.Attrs[k]})
		}
	}
	return tags
}

// showServerTags serves GET /v1/{project_id}/cloudservers/{server_id}/tags.
func (h *Handler) showServerTags(w http.ResponseWriter, c *call) error {
	in, err := h.svc.FindInstanceByID(c.r.Context(), c.scope, c.r.PathValue("server_id"))
	if err != nil {
		return err
	}
	return reply(w, c, http.StatusOK, struct {
		Tags []serverTag `json:"tags"`
	}{tagList(&in)})
}

// tagAction serves POST /v1/{project_id}/cloudservers/{server_id}/tags/action:
// action "create" adds tags or replaces the values of keys the server has,
// "delete" removes them (a value, if given, must match; a tag the server
// does not have is no error). Both are idempotent and answer 204, no body.
func (h *Handler) tagAction(w http.ResponseWriter, c *call) error {
	var req struct {
		Action string `json:"action"`
		Tags   []struct {
			Key   string  `json:"key"`
			Value *string `json:"value"`
		} `json:"tags"`
	}
	if err := decodeBody(c.body, &req); err != nil {
		return err
	}
	rec := access.From(c.r.Context())
	switch req.Action {
	case "create":
		rec.Action = "BatchCreateServerTags"
	case "delete":
		rec.Action = "BatchDeleteServerTags"
	default:
		return invalidParam("Invalid action [%s]: it must be create or delete.", req.Action)
	}
	if len(req.Tags) == 0 {
		return invalidParam("tags is required.")
	}
	for _, t := range req.Tags {
		if err := checkTag(t.Key, t.Value); err != nil {
			return err
		}
	}
	// The edit runs inside the commit, so the limit holds when clients race.
	edit := func(_ *vmplane.Instance, attrs map[string]string) error {
		for _, t := range req.Tags {
			key := attrTagPrefix + t.Key
			switch {
			case req.Action == "create" && t.Value != nil:
				attrs[key] = *t.Value
			case req.Action == "create":
				attrs[key] = ""
			case t.Value == nil || attrs[key] == *t.Value:
				delete(attrs, key)
			}
		}
		n := 0
		for k := range attrs {
			if strings.HasPrefix(k, attrTagPrefix) {
				n++
			}
		}
		if n > maxTags {
			return invalidParam("A server can have at most %d tags.", maxTags)
		}
		return nil
	}
	if _, err := h.svc.UpdateInstance(c.r.Context(), c.scope, c.r.PathValue("server_id"), vmplane.InstanceUpdate{Edit: edit}); err != nil {
		return err
	}
	return noContent(w, c)
}

// listProjectTags (the SDK's ListServerTags) serves
// GET /v1/{project_id}/cloudservers/tags: every tag key of the project's
// servers with the values it has, sorted.
func (h *Handler) listProjectTags(w http.ResponseWriter, c *call) error {
	list, _, err := h.svc.FindInstances(c.r.Context(), vmplane.InstanceFilter{Scope: c.scope})
	if err != nil {
		return err
	}
	values := map[string]map[string]bool{}
	for _, in := range list {
		for _, t := range tagList(in) {
			if values[t.Key] == nil {
				values[t.Key] = map[string]bool{}
			}
			values[t.Key][t.Value] = true
		}
	}
	type projectTag struct {
		Key    string   `json:"key"`
		Values []string `json:"values"`
	}
	tags := []projectTag{}
	for _, k := range slices.Sorted(maps.Keys(values)) {
		tags = append(tags, projectTag{k, slices.Sorted(maps.Keys(values[k]))})
	}
	return reply(w, c, http.StatusOK, struct {
		Tags []projectTag `json:"tags"`
	}{tags})
}
