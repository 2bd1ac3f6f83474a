package vmplane_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/vmplane/vmplane"
)

func TestResizeRules(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	cases := []struct {
		name string
		seed vmplane.InstanceSeed
		spec string
		code string
	}{
		{"same spec", vmplane.InstanceSeed{}, "small", vmplane.ESAMESPEC},
		{"unknown spec", vmplane.InstanceSeed{}, "nope", vmplane.ENOTFOUND},
		{"no spec", vmplane.InstanceSeed{}, "", vmplane.EINVALID},
		{"other resize group", vmplane.InstanceSeed{}, "gpu", vmplane.EINCOMPATIBLE},
		{"from a spec without a group", vmplane.InstanceSeed{SpecID: "fixed"}, "small", vmplane.EINCOMPATIBLE},
		{"target not offered in the zone", vmplane.InstanceSeed{Zone: "z2"}, "large", vmplane.EINCOMPATIBLE},
		{"zone without resize", vmplane.InstanceSeed{Zone: "frozen"}, "large", vmplane.EZONE},
		{"scheduled change exists", vmplane.InstanceSeed{Scheduled: &vmplane.ScheduledChange{SpecID: "medium", At: epoch.Add(time.Hour)}}, "large", vmplane.ESCHEDULED},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.seed.Power = vmplane.PowerStopped
			in := h.seedWith(c.seed)
			_, err := h.submit(vmplane.KindResize, vmplane.ModeStrict, c.spec, in.ID)
			e := wantCode(t, err, c.code)
			if e.Message == "" {
				t.Error("error without a message")
			}
			if after := h.get(in.ID); after.Op != nil {
				t.Errorf("refused resize left an operation: %+v", after.Op)
			}
		})
	}
}

func TestProtectedInstanceIsNotTerminated(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	in := h.seedWith(vmplane.InstanceSeed{Power: vmplane.PowerStopped, Protected: true})
	_, err := h.submit(vmplane.KindTerminate, vmplane.ModeStrict, "", in.ID)
	wantCode(t, err, vmplane.EPROTECTED)

	off := false
	if _, err := h.svc.UpdateInstance(t.Context(), defaultScope, in.ID, vmplane.InstanceUpdate{Protected: &off}); err != nil {
		t.Fatal(err)
	}
	h.mustSubmit(vmplane.KindTerminate, vmplane.ModeStrict, "", in.ID)
}

func TestBusyInstanceRefusesASecondOperation(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	in := h.seed(vmplane.PowerRunning)
	first := h.mustSubmit(vmplane.KindStop, vmplane.ModeStrict, "", in.ID)
	_, err := h.submit(vmplane.KindReboot, vmplane.ModeStrict, "", in.ID)
	e := wantCode(t, err, vmplane.EBUSY)
	if e.Kind != vmplane.KindStop {
		t.Errorf("busy error names kind %s, want the operation in flight (stop)", e.Kind)
	}
	h.advance(3 * time.Second)
	if got := h.get(in.ID); got.Power != vmplane.PowerStopped || got.Last.ID != first.Operations[0].ID {
		t.Fatalf("after stop: %+v", got)
	}
}

func TestRequestOverSeveralInstancesIsAllOrNothing(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	a, b, c := h.seed(vmplane.PowerRunning), h.seed(vmplane.PowerStopped), h.seed(vmplane.PowerRunning)
	_, err := h.submit(vmplane.KindStop, vmplane.ModeStrict, "", a.ID, b.ID, c.ID, "missing")
	e := wantCode(t, err, vmplane.ESTATE)
	if e.ID != b.ID || e.Batch == nil || e.Batch.Total != 4 || len(e.Batch.Failed) != 2 {
		t.Fatalf("error = %+v batch %+v", e, e.Batch)
	}
	if e.Batch.Failed[1].Code != vmplane.ENOTFOUND {
		t.Errorf("second failure = %+v", e.Batch.Failed[1])
	}
	for _, in := range []vmplane.Instance{a, c} {
		if got := h.get(in.ID); got.Op != nil {
			t.Errorf("instance %s was changed by a refused request", in.ID)
		}
	}
	_, err = h.submit(vmplane.KindStop, vmplane.ModeStrict, "", a.ID, a.ID)
	wantCode(t, err, vmplane.EINVALID)

	job := h.mustSubmit(vmplane.KindStop, vmplane.ModeStrict, "", a.ID, c.ID)
	if len(job.Operations) != 2 || job.Operations[0].JobID != job.ID || job.Operations[1].JobID != job.ID {
		t.Fatalf("job = %+v", job)
	}
}

