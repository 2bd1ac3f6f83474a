package loadtest

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// process is a child that serves HTTP: a vmplane server or an HTTP
// ceiling. Running each in its own process keeps its memory its own and
// gives it the same footing as the other.
type process struct {
	cmd  *exec.Cmd
	URL  string
	logs *tail
	// Ready is the time from starting the process to its first answer, and
	// ReadyCPU the CPU time it spent by then: on a busy machine, the one
	// figure that does not depend on what else runs.
	Ready, ReadyCPU time.Duration
	done            chan struct{}
}

// startProcess runs exe with args, reads its address from the first line of
// its standard output that starts with banner ("... listening on
// http://ADDR"), and returns once GET readyPath answers 200.
func startProcess(ctx context.Context, exe string, args []string, banner, readyPath string) (*process, error) {
	cmd := exec.Command(exe, args...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	p := &process{cmd: cmd, logs: &tail{max: 16 << 10}, done: make(chan struct{})}
	cmd.Stderr = p.logs
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	go func() { cmd.Wait(); close(p.done) }()
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if rest, ok := strings.CutPrefix(sc.Text(), banner); ok {
				addr <- strings.Fields(rest + " ")[0]
				break
			}
		}
		io.Copy(io.Discard, stdout)
	}()
	timeout := time.NewTimer(2 * time.Minute)
	defer timeout.Stop()
	select {
	case p.URL = <-addr:
	case <-p.done:
		return nil, fmt.Errorf("%s exited before serving: %s", exe, p.logs)
	case <-timeout.C:
		p.kill()
		return nil, fmt.Errorf("%s did not start within 2 minutes: %s", exe, p.logs)
	case <-ctx.Done():
		p.kill()
		return nil, ctx.Err()
	}
	// The banner comes right before the server accepts; the first request
	// is part of the time to ready.
	resp, err := http.Get(p.URL + readyPath)
	if err != nil {
		p.kill()
		return nil, fmt.Errorf("%s: %w", readyPath, err)
	}
	resp.Body.Close()
	p.Ready = time.Since(start)
	p.ReadyCPU, _ = cpuTime(p.pid())
	if resp.StatusCode != http.StatusOK {
		p.kill()
		return nil, fmt.Errorf("%s: %s", readyPath, resp.Status)
	}
	return p, nil
}

func (p *process) pid() int { return p.cmd.Process.Pid }

// stop asks the process to shut down cleanly and waits, killing it after a
// while.
func (p *process) stop() error {
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(time.Minute):
		p.kill()
		return errors.New("did not stop within a minute of SIGTERM: killed")
	}
	if st := p.cmd.ProcessState; st != nil && !st.Success() {
		return fmt.Errorf("exited with %s: %s", st, p.logs)
	}
	return nil
}

func (p *process) kill() {
	p.cmd.Process.Kill()
	<-p.done
}

// tail keeps the last bytes written to it: a child's recent logs.
type tail struct {
	mu  sync.Mutex
	buf []byte
	max int
}

func (t *tail) Write(b []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, b...)
	if over := len(t.buf) - t.max; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
	return len(b), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(bytes.TrimSpace(t.buf))
}

// peakRSS returns a process's peak resident set size (VmHWM) in bytes.
func peakRSS(pid int) (int64, error) { return statusKiB(pid, "VmHWM:") }

// currentRSS returns a process's resident set size (VmRSS) in bytes.
func currentRSS(pid int) (int64, error) { return statusKiB(pid, "VmRSS:") }

func statusKiB(pid int, field string) (int64, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for line := range strings.SplitSeq(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, field); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10, err
		}
	}
	return 0, fmt.Errorf("no %s in /proc/%d/status", field, pid)
}

// cpuTime returns the CPU time (user and system) a process has used so far.
func cpuTime(pid int) (time.Duration, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The fields after the command name, which ends at the last ")":
	// state is the first, utime and stime the 12th and 13th.
	i := bytes.LastIndexByte(data, ')')
	f := strings.Fields(string(data[i+1:]))
	if i < 0 || len(f) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat: unexpected format", pid)
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("/proc/%d/stat: unexpected format", pid)
	}
	return time.Duration(utime+stime) * time.Second / clockTicks, nil
}

// clockTicks is USER_HZ, the unit of /proc times: 100 on every Linux
// architecture Go runs on.
const clockTicks = 100

// resetPeakRSS makes the peak start again from the current RSS, so that each
// workload's peak is its own (Linux: "5" to /proc/PID/clear_refs).
func resetPeakRSS(pid int) error {
	return os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", pid), []byte("5"), 0)
}
