package ncloud

import (
	"strings"
	"testing"

	"github.com/vmplane/vmplane"
)

// The embedded catalogs hold together: every spec and image has what the
// API renders, resize groups follow NCP's rule, every zone is in a region,
// and codes are unique.
func TestCatalogsAreConsistent(t *testing.T) {
	for _, c := range Clouds() {
		cat := c.Catalog
		t.Run(c.Name, func(t *testing.T) {
			if len(cat.Regions) == 0 || len(cat.Zones) == 0 || len(cat.Specs) == 0 || len(cat.Images) == 0 {
				t.Fatal("empty catalog")
			}
			for _, z := range cat.Zones {
				if cat.FindRegion(z.Region) == nil {
					t.Errorf("zone %s: no region %s", z.ID, z.Region)
				}
			}
			products := make(map[string]bool)
			for _, s := range cat.Specs {
				pc := productCode(&s)
				if products[pc] {
					t.Errorf("spec %s: product code %s twice", s.ID, pc)
				}
				products[pc] = true
				gen, hyp := s.Attrs["generation"], s.Attrs["hypervisor"]
				if want := s.Family + "/" + s.DiskType + "/" + gen + "/" + hyp; s.ResizeGroup != want {
					t.Errorf("spec %s: resize group %s, want %s", s.ID, s.ResizeGroup, want)
				}
				if familyNames[s.Family] == "" || (s.DiskType != "SSD" && s.DiskType != "HDD") {
					t.Errorf("spec %s: family %q, disk %q", s.ID, s.Family, s.DiskType)
				}
				if c.Name == cloudVPC && (!strings.HasPrefix(pc, "SVR.VSVR."+s.Family+".") || !strings.HasSuffix(pc, ".G00"+gen[1:]) ||
					s.Attrs["specNo"] == "" || s.Attrs["iops"] == "") {
					t.Errorf("spec %s: product code %s does not follow NCP's grammar, or attributes missing", s.ID, pc)
				}
				if c.Name == cloudClassic && (len(pc) != 16 || !strings.HasPrefix(pc, "SPSVR")) {
					t.Errorf("spec %s: not a Classic product code", s.ID)
				}
				for _, z := range s.Zones {
					if cat.FindZone(z) == nil {
						t.Errorf("spec %s: unknown zone %s", s.ID, z)
					}
				}
			}
			for _, img := range cat.Images {
				if img.Attrs["platformType"] == "" || img.Attrs["hypervisor"] == "" || img.Attrs["generation"] == "" {
					t.Errorf("image %s: attributes missing", img.ID)
				}
				if !hasSpecFor(cat, &img) {
					t.Errorf("image %s: no spec can run it", img.ID)
				}
			}
			if c.Name == cloudVPC {
				for _, r := range cat.Regions {
					if r.Attrs["vpcNo"] == "" || r.Attrs["accessControlGroupNo"] == "" {
						t.Errorf("region %s: default VPC missing", r.ID)
					}
				}
				for _, z := range cat.Zones {
					if !strings.HasSuffix(z.Attrs["subnet"], ".0/24") || !numeric(z.Attrs["subnetNo"]) {
						t.Errorf("zone %s: default subnet missing", z.ID)
					}
				}
			} else {
				for _, z := range cat.Zones {
					if z.Attrs["zoneNo"] == "" || zoneByNo(cat, z.Attrs["zoneNo"]).ID != z.ID {
						t.Errorf("zone %s: zoneNo missing or not unique", z.ID)
					}
				}
			}
		})
	}
}

func hasSpecFor(cat *vmplane.Catalog, img *vmplane.Image) bool {
	for i := range cat.Specs {
		if fits(&cat.Specs[i], img) {
			return true
		}
	}
	return false
}

func TestInstanceNumbersAreDistinctFromDerivedNumbers(t *testing.T) {
	for _, seq := range []int64{1, 2, 9_999_999} {
		no := instanceNo(seq)
		if len(no) != 8 {
			t.Errorf("instance number %s is not 8 digits", no)
		}
		for _, base := range []int64{baseNIC, baseStorage, basePublicIP} {
			d := derivedNo(base, seq)
			if d == no || seqOf(base, d) != seq {
				t.Errorf("derived %s of %d: clashes or does not invert", d, seq)
			}
		}
	}
	if seqOf(baseNIC, "abc") != -1 || seqOf(baseNIC, "30000000") != -1 || seqOf(baseNIC, "40000001") != -1 {
		t.Error("seqOf accepts numbers outside its range")
	}
}