func TestOtherAccountsInstancesAreNotFound(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	if _, err := h.svc.CreateAccount(t.Context(), vmplane.AccountCreate{ID: "other"}); err != nil {
		t.Fatal(err)
	}
	in := h.seedWith(vmplane.InstanceSeed{Account: "other", Power: vmplane.PowerRunning})
	_, err := h.submit(vmplane.KindStop, vmplane.ModeStrict, "", in.ID)
	wantCode(t, err, vmplane.ENOTFOUND)
	if _, err := h.svc.FindInstanceByID(t.Context(), defaultScope, in.ID); vmplane.ErrorCode(err) != vmplane.ENOTFOUND {
		t.Fatalf("found another account's instance: %v", err)
	}
	list, total, _ := h.svc.FindInstances(t.Context(), vmplane.InstanceFilter{Scope: defaultScope})
	if total != 0 || len(list) != 0 {
		t.Fatalf("listed another account's instances: %d", total)
	}
}

func TestValidateChangesNothing(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	in := h.seed(vmplane.PowerStopped)
	req := vmplane.OperationRequest{Scope: defaultScope, Kind: vmplane.KindResize, SpecID: "medium", InstanceIDs: []string{in.ID}}
	if err := h.svc.Validate(t.Context(), req); err != nil {
		t.Fatal(err)
	}
	if got := h.get(in.ID); got.Op != nil || got.UpdatedAt != in.UpdatedAt {
		t.Fatalf("validate changed the instance: %+v", got)
	}
	req.SpecID = "small"
	wantCode(t, h.svc.Validate(t.Context(), req), vmplane.ESAMESPEC)

	create := vmplane.InstanceCreate{Scope: defaultScope, Names: []string{"x"}, SpecID: "nope"}
	wantCode(t, h.svc.ValidateCreate(t.Context(), create), vmplane.ENOTFOUND)
	create.SpecID = "small"
	if err := h.svc.ValidateCreate(t.Context(), create); err != nil {
		t.Fatal(err)
	}
	if _, total, _ := h.svc.FindInstances(t.Context(), vmplane.InstanceFilter{Scope: defaultScope}); total != 1 {
		t.Fatalf("validate created instances: total %d", total)
	}
}

func TestScheduledResizeAppliesWhenTheClockCrossesItsTime(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	in := h.seedWith(vmplane.InstanceSeed{Power: vmplane.PowerRunning, Charge: vmplane.ChargePrepaid, Period: 1})
	end := in.CycleEnd(h.clock.Now())
	if !end.Equal(epoch.AddDate(0, 1, 0)) {
		t.Fatalf("cycle end = %s", end)
	}
	got, err := h.svc.ScheduleResize(t.Context(), defaultScope, in.ID, vmplane.ScheduledChange{SpecID: "medium", At: end})
	if err != nil {
		t.Fatal(err)
	}
	if got.Scheduled == nil || got.Scheduled.Order == "" || got.SpecID != "small" {
		t.Fatalf("scheduled = %+v", got)
	}
	order := got.Scheduled.Order
	_, err = h.svc.ScheduleResize(t.Context(), defaultScope, in.ID, vmplane.ScheduledChange{SpecID: "large", At: end})
	wantCode(t, err, vmplane.ESCHEDULED)

	h.advance(end.Sub(h.clock.Now()) - time.Second)
	if got := h.get(in.ID); got.Op != nil || got.SpecID != "small" {
		t.Fatalf("changed before its time: %+v", got)
	}
	h.advance(time.Second) // the boundary: the change starts
	got = h.get(in.ID)
	if got.Op == nil || got.Op.Kind != vmplane.KindScheduledResize || got.Op.JobID != order || got.Scheduled != nil {
		t.Fatalf("at the boundary: op %+v scheduled %+v", got.Op, got.Scheduled)
	}
	h.advance(4 * time.Second)
	if got := h.get(in.ID); got.SpecID != "medium" || got.Power != vmplane.PowerRunning || got.Op != nil {
		t.Fatalf("after the change: %+v", got)
	}
}

// One advance past a scheduled change's time and its duration finds it
// done: the change starts when it fell due, not when the worker came to it.
func TestAScheduledResizeStartsWhenItFellDue(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	in := h.seedWith(vmplane.InstanceSeed{Power: vmplane.PowerRunning, Charge: vmplane.ChargePrepaid, Period: 1})
	at := epoch.Add(time.Hour)
	got, err := h.svc.ScheduleResize(t.Context(), defaultScope, in.ID, vmplane.ScheduledChange{SpecID: "medium", At: at})
	if err != nil {
		t.Fatal(err)
	}
	h.advance(time.Hour + time.Minute)
	if got := h.get(in.ID); got.SpecID != "medium" || got.Op != nil {
		t.Fatalf("a minute after the change fell due: %s, op %+v", got.SpecID, got.Op)
	}
	ops, err := h.svc.FindJob(t.Context(), defaultScope, got.Scheduled.Order)
	if err != nil || len(ops) != 1 || !ops[0].CreatedAt.Equal(at) {
		t.Fatalf("the change's operation: %+v, %v; want it started at %s", ops, err, at)
	}
}

