// Package qemutest prepares tests that boot real virtual machines: it
// skips them when QEMU is not installed, builds the guest once when it is
// missing, and counts the tests that ran for CI.
package qemutest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/vmplane/vmplane/qemu"
)

var (
	buildOnce sync.Once
	buildErr  error
	logged    sync.Map // testing.TB → true, for the tests already counted
)

// Need skips t when qemu-system-x86_64 is absent and otherwise returns the
// guest directory, building the guest with mkguest.sh if it is missing. If
// $VMPLANE_VM_TEST_LOG names a file, each VM test that passes appends its
// name to it, so CI can say how many ran.
func Need(t testing.TB) (guest string) {
	t.Helper()
	if _, err := exec.LookPath("qemu-system-x86_64"); err != nil {
		t.Skip("QEMU is not installed (qemu-system-x86_64 not in PATH): skipping a test that boots real VMs; install qemu-system-x86 to run it")
	}
	guest = qemu.DefaultGuestDir()
	buildOnce.Do(func() { buildErr = build(guest) })
	if buildErr != nil {
		t.Fatalf("QEMU is installed but the guest could not be built: %v", buildErr)
	}
	if _, counted := logged.LoadOrStore(t, true); counted {
		return guest // a test that needs QEMU twice is one VM test
	}
	if log := os.Getenv("VMPLANE_VM_TEST_LOG"); log != "" {
		t.Cleanup(func() {
			if t.Failed() || t.Skipped() {
				return
			}
			f, err := os.OpenFile(log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
			if err != nil {
				t.Errorf("VM test log: %v", err)
				return
			}
			defer f.Close()
			fmt.Fprintln(f, t.Name())
		})
	}
	return guest
}

func build(guest string) error {
	if _, err := os.Stat(filepath.Join(guest, "initramfs.cpio.gz")); err == nil {
		return nil
	}
	_, file, _, _ := runtime.Caller(0)
	script := filepath.Join(filepath.Dir(file), "..", "guest", "mkguest.sh")
	out, err := exec.Command(script, guest).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s %s: %v\n%s", script, guest, err, out)
	}
	return nil
}

// Processes returns the pids of the live processes (QEMUs) whose working
// directory is under dir, by directory: the driver runs each machine's
// QEMU in that machine's directory. Zombies do not count (see Alive).
func Processes(t testing.TB, dir string) map[string][]int {
	t.Helper()
	entries, err := os.ReadDir("/proc")
	if err != nil {
		t.Fatal(err)
	}
	out := make(map[string][]int)
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		cwd, err := os.Readlink(filepath.Join("/proc", e.Name(), "cwd"))
		if err != nil || !strings.HasPrefix(cwd, dir+string(filepath.Separator)) || !Alive(pid) {
			continue
		}
		out[cwd] = append(out[cwd], pid)
	}
	return out
}

// Alive reports whether pid runs: a zombie has exited, only its parent's
// wait is missing (on some hosts init reaps orphans seconds late).
func Alive(pid int) bool {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return false
	}
	i := strings.LastIndexByte(string(b), ')')
	return i > 0 && i+2 < len(b) && b[i+2] != 'Z' && b[i+2] != 'X'
}
