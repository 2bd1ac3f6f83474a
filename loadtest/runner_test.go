package loadtest

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/vmplane/vmplane/sqlite"
)

// The tests start HTTP ceilings as the tool does, in a child process: this
// test binary, run as the hidden ceiling command.
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == CeilingCommand {
		fs := flag.NewFlagSet(CeilingCommand, flag.ExitOnError)
		listen := fs.String("listen", "127.0.0.1:0", "")
		size := fs.Int("size", 0, "")
		ct := fs.String("content-type", "", "")
		fs.Parse(os.Args[2:])
		// The parent stops it with SIGTERM; a minute is a safety net.
		ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
		ctx, cancel := context.WithTimeout(ctx, time.Minute)
		err := ServeCeiling(ctx, *listen, *size, *ct, os.Stdout)
		cancel()
		stop()
		if err != nil {
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func get(url string, check func(*http.Response, []byte) error) Client {
	return func() (Call, error) {
		req, err := http.NewRequest("GET", url, nil)
		return Call{Req: req, Check: check}, err
	}
}

func TestRunLoadCountsAnswersAndJudgesThem(t *testing.T) {
	var calls atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := calls.Add(1)
		switch {
		case r.URL.Path == "/fail" && n%2 == 0:
			http.Error(w, "no", http.StatusConflict)
		default:
			w.Header().Set("Content-Type", "text/plain")
			io.WriteString(w, "hello")
		}
	}))
	defer srv.Close()

	ok := runLoad(context.Background(), []Client{get(srv.URL+"/", nil), get(srv.URL+"/", nil)}, 0, 20*time.Millisecond, 200*time.Millisecond, true)
	if ok.Requests == 0 || ok.TotalErrors() != 0 || ok.MeanBody() != 5 || ok.ContentType != "text/plain" {
		t.Fatalf("requests %d errors %d body %d type %q", ok.Requests, ok.TotalErrors(), ok.MeanBody(), ok.ContentType)
	}
	if ok.Latency.Count() != ok.Requests || ok.Throughput() <= 0 {
		t.Fatalf("latencies %d for %d requests", ok.Latency.Count(), ok.Requests)
	}

	bad := runLoad(context.Background(), []Client{get(srv.URL+"/fail", nil)}, 0, 0, 200*time.Millisecond, true)
	if bad.Errors == 0 || len(bad.Samples) == 0 || !strings.Contains(bad.Samples[0], "409") {
		t.Fatalf("a 409 answer is an error: %+v", bad.Samples)
	}

	rejected := get(srv.URL+"/", func(*http.Response, []byte) error { return errors.New("wrong body") })
	judged := runLoad(context.Background(), []Client{rejected}, 0, 0, 200*time.Millisecond, true)
	if judged.Requests != 0 || judged.Errors == 0 || !strings.Contains(judged.Samples[0], "wrong body") {
		t.Fatalf("a rejected body is an error: %d requests, %v", judged.Requests, judged.Samples)
	}
	unjudged := runLoad(context.Background(), []Client{rejected}, 0, 0, 200*time.Millisecond, false)
	if unjudged.Requests == 0 || unjudged.TotalErrors() != 0 {
		t.Fatalf("without judging, only the status counts: %d requests, %v", unjudged.Requests, unjudged.Samples)
	}
}

func TestCeilingAnswersFixedBodyInItsOwnProcess(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	p, err := startProcess(context.Background(), exe, []string{CeilingCommand, "--listen", "127.0.0.1:0", "--size", "1234", "--content-type", "application/json"}, CeilingBanner, "/")
	if err != nil {
		t.Fatal(err)
	}
	defer p.kill()
	resp, err := http.Post(p.URL+"/anything", "application/json", strings.NewReader(`{"a":1}`))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || len(body) != 1234 || resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("%s, %d bytes, %q", resp.Status, len(body), resp.Header.Get("Content-Type"))
	}
	if p.Ready <= 0 || p.pid() == os.Getpid() {
		t.Fatalf("ready %v, pid %d", p.Ready, p.pid())
	}
	if rss, err := peakRSS(p.pid()); err != nil || rss <= 0 {
		t.Fatalf("peak RSS %d: %v", rss, err)
	}
	if err := resetPeakRSS(p.pid()); err != nil {
		t.Fatalf("reset peak RSS: %v", err)
	}
}

