// Package storetest is the conformance suite every vmplane.Store passes.
package storetest

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/vmplane/vmplane"
)

// Opener opens a fresh, empty store; reopen (when not nil) opens the same
// store again after it was closed, to prove durability.
type Opener struct {
	Open   func(t *testing.T) vmplane.Store
	Reopen func(t *testing.T, old vmplane.Store) vmplane.Store
}

// Run runs the suite.
func Run(t *testing.T, o Opener) {
	for name, test := range map[string]func(*testing.T, Opener){
		"CommitThenLoadRoundTrips":                   testRoundTrip,
		"DeletedInstancesAndFinishedOpsAreNotLoaded": testNotLoaded,
		"OneRunningOperationPerInstance":             testOneRunning,
		"ConcurrentCommitsAreEachAllOrNothing":       testConcurrent,
		"SequenceOnlyGrows":                          testSeq,
		"SettingsAndReset":                           testSettingsReset,
		"FindOperationsFilters":                      testFind,
		"ResourcesRoundTripAndDelete":                testResources,
		"OneInstancePerCloudAndID":                   testOneInstancePerID,
		"PruneSparesRunningJobsAndLaterOperations":   testPrune,
		"PruneOfManyOperationsKeepsRunningJobsWhole": testPruneMany,
		"FinishedOperationsOfRunningJobsAreLoaded":   testJobOperations,
	} {
		t.Run(name, func(t *testing.T) { test(t, o) })
	}
}

var t0 = time.Date(2025, 6, 11, 8, 0, 0, 0, time.UTC)

func account(id string) vmplane.Account {
	return vmplane.Account{ID: id, Name: "n-" + id, ProjectID: "p-" + id, CreatedAt: t0,
		Keys: []vmplane.Key{{AccessKey: "AK-" + id, SecretKey: "SK-" + id}, {AccessKey: "AK2-" + id, SecretKey: "SK2-" + id}}}
}

func instance(id string, seq int64) vmplane.Instance {
	return vmplane.Instance{
		ID: id, Seq: seq, Cloud: "c", Account: "a", Name: "name-" + id, SpecID: "s", VCPU: 2, MemoryMiB: 4096,
		DiskType: "SSD", DiskGiB: 50, ImageID: "img", Region: "r", Zone: "z", Charge: vmplane.ChargePrepaid, PeriodMonths: 1,
		Power: vmplane.PowerRunning, Protected: true, CreatedAt: t0, LaunchedAt: t0.Add(time.Second), UpdatedAt: t0.Add(2 * time.Second),
		Scheduled: &vmplane.ScheduledChange{SpecID: "s2", At: t0.Add(time.Hour), Order: "o1"},
		Last:      &vmplane.OperationSummary{ID: "op0", Kind: vmplane.KindStart, State: vmplane.OpSucceeded, FinishedAt: t0},
		Attrs:     map[string]string{"vpcNo": "75"},
	}
}

func operation(id, instanceID string, seq int64) vmplane.Operation {
	return vmplane.Operation{
		ID: id, Seq: seq, JobID: "job-" + id, Cloud: "c", Account: "a", InstanceID: instanceID, Kind: vmplane.KindResize,
		Mode: vmplane.ModeStopFirst, Hard: true, Batch: true, SpecID: "s2", FromSpecID: "s",
		Steps: []vmplane.Step{{Action: vmplane.ActionPowerOff, Then: vmplane.PowerStopped}, {Action: vmplane.ActionApplySpec, Then: vmplane.PowerStopped}},
		Step:  1, State: vmplane.OpRunning, FailTo: vmplane.PowerFailed, CreatedAt: t0, StepStartedAt: t0.Add(time.Second),
		DueAt: t0.Add(5 * time.Second), Fault: &vmplane.Fault{Rule: "fault-1", Effect: vmplane.FaultDelay, Duration: time.Minute},
	}
}

func commit(t *testing.T, s vmplane.Store, c *vmplane.Changes) {
	t.Helper()
	if err := s.Commit(context.Background(), c); err != nil {
		t.Fatalf("commit: %v", err)
	}
}

func load(t *testing.T, s vmplane.Store) *vmplane.Snapshot {
	t.Helper()
	snap, err := s.Load(context.Background())
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	return snap
}

