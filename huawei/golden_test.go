package huawei_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/signer"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/request"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/sdkerr"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/utils"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/ecs/v2/model"
	"github.com/vmplane/vmplane"
	"github.com/vmplane/vmplane/vmplanetest"
)

// goldenHost is where golden requests are sent: an in-memory transport, so
// the links ECS shows do not depend on a port.
const goldenHost = "ecs.cn-north-4.vmplane.test"

// goldenEnv is a test server whose clock and signing time are both fixed,
// so that every byte of a response is reproducible.
type goldenEnv struct {
	t      testing.TB
	srv    *vmplanetest.Server
	vars   map[string]string
	seeded int
}

func newGoldenEnv(t testing.TB) *goldenEnv {
	srv := vmplanetest.NewServer(t, vmplanetest.Options{NoListener: true, WallClock: func() time.Time { return vmplanetest.Epoch }})
	return &goldenEnv{t: t, srv: srv, vars: map[string]string{"{project}": vmplanetest.ProjectID}}
}

// seed places servers and names them in the request templates as {id0},
// {id1}, ... and the job of their operation, if any, as {job0}, ...
func (g *goldenEnv) seed(seeds ...vmplane.InstanceSeed) {
	g.t.Helper()
	for i := range seeds {
		seeds[i].Cloud = "huawei"
		if seeds[i].ImageID == "" {
			seeds[i].ImageID = "51a76dc4-0a0c-4e7c-bb01-d9dbaabe1441"
		}
	}
	out, err := g.srv.Service.SeedInstances(context.Background(), seeds)
	if err != nil {
		g.t.Fatal(err)
	}
	for _, in := range out {
		n := g.seeded
		g.seeded++
		g.vars[fmt.Sprintf("{id%d}", n)] = in.ID
		if in.Op != nil {
			g.vars[fmt.Sprintf("{job%d}", n)] = in.Op.JobID
		}
	}
}

// do sends a request signed as the SDK signs it, at the fixed time.
func (g *goldenEnv) do(method, path, body string, header ...string) *http.Response {
	g.t.Helper()
	return g.doSigned(method, path, body, vmplanetest.SecretKey, vmplanetest.Epoch, header...)
}

func (g *goldenEnv) doSigned(method, path, body, secret string, at time.Time, header ...string) *http.Response {
	g.t.Helper()
	r := g.request(method, path, body, header...)
	sign(r, []byte(body), vmplanetest.AccessKey, secret, at)
	return g.send(r)
}

func (g *goldenEnv) request(method, path, body string, header ...string) *http.Request {
	g.t.Helper()
	path = g.expand(path)
	r, err := http.NewRequest(method, "http://"+goldenHost+path, strings.NewReader(body))
	if err != nil {
		g.t.Fatal(err)
	}
	r.Header.Set("User-Agent", "huaweicloud-usdk-go/3.0")
	r.Header.Set("Content-Type", "application/json;charset=UTF-8")
	if strings.Contains(path, vmplanetest.ProjectID) {
		r.Header.Set("X-Project-Id", vmplanetest.ProjectID)
	}
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	return r
}

func (g *goldenEnv) send(r *http.Request) *http.Response {
	g.t.Helper()
	resp, err := g.srv.HTTPClient().Do(r)
	if err != nil {
		g.t.Fatal(err)
	}
	return resp
}

func (g *goldenEnv) expand(s string) string {
	for k, v := range g.vars {
		s = strings.ReplaceAll(s, k, v)
	}
	return s
}

// sign signs r at time at with the SDK's own signer, so that what vmplane
// verifies is what the SDK computes.
func sign(r *http.Request, body []byte, ak, sk string, at time.Time) {
	r.Header.Set("X-Sdk-Date", at.UTC().Format("20060102T150405Z"))
	b := request.NewHttpRequestBuilder().WithEndpoint("http://" + r.URL.Host).WithPath(r.URL.Path).WithMethod(r.Method)
	for k, v := range r.URL.Query() {
		if len(v) == 1 {
			b.AddQueryParam(k, reflect.ValueOf(v[0]))
		} else {
			b.AddQueryParam(k, reflect.ValueOf(v)) // a list, as the SDK sends expect-fields
		}
	}
	for k := range r.Header {
		b.AddHeaderParam(k, r.Header.Get(k))
	}
	if len(body) > 0 {
		b.WithBody("body", string(body))
	}
	headers, err := signer.Sign(b.Build(), ak, sk)
	if err != nil {
		panic(err)
	}
	for k, v := range headers {
		r.Header.Set(k, v)
	}
}

