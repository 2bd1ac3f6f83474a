package qemu

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/vmplane/vmplane/qmp"
)

// The files of one machine, in its directory. QEMU is started in that
// directory and given these relative names, so that the QMP socket's path
// stays short whatever the data directory.
const (
	recordFile  = "machine.json"
	socketFile  = "qmp.sock"
	pidFile     = "qemu.pid"
	consoleFile = "console.log"
	logFile     = "qemu.log"
)

// record is what the driver keeps on disk about a machine, so that a
// restarted vmplane knows what it asked for.
type record struct {
	Key  string `json:"key"`
	Name string `json:"name,omitempty"`
	// VCPU and MemoryMiB are the spec the next boot gets.
	VCPU      int `json:"vcpu"`
	MemoryMiB int `json:"memoryMiB"`

	// Launch is the Machine.Step that started the current (or last)
	// process, and Attempts how many processes it started.
	Launch     string    `json:"launch,omitempty"`
	Attempts   int       `json:"attempts,omitempty"`
	LaunchedAt time.Time `json:"launchedAt,omitzero"`
	// What the last process was started with.
	Accel         string `json:"accel,omitempty"`
	BootVCPU      int    `json:"bootVCPU,omitempty"`
	BootMemoryMiB int    `json:"bootMemoryMiB,omitempty"`
}

// machine is one instance's virtual machine.
type machine struct {
	key string
	dir string

	// op serializes the driver's actions on the machine; it is held while
	// an action waits for the VM, so readers use mu alone.
	op sync.Mutex

	mu     sync.Mutex
	rec    record
	proc   *process  // the QEMU process last known, nil if none
	stop   *stopping // the power-off under way
	logged string    // the launch whose boot was logged
}

func (m *machine) path(name string) string { return filepath.Join(m.dir, name) }

func (m *machine) record() record {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.rec
}

// save writes the record atomically.
func (m *machine) save(r record) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	tmp := m.path(recordFile + ".tmp")
	if err := os.WriteFile(tmp, append(b, '\n'), 0o644); err != nil {
		return err
	}
	if err := os.Rename(tmp, m.path(recordFile)); err != nil {
		return err
	}
	m.mu.Lock()
	m.rec = r
	m.mu.Unlock()
	return nil
}

func loadRecord(dir string) (record, error) {
	var r record
	b, err := os.ReadFile(filepath.Join(dir, recordFile))
	if err != nil {
		return r, err
	}
	if err := json.Unmarshal(b, &r); err != nil {
		return r, fmt.Errorf("%s: %w", filepath.Join(dir, recordFile), err)
	}
	return r, nil
}

// live returns the running process, or nil.
func (m *machine) live() *process {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.proc != nil && m.proc.gone() {
		m.proc = nil
	}
	return m.proc
}

// process is one QEMU process: started by this driver, or found running
// after a restart of vmplane (adopted).
type process struct {
	pid   int
	dir   string
	exe   string      // the QEMU binary, symlinks resolved
	child *os.Process // nil when adopted: then its parent is not us

	exited chan struct{} // closed once the process is gone
	once   sync.Once

	mu   sync.Mutex
	conn *qmp.Conn
}

func (p *process) gone() bool {
	select {
	case <-p.exited:
		return true
	default:
		return false
	}
}

// wait reports whether the process ends within d. It looks at the process
// itself, so it works on a closed Driver, which no longer watches, and it
// does not take the end of an adopted process's QMP connection for its
// end: QEMU closes the connection when it quits, a moment before it exits.
// An end it sees is marked at once, so that the machine is not live to
// whatever comes next (a new launch), whoever reaps the process later.
func (p *process) wait(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	exited := p.exited
	for {
		if p.ended() {
			p.markExited()
			return true
		}
		select {
		case <-exited:
			if p.child != nil {
				return true // reaped
			}
			exited = nil // look at the process itself from now on
		case <-ctx.Done():
			return false
		case <-t.C:
			return false
		case <-tick.C:
		}
	}
}

