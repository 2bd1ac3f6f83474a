package qemu

import (
	"context"
	"os/exec"
	"strings"
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

func TestInstructionPointersNameEachCPUInEitherMode(t *testing.T) {
	// As QEMU 7.2 prints "info registers -a": CPU#0 in long mode, CPU#1
	// still in SeaBIOS's 32-bit mode, halted.
	regs := "\r\nCPU#0\r\nRAX=0000000004800000 RBX=0000000004339078 RCX=00000000001b7217 RDX=0000000000000004\r\n" +
		"RIP=000000000431dd4d RFL=00000007 [-----PC] CPL=0 II=0 A20=1 SMM=0 HLT=0\r\n" +
		"ES =0000 0000000000000000 00000000 00000000\r\n" +
		"CPU#1\r\nEAX=000d2720 EBX=00000cfc ECX=0002d53a EDX=00000cfc\r\n" +
		"EIP=fffebaba EFL=00000002 [-------] CPL=0 II=0 A20=1 SMM=0 HLT=1\r\n"
	got := strings.Join(instructionPointers(regs), "; ")
	want := "CPU#0 RIP=000000000431dd4d HLT=0; CPU#1 EIP=fffebaba HLT=1"
	if got != want {
		t.Errorf("instructionPointers = %q, want %q", got, want)
	}
}
