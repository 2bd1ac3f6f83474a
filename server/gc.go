package server

import (
	"context"
	"os"
	"runtime/debug"
	"runtime/metrics"
	"time"
)

// gcBudget is the heap growth the collector allows between collections,
// whatever the live heap: vmplane keeps all of its state in memory, and
// Go's default (a heap twice its live data) would double a large fleet's
// footprint (a million instances: some 450 MB live, 1.2 GB resident),
// while collecting a small one far more often than its memory needs. With
// a million instances, 256 MiB (and a floor of half the live data) peaked
// at 893-931 MiB resident while seeding, 192 MiB at 845-855; the CPU a
// request costs did not move beyond the runs' noise (BENCHMARKS.md).
const gcBudget = 192 << 20

// gcPercent is the GOGC vmplane runs with for live bytes of live heap: the
// heap grows by gcBudget between collections, but by a quarter of the live
// data at least, and four times at most. A collection costs the live
// data's worth of work, whatever the headroom; fewer of them is CPU saved.
func gcPercent(live uint64) int {
	if live == 0 {
		return 400
	}
	return int(min(max(100*gcBudget/live, 25), 400))
}

// TuneGC sets the collector's GOGC from the live heap, once a second, until
// ctx is done. A GOGC in the environment is the operator's choice, and
// TuneGC leaves it alone. It is for the vmplane process, not for a library
// user's.
func TuneGC(ctx context.Context) {
	if os.Getenv("GOGC") != "" {
		return
	}
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	current := 100 // Go's own
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		metrics.Read(sample)
		if sample[0].Value.Kind() != metrics.KindUint64 {
			return
		}
		if p := gcPercent(sample[0].Value.Uint64()); p != current {
			debug.SetGCPercent(p)
			current = p
		}
	}
}