func testRoundTrip(t *testing.T, o Opener) {
	s := o.Open(t)
	in, op := instance("i1", 2), operation("op1", "i1", 3)
	commit(t, s, &vmplane.Changes{Accounts: []vmplane.Account{account("a")}, Instances: []vmplane.Instance{in}, Operations: []vmplane.Operation{op}, Seq: 3})
	if o.Reopen != nil {
		s = o.Reopen(t, s)
	}
	snap := load(t, s)
	want := &vmplane.Snapshot{Accounts: []vmplane.Account{account("a")}, Instances: []*vmplane.Instance{&in}, Operations: []vmplane.Operation{op}, Seq: 3}
	if !reflect.DeepEqual(snap, want) {
		t.Fatalf("loaded\n%+v\nwant\n%+v", snap, want)
	}
	// Upserts replace: a key removed from an account is gone.
	a := account("a")
	a.Keys = a.Keys[:1]
	in.Power, in.Attrs, in.Scheduled = vmplane.PowerStopped, nil, nil
	commit(t, s, &vmplane.Changes{Accounts: []vmplane.Account{a}, Instances: []vmplane.Instance{in}})
	snap = load(t, s)
	if !reflect.DeepEqual(snap.Accounts, []vmplane.Account{a}) || !reflect.DeepEqual(snap.Instances, []*vmplane.Instance{&in}) {
		t.Fatalf("after upsert: %+v %+v", snap.Accounts, snap.Instances)
	}
}

func testNotLoaded(t *testing.T, o Opener) {
	s := o.Open(t)
	gone, live := instance("gone", 1), instance("live", 2)
	gone.Power = vmplane.PowerDeleted
	done := operation("done", "live", 3)
	done.State, done.FinishedAt = vmplane.OpSucceeded, t0.Add(time.Minute)
	commit(t, s, &vmplane.Changes{Accounts: []vmplane.Account{account("a")}, Instances: []vmplane.Instance{gone, live}, Operations: []vmplane.Operation{done}})
	snap := load(t, s)
	if len(snap.Instances) != 1 || snap.Instances[0].ID != "live" || len(snap.Operations) != 0 {
		t.Fatalf("loaded %+v %+v", snap.Instances, snap.Operations)
	}
	ops, err := s.FindOperations(context.Background(), vmplane.OperationFilter{JobID: done.JobID})
	if err != nil || len(ops) != 1 || !reflect.DeepEqual(ops[0], done) {
		t.Fatalf("find finished op: %+v %v", ops, err)
	}
}

func testOneRunning(t *testing.T, o Opener) {
	s := o.Open(t)
	commit(t, s, &vmplane.Changes{Accounts: []vmplane.Account{account("a")}, Instances: []vmplane.Instance{instance("i1", 1)}, Operations: []vmplane.Operation{operation("op1", "i1", 2)}})
	err := s.Commit(context.Background(), &vmplane.Changes{Operations: []vmplane.Operation{operation("op2", "i1", 3)}})
	if vmplane.ErrorCode(err) != vmplane.EBUSY {
		t.Fatalf("second running operation: %v, want EBUSY", err)
	}
	// Once the first finishes, another may run.
	first := operation("op1", "i1", 2)
	first.State, first.FinishedAt = vmplane.OpSucceeded, t0
	commit(t, s, &vmplane.Changes{Operations: []vmplane.Operation{first, operation("op2", "i1", 3)}})
}

// An instance is one row however often it changes; one seeded again with
// the id of a deleted one (a new sequence number) takes its place.
func testOneInstancePerID(t *testing.T, o Opener) {
	s := o.Open(t)
	in := instance("i1", 1)
	commit(t, s, &vmplane.Changes{Accounts: []vmplane.Account{account("a")}, Instances: []vmplane.Instance{in}})
	in.Name = "renamed"
	commit(t, s, &vmplane.Changes{Instances: []vmplane.Instance{in}})
	if snap := load(t, s); len(snap.Instances) != 1 || !reflect.DeepEqual(*snap.Instances[0], in) {
		t.Fatalf("after a change: %+v", snap.Instances)
	}
	in.Power = vmplane.PowerDeleted
	commit(t, s, &vmplane.Changes{Instances: []vmplane.Instance{in}})
	again := instance("i1", 7)
	commit(t, s, &vmplane.Changes{Instances: []vmplane.Instance{again}})
	if snap := load(t, s); len(snap.Instances) != 1 || !reflect.DeepEqual(*snap.Instances[0], again) {
		t.Fatalf("after the id was used again: %+v", snap.Instances)
	}
}

