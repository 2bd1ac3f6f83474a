// Package admin serves vmplane's own API under /_vmplane/v1/, a prefix no
// cloud uses: reset, accounts, fixtures, listings, the virtual clock and
// fault rules.
package admin

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"strings"
	"time"

	"github.com/vmplane/vmplane"
	"github.com/vmplane/vmplane/access"
	"github.com/vmplane/vmplane/clock"
	"sigs.k8s.io/yaml"
)

// Prefix is where the admin API lives.
const Prefix = "/_vmplane/v1/"

// ClockSetting is the store setting the clock's state is kept under.
const ClockSetting = "clock"

// Config configures the admin Handler.
type Config struct {
	Service *vmplane.Service
	Store   vmplane.Store
	Clock   *clock.Virtual
	// Token, when set, is required as "Authorization: Bearer <token>".
	// Without one, only loopback peers are served.
	Token  string
	Logger *slog.Logger
}

// Handler serves the admin API.
type Handler struct {
	cfg Config
	mux *http.ServeMux
}

// NewHandler returns the admin API handler.
func NewHandler(cfg Config) *Handler {
	h := &Handler{cfg: cfg, mux: http.NewServeMux()}
	routes := map[string]func(w http.ResponseWriter, r *http.Request) error{
		"POST /_vmplane/v1/reset":                   h.reset,
		"GET /_vmplane/v1/accounts":                 h.listAccounts,
		"POST /_vmplane/v1/accounts":                h.createAccount,
		"GET /_vmplane/v1/instances":                h.listInstances,
		"POST /_vmplane/v1/instances":               h.seedInstances,
		"GET /_vmplane/v1/operations":               h.listOperations,
		"POST /_vmplane/v1/operations/release":      h.release,
		"POST /_vmplane/v1/operations/{id}/release": h.release,
		"POST /_vmplane/v1/operations/prune":        h.pruneOperations,
		"GET /_vmplane/v1/clock":                    h.getClock,
		"POST /_vmplane/v1/clock":                   h.setClock,
		"POST /_vmplane/v1/clock/advance":           h.advanceClock,
		"POST /_vmplane/v1/clock/freeze":            h.freezeClock,
		"POST /_vmplane/v1/clock/resume":            h.resumeClock,
		"GET /_vmplane/v1/faults":                   h.listFaults,
		"POST /_vmplane/v1/faults":                  h.addFault,
		"DELETE /_vmplane/v1/faults":                h.removeFault,
		"DELETE /_vmplane/v1/faults/{id}":           h.removeFault,
		"GET /_vmplane/v1/catalog/{cloud}":          h.getCatalog,
		"GET /_vmplane/v1/backup":                   h.backup,
	}
	for pattern, f := range routes {
		h.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
			// The route, not the path: paths hold ids, and the action is a metric label.
			method, path, _ := strings.Cut(pattern, " ")
			access.From(r.Context()).Action = method + " " + strings.TrimPrefix(path, Prefix)
			if err := f(w, r); err != nil {
				h.error(w, r, err)
			}
		})
	}
	// Go's profiles of the running server, for `go tool pprof`: CPU at
	// debug/pprof/profile?seconds=N, and heap, allocs, goroutine, mutex, ...;
	// an execution trace, for `go tool trace`, at debug/pprof/trace?seconds=N
	// (where a latency's tail is spent: collections, scheduling, waits).
	h.mux.HandleFunc("GET "+Prefix+"debug/pprof/{name}", func(w http.ResponseWriter, r *http.Request) {
		access.From(r.Context()).Code = "ok"
		switch name := r.PathValue("name"); name {
		case "profile":
			pprof.Profile(w, r)
		case "trace":
			pprof.Trace(w, r)
		default:
			pprof.Handler(name).ServeHTTP(w, r)
		}
	})
	h.mux.HandleFunc(Prefix, func(w http.ResponseWriter, r *http.Request) {
		h.error(w, r, vmplane.Errorf(vmplane.ENOTFOUND, "No admin endpoint %s %s.", r.Method, r.URL.Path))
	})
	return h
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec := access.From(r.Context())
	rec.Cloud, rec.Action = "admin", "unknown"
	if h.cfg.Token != "" {
		got := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		if subtle.ConstantTimeCompare([]byte(got), []byte(h.cfg.Token)) != 1 {
			h.writeError(w, r, http.StatusUnauthorized, "unauthorized", "A valid admin token is required (Authorization: Bearer <token>).")
			return
		}
	} else if !loopback(r.RemoteAddr) {
		h.writeError(w, r, http.StatusForbidden, "forbidden", "Without an admin token the admin API serves loopback clients only.")
		return
	}
	h.mux.ServeHTTP(w, r)
}

