package huawei

import (
	"strconv"
	"testing"

	"github.com/vmplane/vmplane"
)

// A create without a system disk size gets its image's min_disk from the
// catalog, or 40 GiB for an image the catalog gives none; a size under the
// image's minimum is refused.
func TestRootDiskDefaultsToTheImageMinimum(t *testing.T) {
	cat := Clouds()[0].Catalog.Merge(&vmplane.Catalog{Images: []vmplane.Image{
		{ID: "big", OS: "Linux", Attrs: map[string]string{"min_disk": "60"}},
		{ID: "bare", OS: "Linux"},
	}})
	size := func(n int) *int { return &n }
	tests := []struct {
		image string
		size  *int
		disk  int
		ok    bool
	}{
		{"big", nil, 60, true},
		{"big", size(0), 60, true},
		{"big", size(60), 60, true},
		{"big", size(59), 0, false},
		{"bare", nil, 40, true},
		{"bare", size(39), 0, false},
	}
	for _, tt := range tests {
		s := &serverCreate{Name: "web", FlavorRef: "s6.large.2", ImageRef: tt.image, VPCID: "3e5b1f0c-7a52-4c0e-9f6e-2b8d41c7a9e1"}
		s.Nics = append(s.Nics, struct {
			SubnetID  string `json:"subnet_id"`
			IPAddress string `json:"ip_address"`
		}{SubnetID: "8a1c2d3e-4f50-4617-a829-3b4c5d6e7f80"})
		s.RootVolume = &struct {
			VolumeType string `json:"volumetype"`
			Size       *int   `json:"size"`
		}{"SSD", tt.size}
		given := "none"
		if tt.size != nil {
			given = strconv.Itoa(*tt.size)
		}
		out, err := instanceCreate(s, cat)
		switch {
		case tt.ok && (err != nil || out.DiskGiB != tt.disk):
			t.Errorf("image %s, size %s: %d GiB, %v; want %d GiB", tt.image, given, out.DiskGiB, err, tt.disk)
		case !tt.ok && err == nil:
			t.Errorf("image %s, size %s accepted, want a refusal", tt.image, given)
		}
	}
}
