// Package server assembles vmplane: the store, the core, the clock, the
// driver, the cloud APIs, the admin API and the metrics, behind one
// http.Handler. The vmplane command and the vmplanetest package both build
// it from Options, so tests run what ships.
package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime/debug"
	"time"

	"github.com/vmplane/vmplane"
	"github.com/vmplane/vmplane/access"
	"github.com/vmplane/vmplane/admin"
	"github.com/vmplane/vmplane/catalog"
	"github.com/vmplane/vmplane/clock"
	"github.com/vmplane/vmplane/dirlock"
	"github.com/vmplane/vmplane/huawei"
	"github.com/vmplane/vmplane/metrics"
	"github.com/vmplane/vmplane/ncloud"
	"github.com/vmplane/vmplane/sim"
	"github.com/vmplane/vmplane/sqlite"
	"github.com/vmplane/vmplane/zenlayer"
)

// Options configures a Server. The zero value is not useful; the vmplane
// command fills in its defaults.
type Options struct {
	// DataDir holds the database. It is created if missing and locked
	// against a second server.
	DataDir string
	// AccessKey, SecretKey and ProjectID set the default account's
	// credentials; empty ones are generated once and kept.
	AccessKey, SecretKey, ProjectID string
	// TimeScale multiplies every operation's duration; 0 completes
	// operations on the worker's next tick.
	TimeScale float64
	// Durations overrides the default duration of some kinds.
	Durations map[vmplane.Kind]time.Duration
	// AdminToken protects the admin API; without one only loopback peers
	// may use it.
	AdminToken string
	// CatalogFile extends or replaces the embedded catalogs.
	CatalogFile string
	// FixtureFile is seeded at start (JSON or YAML) into a data directory
	// that has no instances yet, so that restarts do not seed it again.
	FixtureFile string
	// Driver runs machines; nil means the simulated one.
	Driver vmplane.Driver
	// Clock is the virtual clock; nil means one that runs from the state
	// saved in the data directory (or from the system time).
	Clock *clock.Virtual
	// Logger receives structured logs; nil discards them.
	Logger *slog.Logger
	// NewRequestID makes request ids; nil means random ones.
	NewRequestID func() [16]byte
	// WallClock is the time request signatures are checked against; nil
	// means the system clock.
	WallClock func() time.Time
}

// Server is an assembled vmplane.
type Server struct {
	Service *vmplane.Service
	Store   *sqlite.DB
	Clock   *clock.Virtual
	Metrics *metrics.Metrics

	opts    Options
	log     *slog.Logger
	handler http.Handler
	lock    *os.File
	http    *http.Server
}

// New opens the data directory and assembles a Server.
func New(ctx context.Context, opts Options) (_ *Server, err error) {
	s := &Server{opts: opts, log: opts.Logger, Metrics: metrics.New()}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	defer func() {
		if err != nil {
			s.closeStore()
		}
	}()
	if err := os.MkdirAll(opts.DataDir, 0o755); err != nil {
		return nil, err
	}
	// Two servers never share one database.
	if s.lock, err = dirlock.Take(opts.DataDir, "data directory"); err != nil {
		return nil, err
	}
	if s.Store, err = sqlite.Open(ctx, filepath.Join(opts.DataDir, "vmplane.db")); err != nil {
		return nil, err
	}
	if s.Clock, err = s.openClock(ctx); err != nil {
		return nil, err
	}
	clouds := append(append(ncloud.Clouds(), huawei.Clouds()...), zenlayer.Clouds()...)
	if opts.CatalogFile != "" {
		f, err := catalog.ReadFile(opts.CatalogFile)
		if err != nil {
			return nil, err
		}
		if err := f.Apply(clouds); err != nil {
			return nil, err
		}
	}
	driver := opts.Driver
	if driver == nil {
		driver = sim.New()
	}
	def := vmplane.AccountCreate{ID: vmplane.DefaultAccountID, Name: "default", ProjectID: opts.ProjectID}
	if opts.AccessKey != "" || opts.SecretKey != "" {
		if opts.AccessKey == "" || opts.SecretKey == "" {
			return nil, errors.New("an access key and a secret key go together")
		}
		def.Keys = []vmplane.Key{{AccessKey: opts.AccessKey, SecretKey: opts.SecretKey}}
	}
	s.Service, err = vmplane.Open(ctx, vmplane.Config{
		Store: s.Store, Driver: driver, Clock: s.Clock, Logger: s.log, Observer: s.Metrics,
		Clouds: clouds, Durations: opts.Durations, TimeScale: opts.TimeScale, DefaultAccount: def,
	})
	if err != nil {
		return nil, err
	}
	if opts.FixtureFile != "" {
		if err := s.loadFixture(ctx, opts.FixtureFile); err != nil {
			s.Service.Close()
			return nil, err
		}
	}
	s.handler = s.routes()
	return s, nil
}

func (s *Server) openClock(ctx context.Context) (*clock.Virtual, error) {
	if s.opts.Clock != nil {
		return s.opts.Clock, nil
	}
	c := clock.New()
	saved, err := s.Store.Setting(ctx, admin.ClockSetting)
	if err != nil || saved == "" {
		return c, err
	}
	var st clock.State
	if err := json.Unmarshal([]byte(saved), &st); err != nil {
		return nil, fmt.Errorf("saved clock: %w", err)
	}
	c.Restore(st)
	return c, nil
}

