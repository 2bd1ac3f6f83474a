package huawei_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/vmplane/vmplane"
	"github.com/vmplane/vmplane/vmplanetest"
)

// fuzzRoutes are the APIs FuzzAPI sends bodies and queries to; {id} is a
// running server's id and {job} the job of its reboot.
var fuzzRoutes = []struct{ method, path string }{
	{"POST", "/v1/{project}/cloudservers"},
	{"POST", "/v1.1/{project}/cloudservers"},
	{"POST", "/v1/{project}/cloudservers/delete"},
	{"POST", "/v1/{project}/cloudservers/action"},
	{"POST", "/v1/{project}/cloudservers/{id}/resize"},
	{"POST", "/v1.1/{project}/cloudservers/{id}/resize"},
	{"GET", "/v1/{project}/cloudservers/detail"},
	{"GET", "/v1/{project}/cloudservers/{id}"},
	{"GET", "/v1/{project}/cloudservers/resize_flavors"},
	{"GET", "/v1/{project}/cloudservers/flavors"},
	{"GET", "/v1/{project}/jobs/{job}"},
	{"GET", "/v3/projects"},
	{"POST", "/v1/{project}/cloudservers/batch-resize"},
	{"GET", "/v1.1/{project}/cloudservers/detail"},
	{"POST", "/v1/{project}/cloudservers/{id}/tags/action"},
	{"POST", "/v2/{project}/cloudservers/{id}/reinstallos"},
	{"PUT", "/v1/{project}/cloudservers/{id}/os-reset-password"},
	{"PUT", "/v1/{project}/cloudservers/server-name"},
}

// FuzzAPI sends signed requests with arbitrary bodies and queries to every
// API: the answer must be ECS's own, a success or a 4xx with an ECS error
// body, never a 5xx or a panic.
func FuzzAPI(f *testing.F) {
	g := newGoldenEnv(f)
	seedFuzz(g)
	f.Fuzz(func(t *testing.T, route uint8, query string, body []byte) {
		g.t = t
		rt := fuzzRoutes[int(route)%len(fuzzRoutes)]
		path := g.expand(rt.path)
		if query != "" {
			path += "?" + query
		}
		r, err := http.NewRequest(rt.method, "http://"+goldenHost+path, bytes.NewReader(body))
		if err != nil || r.URL.RawQuery != query {
			return // not a request line a client could send
		}
		r.Header.Set("User-Agent", "huaweicloud-usdk-go/3.0")
		r.Header.Set("Content-Type", "application/json")
		sign(r, body, vmplanetest.AccessKey, vmplanetest.SecretKey, vmplanetest.Epoch)
		resp := g.send(r)
		data, _ := io.ReadAll(resp.Body)
		switch {
		case resp.StatusCode >= 500:
			t.Fatalf("%s %s %q: %d %s", rt.method, path, body, resp.StatusCode, data)
		case resp.StatusCode == http.StatusNoContent && len(data) == 0:
		case !json.Valid(data):
			t.Fatalf("%s %s %q: %d, not JSON: %s", rt.method, path, body, resp.StatusCode, data)
		case resp.StatusCode >= 400 && !strings.Contains(string(data), `"code":"`) && !strings.Contains(string(data), `"error_code":"`):
			t.Fatalf("%s %s %q: %d without an ECS error: %s", rt.method, path, body, resp.StatusCode, data)
		}
		// Let operations move on; start afresh once inputs have created
		// many servers, so that each run stays cheap.
		ctx := context.Background()
		g.srv.Clock.Advance(time.Second)
		if err := g.srv.Service.Settle(ctx); err != nil {
			t.Fatal(err)
		}
		if _, n, _ := g.srv.Service.FindInstances(ctx, vmplane.InstanceFilter{}); n > 200 {
			if err := g.srv.Service.Reset(ctx); err != nil {
				t.Fatal(err)
			}
			seedFuzz(g)
		}
	})
}

// seedFuzz places the running server, with a reboot in flight, that the
// routes name.
func seedFuzz(g *goldenEnv) {
	g.seeded = 0
	g.seed(vmplane.InstanceSeed{SpecID: "s6.large.2", Power: vmplane.PowerRunning, Operation: &vmplane.SeedOperation{Kind: vmplane.KindReboot}})
	g.vars["{id}"], g.vars["{job}"] = g.vars["{id0}"], g.vars["{job0}"]
}
