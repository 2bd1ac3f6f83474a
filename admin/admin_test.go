package admin_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vmplane/vmplane"
	"github.com/vmplane/vmplane/admin"
	"github.com/vmplane/vmplane/vmplanetest"
)

// call sends one admin request and returns the status and decoded body.
func call(t *testing.T, srv *vmplanetest.Server, method, path, body string, header ...string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(method, srv.URL()+admin.Prefix+path, strings.NewReader(body))
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := srv.HTTPClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatalf("%s %s: not JSON: %s", method, path, data)
	}
	return resp.StatusCode, out
}

func mustCall(t *testing.T, srv *vmplanetest.Server, method, path, body string) map[string]any {
	t.Helper()
	status, out := call(t, srv, method, path, body)
	if status != 200 {
		t.Fatalf("%s %s: %d %v", method, path, status, out)
	}
	return out
}

// seedCatalog gives the ncloud cloud a spec of the test's own, so these
// tests do not depend on a cloud's embedded catalog.
func seedSpec(t testing.TB, srv *vmplanetest.Server) string {
	t.Helper()
	cat := srv.Service.Catalog("ncloud")
	if len(cat.Specs) == 0 {
		*cat = vmplane.Catalog{Specs: []vmplane.Spec{{ID: "t1", VCPU: 1, MemoryMiB: 1024, ResizeGroup: "g"}, {ID: "t2", VCPU: 2, MemoryMiB: 2048, ResizeGroup: "g"}}}
	}
	return cat.Specs[0].ID
}

func TestTokenIsRequiredWhenSet(t *testing.T) {
	srv := vmplanetest.NewServer(t, vmplanetest.Options{AdminToken: "s3cret"})
	if status, out := call(t, srv, "GET", "clock", ""); status != 401 || out["error"] == nil {
		t.Fatalf("without token: %d %v", status, out)
	}
	if status, _ := call(t, srv, "GET", "clock", "", "Authorization", "Bearer wrong"); status != 401 {
		t.Fatalf("wrong token: %d", status)
	}
	if status, _ := call(t, srv, "GET", "clock", "", "Authorization", "Bearer s3cret"); status != 200 {
		t.Fatalf("right token: %d", status)
	}
}

func TestWithoutATokenOnlyLoopbackIsServed(t *testing.T) {
	srv := vmplanetest.NewServer(t, vmplanetest.Options{NoListener: true})
	for addr, want := range map[string]int{"127.0.0.1:5000": 200, "[::1]:5000": 200, "10.1.2.3:5000": 403} {
		req := httptest.NewRequest("GET", admin.Prefix+"clock", nil)
		req.RemoteAddr = addr
		w := httptest.NewRecorder()
		srv.Handler().ServeHTTP(w, req)
		if w.Code != want {
			t.Errorf("peer %s: %d, want %d", addr, w.Code, want)
		}
	}
}

