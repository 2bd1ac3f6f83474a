package huawei

import (
	"regexp"
	"testing"
	"time"

	"github.com/vmplane/vmplane"
	"github.com/vmplane/vmplane/catalog"
)

var (
	uuidV4 = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	jobRe  = regexp.MustCompile(`^ff8080[0-9a-f]{26}$`)
)

func TestIDsAreDistinctAndShapedLikeECS(t *testing.T) {
	seen := map[string]int64{}
	for seq := int64(1); seq <= 10000; seq++ {
		for _, id := range []string{serverID(seq), uuidOf(uint64(seq), saltVolume), uuidOf(uint64(seq), saltPort)} {
			if !uuidV4.MatchString(id) {
				t.Fatalf("seq %d: %q is not a version 4 UUID", seq, id)
			}
			if prev, ok := seen[id]; ok {
				t.Fatalf("seq %d and %d share id %s", prev, seq, id)
			}
			seen[id] = seq
		}
		if j := jobID(seq); !jobRe.MatchString(j) || !isUUID(serverID(seq)) {
			t.Fatalf("seq %d: job id %q", seq, j)
		}
	}
	if jobID(1) == jobID(2) {
		t.Errorf("job ids repeat")
	}
	if o := orderID(time.Date(2025, 6, 11, 8, 0, 0, 0, time.UTC), "00000000000040008000000000000001"); o != "CS2506110800000001" {
		t.Errorf("orderID = %s", o)
	}
}

// The embedded catalog parses, and its resize groups say what the ECS
// rules say: x86 flavors change among themselves, Kunpeng among its own.
func TestEmbeddedCatalog(t *testing.T) {
	cat, err := catalog.Parse(catalogYAML)
	if err != nil {
		t.Fatal(err)
	}
	if len(cat.Regions) == 0 || len(cat.Zones) == 0 || len(cat.Images) == 0 {
		t.Fatalf("catalog lacks regions, zones or images: %+v", cat)
	}
	for _, s := range cat.Specs {
		if s.VCPU < 1 || s.MemoryMiB < 1024 || s.ResizeGroup == "" || s.Attrs["ecs:performancetype"] == "" {
			t.Errorf("flavor %s is incomplete: %+v", s.ID, s)
		}
		for _, target := range cat.ResizeTargets(&s, "") {
			if (target.Attrs["ecs:instance_architecture"] == "arm64") != (s.Attrs["ecs:instance_architecture"] == "arm64") {
				t.Errorf("%s may change to %s across architectures", s.ID, target.ID)
			}
		}
	}
	for _, id := range []string{"s6.large.2", "c6.xlarge.2", "c3.15xlarge.2", "m6.large.8"} {
		if cat.FindSpec(id) == nil {
			t.Errorf("catalog lacks %s", id)
		}
	}
	for _, img := range cat.Images {
		if !isUUID(img.ID) {
			t.Errorf("image id %q is not shaped like ECS's", img.ID)
		}
	}
}

// Every domain error code has an ECS answer, and none but internal errors
// is a 5xx.
func TestErrorTableCoversDomainCodes(t *testing.T) {
	codes := []string{vmplane.EINVALID, vmplane.ENOTFOUND, vmplane.EBUSY, vmplane.ESTATE, vmplane.ESAMESPEC, vmplane.EINCOMPATIBLE,
		vmplane.EZONE, vmplane.EPROTECTED, vmplane.ESCHEDULED, vmplane.ENOSCHEDULE, vmplane.EQUOTA, vmplane.EINTERNAL}
	for _, code := range codes {
		row, ok := errorTable[errorKey{code, ""}]
		if !ok {
			t.Errorf("no ECS answer for %s", code)
			continue
		}
		if (row.status >= 500) != (code == vmplane.EINTERNAL) || row.code == "" {
			t.Errorf("%s answers %d %s", code, row.status, row.code)
		}
	}
	e := toAPIError(&vmplane.Error{Code: vmplane.ENOTFOUND, Subject: "instance", ID: "abc"})
	if e.Status != 404 || e.Code != "Ecs.0114" || e.Message != "Instance[abc] could not be found." {
		t.Errorf("instance not found answers %+v", e)
	}
	e = toAPIError(&vmplane.Error{Code: vmplane.EFAULT, Message: "held", Wire: &vmplane.WireError{Code: "Ecs.0603", Status: 501}})
	if e.Status != 501 || e.Code != "Ecs.0603" || e.Message != "held" {
		t.Errorf("a fault answers %+v, want its own code and status", e)
	}
}
