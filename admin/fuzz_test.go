package admin_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/vmplane/vmplane/admin"
	"github.com/vmplane/vmplane/vmplanetest"
)

// FuzzHandler sends any method, path and body to the admin API. Whatever
// arrives, the answer is JSON: a success, or an {"error": ...} with a 4xx;
// never a 500, a panic or a hang.
func FuzzHandler(f *testing.F) {
	f.Add("POST", "instances", "instances:\n  - {cloud: ncloud, spec: t1, power: running, operation: {kind: stop}}\n")
	f.Add("POST", "instances", `{"instances":[{"cloud":"huawei","spec":"t1","power":"stopped","charge":"prepaid"}]}`)
	f.Add("POST", "clock/advance", `{"duration":"3s"}`)
	f.Add("POST", "clock", `{"now":"2030-01-01T00:00:00Z"}`)
	f.Add("POST", "faults", `{"kind":"start","effect":"hang","count":2}`)
	f.Add("POST", "faults", `{"kind":"stop","effect":"fail","error":{"code":"25041"},"instance":"x"}`)
	f.Add("DELETE", "faults/1", "")
	f.Add("POST", "operations/release", "")
	f.Add("POST", "operations/prune", `{"olderThan":"1h"}`)
	f.Add("POST", "accounts", `{"id":"team-b","accessKey":"AK","secretKey":"SK"}`)
	f.Add("GET", "instances?cloud=ncloud&account=default&power=running", "")
	f.Add("GET", "catalog/zenlayer", "")
	const token = "fuzz"
	srv := vmplanetest.NewServer(f, vmplanetest.Options{AdminToken: token, NoListener: true})
	seedSpec(f, srv)
	f.Fuzz(func(t *testing.T, method, path, body string) {
		switch method {
		case http.MethodGet, http.MethodPost, http.MethodDelete:
		default:
			method = http.MethodPost
		}
		// Profiles are Go's own handlers; a CPU profile takes seconds.
		if strings.HasPrefix(path, "debug/") {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		req, err := http.NewRequestWithContext(ctx, method, "http://vmplane.test"+admin.Prefix+path, strings.NewReader(body))
		if err != nil {
			return
		}
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := srv.HTTPClient().Do(req)
		if err != nil {
			t.Fatalf("%s %s %q: %v", method, path, body, err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		var out map[string]json.RawMessage
		switch {
		case res.StatusCode >= 500:
			t.Fatalf("%s %s %q: %s\n%s", method, path, body, res.Status, b)
		case json.Unmarshal(b, &out) != nil:
			t.Fatalf("%s %s %q: %s, not JSON: %s", method, path, body, res.Status, b)
		case res.StatusCode >= 400 && !bytes.HasPrefix(bytes.TrimSpace(out["error"]), []byte("{")):
			t.Fatalf("%s %s %q: %s without an error object: %s", method, path, body, res.Status, b)
		}
	})
}
