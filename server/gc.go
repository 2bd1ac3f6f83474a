package server

import (
	"context"
	"os"
	"runtime/debug"
	"runtime/metrics"
	"time"
)

// gcBudget is the heap growth the collector is always allowed: below it,
// Go's default (a heap twice its live data) stands.
const gcBudget = 256 << 20

// gcPercent is the GOGC vmplane runs with for live bytes of live heap.
// vmplane keeps all of its state in memory, and the default headroom of
// 100% would double a large fleet's footprint (a million instances: some
// 480 MB live, 1.2 GB resident); past gcBudget the headroom shrinks, to half
// of the live data at least. The price is a collection more often, whose
// cost is that of the live data, not of the headroom.
func gcPercent(live uint64) int {
	if live <= gcBudget {
		return 100
	}
	return max(50, int(100*gcBudget/live))
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
	current := 100
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