// ended reports whether p's process has ended: its pid is gone, a zombie,
// or another process's (one in another directory). A process being torn
// down has not ended, though /proc no longer shows its binary, which goes
// with its memory first, nor, later, its directory: it still runs, and
// whatever follows (removing its directory, starting another QEMU there)
// waits for it.
func (p *process) ended() bool {
	if p.pid <= 0 {
		return true
	}
	proc := "/proc/" + strconv.Itoa(p.pid)
	b, err := os.ReadFile(proc + "/stat")
	if err != nil {
		return true
	}
	i := bytes.LastIndexByte(b, ')')
	if i < 0 || i+2 >= len(b) || b[i+2] == 'Z' || b[i+2] == 'X' {
		return true
	}
	cwd, err := os.Readlink(proc + "/cwd")
	return err == nil && cwd != p.dir
}

func (p *process) markExited() { p.once.Do(func() { close(p.exited) }) }

func (p *process) qmp() *qmp.Conn {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.conn
}

// command runs a QMP command, bounded in time.
func (p *process) command(ctx context.Context, name string) error {
	c := p.qmp()
	if c == nil {
		return errors.New("qmp not connected yet")
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	return c.Execute(ctx, name, nil, nil)
}

// inspect says what QEMU reports about a guest, for a log line about one
// that did not boot: its run state and where each vCPU is (halted, or
// running at an address in firmware, the kernel's decompressor or the
// kernel), so that a hung guest can be told from a slow one.
func (p *process) inspect(ctx context.Context) string {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	c := p.qmp()
	for ; c == nil; c = p.qmp() { // QEMU may not listen yet
		select {
		case <-ctx.Done():
			return "qmp not connected"
		case <-tick.C:
		}
	}
	var status struct {
		Status string `json:"status"`
	}
	if err := c.Execute(ctx, "query-status", nil, &status); err != nil {
		return err.Error()
	}
	var regs string
	err := c.Execute(ctx, "human-monitor-command", map[string]string{"command-line": "info registers -a"}, &regs)
	if err != nil {
		return "status=" + status.Status + " " + err.Error()
	}
	return "status=" + status.Status + " " + strings.Join(instructionPointers(regs), " ")
}

// instructionPointers picks each CPU's instruction pointer (RIP, or EIP
// before the guest is in long mode) and halt flag out of "info registers -a".
func instructionPointers(regs string) []string {
	var out []string
	cpu := ""
	for _, line := range strings.Split(regs, "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "CPU#") {
			cpu = line
			continue
		}
		var ip, hlt string
		for _, f := range strings.Fields(line) {
			switch {
			case strings.HasPrefix(f, "RIP="), strings.HasPrefix(f, "EIP="):
				ip = f
			case strings.HasPrefix(f, "HLT="):
				hlt = f
			}
		}
		if ip != "" {
			out = append(out, strings.TrimSpace(cpu+" "+ip+" "+hlt))
		}
	}
	return out
}

// kill sends SIGKILL, to a process that is still the one we know.
func (p *process) kill() error {
	if p.child != nil {
		return p.child.Kill()
	}
	if !p.ours() {
		return nil
	}
	return syscall.Kill(p.pid, syscall.SIGKILL)
}

// ours reports whether p's pid is alive and is the QEMU (exe) this driver
// started in its machine's directory: that guards against a pid reused by
// another process, or a shell an operator left in the directory. A zombie
// has neither, so it is not alive.
func (p *process) ours() bool {
	if p.pid <= 0 {
		return false
	}
	proc := "/proc/" + strconv.Itoa(p.pid)
	cwd, err := os.Readlink(proc + "/cwd")
	if err != nil || cwd != p.dir {
		return false
	}
	exe, err := os.Readlink(proc + "/exe")
	// An upgrade of QEMU leaves running VMs on the old, deleted binary.
	return err == nil && strings.TrimSuffix(exe, " (deleted)") == p.exe
}

