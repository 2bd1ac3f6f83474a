// Package qemu is a vmplane driver that backs every instance with a real
// QEMU virtual machine, driven over QMP.
//
// Each machine is one QEMU process started in a directory of its own under
// Config.Dir, which holds its QMP socket, pid file, serial console log and
// the record of what vmplane asked for. Processes run in sessions of their
// own, so they outlive vmplane (SIGTERM or SIGKILL); a new Driver finds
// them again through their QMP sockets. The guest is a Debian kernel and a
// busybox initramfs (guest/mkguest.sh) whose init reports, on the serial
// console, the vCPU count and memory it sees and powers off on the ACPI
// power button; an operation completes when the guest has really booted or
// QEMU has really exited.
package qemu

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"maps"
	"math"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/vmplane/vmplane"
	"github.com/vmplane/vmplane/dirlock"
)

var (
	_ vmplane.Driver    = (*Driver)(nil)
	_ vmplane.Inspector = (*Driver)(nil)
	_ vmplane.Watcher   = (*Driver)(nil)
	_ vmplane.Describer = (*Driver)(nil)
	_ vmplane.Cleaner   = (*Driver)(nil)
	_ vmplane.Limiter   = (*Driver)(nil)
)

// Accelerators.
const (
	AccelAuto = "auto" // KVM when a probe boot proves it works, else TCG
	AccelKVM  = "kvm"
	AccelTCG  = "tcg"
)

// Config configures a Driver. Zero durations and sizes take the defaults
// documented on each field.
type Config struct {
	// Dir holds one directory per machine. Required.
	Dir string
	// Guest is the directory mkguest.sh wrote: vmlinuz and initramfs.cpio.gz.
	// Default DefaultGuestDir().
	Guest string
	// QEMU is the emulator binary (default qemu-system-x86_64 from PATH).
	QEMU string
	// Accel is AccelAuto (default), AccelKVM or AccelTCG.
	Accel string
	// MaxMachines bounds the machines that run at once; 0 means no limit.
	MaxMachines int
	// MemoryScale multiplies a spec's memory to get the guest's (default
	// 1), and MemoryFloorMiB is the least a guest gets (default 256), so
	// that a small host can run large specs: with 0.125, a 64 GiB spec
	// boots with 8 GiB.
	MemoryScale    float64
	MemoryFloorMiB int
	// BootTimeout bounds one launch's boot, from QEMU's start to the
	// guest's ready line (default 1m, some six times the slowest boot seen
	// under a full test run's load): a launch past it is killed and, once,
	// launched again (maxLaunches).
	BootTimeout time.Duration
	// PressInterval is how often the ACPI power button is pressed again
	// (default 2s) until PowerButtonTimeout (default 30s); then QMP quit,
	// and QuitTimeout (default 5s) later, SIGKILL.
	PressInterval      time.Duration
	PowerButtonTimeout time.Duration
	QuitTimeout        time.Duration
	// ProbeTimeout bounds the KVM probe boot of AccelAuto (default 20s).
	ProbeTimeout time.Duration
	Logger       *slog.Logger
}