func loopback(remoteAddr string) bool {
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		host = remoteAddr
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

var statuses = map[string]int{
	vmplane.EINVALID:      http.StatusBadRequest,
	vmplane.ENOTFOUND:     http.StatusNotFound,
	vmplane.EBUSY:         http.StatusConflict,
	vmplane.ESTATE:        http.StatusConflict,
	vmplane.ESAMESPEC:     http.StatusBadRequest,
	vmplane.EINCOMPATIBLE: http.StatusBadRequest,
	vmplane.EZONE:         http.StatusBadRequest,
	vmplane.EPROTECTED:    http.StatusConflict,
	vmplane.ESCHEDULED:    http.StatusConflict,
	vmplane.ENOSCHEDULE:   http.StatusNotFound,
	vmplane.EQUOTA:        http.StatusTooManyRequests,
	vmplane.EEXISTS:       http.StatusConflict,
	vmplane.EFAULT:        http.StatusBadRequest,
}

func (h *Handler) error(w http.ResponseWriter, r *http.Request, err error) {
	code := vmplane.ErrorCode(err)
	status, ok := statuses[code]
	if !ok {
		status = http.StatusInternalServerError
		h.cfg.Logger.ErrorContext(r.Context(), "admin request failed", "err", err)
	}
	h.writeError(w, r, status, code, vmplane.ErrorMessage(err))
}

func (h *Handler) writeError(w http.ResponseWriter, r *http.Request, status int, code, msg string) {
	access.From(r.Context()).Code = code
	writeJSON(w, status, map[string]any{"error": map[string]string{"code": code, "message": msg}})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

func ok(w http.ResponseWriter, r *http.Request, v any) error {
	access.From(r.Context()).Code = "ok"
	writeJSON(w, http.StatusOK, v)
	return nil
}

// decode reads a JSON or YAML body into v; an empty body leaves v alone.
func decode(r *http.Request, v any) error {
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, 256<<20))
	if err != nil {
		return vmplane.Errorf(vmplane.EINVALID, "Cannot read the request body: %v", err)
	}
	if len(strings.TrimSpace(string(body))) == 0 {
		return nil
	}
	if err := unmarshal(body, v); err != nil {
		return vmplane.Errorf(vmplane.EINVALID, "Cannot decode the request body: %v", err)
	}
	return nil
}

// unmarshal reads JSON or YAML into v, refusing unknown fields. JSON, what
// programs send, is decoded directly: through YAML, seeding ten thousand
// instances cost several times more.
func unmarshal(data []byte, v any) error {
	data = bytes.TrimSpace(data)
	if len(data) == 0 || data[0] != '{' {
		return yaml.UnmarshalStrict(data, v)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("unexpected data after the JSON object")
	}
	return nil
}

func (h *Handler) reset(w http.ResponseWriter, r *http.Request) error {
	if err := h.cfg.Service.Reset(r.Context()); err != nil {
		return err
	}
	return ok(w, r, map[string]string{"status": "reset"})
}

func (h *Handler) listAccounts(w http.ResponseWriter, r *http.Request) error {
	return ok(w, r, map[string]any{"accounts": h.cfg.Service.Accounts()})
}

func (h *Handler) createAccount(w http.ResponseWriter, r *http.Request) error {
	var req vmplane.AccountCreate
	if err := decode(r, &req); err != nil {
		return err
	}
	a, err := h.cfg.Service.CreateAccount(r.Context(), req)
	if err != nil {
		return err
	}
	return ok(w, r, a)
}

// instanceView is an instance as the admin API shows it, with what the
// driver reports of its machine when the driver can tell.
type instanceView struct {
	vmplane.Instance
	Machine map[string]any `json:"machine,omitempty"`
}

func (h *Handler) listInstances(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := vmplane.InstanceFilter{Scope: vmplane.Scope{Cloud: q.Get("cloud"), Account: q.Get("account")}}
	if id := q.Get("id"); id != "" {
		f.IDs = []string{id}
	}
	list, total, err := h.cfg.Service.FindInstances(r.Context(), f)
	if err != nil {
		return err
	}
	views := make([]instanceView, len(list))
	for i := range list {
		views[i].Instance = *list[i]
		if m, err := h.cfg.Service.Describe(r.Context(), list[i]); err == nil {
			views[i].Machine = m
		}
	}
	return ok(w, r, map[string]any{"total": total, "instances": views})
}

