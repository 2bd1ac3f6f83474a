package vmplane_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/vmplane/vmplane"
	"github.com/vmplane/vmplane/sim"
)

// limitedDriver is the simulated hypervisor with a machine limit and a
// way to stop machines behind the core's back.
type limitedDriver struct {
	*sim.Driver
	max int

	mu      sync.Mutex
	dead    map[string]bool
	changed func(key string)
}

func newLimitedDriver(max int) *limitedDriver {
	return &limitedDriver{Driver: sim.New(), max: max, dead: make(map[string]bool)}
}

func (d *limitedDriver) MaxMachines() int { return d.max }

func (d *limitedDriver) Watch(changed func(string)) { d.changed = changed }

func (d *limitedDriver) Inspect(ctx context.Context, m vmplane.Machine) (vmplane.PowerState, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if sm, ok := d.Machine(m.Key); ok && sm.On && !d.dead[m.Key] {
		return vmplane.PowerRunning, nil
	}
	return vmplane.PowerStopped, nil
}

// kill stops a machine behind the core's back and tells the core.
func (d *limitedDriver) kill(key string) {
	d.mu.Lock()
	d.dead[key] = true
	d.mu.Unlock()
	d.changed(key)
}

func TestMachineLimitRefusesWhatWouldRunTooManyMachines(t *testing.T) {
	h := newHarness(t, harnessOptions{driver: newLimitedDriver(2)})
	ctx := context.Background()
	job, err := h.svc.CreateInstances(ctx, vmplane.InstanceCreate{Scope: defaultScope, Names: []string{"a", "b"}, SpecID: "small"})
	if err != nil {
		t.Fatalf("two machines fit a limit of two: %v", err)
	}
	_, err = h.svc.CreateInstances(ctx, vmplane.InstanceCreate{Scope: defaultScope, Names: []string{"c"}, SpecID: "small"})
	wantCode(t, err, vmplane.EQUOTA)
	h.advance(time.Minute)
	a := job.Instances[0].ID
	h.mustSubmit(vmplane.KindStop, vmplane.ModeStrict, "", a) // frees a place
	h.advance(time.Minute)
	if _, err := h.svc.CreateInstances(ctx, vmplane.InstanceCreate{Scope: defaultScope, Names: []string{"c"}, SpecID: "small"}); err != nil {
		t.Fatalf("after a stop, a machine fits again: %v", err)
	}
	_, err = h.submit(vmplane.KindStart, vmplane.ModeStrict, "", a)
	if e := wantCode(t, err, vmplane.EQUOTA); e.Subject != "machines" {
		t.Errorf("subject %q, want machines", e.Subject)
	}
}

func TestMachineStoppedBehindTheCoresBackIsRecordedStopped(t *testing.T) {
	drv := newLimitedDriver(0)
	h := newHarness(t, harnessOptions{driver: drv})
	in := h.seed(vmplane.PowerStopped)
	h.mustSubmit(vmplane.KindStart, vmplane.ModeStrict, "", in.ID)
	h.advance(time.Minute)
	drv.kill(testCloud + "/" + in.ID)
	h.svc.WaitMachineChanges()
	if got := h.get(in.ID).Power; got != vmplane.PowerStopped {
		t.Fatalf("instance is %s, want stopped once its machine died", got)
	}
}

// failingStart is a limitedDriver whose machines fail to boot.
type failingStart struct{ *limitedDriver }

func (d failingStart) PowerOn(context.Context, vmplane.Machine) error {
	return &vmplane.Error{Code: vmplane.EINTERNAL, Message: "the machine did not boot"}
}

// A resize that stops a running instance first settles running if it
// fails, as clouds roll one back; but when it failed to boot the machine
// again, a driver that can look says it is stopped, and so is the
// instance, with the spec the machine was given before the boot failed.
func TestFailedOperationRecordsWhatAnInspectingDriverSees(t *testing.T) {
	drv := newLimitedDriver(0)
	h := newHarness(t, harnessOptions{driver: drv})
	job, err := h.svc.CreateInstances(context.Background(), vmplane.InstanceCreate{Scope: defaultScope, Names: []string{"a"}, SpecID: "small"})
	if err != nil {
		t.Fatal(err)
	}
	h.advance(time.Minute)
	id := job.Instances[0].ID
	h.close()
	h.driver = failingStart{drv}
	h.open(1)
	h.mustSubmit(vmplane.KindResize, vmplane.ModeStopFirst, "medium", id)
	h.advance(time.Minute)
	h.svc.WaitMachineChanges()
	got := h.get(id)
	if got.Op != nil || got.Last == nil || got.Last.State != vmplane.OpFailed {
		t.Fatalf("the resize did not fail: %+v", got)
	}
	if got.Power != vmplane.PowerStopped || got.SpecID != "medium" {
		t.Fatalf("after the failed resize: %s %s, want stopped medium (what the driver sees)", got.Power, got.SpecID)
	}
}