func TestStorageCeilingCommitsEachTransaction(t *testing.T) {
	dir := t.TempDir()
	r, err := storageCeiling(context.Background(), dir, 4, 10*time.Millisecond, 300*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	if r.Requests == 0 || r.TotalErrors() != 0 {
		t.Fatalf("%d transactions, %d errors: %v", r.Requests, r.TotalErrors(), r.Samples)
	}
	db, err := sql.Open("sqlite", sqlite.DSN(filepath.Join(dir, "ceiling.db")))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var mode string
	var commits uint64
	if err := db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Fatalf("journal mode %q (%v), want wal as vmplane's", mode, err)
	}
	if err := db.QueryRow("SELECT sum(n) FROM ceiling").Scan(&commits); err != nil || commits < r.Requests {
		t.Fatalf("%d updates committed (%v), %d measured", commits, err, r.Requests)
	}
}

func TestCPUTimeAgreesWithGetrusage(t *testing.T) {
	for start := time.Now(); time.Since(start) < 100*time.Millisecond; {
	}
	got, err := cpuTime(os.Getpid())
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	want := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	if err != nil || got <= 0 || got > want+20*time.Millisecond || got < want-50*time.Millisecond {
		t.Fatalf("cpuTime = %v (%v), getrusage %v", got, err, want)
	}
}

// On a machine too busy to finish a request inside the window, a round
// still measures one request per client, and its elapsed time says how
// long that took, rather than reporting nothing.
func TestMeasureCountsOneRequestPerClientWhenTheWindowIsTooShort(t *testing.T) {
	var calls atomic.Int64
	r := measure(context.Background(), 3, 0, 0, time.Nanosecond, func(int) (int, error) {
		calls.Add(1)
		return 7, nil
	})
	if r.Requests != 3 || calls.Load() != 3 || r.Bytes != 21 || r.Latency.Count() != 3 {
		t.Fatalf("%d requests measured of %d made, %d bytes", r.Requests, calls.Load(), r.Bytes)
	}
	if r.Elapsed <= time.Nanosecond || r.Throughput() <= 0 {
		t.Fatalf("elapsed %v, throughput %v", r.Elapsed, r.Throughput())
	}
}

// Paced clients call on their schedule, never faster, however fast the
// server answers.
func TestPacedClientsNeverExceedTheirRate(t *testing.T) {
	const clients, interval, duration = 4, 20 * time.Millisecond, 200 * time.Millisecond
	var calls atomic.Int64
	r := measure(context.Background(), clients, interval, 0, duration, func(int) (int, error) {
		calls.Add(1)
		return 1, nil
	})
	// Each client has at most duration/interval calls due in the window,
	// and one more may start as it closes.
	if most := int64(clients * (duration/interval + 1)); calls.Load() > most || r.Requests == 0 {
		t.Fatalf("%d calls (%d measured) in %v from %d clients paced at one per %v, want at most %d",
			calls.Load(), r.Requests, duration, clients, interval, most)
	}
}

// A paced call waits for the one before it; its latency counts from when it
// was due, so a server that answers slower than calls come due is charged
// for the queue: with one client due every 2 ms and answers that take
// 10 ms, the k-th call is due at (k-1)·2 ms and answered at k·10 ms at the
// earliest.
func TestPacedLatencyCountsFromWhenTheCallWasDue(t *testing.T) {
	const interval, answer = 2 * time.Millisecond, 10 * time.Millisecond
	r := measure(context.Background(), 1, interval, 0, 10*answer, func(int) (int, error) {
		time.Sleep(answer) // the slow server
		return 1, nil
	})
	k := time.Duration(r.Requests)
	if k < 1 {
		t.Fatal("no call measured")
	}
	least := k*answer - (k-1)*interval
	if got := r.Latency.Quantile(1); got < least {
		t.Fatalf("the last of %d calls took %v from when it was due, want at least %v", k, got, least)
	}
}