func TestSeedListAndClock(t *testing.T) {
	srv := vmplanetest.NewServer(t, vmplanetest.Options{})
	spec := seedSpec(t, srv)
	out := mustCall(t, srv, "POST", "instances", "instances:\n  - {cloud: ncloud, spec: "+spec+", power: running, operation: {kind: stop}}\n  - {cloud: ncloud, spec: "+spec+", power: stopped}\n")
	if out["total"] != 2.0 {
		t.Fatalf("seed: %v", out)
	}
	list := mustCall(t, srv, "GET", "instances?cloud=ncloud", "")
	insts := list["instances"].([]any)
	first := insts[0].(map[string]any)
	if len(insts) != 2 || first["operation"] == nil || first["power"] != "running" {
		t.Fatalf("list: %v", list)
	}
	if ops := mustCall(t, srv, "GET", "operations", "")["operations"].([]any); len(ops) != 1 {
		t.Fatalf("operations: %v", ops)
	}

	clock := mustCall(t, srv, "GET", "clock", "")
	if clock["running"] != false || clock["now"] != vmplanetest.Epoch.Format(time.RFC3339) {
		t.Fatalf("clock: %v", clock)
	}
	clock = mustCall(t, srv, "POST", "clock/advance", `{"duration":"3s"}`)
	if clock["now"] != vmplanetest.Epoch.Add(3*time.Second).Format(time.RFC3339) {
		t.Fatalf("advanced clock: %v", clock)
	}
	// Advancing waits for the work it made due: the stop is done.
	in, _ := srv.Service.FindInstanceByID(t.Context(), vmplane.Scope{Cloud: "ncloud"}, first["id"].(string))
	if in.Power != vmplane.PowerStopped || in.Op != nil {
		t.Fatalf("after advance: %+v", in)
	}
	if status, _ := call(t, srv, "POST", "clock/advance", `{"duration":"-1s"}`); status != 400 {
		t.Fatalf("negative advance: %d", status)
	}
	if status, _ := call(t, srv, "POST", "clock", `{"now":"2000-01-01T00:00:00Z"}`); status != 400 {
		t.Fatalf("setting the clock back: %d", status)
	}
	mustCall(t, srv, "POST", "clock", `{"now":"2030-01-01T00:00:00Z"}`)
	if clock := mustCall(t, srv, "POST", "clock/resume", ""); clock["running"] != true {
		t.Fatalf("resume: %v", clock)
	}
	if clock := mustCall(t, srv, "POST", "clock/freeze", ""); clock["running"] != false {
		t.Fatalf("freeze: %v", clock)
	}
}

func TestBadSeedsAreRefusedWithoutChanges(t *testing.T) {
	srv := vmplanetest.NewServer(t, vmplanetest.Options{})
	spec := seedSpec(t, srv)
	for _, body := range []string{
		"instances: [{cloud: nowhere, spec: " + spec + "}]",
		"instances: [{cloud: ncloud, spec: nope}]",
		"instances: [{cloud: ncloud, spec: " + spec + ", power: dancing}]",
		"instances: [{cloud: ncloud, spec: " + spec + "}, {cloud: ncloud, spec: " + spec + ", power: stopped, operation: {kind: stop}}]",
		"instances: {not: a list}",
		"{{{",
		`{"instances": [{"cloud": "ncloud", "spec": "` + spec + `", "colour": "red"}]}`,
		`{"instances": [{"cloud": "ncloud", "spec": "` + spec + `"}]} {"more": 1}`,
		`{"instances": [{"cloud": "ncloud", "spec": "` + spec + `"}]`,
	} {
		status, out := call(t, srv, "POST", "instances", body)
		if status < 400 || status >= 500 || out["error"] == nil {
			t.Errorf("%q: %d %v", body, status, out)
		}
	}
	if _, total, _ := srv.Service.FindInstances(t.Context(), vmplane.InstanceFilter{}); total != 0 {
		t.Fatalf("a refused fixture left %d instances", total)
	}
}