// start runs QEMU with args in m's directory, in a session of its own so
// that it outlives vmplane and no signal to vmplane's process group
// reaches it.
func (d *Driver) start(m *machine, args []string) (*process, error) {
	for _, f := range []string{consoleFile, socketFile, pidFile} {
		os.Remove(m.path(f))
	}
	log, err := os.OpenFile(m.path(logFile), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	defer log.Close()
	fmt.Fprintf(log, "== %s %s %s\n", time.Now().UTC().Format(time.RFC3339), d.cfg.QEMU, strings.Join(args, " "))
	cmd := exec.Command(d.cfg.QEMU, args...)
	cmd.Dir = m.dir
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &process{pid: cmd.Process.Pid, dir: m.dir, exe: d.cfg.QEMU, child: cmd.Process, exited: make(chan struct{})}
	go func() {
		cmd.Wait() // reap at once: a zombie would look alive to /proc
		p.markExited()
		d.notify(m.key)
	}()
	go d.attach(m, p)
	return p, nil
}

// adopt takes over the QEMU process found running in m's directory, if
// any; pids maps directories to the processes running in them. The pid file
// is not enough: QEMU writes it a moment after it starts.
func (d *Driver) adopt(m *machine, pids map[string]int) *process {
	p := &process{pid: pids[m.dir], dir: m.dir, exe: d.cfg.QEMU, exited: make(chan struct{})}
	if !p.ours() {
		return nil
	}
	go d.attach(m, p)
	return p
}

// processesIn maps each directory under root to the QEMU (exe) process
// running in it.
func processesIn(root, exe string) map[string]int {
	out := make(map[string]int)
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		cwd, err := os.Readlink("/proc/" + e.Name() + "/cwd")
		if err == nil && filepath.Dir(cwd) == root && (&process{pid: pid, dir: cwd, exe: exe}).ours() {
			out[cwd] = pid
		}
	}
	return out
}

// attach connects to p's QMP socket, retrying while QEMU starts, and
// watches the connection: its end is the process's end (an adopted
// process is reaped by init, possibly seconds later, so its pid is not a
// timely signal).
func (d *Driver) attach(m *machine, p *process) {
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		ctx, cancel := context.WithTimeout(d.ctx, 2*time.Second)
		c, err := qmp.Dial(ctx, m.path(socketFile))
		cancel()
		if err == nil {
			p.mu.Lock()
			p.conn = c
			p.mu.Unlock()
			break
		}
		if p.child == nil && !p.ours() {
			p.markExited()
			d.notify(m.key)
			return
		}
		select {
		case <-p.exited:
			return
		case <-d.ctx.Done():
			return
		case <-tick.C:
		}
	}
	go func() {
		for ev := range p.conn.Events() {
			d.log.Debug("qemu event", "machine", m.key, "event", ev.Name, "data", string(ev.Data))
		}
	}()
	select {
	case <-p.conn.Done():
		if p.child == nil {
			p.markExited()
			d.notify(m.key)
		}
	case <-d.ctx.Done():
		p.conn.Close()
	}
}

// stopping is a power-off under way: the ACPI power button, pressed again
// every PressInterval until PowerButtonTimeout, then QMP quit, then SIGKILL
// after QuitTimeout. A hard power-off starts at quit.
type stopping struct {
	step    string
	began   time.Time
	hard    bool
	presses int
	pressed time.Time
	quit    bool
	killed  bool
}

// advance does what is due in the power-off sequence and returns when the
// next thing is due.
func (d *Driver) advance(ctx context.Context, m *machine, p *process, s *stopping) time.Time {
	now := time.Now()
	button := s.began
	if !s.hard {
		button = s.began.Add(d.cfg.PowerButtonTimeout)
	}
	killAt := button.Add(d.cfg.QuitTimeout)
	switch {
	case now.Before(button):
		next := s.pressed.Add(d.cfg.PressInterval)
		if s.presses > 0 && now.Before(next) {
			return earliest(next, button)
		}
		// A press before the guest handles the button is lost, and so
		// may one be in flight while QMP connects: press again later.
		if err := p.command(ctx, "system_powerdown"); err != nil {
			d.log.Debug("power button", "machine", m.key, "err", err)
		}
		s.presses++
		s.pressed = now
		return earliest(now.Add(d.cfg.PressInterval), button)
	case now.Before(killAt):
		if !s.quit {
			s.quit = true
			if !s.hard {
				d.log.Warn("guest ignored the power button; quitting QEMU", "machine", m.key, "presses", s.presses)
			}
			if err := p.command(ctx, "quit"); err != nil {
				d.log.Debug("qmp quit", "machine", m.key, "err", err)
			}
		}
		return killAt
	default:
		if !s.killed {
			s.killed = true
			d.log.Warn("QEMU did not quit; killing it", "machine", m.key, "pid", p.pid)
			if err := p.kill(); err != nil {
				d.log.Error("kill QEMU", "machine", m.key, "pid", p.pid, "err", err)
			}
		}
		return now.Add(time.Second)
	}
}

func earliest(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}
