package server

import (
	"context"
	"runtime"
	"runtime/debug"
	"testing"
)

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

// While the state loads, the collector allows the policy's most growth;
// then TuneGC sets it from the live heap at once, not a tick later, so a
// loaded heap is not left that much room to grow. GOGC from the
// environment leaves both alone.
func TestGCAllowsTheMostGrowthWhileLoadingAndTunesAtOnceThen(t *testing.T) {
	t.Setenv("GOGC", "")
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	LoadingGC()
	if got := debug.SetGCPercent(100); got != gcPercent(0) {
		t.Errorf("GOGC while loading: %d, want %d", got, gcPercent(0))
	}
	// A live heap large enough for the policy to want less than Go's 100.
	live := make([]*[1 << 20]byte, 256)
	for i := range live {
		live[i] = new([1 << 20]byte)
	}
	runtime.GC()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	TuneGC(ctx) // done before its first tick
	runtime.KeepAlive(live)
	if got := debug.SetGCPercent(100); got >= 100 {
		t.Errorf("GOGC once loaded with 256 MiB live: %d, want under 100", got)
	}

	t.Setenv("GOGC", "150")
	debug.SetGCPercent(150)
	LoadingGC()
	TuneGC(ctx)
	if got := debug.SetGCPercent(100); got != 150 {
		t.Errorf("GOGC from the environment: %d, want 150", got)
	}
}