// goldenCase is one request and the bytes ECS answers, decoded by the SDK
// as the response model it names.
type goldenCase struct {
	name   string
	setup  func(g *goldenEnv)
	method string
	path   string
	body   string
	// model is what the SDK decodes a success into; nil for errors, which
	// the SDK's error parser reads instead.
	model func() any
	// send overrides how the request is sent (unsigned, expired, ...).
	send func(g *goldenEnv, method, path, body string) *http.Response
}

const base = "/v1/{project}/cloudservers"

var running = vmplane.InstanceSeed{Name: "web-01", SpecID: "s6.large.2", Zone: "cn-north-4a", Power: vmplane.PowerRunning,
	Attrs: map[string]string{"key_name": "KeyPair-ops", "tag:env": "prod", "meta:owner": "ops"}}

func with(s vmplane.InstanceSeed, change func(*vmplane.InstanceSeed)) vmplane.InstanceSeed {
	change(&s)
	return s
}

func seeded(seeds ...vmplane.InstanceSeed) func(g *goldenEnv) {
	return func(g *goldenEnv) { g.seed(seeds...) }
}

// then runs setup, then advances the clock by d.
func then(setup func(g *goldenEnv), d time.Duration) func(g *goldenEnv) {
	return func(g *goldenEnv) { setup(g); g.srv.Advance(d) }
}

