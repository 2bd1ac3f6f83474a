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

// LoadingGC has the collector allow the most growth the policy does
// (gcPercent's ceiling) while vmplane loads its state, before TuneGC takes
// over: nearly all that a load allocates stays live, so each collection of
// the growing heap marks it again for little to free. With Go's default, a
// million instances' restart spent a quarter of its CPU marking (4.6-4.8 s
// of CPU, against 3.3-3.5 s with no collection at all). For the vmplane
// process, and a GOGC in the environment wins, as with TuneGC.
func LoadingGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent(0))
	}
}

// TuneGC sets the collector's GOGC from the live heap, at once and then
// once a second, until ctx is done. A GOGC in the environment is the
// operator's choice, and TuneGC leaves it alone. It is for the vmplane
// process, not for a library user's.
func TuneGC(ctx context.Context) {
	if os.Getenv("GOGC") != "" {
		return
	}
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	current := 0 // not a value gcPercent gives: the first reading sets it
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		metrics.Read(sample)
		if sample[0].Value.Kind() != metrics.KindUint64 {
			return
		}
		if p := gcPercent(sample[0].Value.Uint64()); p != current {
			debug.SetGCPercent(p)
			current = p
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}