// DefaultGuestDir is where mkguest.sh writes the guest by default:
// $VMPLANE_VM_GUEST, else vmplane/guest in the user's cache directory.
func DefaultGuestDir() string {
	if d := os.Getenv("VMPLANE_VM_GUEST"); d != "" {
		return d
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	return filepath.Join(cache, "vmplane", "guest")
}

// Guest file names in Config.Guest.
const (
	kernelFile = "vmlinuz"
	initrdFile = "initramfs.cpio.gz"
)

// poll is the longest a driver call waits for a machine before it returns
// Pending; waiting in the call, not in the worker's retry, lets an
// operation complete the moment the VM gets there. The worker calls again
// after again: a short gap, in which nothing of the step runs, so that
// the core's Settle does not wait for real VMs.
const (
	poll  = time.Second
	again = 20 * time.Millisecond
)

// maxLaunches is how many processes one power-on starts before it fails:
// a second chance covers a process lost to a crash of vmplane between
// starting QEMU and hearing from it, and a guest that hung while booting
// (seen once in many runs, under TCG on a loaded host).
const maxLaunches = 2

// Driver runs QEMU virtual machines. Close it to let go of them; they keep
// running.
type Driver struct {
	cfg   Config
	accel string
	log   *slog.Logger

	ctx    context.Context // ends at Close
	cancel context.CancelFunc
	lock   *os.File

	mu       sync.Mutex
	machines map[string]*machine // by Machine.Key
	changed  func(key string)
}

// New checks the emulator and the guest, chooses the accelerator, and
// takes over the machines already running under cfg.Dir.
func New(ctx context.Context, cfg Config) (*Driver, error) {
	if cfg.Dir == "" {
		return nil, errors.New("qemu: Config.Dir is required")
	}
	if err := cfg.defaults(); err != nil {
		return nil, err
	}
	for _, f := range []string{kernelFile, initrdFile} {
		if _, err := os.Stat(filepath.Join(cfg.Guest, f)); err != nil {
			return nil, fmt.Errorf("qemu: no guest in %s (build it with qemu/guest/mkguest.sh %s): %w", cfg.Guest, cfg.Guest, err)
		}
	}
	if err := os.MkdirAll(cfg.Dir, 0o755); err != nil {
		return nil, err
	}
	// /proc shows a process's working directory with symlinks resolved;
	// the machine directories must compare equal to it.
	dir, err := filepath.EvalSymlinks(cfg.Dir)
	if err != nil {
		return nil, err
	}
	if cfg.Dir, err = filepath.Abs(dir); err != nil {
		return nil, err
	}
	d := &Driver{cfg: cfg, log: cfg.Logger, machines: make(map[string]*machine)}
	// One driver per directory: QEMU serves one QMP client at a time, and
	// two drivers would each start the same machine.
	if d.lock, err = dirlock.Take(cfg.Dir, "machine directory"); err != nil {
		return nil, err
	}
	d.ctx, d.cancel = context.WithCancel(context.Background())
	if d.accel, err = d.chooseAccel(ctx); err == nil {
		err = d.scan()
	}
	if err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

func (c *Config) defaults() error {
	if c.QEMU == "" {
		c.QEMU = "qemu-system-x86_64"
	}
	path, err := exec.LookPath(c.QEMU)
	if err == nil {
		// /proc shows a process's binary with symlinks resolved.
		path, err = filepath.EvalSymlinks(path)
	}
	if err != nil {
		return fmt.Errorf("qemu: %w", err)
	}
	c.QEMU = path
	if c.Guest == "" {
		c.Guest = DefaultGuestDir()
	}
	switch c.Accel {
	case "":
		c.Accel = AccelAuto
	case AccelAuto, AccelKVM, AccelTCG:
	default:
		return fmt.Errorf("qemu: accelerator %q: want auto, kvm or tcg", c.Accel)
	}
	if c.MemoryScale == 0 {
		c.MemoryScale = 1
	}
	if c.MemoryScale < 0 || math.IsNaN(c.MemoryScale) || math.IsInf(c.MemoryScale, 0) {
		return fmt.Errorf("qemu: memory scale %v must be positive", c.MemoryScale)
	}
	if c.MemoryFloorMiB == 0 {
		c.MemoryFloorMiB = 256
	}
	if c.MemoryFloorMiB < 64 {
		return fmt.Errorf("qemu: memory floor %d MiB is too small for the guest (at least 64)", c.MemoryFloorMiB)
	}
	setDefault(&c.BootTimeout, time.Minute)
	setDefault(&c.PressInterval, 2*time.Second)
	setDefault(&c.PowerButtonTimeout, 30*time.Second)
	setDefault(&c.QuitTimeout, 5*time.Second)
	setDefault(&c.ProbeTimeout, 20*time.Second)
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return nil
}

func setDefault(d *time.Duration, v time.Duration) {
	if *d <= 0 {
		*d = v
	}
}

// scan takes over the machines under the data directory, running or not.
func (d *Driver) scan() error {
	entries, err := os.ReadDir(d.cfg.Dir)
	if err != nil {
		return err
	}
	pids := processesIn(d.cfg.Dir, d.cfg.QEMU)
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		dir := filepath.Join(d.cfg.Dir, e.Name())
		rec, err := loadRecord(dir)
		if errors.Is(err, fs.ErrNotExist) {
			continue // not a machine (e.g. the accelerator probe)
		}
		if err != nil || rec.Key == "" {
			// One damaged directory must not keep vmplane from starting.
			d.log.Error("skipping a machine directory with no usable record", "dir", dir, "err", err)
			continue
		}
		m := &machine{key: rec.Key, dir: dir, rec: rec}
		m.proc = d.adopt(m, pids)
		if m.proc != nil {
			d.log.Info("found running machine", "machine", m.key, "pid", m.proc.pid, "accel", rec.Accel)
		}
		d.machines[m.key] = m
	}
	return nil
}

// Accel is the accelerator machines boot with.
func (d *Driver) Accel() string { return d.accel }

// Dir is the directory that holds the machines.
func (d *Driver) Dir() string { return d.cfg.Dir }

// Close lets go of the machines, which keep running; a new Driver on the
// same directory takes them over.
func (d *Driver) Close() error {
	d.cancel()
	if d.lock != nil {
		return d.lock.Close()
	}
	return nil
}

// MaxMachines implements vmplane.Limiter.
func (d *Driver) MaxMachines() int { return d.cfg.MaxMachines }

// Watch implements vmplane.Watcher: changed hears of every QEMU process
// that ends.
func (d *Driver) Watch(changed func(key string)) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.changed = changed
}