var goldenCases = []goldenCase{
	{name: "show_server_running", setup: seeded(running), method: "GET", path: base + "/{id0}", model: anyOf[model.ShowServerResponse]},
	{name: "show_server_stopping", setup: then(seeded(with(running, func(s *vmplane.InstanceSeed) {
		s.Operation = &vmplane.SeedOperation{Kind: vmplane.KindStop}
	})), time.Second), method: "GET", path: base + "/{id0}", model: anyOf[model.ShowServerResponse]},
	{name: "show_server_resizing", setup: then(seeded(with(running, func(s *vmplane.InstanceSeed) {
		s.Power, s.Operation = vmplane.PowerStopped, &vmplane.SeedOperation{Kind: vmplane.KindResize, SpecID: "c6.xlarge.2"}
	})), 2*time.Second), method: "GET", path: base + "/{id0}", model: anyOf[model.ShowServerResponse]},
	{name: "show_server_building", setup: then(seeded(with(running, func(s *vmplane.InstanceSeed) {
		s.Power, s.Operation = vmplane.PowerBuilding, &vmplane.SeedOperation{Kind: vmplane.KindCreate}
	})), 2*time.Second), method: "GET", path: base + "/{id0}", model: anyOf[model.ShowServerResponse]},
	{name: "show_server_prepaid_stopped", setup: seeded(with(running, func(s *vmplane.InstanceSeed) {
		s.Power, s.Charge, s.Period = vmplane.PowerStopped, vmplane.ChargePrepaid, 1
	})), method: "GET", path: base + "/{id0}", model: anyOf[model.ShowServerResponse]},
	{name: "list_servers_page_2", setup: seeded(running, running, running), method: "GET", path: base + "/detail?offset=2&limit=2",
		model: anyOf[model.ListServersDetailsResponse]},
	{name: "list_servers_unknown_id", setup: seeded(running), method: "GET", path: base + "/detail?server_id={id0},7d3f2a10-0b1c-4d2e-8f3a-4b5c6d7e8f90",
		model: anyOf[model.ListServersDetailsResponse]},
	{name: "list_cloud_servers_first_page", setup: seeded(running, running), method: "GET", path: "/v1.1/{project}/cloudservers/detail?limit=1&expect-fields=power_state&expect-fields=addresses&expect-fields=market_info",
		model: anyOf[model.ListCloudServersResponse]},
	{name: "list_flavors_in_zone", method: "GET", path: base + "/flavors?availability_zone=cn-north-4c&limit=2&marker=c6.2xlarge.4",
		model: anyOf[model.ListFlavorsResponse]},
	{name: "list_resize_flavors", setup: seeded(running), method: "GET", path: base + "/resize_flavors?instance_uuid={id0}&sort_key=vcpus&sort_dir=desc&limit=2",
		model: anyOf[model.ListResizeFlavorsResponse]},
	{name: "create_post_paid_servers", method: "POST", path: base,
		body:  `{"server":{"name":"web","flavorRef":"s6.large.2","imageRef":"51a76dc4-0a0c-4e7c-bb01-d9dbaabe1441","vpcid":"3e5b1f0c-7a52-4c0e-9f6e-2b8d41c7a9e1","nics":[{"subnet_id":"8a1c2d3e-4f50-4617-a829-3b4c5d6e7f80"}],"root_volume":{"volumetype":"SSD"},"count":2,"extendparam":{"chargingMode":0}}}` + "\n",
		model: anyOf[model.CreatePostPaidServersResponse]},
	{name: "create_servers_prepaid", method: "POST", path: "/v1.1/{project}/cloudservers",
		body:  `{"server":{"name":"db","flavorRef":"m6.large.8","imageRef":"51a76dc4-0a0c-4e7c-bb01-d9dbaabe1441","vpcid":"3e5b1f0c-7a52-4c0e-9f6e-2b8d41c7a9e1","nics":[{"subnet_id":"8a1c2d3e-4f50-4617-a829-3b4c5d6e7f80"}],"root_volume":{"volumetype":"GPSSD","size":100},"extendparam":{"chargingMode":"prePaid","periodType":"year","periodNum":1,"isAutoPay":"true"}}}` + "\n",
		model: anyOf[model.CreateServersResponse]},
	{name: "create_dry_run", method: "POST", path: base,
		body:  `{"server":{"name":"web","flavorRef":"s6.large.2","imageRef":"51a76dc4-0a0c-4e7c-bb01-d9dbaabe1441","vpcid":"3e5b1f0c-7a52-4c0e-9f6e-2b8d41c7a9e1","nics":[{"subnet_id":"8a1c2d3e-4f50-4617-a829-3b4c5d6e7f80"}],"root_volume":{"volumetype":"SSD"}},"dry_run":true}` + "\n",
		model: anyOf[model.CreatePostPaidServersResponse]},
	{name: "resize_post_paid", setup: seeded(with(running, func(s *vmplane.InstanceSeed) { s.Power = vmplane.PowerStopped })),
		method: "POST", path: base + "/{id0}/resize", body: `{"resize":{"flavorRef":"c6.xlarge.2"}}` + "\n",
		model: anyOf[model.ResizePostPaidServerResponse]},
	{name: "resize_dry_run", setup: seeded(running), method: "POST", path: base + "/{id0}/resize",
		body: `{"resize":{"flavorRef":"c6.xlarge.2","mode":"withStopServer"},"dry_run":true}` + "\n", model: anyOf[model.ResizePostPaidServerResponse]},
	{name: "resize_prepaid_v11", setup: seeded(with(running, func(s *vmplane.InstanceSeed) { s.Charge, s.Period = vmplane.ChargePrepaid, 12 })),
		method: "POST", path: "/v1.1/{project}/cloudservers/{id0}/resize",
		body: `{"resize":{"flavorRef":"c6.xlarge.2","mode":"withStopServer","extendparam":{"isAutoPay":"true"}}}` + "\n", model: anyOf[model.ResizeServerResponse]},
	{name: "batch_stop", setup: seeded(running, running), method: "POST", path: base + "/action",
		body: `{"os-stop":{"servers":[{"id":"{id0}"},{"id":"{id1}"}],"type":"HARD"}}` + "\n", model: anyOf[model.BatchStopServersResponse]},
	{name: "batch_resize", setup: seeded(running, running), method: "POST", path: base + "/batch-resize",
		body: `{"resize":{"flavorRef":"c6.xlarge.2","servers":[{"id":"{id0}"},{"id":"{id1}"}],"mode":"withStopServer"}}` + "\n", model: anyOf[model.BatchResizeServersResponse]},
	{name: "show_job_batch_resize_success", setup: func(g *goldenEnv) {
		g.seed(running, running)
		job, err := g.srv.Service.Submit(context.Background(), vmplane.OperationRequest{
			Scope: vmplane.Scope{Cloud: "huawei", Account: vmplane.DefaultAccountID}, Kind: vmplane.KindResize, Mode: vmplane.ModeStopFirst,
			InstanceIDs: []string{g.vars["{id0}"], g.vars["{id1}"]}, SpecID: "c6.xlarge.2",
		})
		if err != nil {
			g.t.Fatal(err)
		}
		g.vars["{batch}"] = job.ID
		g.srv.Advance(time.Minute)
	}, method: "GET", path: "/v1/{project}/jobs/{batch}", model: anyOf[model.ShowJobResponse]},
	{name: "show_server_tags", setup: seeded(running), method: "GET", path: base + "/{id0}/tags", model: anyOf[model.ShowServerTagsResponse]},
	{name: "create_server_tags", setup: seeded(running), method: "POST", path: base + "/{id0}/tags/action",
		body: `{"action":"create","tags":[{"key":"team","value":"web"}]}` + "\n", model: anyOf[model.BatchCreateServerTagsResponse]},
	{name: "list_project_tags", setup: seeded(running, running), method: "GET", path: base + "/tags", model: anyOf[model.ListServerTagsResponse]},
	{name: "change_os", setup: seeded(running), method: "POST", path: "/v2/{project}/cloudservers/{id0}/changeos",
		body:  `{"os-change":{"keyname":"KeyPair-new","imageid":"51a76dc4-0a0c-4e7c-bb01-d9dbaabe1441","mode":"withStopServer","metadata":{"user_data":"IyEvYmluL2Jhc2g="}}}` + "\n",
		model: anyOf[model.ChangeServerOsWithCloudInitResponse]},
	{name: "batch_update_servers_name", setup: seeded(running, running), method: "PUT", path: base + "/server-name",
		body: `{"name":"develop","servers":[{"id":"{id0}"},{"id":"{id1}"}]}` + "\n", model: anyOf[model.BatchUpdateServersNameResponse]},
	{name: "delete_servers", setup: seeded(running), method: "POST", path: base + "/delete",
		body: `{"servers":[{"id":"{id0}"}],"delete_publicip":true,"delete_volume":true}` + "\n", model: anyOf[model.DeleteServersResponse]},
	{name: "show_job_init", setup: seeded(with(running, func(s *vmplane.InstanceSeed) { s.Operation = &vmplane.SeedOperation{Kind: vmplane.KindStop} })),
		method: "GET", path: "/v1/{project}/jobs/{job0}", model: anyOf[model.ShowJobResponse]},
	{name: "show_job_running", setup: then(seeded(with(running, func(s *vmplane.InstanceSeed) {
		s.Operation = &vmplane.SeedOperation{Kind: vmplane.KindReboot}
	})), time.Second), method: "GET", path: "/v1/{project}/jobs/{job0}", model: anyOf[model.ShowJobResponse]},
	{name: "show_job_resize_success", setup: then(seeded(with(running, func(s *vmplane.InstanceSeed) {
		s.Operation = &vmplane.SeedOperation{Kind: vmplane.KindResize, Mode: vmplane.ModeStopFirst, SpecID: "c6.xlarge.2"}
	})), time.Minute), method: "GET", path: "/v1/{project}/jobs/{job0}", model: anyOf[model.ShowJobResponse]},
	{name: "show_job_failed", setup: failedStart, method: "GET", path: "/v1/{project}/jobs/{job0}", model: anyOf[model.ShowJobResponse]},
	// The server a start failed on: ERROR, with a fault that gives ECS's reason.
	{name: "show_server_failed", setup: failedStart, method: "GET", path: base + "/{id0}", model: anyOf[model.ShowServerResponse]},
	{name: "list_projects", method: "GET", path: "/v3/projects?name=cn-north-4"},

	{name: "error_server_not_found", method: "GET", path: base + "/7d3f2a10-0b1c-4d2e-8f3a-4b5c6d7e8f90"},
	{name: "error_resize_running", setup: seeded(running), method: "POST", path: base + "/{id0}/resize",
		body: `{"resize":{"flavorRef":"c6.xlarge.2"}}` + "\n"},
	{name: "error_resize_spot", setup: seeded(with(running, func(s *vmplane.InstanceSeed) { s.Charge = vmplane.ChargeSpot })),
		method: "POST", path: base + "/{id0}/resize", body: `{"resize":{"flavorRef":"c6.xlarge.2","mode":"withStopServer"}}` + "\n"},
	{name: "error_resize_prepaid_v1", setup: seeded(with(running, func(s *vmplane.InstanceSeed) { s.Charge, s.Period = vmplane.ChargePrepaid, 1 })),
		method: "POST", path: base + "/{id0}/resize", body: `{"resize":{"flavorRef":"c6.xlarge.2","mode":"withStopServer"}}` + "\n"},
	{name: "error_body_illegal", method: "POST", path: base + "/action", body: `{"os-stop":`},
	{name: "error_body_empty", method: "POST", path: base + "/action"},
	{name: "error_two_actions", method: "POST", path: base + "/action", body: `{"os-stop":{"servers":[{"id":"a"}]},"os-start":{"servers":[{"id":"a"}]}}`},
	{name: "error_project_mismatch", method: "GET", path: "/v1/0123456789abcdef0123456789abcdee/cloudservers/detail"},
	{name: "error_unknown_job", method: "GET", path: "/v1/{project}/jobs/ff8080829585af7f0195c1e70fde474b"},
	{name: "error_unknown_api", method: "GET", path: base + "/7d3f2a10-0b1c-4d2e-8f3a-4b5c6d7e8f90/os-interface", send: unsigned},
	{name: "error_method_not_published", method: "DELETE", path: base + "/detail", send: unsigned},
	{name: "error_signature_mismatch", method: "GET", path: base + "/detail?limit=1",
		send: func(g *goldenEnv, method, path, body string) *http.Response {
			return g.doSigned(method, path, body, "not-the-secret", vmplanetest.Epoch)
		}},
	{name: "error_signature_expired", method: "GET", path: base + "/detail",
		send: func(g *goldenEnv, method, path, body string) *http.Response {
			return g.doSigned(method, path, body, vmplanetest.SecretKey, vmplanetest.Epoch.Add(-16*time.Minute))
		}},
	{name: "error_unsigned", method: "GET", path: base + "/detail", send: unsigned},
}

