package vmplane

import (
	"cmp"
	"fmt"
	"slices"
)

// Catalog is what one cloud offers: regions, zones, specs and images. Each
// cloud package embeds its own; an operator's catalog file extends or
// replaces it (see Merge).
type Catalog struct {
	Regions []Region `json:"regions,omitempty"`
	Zones   []Zone   `json:"zones,omitempty"`
	Specs   []Spec   `json:"specs,omitempty"`
	Images  []Image  `json:"images,omitempty"`
}

// Region is a cloud region.
type Region struct {
	ID    string            `json:"id"`
	Name  string            `json:"name,omitempty"`
	Attrs map[string]string `json:"attrs,omitempty"`
}

// Zone is an availability zone within a region.
type Zone struct {
	ID     string `json:"id"`
	Region string `json:"region"`
	Name   string `json:"name,omitempty"`
	// NoResize marks zones where specs cannot be changed.
	NoResize bool              `json:"noResize,omitempty"`
	Attrs    map[string]string `json:"attrs,omitempty"`
}

// Spec is a server size: a spec code, flavor or instance type.
type Spec struct {
	ID        string `json:"id"`
	Name      string `json:"name,omitempty"`
	VCPU      int    `json:"vcpu"`
	MemoryMiB int    `json:"memoryMiB"`
	DiskGiB   int    `json:"diskGiB,omitempty"`
	// Family is the cloud's product type or series (STAND, c, s6, ...).
	Family   string `json:"family,omitempty"`
	DiskType string `json:"diskType,omitempty"`
	// ResizeGroup: an instance may change only to a spec of the same group.
	// Specs with an empty group cannot be changed to or from.
	ResizeGroup string `json:"resizeGroup,omitempty"`
	// Price is a monthly price. It orders specs when a cloud bills an
	// upgrade differently from a downgrade.
	Price float64 `json:"price,omitempty"`
	// Zones lists where the spec is offered; empty means every zone.
	Zones []string          `json:"zones,omitempty"`
	Attrs map[string]string `json:"attrs,omitempty"`
}

// OfferedIn reports whether the spec is offered in zone.
func (s *Spec) OfferedIn(zone string) bool {
	return len(s.Zones) == 0 || slices.Contains(s.Zones, zone)
}

// Image is a machine image.
type Image struct {
	ID    string            `json:"id"`
	Name  string            `json:"name,omitempty"`
	OS    string            `json:"os,omitempty"`
	Attrs map[string]string `json:"attrs,omitempty"`
}

// FindSpec returns the spec with id, or nil.
func (c *Catalog) FindSpec(id string) *Spec {
	return find(c.Specs, id, func(s *Spec) string { return s.ID })
}

// FindZone returns the zone with id, or nil.
func (c *Catalog) FindZone(id string) *Zone {
	return find(c.Zones, id, func(z *Zone) string { return z.ID })
}

// FindRegion returns the region with id, or nil.
func (c *Catalog) FindRegion(id string) *Region {
	return find(c.Regions, id, func(r *Region) string { return r.ID })
}

// FindImage returns the image with id, or nil.
func (c *Catalog) FindImage(id string) *Image {
	return find(c.Images, id, func(i *Image) string { return i.ID })
}

// Place resolves where an instance of specID from imageID would go: the
// spec, and the zone, zoneID or else the first the catalog lists that
// offers the spec. Creation places instances so, and a cloud's price
// inquiry checks a request so.
func (c *Catalog) Place(specID, imageID, zoneID string) (*Spec, *Zone, error) {
	spec := c.FindSpec(specID)
	if spec == nil {
		return nil, nil, notFound("spec", specID)
	}
	if imageID != "" && len(c.Images) > 0 && c.FindImage(imageID) == nil {
		return nil, nil, notFound("image", imageID)
	}
	var zone *Zone
	if zoneID == "" {
		for i := range c.Zones {
			if spec.OfferedIn(c.Zones[i].ID) {
				zone = &c.Zones[i]
				break
			}
		}
		if zone == nil {
			zone = &Zone{}
		}
	} else if zone = c.FindZone(zoneID); zone == nil {
		return nil, nil, notFound("zone", zoneID)
	}
	if zone.ID != "" && !spec.OfferedIn(zone.ID) {
		return nil, nil, &Error{Code: EINCOMPATIBLE, Subject: "spec", ID: spec.ID,
			Message: fmt.Sprintf("Spec %s is not offered in zone %s.", spec.ID, zone.ID)}
	}
	return spec, zone, nil
}

// ResizeTargets returns the specs an instance of spec from in zone may change
// to, cheapest first.
func (c *Catalog) ResizeTargets(from *Spec, zone string) []Spec {
	var out []Spec
	for _, s := range c.Specs {
		if s.ID != from.ID && s.ResizeGroup != "" && s.ResizeGroup == from.ResizeGroup && (zone == "" || s.OfferedIn(zone)) {
			out = append(out, s)
		}
	}
	slices.SortStableFunc(out, func(a, b Spec) int {
		return cmp.Or(cmp.Compare(a.Price, b.Price), cmp.Compare(a.VCPU, b.VCPU), cmp.Compare(a.MemoryMiB, b.MemoryMiB))
	})
	return out
}

func find[T any](items []T, id string, key func(*T) string) *T {
	for i := range items {
		if key(&items[i]) == id {
			return &items[i]
		}
	}
	return nil
}

// Merge returns c extended by other: an entry of other replaces the entry of
// c with the same id, and new entries are appended in other's order.
func (c *Catalog) Merge(other *Catalog) *Catalog {
	return &Catalog{
		Regions: merge(c.Regions, other.Regions, func(r Region) string { return r.ID }),
		Zones:   merge(c.Zones, other.Zones, func(z Zone) string { return z.ID }),
		Specs:   merge(c.Specs, other.Specs, func(s Spec) string { return s.ID }),
		Images:  merge(c.Images, other.Images, func(i Image) string { return i.ID }),
	}
}

func merge[T any](base, over []T, key func(T) string) []T {
	out := slices.Clone(base)
	for _, o := range over {
		if i := slices.IndexFunc(out, func(b T) bool { return key(b) == key(o) }); i >= 0 {
			out[i] = o
		} else {
			out = append(out, o)
		}
	}
	return out
}
