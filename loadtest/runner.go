package loadtest

import (
	"context"
	"net/http"
	"sync"
	"syscall"
	"time"
)

// Call is one request of a client and the judge of its answer.
type Call struct {
	Req *http.Request
	// Check judges the body of a 200 answer; nil accepts any. It is where a
	// workload learns that a change was accepted (and moves on); the
	// ceilings, which answer anything with a fixed body, never call it.
	Check func(resp *http.Response, body []byte) error
}

// Client makes the calls of one client, one at a time: it is asked for the
// next call only once the previous one is answered.
type Client func() (Call, error)

// Result is what one timed run measured.
type Result struct {
	// Requests answered, and errors met, while measuring (after warm-up).
	Requests, Errors uint64
	// WarmupErrors are errors met during the warm-up: they count too.
	WarmupErrors uint64
	// Samples holds the first few distinct error messages.
	Samples []string
	Elapsed time.Duration
	Latency Histogram
	// Bytes is the sum of the response bodies' sizes while measuring.
	Bytes       uint64
	ContentType string
	// ServerCPU and ClientCPU are the CPU time the server's process (when
	// known) and the clients' spent while measuring.
	ServerCPU, ClientCPU time.Duration
}

// CPUPerRequest is the CPU time, server's and clients', one request cost,
// or 0 when the server's is not known.
func (r *Result) CPUPerRequest() time.Duration {
	if r.Requests == 0 || r.ServerCPU == 0 {
		return 0
	}
	return (r.ServerCPU + r.ClientCPU) / time.Duration(r.Requests)
}

// Throughput is in requests per second.
func (r *Result) Throughput() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Requests) / r.Elapsed.Seconds()
}

// MeanBody is the mean response body size in bytes.
func (r *Result) MeanBody() int {
	if r.Requests == 0 {
		return 0
	}
	return int(r.Bytes / r.Requests)
}

// TotalErrors counts every error, warm-up included.
func (r *Result) TotalErrors() uint64 { return r.Errors + r.WarmupErrors }

const maxSamples = 5

// runLoad runs clients concurrently, each in a closed loop (or paced, one
// call every interval), for warmup then duration, and measures the second
// part. With judge, each answer's Check runs; without it only the status is
// judged.
func runLoad(ctx context.Context, clients []Client, interval, warmup, duration time.Duration, judge bool) *Result {
	t := newTarget(clients, judge)
	t.interval = interval
	defer t.close()
	return t.run(ctx, warmup, duration)
}

// target is one side of a comparison, the server or a ceiling: its
// clients, and their connections, kept from one round to the next.
type target struct {
	clients []Client
	judge   bool
	pid     int // the process answering, when known
	conns   []conn
	// interval paces each client to one call every interval; 0 is a
	// closed loop, each call as soon as the last was answered.
	interval time.Duration
}

func newTarget(clients []Client, judge bool) *target {
	return &target{clients: clients, judge: judge, conns: make([]conn, len(clients))}
}

func (t *target) close() {
	for i := range t.conns {
		t.conns[i].close()
	}
}

// run is one round: warmup, then duration measured.
func (t *target) run(ctx context.Context, warmup, duration time.Duration) *Result {
	types := make([]string, len(t.clients))
	r := measure(ctx, len(t.clients), t.interval, warmup, duration, func(i int) (int, error) {
		n, ct, err := t.conns[i].do(ctx, t.clients[i], t.judge)
		if err == nil && types[i] == "" {
			types[i] = ct
		}
		return n, err
	})
	for _, ct := range types {
		if ct != "" {
			r.ContentType = ct
			break
		}
	}
	return r
}

// round is one measured slice, with the CPU time spent on each side.
func (t *target) round(ctx context.Context, d time.Duration) *Result {
	server0, client0 := t.serverCPU(), ownCPU()
	r := t.run(ctx, 0, d)
	if t.pid != 0 {
		r.ServerCPU = t.serverCPU() - server0
	}
	r.ClientCPU = ownCPU() - client0
	return r
}

