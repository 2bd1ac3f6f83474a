package server_test

import (
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/vmplane/vmplane"
	"github.com/vmplane/vmplane/access"
	"github.com/vmplane/vmplane/vmplanetest"
)

func get(t *testing.T, srv *vmplanetest.Server, path string) (int, string) {
	t.Helper()
	resp, err := srv.HTTPClient().Get(srv.URL() + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func TestHealthz(t *testing.T) {
	srv := vmplanetest.NewServer(t, vmplanetest.Options{})
	if status, body := get(t, srv, "/healthz"); status != 200 || body != "ok\n" {
		t.Fatalf("healthz: %d %q", status, body)
	}
}

func TestUnknownPathIsAJSON404(t *testing.T) {
	srv := vmplanetest.NewServer(t, vmplanetest.Options{})
	status, body := get(t, srv, "/nothing/here")
	if status != 404 || !strings.Contains(body, `"code":"not_found"`) {
		t.Fatalf("%d %s", status, body)
	}
}

func TestEveryLogLineOfARequestHasItsIDAndNoSecret(t *testing.T) {
	var logs vmplanetest.LogBuffer
	srv := vmplanetest.NewServer(t, vmplanetest.Options{Logger: slog.New(access.LogHandler(slog.NewJSONHandler(&logs, nil)))})
	acct, err := srv.Service.CreateAccount(t.Context(), vmplane.AccountCreate{ID: "b"})
	if err != nil {
		t.Fatal(err)
	}
	slog.New(access.LogHandler(slog.NewJSONHandler(&logs, nil))).Info("account created", "account", acct, "key", acct.Keys[0])
	for _, path := range []string{"/healthz", "/_vmplane/v1/accounts", "/nowhere"} {
		get(t, srv, path)
	}
	out := logs.String()
	for _, secret := range []string{acct.Keys[0].SecretKey, vmplanetest.SecretKey} {
		if strings.Contains(out, secret) {
			t.Fatalf("a secret key reached the logs:\n%s", out)
		}
	}
	lines := regexp.MustCompile(`(?m)^.*"msg":"request".*$`).FindAllString(out, -1)
	if len(lines) != 3 {
		t.Fatalf("want 3 request lines, got %d:\n%s", len(lines), out)
	}
	for _, l := range lines {
		if !regexp.MustCompile(`"request_id":"[0-9a-f]{32}"`).MatchString(l) {
			t.Errorf("request line without its id: %s", l)
		}
	}
}

func TestMetricsCountRequestsAndOperations(t *testing.T) {
	srv := vmplanetest.NewServer(t, vmplanetest.Options{})
	cat := srv.Service.Catalog("ncloud")
	if len(cat.Specs) == 0 {
		*cat = vmplane.Catalog{Specs: []vmplane.Spec{{ID: "t1", VCPU: 1, MemoryMiB: 1024}}}
	}
	get(t, srv, "/_vmplane/v1/clock")
	get(t, srv, "/_vmplane/v1/clock")
	list, err := srv.Service.SeedInstances(t.Context(), []vmplane.InstanceSeed{{Cloud: "ncloud", SpecID: cat.Specs[0].ID, Power: vmplane.PowerRunning, Operation: &vmplane.SeedOperation{Kind: vmplane.KindStop}}})
	if err != nil || len(list) != 1 {
		t.Fatal(err)
	}
	_, metrics := get(t, srv, "/metrics")
	for _, want := range []string{
		`vmplane_requests_total{action="GET clock",cloud="admin",code="ok"} 2`,
		`vmplane_operations_in_flight{kind="stop"} 1`,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	srv.Advance(3 * time.Second)
	_, metrics = get(t, srv, "/metrics")
	for _, want := range []string{
		`vmplane_operations_in_flight{kind="stop"} 0`,
		`vmplane_operation_duration_seconds_bucket{kind="stop",result="succeeded",le="5"} 1`,
		`vmplane_request_duration_seconds_count{action="GET clock",cloud="admin"} 2`,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if resp, _ := http.Get(srv.URL() + "/metrics"); resp.Header.Get("Content-Type") == "" {
		t.Error("metrics without a content type")
	}
}

// Metric labels come from route names, never from what a client sends:
// paths with ids or invalid UTF-8 neither grow the metrics nor break them.
func TestMetricLabelsStayBoundedAndValid(t *testing.T) {
	srv := vmplanetest.NewServer(t, vmplanetest.Options{})
	for _, p := range []string{"/_vmplane/v1/faults/abc", "/_vmplane/v1/faults/def", "/_vmplane/v1/%ff%fe", "/vserver/v2/%ff", "/api/v2/vm"} {
		req, _ := http.NewRequest("DELETE", srv.URL()+p, nil)
		resp, err := srv.HTTPClient().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	status, metrics := get(t, srv, "/metrics")
	if status != 200 {
		t.Fatalf("metrics: %d", status)
	}
	if !strings.Contains(metrics, `vmplane_requests_total{action="DELETE faults/{id}",cloud="admin",code="not_found"} 2`) {
		t.Errorf("admin requests are not counted by route:\n%s", grep(metrics, "vmplane_requests_total"))
	}
	if strings.Contains(metrics, "abc") || strings.Contains(metrics, "def") {
		t.Errorf("a path reached a label:\n%s", grep(metrics, "vmplane_requests_total"))
	}
}

func grep(s, substr string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, substr) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