// Fixture is a set of accounts and instances to seed, from a request body
// or the file given at start.
type Fixture struct {
	Accounts  []vmplane.AccountCreate `json:"accounts,omitempty"`
	Instances []vmplane.InstanceSeed  `json:"instances,omitempty"`
}

// Load seeds a fixture: accounts first, then instances in one commit.
func Load(ctx context.Context, svc *vmplane.Service, f Fixture) ([]vmplane.Instance, error) {
	for _, a := range f.Accounts {
		if _, err := svc.FindAccountByID(a.ID); a.ID != "" && err == nil {
			continue // already there: loading a fixture twice is harmless
		}
		if _, err := svc.CreateAccount(ctx, a); err != nil {
			return nil, err
		}
	}
	if len(f.Instances) == 0 {
		return nil, nil
	}
	return svc.SeedInstances(ctx, f.Instances)
}

// ParseFixture reads a fixture in JSON or YAML.
func ParseFixture(data []byte) (Fixture, error) {
	var f Fixture
	if err := unmarshal(data, &f); err != nil {
		return f, vmplane.Errorf(vmplane.EINVALID, "Cannot decode the fixture: %v", err)
	}
	return f, nil
}

func (h *Handler) seedInstances(w http.ResponseWriter, r *http.Request) error {
	var f Fixture
	if err := decode(r, &f); err != nil {
		return err
	}
	list, err := Load(r.Context(), h.cfg.Service, f)
	if err != nil {
		return err
	}
	return ok(w, r, map[string]any{"total": len(list), "instances": list})
}

func (h *Handler) listOperations(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	ops := h.cfg.Service.Operations(r.Context(), vmplane.Scope{Cloud: q.Get("cloud"), Account: q.Get("account")})
	if ops == nil {
		ops = []vmplane.Operation{}
	}
	return ok(w, r, map[string]any{"operations": ops})
}

func (h *Handler) release(w http.ResponseWriter, r *http.Request) error {
	ops, err := h.cfg.Service.Release(r.Context(), r.URL.Query().Get("cloud"), r.PathValue("id"))
	if err != nil {
		return err
	}
	if ops == nil {
		ops = []vmplane.Operation{}
	}
	return ok(w, r, map[string]any{"released": ops})
}

// pruneOperations forgets the operations that finished longer ago than
// olderThan on the virtual clock, but none of a job that still runs.
func (h *Handler) pruneOperations(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		OlderThan string `json:"olderThan"`
	}
	if err := decode(r, &req); err != nil {
		return err
	}
	age, err := time.ParseDuration(req.OlderThan)
	if err != nil {
		return vmplane.Errorf(vmplane.EINVALID, "olderThan must be a Go duration such as \"720h\", not %q.", req.OlderThan)
	}
	n, err := h.cfg.Service.PruneOperations(r.Context(), age)
	if err != nil {
		return err
	}
	return ok(w, r, map[string]any{"pruned": n})
}

type clockView struct {
	Now     time.Time `json:"now"`
	Running bool      `json:"running"`
}

func (h *Handler) clockView() clockView {
	st := h.cfg.Clock.State()
	return clockView{Now: st.Now, Running: !st.Frozen}
}

func (h *Handler) getClock(w http.ResponseWriter, r *http.Request) error {
	return ok(w, r, h.clockView())
}

// clockChanged saves the clock's state and waits until the worker has done
// every step the new time made due, so the caller sees the outcome.
func (h *Handler) clockChanged(w http.ResponseWriter, r *http.Request) error {
	state, _ := json.Marshal(h.cfg.Clock.State())
	if err := h.cfg.Store.PutSetting(r.Context(), ClockSetting, string(state)); err != nil {
		return err
	}
	if err := h.cfg.Service.Settle(r.Context()); err != nil {
		return err
	}
	return ok(w, r, h.clockView())
}

func (h *Handler) setClock(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Now time.Time `json:"now"`
	}
	if err := decode(r, &req); err != nil {
		return err
	}
	if req.Now.Before(h.cfg.Clock.Now()) {
		return vmplane.Errorf(vmplane.EINVALID, "The clock only moves forward; %s is in its past.", req.Now.Format(time.RFC3339))
	}
	h.cfg.Clock.Set(req.Now)
	return h.clockChanged(w, r)
}