func (s *Server) loadFixture(ctx context.Context, name string) error {
	if _, n, _ := s.Service.FindInstances(ctx, vmplane.InstanceFilter{Limit: 1}); n > 0 {
		s.log.Info("fixture not loaded: the data directory has instances already", "fixture", name, "instances", n)
		return nil
	}
	data, err := os.ReadFile(name)
	if err != nil {
		return err
	}
	f, err := admin.ParseFixture(data)
	if err != nil {
		return fmt.Errorf("fixture %s: %w", name, err)
	}
	if _, err := admin.Load(ctx, s.Service, f); err != nil {
		return fmt.Errorf("fixture %s: %w", name, err)
	}
	return nil
}

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	})
	mux.Handle("GET /metrics", s.Metrics.Handler())
	mux.Handle(admin.Prefix, admin.NewHandler(admin.Config{
		Service: s.Service, Store: s.Store, Clock: s.Clock, Token: s.opts.AdminToken, Logger: s.log,
	}))
	mount := func(routes []string, h http.Handler) {
		for _, p := range routes {
			mux.Handle(p, h)
		}
	}
	mount(ncloud.Routes, ncloud.NewHandler(s.Service, ncloud.Config{Logger: s.log, Now: s.opts.WallClock}))
	mount(huawei.Routes, huawei.NewHandler(s.Service, huawei.Config{Logger: s.log, Now: s.opts.WallClock}))
	mount(zenlayer.Routes, zenlayer.NewHandler(s.Service, zenlayer.Config{Logger: s.log, Now: s.opts.WallClock}))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprintf(w, "{\"error\":{\"code\":\"not_found\",\"message\":\"No API is served at %s.\"}}\n", jsonEscape(r.URL.Path))
	})
	return s.middleware(mux)
}

func jsonEscape(s string) string {
	b, _ := json.Marshal(s)
	return string(b[1 : len(b)-1])
}

// middleware gives each request its access record, recovers panics, and
// logs and counts the request once it is answered.
func (s *Server) middleware(next http.Handler) http.Handler {
	newID := s.opts.NewRequestID
	if newID == nil {
		newID = access.NewID
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &access.Record{ID: newID()}
		ctx := access.NewContext(r.Context(), rec)
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.log.ErrorContext(ctx, "panic serving request", "panic", p, "stack", string(debug.Stack()))
				if !sw.wrote {
					http.Error(sw, "internal error", http.StatusInternalServerError)
				}
				rec.Code = "panic"
			}
			elapsed := time.Since(start)
			s.Metrics.Observe(rec, elapsed)
			s.log.LogAttrs(ctx, slog.LevelInfo, "request", slog.String("method", r.Method), slog.String("path", r.URL.Path),
				slog.Int("status", sw.status), slog.String("cloud", rec.Cloud), slog.String("action", rec.Action),
				slog.String("code", rec.Code), slog.String("account", rec.Account), slog.Duration("elapsed", elapsed))
		}()
		next.ServeHTTP(sw, r.WithContext(ctx))
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (w *statusWriter) WriteHeader(code int) {
	// First, as net/http panics on a code it refuses before writing
	// anything: the recovery then still answers 500.
	w.ResponseWriter.WriteHeader(code)
	if !w.wrote {
		w.status, w.wrote = code, true
	}
}

func (w *statusWriter) Write(b []byte) (int, error) {
	w.wrote = true
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Handler returns the whole API.
func (s *Server) Handler() http.Handler { return s.handler }

// A connection is let go when its client stops midway through a request,
// or leaves it idle: each holds a goroutine and a socket. The limits are
// far beyond what a real call takes (the largest, an admin seed, is a few
// megabytes).
var (
	readHeaderTimeout = 10 * time.Second
	readTimeout       = 5 * time.Minute
	idleTimeout       = 2 * time.Minute
)

// Serve answers requests on l until Shutdown.
func (s *Server) Serve(l net.Listener) error {
	s.http = &http.Server{Handler: s.handler, ReadHeaderTimeout: readHeaderTimeout, ReadTimeout: readTimeout,
		IdleTimeout: idleTimeout, ErrorLog: slog.NewLogLogger(s.log.Handler(), slog.LevelWarn)}
	err := s.http.Serve(l)
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// Shutdown stops accepting requests and waits for those in flight.
func (s *Server) Shutdown(ctx context.Context) error {
	if s.http == nil {
		return nil
	}
	return s.http.Shutdown(ctx)
}

// Close stops the worker and closes the store. Call Shutdown first when serving.
func (s *Server) Close() error {
	var err error
	if s.Service != nil {
		err = s.Service.Close()
	}
	return errors.Join(err, s.closeStore())
}

func (s *Server) closeStore() error {
	var err error
	if s.Store != nil {
		err = s.Store.Close()
		s.Store = nil
	}
	if s.lock != nil {
		s.lock.Close()
		s.lock = nil
	}
	return err
}
