package qemu_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vmplane/vmplane"
	"github.com/vmplane/vmplane/qemu"
	"github.com/vmplane/vmplane/qemu/qemutest"
	"github.com/vmplane/vmplane/vmplanetest"
)

// newDriver starts a driver on dir (a fresh one when empty) whose machines
// are all killed when the test ends.
func newDriver(t *testing.T, dir string, edit func(*qemu.Config)) (*qemu.Driver, *vmplanetest.LogBuffer) {
	t.Helper()
	guest := qemutest.Need(t)
	if dir == "" {
		dir = t.TempDir()
	}
	logs := &vmplanetest.LogBuffer{}
	cfg := qemu.Config{Dir: dir, Guest: guest, Accel: qemu.AccelTCG, MemoryScale: 0.25, MemoryFloorMiB: 128,
		Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}
	if edit != nil {
		edit(&cfg)
	}
	d, err := qemu.New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := d.Cleanup(context.Background()); err != nil {
			t.Errorf("cleanup: %v", err)
		}
		d.Close()
		if t.Failed() {
			t.Logf("driver log:\n%s", logs)
		}
	})
	return d, logs
}

// drive calls a driver action until it is done, as the worker does, and
// returns its final error. Real VMs take real time: the deadline is generous.
func drive(t *testing.T, what string, action func(context.Context, vmplane.Machine) error, m vmplane.Machine) error {
	t.Helper()
	ctx := context.Background()
	deadline := time.Now().Add(90 * time.Second)
	for {
		err := action(ctx, m)
		var p *vmplane.Pending
		if !errors.As(err, &p) {
			return err
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: still pending after 90s (%s)", what, p.Reason)
		}
	}
}

