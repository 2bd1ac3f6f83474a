package huawei

import (
	"cmp"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/vmplane/vmplane"
)

// flavorView is a flavor as ListFlavors and ListResizeFlavors show it.
// Types matter (reference §2.10): vcpus, disk and swap are strings, ram a
// number of MiB.
type flavorView struct {
	ID                 string            `json:"id"`
	Name               string            `json:"name"`
	VCPUs              string            `json:"vcpus"`
	RAM                int               `json:"ram"`
	Disk               string            `json:"disk"`
	Swap               string            `json:"swap"`
	Ephemeral          int               `json:"OS-FLV-EXT-DATA:ephemeral"`
	Disabled           bool              `json:"OS-FLV-DISABLED:disabled"`
	RxtxFactor         float64           `json:"rxtx_factor"`
	RxtxQuota          *string           `json:"rxtx_quota"`
	RxtxCap            *string           `json:"rxtx_cap"`
	Public             bool              `json:"os-flavor-access:is_public"`
	Links              []flavorLink      `json:"links"`
	OSExtraSpecs       map[string]string `json:"os_extra_specs,omitempty"`
	ExtraSpecs         map[string]string `json:"extra_specs,omitempty"`
	AttachableQuantity *attachable       `json:"attachableQuantity,omitempty"`
}

type flavorLink struct {
	Rel  string  `json:"rel"`
	Href string  `json:"href"`
	Type *string `json:"type"`
}

// attachable is how many devices a server of the flavor can take; ECS
// shows the same figures for every KVM flavor of this size range.
type attachable struct {
	FreeSCSI int `json:"free_scsi"`
	FreeBlk  int `json:"free_blk"`
	FreeDisk int `json:"free_disk"`
	FreeNIC  int `json:"free_nic"`
}

// flavorOf renders spec. ListFlavors calls the specs os_extra_specs and
// ListResizeFlavors extra_specs; resize says which.
func flavorOf(c *call, cat *vmplane.Catalog, spec *vmplane.Spec, resize bool) flavorView {
	specs := maps.Clone(spec.Attrs)
	if specs == nil {
		specs = map[string]string{}
	}
	var az []string
	for _, z := range cat.Zones {
		state := "normal"
		if !spec.OfferedIn(z.ID) {
			state = "abandon"
		}
		az = append(az, z.ID+"("+state+")")
	}
	if len(az) > 0 {
		specs["cond:operation:az"] = strings.Join(az, ",")
	}
	base := baseURL(c.r)
	f := flavorView{
		ID: spec.ID, Name: cmp.Or(spec.Name, spec.ID), VCPUs: strconv.Itoa(spec.VCPU), RAM: spec.MemoryMiB,
		Disk: strconv.Itoa(spec.DiskGiB), RxtxFactor: 1, Public: true,
		Links: []flavorLink{
			{Rel: "self", Href: base + "/v1.0/" + c.account.ProjectID + "/flavors/" + spec.ID},
			{Rel: "bookmark", Href: base + "/" + c.account.ProjectID + "/flavors/" + spec.ID},
		},
	}
	if resize {
		f.ExtraSpecs = specs
	} else {
		f.OSExtraSpecs = specs
		f.AttachableQuantity = &attachable{FreeSCSI: 60, FreeBlk: 24, FreeDisk: 60, FreeNIC: 12}
	}
	return f
}

// baseURL is where the client reached vmplane, for the links ECS shows.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func (h *Handler) listFlavors(w http.ResponseWriter, c *call) error {
	q := c.r.URL.Query()
	limit, err := intParam(q, "limit", 1000, 1, 1000)
	if err != nil {
		return err
	}
	cat := h.svc.Catalog(cloudName)
	zone := q.Get("availability_zone")
	var specs []vmplane.Spec
	for _, s := range cat.Specs {
		if (zone == "" || s.OfferedIn(zone) && cat.FindZone(zone) != nil) && (!q.Has("flavor_id") || s.ID == q.Get("flavor_id")) {
			specs = append(specs, s)
		}
	}
	slices.SortFunc(specs, func(a, b vmplane.Spec) int { return strings.Compare(a.ID, b.ID) })
	page, err := pageAfter(specs, q.Get("marker"), limit)
	if err != nil {
		return err
	}
	out := make([]flavorView, len(page))
	for i := range page {
		out[i] = flavorOf(c, cat, &page[i], false)
	}
	return reply(w, c, http.StatusOK, struct {
		Flavors []flavorView `json:"flavors"`
	}{out})
}

