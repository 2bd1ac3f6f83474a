package server

import "testing"

func TestGCHeadroomShrinksWithTheLiveHeap(t *testing.T) {
	for _, c := range []struct {
		live uint64
		want int
	}{
		{0, 400},
		{32 << 20, 400},
		{48 << 20, 400},
		{64 << 20, 300},
		{128 << 20, 150},
		{256 << 20, 75},
		{512 << 20, 37},
		{768 << 20, 25},
		{4 << 30, 25},
	} {
		if got := gcPercent(c.live); got != c.want {
			t.Errorf("gcPercent(%d MiB) = %d, want %d", c.live>>20, got, c.want)
		}
	}
}
