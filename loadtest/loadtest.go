// Package loadtest is vmplane's load tool (`vmplane bench`). It starts a
// server in a child process (or targets a running one), seeds instances
// through the admin API, and runs concurrent clients, each a closed loop or
// paced to an offered load, that sign every request as the real clients
// do. Next to each workload it measures,
// in the same run and with the same client and concurrency, the machine's
// ceilings: a bare net/http server answering a fixed body of the same size,
// and raw SQLite transactions with vmplane's durability settings. Figures
// are reported as ratios to those ceilings, so that they compare across
// machines.
package loadtest

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/vmplane/vmplane"
)

// CeilingCommand is the hidden vmplane subcommand that runs an HTTP
// ceiling (ServeCeiling) in a process of its own.
const CeilingCommand = "bench-ceiling"

// ServerBanner starts the line `vmplane serve` prints once it listens.
const ServerBanner = "vmplane listening on "

// Config configures a run. Zero values take the defaults of `vmplane bench`.
type Config struct {
	// Exe is the vmplane binary run for the server and the HTTP ceilings
	// (default: the running executable).
	Exe string
	// Target is the URL of a running server to load instead of starting
	// one. Its memory is measured only when PID is given.
	Target string
	PID    int
	// AdminToken is the target's admin token, if it has one.
	AdminToken string
	// Dir holds the started server's data and the storage ceiling's
	// database: keep it on the disk you want measured. Default: a temporary
	// directory, removed afterwards.
	Dir string
	// Instances is how many instances are seeded for each cloud a
	// workload needs (default 100,000).
	Instances int
	// Clients is how many clients run concurrently (default 64).
	Clients int
	// Rate, when set, paces the clients to that many requests a second in
	// all, each client one every Clients/Rate seconds: an open loop, whose
	// latencies are those of a server at that load rather than at
	// saturation. 0 is a closed loop: each client sends as soon as it is
	// answered. The storage ceiling is always a closed loop.
	Rate float64
	// Duration is how long each workload and each ceiling is measured
	// (default 10s), after Warmup (default 1s).
	Duration, Warmup time.Duration
	// Rounds splits Duration into slices that alternate a workload with
	// its HTTP ceiling (default 5), so that a machine whose load drifts
	// weighs on both alike.
	Rounds int
	// Workloads to run (default: all of Workloads).
	Workloads []Workload
	// NoCeilings skips the ceilings.
	NoCeilings bool
	// ProfileDir, when set, receives the server's CPU profile of each
	// workload's measurement and its heap profile after it
	// (<workload>.cpu.pprof, <workload>.heap.pprof), for go tool pprof.
	ProfileDir string
	// Startups is how many servers are started on an empty data directory
	// to time their start (default 5; the last one is loaded).
	Startups int
	// Log receives progress as the run goes (default: discarded).
	Log io.Writer
}

func (c *Config) defaults() error {
	// The clients write requests on plain connections of their own, as the
	// HTTP ceiling is measured: TLS would measure the handshake's and the
	// cipher's cost, in vmplane's run only.
	if strings.HasPrefix(strings.ToLower(c.Target), "https:") {
		return fmt.Errorf("the load tool speaks plain HTTP: load a server that serves it (%s)", c.Target)
	}
	if c.Exe == "" && (c.Target == "" || !c.NoCeilings) {
		exe, err := os.Executable()
		if err != nil {
			return err
		}
		c.Exe = exe
	}
	if c.Instances <= 0 {
		c.Instances = 100_000
	}
	if c.Clients <= 0 {
		c.Clients = 64
	}
	if c.Duration <= 0 {
		c.Duration = 10 * time.Second
	}
	if c.Warmup < 0 {
		c.Warmup = 0
	} else if c.Warmup == 0 {
		c.Warmup = time.Second
	}
	if c.Rate < 0 || math.IsNaN(c.Rate) || math.IsInf(c.Rate, 0) {
		return fmt.Errorf("rate %v: want requests a second, or 0 for a closed loop", c.Rate)
	}
	if c.Rounds <= 0 {
		c.Rounds = 5
	}
	if c.Workloads == nil {
		c.Workloads = Workloads
	}
	if c.Startups <= 0 {
		c.Startups = 5
	}
	if c.Log == nil {
		c.Log = io.Discard
	}
	if slice := c.Duration / time.Duration(c.Rounds); c.Rate > 0 && c.interval() >= slice {
		return fmt.Errorf("rate %v: each of %d clients would send less than once in a %v slice of the measurement", c.Rate, c.Clients, slice)
	}
	for _, w := range c.Workloads {
		if w.Writes && c.Instances < c.Clients {
			return fmt.Errorf("workload %s needs at least one instance per client (%d instances, %d clients)", w.Name, c.Instances, c.Clients)
		}
	}
	return nil
}

