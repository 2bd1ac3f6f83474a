// Package vmplanetest runs a whole vmplane in-process for tests: a database
// in a temporary directory, the simulated driver, and a virtual clock
// frozen at a fixed time, so that tests move time on purpose and get the
// same ids and timestamps on every run.
package vmplanetest

import (
	"context"
	"encoding/binary"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vmplane/vmplane"
	"github.com/vmplane/vmplane/clock"
	"github.com/vmplane/vmplane/server"
)

// Epoch is where test clocks start: 2025-06-11 08:00:14 UTC (17:00:14 in
// Seoul, the create date of the instance in NCP's documentation).
var Epoch = time.Date(2025, 6, 11, 8, 0, 14, 0, time.UTC)

// Default credentials of a test server.
const (
	AccessKey = "TESTACCESSKEY0000001"
	SecretKey = "testsecretkey0000000000000000000000000001"
	ProjectID = "0123456789abcdef0123456789abcdef"
)

// Options configures a test server. Zero values take test defaults.
type Options struct {
	// Start is where the clock starts (default Epoch). The clock is frozen.
	Start time.Time
	// TimeScale multiplies durations (default 1).
	TimeScale float64
	// Durations overrides default durations.
	Durations map[vmplane.Kind]time.Duration
	// Driver runs machines (default the simulated one).
	Driver vmplane.Driver
	// WallClock is what signatures are checked against (default the system
	// clock). Golden tests fix it together with the signing time.
	WallClock func() time.Time
	// NoListener serves through an in-memory transport only.
	NoListener bool
	// DataDir reuses a directory, to test restarts (default a fresh one).
	DataDir string
	// AdminToken protects the admin API.
	AdminToken string
	// Logger receives the server's logs (default: discarded).
	Logger *slog.Logger
}

// Server is a running test server.
type Server struct {
	*server.Server
	t      testing.TB
	http   *httptest.Server
	dir    string
	closed bool
}

// NewServer starts a server that is closed when the test ends.
func NewServer(t testing.TB, opts Options) *Server {
	t.Helper()
	if opts.Start.IsZero() {
		opts.Start = Epoch
	}
	if opts.TimeScale == 0 {
		opts.TimeScale = 1
	}
	if opts.DataDir == "" {
		opts.DataDir = t.TempDir()
	}
	var n atomic.Uint64
	srv, err := server.New(context.Background(), server.Options{
		DataDir: opts.DataDir, AccessKey: AccessKey, SecretKey: SecretKey, ProjectID: ProjectID,
		TimeScale: opts.TimeScale, Durations: opts.Durations, Driver: opts.Driver, AdminToken: opts.AdminToken,
		Clock: clock.NewFrozen(opts.Start), WallClock: opts.WallClock, Logger: opts.Logger,
		NewRequestID: func() [16]byte {
			// Deterministic, yet shaped like a random (version 4) UUID.
			var id [16]byte
			binary.BigEndian.PutUint64(id[8:], n.Add(1))
			id[6], id[8] = 0x40, id[8]|0x80
			return id
		},
	})
	if err != nil {
		t.Fatalf("vmplanetest: %v", err)
	}
	s := &Server{Server: srv, t: t, dir: opts.DataDir}
	if !opts.NoListener {
		s.http = httptest.NewServer(srv.Handler())
	}
	t.Cleanup(s.Close)
	return s
}

// URL is the server's base URL ("http://127.0.0.1:port"); it is empty with NoListener.
func (s *Server) URL() string {
	if s.http == nil {
		return ""
	}
	return s.http.URL
}

// DataDir is the server's data directory.
func (s *Server) DataDir() string { return s.dir }

// HTTPClient returns a client that reaches the server: over the socket, or
// in memory with NoListener.
func (s *Server) HTTPClient() *http.Client {
	if s.http != nil {
		return s.http.Client()
	}
	return &http.Client{Transport: handlerTransport{s.Handler()}}
}

// Advance moves the clock forward and waits until every step due by then is done.
func (s *Server) Advance(d time.Duration) {
	s.t.Helper()
	s.Clock.Advance(d)
	if err := s.Service.Settle(context.Background()); err != nil {
		s.t.Fatalf("vmplanetest: settle: %v", err)
	}
}

// Settle waits until every step due by now is done.
func (s *Server) Settle() {
	s.t.Helper()
	if err := s.Service.Settle(context.Background()); err != nil {
		s.t.Fatalf("vmplanetest: settle: %v", err)
	}
}

// SeedRunning places n running instances of spec in zone of cloud, in
// chunks of ten thousand, and returns their ids: a fleet for benchmarks.
func (s *Server) SeedRunning(cloud, spec, zone string, n int) []string {
	s.t.Helper()
	ids := make([]string, 0, n)
	for len(ids) < n {
		seeds := make([]vmplane.InstanceSeed, min(10_000, n-len(ids)))
		for i := range seeds {
			seeds[i] = vmplane.InstanceSeed{Cloud: cloud, SpecID: spec, Zone: zone}
		}
		list, err := s.Service.SeedInstances(context.Background(), seeds)
		if err != nil {
			s.t.Fatalf("vmplanetest: seed: %v", err)
		}
		for _, in := range list {
			ids = append(ids, in.ID)
		}
	}
	return ids
}

// Close stops the server; it is safe to call more than once.
func (s *Server) Close() {
	if s.closed {
		return
	}
	s.closed = true
	if s.http != nil {
		s.http.Close()
	}
	if err := s.Server.Close(); err != nil {
		s.t.Errorf("vmplanetest: close: %v", err)
	}
}

// handlerTransport serves requests with a handler, without a socket.
type handlerTransport struct{ h http.Handler }

func (t handlerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	w := httptest.NewRecorder()
	r = r.Clone(r.Context())
	r.RemoteAddr, r.RequestURI = "127.0.0.1:1", r.URL.RequestURI()
	// A server canonicalizes header names as it parses them; clients that
	// set raw lower-case keys (the Zenlayer SDK does) must look the same here.
	header := make(http.Header, len(r.Header))
	for k, v := range r.Header {
		for _, s := range v {
			header.Add(k, s)
		}
	}
	r.Header = header
	if r.Host == "" {
		r.Host = r.URL.Host
	}
	if r.Body == nil {
		r.Body = http.NoBody
	}
	t.h.ServeHTTP(w, r)
	resp := w.Result()
	resp.Request = r
	return resp, nil
}