func TestCancelledScheduledResizeNeverApplies(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	in := h.seed(vmplane.PowerStopped)
	if _, err := h.svc.ScheduleResize(t.Context(), defaultScope, in.ID, vmplane.ScheduledChange{SpecID: "medium", At: epoch.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.svc.CancelScheduledResize(t.Context(), defaultScope, in.ID); err != nil {
		t.Fatal(err)
	}
	_, err := h.svc.CancelScheduledResize(t.Context(), defaultScope, in.ID)
	wantCode(t, err, vmplane.ENOSCHEDULE)
	h.advance(2 * time.Hour)
	if got := h.get(in.ID); got.SpecID != "small" || got.Op != nil {
		t.Fatalf("cancelled change applied: %+v", got)
	}
}

func TestAnInstanceLeavingServiceDropsItsScheduledChange(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	in := h.seedWith(vmplane.InstanceSeed{Power: vmplane.PowerRunning, Scheduled: &vmplane.ScheduledChange{SpecID: "medium", At: epoch.Add(time.Hour)}})
	h.mustSubmit(vmplane.KindRecycle, vmplane.ModeStopFirst, "", in.ID)
	h.advance(3 * time.Second)
	if got := h.get(in.ID); got.Power != vmplane.PowerRecycled || got.Scheduled != nil {
		t.Fatalf("recycled: power %s scheduled %+v", got.Power, got.Scheduled)
	}
	h.advance(2 * time.Hour)
	if got := h.get(in.ID); got.SpecID != "small" || got.Op != nil {
		t.Fatalf("a dropped change applied: %+v", got)
	}
}

func TestUpdateInstancesChangesAllOrNone(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	a, b := h.seedWith(vmplane.InstanceSeed{Name: "a"}), h.seedWith(vmplane.InstanceSeed{Name: "b"})
	name := "renamed"
	_, err := h.svc.UpdateInstances(t.Context(), defaultScope, []string{a.ID, "nope", b.ID}, vmplane.InstanceUpdate{Name: &name})
	wantCode(t, err, vmplane.ENOTFOUND)
	if h.get(a.ID).Name != "a" || h.get(b.ID).Name != "b" {
		t.Fatalf("a refused update renamed %q and %q", h.get(a.ID).Name, h.get(b.ID).Name)
	}
	got, err := h.svc.UpdateInstances(t.Context(), defaultScope, []string{a.ID, b.ID}, vmplane.InstanceUpdate{Name: &name})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Name != name || got[1].Name != name || h.get(a.ID).Name != name || h.get(b.ID).Name != name {
		t.Fatalf("after the update: %+v; stored %q and %q", got, h.get(a.ID).Name, h.get(b.ID).Name)
	}
}

// An update with an order gets a fresh job id from the one sequence, never
// one a job already has or will get, and is applied as any update is.
func TestUpdateWithOrderMintsAFreshJobID(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	in := h.seedWith(vmplane.InstanceSeed{Name: "a", Power: vmplane.PowerStopped})
	seen := map[string]bool{}
	for i := range 3 {
		name := fmt.Sprint("renamed-", i)
		got, order, err := h.svc.UpdateInstanceWithOrder(t.Context(), defaultScope, in.ID, vmplane.InstanceUpdate{Name: &name})
		if err != nil {
			t.Fatal(err)
		}
		if order == "" || seen[order] || got.Name != name || h.get(in.ID).Name != name {
			t.Fatalf("update %d: order %q (seen: %v), name %q", i, order, seen[order], got.Name)
		}
		seen[order] = true
		job := h.mustSubmit(vmplane.KindStart, vmplane.ModeStrict, "", in.ID)
		if seen[job.ID] {
			t.Fatalf("job %s has an order number already handed out", job.ID)
		}
		seen[job.ID] = true
		h.advance(time.Minute)
		h.mustSubmit(vmplane.KindStop, vmplane.ModeStrict, "", in.ID)
		h.advance(time.Minute)
	}
	if _, _, err := h.svc.UpdateInstanceWithOrder(t.Context(), defaultScope, "nope", vmplane.InstanceUpdate{}); err == nil {
		t.Fatal("an update of an unknown instance succeeded")
	}
}

// An Edit sees every change committed before it: racing edits that each
// add an attribute up to a limit of three never pass it, and all the
// others are refused with the edit's own error.
func TestEditSeesEveryCommittedChange(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	in := h.seedWith(vmplane.InstanceSeed{Name: "a"})
	full := errors.New("full")
	var wg sync.WaitGroup
	errs := make([]error, 10)
	for i := range errs {
		wg.Go(func() {
			_, errs[i] = h.svc.UpdateInstance(t.Context(), defaultScope, in.ID, vmplane.InstanceUpdate{Edit: func(_ *vmplane.Instance, attrs map[string]string) error {
				if len(attrs) >= 3 {
					return full
				}
				attrs[fmt.Sprintf("k%d", i)] = "v"
				return nil
			}})
		})
	}
	wg.Wait()
	refused := 0
	for _, err := range errs {
		switch {
		case errors.Is(err, full):
			refused++
		case err != nil:
			t.Fatal(err)
		}
	}
	if got := len(h.get(in.ID).Attrs); got != 3 || refused != 7 {
		t.Errorf("%d attributes after racing edits, %d edits refused; want 3 and 7", got, refused)
	}
}
