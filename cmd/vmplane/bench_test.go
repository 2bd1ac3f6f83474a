package main

import (
	"bytes"
	"os/exec"
	"strings"
	"testing"

	"github.com/vmplane/vmplane/loadtest"
)

// `vmplane bench` starts its own server and ceilings as child processes,
// runs every workload briefly without an error, and reports each next to
// its ceilings, with the server's start-up, memory and restart.
func TestBenchRunsEveryWorkloadAgainstAChildServer(t *testing.T) {
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(binary, "bench", "-n", "64", "-c", "4", "--duration", "300ms", "--warmup", "100ms", "--startups", "2", "--dir", t.TempDir())
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("vmplane bench: %v\n%s\n%s", err, stdout.String(), stderr.String())
	}
	out := stdout.String()
	for _, want := range []string{"start-up to /healthz on an empty data directory: median", "storage ceiling", "server peak RSS", "restart to ready with"} {
		if !strings.Contains(out, want) {
			t.Errorf("the report lacks %q:\n%s", want, out)
		}
	}
	// A request that fails makes the command fail: it ran clean.
	for _, w := range loadtest.Workloads {
		if !strings.Contains(out, w.Name) {
			t.Errorf("the report lacks workload %s:\n%s", w.Name, out)
		}
	}
}

func TestBenchRefusesAnUnknownWorkload(t *testing.T) {
	out, err := exec.Command(binary, "bench", "--workloads", "nope").CombinedOutput()
	if err == nil || !strings.Contains(string(out), `unknown workload "nope"`) {
		t.Fatalf("%v: %s", err, out)
	}
}
