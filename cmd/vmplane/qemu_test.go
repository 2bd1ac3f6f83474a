package main

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/vmplane/vmplane"
	"github.com/vmplane/vmplane/qemu/qemutest"
)

// vmInstance is an instance as the admin API lists it, with its VM.
type vmInstance struct {
	vmplane.Instance
	Machine struct {
		State string `json:"state"`
		PID   int    `json:"pid"`
		Accel string `json:"accel"`
		Guest struct {
			VCPU        int   `json:"vcpu"`
			MemTotalKiB int64 `json:"memTotalKiB"`
		} `json:"guest"`
	} `json:"machine"`
}

func (c *child) vms(t *testing.T) map[string]vmInstance {
	t.Helper()
	var list struct {
		Instances []vmInstance `json:"instances"`
	}
	if err := c.admin("GET", "instances", "", &list); err != nil {
		t.Fatal(err)
	}
	out := make(map[string]vmInstance)
	for _, in := range list.Instances {
		out[in.ID] = in
	}
	return out
}

// awaitVM polls the admin API until ok holds for the instance id.
func (c *child) awaitVM(t *testing.T, id, what string, ok func(vmInstance) bool) vmInstance {
	t.Helper()
	var in vmInstance
	for deadline := time.Now().Add(2 * time.Minute); ; time.Sleep(50 * time.Millisecond) {
		in = c.vms(t)[id]
		if ok(in) {
			return in
		}
		if time.Now().After(deadline) {
			t.Fatalf("instance %s not %s after 2m: power %s, op %v, machine %+v\n%s", id, what, in.Power, in.Op != nil, in.Machine, c.logs)
		}
	}
}

func running(in vmInstance) bool {
	return in.Power == vmplane.PowerRunning && in.Idle() && in.Machine.State == "running"
}

// seedCreate asks the child to create an instance, as a cloud's create does.
func (c *child) seedCreate(t *testing.T) string {
	t.Helper()
	var list instanceList
	if err := c.admin("POST", "instances", "instances: [{cloud: ncloud, spec: vm-test, power: building, operation: {kind: create}}]", &list); err != nil {
		t.Fatal(err)
	}
	return list.Instances[0].ID
}

// TestVMsOutliveSIGKILLAndTheOperationInFlightCompletes kills `vmplane
// serve --driver qemu` while two VMs run and a third boots, kills one VM
// while vmplane is down, and starts vmplane again: the running VM is found
// untouched, the dead one is recorded stopped, the create completes, and
// no QEMU process is duplicated or left over.
func TestVMsOutliveSIGKILLAndTheOperationInFlightCompletes(t *testing.T) {
	guest := qemutest.Need(t)
	dir := t.TempDir()
	vms := filepath.Join(dir, "vms")
	t.Cleanup(func() { // a SIGKILLed vmplane leaves its VMs, by design
		for _, pids := range qemutest.Processes(t, vms) {
			for _, pid := range pids {
				syscall.Kill(pid, syscall.SIGKILL)
			}
		}
	})
	catalog := filepath.Join(dir, "catalog.yaml")
	os.WriteFile(catalog, []byte("ncloud:\n  specs: [{id: vm-test, vcpu: 1, memoryMiB: 1024}]\n"), 0o644)
	args := []string{"--catalog", catalog, "--driver", "qemu", "--vm-accel", "tcg", "--vm-guest", guest,
		"--vm-memory-scale", "0.25", "--vm-memory-floor", "128", "--log-level", "info"}

	c := startChild(t, dir, args...)
	a, b := c.seedCreate(t), c.seedCreate(t)
	va := c.awaitVM(t, a, "running", running)
	vb := c.awaitVM(t, b, "running", running)
	if va.Machine.Accel != "tcg" || va.Machine.Guest.VCPU != 1 || va.Machine.Guest.MemTotalKiB == 0 {
		t.Errorf("admin shows %+v, want accel tcg and the guest's report", va.Machine)
	}
	cid := c.seedCreate(t)
	c.awaitVM(t, cid, "started", func(in vmInstance) bool { return in.Machine.PID != 0 })
	c.kill()

	// While vmplane is down, one VM dies.
	if err := syscall.Kill(vb.Machine.PID, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(time.Minute); qemutest.Alive(vb.Machine.PID); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("QEMU %d did not die", vb.Machine.PID)
		}
	}

	c = startChild(t, dir, args...)
	c.awaitVM(t, cid, "created", running)
	after := c.vms(t)
	if got := after[a]; got.Power != vmplane.PowerRunning || got.Machine.PID != va.Machine.PID {
		t.Errorf("VM a after the restart: %s pid %d, want running with pid %d untouched", got.Power, got.Machine.PID, va.Machine.PID)
	}
	if got := after[b]; got.Power != vmplane.PowerStopped || got.Machine.State != "stopped" {
		t.Errorf("VM b, killed while vmplane was down: %s (%s), want stopped", got.Power, got.Machine.State)
	}
	procs := qemutest.Processes(t, vms)
	if len(procs) != 2 {
		t.Errorf("QEMU processes after the restart: %v, want one for each of a and c", procs)
	}
	for d, pids := range procs {
		if len(pids) != 1 {
			t.Errorf("%s runs %d QEMU processes %v, want 1", d, len(pids), pids)
		}
	}

	// Asked to clean up, vmplane leaves nothing running.
	c.cmd.Process.Signal(syscall.SIGTERM)
	c.cmd.Wait()
	c = startChild(t, dir, append(args, "--driver-cleanup")...)
	c.cmd.Process.Signal(syscall.SIGTERM)
	if err := c.cmd.Wait(); err != nil {
		t.Errorf("vmplane --driver-cleanup exited with %v\n%s", err, c.logs)
	}
	if procs := qemutest.Processes(t, vms); len(procs) != 0 {
		t.Errorf("after --driver-cleanup, QEMU processes remain: %v\n%s", procs, c.logs)
	}
}