func testConcurrent(t *testing.T, o Opener) {
	s := o.Open(t)
	commit(t, s, &vmplane.Changes{Accounts: []vmplane.Account{account("a")}, Instances: []vmplane.Instance{instance("busy", 1)}, Operations: []vmplane.Operation{operation("op0", "busy", 2)}})
	const n = 64
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := &vmplane.Changes{Instances: []vmplane.Instance{instance(fmt.Sprint("i", i), int64(100+i))}}
			if i%8 == 0 { // every eighth also tries a second operation on "busy": it must fail alone
				c.Operations = []vmplane.Operation{operation(fmt.Sprint("op", i+1), "busy", int64(1000+i))}
			}
			errs[i] = s.Commit(context.Background(), c)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if (i%8 == 0) != (err != nil) {
			t.Fatalf("commit %d: %v", i, err)
		}
	}
	snap := load(t, s)
	if len(snap.Instances) != 1+n-n/8 || len(snap.Operations) != 1 {
		t.Fatalf("loaded %d instances and %d operations, want %d and 1", len(snap.Instances), len(snap.Operations), 1+n-n/8)
	}
}

func testSeq(t *testing.T, o Opener) {
	s := o.Open(t)
	commit(t, s, &vmplane.Changes{Seq: 10})
	commit(t, s, &vmplane.Changes{Seq: 5})
	if snap := load(t, s); snap.Seq != 10 {
		t.Fatalf("seq = %d, want 10", snap.Seq)
	}
}

func testSettingsReset(t *testing.T, o Opener) {
	s := o.Open(t)
	ctx := context.Background()
	if v, err := s.Setting(ctx, "clock"); err != nil || v != "" {
		t.Fatalf("unset setting: %q %v", v, err)
	}
	if err := s.PutSetting(ctx, "clock", "x"); err != nil {
		t.Fatal(err)
	}
	if err := s.PutSetting(ctx, "clock", "y"); err != nil {
		t.Fatal(err)
	}
	commit(t, s, &vmplane.Changes{Accounts: []vmplane.Account{account("a")}, Instances: []vmplane.Instance{instance("i", 1)}, Seq: 7})
	if err := s.Reset(ctx); err != nil {
		t.Fatal(err)
	}
	snap := load(t, s)
	if len(snap.Accounts)+len(snap.Instances)+len(snap.Operations) != 0 || snap.Seq != 0 {
		t.Fatalf("after reset: %+v", snap)
	}
	if v, _ := s.Setting(ctx, "clock"); v != "y" {
		t.Fatalf("the clock setting did not survive the reset: %q", v)
	}
}

func testFind(t *testing.T, o Opener) {
	s := o.Open(t)
	var ops []vmplane.Operation
	for i := range 4 {
		op := operation(fmt.Sprint("op", i), fmt.Sprint("i", i%2), int64(i+1))
		op.State, op.FinishedAt = vmplane.OpSucceeded, t0.Add(time.Duration(i)*time.Minute)
		if i >= 2 {
			op.Account = "b"
		}
		ops = append(ops, op)
	}
	commit(t, s, &vmplane.Changes{Operations: ops})
	ctx := context.Background()
	for _, c := range []struct {
		f    vmplane.OperationFilter
		want []string
	}{
		{vmplane.OperationFilter{}, []string{"op0", "op1", "op2", "op3"}},
		{vmplane.OperationFilter{Account: "b"}, []string{"op2", "op3"}},
		{vmplane.OperationFilter{InstanceID: "i1"}, []string{"op1", "op3"}},
		{vmplane.OperationFilter{FinishedBefore: t0.Add(2 * time.Minute)}, []string{"op0", "op1"}},
		{vmplane.OperationFilter{Cloud: "c", Limit: 1}, []string{"op0"}},
		{vmplane.OperationFilter{Cloud: "other"}, nil},
	} {
		got, err := s.FindOperations(ctx, c.f)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, op := range got {
			ids = append(ids, op.ID)
		}
		if !reflect.DeepEqual(ids, c.want) {
			t.Errorf("%+v: got %v, want %v", c.f, ids, c.want)
		}
	}
}

