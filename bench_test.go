package vmplane_test

import (
	"context"
	"runtime"
	"runtime/metrics"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vmplane/vmplane"
)

// benchHarness seeds n running instances in chunks, as the load tool does.
func benchHarness(b *testing.B, n int) (*harness, []string) {
	b.Helper()
	h := newHarness(b, harnessOptions{})
	var ids []string
	for len(ids) < n {
		chunk := make([]vmplane.InstanceSeed, min(10000, n-len(ids)))
		for i := range chunk {
			chunk[i] = vmplane.InstanceSeed{Cloud: testCloud, SpecID: "small", Zone: "z1"}
		}
		list, err := h.svc.SeedInstances(context.Background(), chunk)
		if err != nil {
			b.Fatal(err)
		}
		for _, in := range list {
			ids = append(ids, in.ID)
		}
	}
	return h, ids
}

// BenchmarkCollectorOf100k measures a garbage collection of the core's
// state with 100,000 instances, loaded as a restart loads them: work every
// cycle of the server does, whatever its garbage. mark-ms/op is the CPU
// the collector spent marking (runtime/metrics), steadier than ns/op on a
// shared machine.
func BenchmarkCollectorOf100k(b *testing.B) {
	h, _ := benchHarness(b, 100_000)
	h.restart()
	mark := []metrics.Sample{
		{Name: "/cpu/classes/gc/mark/assist:cpu-seconds"},
		{Name: "/cpu/classes/gc/mark/dedicated:cpu-seconds"},
		{Name: "/cpu/classes/gc/mark/idle:cpu-seconds"},
	}
	marked := func() float64 {
		runtime.GC() // the metrics are updated at the end of a cycle
		metrics.Read(mark)
		return mark[0].Value.Float64() + mark[1].Value.Float64() + mark[2].Value.Float64()
	}
	before := marked()
	n := 0
	for b.Loop() {
		runtime.GC()
		n++
	}
	b.ReportMetric((marked()-before)/float64(n+1)*1e3, "mark-ms/op")
	runtime.KeepAlive(h)
}

func BenchmarkFindInstancesFirstPageOf100k(b *testing.B) {
	h, _ := benchHarness(b, 100_000)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			list, total, _ := h.svc.FindInstances(context.Background(), vmplane.InstanceFilter{Scope: defaultScope, Limit: 10})
			if len(list) != 10 || total != 100_000 {
				b.Fatalf("page %d of %d", len(list), total)
			}
		}
	})
}

func BenchmarkFindInstanceByID(b *testing.B) {
	h, ids := benchHarness(b, 100_000)
	b.ReportAllocs()
	var n atomic.Int64
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			id := ids[int(n.Add(1))%len(ids)]
			if _, err := h.svc.FindInstanceByID(context.Background(), defaultScope, id); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkSubmitDurable measures accepted, committed (fsynced) operations
// on distinct instances from 64 concurrent clients.
func BenchmarkSubmitDurable(b *testing.B) {
	h, ids := benchHarness(b, 100_000)
	b.SetParallelism(max(1, 64/runtime.GOMAXPROCS(0)))
	var n atomic.Int64
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			id := ids[int(n.Add(1))%len(ids)]
			in, _ := h.svc.FindInstanceByID(context.Background(), defaultScope, id)
			kind := vmplane.KindStop
			if in.Power == vmplane.PowerStopped {
				kind = vmplane.KindStart
			}
			_, err := h.svc.Submit(context.Background(), vmplane.OperationRequest{Scope: defaultScope, Kind: kind, InstanceIDs: []string{id}})
			if err != nil && vmplane.ErrorCode(err) != vmplane.EBUSY {
				b.Fatal(err)
			}
		}
	})
	b.StopTimer()
	h.clock.Advance(time.Hour)
}
