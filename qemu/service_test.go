package qemu_test

import (
	"context"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/vmplane/vmplane"
	"github.com/vmplane/vmplane/clock"
	"github.com/vmplane/vmplane/qemu"
	"github.com/vmplane/vmplane/qemu/qemutest"
	"github.com/vmplane/vmplane/sqlite"
)

var testCloud = vmplane.Catalog{Specs: []vmplane.Spec{
	{ID: "small", VCPU: 1, MemoryMiB: 1024, ResizeGroup: "g"},
	{ID: "large", VCPU: 2, MemoryMiB: 2048, ResizeGroup: "g"},
}}

var scope = vmplane.Scope{Cloud: "test", Account: vmplane.DefaultAccountID}

// openService opens the core on dir's database with a qemu driver on
// dir/vms, as vmplane serve --driver qemu does: the clock is frozen and
// durations are zero, so only the VMs' progress moves operations.
func openService(t *testing.T, dir string, edit func(*qemu.Config)) (*vmplane.Service, *qemu.Driver, func()) {
	t.Helper()
	d, _ := newDriver(t, filepath.Join(dir, "vms"), edit)
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(dir, "vmplane.db"))
	if err != nil {
		t.Fatal(err)
	}
	cat := testCloud
	zero := make(map[vmplane.Kind]time.Duration)
	for k := range vmplane.DefaultDurations {
		zero[k] = 0
	}
	svc, err := vmplane.Open(ctx, vmplane.Config{Store: db, Driver: d, Clock: clock.NewFrozen(time.Date(2025, 6, 11, 8, 0, 0, 0, time.UTC)),
		Clouds: []*vmplane.Cloud{{Name: "test", Catalog: &cat}}, Durations: zero, TimeScale: 1})
	if err != nil {
		t.Fatal(err)
	}
	closed := false
	stop := func() {
		if !closed {
			closed = true
			svc.Close()
			db.Close()
			d.Close()
		}
	}
	t.Cleanup(stop)
	return svc, d, stop
}