func testResources(t *testing.T, o Opener) {
	s := o.Open(t)
	r := vmplane.Resource{Cloud: "c", Account: "a", Kind: "loginKey", ID: "k1", Seq: 4, Name: "my-key",
		Attrs: map[string]string{"fingerprint": "aa:bb"}, CreatedAt: t0, UpdatedAt: t0}
	other := r
	other.ID, other.Seq, other.Attrs = "k2", 5, nil
	commit(t, s, &vmplane.Changes{Resources: []vmplane.Resource{r, other}})
	if o.Reopen != nil {
		s = o.Reopen(t, s)
	}
	if snap := load(t, s); !reflect.DeepEqual(snap.Resources, []vmplane.Resource{r, other}) {
		t.Fatalf("loaded %+v", snap.Resources)
	}
	other.Deleted = true
	commit(t, s, &vmplane.Changes{Resources: []vmplane.Resource{other}})
	if snap := load(t, s); !reflect.DeepEqual(snap.Resources, []vmplane.Resource{r}) {
		t.Fatalf("after delete: %+v", snap.Resources)
	}
	if err := s.Reset(context.Background()); err != nil {
		t.Fatal(err)
	}
	if snap := load(t, s); len(snap.Resources) != 0 {
		t.Fatalf("after reset: %+v", snap.Resources)
	}
}

// jobOperation is operation id of a job, on an instance of its own: one
// that finished at finishedAt, or runs if that is zero.
func jobOperation(id, job string, finishedAt time.Time) vmplane.Operation {
	op := operation(id, "i-"+id, 0)
	op.JobID = job
	if !finishedAt.IsZero() {
		op.State, op.FinishedAt = vmplane.OpSucceeded, finishedAt
	}
	return op
}

func testPrune(t *testing.T, o Opener) {
	s := o.Open(t)
	commit(t, s, &vmplane.Changes{Operations: []vmplane.Operation{
		jobOperation("old", "job-old", t0),                    // pruned
		jobOperation("later", "job-later", t0.Add(time.Hour)), // finished after the cut
		jobOperation("half", "job-busy", t0),                  // its job still runs
		jobOperation("busy", "job-busy", time.Time{}),
		jobOperation("alone", "job-alone", time.Time{}),
	}})
	n, err := s.PruneOperations(context.Background(), t0.Add(time.Minute))
	if err != nil || n != 1 {
		t.Fatalf("prune: %d, %v; want 1", n, err)
	}
	if o.Reopen != nil {
		s = o.Reopen(t, s)
	}
	got, err := s.FindOperations(context.Background(), vmplane.OperationFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, op := range got {
		ids = append(ids, op.ID)
	}
	slices.Sort(ids)
	if want := []string{"alone", "busy", "half", "later"}; !slices.Equal(ids, want) {
		t.Errorf("after the prune: %v, want %v", ids, want)
	}
	if n, err := s.PruneOperations(context.Background(), t0.Add(time.Minute)); err != nil || n != 0 {
		t.Errorf("a second prune: %d, %v; want 0", n, err)
	}
}

// testPruneMany prunes more operations than a store is likely to read at
// once, of two clouds, with a running job whose operations lie at both ends.
func testPruneMany(t *testing.T, o Opener) {
	s := o.Open(t)
	const n = 10_000
	c := &vmplane.Changes{}
	for _, cloud := range []string{"c", "d"} {
		for i := range n {
			op := jobOperation(fmt.Sprintf("op%05d", i), fmt.Sprintf("job%05d", i), t0)
			op.Cloud = cloud
			c.Operations = append(c.Operations, op)
		}
	}
	first, last := &c.Operations[0], &c.Operations[n-1]
	first.JobID, last.JobID = "job-busy", "job-busy"
	last.State, last.FinishedAt = vmplane.OpRunning, time.Time{}
	commit(t, s, c)
	pruned, err := s.PruneOperations(context.Background(), t0.Add(time.Minute))
	if err != nil || pruned != 2*n-2 {
		t.Fatalf("prune: %d, %v; want %d", pruned, err, 2*n-2)
	}
	got, err := s.FindOperations(context.Background(), vmplane.OperationFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].JobID != "job-busy" || got[1].JobID != "job-busy" {
		t.Fatalf("after the prune: %+v, want the busy job's two", got)
	}
}

func testJobOperations(t *testing.T, o Opener) {
	s := o.Open(t)
	commit(t, s, &vmplane.Changes{Operations: []vmplane.Operation{
		jobOperation("half-done", "job-half", t0), jobOperation("half-running", "job-half", time.Time{}),
		jobOperation("over", "job-over", t0), jobOperation("alone", "job-alone", time.Time{}),
	}})
	snap := load(t, s)
	if len(snap.Operations) != 2 {
		t.Fatalf("running operations: %+v", snap.Operations)
	}
	if len(snap.JobOperations) != 1 || snap.JobOperations[0].ID != "half-done" {
		t.Fatalf("finished operations of running jobs: %+v, want half-done alone", snap.JobOperations)
	}
}
