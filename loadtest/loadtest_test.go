package loadtest

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vmplane/vmplane"
	"github.com/vmplane/vmplane/vmplanetest"
)

// A short run against a server started in-process: every workload's
// requests are signed and answered without an error, each next to its HTTP
// ceiling (a child process), and the report shows it all.
func TestRunLoadsATargetWithoutErrors(t *testing.T) {
	// Operations complete on the worker's next tick, as with --time-scale 0.
	instant := map[vmplane.Kind]time.Duration{}
	for k := range vmplane.DefaultDurations {
		instant[k] = 0
	}
	srv := vmplanetest.NewServer(t, vmplanetest.Options{Durations: instant})
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	var progress bytes.Buffer
	rep, err := Run(context.Background(), Config{
		Exe: exe, Target: srv.URL(), Dir: t.TempDir(), Instances: 40, Clients: 4,
		Duration: 400 * time.Millisecond, Warmup: 100 * time.Millisecond, Workloads: Workloads, Log: &progress,
	})
	if err != nil {
		t.Fatalf("%v\n%s", err, progress.String())
	}
	if len(rep.Runs) != len(Workloads) || rep.Seeded != 40*seededClouds(Workloads) {
		t.Fatalf("%d runs, %d seeded", len(rep.Runs), rep.Seeded)
	}
	for _, run := range rep.Runs {
		if run.Result.Requests == 0 || run.Result.TotalErrors() != 0 {
			t.Errorf("%s: %d requests, %d errors: %v", run.Workload.Name, run.Result.Requests, run.Result.TotalErrors(), run.Result.Samples)
		}
		if run.Ceiling == nil || run.Ceiling.Requests == 0 || run.Ratio() <= 0 {
			t.Errorf("%s: no HTTP ceiling measured", run.Workload.Name)
		} else if run.Ceiling.ServerCPU <= 0 || run.Ceiling.ClientCPU <= 0 {
			t.Errorf("%s: the ceiling's CPU time was not counted: server %v, clients %v", run.Workload.Name, run.Ceiling.ServerCPU, run.Ceiling.ClientCPU)
		}
	}
	if rep.Storage == nil || rep.Storage.Requests == 0 {
		t.Error("no storage ceiling measured")
	}
	var out bytes.Buffer
	if err := rep.Write(&out); err != nil {
		t.Fatal(err)
	}
	for _, w := range Workloads {
		if !strings.Contains(out.String(), w.Name) {
			t.Errorf("the report does not show %s:\n%s", w.Name, out.String())
		}
	}
}

func seededClouds(ws []Workload) int {
	clouds := map[string]bool{}
	for _, w := range ws {
		clouds[w.Cloud] = true
	}
	return len(clouds)
}

func TestLookupKeepsOrderAndRefusesUnknownNames(t *testing.T) {
	if len(Workloads) < 2 {
		t.Skip("fewer than two workloads")
	}
	got, err := Lookup([]string{Workloads[1].Name, Workloads[0].Name})
	if err != nil || len(got) != 2 || got[0].Name != Workloads[1].Name {
		t.Fatalf("%v %v", got, err)
	}
	if _, err := Lookup([]string{"nope"}); err == nil || !strings.Contains(err.Error(), Workloads[0].Name) {
		t.Fatalf("an unknown name: %v", err)
	}
}

// With a profile directory, created if missing, each workload leaves the
// server's CPU profile of its measurement and a heap profile.
func TestRunProfilesTheServer(t *testing.T) {
	srv := vmplanetest.NewServer(t, vmplanetest.Options{})
	dir := filepath.Join(t.TempDir(), "profiles", "today")
	w, err := Lookup([]string{"huawei-show"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = Run(context.Background(), Config{Target: srv.URL(), Dir: t.TempDir(), Instances: 10, Clients: 2, NoCeilings: true,
		Duration: 100 * time.Millisecond, Warmup: 10 * time.Millisecond, Workloads: w, ProfileDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"huawei-show.cpu.pprof", "huawei-show.heap.pprof"} {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil || len(data) < 2 || data[0] != 0x1f || data[1] != 0x8b {
			t.Errorf("%s: %d bytes, %v", name, len(data), err)
		}
	}
}

func TestConfigRefusesARateTooLowToMeasure(t *testing.T) {
	for _, tc := range []struct {
		rate float64
		ok   bool
	}{{-1, false}, {0, true}, {10, false}, {64, true}, {4000, true}} {
		// 64 clients, 5 slices of 2 s: each client must be due at least once a slice.
		cfg := Config{Exe: "vmplane", Rate: tc.rate, Clients: 64, Duration: 10 * time.Second, Rounds: 5}
		if err := cfg.defaults(); (err == nil) != tc.ok {
			t.Errorf("rate %v: %v", tc.rate, err)
		}
	}
}

// The clients speak plain HTTP, as the ceiling is measured: an HTTPS
// target is refused before anything runs, not answered with errors.
func TestConfigRefusesAnHTTPSTarget(t *testing.T) {
	for target, ok := range map[string]bool{"https://127.0.0.1:8443": false, "HTTPS://h:1": false, "http://127.0.0.1:8080": true} {
		cfg := Config{Exe: "vmplane", Target: target, NoCeilings: true}
		if err := cfg.defaults(); (err == nil) != ok {
			t.Errorf("%s: %v", target, err)
		}
	}
}

// A server that takes its time over each change (started with its
// defaults) tells a cycling client that comes back to an instance too soon
// that it is busy: the report says which flag the target needs, and only
// for a target it was given.
func TestReportTellsATargetThatTakesItsTimeToCompleteOperationsAtOnce(t *testing.T) {
	srv := vmplanetest.NewServer(t, vmplanetest.Options{})
	w, err := Lookup([]string{"ncp-cycle"})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Run(context.Background(), Config{Target: srv.URL(), Dir: t.TempDir(), Instances: 4, Clients: 2, NoCeilings: true,
		Duration: 100 * time.Millisecond, Warmup: 10 * time.Millisecond, Workloads: w})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Errors() == 0 {
		t.Fatal("no client was told an instance was busy")
	}
	const hint = "--time-scale 0"
	var out bytes.Buffer
	if err := rep.Write(&out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), hint) {
		t.Errorf("the report does not say what the target needs:\n%s", out.String())
	}
	rep.Given = false
	out.Reset()
	if err := rep.Write(&out); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), hint) {
		t.Errorf("the report blames a server the run started itself:\n%s", out.String())
	}
}