// await polls the instance until it is idle, real VMs taking real time.
func await(t *testing.T, svc *vmplane.Service, id string) vmplane.Instance {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		in, err := svc.FindInstanceByID(context.Background(), scope, id)
		if err != nil {
			t.Fatal(err)
		}
		if in.Idle() {
			if in.Last != nil && in.Last.State == vmplane.OpFailed {
				t.Fatalf("%s %s failed: %s", id, in.Last.Kind, in.Last.ErrorCode)
			}
			return in
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s still busy with %s (%s) after 2m", id, in.Op.Kind, in.Op.Current().Action)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func submit(t *testing.T, svc *vmplane.Service, kind vmplane.Kind, id, spec string) {
	t.Helper()
	req := vmplane.OperationRequest{Scope: scope, Kind: kind, InstanceIDs: []string{id}, SpecID: spec}
	if kind == vmplane.KindTerminate {
		req.Mode = vmplane.ModeStopFirst
	}
	if _, err := svc.Submit(context.Background(), req); err != nil {
		t.Fatalf("%s %s: %v", kind, id, err)
	}
}

func create(t *testing.T, svc *vmplane.Service, spec string) string {
	t.Helper()
	job, err := svc.CreateInstances(context.Background(), vmplane.InstanceCreate{Scope: scope, Names: []string{"vm"}, SpecID: spec})
	if err != nil {
		t.Fatal(err)
	}
	return job.Instances[0].ID
}

func TestServiceCreateStopResizeStartShowsTheGuestItsNewSpec(t *testing.T) {
	t.Parallel()
	svc, d, _ := openService(t, t.TempDir(), func(c *qemu.Config) { c.MaxMachines = 1 })
	id := create(t, svc, "small")
	if _, err := svc.CreateInstances(context.Background(), vmplane.InstanceCreate{Scope: scope, Names: []string{"x"}, SpecID: "small"}); vmplane.ErrorCode(err) != vmplane.EQUOTA {
		t.Errorf("a second VM with a limit of one: %v, want EQUOTA", err)
	}
	in := await(t, svc, id)
	if in.Power != vmplane.PowerRunning {
		t.Fatalf("after create: %s", in.Power)
	}
	key := "test/" + id
	first := machine(t, d, key)
	checkGuest(t, first, 1, 256)

	submit(t, svc, vmplane.KindStop, id, "")
	if in = await(t, svc, id); in.Power != vmplane.PowerStopped || qemutest.Alive(first.PID) {
		t.Fatalf("after stop: %s, QEMU alive %v", in.Power, qemutest.Alive(first.PID))
	}
	submit(t, svc, vmplane.KindResize, id, "large")
	if in = await(t, svc, id); in.SpecID != "large" {
		t.Fatalf("after resize: spec %s", in.SpecID)
	}
	if desc := machine(t, d, key); desc.NextVCPU != 2 || desc.NextMemoryMiB != 512 || desc.State != "stopped" {
		t.Errorf("resized while stopped: %+v, want next boot 2 vCPU 512 MiB", desc)
	}
	submit(t, svc, vmplane.KindStart, id, "")
	if in = await(t, svc, id); in.Power != vmplane.PowerRunning {
		t.Fatalf("after start: %s", in.Power)
	}
	second := machine(t, d, key)
	checkGuest(t, second, 2, 512)

	submit(t, svc, vmplane.KindTerminate, id, "")
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(50 * time.Millisecond) {
		_, err := svc.FindInstanceByID(context.Background(), scope, id)
		if vmplane.ErrorCode(err) == vmplane.ENOTFOUND {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("instance still there a minute after terminate (%v)", err)
		}
	}
	if n := len(qemutest.Processes(t, d.Dir())); n != 0 || qemutest.Alive(second.PID) {
		t.Errorf("after terminate %d QEMU processes remain", n)
	}
	if _, ok := d.Machine(key); ok {
		t.Error("driver still has the terminated machine")
	}
}

func TestServiceRecordsAMachineKilledBehindItsBackAsStopped(t *testing.T) {
	t.Parallel()
	svc, d, _ := openService(t, t.TempDir(), nil)
	id := create(t, svc, "small")
	await(t, svc, id)
	pid := machine(t, d, "test/"+id).PID
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		in, err := svc.FindInstanceByID(context.Background(), scope, id)
		if err != nil {
			t.Fatal(err)
		}
		if in.Power == vmplane.PowerStopped {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("instance is still %s 30s after its QEMU was killed", in.Power)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestServiceRestartFindsMachinesAndFinishesTheOperationInFlight(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	svc, d, stop := openService(t, dir, nil)
	a := create(t, svc, "small")
	await(t, svc, a)
	pa := machine(t, d, "test/"+a).PID
	b := create(t, svc, "small")
	// Stop vmplane as soon as b's QEMU is started, long before its guest is up.
	waitStarted(t, d, "test/"+b)
	stop()

	svc2, d2, _ := openService(t, dir, nil)
	if in := await(t, svc2, b); in.Power != vmplane.PowerRunning {
		t.Fatalf("the create in flight ended %s", in.Power)
	}
	if in, _ := svc2.FindInstanceByID(context.Background(), scope, a); in.Power != vmplane.PowerRunning {
		t.Errorf("the running VM is recorded %s after the restart", in.Power)
	}
	if got := machine(t, d2, "test/"+a).PID; got != pa {
		t.Errorf("VM a has pid %d after the restart, want %d (untouched)", got, pa)
	}
	procs := qemutest.Processes(t, d2.Dir())
	if len(procs) != 2 {
		t.Errorf("QEMU processes after restart: %v, want one for each of 2 VMs", procs)
	}
	for dir, pids := range procs {
		if len(pids) != 1 {
			t.Errorf("%s has %d QEMU processes: %v", dir, len(pids), pids)
		}
	}
}

// waitStarted returns once the machine with key has a QEMU process.
func waitStarted(t *testing.T, d *qemu.Driver, key string) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		if desc, ok := d.Machine(key); ok && desc.PID != 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s never started", key)
		}
		time.Sleep(time.Millisecond)
	}
}
