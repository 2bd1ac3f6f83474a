package qemu

import (
	"context"
	"os/exec"
	"syscall"
	"testing"
	"time"
)

// startSleep runs sleep in dir, as the driver runs QEMU in a machine's
// directory.
func startSleep(t *testing.T, dir string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command("sleep", "60")
	cmd.Dir = dir
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return cmd
}

func TestProcessEndedOnlyOnceItIsGoneOrAZombie(t *testing.T) {
	dir := t.TempDir()
	cmd := startSleep(t, dir)
	// Adopted: not our child as far as the process struct knows.
	p := &process{pid: cmd.Process.Pid, dir: dir, exited: make(chan struct{})}
	if p.ended() {
		t.Fatal("a running process has ended")
	}
	if other := (&process{pid: cmd.Process.Pid, dir: t.TempDir()}); !other.ended() {
		t.Error("a pid running in another directory is the machine's process")
	}
	// Its QMP connection ending is not its end.
	p.markExited()
	if p.wait(context.Background(), 100*time.Millisecond) {
		t.Fatal("wait took the end of the connection for the end of the process")
	}
	if err := syscall.Kill(p.pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	// Unreaped, it is a zombie: ended.
	if !p.wait(context.Background(), 10*time.Second) {
		t.Fatal("a killed process did not end")
	}
	cmd.Wait()
	if !p.ended() {
		t.Error("a reaped process has not ended")
	}
}