func (t *target) serverCPU() time.Duration {
	if t.pid == 0 {
		return 0
	}
	d, _ := cpuTime(t.pid)
	return d
}

// ownCPU is the CPU time this process has spent.
func ownCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// add adds the measurements of another round to r.
func (r *Result) add(o *Result) {
	r.Requests += o.Requests
	r.Errors += o.Errors
	r.WarmupErrors += o.WarmupErrors
	r.Bytes += o.Bytes
	r.Elapsed += o.Elapsed
	r.ServerCPU += o.ServerCPU
	r.ClientCPU += o.ClientCPU
	r.Latency.Merge(&o.Latency)
	for _, s := range o.Samples {
		r.Samples = addSample(r.Samples, s)
	}
	if r.ContentType == "" {
		r.ContentType = o.ContentType
	}
}

// measure calls op from clients goroutines for warmup then duration, and
// measures the second part. op returns the size of what it received. With
// no interval, each client calls in a closed loop; with one, each calls
// once every interval (an open loop at clients/interval calls a second,
// the clients' starts spread over the first interval), and a call's
// latency counts from when it was due, not from when it went: a server
// that falls behind is charged for the queue it made, not measured only
// by the calls it let through.
func measure(ctx context.Context, clients int, interval, warmup, duration time.Duration, op func(client int) (int, error)) *Result {
	start := time.Now()
	measureFrom, end := start.Add(warmup), start.Add(warmup+duration)
	results := make([]Result, clients)
	lasts := make([]time.Time, clients)
	var wg sync.WaitGroup
	for i := range clients {
		wg.Go(func() {
			r := &results[i]
			due := start.Add(interval * time.Duration(i) / time.Duration(clients))
			var wait *time.Timer
			for ctx.Err() == nil {
				t0 := time.Now()
				if interval > 0 {
					if d := due.Sub(t0); d > 0 {
						if !sleep(ctx, &wait, d) {
							return
						}
					} else if !t0.Before(end) && (r.Requests > 0 || r.Errors > 0) {
						return // behind at the end: what is still due is not measured
					}
					t0, due = due, due.Add(interval)
				}
				// A client that has measured nothing yet, on a machine so
				// busy that its warm-up overran the window, goes on until
				// it has: a round always measures, and lasts as long as it
				// took.
				if !t0.Before(end) && (r.Requests > 0 || r.Errors > 0) {
					return
				}
				n, err := op(i)
				t1 := time.Now()
				switch {
				case err != nil && ctx.Err() != nil:
					return
				case err != nil && t0.Before(measureFrom):
					r.WarmupErrors++
					r.Samples = addSample(r.Samples, err.Error())
				case err != nil:
					r.Errors++
					r.Samples = addSample(r.Samples, err.Error())
				case t0.Before(measureFrom):
				case !t1.After(end) || r.Requests == 0:
					r.Requests++
					r.Bytes += uint64(n)
					r.Latency.Record(t1.Sub(t0))
					lasts[i] = t1
				}
			}
		})
	}
	wg.Wait()
	// A client's result has counts only: the round's elapsed time is the
	// window, or longer when a client's last answer came after it.
	total := &Result{}
	elapsed := duration
	for i := range results {
		total.add(&results[i])
		elapsed = max(elapsed, lasts[i].Sub(measureFrom))
	}
	total.Elapsed = elapsed
	return total
}

// sleep waits for d, on a timer it keeps for the next time, or until ctx
// is done; it reports whether it waited the whole time.
func sleep(ctx context.Context, t **time.Timer, d time.Duration) bool {
	if *t == nil {
		*t = time.NewTimer(d)
	} else {
		(*t).Reset(d)
	}
	select {
	case <-(*t).C:
		return true
	case <-ctx.Done():
		(*t).Stop()
		return false
	}
}

func addSample(samples []string, s string) []string {
	if len(samples) >= maxSamples {
		return samples
	}
	for _, x := range samples {
		if x == s {
			return samples
		}
	}
	return append(samples, s)
}