// interval is the time between two requests of one client: 0 in a closed
// loop.
func (c *Config) interval() time.Duration {
	if c.Rate <= 0 {
		return 0
	}
	return time.Duration(float64(c.Clients) / c.Rate * float64(time.Second))
}

// Run measures what Config asks for and reports it. A workload's errors do
// not stop the run: they are in the report, which says whether it passed.
func Run(ctx context.Context, cfg Config) (rep *Report, err error) {
	if err := cfg.defaults(); err != nil {
		return nil, err
	}
	if cfg.ProfileDir != "" {
		// Now, not when the first profile is due, after the seeding.
		if err := os.MkdirAll(cfg.ProfileDir, 0o755); err != nil {
			return nil, err
		}
	}
	rep = &Report{Machine: ReadMachine(), Instances: cfg.Instances, Clients: cfg.Clients, Rate: cfg.Rate, Duration: cfg.Duration, Warmup: cfg.Warmup}
	logf := func(format string, args ...any) { fmt.Fprintf(cfg.Log, format+"\n", args...) }

	dir := cfg.Dir
	if dir == "" {
		if dir, err = os.MkdirTemp("", "vmplane-bench-"); err != nil {
			return nil, err
		}
		defer os.RemoveAll(dir)
	}

	url, pid := cfg.Target, cfg.PID
	var srv *process
	if url == "" {
		srv, err = startServers(ctx, cfg, dir, rep, logf)
		if err != nil {
			return nil, err
		}
		defer func() {
			if srv != nil {
				err = errors.Join(err, srv.stop())
			}
		}()
		url, pid = srv.URL, srv.pid()
	}
	rep.Target, rep.Given = url, cfg.Target != ""

	adm := &adminClient{url: url, token: cfg.AdminToken, hc: &http.Client{Timeout: 10 * time.Minute}}
	fleet, err := seed(ctx, cfg, adm, rep, logf)
	if err != nil {
		return rep, err
	}
	if pid != 0 {
		rep.SeedPeakRSS, _ = peakRSS(pid)
	}
	// The workloads load the server restarted on what was seeded: a
	// server's state as it is after a restart, not the leftovers of
	// seeding, and the restart is timed with every instance in place.
	if srv != nil {
		if srv, err = restart(ctx, cfg, srv, rep); err != nil {
			return rep, err
		}
		url, pid, adm.url = srv.URL, srv.pid(), srv.URL
		logf("restart to ready with %d instances: %s (%s of CPU), RSS %s after loading", rep.Seeded, ms(rep.Restart), cpuMS(rep.RestartCPU), mib(rep.RestartRSS))
	}

	for _, w := range cfg.Workloads {
		run := WorkloadRun{Workload: w}
		if pid != 0 {
			resetPeakRSS(pid)
		}
		profiled := profile(ctx, cfg, adm, w.Name)
		if err := compare(ctx, cfg, w, fleet, url, pid, &run); err != nil {
			return rep, err
		}
		if err := profiled(); err != nil {
			return rep, fmt.Errorf("profile %s: %w", w.Name, err)
		}
		if pid != 0 {
			run.PeakRSS, _ = peakRSS(pid)
		}
		logf("%s", run.line())
		if run.Ceiling != nil {
			logf("  %s", run.ceilingLine())
		}
		rep.Runs = append(rep.Runs, run)
	}

	if !cfg.NoCeilings {
		if rep.Storage, err = storageCeiling(ctx, dir, cfg.Clients, cfg.Warmup, cfg.Duration); err != nil {
			return rep, fmt.Errorf("storage ceiling: %w", err)
		}
		logf("storage ceiling: %s", describe(rep.Storage))
	}

	rep.PeakRSS = maxRunRSS(rep.Runs)
	return rep, nil
}

