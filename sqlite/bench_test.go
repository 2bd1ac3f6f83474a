package sqlite_test

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vmplane/vmplane"
	"github.com/vmplane/vmplane/sqlite"
)

// The store's hot paths: the commit every accepted change waits for, and
// the load a restart waits for.

func openBench(b *testing.B, file string) *sqlite.DB {
	b.Helper()
	db, err := sqlite.Open(context.Background(), file)
	if err != nil {
		b.Fatal(err)
	}
	return db
}

var benchStart = time.Date(2025, 6, 11, 8, 0, 0, 0, time.UTC)

func benchInstance(seq int64) vmplane.Instance {
	return vmplane.Instance{ID: fmt.Sprint(seq), Seq: seq, Cloud: "test", Account: "default", Name: fmt.Sprintf("load-%d", seq),
		SpecID: "small", VCPU: 1, MemoryMiB: 1024, Region: "r1", Zone: "z1", Charge: vmplane.ChargePayPerUse,
		Power: vmplane.PowerRunning, CreatedAt: benchStart, LaunchedAt: benchStart, UpdatedAt: benchStart}
}

// BenchmarkCommitOperation commits accepted operations, one per commit,
// from 64 concurrent callers, each durable (fsynced) before it returns:
// what a burst of stop requests costs the store.
func BenchmarkCommitOperation(b *testing.B) {
	db := openBench(b, filepath.Join(b.TempDir(), "db"))
	defer db.Close()
	ctx := context.Background()
	if err := db.Commit(ctx, &vmplane.Changes{Accounts: []vmplane.Account{{ID: "default", ProjectID: "p",
		Keys: []vmplane.Key{{AccessKey: "AK", SecretKey: "SK"}}, CreatedAt: benchStart}}}); err != nil {
		b.Fatal(err)
	}
	var seq atomic.Int64
	b.SetParallelism(max(1, 64/runtime.GOMAXPROCS(0)))
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			n := seq.Add(1)
			op := vmplane.Operation{ID: fmt.Sprint(n), Seq: n, JobID: fmt.Sprint(n), Cloud: "test", Account: "default",
				InstanceID: fmt.Sprint(n), Kind: vmplane.KindStop, Steps: []vmplane.Step{{Action: vmplane.ActionPowerOff, Then: vmplane.PowerStopped}},
				State: vmplane.OpRunning, FailTo: vmplane.PowerFailed, CreatedAt: benchStart, StepStartedAt: benchStart, DueAt: benchStart.Add(3 * time.Second)}
			if err := db.Commit(ctx, &vmplane.Changes{Operations: []vmplane.Operation{op}, Seq: n}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkStopCycle commits what one stop costs the store, as the core
// commits it, on instances among 10,000: the accepted operation with its
// instance and the sequence, then, in a commit of its own, the finished
// operation with the stopped instance. 64 concurrent callers, each on
// instances of its own.
func BenchmarkStopCycle(b *testing.B) {
	db := openBench(b, filepath.Join(b.TempDir(), "db"))
	defer db.Close()
	ctx := context.Background()
	const n = 10_000
	seed := &vmplane.Changes{Accounts: []vmplane.Account{{ID: "default", ProjectID: "p", CreatedAt: benchStart}}}
	for i := range int64(n) {
		seed.Instances = append(seed.Instances, benchInstance(i+1))
	}
	if err := db.Commit(ctx, seed); err != nil {
		b.Fatal(err)
	}
	var seq atomic.Int64
	seq.Store(n)
	b.SetParallelism(max(1, 64/runtime.GOMAXPROCS(0)))
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			s := seq.Add(1)
			in := benchInstance(1 + s%n)
			op := vmplane.Operation{ID: fmt.Sprint(s), Seq: s, JobID: fmt.Sprint(s), Cloud: "test", Account: "default",
				InstanceID: in.ID, Kind: vmplane.KindStop, Steps: []vmplane.Step{{Action: vmplane.ActionPowerOff, Then: vmplane.PowerStopped}},
				State: vmplane.OpRunning, FailTo: vmplane.PowerFailed, CreatedAt: benchStart, StepStartedAt: benchStart, DueAt: benchStart}
			in.Op = &op
			if err := db.Commit(ctx, &vmplane.Changes{Instances: []vmplane.Instance{in}, Operations: []vmplane.Operation{op}, Seq: s}); err != nil {
				b.Fatal(err)
			}
			op.State, op.FinishedAt = vmplane.OpSucceeded, benchStart
			in.Op, in.Power = nil, vmplane.PowerStopped
			in.Last = &vmplane.OperationSummary{ID: op.ID, Kind: op.Kind, State: op.State, FinishedAt: op.FinishedAt}
			if err := db.Commit(ctx, &vmplane.Changes{Instances: []vmplane.Instance{in}, Operations: []vmplane.Operation{op}}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkLoad100k reads back 100,000 instances, as a restart does.
func BenchmarkLoad100k(b *testing.B) {
	file := filepath.Join(b.TempDir(), "db")
	db := openBench(b, file)
	ctx := context.Background()
	if err := db.Commit(ctx, &vmplane.Changes{Accounts: []vmplane.Account{{ID: "default", ProjectID: "p", CreatedAt: benchStart}}}); err != nil {
		b.Fatal(err)
	}
	const n = 100_000
	for base := int64(0); base < n; base += 10_000 {
		c := &vmplane.Changes{Seq: base + 10_000}
		for i := base + 1; i <= base+10_000; i++ {
			c.Instances = append(c.Instances, benchInstance(i))
		}
		if err := db.Commit(ctx, c); err != nil {
			b.Fatal(err)
		}
	}
	db.Close()
	b.ReportAllocs()
	for b.Loop() {
		db := openBench(b, file)
		snap, err := db.Load(ctx)
		if err != nil || len(snap.Instances) != n {
			b.Fatalf("%d instances, %v", len(snap.Instances), err)
		}
		db.Close()
	}
}

// BenchmarkFindJobAmong100k finds one job's operation among 100,000
// finished ones: what a client's poll of a job the core no longer keeps in
// memory costs, and what a restart pays for each job still running.
func BenchmarkFindJobAmong100k(b *testing.B) {
	db := openBench(b, filepath.Join(b.TempDir(), "db"))
	defer db.Close()
	ctx := context.Background()
	const n = 100_000
	commitFinishedOperations(b, db, n)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i = (i + 7919) % n
		ops, err := db.FindOperations(ctx, vmplane.OperationFilter{Cloud: "test", Account: "default", JobID: fmt.Sprint("job", i)})
		if err != nil || len(ops) != 1 {
			b.Fatalf("%d operations, %v", len(ops), err)
		}
	}
}

// commitFinishedOperations commits n finished stops, each its own job, in
// commits of 10,000.
func commitFinishedOperations(b *testing.B, db *sqlite.DB, n int) {
	b.Helper()
	for base := 0; base < n; base += 10_000 {
		c := &vmplane.Changes{}
		for i := base; i < min(n, base+10_000); i++ {
			c.Operations = append(c.Operations, vmplane.Operation{ID: fmt.Sprint("op", i), Seq: int64(i + 1), JobID: fmt.Sprint("job", i),
				Cloud: "test", Account: "default", InstanceID: fmt.Sprint(i % 1000), Kind: vmplane.KindStop, State: vmplane.OpSucceeded,
				CreatedAt: benchStart, FinishedAt: benchStart.Add(time.Second)})
		}
		if err := db.Commit(context.Background(), c); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCommitDuringPrune prunes 300,000 finished operations while one
// caller commits accepted operations one after another: how long the
// slowest of those commits waited for the prune (max-commit-ms), and how
// long the prune took (prune-ms).
func BenchmarkCommitDuringPrune(b *testing.B) {
	db := openBench(b, filepath.Join(b.TempDir(), "db"))
	defer db.Close()
	ctx := context.Background()
	var slowest, pruning time.Duration
	seq := int64(1_000_000)
	for b.Loop() {
		b.StopTimer()
		commitFinishedOperations(b, db, 300_000)
		b.StartTimer()
		done := make(chan struct{})
		worst := make(chan time.Duration)
		go func() {
			var w time.Duration
			for {
				select {
				case <-done:
					worst <- w
					return
				default:
				}
				seq++
				op := vmplane.Operation{ID: fmt.Sprint(seq), Seq: seq, JobID: fmt.Sprint(seq), Cloud: "test", Account: "default",
					InstanceID: "i", Kind: vmplane.KindStop, State: vmplane.OpSucceeded, CreatedAt: benchStart, FinishedAt: benchStart}
				start := time.Now()
				if err := db.Commit(ctx, &vmplane.Changes{Operations: []vmplane.Operation{op}}); err != nil {
					b.Error(err)
				}
				w = max(w, time.Since(start))
			}
		}()
		start := time.Now()
		n, err := db.PruneOperations(ctx, benchStart.Add(time.Minute))
		pruning += time.Since(start)
		close(done)
		slowest = max(slowest, <-worst)
		if err != nil || n < 300_000 {
			b.Fatalf("pruned %d, %v", n, err)
		}
	}
	b.ReportMetric(float64(slowest.Microseconds())/1000, "max-commit-ms")
	b.ReportMetric(float64(pruning.Microseconds())/1000/float64(b.N), "prune-ms")
}