func (h *Handler) advanceClock(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Duration string `json:"duration"`
	}
	if err := decode(r, &req); err != nil {
		return err
	}
	if req.Duration == "" {
		req.Duration = r.URL.Query().Get("duration")
	}
	d, err := time.ParseDuration(req.Duration)
	if err != nil || d <= 0 {
		return vmplane.Errorf(vmplane.EINVALID, "duration must be a positive Go duration such as \"90s\" or \"720h\", not %q.", req.Duration)
	}
	h.cfg.Clock.Advance(d)
	return h.clockChanged(w, r)
}

func (h *Handler) freezeClock(w http.ResponseWriter, r *http.Request) error {
	h.cfg.Clock.Freeze()
	return h.clockChanged(w, r)
}

func (h *Handler) resumeClock(w http.ResponseWriter, r *http.Request) error {
	h.cfg.Clock.Resume()
	return h.clockChanged(w, r)
}

// faultRule is a fault rule as the admin API reads and writes it, with its
// duration in Go's notation ("30s").
type faultRule struct {
	ID         string              `json:"id,omitempty"`
	Kind       vmplane.Kind        `json:"kind,omitempty"`
	Cloud      string              `json:"cloud,omitempty"`
	InstanceID string              `json:"instance,omitempty"`
	Count      int                 `json:"count,omitempty"`
	Effect     vmplane.FaultEffect `json:"effect"`
	Error      *vmplane.WireError  `json:"error,omitempty"`
	Duration   string              `json:"duration,omitempty"`
}

func viewRule(r vmplane.FaultRule) faultRule {
	v := faultRule{ID: r.ID, Kind: r.Kind, Cloud: r.Cloud, InstanceID: r.InstanceID, Count: r.Count, Effect: r.Effect, Error: r.Error}
	if r.Duration > 0 {
		v.Duration = r.Duration.String()
	}
	return v
}

func (h *Handler) listFaults(w http.ResponseWriter, r *http.Request) error {
	rules := []faultRule{}
	for _, f := range h.cfg.Service.Faults() {
		rules = append(rules, viewRule(f))
	}
	return ok(w, r, map[string]any{"faults": rules})
}

func (h *Handler) addFault(w http.ResponseWriter, r *http.Request) error {
	var req faultRule
	if err := decode(r, &req); err != nil {
		return err
	}
	rule := vmplane.FaultRule{Kind: req.Kind, Cloud: req.Cloud, InstanceID: req.InstanceID, Count: req.Count, Effect: req.Effect, Error: req.Error}
	if rule.Count == 0 {
		rule.Count = 1
	}
	if req.Duration != "" {
		d, err := time.ParseDuration(req.Duration)
		if err != nil {
			return vmplane.Errorf(vmplane.EINVALID, "duration must be a Go duration such as \"30s\", not %q.", req.Duration)
		}
		rule.Duration = d
	}
	added, err := h.cfg.Service.AddFault(rule)
	if err != nil {
		return err
	}
	return ok(w, r, viewRule(added))
}

func (h *Handler) removeFault(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if !h.cfg.Service.RemoveFault(id) && id != "" {
		return vmplane.Errorf(vmplane.ENOTFOUND, "No fault rule %q.", id)
	}
	return ok(w, r, map[string]string{"removed": fmt.Sprint(firstOr(id, "all"))})
}

func firstOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func (h *Handler) getCatalog(w http.ResponseWriter, r *http.Request) error {
	if _, ok := h.cfg.Service.Cloud(r.PathValue("cloud")); !ok {
		return vmplane.Errorf(vmplane.ENOTFOUND, "No cloud %q.", r.PathValue("cloud"))
	}
	return ok(w, r, h.cfg.Service.Catalog(r.PathValue("cloud")))
}

// backup streams a copy of the store as of one commit, taken while the
// server goes on: a data directory whose database is that file starts
// where the copy was taken, operations in flight included.
func (h *Handler) backup(w http.ResponseWriter, r *http.Request) error {
	b, ok := h.cfg.Store.(interface {
		Backup(context.Context, io.Writer) error
	})
	if !ok {
		return vmplane.Errorf(vmplane.ENOTFOUND, "This server's store cannot be backed up.")
	}
	w.Header().Set("Content-Type", "application/vnd.sqlite3")
	w.Header().Set("Content-Disposition", `attachment; filename="vmplane.db"`)
	cw := &countingWriter{w: w}
	err := b.Backup(r.Context(), cw)
	if err != nil && cw.n > 0 {
		// The answer has begun: all that is left is to cut it short.
		h.cfg.Logger.ErrorContext(r.Context(), "backup cut short", "err", err, "bytes", cw.n)
		panic(http.ErrAbortHandler)
	}
	if err == nil {
		access.From(r.Context()).Code = "ok"
	}
	return err
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
