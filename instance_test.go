package vmplane

import (
	"testing"
	"unsafe"
)

// TestInstanceFitsItsAllocationClass guards the memory of a large fleet:
// its instances are most of vmplane's live heap, and Go allocates an
// Instance in the smallest size class that holds it (…, 288, 320, 352
// bytes). Past 320 bytes, each million instances cost 32 MB more, and the
// collector's headroom grows with them. A new field must make room for
// itself, or raise this bound knowingly.
func TestInstanceFitsItsAllocationClass(t *testing.T) {
	if size := unsafe.Sizeof(Instance{}); size > 320 {
		t.Errorf("an Instance is %d bytes, past the 320-byte allocation class", size)
	}
}
