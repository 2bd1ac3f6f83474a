package vmplane_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vmplane/vmplane"
	"github.com/vmplane/vmplane/mock"
)

func addFault(t *testing.T, h *harness, r vmplane.FaultRule) vmplane.FaultRule {
	t.Helper()
	r, err := h.svc.AddFault(r)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestRejectFaultRefusesTheNextNRequestsWithTheCloudError(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	in := h.seed(vmplane.PowerRunning)
	other := h.seed(vmplane.PowerRunning)
	wire := &vmplane.WireError{Code: "1300", Message: "Temporarily out of service.", Status: 500}
	addFault(t, h, vmplane.FaultRule{Kind: vmplane.KindStop, InstanceID: in.ID, Count: 2, Effect: vmplane.FaultReject, Error: wire})

	h.mustSubmit(vmplane.KindStop, vmplane.ModeStrict, "", other.ID) // another instance: not matched
	for range 2 {
		_, err := h.submit(vmplane.KindStop, vmplane.ModeStrict, "", in.ID)
		e := wantCode(t, err, vmplane.EFAULT)
		if *e.Wire != *wire || e.Message != wire.Message {
			t.Fatalf("fault error = %+v wire %+v", e, e.Wire)
		}
	}
	h.mustSubmit(vmplane.KindStop, vmplane.ModeStrict, "", in.ID) // the rule is used up
	if rules := h.svc.Faults(); len(rules) != 0 {
		t.Fatalf("rules left: %+v", rules)
	}
}

func TestFailFaultAcceptsThenFailsTheOperation(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	in := h.seed(vmplane.PowerStopped)
	addFault(t, h, vmplane.FaultRule{Kind: vmplane.KindResize, Count: 1, Effect: vmplane.FaultFail, Error: &vmplane.WireError{Code: "Ecs.0207"}})
	job := h.mustSubmit(vmplane.KindResize, vmplane.ModeStrict, "medium", in.ID)
	h.advance(4 * time.Second)
	got := h.get(in.ID)
	if got.Op != nil || got.SpecID != "small" || got.Power != vmplane.PowerStopped || got.Last.State != vmplane.OpFailed || got.Last.ErrorCode != "Ecs.0207" {
		t.Fatalf("after failed resize: %+v last %+v", got, got.Last)
	}
	ops, err := h.svc.FindJob(t.Context(), defaultScope, job.ID)
	if err != nil || len(ops) != 1 || ops[0].State != vmplane.OpFailed || ops[0].ErrorCode != "Ecs.0207" || vmplane.JobState(ops) != vmplane.OpFailed {
		t.Fatalf("job = %+v, %v", ops, err)
	}
}

func TestHangFaultHoldsTheOperationUntilReleased(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	in := h.seed(vmplane.PowerStopped)
	addFault(t, h, vmplane.FaultRule{Kind: vmplane.KindStart, Count: 1, Effect: vmplane.FaultHang})
	job := h.mustSubmit(vmplane.KindStart, vmplane.ModeStrict, "", in.ID)
	h.advance(24 * time.Hour)
	if got := h.get(in.ID); got.Op == nil || got.Power != vmplane.PowerStopped {
		t.Fatalf("held operation moved: %+v", got)
	}
	h.restart() // a held operation stays held across restarts
	h.advance(time.Hour)
	if got := h.get(in.ID); got.Op == nil {
		t.Fatal("held operation completed after a restart")
	}
	released, err := h.svc.Release(t.Context(), "", job.Operations[0].ID)
	if err != nil || len(released) != 1 {
		t.Fatalf("release: %v %v", released, err)
	}
	h.advance(3 * time.Second)
	if got := h.get(in.ID); got.Op != nil || got.Power != vmplane.PowerRunning {
		t.Fatalf("released operation did not complete: %+v", got)
	}
	_, err = h.svc.Release(t.Context(), "", job.Operations[0].ID)
	wantCode(t, err, vmplane.ENOTFOUND)
}

func TestDelayFaultMakesTheOperationTakeItsDuration(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	in := h.seed(vmplane.PowerRunning)
	addFault(t, h, vmplane.FaultRule{Kind: vmplane.KindResize, Count: 1, Effect: vmplane.FaultDelay, Duration: 9 * time.Minute})
	h.mustSubmit(vmplane.KindResize, vmplane.ModeStopFirst, "medium", in.ID) // three steps, 3 minutes each
	h.advance(9*time.Minute - time.Second)
	if got := h.get(in.ID); got.Op == nil || got.Op.Step != 2 {
		t.Fatalf("before its duration: %+v", got.Op)
	}
	h.advance(time.Second)
	if got := h.get(in.ID); got.Op != nil || got.SpecID != "medium" || got.Power != vmplane.PowerRunning {
		t.Fatalf("after its duration: %+v", got)
	}
}

func TestFaultRulesAreValidated(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	for _, r := range []vmplane.FaultRule{
		{Count: 1, Effect: vmplane.FaultReject},
		{Count: 1, Effect: vmplane.FaultDelay},
		{Count: 1, Effect: "explode"},
		{Count: 0, Effect: vmplane.FaultHang},
		{Count: 1, Effect: vmplane.FaultHang, Kind: "dance"},
		{Count: 1, Effect: vmplane.FaultReject, Error: &vmplane.WireError{Code: "X", Status: -1}},
		{Count: 1, Effect: vmplane.FaultFail, Error: &vmplane.WireError{Code: "X", Status: 200}},
	} {
		if _, err := h.svc.AddFault(r); vmplane.ErrorCode(err) != vmplane.EINVALID {
			t.Errorf("rule %+v: err %v", r, err)
		}
	}
}

func TestDriverErrorIsRetriedThenEndsInTheFailureState(t *testing.T) {
	var calls atomic.Int32
	d := &mock.Driver{PowerOnFn: func(context.Context, vmplane.Machine) error {
		calls.Add(1)
		return errors.New("qemu: no such file")
	}}
	h := newHarness(t, harnessOptions{driver: d})
	in := h.seed(vmplane.PowerStopped)
	h.mustSubmit(vmplane.KindStart, vmplane.ModeStrict, "", in.ID)
	h.advance(3 * time.Second)
	if got := h.get(in.ID); got.Op == nil || calls.Load() != 1 {
		t.Fatalf("first failure ended the operation at once (calls %d): %+v", calls.Load(), got)
	}
	h.advance(time.Minute) // retries back off 1s, 2s, 4s, 8s on the virtual clock
	got := h.get(in.ID)
	if got.Op != nil || got.Power != vmplane.PowerFailed || got.Last.State != vmplane.OpFailed || got.Last.ErrorCode != vmplane.EINTERNAL {
		t.Fatalf("after retries: %+v last %+v", got, got.Last)
	}
	if calls.Load() != 5 {
		t.Fatalf("driver called %d times, want 5", calls.Load())
	}
	// A failed instance recovers with a stop.
	d.PowerOnFn = nil
	h.mustSubmit(vmplane.KindStop, vmplane.ModeStrict, "", in.ID)
	h.advance(3 * time.Second)
	if got := h.get(in.ID); got.Power != vmplane.PowerStopped {
		t.Fatalf("stop from failed: %s", got.Power)
	}
}

func TestDomainDriverErrorFailsAtOnce(t *testing.T) {
	d := &mock.Driver{ProvisionFn: func(context.Context, vmplane.Machine) error {
		return vmplane.Errorf(vmplane.EQUOTA, "VM limit reached")
	}}
	h := newHarness(t, harnessOptions{driver: d})
	job, err := h.svc.CreateInstances(t.Context(), vmplane.InstanceCreate{Scope: defaultScope, Names: []string{"a"}, SpecID: "small"})
	if err != nil {
		t.Fatal(err)
	}
	h.advance(5 * time.Second)
	got := h.get(job.Instances[0].ID)
	if got.Power != vmplane.PowerFailed || got.Last.ErrorCode != vmplane.EQUOTA || len(d.Calls()) != 1 {
		t.Fatalf("create with a quota error: %+v last %+v calls %d", got, got.Last, len(d.Calls()))
	}
}

func TestPendingDriverStepCompletesWhenTheDriverIsDone(t *testing.T) {
	done := make(chan struct{})
	var calls atomic.Int32
	d := &mock.Driver{PowerOffFn: func(context.Context, vmplane.Machine) error {
		if calls.Add(1) < 3 {
			return &vmplane.Pending{After: time.Millisecond, Reason: "guest shutting down"}
		}
		close(done)
		return nil
	}}
	h := newHarness(t, harnessOptions{driver: d})
	in := h.seed(vmplane.PowerRunning)
	h.mustSubmit(vmplane.KindStop, vmplane.ModeStrict, "", in.ID)
	h.advance(3 * time.Second)
	<-done // the driver is asked again in real time, whatever the virtual clock does
	h.advance(0)
	if got := h.get(in.ID); got.Power != vmplane.PowerStopped {
		t.Fatalf("after the driver finished: %s", got.Power)
	}
}

func TestRunningOperationsResumeAfterARestart(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	a, b := h.seed(vmplane.PowerRunning), h.seed(vmplane.PowerRunning)
	job := h.mustSubmit(vmplane.KindResize, vmplane.ModeStopFirst, "medium", a.ID, b.ID)
	h.advance(3 * time.Second) // both stopped; resizing
	h.restart()
	if got := h.get(a.ID); got.Op == nil || got.Op.Step != 1 || got.Power != vmplane.PowerStopped {
		t.Fatalf("after restart: %+v", got)
	}
	ops, err := h.svc.FindJob(t.Context(), defaultScope, job.ID)
	if err != nil || len(ops) != 2 {
		t.Fatalf("job after restart: %v %v", ops, err)
	}
	h.advance(7 * time.Second)
	for _, in := range []vmplane.Instance{a, b} {
		if got := h.get(in.ID); got.Op != nil || got.SpecID != "medium" || got.Power != vmplane.PowerRunning || got.ID != in.ID {
			t.Fatalf("after completion: %+v", got)
		}
	}
	if ops, _ := h.svc.FindJob(t.Context(), defaultScope, job.ID); vmplane.JobState(ops) != vmplane.OpSucceeded {
		t.Fatalf("job = %+v", ops)
	}
}

func TestTimeScaleZeroCompletesOnTheNextTick(t *testing.T) {
	h := newHarness(t, harnessOptions{instant: true})
	in := h.seed(vmplane.PowerRunning)
	job := h.mustSubmit(vmplane.KindStop, vmplane.ModeStrict, "", in.ID)
	if got := job.Instances[0]; got.Op == nil || got.Power != vmplane.PowerRunning {
		t.Fatalf("the answer must still show the transition: %+v", got)
	}
	h.advance(0)
	if got := h.get(in.ID); got.Power != vmplane.PowerStopped || got.Op != nil {
		t.Fatalf("after a tick: %+v", got)
	}
}

// A job whose operations have partly finished is read whole after a
// restart: its finished operations come back beside its running ones.
func TestAJobHalfDoneIsWholeAfterARestart(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	a, b := h.seed(vmplane.PowerRunning), h.seed(vmplane.PowerRunning)
	if _, err := h.svc.AddFault(vmplane.FaultRule{Kind: vmplane.KindStop, InstanceID: b.ID, Effect: vmplane.FaultHang, Count: 1}); err != nil {
		t.Fatal(err)
	}
	job := h.mustSubmit(vmplane.KindStop, vmplane.ModeStrict, "", a.ID, b.ID)
	h.advance(time.Minute) // a stops; b hangs
	h.restart()
	ops, err := h.svc.FindJob(t.Context(), defaultScope, job.ID)
	if err != nil || len(ops) != 2 {
		t.Fatalf("the job after a restart: %+v, %v; want both operations", ops, err)
	}
	states := map[string]vmplane.OpState{ops[0].InstanceID: ops[0].State, ops[1].InstanceID: ops[1].State}
	if states[a.ID] != vmplane.OpSucceeded || states[b.ID] != vmplane.OpRunning {
		t.Fatalf("the job's operations after a restart: %v", states)
	}
}