func (d *Driver) notify(key string) {
	d.mu.Lock()
	f := d.changed
	d.mu.Unlock()
	if f != nil && d.ctx.Err() == nil {
		f(key)
	}
}

// all returns every machine the driver knows.
func (d *Driver) all() []*machine {
	d.mu.Lock()
	defer d.mu.Unlock()
	return slices.Collect(maps.Values(d.machines))
}

// lookup returns the machine with key, or nil.
func (d *Driver) lookup(key string) *machine {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.machines[key]
}

// ensure returns the machine for vm, creating its directory and record
// if needed.
func (d *Driver) ensure(vm vmplane.Machine) (*machine, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if m := d.machines[vm.Key]; m != nil {
		return m, nil
	}
	m := &machine{key: vm.Key, dir: filepath.Join(d.cfg.Dir, url.PathEscape(vm.Key))}
	if err := os.MkdirAll(m.dir, 0o755); err != nil {
		return nil, err
	}
	if err := m.save(record{Key: vm.Key, Name: vm.Name, VCPU: vm.VCPU, MemoryMiB: vm.MemoryMiB}); err != nil {
		return nil, err
	}
	d.machines[vm.Key] = m
	return m, nil
}

// guestMemory is the memory a guest gets for a spec's memory.
func (d *Driver) guestMemory(specMiB int) int {
	return max(d.cfg.MemoryFloorMiB, int(math.Round(float64(specMiB)*d.cfg.MemoryScale)))
}

// args are QEMU's arguments for a machine of vcpu processors and mem MiB.
func (d *Driver) args(name, accel string, vcpu, mem int) []string {
	args := []string{"-name", name, "-accel", accel}
	if accel == AccelKVM {
		args = append(args, "-cpu", "host")
	}
	return append(args,
		"-smp", strconv.Itoa(vcpu), "-m", strconv.Itoa(mem),
		"-nodefaults", "-no-user-config", "-display", "none", "-no-reboot",
		"-kernel", filepath.Join(d.cfg.Guest, kernelFile), "-initrd", filepath.Join(d.cfg.Guest, initrdFile),
		"-append", "console=ttyS0 panic=-1 quiet",
		"-serial", "file:"+consoleFile,
		"-qmp", "unix:"+socketFile+",server=on,wait=off",
		"-pidfile", pidFile,
	)
}

// Provision creates the machine's directory and record.
func (d *Driver) Provision(ctx context.Context, vm vmplane.Machine) error {
	_, err := d.ensure(vm)
	return err
}

// ApplySpec records the size the next boot gets; a running guest keeps
// its size until then.
func (d *Driver) ApplySpec(ctx context.Context, vm vmplane.Machine) error {
	m, err := d.ensure(vm)
	if err != nil {
		return err
	}
	m.op.Lock()
	defer m.op.Unlock()
	r := m.record()
	r.VCPU, r.MemoryMiB = vm.VCPU, vm.MemoryMiB
	return m.save(r)
}

