package loadtest

import (
	"cmp"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// Report is what a run measured.
type Report struct {
	Machine Machine
	Target  string
	// Given reports that Target was a running server (--target), not one
	// the run started.
	Given     bool
	Instances int
	Clients   int
	Rate      float64 // requests a second in an open loop; 0: a closed loop
	Duration  time.Duration
	Warmup    time.Duration

	// Startups are the times from starting a server on an empty data
	// directory to its first /healthz 200, and StartupCPU the CPU time of
	// the median one.
	Startups   []time.Duration
	StartupCPU []time.Duration
	// Seeded instances in all, in SeedTime.
	Seeded   int
	SeedTime time.Duration
	// SeedPeakRSS is the server's peak RSS up to the end of seeding. A
	// started server is then restarted for the workloads.
	SeedPeakRSS int64

	Runs []WorkloadRun
	// Storage is the storage ceiling.
	Storage *Result

	// PeakRSS is the server's peak RSS under the workloads.
	PeakRSS int64
	// Restart is the time from starting the server again on the run's data
	// to its first /healthz 200, RestartCPU the CPU time it spent by then,
	// and RestartRSS its RSS then.
	Restart, RestartCPU time.Duration
	RestartRSS          int64

	serverDir string
	args      []string
}

// WorkloadRun is one workload's figures and its HTTP ceiling's.
type WorkloadRun struct {
	Workload Workload
	Result   *Result
	// PeakRSS is the server's peak RSS during the workload.
	PeakRSS int64
	Ceiling *Result
}

// Ratio is the workload's throughput over its HTTP ceiling's, or 0.
func (r *WorkloadRun) Ratio() float64 {
	if r.Ceiling == nil || r.Ceiling.Throughput() == 0 {
		return 0
	}
	return r.Result.Throughput() / r.Ceiling.Throughput()
}

// CPURatio is the CPU time a request of the ceiling cost over one of the
// workload (server and clients both), or 0 when unknown. On a machine
// that other work keeps busy, it is the steadier of the two ratios.
func (r *WorkloadRun) CPURatio() float64 {
	if r.Ceiling == nil || r.Result.CPUPerRequest() == 0 || r.Ceiling.CPUPerRequest() == 0 {
		return 0
	}
	return float64(r.Ceiling.CPUPerRequest()) / float64(r.Result.CPUPerRequest())
}

// Startup is the median start-up time and its CPU time.
func (r *Report) Startup() (wall, cpu time.Duration) {
	if len(r.Startups) == 0 {
		return 0, 0
	}
	i := make([]int, len(r.Startups))
	for n := range i {
		i[n] = n
	}
	slices.SortFunc(i, func(a, b int) int { return cmp.Compare(r.Startups[a], r.Startups[b]) })
	m := i[len(i)/2]
	return r.Startups[m], r.StartupCPU[m]
}

// Errors counts every workload's errors.
func (r *Report) Errors() uint64 {
	var n uint64
	for _, run := range r.Runs {
		n += run.Result.TotalErrors()
	}
	return n
}

func maxRunRSS(runs []WorkloadRun) int64 {
	var m int64
	for _, r := range runs {
		m = max(m, r.PeakRSS)
	}
	return m
}

func (r *WorkloadRun) line() string {
	res := r.Result
	s := fmt.Sprintf("%s: %s", r.Workload.Name, describe(res))
	if c := res.CPUPerRequest(); c > 0 {
		s += ", " + cpuSplit(res)
	}
	if r.PeakRSS > 0 {
		s += ", peak RSS " + mib(r.PeakRSS)
	}
	return s
}

func (r *WorkloadRun) ceilingLine() string {
	return fmt.Sprintf("HTTP ceiling (%d-byte body): %s, %s; ratio %.2f, CPU ratio %.2f", r.Result.MeanBody(),
		describe(r.Ceiling), cpuSplit(r.Ceiling), r.Ratio(), r.CPURatio())
}

// cpuSplit says what a request cost in CPU time, and how much of it was
// the server's and how much the clients'.
func cpuSplit(r *Result) string {
	if r.Requests == 0 || r.ServerCPU == 0 {
		return "- of CPU a request"
	}
	n := time.Duration(r.Requests)
	return fmt.Sprintf("%s of CPU a request (server %s, clients %s)", us(r.CPUPerRequest()), us(r.ServerCPU/n), us(r.ClientCPU/n))
}

func describe(r *Result) string {
	s := fmt.Sprintf("%.0f/s, p50 %s, p99 %s, p99.9 %s, %d errors", r.Throughput(),
		ms(r.Latency.Quantile(0.5)), ms(r.Latency.Quantile(0.99)), ms(r.Latency.Quantile(0.999)), r.TotalErrors())
	if len(r.Samples) > 0 {
		s += " (first: " + r.Samples[0] + ")"
	}
	return s
}

// ms formats a duration in milliseconds, with the precision it deserves.
func ms(d time.Duration) string {
	v := float64(d) / float64(time.Millisecond)
	switch {
	case v >= 1000:
		return fmt.Sprintf("%.2f s", v/1000)
	case v >= 100:
		return fmt.Sprintf("%.0f ms", v)
	case v >= 10:
		return fmt.Sprintf("%.1f ms", v)
	default:
		return fmt.Sprintf("%.2f ms", v)
	}
}

// us formats a CPU time per request in microseconds, or "-" when unknown.
func us(d time.Duration) string {
	if d == 0 {
		return "-"
	}
	return fmt.Sprintf("%.0f µs", float64(d)/float64(time.Microsecond))
}

// cpuMS formats a CPU time read from /proc, which counts in 10 ms ticks.
func cpuMS(d time.Duration) string {
	if d < 10*time.Millisecond {
		return "< 10 ms"
	}
	return ms(d)
}

func mib(b int64) string { return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20)) }

