package server

import "testing"

func TestGCHeadroomShrinksWithTheLiveHeap(t *testing.T) {
	for _, c := range []struct {
		live uint64
		want int
	}{
		{0, 400},
		{32 << 20, 400},
		{64 << 20, 400},
		{128 << 20, 200},
		{256 << 20, 100},
		{400 << 20, 64},
		{512 << 20, 50},
		{4 << 30, 50},
	} {
		if got := gcPercent(c.live); got != c.want {
			t.Errorf("gcPercent(%d MiB) = %d, want %d", c.live>>20, got, c.want)
		}
	}
}