// PowerOn boots the machine with the size vm gives, and completes when the
// guest reports ready.
func (d *Driver) PowerOn(ctx context.Context, vm vmplane.Machine) error {
	m, err := d.ensure(vm)
	if err != nil {
		return err
	}
	m.op.Lock()
	defer m.op.Unlock()
	return d.powerOn(ctx, m, vm)
}

func (d *Driver) powerOn(ctx context.Context, m *machine, vm vmplane.Machine) error {
	p := m.live()
	if p == nil {
		r := m.record()
		if r.Launch == vm.Step && r.Attempts >= maxLaunches {
			d.log.Error("machine did not boot", "machine", m.key, "launches", r.Attempts, "qemu_log", tail(m.path(logFile)), "console", tail(m.path(consoleFile)))
			return &vmplane.Error{Code: vmplane.EINTERNAL, Message: "The virtual machine did not boot."}
		}
		if err := d.admit(m); err != nil {
			return err
		}
		var err error
		if p, err = d.launch(m, vm); err != nil {
			return err
		}
	}
	return d.waitBoot(ctx, m, p)
}

// admit refuses a launch beyond MaxMachines. The core checks the limit when
// it accepts an operation; this catches machines it does not count, such as
// one running although recorded as stopped.
func (d *Driver) admit(self *machine) error {
	if d.cfg.MaxMachines <= 0 {
		return nil
	}
	n := 0
	for _, m := range d.all() {
		if m != self && m.live() != nil {
			n++
		}
	}
	if n >= d.cfg.MaxMachines {
		return &vmplane.Error{Code: vmplane.EQUOTA, Subject: "machines",
			Message: fmt.Sprintf("The limit of %d running machines is reached; stop or terminate one first.", d.cfg.MaxMachines)}
	}
	return nil
}

func (d *Driver) launch(m *machine, vm vmplane.Machine) (*process, error) {
	r := m.record()
	if r.Launch == vm.Step {
		r.Attempts++
	} else {
		r.Launch, r.Attempts = vm.Step, 1
	}
	r.VCPU, r.MemoryMiB = vm.VCPU, vm.MemoryMiB
	r.Accel, r.BootVCPU, r.BootMemoryMiB = d.accel, vm.VCPU, d.guestMemory(vm.MemoryMiB)
	r.LaunchedAt = time.Now().UTC()
	// The record names the launch before the process exists: a vmplane
	// killed in between finds the step counted and tries once more.
	if err := m.save(r); err != nil {
		return nil, err
	}
	p, err := d.start(m, d.args("vmplane "+m.key, r.Accel, r.BootVCPU, r.BootMemoryMiB))
	if err != nil {
		return nil, err
	}
	m.mu.Lock()
	m.proc, m.stop = p, nil
	m.mu.Unlock()
	d.log.Info("machine starting", "machine", m.key, "pid", p.pid, "accel", r.Accel, "vcpu", r.BootVCPU, "memoryMiB", r.BootMemoryMiB)
	return p, nil
}