// serverArgs runs vmplane serve on a free port, with operations that
// complete on the worker's next tick, and quiet logs.
func serverArgs(dir string, key vmplane.Key, project string) []string {
	return []string{"serve", "--listen", "127.0.0.1:0", "--data", dir, "--log-level", "warn", "--time-scale", "0",
		"--access-key", key.AccessKey, "--secret-key", key.SecretKey, "--project-id", project}
}

// startServers times cfg.Startups starts of a server on an empty data
// directory and returns the last server, which the run then loads.
func startServers(ctx context.Context, cfg Config, dir string, rep *Report, logf func(string, ...any)) (*process, error) {
	key, project := vmplane.GenerateKey(), vmplane.GenerateProjectID()
	rep.serverDir = filepath.Join(dir, "data")
	for i := range cfg.Startups {
		d := rep.serverDir
		if i < cfg.Startups-1 {
			d = filepath.Join(dir, "startup-"+strconv.Itoa(i))
		}
		p, err := startProcess(ctx, cfg.Exe, serverArgs(d, key, project), ServerBanner, "/healthz")
		if err != nil {
			return nil, fmt.Errorf("start server: %w", err)
		}
		rep.Startups, rep.StartupCPU = append(rep.Startups, p.Ready), append(rep.StartupCPU, p.ReadyCPU)
		if i == cfg.Startups-1 {
			wall, cpu := rep.Startup()
			logf("start-up to /healthz on an empty data directory: median %s (%s of CPU) of %d", ms(wall), cpuMS(cpu), cfg.Startups)
			rep.args = serverArgs(d, key, project)
			return p, nil
		}
		if err := p.stop(); err != nil {
			return nil, err
		}
		os.RemoveAll(d)
	}
	panic("unreachable")
}

// seed reads the account, and seeds cfg.Instances instances for each
// cloud the workloads need, of a spec that can change to another one.
func seed(ctx context.Context, cfg Config, adm *adminClient, rep *Report, logf func(string, ...any)) (*Fleet, error) {
	acct, err := adm.account(ctx)
	if err != nil {
		return nil, err
	}
	fleet := &Fleet{Account: acct, Clients: cfg.Clients, clouds: make(map[string]*Seeded)}
	start := time.Now()
	for _, w := range cfg.Workloads {
		if fleet.clouds[w.Cloud] != nil {
			continue
		}
		cat, err := adm.catalog(ctx, w.Cloud)
		if err != nil {
			return nil, err
		}
		s, err := pickSpecs(w.Cloud, cat)
		if err != nil {
			return nil, err
		}
		t := time.Now()
		if s.IDs, err = adm.seed(ctx, w.Cloud, s.Spec, s.Zone, cfg.Instances); err != nil {
			return nil, fmt.Errorf("seed %s: %w", w.Cloud, err)
		}
		fleet.clouds[w.Cloud] = s
		rep.Seeded += len(s.IDs)
		logf("seeded %d %s instances (%s in %s) in %s", len(s.IDs), w.Cloud, s.Spec, s.Zone, time.Since(t).Round(time.Millisecond))
	}
	rep.SeedTime = time.Since(start)
	return fleet, nil
}

// pickSpecs chooses, from a cloud's catalog, the first spec that can change
// to another in the first zone that offers it.
func pickSpecs(cloud string, cat *vmplane.Catalog) (*Seeded, error) {
	for i := range cat.Specs {
		spec := &cat.Specs[i]
		for _, z := range cat.Zones {
			if !spec.OfferedIn(z.ID) || z.NoResize {
				continue
			}
			if targets := cat.ResizeTargets(spec, z.ID); len(targets) > 0 {
				return &Seeded{Spec: spec.ID, AltSpec: targets[0].ID, Zone: z.ID, Region: z.Region}, nil
			}
		}
	}
	return nil, fmt.Errorf("the %s catalog has no spec that can change to another", cloud)
}