func TestFaultRulesThroughTheAPI(t *testing.T) {
	srv := vmplanetest.NewServer(t, vmplanetest.Options{})
	spec := seedSpec(t, srv)
	rule := mustCall(t, srv, "POST", "faults", `{"kind":"start","effect":"hang","count":2}`)
	if rule["id"] == "" || rule["count"] != 2.0 {
		t.Fatalf("rule: %v", rule)
	}
	mustCall(t, srv, "POST", "faults", `{"kind":"stop","effect":"delay","duration":"10m"}`)
	if status, _ := call(t, srv, "POST", "faults", `{"effect":"delay","duration":"soon"}`); status != 400 {
		t.Fatalf("bad duration: %d", status)
	}
	if rules := mustCall(t, srv, "GET", "faults", "")["faults"].([]any); len(rules) != 2 {
		t.Fatalf("faults: %v", rules)
	}
	mustCall(t, srv, "POST", "instances", "instances: [{cloud: ncloud, spec: "+spec+", power: stopped}]")
	in, _, _ := srv.Service.FindInstances(t.Context(), vmplane.InstanceFilter{Scope: vmplane.Scope{Cloud: "ncloud"}})
	if _, err := srv.Service.Submit(t.Context(), vmplane.OperationRequest{Scope: vmplane.Scope{Cloud: "ncloud", Account: "default"}, Kind: vmplane.KindStart, InstanceIDs: []string{in[0].ID}}); err != nil {
		t.Fatal(err)
	}
	srv.Advance(time.Hour)
	released := mustCall(t, srv, "POST", "operations/release", "")["released"].([]any)
	if len(released) != 1 {
		t.Fatalf("released: %v", released)
	}
	srv.Advance(3 * time.Second)
	if got, _ := srv.Service.FindInstanceByID(t.Context(), vmplane.Scope{Cloud: "ncloud"}, in[0].ID); got.Power != vmplane.PowerRunning {
		t.Fatalf("after release: %+v", got)
	}
	mustCall(t, srv, "DELETE", "faults/"+rule["id"].(string), "")
	if status, _ := call(t, srv, "DELETE", "faults/"+rule["id"].(string), ""); status != 404 {
		t.Fatalf("deleting twice: %d", status)
	}
	mustCall(t, srv, "DELETE", "faults", "")
	if rules := mustCall(t, srv, "GET", "faults", "")["faults"].([]any); len(rules) != 0 {
		t.Fatalf("faults left: %v", rules)
	}
}

func TestResetRemovesEverythingButTheDefaultAccount(t *testing.T) {
	srv := vmplanetest.NewServer(t, vmplanetest.Options{})
	spec := seedSpec(t, srv)
	mustCall(t, srv, "POST", "accounts", `{"id":"team-b"}`)
	mustCall(t, srv, "POST", "instances", "instances: [{cloud: ncloud, spec: "+spec+", account: team-b}]")
	mustCall(t, srv, "POST", "reset", "")
	accts := mustCall(t, srv, "GET", "accounts", "")["accounts"].([]any)
	if len(accts) != 1 || accts[0].(map[string]any)["id"] != "default" {
		t.Fatalf("accounts after reset: %v", accts)
	}
	keys := accts[0].(map[string]any)["keys"].([]any)
	if keys[0].(map[string]any)["accessKey"] != vmplanetest.AccessKey {
		t.Fatalf("default key changed: %v", keys)
	}
	if _, total, _ := srv.Service.FindInstances(t.Context(), vmplane.InstanceFilter{}); total != 0 {
		t.Fatalf("instances after reset: %d", total)
	}
}

func TestUnknownAdminPathIsAJSONError(t *testing.T) {
	srv := vmplanetest.NewServer(t, vmplanetest.Options{})
	status, out := call(t, srv, "GET", "nothing/here", "")
	if status != 404 || out["error"].(map[string]any)["code"] != "not_found" {
		t.Fatalf("%d %v", status, out)
	}
}

// The server's Go profiles are served to admins only: a heap profile
// `go tool pprof` reads, an execution trace, and nothing without the token.
func TestProfilesAreServedToAdmins(t *testing.T) {
	srv := vmplanetest.NewServer(t, vmplanetest.Options{AdminToken: "s3cret"})
	get := func(path string, token string) (*http.Response, []byte) {
		req, _ := http.NewRequest("GET", srv.URL()+admin.Prefix+path, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := srv.HTTPClient().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		data, _ := io.ReadAll(resp.Body)
		return resp, data
	}
	if resp, _ := get("debug/pprof/heap", ""); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("without the token: %s", resp.Status)
	}
	resp, data := get("debug/pprof/heap", "s3cret")
	// A profile is gzipped protocol buffers.
	if resp.StatusCode != 200 || len(data) < 2 || data[0] != 0x1f || data[1] != 0x8b {
		t.Fatalf("heap profile: %s, %d bytes", resp.Status, len(data))
	}
	// An execution trace starts with Go's trace header.
	resp, data = get("debug/pprof/trace?seconds=0.05", "s3cret")
	if resp.StatusCode != 200 || !bytes.HasPrefix(data, []byte("go 1.")) {
		t.Fatalf("execution trace: %s, %q", resp.Status, data[:min(len(data), 16)])
	}
	if resp, _ := get("debug/pprof/nosuchprofile", "s3cret"); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("an unknown profile: %s", resp.Status)
	}
}

