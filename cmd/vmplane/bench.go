package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/vmplane/vmplane/loadtest"
)

// bench runs the load tool: `vmplane bench`.
func bench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("vmplane bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg loadtest.Config
	fs.StringVar(&cfg.Target, "target", "", "URL of a running server to load, started with --time-scale 0 for the workloads that change instances (default: start one in a child process)")
	fs.IntVar(&cfg.PID, "pid", 0, "process id of the --target server, to measure its memory")
	fs.StringVar(&cfg.AdminToken, "admin-token", "", "the --target server's admin token")
	fs.StringVar(&cfg.Dir, "dir", "", "directory for the started server's data and the storage ceiling (default: a temporary one)")
	fs.IntVar(&cfg.Instances, "n", 100_000, "instances seeded for each cloud a workload uses")
	fs.IntVar(&cfg.Clients, "c", 64, "concurrent clients, one connection each")
	fs.Float64Var(&cfg.Rate, "rate", 0, "requests a second from all clients together, each client paced (an open loop; latency counts from when a request was due); 0: each client sends as soon as it is answered (a closed loop)")
	fs.DurationVar(&cfg.Duration, "duration", 0, "how long each workload and each ceiling is measured (default 10s)")
	fs.DurationVar(&cfg.Warmup, "warmup", 0, "unmeasured time before each measurement (default 1s; negative: none)")
	fs.IntVar(&cfg.Rounds, "rounds", 5, "slices each measurement is split into, alternating a workload with its HTTP ceiling")
	fs.IntVar(&cfg.Startups, "startups", 5, "starts of a server on an empty data directory to time")
	fs.BoolVar(&cfg.NoCeilings, "no-ceilings", false, "skip the HTTP and storage ceilings")
	fs.StringVar(&cfg.ProfileDir, "profile", "", "directory for the server's CPU and heap profiles of each workload (go tool pprof)")
	workloads := fs.String("workloads", "", "comma-separated workloads to run (default: all): "+names())
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: vmplane bench [flags]\n\nSeeds instances, loads a server with signed requests, and measures each\nworkload next to the machine's ceilings in the same run. Flags:\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	var list []string
	if *workloads != "" {
		list = strings.Split(*workloads, ",")
	}
	w, err := loadtest.Lookup(list)
	if err != nil {
		return err
	}
	if len(w) == 0 {
		return fmt.Errorf("no workload to run: no cloud API is built in")
	}
	cfg.Workloads, cfg.Log = w, stderr
	rep, err := loadtest.Run(ctx, cfg)
	if rep != nil {
		if werr := rep.Write(stdout); err == nil {
			err = werr
		}
	}
	if err == nil && rep.Errors() > 0 {
		err = fmt.Errorf("%d requests failed", rep.Errors())
	}
	return err
}

func names() string {
	var out []string
	for _, w := range loadtest.Workloads {
		out = append(out, w.Name)
	}
	return strings.Join(out, ", ")
}

// benchCeiling serves the HTTP ceiling the load tool measures its
// workloads against, in a process of its own.
func benchCeiling(ctx context.Context, args []string, stderr, stdout io.Writer) error {
	fs := flag.NewFlagSet(loadtest.CeilingCommand, flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", "127.0.0.1:0", "address to serve on")
	size := fs.Int("size", 1024, "size of the body every answer carries")
	contentType := fs.String("content-type", "application/json", "Content-Type of every answer")
	if err := fs.Parse(args); err != nil {
		return err
	}
	return loadtest.ServeCeiling(ctx, *listen, *size, *contentType, stdout)
}