func clientsOf(w Workload, f *Fleet, base string) []Client {
	clients := make([]Client, f.Clients)
	for i := range clients {
		clients[i] = w.NewClient(f, base, i)
	}
	return clients
}

// compare measures workload w in cfg.Rounds slices of cfg.Duration, each
// followed by the same slice of its HTTP ceiling: the same requests from
// the same clients to a bare HTTP server, in a process of its own, that
// answers each with a fixed body the size of the workload's mean answer.
// Each slice also counts the CPU time the server (of process pid, when
// known) and the clients spent.
func compare(ctx context.Context, cfg Config, w Workload, f *Fleet, url string, pid int, run *WorkloadRun) error {
	server := newTarget(clientsOf(w, f, url), true)
	server.pid, server.interval = pid, cfg.interval()
	defer server.close()
	// The warm-up opens the connections, and tells the answers' size.
	warm := server.run(ctx, 0, cfg.Warmup)
	run.Result = &Result{WarmupErrors: warm.TotalErrors(), Samples: warm.Samples}
	var ceiling *target
	if !cfg.NoCeilings {
		ct := cmp.Or(warm.ContentType, "application/json")
		args := []string{CeilingCommand, "--listen", "127.0.0.1:0", "--size", strconv.Itoa(warm.MeanBody()), "--content-type", ct}
		p, err := startProcess(ctx, cfg.Exe, args, CeilingBanner, "/")
		if err != nil {
			return fmt.Errorf("HTTP ceiling for %s: %w", w.Name, err)
		}
		defer p.stop()
		ceiling, run.Ceiling = newTarget(clientsOf(w, f, p.URL), false), &Result{}
		ceiling.pid, ceiling.interval = p.pid(), cfg.interval()
		defer ceiling.close()
		ceiling.run(ctx, 0, cfg.Warmup)
	}
	slice := cfg.Duration / time.Duration(cfg.Rounds)
	for range cfg.Rounds {
		run.Result.add(server.round(ctx, slice))
		if ceiling != nil {
			run.Ceiling.add(ceiling.round(ctx, slice))
		}
	}
	return ctx.Err()
}

// profile starts taking the server's CPU profile of the measurement about
// to start, when cfg asks for profiles; the function it returns waits for
// it, then takes a heap profile.
func profile(ctx context.Context, cfg Config, adm *adminClient, name string) (wait func() error) {
	if cfg.ProfileDir == "" {
		return func() error { return nil }
	}
	errc := make(chan error, 1)
	go func() {
		select {
		case <-time.After(cfg.Warmup):
		case <-ctx.Done():
			errc <- ctx.Err()
			return
		}
		measured := cfg.Duration
		if !cfg.NoCeilings {
			measured *= 2 // the ceiling's slices alternate with the workload's
		}
		seconds := int(math.Ceil(measured.Seconds()))
		errc <- adm.download(ctx, "debug/pprof/profile?seconds="+strconv.Itoa(seconds), filepath.Join(cfg.ProfileDir, name+".cpu.pprof"))
	}()
	return func() error {
		if err := <-errc; err != nil {
			return err
		}
		return adm.download(ctx, "debug/pprof/heap", filepath.Join(cfg.ProfileDir, name+".heap.pprof"))
	}
}

// restart stops the server and times its start on the data it kept.
func restart(ctx context.Context, cfg Config, srv *process, rep *Report) (*process, error) {
	if err := srv.stop(); err != nil {
		return nil, fmt.Errorf("stop server: %w", err)
	}
	p, err := startProcess(ctx, cfg.Exe, rep.args, ServerBanner, "/healthz")
	if err != nil {
		return nil, fmt.Errorf("restart server: %w", err)
	}
	rep.Restart, rep.RestartCPU = p.Ready, p.ReadyCPU
	rep.RestartRSS, _ = currentRSS(p.pid())
	return p, nil
}