func unsigned(g *goldenEnv, method, path, body string) *http.Response {
	return g.send(g.request(method, path, body))
}

func anyOf[T any]() any { return new(T) }

func TestGolden(t *testing.T) {
	for _, tc := range goldenCases {
		t.Run(tc.name, func(t *testing.T) {
			g := newGoldenEnv(t)
			if tc.setup != nil {
				tc.setup(g)
			}
			send := tc.send
			if send == nil {
				send = func(g *goldenEnv, method, path, body string) *http.Response {
					return g.do(method, path, g.expand(body))
				}
			}
			resp := send(g, tc.method, tc.path, tc.body)
			body, err := io.ReadAll(resp.Body)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body = io.NopCloser(bytes.NewReader(body))
			got := fmt.Sprintf("%s %s\n%s\n\nHTTP %d\nContent-Type: %s\nX-Request-Id: %s\n\n%s\n",
				tc.method, g.expand(tc.path), g.expand(tc.body), resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("X-Request-Id"), body)
			vmplanetest.Golden(t, filepath.Join("testdata", "golden", tc.name+".txt"), []byte(got))

			// The SDK must read every answer: successes into their
			// model, errors into a code and a message.
			if resp.StatusCode >= 400 {
				e := sdkerr.NewServiceResponseError(resp)
				if e.ErrorCode == "" || e.ErrorMessage == "" || e.RequestId == "" {
					t.Errorf("the SDK reads the error as %+v", e)
				}
				if tc.model != nil {
					t.Errorf("status %d, want a success", resp.StatusCode)
				}
				return
			}
			if tc.model != nil && len(body) > 0 { // the SDK reads no empty body (a 204)
				if err := utils.Unmarshal(body, tc.model()); err != nil {
					t.Errorf("the SDK cannot decode the answer: %v", err)
				}
			}
		})
	}
}