func must(t *testing.T, what string, action func(context.Context, vmplane.Machine) error, m vmplane.Machine) {
	t.Helper()
	if err := drive(t, what, action, m); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func machine(t *testing.T, d *qemu.Driver, key string) qemu.Description {
	t.Helper()
	desc, ok := d.Machine(key)
	if !ok {
		t.Fatalf("driver has no machine %s", key)
	}
	return desc
}

// checkGuest asserts the guest saw vcpu processors and about memMiB of memory
// (its kernel keeps some for itself).
func checkGuest(t *testing.T, desc qemu.Description, vcpu, memMiB int) {
	t.Helper()
	g := desc.Guest
	if g.VCPU != vcpu {
		t.Errorf("guest reports %d vCPU, want %d", g.VCPU, vcpu)
	}
	lo, hi := int64(memMiB)*1024*6/10, int64(memMiB)*1024
	if g.MemTotalKiB < lo || g.MemTotalKiB > hi {
		t.Errorf("guest reports MemTotal %d KiB, want between %d and %d for %d MiB", g.MemTotalKiB, lo, hi, memMiB)
	}
}

func TestGuestSeesItsSpecAndPowersOffOnTheButtonAndSeesANewSpecAtNextBoot(t *testing.T) {
	t.Parallel()
	d, logs := newDriver(t, "", nil)
	m := vmplane.Machine{Key: "test/i-1", Name: "one", VCPU: 1, MemoryMiB: 1024, Step: "op1/0"}
	must(t, "provision", d.Provision, m)
	m.Step = "op1/1"
	must(t, "power on", d.PowerOn, m)
	desc := machine(t, d, m.Key)
	if desc.State != "running" || desc.Accel != "tcg" || desc.PID == 0 {
		t.Fatalf("after boot: %+v", desc)
	}
	if desc.VCPU != 1 || desc.MemoryMiB != 256 {
		t.Errorf("QEMU started with %d vCPU, %d MiB; want 1 and 256 (1 GiB scaled by 0.25)", desc.VCPU, desc.MemoryMiB)
	}
	checkGuest(t, desc, 1, 256)

	m.Step = "op2/0"
	must(t, "power off", d.PowerOff, m)
	if qemutest.Alive(desc.PID) {
		t.Errorf("QEMU (pid %d) still runs after power-off", desc.PID)
	}
	if st, _ := d.Inspect(context.Background(), m); st != vmplane.PowerStopped {
		t.Errorf("Inspect after power-off = %s", st)
	}
	console, _ := os.ReadFile(filepath.Join(desc.Dir, "console.log"))
	if !bytes.Contains(console, []byte("acpi power button -> poweroff")) {
		t.Errorf("the guest did not power off through ACPI; console:\n%s", console)
	}
	if strings.Contains(logs.String(), "quitting QEMU") || strings.Contains(logs.String(), "killing") {
		t.Errorf("power-off needed more than the power button:\n%s", logs)
	}
	// The stopped machine still shows what the guest last reported.
	if g := machine(t, d, m.Key).Guest; g.VCPU != 1 {
		t.Errorf("stopped machine's last report: %+v", g)
	}

	m.Step, m.VCPU, m.MemoryMiB = "op3/0", 2, 2048
	must(t, "apply spec", d.ApplySpec, m)
	m.Step = "op4/0"
	must(t, "power on again", d.PowerOn, m)
	desc2 := machine(t, d, m.Key)
	if desc2.PID == desc.PID {
		t.Errorf("second boot reuses pid %d", desc.PID)
	}
	checkGuest(t, desc2, 2, 512)
}

func TestRebootStartsAFreshGuestAndRemoveLeavesNothing(t *testing.T) {
	t.Parallel()
	d, _ := newDriver(t, "", nil)
	m := vmplane.Machine{Key: "test/i-2", VCPU: 1, MemoryMiB: 512, Step: "op1/1"}
	must(t, "power on", d.PowerOn, m)
	before := machine(t, d, m.Key)

	m.Step = "op2/0"
	must(t, "reboot", d.Reboot, m)
	after := machine(t, d, m.Key)
	if after.State != "running" || after.PID == before.PID || qemutest.Alive(before.PID) {
		t.Errorf("reboot: before pid %d, after %+v", before.PID, after)
	}
	// Called again for the same step (as after a restart of vmplane), a
	// reboot that is done stays done.
	must(t, "reboot again", d.Reboot, m)
	if again := machine(t, d, m.Key); again.PID != after.PID {
		t.Errorf("a repeated call of the same reboot step rebooted again: pid %d, then %d", after.PID, again.PID)
	}

	m.Step = "op3/0"
	must(t, "remove", d.Remove, m)
	if qemutest.Alive(after.PID) {
		t.Errorf("QEMU (pid %d) still runs after remove", after.PID)
	}
	if _, err := os.Stat(after.Dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("machine directory remains after remove: %v", err)
	}
	if _, ok := d.Machine(m.Key); ok {
		t.Error("driver still knows the removed machine")
	}
}

func TestPowerOffQuitsQEMUWhenTheGuestIgnoresTheButton(t *testing.T) {
	t.Parallel()
	// The press comes before the guest's acpid runs, so it is lost, and
	// the button times out long before a second press.
	d, logs := newDriver(t, "", func(c *qemu.Config) {
		c.PowerButtonTimeout, c.PressInterval, c.QuitTimeout = 300*time.Millisecond, time.Hour, 5*time.Second
	})
	m := vmplane.Machine{Key: "test/i-3", VCPU: 1, MemoryMiB: 512, Step: "op1/1"}
	err := d.PowerOn(context.Background(), m)
	var p *vmplane.Pending
	if !errors.As(err, &p) {
		t.Fatalf("power on returned %v before the guest could boot", err)
	}
	pid := machine(t, d, m.Key).PID
	m.Step = "op2/0"
	must(t, "power off", d.PowerOff, m)
	if qemutest.Alive(pid) {
		t.Errorf("QEMU (pid %d) still runs", pid)
	}
	if !strings.Contains(logs.String(), "quitting QEMU") {
		t.Errorf("expected the power-off to fall back to quit:\n%s", logs)
	}
}

func TestNewDriverTakesOverRunningMachinesAndSeesThemDie(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	d1, _ := newDriver(t, dir, nil)
	a := vmplane.Machine{Key: "test/a", VCPU: 1, MemoryMiB: 512, Step: "a/1"}
	b := vmplane.Machine{Key: "test/b", VCPU: 1, MemoryMiB: 512, Step: "b/1"}
	must(t, "power on a", d1.PowerOn, a)
	must(t, "power on b", d1.PowerOn, b)
	pa, pb := machine(t, d1, a.Key).PID, machine(t, d1, b.Key).PID
	d1.Close() // as vmplane does when it stops: the VMs go on

	d2, _ := newDriver(t, dir, nil)
	changed := make(chan string, 4)
	d2.Watch(func(key string) { changed <- key })
	for _, k := range []struct {
		key string
		pid int
	}{{a.Key, pa}, {b.Key, pb}} {
		if st, _ := d2.Inspect(context.Background(), vmplane.Machine{Key: k.key}); st != vmplane.PowerRunning {
			t.Errorf("%s after takeover: %s", k.key, st)
		}
		if desc := machine(t, d2, k.key); desc.PID != k.pid || desc.Guest.VCPU != 1 {
			t.Errorf("%s after takeover: %+v, want pid %d", k.key, desc, k.pid)
		}
	}
	// A power-on of a running machine (an operation finishing after a
	// restart) starts nothing new.
	must(t, "power on a again", d2.PowerOn, a)
	if desc := machine(t, d2, a.Key); desc.PID != pa {
		t.Errorf("power-on after takeover started pid %d, want %d kept", desc.PID, pa)
	}

	// Killed behind the driver's back: it notices.
	if err := syscall.Kill(pb, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	select {
	case key := <-changed:
		if key != b.Key {
			t.Errorf("changed(%q), want %q", key, b.Key)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the driver did not report the killed machine")
	}
	if st, _ := d2.Inspect(context.Background(), b); st != vmplane.PowerStopped {
		t.Errorf("killed machine inspects as %s", st)
	}

	// An adopted machine (not our child) stops through ACPI too.
	a.Step = "a/2"
	must(t, "power off a", d2.PowerOff, a)
	if st, _ := d2.Inspect(context.Background(), a); st != vmplane.PowerStopped {
		t.Errorf("adopted machine after power-off: %s", st)
	}
}

func TestMachineLimitRefusesABootBeyondIt(t *testing.T) {
	t.Parallel()
	d, _ := newDriver(t, "", func(c *qemu.Config) { c.MaxMachines = 1 })
	a := vmplane.Machine{Key: "test/a", VCPU: 1, MemoryMiB: 512, Step: "a/1"}
	var p *vmplane.Pending
	if err := d.PowerOn(context.Background(), a); !errors.As(err, &p) {
		t.Fatalf("power on a: %v, want it booting", err)
	}
	// a boots: its place is taken.
	err := drive(t, "power on b", d.PowerOn, vmplane.Machine{Key: "test/b", VCPU: 1, MemoryMiB: 512, Step: "b/1"})
	if e, ok := vmplane.AsError(err); !ok || e.Code != vmplane.EQUOTA {
		t.Fatalf("second machine with a limit of one: %v, want EQUOTA", err)
	}
	if d.MaxMachines() != 1 {
		t.Errorf("MaxMachines = %d", d.MaxMachines())
	}
}

func TestABootThatTimesOutIsLaunchedAgainThenFailsSayingWhatTheGuestWasDoing(t *testing.T) {
	t.Parallel()
	// No guest boots in a nanosecond: each launch times out at once.
	d, logs := newDriver(t, "", func(c *qemu.Config) { c.BootTimeout = time.Nanosecond })
	err := drive(t, "power on", d.PowerOn, vmplane.Machine{Key: "test/slow", VCPU: 2, MemoryMiB: 512, Step: "op1/1"})
	if e, ok := vmplane.AsError(err); !ok || e.Code != vmplane.EINTERNAL {
		t.Fatalf("power on past the boot timeout: %v, want EINTERNAL", err)
	}
	log := logs.String()
	if n := strings.Count(log, "machine starting"); n != 2 {
		t.Errorf("QEMU launched %d times, want 2 (the second after the first timed out)", n)
	}
	var timeouts []string
	for _, l := range strings.Split(log, "\n") {
		if strings.Contains(l, "boot timed out") {
			timeouts = append(timeouts, l)
		}
	}
	if len(timeouts) != 2 {
		t.Fatalf("%d boot time-outs logged, want 2:\n%s", len(timeouts), log)
	}
	// What tells a hung guest from a slow one: QEMU's run state and where
	// each of the two vCPUs is.
	for _, l := range timeouts {
		if !strings.Contains(l, "status=running") || strings.Count(l, "IP=") != 2 || !strings.Contains(l, "CPU#1") || !strings.Contains(l, "console=") {
			t.Errorf("boot time-out logged as %q; want QEMU's status, two vCPUs' instruction pointers and the console", l)
		}
	}
	if !strings.Contains(log, "machine did not boot") {
		t.Errorf("the failed power-on is not logged:\n%s", log)
	}
}

func TestNewRefusesAMissingGuest(t *testing.T) {
	qemutest.Need(t)
	_, err := qemu.New(context.Background(), qemu.Config{Dir: t.TempDir(), Guest: t.TempDir(), Accel: qemu.AccelTCG})
	if err == nil || !strings.Contains(err.Error(), "mkguest.sh") {
		t.Fatalf("New with an empty guest dir: %v, want an error that says how to build the guest", err)
	}
}

func TestAutoAcceleratorIsKVMOnlyWhenAProbeBootWorks(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	d, _ := newDriver(t, dir, func(c *qemu.Config) { c.Accel = qemu.AccelAuto })
	if _, err := os.Stat("/dev/kvm"); err != nil && d.Accel() != qemu.AccelTCG {
		t.Fatalf("no /dev/kvm, yet the accelerator is %s", d.Accel())
	}
	// Whatever was chosen boots a guest: on a host whose /dev/kvm cannot
	// run one (nested without VMX), that is TCG.
	m := vmplane.Machine{Key: "test/auto", VCPU: 1, MemoryMiB: 512, Step: "a/1"}
	must(t, "power on", d.PowerOn, m)
	if desc := machine(t, d, m.Key); desc.Accel != d.Accel() || desc.Guest.VCPU != 1 {
		t.Errorf("booted %+v with accelerator %s", desc, d.Accel())
	}
	t.Logf("accelerator: %s", d.Accel())
	if _, err := os.Stat("/dev/kvm"); err != nil {
		return
	}
	// The probe's outcome is kept: the next driver does not boot again to know.
	must(t, "power off", d.PowerOff, vmplane.Machine{Key: m.Key, Step: "a/2", Hard: true})
	d.Close()
	d2, logs2 := newDriver(t, dir, func(c *qemu.Config) { c.Accel = qemu.AccelAuto })
	if d2.Accel() != d.Accel() || !strings.Contains(logs2.String(), "earlier probe") {
		t.Errorf("second driver chose %s (first %s), logs:\n%s", d2.Accel(), d.Accel(), logs2)
	}
}