// resizeSortKeys are the sort_key values ListResizeFlavors takes.
var resizeSortKeys = map[string]func(a, b vmplane.Spec) int{
	"flavorid":  func(a, b vmplane.Spec) int { return strings.Compare(a.ID, b.ID) },
	"name":      func(a, b vmplane.Spec) int { return strings.Compare(cmp.Or(a.Name, a.ID), cmp.Or(b.Name, b.ID)) },
	"memory_mb": func(a, b vmplane.Spec) int { return cmp.Compare(a.MemoryMiB, b.MemoryMiB) },
	"vcpus":     func(a, b vmplane.Spec) int { return cmp.Compare(a.VCPU, b.VCPU) },
	"root_gb":   func(a, b vmplane.Spec) int { return cmp.Compare(a.DiskGiB, b.DiskGiB) },
}

// listResizeFlavors lists the flavors a server, or a server of a flavor,
// may change to: the catalog's resize targets (reference §2.4). The
// server, when named, also narrows the targets to its zone.
func (h *Handler) listResizeFlavors(w http.ResponseWriter, c *call) error {
	q := c.r.URL.Query()
	limit, err := intParam(q, "limit", 1000, 1, 1000)
	if err != nil {
		return err
	}
	compare, ok := resizeSortKeys[cmp.Or(q.Get("sort_key"), "flavorid")]
	if !ok {
		return invalidParam("Invalid sort_key [%s].", q.Get("sort_key"))
	}
	switch q.Get("sort_dir") {
	case "", "asc":
	case "desc":
		asc := compare
		compare = func(a, b vmplane.Spec) int { return asc(b, a) }
	default:
		return invalidParam("Invalid sort_dir [%s].", q.Get("sort_dir"))
	}
	cat := h.svc.Catalog(cloudName)
	var source *vmplane.Spec
	zone := ""
	switch {
	case q.Get("instance_uuid") != "":
		in, err := h.svc.FindInstanceByID(c.r.Context(), c.scope, q.Get("instance_uuid"))
		if err != nil {
			return err
		}
		source, zone = cat.FindSpec(in.SpecID), in.Zone
	case q.Get("source_flavor_id") != "":
		source = cat.FindSpec(q.Get("source_flavor_id"))
	case q.Get("source_flavor_name") != "":
		i := slices.IndexFunc(cat.Specs, func(s vmplane.Spec) bool { return cmp.Or(s.Name, s.ID) == q.Get("source_flavor_name") })
		if i >= 0 {
			source = &cat.Specs[i]
		}
	default:
		return invalidParam("One of instance_uuid, source_flavor_id and source_flavor_name is required.")
	}
	var targets []vmplane.Spec
	if source != nil {
		targets = cat.ResizeTargets(source, zone)
	}
	slices.SortStableFunc(targets, compare)
	page, err := pageAfter(targets, q.Get("marker"), limit)
	if err != nil {
		return err
	}
	out := make([]flavorView, len(page))
	for i := range page {
		out[i] = flavorOf(c, cat, &page[i], true)
	}
	return reply(w, c, http.StatusOK, struct {
		Flavors []flavorView `json:"flavors"`
	}{out})
}

// pageAfter returns up to limit specs after the one whose id is marker.
func pageAfter(specs []vmplane.Spec, marker string, limit int) ([]vmplane.Spec, error) {
	if marker != "" {
		i := slices.IndexFunc(specs, func(s vmplane.Spec) bool { return s.ID == marker })
		if i < 0 {
			return nil, invalidParam("Invalid marker [%s].", marker)
		}
		specs = specs[i+1:]
	}
	return specs[:min(limit, len(specs))], nil
}

// intParam reads an integer query parameter within [lo, hi], def when absent.
func intParam(q url.Values, name string, def, lo, hi int) (int, error) {
	s := q.Get(name)
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		return 0, invalidParam("Invalid %s [%s]: it must be an integer from %d to %d.", name, s, lo, hi)
	}
	return n, nil
}