// waitBoot waits, at most poll, for p's guest to report ready.
func (d *Driver) waitBoot(ctx context.Context, m *machine, p *process) error {
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	until := time.Now().Add(poll)
	for {
		if rep := readConsole(m.path(consoleFile)); rep.Ready {
			d.booted(m, p, rep)
			return nil
		}
		r := m.record()
		if time.Since(r.LaunchedAt) > d.cfg.BootTimeout {
			d.log.Error("boot timed out; killing QEMU", "machine", m.key, "pid", p.pid, "launch", r.Attempts, "timeout", d.cfg.BootTimeout,
				"guest", p.inspect(ctx), "console", tail(m.path(consoleFile)), "qemu_log", tail(m.path(logFile)))
			p.kill()
			p.wait(ctx, 5*time.Second)
			// The next call launches it again, or fails after maxLaunches.
			return &vmplane.Pending{After: again, Reason: "boot timed out"}
		}
		if time.Now().After(until) {
			return &vmplane.Pending{After: again, Reason: "guest booting"}
		}
		select {
		case <-p.exited:
			return &vmplane.Pending{After: again, Reason: "QEMU exited while booting"}
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
	}
}

// booted logs a boot once.
func (d *Driver) booted(m *machine, p *process, rep Report) {
	r := m.record()
	m.mu.Lock()
	first := m.logged != r.Launch
	m.logged = r.Launch
	m.mu.Unlock()
	if first {
		d.log.Info("machine booted", "machine", m.key, "pid", p.pid, "accel", r.Accel,
			"guest_vcpu", rep.VCPU, "guest_memtotal_kib", rep.MemTotalKiB, "took", time.Since(r.LaunchedAt).Round(time.Millisecond))
	}
}

// PowerOff shuts the machine down: ACPI power button, then quit, then
// kill (Machine.Hard starts at quit). It completes when QEMU has exited.
func (d *Driver) PowerOff(ctx context.Context, vm vmplane.Machine) error {
	m := d.lookup(vm.Key)
	if m == nil {
		return nil
	}
	m.op.Lock()
	defer m.op.Unlock()
	return d.powerOff(ctx, m, vm.Step, vm.Hard)
}

func (d *Driver) powerOff(ctx context.Context, m *machine, step string, hard bool) error {
	p := m.live()
	if p == nil {
		m.mu.Lock()
		m.stop = nil
		m.mu.Unlock()
		return nil
	}
	m.mu.Lock()
	s := m.stop
	if s == nil || s.step != step || (hard && !s.hard) {
		s = &stopping{step: step, began: time.Now(), hard: hard}
		m.stop = s
	}
	m.mu.Unlock()
	until := time.Now().Add(poll)
	for {
		next := d.advance(ctx, m, p, s)
		t := time.NewTimer(time.Until(earliest(next, until)))
		select {
		case <-p.exited:
			t.Stop()
			m.mu.Lock()
			m.stop = nil
			m.mu.Unlock()
			d.log.Info("machine stopped", "machine", m.key, "pid", p.pid, "presses", s.presses, "quit", s.quit, "killed", s.killed)
			return nil
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
		if !time.Now().Before(until) {
			return &vmplane.Pending{After: again, Reason: "machine shutting down"}
		}
	}
}

// Reboot powers the machine off as PowerOff does and boots it again, with
// the size vm gives: a new QEMU process, so a spec recorded while running
// takes effect, as a cloud's reboot applies it.
func (d *Driver) Reboot(ctx context.Context, vm vmplane.Machine) error {
	m, err := d.ensure(vm)
	if err != nil {
		return err
	}
	m.op.Lock()
	defer m.op.Unlock()
	if m.record().Launch != vm.Step {
		if err := d.powerOff(ctx, m, vm.Step, vm.Hard); err != nil {
			return err
		}
	}
	return d.powerOn(ctx, m, vm)
}

// Remove stops the machine at once and removes its files.
func (d *Driver) Remove(ctx context.Context, vm vmplane.Machine) error {
	m := d.lookup(vm.Key)
	if m == nil {
		return os.RemoveAll(filepath.Join(d.cfg.Dir, url.PathEscape(vm.Key)))
	}
	m.op.Lock()
	defer m.op.Unlock()
	if err := d.powerOff(ctx, m, vm.Step, true); err != nil {
		return err
	}
	return d.forget(m)
}

// forget removes a stopped machine's files and drops it.
func (d *Driver) forget(m *machine) error {
	if err := os.RemoveAll(m.dir); err != nil {
		return err
	}
	d.mu.Lock()
	if d.machines[m.key] == m {
		delete(d.machines, m.key)
	}
	d.mu.Unlock()
	return nil
}

// Inspect implements vmplane.Inspector: a machine runs while its QEMU
// process does.
func (d *Driver) Inspect(ctx context.Context, vm vmplane.Machine) (vmplane.PowerState, error) {
	if m := d.lookup(vm.Key); m != nil && m.live() != nil {
		return vmplane.PowerRunning, nil
	}
	return vmplane.PowerStopped, nil
}

// Description is what Describe tells operators about a machine.
type Description struct {
	State string `json:"state"` // running, booting, stopping or stopped
	PID   int    `json:"pid,omitempty"`
	Accel string `json:"accel,omitempty"`
	// VCPU and MemoryMiB are what QEMU was started with (memory scaled).
	VCPU      int `json:"vcpu,omitempty"`
	MemoryMiB int `json:"memoryMiB,omitempty"`
	// Guest is what the guest reported at its last boot.
	Guest Report `json:"guest"`
	// Next is the spec the next boot gets.
	NextVCPU      int    `json:"nextVCPU"`
	NextMemoryMiB int    `json:"nextMemoryMiB"`
	Dir           string `json:"dir"`
}

// Describe implements vmplane.Describer.
func (d *Driver) Describe(ctx context.Context, vm vmplane.Machine) (map[string]any, error) {
	m := d.lookup(vm.Key)
	if m == nil {
		return map[string]any{"state": "none"}, nil
	}
	desc := d.describe(m)
	return map[string]any{
		"state": desc.State, "pid": desc.PID, "accel": desc.Accel, "vcpu": desc.VCPU, "memoryMiB": desc.MemoryMiB,
		"guest": desc.Guest, "nextVCPU": desc.NextVCPU, "nextMemoryMiB": desc.NextMemoryMiB, "dir": desc.Dir,
	}, nil
}

func (d *Driver) describe(m *machine) Description {
	r := m.record()
	desc := Description{State: "stopped", Accel: r.Accel, VCPU: r.BootVCPU, MemoryMiB: r.BootMemoryMiB,
		Guest: readConsole(m.path(consoleFile)), NextVCPU: r.VCPU, NextMemoryMiB: d.guestMemory(r.MemoryMiB), Dir: m.dir}
	p := m.live()
	m.mu.Lock()
	stopping := m.stop != nil
	m.mu.Unlock()
	switch {
	case p == nil:
	case stopping:
		desc.State, desc.PID = "stopping", p.pid
	case desc.Guest.Ready:
		desc.State, desc.PID = "running", p.pid
	default:
		desc.State, desc.PID = "booting", p.pid
	}
	return desc
}

// Machine describes the machine with key, if the driver has one.
func (d *Driver) Machine(key string) (Description, bool) {
	m := d.lookup(key)
	if m == nil {
		return Description{}, false
	}
	return d.describe(m), true
}

// Cleanup implements vmplane.Cleaner: it kills every machine under the
// data directory and removes their files.
func (d *Driver) Cleanup(ctx context.Context) error {
	var errs []error
	for _, m := range d.all() {
		m.op.Lock()
		err := d.kill(ctx, m)
		if err == nil {
			err = d.killStray(ctx, m.dir)
		}
		if err == nil {
			err = d.forget(m)
		}
		m.op.Unlock()
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// killStray kills a QEMU running in dir that the driver does not know as
// live (say, its QMP connection broke): whatever the driver believes,
// nothing may outlive a clean-up, and a directory is removed only once
// its process is gone.
func (d *Driver) killStray(ctx context.Context, dir string) error {
	pid, ok := processesIn(d.cfg.Dir, d.cfg.QEMU)[dir]
	if !ok {
		return nil
	}
	p := &process{pid: pid, dir: dir, exe: d.cfg.QEMU, exited: make(chan struct{})}
	d.log.Warn("killing a QEMU the driver did not track", "dir", dir, "pid", pid)
	if err := p.kill(); err != nil {
		return err
	}
	if !p.wait(ctx, 10*time.Second) {
		return fmt.Errorf("qemu: pid %d in %s did not die", pid, dir)
	}
	return nil
}

// kill stops m's process at once and waits until it is gone.
func (d *Driver) kill(ctx context.Context, m *machine) error {
	p := m.live()
	if p == nil {
		return nil
	}
	p.command(ctx, "quit")
	if p.wait(ctx, d.cfg.QuitTimeout) {
		return nil
	}
	p.kill()
	if p.wait(ctx, 10*time.Second) {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return fmt.Errorf("qemu: machine %s (pid %d) did not die", m.key, p.pid)
}

// tail returns the end of a log file, for error reports.
func tail(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	if len(b) > 2048 {
		b = b[len(b)-2048:]
	}
	return string(b)
}