// Write prints the report as the tables BENCHMARKS.md keeps.
func (r *Report) Write(w io.Writer) error {
	var b strings.Builder
	m := r.Machine
	fmt.Fprintf(&b, "vmplane bench, %s\n", m.Date.Format("2006-01-02 15:04 MST"))
	fmt.Fprintf(&b, "machine: %d × %s, %s memory, %s, load average %s at start\n", m.CPUs, m.CPU, mib(m.Memory), m.Go, m.Load)
	loop := "closed loop"
	if r.Rate > 0 {
		loop = fmt.Sprintf("open loop at %.0f requests/s (latency from when each was due)", r.Rate)
	}
	fmt.Fprintf(&b, "run: %d instances per cloud (%d seeded in %s), %d clients, %s, %s warm-up then %s per measurement\n",
		r.Instances, r.Seeded, r.SeedTime.Round(time.Millisecond), r.Clients, loop, r.Warmup, r.Duration)
	if len(r.Startups) > 0 {
		wall, cpu := r.Startup()
		fmt.Fprintf(&b, "start-up to /healthz on an empty data directory: median %s (%s of CPU) of %d, max %s\n", ms(wall), cpuMS(cpu), len(r.Startups), ms(slices.Max(r.Startups)))
	}
	b.WriteString("\n")

	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "workload\treq/s\tp50\tp99\tp99.9\terrors\tpeak RSS\tbody\tCPU/req\t| ceiling req/s\tp50\tp99\tCPU/req\t| ratio\tCPU ratio\t")
	for _, run := range r.Runs {
		res := run.Result
		ceiling, c50, c99, ccpu, ratio, cpuRatio := "-", "-", "-", "-", "-", "-"
		if c := run.Ceiling; c != nil {
			ceiling, ratio = fmt.Sprintf("%.0f", c.Throughput()), fmt.Sprintf("%.2f", run.Ratio())
			c50, c99, ccpu = ms(c.Latency.Quantile(0.5)), ms(c.Latency.Quantile(0.99)), us(c.CPUPerRequest())
			if run.CPURatio() > 0 {
				cpuRatio = fmt.Sprintf("%.2f", run.CPURatio())
			}
		}
		fmt.Fprintf(tw, "%s\t%.0f\t%s\t%s\t%s\t%d\t%s\t%d B\t%s\t| %s\t%s\t%s\t%s\t| %s\t%s\t\n", run.Workload.Name, res.Throughput(),
			ms(res.Latency.Quantile(0.5)), ms(res.Latency.Quantile(0.99)), ms(res.Latency.Quantile(0.999)),
			res.TotalErrors(), rss(run.PeakRSS), res.MeanBody(), us(res.CPUPerRequest()), ceiling, c50, c99, ccpu, ratio, cpuRatio)
	}
	tw.Flush()

	if s := r.Storage; s != nil {
		fmt.Fprintf(&b, "\nstorage ceiling (one-row SQLite transactions, vmplane's DSN, one connection): %s\n", describe(s))
		for _, run := range r.Runs {
			if run.Workload.Writes && s.Throughput() > 0 {
				fmt.Fprintf(&b, "  %s: %.2f of the storage ceiling\n", run.Workload.Name, run.Result.Throughput()/s.Throughput())
			}
		}
	}
	b.WriteString("\n")
	for _, run := range r.Runs {
		for _, e := range run.Result.Samples {
			fmt.Fprintf(&b, "error in %s: %s\n", run.Workload.Name, e)
		}
		if r.Given && run.Workload.Writes && len(run.Result.Samples) > 0 {
			// The likeliest cause: a server started with its defaults
			// takes seconds over each change, and a client that comes
			// back to an instance before then is told it is busy.
			fmt.Fprintf(&b, "  (%s changes each instance again when its client comes back to it: a --target server must complete operations at once, started with --time-scale 0)\n", run.Workload.Name)
		}
	}
	if r.Restart > 0 {
		fmt.Fprintf(&b, "restart to ready with %d instances: %s (%s of CPU), RSS %s after loading\n", r.Seeded, ms(r.Restart), cpuMS(r.RestartCPU), mib(r.RestartRSS))
	}
	if r.PeakRSS > 0 {
		fmt.Fprintf(&b, "server peak RSS under the workloads: %s (while seeding: %s)\n", mib(r.PeakRSS), mib(r.SeedPeakRSS))
	}
	fmt.Fprintf(&b, "workload descriptions:\n")
	for _, run := range r.Runs {
		fmt.Fprintf(&b, "  %s: %s\n", run.Workload.Name, run.Workload.Title)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func rss(b int64) string {
	if b == 0 {
		return "-"
	}
	return mib(b)
}

// Machine describes where a run ran.
type Machine struct {
	CPUs   int
	CPU    string
	Memory int64
	Go     string
	Load   string
	Date   time.Time
}

// ReadMachine describes this machine (Linux: from /proc).
func ReadMachine() Machine {
	m := Machine{CPUs: runtime.NumCPU(), CPU: "unknown CPU", Go: runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH, Load: "unknown", Date: time.Now()}
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for line := range strings.SplitSeq(string(data), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPU = strings.TrimSpace(v)
				break
			}
		}
	}
	if data, err := os.ReadFile("/proc/meminfo"); err == nil {
		var kb int64
		if _, err := fmt.Sscanf(string(data), "MemTotal: %d kB", &kb); err == nil {
			m.Memory = kb << 10
		}
	}
	if data, err := os.ReadFile("/proc/loadavg"); err == nil {
		if f := strings.Fields(string(data)); len(f) >= 3 {
			m.Load = strings.Join(f[:3], " ")
		}
	}
	return m
}