// A backup taken through the API is a data directory's database: a server
// started on it has every instance, and the operation that was in flight
// when the copy was taken completes there.
func TestABackupRestoresIntoAServerThatFinishesTheWorkInFlight(t *testing.T) {
	srv := vmplanetest.NewServer(t, vmplanetest.Options{})
	spec := seedSpec(t, srv)
	seeded := mustCall(t, srv, "POST", "instances", "instances:\n  - {cloud: ncloud, spec: "+spec+", power: running, operation: {kind: stop}}\n  - {cloud: ncloud, spec: "+spec+", power: stopped}\n")
	busy := seeded["instances"].([]any)[0].(map[string]any)["id"].(string)

	resp, err := srv.HTTPClient().Get(srv.URL() + admin.Prefix + "backup")
	if err != nil {
		t.Fatal(err)
	}
	backup, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/vnd.sqlite3" {
		t.Fatalf("backup: %d %s, %d bytes, %v", resp.StatusCode, resp.Header.Get("Content-Type"), len(backup), err)
	}

	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "vmplane.db"), backup, 0o600); err != nil {
		t.Fatal(err)
	}
	restored := vmplanetest.NewServer(t, vmplanetest.Options{DataDir: dir})
	if list := mustCall(t, restored, "GET", "instances?cloud=ncloud", ""); list["total"] != 2.0 {
		t.Fatalf("restored: %v", list)
	}
	restored.Advance(time.Minute)
	in, err := restored.Service.FindInstanceByID(t.Context(), vmplane.Scope{Cloud: "ncloud"}, busy)
	if err != nil || in.Power != vmplane.PowerStopped || in.Op != nil {
		t.Fatalf("the stop in flight when the backup was taken: %+v %v", in, err)
	}
}

// Pruning forgets the jobs that finished longer ago than asked, on the
// virtual clock, in the store and in the core's cache of recent jobs alike,
// and keeps the later ones.
func TestPruneForgetsOldJobs(t *testing.T) {
	srv := vmplanetest.NewServer(t, vmplanetest.Options{})
	spec := seedSpec(t, srv)
	mustCall(t, srv, "POST", "instances", "instances: [{cloud: ncloud, spec: "+spec+", power: running}]")
	in, _, _ := srv.Service.FindInstances(t.Context(), vmplane.InstanceFilter{Scope: vmplane.Scope{Cloud: "ncloud"}})
	scope := vmplane.Scope{Cloud: "ncloud", Account: "default"}
	submit := func(kind vmplane.Kind) string {
		job, err := srv.Service.Submit(t.Context(), vmplane.OperationRequest{Scope: scope, Kind: kind, InstanceIDs: []string{in[0].ID}})
		if err != nil {
			t.Fatal(err)
		}
		srv.Advance(time.Minute)
		return job.ID
	}
	old := submit(vmplane.KindStop)
	srv.Advance(48 * time.Hour)
	recent := submit(vmplane.KindStart)

	for _, bad := range []string{`{"olderThan":"soon"}`, `{"olderThan":"-1h"}`} {
		if status, _ := call(t, srv, "POST", "operations/prune", bad); status != 400 {
			t.Fatalf("%s: %d, want 400", bad, status)
		}
	}
	if got := mustCall(t, srv, "POST", "operations/prune", `{"olderThan":"24h"}`); got["pruned"] != 1.0 {
		t.Fatalf("prune: %v, want 1 pruned", got)
	}
	if _, err := srv.Service.FindJob(t.Context(), scope, old); vmplane.ErrorCode(err) != vmplane.ENOTFOUND {
		t.Errorf("the old job after a prune: %v, want ENOTFOUND", err)
	}
	if ops, err := srv.Service.FindJob(t.Context(), scope, recent); err != nil || len(ops) != 1 {
		t.Errorf("the recent job after a prune: %v, %v", ops, err)
	}
}
