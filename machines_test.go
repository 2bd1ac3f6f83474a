package vmplane_test

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/vmplane/vmplane"
	"github.com/vmplane/vmplane/clock"
	"github.com/vmplane/vmplane/sim"
	"github.com/vmplane/vmplane/sqlite"
)

// limitedDriver is the simulated hypervisor with a machine limit and a
// way to report machines that stopped on their own.
type limitedDriver struct {
	*sim.Driver
	max int

	mu      sync.Mutex
	dead    map[string]bool
	changed func(key string)
}

func (d *limitedDriver) MaxMachines() int { return d.max }

func (d *limitedDriver) Watch(changed func(string)) { d.changed = changed }

func (d *limitedDriver) Inspect(ctx context.Context, m vmplane.Machine) (vmplane.PowerState, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.dead[m.Key] {
		return vmplane.PowerStopped, nil
	}
	if sm, ok := d.Machine(m.Key); ok && sm.On {
		return vmplane.PowerRunning, nil
	}
	return vmplane.PowerStopped, nil
}

// kill makes a machine stop behind the core's back and tells the core.
func (d *limitedDriver) kill(key string) {
	d.mu.Lock()
	d.dead[key] = true
	d.mu.Unlock()
	d.changed(key)
}

func openLimited(t *testing.T, max int) (*vmplane.Service, *limitedDriver, *clock.Virtual) {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	drv := &limitedDriver{Driver: sim.New(), max: max, dead: make(map[string]bool)}
	clk := clock.NewFrozen(time.Date(2025, 6, 11, 8, 0, 0, 0, time.UTC))
	cloud := &vmplane.Cloud{Name: "test", Catalog: &vmplane.Catalog{Specs: []vmplane.Spec{{ID: "s1", VCPU: 1, MemoryMiB: 1024}}}}
	svc, err := vmplane.Open(ctx, vmplane.Config{Store: db, Driver: drv, Clock: clk, Clouds: []*vmplane.Cloud{cloud}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Close() })
	return svc, drv, clk
}

func settle(t *testing.T, svc *vmplane.Service, clk *clock.Virtual) {
	t.Helper()
	clk.Advance(time.Minute)
	if err := svc.Settle(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestMachineLimitRefusesWhatWouldRunTooManyMachines(t *testing.T) {
	svc, _, clk := openLimited(t, 2)
	ctx := context.Background()
	scope := vmplane.Scope{Cloud: "test", Account: vmplane.DefaultAccountID}
	job, err := svc.CreateInstances(ctx, vmplane.InstanceCreate{Scope: scope, Names: []string{"a", "b"}, SpecID: "s1"})
	if err != nil {
		t.Fatalf("two machines fit a limit of two: %v", err)
	}
	_, err = svc.CreateInstances(ctx, vmplane.InstanceCreate{Scope: scope, Names: []string{"c"}, SpecID: "s1"})
	if vmplane.ErrorCode(err) != vmplane.EQUOTA {
		t.Fatalf("a third machine: got %v, want EQUOTA", err)
	}
	settle(t, svc, clk)
	a := job.Instances[0].ID
	if _, err := svc.Submit(ctx, vmplane.OperationRequest{Scope: scope, Kind: vmplane.KindStop, InstanceIDs: []string{a}}); err != nil {
		t.Fatalf("a stop frees no place but is always allowed: %v", err)
	}
	settle(t, svc, clk)
	job, err = svc.CreateInstances(ctx, vmplane.InstanceCreate{Scope: scope, Names: []string{"c"}, SpecID: "s1"})
	if err != nil {
		t.Fatalf("after a stop, a machine fits again: %v", err)
	}
	_, err = svc.Submit(ctx, vmplane.OperationRequest{Scope: scope, Kind: vmplane.KindStart, InstanceIDs: []string{a}})
	if e, ok := vmplane.AsError(err); !ok || e.Code != vmplane.EQUOTA || e.Subject != "machines" {
		t.Fatalf("starting a machine beyond the limit: got %v, want EQUOTA on machines", err)
	}
}

func TestMachineStoppedBehindTheCoresBackIsRecordedStopped(t *testing.T) {
	svc, drv, clk := openLimited(t, 0)
	ctx := context.Background()
	scope := vmplane.Scope{Cloud: "test", Account: vmplane.DefaultAccountID}
	job, err := svc.CreateInstances(ctx, vmplane.InstanceCreate{Scope: scope, Names: []string{"a"}, SpecID: "s1"})
	if err != nil {
		t.Fatal(err)
	}
	settle(t, svc, clk)
	id := job.Instances[0].ID
	drv.kill("test/" + id)
	deadline := time.Now().Add(10 * time.Second)
	for {
		in, err := svc.FindInstanceByID(ctx, scope, id)
		if err != nil {
			t.Fatal(err)
		}
		if in.Power == vmplane.PowerStopped {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("instance is %s, want stopped once its machine died", in.Power)
		}
		time.Sleep(10 * time.Millisecond) // polling the outcome of a goroutine, not waiting for time
	}
}