// BenchmarkShowServer measures one signed ShowServer, verified, looked up
// and rendered, through the in-memory transport.
func BenchmarkShowServer(b *testing.B) {
	g := newGoldenEnv(b)
	g.seed(running)
	benchGet(b, g, base+"/{id0}")
}

// BenchmarkListServers measures a page of 100 servers out of 1000.
func BenchmarkListServers(b *testing.B) {
	g := newGoldenEnv(b)
	seeds := make([]vmplane.InstanceSeed, 1000)
	for i := range seeds {
		seeds[i] = running
	}
	g.seed(seeds...)
	benchGet(b, g, base+"/detail?limit=100&offset=3&status=ACTIVE")
}

func benchGet(b *testing.B, g *goldenEnv, path string) {
	for b.Loop() {
		resp := g.do("GET", path, "")
		_, _ = io.Copy(io.Discard, resp.Body)
		if resp.StatusCode != http.StatusOK {
			b.Fatal(resp.Status)
		}
	}
}

// The gateway refuses a body over 12 MB before looking at it.
func TestGatewayRefusesOversizedBody(t *testing.T) {
	g := newGoldenEnv(t)
	body := `{"servers":[` + strings.Repeat(`{"id":"x"},`, 12<<20/10) + `{"id":"x"}]}`
	resp := g.do("POST", base+"/delete", body)
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(string(data), `"error_code":"APIGW.0201"`) {
		t.Errorf("a %d MB body: %d %s", len(body)>>20, resp.StatusCode, data)
	}
}

// failedStart seeds a stopped server whose start a fault fails.
func failedStart(g *goldenEnv) {
	if _, err := g.srv.Service.AddFault(vmplane.FaultRule{Kind: vmplane.KindStart, Effect: vmplane.FaultFail, Count: 1,
		Error: &vmplane.WireError{Code: "Ecs.0226", Message: "Failed to start."}}); err != nil {
		g.t.Fatal(err)
	}
	g.seed(with(running, func(s *vmplane.InstanceSeed) {
		s.Power, s.Operation = vmplane.PowerStopped, &vmplane.SeedOperation{Kind: vmplane.KindStart}
	}))
	g.srv.Advance(time.Minute)
}
