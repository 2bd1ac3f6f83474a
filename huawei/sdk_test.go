package huawei_test

// These tests drive vmplane with the official Huawei Cloud Go SDK, over a
// real socket, exactly as a user would: an endpoint override, the
// account's AK/SK and project id, nothing else changed. Time moves only
// when a test advances the virtual clock.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/basic"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/region"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/sdkerr"
	ecs "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/ecs/v2"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/ecs/v2/model"
	"github.com/vmplane/vmplane"
	"github.com/vmplane/vmplane/vmplanetest"
)

// Fixed network ids for create requests: vmplane checks their form only.
const (
	testVPC    = "3e5b1f0c-7a52-4c0e-9f6e-2b8d41c7a9e1"
	testSubnet = "8a1c2d3e-4f50-4617-a829-3b4c5d6e7f80"
	testImage  = "51a76dc4-0a0c-4e7c-bb01-d9dbaabe1441"
)

// newClient returns an SDK client for srv with the test account's
// credentials.
func newClient(t *testing.T, srv *vmplanetest.Server) *ecs.EcsClient {
	t.Helper()
	return clientWith(t, srv, vmplanetest.AccessKey, vmplanetest.SecretKey, vmplanetest.ProjectID)
}

func clientWith(t *testing.T, srv *vmplanetest.Server, ak, sk, project string) *ecs.EcsClient {
	t.Helper()
	cred, err := basic.NewCredentialsBuilder().WithAk(ak).WithSk(sk).WithProjectId(project).SafeBuild()
	if err != nil {
		t.Fatal(err)
	}
	hc, err := ecs.EcsClientBuilder().WithEndpoints([]string{srv.URL()}).WithCredential(cred).SafeBuild()
	if err != nil {
		t.Fatal(err)
	}
	return ecs.NewEcsClient(hc)
}

// createServer creates count pay-per-use servers of flavor and waits until
// they run.
func createServer(t *testing.T, srv *vmplanetest.Server, c *ecs.EcsClient, name, flavor string, count int32) []string {
	t.Helper()
	resp, err := c.CreatePostPaidServers(&model.CreatePostPaidServersRequest{Body: &model.CreatePostPaidServersRequestBody{
		Server: postPaidServer(name, flavor, count),
	}})
	if err != nil {
		t.Fatalf("CreatePostPaidServers: %v", err)
	}
	if resp.ServerIds == nil || len(*resp.ServerIds) != int(count) || resp.JobId == nil {
		t.Fatalf("CreatePostPaidServers = %+v, want %d server ids and a job id", resp, count)
	}
	srv.Advance(8 * time.Second) // create 5s, then boot 3s
	waitJob(t, srv, c, *resp.JobId, "SUCCESS")
	return *resp.ServerIds
}

func postPaidServer(name, flavor string, count int32) *model.PostPaidServer {
	subnet := testSubnet
	return &model.PostPaidServer{
		Name: name, FlavorRef: flavor, ImageRef: testImage, Vpcid: testVPC, Count: &count,
		Nics:       []model.PostPaidServerNic{{SubnetId: &subnet}},
		RootVolume: &model.PostPaidServerRootVolume{Volumetype: model.GetPostPaidServerRootVolumeVolumetypeEnum().SSD},
	}
}

// showJob returns the job's status.
func showJob(t *testing.T, c *ecs.EcsClient, id string) *model.ShowJobResponse {
	t.Helper()
	job, err := c.ShowJob(&model.ShowJobRequest{JobId: id})
	if err != nil {
		t.Fatalf("ShowJob(%s): %v", id, err)
	}
	return job
}

// waitJob checks that the job has reached status.
func waitJob(t *testing.T, srv *vmplanetest.Server, c *ecs.EcsClient, id, status string) *model.ShowJobResponse {
	t.Helper()
	srv.Settle()
	job := showJob(t, c, id)
	if got := job.Status.Value(); got != status {
		t.Fatalf("job %s is %s, want %s (%+v)", id, got, status, job)
	}
	return job
}

// pollJob asks for the job every second of virtual time, as a client's
// waiter would, until it ends, and returns the statuses it saw in order.
func pollJob(t *testing.T, srv *vmplanetest.Server, c *ecs.EcsClient, id string) (seen []string, last *model.ShowJobResponse) {
	t.Helper()
	for range 60 {
		last = showJob(t, c, id)
		s := last.Status.Value()
		if len(seen) == 0 || seen[len(seen)-1] != s {
			seen = append(seen, s)
		}
		if s == "SUCCESS" || s == "FAIL" {
			return seen, last
		}
		srv.Advance(time.Second)
	}
	t.Fatalf("job %s did not end: %v", id, seen)
	return nil, nil
}

func showServer(t *testing.T, c *ecs.EcsClient, id string) *model.ServerDetail {
	t.Helper()
	resp, err := c.ShowServer(&model.ShowServerRequest{ServerId: id})
	if err != nil {
		t.Fatalf("ShowServer(%s): %v", id, err)
	}
	return resp.Server
}

// state is what a server shows: status/vm_state/task_state.
func state(s *model.ServerDetail) string {
	return s.Status + "/" + s.OSEXTSTSvmState + "/" + s.OSEXTSTStaskState
}

func stopServers(t *testing.T, c *ecs.EcsClient, hard bool, ids ...string) string {
	t.Helper()
	opt := &model.BatchStopServersOption{Servers: serverIDs(ids)}
	if hard {
		typ := model.GetBatchStopServersOptionTypeEnum().HARD
		opt.Type = &typ
	}
	resp, err := c.BatchStopServers(&model.BatchStopServersRequest{Body: &model.BatchStopServersRequestBody{OsStop: opt}})
	if err != nil {
		t.Fatalf("BatchStopServers: %v", err)
	}
	return *resp.JobId
}

func serverIDs(ids []string) []model.ServerId {
	out := make([]model.ServerId, len(ids))
	for i, id := range ids {
		out[i] = model.ServerId{Id: id}
	}
	return out
}

func resizePostPaid(c *ecs.EcsClient, id, flavor, mode string, dryRun bool) (*model.ResizePostPaidServerResponse, error) {
	opt := &model.ResizePostPaidServerOption{FlavorRef: flavor}
	if mode != "" {
		opt.Mode = &mode
	}
	body := &model.ResizePostPaidServerRequestBody{Resize: opt}
	if dryRun {
		body.DryRun = &dryRun
	}
	return c.ResizePostPaidServer(&model.ResizePostPaidServerRequest{ServerId: id, Body: body})
}

// The seed scenario: stop a pay-per-use server, resize it, and see the
// new flavor once the job succeeds.
func TestStopResizeWithSDK(t *testing.T) {
	srv := vmplanetest.NewServer(t, vmplanetest.Options{})
	c := newClient(t, srv)
	id := createServer(t, srv, c, "web", "s6.large.2", 1)[0]
	if got := state(showServer(t, c, id)); got != "ACTIVE/active/" {
		t.Fatalf("new server is %s, want ACTIVE/active/", got)
	}

	stop := stopServers(t, c, false, id)
	if got := showJob(t, c, stop).Status.Value(); got != "INIT" {
		t.Errorf("stop job right after acceptance is %s, want INIT", got)
	}
	srv.Advance(time.Second)
	if got := state(showServer(t, c, id)); got != "ACTIVE/active/powering-off" {
		t.Errorf("server being stopped is %s, want ACTIVE/active/powering-off", got)
	}
	seen, job := pollJob(t, srv, c, stop)
	if !slices.Equal(seen, []string{"RUNNING", "SUCCESS"}) {
		t.Errorf("stop job went %v, want RUNNING then SUCCESS", seen)
	}
	if job.Entities == nil || job.Entities.SubJobsTotal == nil || *job.Entities.SubJobsTotal != 1 ||
		*(*job.Entities.SubJobs)[0].Entities.ServerId != id {
		t.Errorf("stop job entities = %+v, want one sub-job for %s", job.Entities, id)
	}
	if job.BeginTime == nil || job.EndTime == nil || *job.EndTime == "" {
		t.Errorf("finished job has begin %v, end %v", job.BeginTime, job.EndTime)
	}
	if got := state(showServer(t, c, id)); got != "SHUTOFF/stopped/" {
		t.Fatalf("stopped server is %s, want SHUTOFF/stopped/", got)
	}

	resp, err := resizePostPaid(c, id, "c6.xlarge.2", "", false)
	if err != nil {
		t.Fatalf("ResizePostPaidServer: %v", err)
	}
	var tasks []string
	for range 4 {
		srv.Advance(time.Second)
		s := showServer(t, c, id)
		if s.Status == "RESIZE" {
			tasks = append(tasks, s.OSEXTSTStaskState)
			if s.Flavor.Id != "s6.large.2" {
				t.Errorf("flavor during resize is %s, want the old one", s.Flavor.Id)
			}
		}
	}
	if !slices.Equal(tasks, []string{"resize_migrating", "resize_migrated", "resize_finish"}) {
		t.Errorf("resize went through task states %v", tasks)
	}
	waitJob(t, srv, c, *resp.JobId, "SUCCESS")
	s := showServer(t, c, id)
	if got := state(s); got != "SHUTOFF/stopped/" {
		t.Errorf("resized server is %s, want SHUTOFF/stopped/", got)
	}
	if s.Flavor.Id != "c6.xlarge.2" || s.Flavor.Vcpus != "4" || s.Flavor.Ram != "8192" {
		t.Errorf("resized server's flavor is %+v, want c6.xlarge.2 with 4 vCPUs and 8192 MiB", s.Flavor)
	}
}

// withStopServer resizes a running server as one job: stop, resize, start.
func TestResizeWithStopServerOnRunningServer(t *testing.T) {
	srv := vmplanetest.NewServer(t, vmplanetest.Options{})
	c := newClient(t, srv)
	id := createServer(t, srv, c, "db", "s6.large.2", 1)[0]

	resp, err := resizePostPaid(c, id, "m6.large.8", "withStopServer", false)
	if err != nil {
		t.Fatalf("ResizePostPaidServer withStopServer: %v", err)
	}
	var states []string
	for range 11 {
		srv.Advance(time.Second)
		if s := state(showServer(t, c, id)); len(states) == 0 || states[len(states)-1] != s {
			states = append(states, s)
		}
	}
	want := []string{
		"ACTIVE/active/powering-off", "RESIZE/stopped/resize_prep", "RESIZE/stopped/resize_migrating", "RESIZE/stopped/resize_migrated",
		"RESIZE/stopped/resize_finish", "SHUTOFF/stopped/powering-on", "ACTIVE/active/",
	}
	if !slices.Equal(states, want) {
		t.Errorf("server went through\n%v\nwant\n%v", states, want)
	}
	job := waitJob(t, srv, c, *resp.JobId, "SUCCESS")
	if job.Entities == nil || job.Entities.ServerId == nil || *job.Entities.ServerId != id {
		t.Errorf("resize job entities = %+v, want server_id %s", job.Entities, id)
	}
	if s := showServer(t, c, id); s.Flavor.Id != "m6.large.8" || s.OSEXTSTSpowerState != 1 {
		t.Errorf("server after resize: flavor %s, power_state %d; want m6.large.8, 1", s.Flavor.Id, s.OSEXTSTSpowerState)
	}
}

// dry_run checks the request and changes nothing.
func TestResizeDryRunChangesNothing(t *testing.T) {
	srv := vmplanetest.NewServer(t, vmplanetest.Options{})
	c := newClient(t, srv)
	id := createServer(t, srv, c, "app", "s6.large.2", 1)[0]
	stopServers(t, c, true, id)
	srv.Advance(3 * time.Second)

	resp, err := resizePostPaid(c, id, "c6.xlarge.2", "", true)
	if err != nil {
		t.Fatalf("dry run: %v", err)
	}
	if resp.HttpStatusCode != http.StatusAccepted || resp.JobId != nil {
		t.Errorf("dry run answered %d with job %v, want 202 and no job", resp.HttpStatusCode, resp.JobId)
	}
	srv.Advance(10 * time.Second)
	if s := showServer(t, c, id); s.Flavor.Id != "s6.large.2" || state(s) != "SHUTOFF/stopped/" {
		t.Errorf("after a dry run the server is %s %s, want s6.large.2 SHUTOFF/stopped/", s.Flavor.Id, state(s))
	}

	_, err = resizePostPaid(c, id, "s6.large.2", "", true)
	wantAPIError(t, err, 400, "Ecs.0009")
	_, err = resizePostPaid(c, id, "x9.none", "", true)
	wantAPIError(t, err, 400, "Ecs.0029")
}

// A yearly/monthly server is refused on v1 and resized on v1.1, which
// opens an order.
func TestResizePrepaidServerOnV11(t *testing.T) {
	srv := vmplanetest.NewServer(t, vmplanetest.Options{})
	c := newClient(t, srv)
	prePaid := model.GetPrePaidServerExtendParamChargingModeEnum().PRE_PAID
	month := model.GetPrePaidServerExtendParamPeriodTypeEnum().MONTH
	autoPay := model.GetPrePaidServerExtendParamIsAutoPayEnum().TRUE
	one := int32(1)
	subnet := testSubnet
	created, err := c.CreateServers(&model.CreateServersRequest{Body: &model.CreateServersRequestBody{Server: &model.PrePaidServer{
		Name: "yearly", FlavorRef: "s6.large.2", ImageRef: testImage, Vpcid: testVPC,
		Nics:        []model.PrePaidServerNic{{SubnetId: &subnet}},
		RootVolume:  &model.PrePaidServerRootVolume{Volumetype: model.GetPrePaidServerRootVolumeVolumetypeEnum().SSD},
		Extendparam: &model.PrePaidServerExtendParam{ChargingMode: &prePaid, PeriodType: &month, PeriodNum: &one, IsAutoPay: &autoPay},
	}}})
	if err != nil {
		t.Fatalf("CreateServers prePaid: %v", err)
	}
	if created.OrderId == nil || created.JobId == nil {
		t.Errorf("CreateServers prePaid = %+v, want an order id and a job id", created)
	}
	id := (*created.ServerIds)[0]
	srv.Advance(8 * time.Second)
	if md := showServer(t, c, id).Metadata; md["charging_mode"] != "1" || md["metering.order_id"] != *created.OrderId {
		t.Errorf("prepaid server metadata = %v, want charging_mode 1 and its order", md)
	}

	_, err = resizePostPaid(c, id, "c6.xlarge.2", "withStopServer", false)
	wantAPIError(t, err, 400, "Ecs.0005")

	mode := "withStopServer"
	resp, err := c.ResizeServer(&model.ResizeServerRequest{ServerId: id, Body: &model.ResizeServerRequestBody{
		Resize: &model.ResizePrePaidServerOption{FlavorRef: "c6.xlarge.2", Mode: &mode},
	}})
	if err != nil {
		t.Fatalf("ResizeServer v1.1: %v", err)
	}
	if resp.OrderId == nil || resp.JobId == nil {
		t.Fatalf("ResizeServer = %+v, want an order id and a job id", resp)
	}
	if seen, _ := pollJob(t, srv, c, *resp.JobId); seen[len(seen)-1] != "SUCCESS" {
		t.Fatalf("v1.1 resize job went %v", seen)
	}
	if s := showServer(t, c, id); s.Flavor.Id != "c6.xlarge.2" || s.Status != "ACTIVE" {
		t.Errorf("after v1.1 resize: %s %s, want c6.xlarge.2 ACTIVE", s.Flavor.Id, s.Status)
	}

	// v1.1 takes pay-per-use servers too, and answers a job only.
	ppu := createServer(t, srv, c, "ppu", "s6.large.2", 1)[0]
	resp, err = c.ResizeServer(&model.ResizeServerRequest{ServerId: ppu, Body: &model.ResizeServerRequestBody{
		Resize: &model.ResizePrePaidServerOption{FlavorRef: "s6.xlarge.2", Mode: &mode},
	}})
	if err != nil || resp.OrderId != nil || resp.JobId == nil {
		t.Fatalf("ResizeServer pay-per-use = %+v, %v; want a job and no order", resp, err)
	}
}

func TestListResizeFlavors(t *testing.T) {
	srv := vmplanetest.NewServer(t, vmplanetest.Options{})
	c := newClient(t, srv)
	zone := "cn-north-4c"
	resp, err := c.CreatePostPaidServers(&model.CreatePostPaidServersRequest{Body: &model.CreatePostPaidServersRequestBody{
		Server: func() *model.PostPaidServer {
			s := postPaidServer("z", "s6.large.2", 1)
			s.AvailabilityZone = &zone
			return s
		}(),
	}})
	if err != nil {
		t.Fatal(err)
	}
	id := (*resp.ServerIds)[0]

	ids := func(r *model.ListResizeFlavorsResponse, err error) []string {
		t.Helper()
		if err != nil {
			t.Fatalf("ListResizeFlavors: %v", err)
		}
		var out []string
		for _, f := range *r.Flavors {
			out = append(out, f.Id)
		}
		return out
	}
	byServer := ids(c.ListResizeFlavors(&model.ListResizeFlavorsRequest{InstanceUuid: &id}))
	if slices.Contains(byServer, "s6.large.2") || slices.Contains(byServer, "kc1.large.2") || slices.Contains(byServer, "c3.15xlarge.2") {
		t.Errorf("targets of an s6.large.2 server in %s = %v: must exclude itself, Kunpeng flavors and flavors not in its zone", zone, byServer)
	}
	if !slices.Contains(byServer, "c6.xlarge.2") || !slices.IsSorted(byServer) {
		t.Errorf("targets = %v, want c6.xlarge.2 among them, sorted by flavor id", byServer)
	}
	src := "s6.large.2"
	byFlavor := ids(c.ListResizeFlavors(&model.ListResizeFlavorsRequest{SourceFlavorId: &src}))
	if !slices.Contains(byFlavor, "c3.15xlarge.2") || len(byFlavor) != len(byServer)+1 {
		t.Errorf("targets of flavor s6.large.2 = %v, want those of the server plus c3.15xlarge.2", byFlavor)
	}
	vcpus, desc := model.GetListResizeFlavorsRequestSortKeyEnum().VCPUS, model.GetListResizeFlavorsRequestSortDirEnum().DESC
	limit := int32(2)
	top, err := c.ListResizeFlavors(&model.ListResizeFlavorsRequest{SourceFlavorId: &src, SortKey: &vcpus, SortDir: &desc, Limit: &limit})
	if err != nil || len(*top.Flavors) != 2 || (*top.Flavors)[0].Vcpus != "60" || (*top.Flavors)[0].ExtraSpecs == nil {
		t.Errorf("two largest targets = %+v, %v; want c3.15xlarge.2 (60 vCPUs) first, with extra_specs", top, err)
	}
	kunpeng := "kc1.large.2"
	if got := ids(c.ListResizeFlavors(&model.ListResizeFlavorsRequest{SourceFlavorId: &kunpeng})); !slices.Equal(got, []string{"kc1.xlarge.2"}) {
		t.Errorf("targets of kc1.large.2 = %v, want only kc1.xlarge.2", got)
	}
}

func TestListServersDetailsPaging(t *testing.T) {
	srv := vmplanetest.NewServer(t, vmplanetest.Options{})
	c := newClient(t, srv)
	ids := createServer(t, srv, c, "batch", "s6.large.2", 5)
	other := createServer(t, srv, c, "solo", "c6.large.2", 1)[0]

	list := func(req model.ListServersDetailsRequest) (int32, []string) {
		t.Helper()
		resp, err := c.ListServersDetails(&req)
		if err != nil {
			t.Fatalf("ListServersDetails: %v", err)
		}
		var names []string
		for _, s := range *resp.Servers {
			names = append(names, s.Name)
		}
		return *resp.Count, names
	}
	limit := int32(2)
	var pages [][]string
	for page := int32(0); page <= 4; page++ {
		count, names := list(model.ListServersDetailsRequest{Offset: &page, Limit: &limit})
		if count != 6 {
			t.Errorf("count = %d, want 6", count)
		}
		pages = append(pages, names)
	}
	want := [][]string{
		{"solo", "batch-0005"}, {"solo", "batch-0005"}, {"batch-0004", "batch-0003"}, {"batch-0002", "batch-0001"}, nil,
	}
	for i := range want {
		if !slices.Equal(pages[i], want[i]) {
			t.Errorf("page offset=%d = %v, want %v (offset is a page number, 0 meaning 1, newest first)", i, pages[i], want[i])
		}
	}
	if count, names := list(model.ListServersDetailsRequest{}); count != 6 || len(names) != 6 {
		t.Errorf("default page: count %d, %d servers; want 6 and 6", count, len(names))
	}

	flavor, name := "c6.large.2", "batch-000"
	if count, names := list(model.ListServersDetailsRequest{Flavor: &flavor}); count != 1 || names[0] != "solo" {
		t.Errorf("flavor filter: %d %v", count, names)
	}
	if count, _ := list(model.ListServersDetailsRequest{Name: &name}); count != 5 {
		t.Errorf("name filter %q matched %d, want 5", name, count)
	}
	stopServers(t, c, false, ids[0], ids[1])
	srv.Advance(3 * time.Second)
	shutoff := "SHUTOFF"
	if count, _ := list(model.ListServersDetailsRequest{Status: &shutoff}); count != 2 {
		t.Errorf("status filter SHUTOFF matched %d, want 2", count)
	}
	both := ids[2] + "," + other
	if count, names := list(model.ListServersDetailsRequest{ServerId: &both, Status: &shutoff}); count != 2 || !slices.Contains(names, "solo") {
		t.Errorf("server_id filter (which overrides status) = %d %v, want 2 including solo", count, names)
	}
}

// server_id ids that name no server of the caller's still get an entry,
// after the servers found: only its id and fault set, counted and paged
// with the others.
func TestListServersDetailsShowsUnknownServerIDs(t *testing.T) {
	srv := vmplanetest.NewServer(t, vmplanetest.Options{})
	c := newClient(t, srv)
	ids := createServer(t, srv, c, "web", "s6.small.1", 2)
	other, err := srv.Service.CreateAccount(context.Background(), vmplane.AccountCreate{ID: "other"})
	if err != nil {
		t.Fatal(err)
	}
	theirs := createServer(t, srv, clientWith(t, srv, other.Keys[0].AccessKey, other.Keys[0].SecretKey, other.ProjectID), "theirs", "s6.small.1", 1)[0]
	unknown := "7d3f2a10-0b1c-4d2e-8f3a-4b5c6d7e8f90"
	list := strings.Join([]string{ids[0], unknown, ids[1], unknown, theirs}, ",")
	pages := []struct {
		offset, limit int32
		want          []string
	}{
		{1, 25, []string{ids[1], ids[0], unknown, theirs}},
		{1, 3, []string{ids[1], ids[0], unknown}},
		{2, 3, []string{theirs}},
		{2, 2, []string{unknown, theirs}},
		{3, 2, nil},
	}
	for _, p := range pages {
		resp, err := c.ListServersDetails(&model.ListServersDetailsRequest{ServerId: &list, Offset: &p.offset, Limit: &p.limit})
		if err != nil {
			t.Fatalf("ListServersDetails: %v", err)
		}
		var got []string
		for _, s := range *resp.Servers {
			got = append(got, s.Id)
			missing := s.Id == unknown || s.Id == theirs
			switch {
			case missing && (s.Fault == nil || s.Name != "" || s.Status != "" || s.Flavor != nil || s.Image != nil || s.Metadata != nil):
				t.Errorf("the entry of %s: %+v, want only its id and a fault", s.Id, s)
			case missing:
				fault, _ := (*s.Fault).(map[string]any)
				if fault["code"] != json.Number("404") || fault["message"] != "Instance["+s.Id+"] could not be found." {
					t.Errorf("the fault of %s is %v", s.Id, *s.Fault)
				}
			case s.Fault != nil || s.Status != "ACTIVE":
				t.Errorf("server %s: %s, fault %v", s.Id, s.Status, s.Fault)
			}
		}
		if *resp.Count != 4 || !slices.Equal(got, p.want) {
			t.Errorf("offset %d limit %d: count %d, servers %v; want 4 and %v", p.offset, p.limit, *resp.Count, got, p.want)
		}
	}
}

func TestListFlavors(t *testing.T) {
	srv := vmplanetest.NewServer(t, vmplanetest.Options{})
	c := newClient(t, srv)
	resp, err := c.ListFlavors(&model.ListFlavorsRequest{})
	if err != nil {
		t.Fatalf("ListFlavors: %v", err)
	}
	var found bool
	for _, f := range *resp.Flavors {
		if f.Id == "c6.xlarge.2" {
			found = true
			if f.Vcpus != "4" || f.Ram != 8192 || f.OsExtraSpecs == nil || *f.OsExtraSpecs.Ecsperformancetype != "computingv3" {
				t.Errorf("c6.xlarge.2 = %+v", f)
			}
		}
	}
	if !found {
		t.Errorf("ListFlavors has no c6.xlarge.2")
	}
	zone := "cn-north-4c"
	inZone, err := c.ListFlavors(&model.ListFlavorsRequest{AvailabilityZone: &zone})
	if err != nil || len(*inZone.Flavors) != len(*resp.Flavors)-1 {
		t.Errorf("flavors in %s: %d, %v; want all but c3.15xlarge.2", zone, len(*inZone.Flavors), err)
	}
}

// A create retried with the same X-Client-Token answers the servers of the
// first attempt and makes no new ones.
func TestCreateIsIdempotentByClientToken(t *testing.T) {
	srv := vmplanetest.NewServer(t, vmplanetest.Options{})
	c := newClient(t, srv)
	token := "retry-7f1c"
	create := func() *model.CreatePostPaidServersResponse {
		t.Helper()
		resp, err := c.CreatePostPaidServers(&model.CreatePostPaidServersRequest{XClientToken: &token,
			Body: &model.CreatePostPaidServersRequestBody{Server: postPaidServer("idem", "s6.small.1", 2)}})
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	first, again := create(), create()
	if *first.JobId != *again.JobId || !slices.Equal(*first.ServerIds, *again.ServerIds) {
		t.Errorf("retry answered %v %v, first %v %v", *again.JobId, *again.ServerIds, *first.JobId, *first.ServerIds)
	}
	list, err := c.ListServersDetails(&model.ListServersDetailsRequest{})
	if err != nil || *list.Count != 2 {
		t.Errorf("after a retried create: %v servers, %v; want 2", list.Count, err)
	}
	other := "another-token"
	resp, err := c.CreatePostPaidServers(&model.CreatePostPaidServersRequest{XClientToken: &other,
		Body: &model.CreatePostPaidServersRequestBody{Server: postPaidServer("idem", "s6.small.1", 1)}})
	if err != nil || slices.Contains(*first.ServerIds, (*resp.ServerIds)[0]) {
		t.Errorf("another token answered %v, %v; want a new server", resp, err)
	}
}

// Delete stops a running server first; the server is gone once the job
// succeeds.
func TestDeleteServers(t *testing.T) {
	srv := vmplanetest.NewServer(t, vmplanetest.Options{})
	c := newClient(t, srv)
	ids := createServer(t, srv, c, "tmp", "s6.small.1", 2)
	resp, err := c.DeleteServers(&model.DeleteServersRequest{Body: &model.DeleteServersRequestBody{Servers: serverIDs(ids)}})
	if err != nil {
		t.Fatalf("DeleteServers: %v", err)
	}
	srv.Advance(time.Second)
	if got := state(showServer(t, c, ids[0])); got != "ACTIVE/active/deleting" {
		t.Errorf("server being deleted is %s", got)
	}
	seen, job := pollJob(t, srv, c, *resp.JobId)
	if seen[len(seen)-1] != "SUCCESS" || *job.Entities.SubJobsTotal != 2 {
		t.Fatalf("delete job went %v with %+v", seen, job.Entities)
	}
	_, err = c.ShowServer(&model.ShowServerRequest{ServerId: ids[0]})
	wantAPIError(t, err, 404, "Ecs.0114")
}

// Only pay-per-use servers (spot ones too) are deleted: one yearly/monthly
// server among them refuses the whole request, and nothing is deleted.
func TestDeleteServersRefusesYearlyMonthlyServers(t *testing.T) {
	srv := vmplanetest.NewServer(t, vmplanetest.Options{})
	c := newClient(t, srv)
	ppu := createServer(t, srv, c, "ppu", "s6.small.1", 1)[0]
	seeded, err := srv.Service.SeedInstances(context.Background(), []vmplane.InstanceSeed{
		{Cloud: "huawei", SpecID: "s6.small.1", Charge: vmplane.ChargePrepaid, Period: 1, Power: vmplane.PowerRunning},
		{Cloud: "huawei", SpecID: "s6.small.1", Charge: vmplane.ChargeSpot, Power: vmplane.PowerRunning},
	})
	if err != nil {
		t.Fatal(err)
	}
	prepaid, spot := seeded[0].ID, seeded[1].ID
	del := func(ids ...string) (*model.DeleteServersResponse, error) {
		return c.DeleteServers(&model.DeleteServersRequest{Body: &model.DeleteServersRequestBody{Servers: serverIDs(ids)}})
	}
	for _, ids := range [][]string{{prepaid}, {ppu, prepaid}} {
		_, err := del(ids...)
		wantAPIError(t, err, 400, "Ecs.0005")
	}
	srv.Advance(time.Minute)
	for _, id := range []string{ppu, prepaid} {
		if got := state(showServer(t, c, id)); got != "ACTIVE/active/" {
			t.Errorf("server %s after a refused delete is %s, want ACTIVE/active/", id, got)
		}
	}
	resp, err := del(ppu, spot)
	if err != nil {
		t.Fatalf("deleting a pay-per-use and a spot server: %v", err)
	}
	if seen, _ := pollJob(t, srv, c, *resp.JobId); seen[len(seen)-1] != "SUCCESS" {
		t.Fatalf("delete job went %v", seen)
	}
}

func TestStartAndRebootWithSDK(t *testing.T) {
	srv := vmplanetest.NewServer(t, vmplanetest.Options{})
	c := newClient(t, srv)
	id := createServer(t, srv, c, "r", "s6.small.1", 1)[0]
	hard := model.GetBatchRebootSeversOptionTypeEnum().HARD
	reboot, err := c.BatchRebootServers(&model.BatchRebootServersRequest{Body: &model.BatchRebootServersRequestBody{
		Reboot: &model.BatchRebootSeversOption{Servers: serverIDs([]string{id}), Type: hard},
	}})
	if err != nil {
		t.Fatalf("BatchRebootServers: %v", err)
	}
	srv.Advance(time.Second)
	if s := showServer(t, c, id); s.Status != "HARD_REBOOT" || !slices.Contains([]string{"rebooting_hard", "reboot_pending_hard"}, s.OSEXTSTStaskState) {
		t.Errorf("server a second into a hard reboot is %s", state(s))
	}
	srv.Advance(2 * time.Second)
	waitJob(t, srv, c, *reboot.JobId, "SUCCESS")

	stopServers(t, c, false, id)
	srv.Advance(3 * time.Second)
	start, err := c.BatchStartServers(&model.BatchStartServersRequest{Body: &model.BatchStartServersRequestBody{
		OsStart: &model.BatchStartServersOption{Servers: serverIDs([]string{id})},
	}})
	if err != nil {
		t.Fatalf("BatchStartServers: %v", err)
	}
	srv.Advance(time.Second)
	if got := state(showServer(t, c, id)); got != "SHUTOFF/stopped/powering-on" {
		t.Errorf("server being started is %s", got)
	}
	srv.Advance(2 * time.Second)
	waitJob(t, srv, c, *start.JobId, "SUCCESS")
	if s := showServer(t, c, id); state(s) != "ACTIVE/active/" || s.OSSRVUSGlaunchedAt == "" {
		t.Errorf("started server: %s, launched_at %q", state(s), s.OSSRVUSGlaunchedAt)
	}
}

// A failure injected by a fault rule fails the job with the rule's code.
func TestJobFailsWithInjectedFault(t *testing.T) {
	srv := vmplanetest.NewServer(t, vmplanetest.Options{})
	c := newClient(t, srv)
	id := createServer(t, srv, c, "f", "s6.large.2", 1)[0]
	if _, err := srv.Service.AddFault(vmplane.FaultRule{Kind: vmplane.KindResize, Effect: vmplane.FaultFail, Count: 1,
		Error: &vmplane.WireError{Code: "Ecs.0319", Message: "Insufficient resources for this flavor. Try another flavor."}}); err != nil {
		t.Fatal(err)
	}
	resp, err := resizePostPaid(c, id, "c6.xlarge.2", "withStopServer", false)
	if err != nil {
		t.Fatal(err)
	}
	seen, job := pollJob(t, srv, c, *resp.JobId)
	if seen[len(seen)-1] != "FAIL" || job.ErrorCode == nil || *job.ErrorCode != "Ecs.0319" || job.FailReason == nil || *job.FailReason == "" {
		t.Fatalf("job went %v, error %v %v; want FAIL with Ecs.0319", seen, job.ErrorCode, job.FailReason)
	}
	if s := showServer(t, c, id); s.Flavor.Id != "s6.large.2" {
		t.Errorf("failed resize left flavor %s, want the old one", s.Flavor.Id)
	}

	// A reject rule refuses the request with the rule's error, verbatim.
	if _, err := srv.Service.AddFault(vmplane.FaultRule{Kind: vmplane.KindStop, Effect: vmplane.FaultReject, Count: 1,
		Error: &vmplane.WireError{Code: "Ecs.0603", Message: "The commands are being executed. Try again later.", Status: 501}}); err != nil {
		t.Fatal(err)
	}
	_, err = c.BatchStopServers(&model.BatchStopServersRequest{Body: &model.BatchStopServersRequestBody{
		OsStop: &model.BatchStopServersOption{Servers: serverIDs([]string{id})}}})
	wantAPIError(t, err, 501, "Ecs.0603")
}

// wantAPIError checks that err is the SDK's error for an answer with status
// and code, and that it carries the request id.
func wantAPIError(t *testing.T, err error, status int, code string) {
	t.Helper()
	var e *sdkerr.ServiceResponseError
	if !errors.As(err, &e) {
		t.Fatalf("got error %v, want %d %s", err, status, code)
	}
	if e.StatusCode != status || e.ErrorCode != code || e.ErrorMessage == "" || len(e.RequestId) != 32 {
		t.Errorf("got %d %s %q (request id %q), want %d %s with a message and a request id", e.StatusCode, e.ErrorCode, e.ErrorMessage, e.RequestId, status, code)
	}
}

// Every refusal the ECS API documents for these calls, as the SDK sees it.
func TestDocumentedErrorsWithSDK(t *testing.T) {
	srv := vmplanetest.NewServer(t, vmplanetest.Options{})
	c := newClient(t, srv)
	running := createServer(t, srv, c, "running", "s6.large.2", 1)[0]
	stopped := createServer(t, srv, c, "stopped", "s6.large.2", 1)[0]
	stopServers(t, c, false, stopped)
	srv.Advance(3 * time.Second)
	seeded, err := srv.Service.SeedInstances(context.Background(), []vmplane.InstanceSeed{
		{Cloud: "huawei", SpecID: "s6.large.2", Charge: vmplane.ChargeSpot, Power: vmplane.PowerStopped},
		{Cloud: "huawei", SpecID: "s6.large.2", Charge: vmplane.ChargePrepaid, Period: 1, Power: vmplane.PowerStopped},
		{Cloud: "huawei", SpecID: "s6.large.2", Power: vmplane.PowerRunning, Protected: true},
		{Cloud: "huawei", SpecID: "s6.large.2", Power: vmplane.PowerRunning, Operation: &vmplane.SeedOperation{Kind: vmplane.KindReboot}},
	})
	if err != nil {
		t.Fatal(err)
	}
	spot, prepaid, locked, busy := seeded[0].ID, seeded[1].ID, seeded[2].ID, seeded[3].ID
	other, err := srv.Service.CreateAccount(context.Background(), vmplane.AccountCreate{ID: "other"})
	if err != nil {
		t.Fatal(err)
	}
	otherClient := clientWith(t, srv, other.Keys[0].AccessKey, other.Keys[0].SecretKey, other.ProjectID)
	wrongProject := clientWith(t, srv, vmplanetest.AccessKey, vmplanetest.SecretKey, other.ProjectID)
	tooMany := make([]string, 1001)
	for i := range tooMany {
		tooMany[i] = running
	}
	str := func(s string) *string { return &s }
	n := func(i int32) *int32 { return &i }

	tests := []struct {
		name   string
		call   func() error
		status int
		code   string
	}{
		{"show unknown server", func() error {
			_, err := c.ShowServer(&model.ShowServerRequest{ServerId: "00000000-0000-4000-8000-000000000000"})
			return err
		}, 404, "Ecs.0114"},
		{"show another account's server", func() error {
			_, err := otherClient.ShowServer(&model.ShowServerRequest{ServerId: running})
			return err
		}, 404, "Ecs.0114"},
		{"project not the key's", func() error {
			_, err := wrongProject.ShowServer(&model.ShowServerRequest{ServerId: running})
			return err
		}, 400, "Ecs.0023"},
		{"resize a running server without withStopServer", func() error { _, err := resizePostPaid(c, running, "c6.xlarge.2", "", false); return err }, 400, "Ecs.0100"},
		{"resize to the same flavor", func() error { _, err := resizePostPaid(c, stopped, "s6.large.2", "", false); return err }, 400, "Ecs.0009"},
		{"resize to an unknown flavor", func() error { _, err := resizePostPaid(c, stopped, "s6.huge.9", "", false); return err }, 400, "Ecs.0029"},
		{"resize to a flavor resize_flavors does not offer", func() error { _, err := resizePostPaid(c, stopped, "kc1.large.2", "", false); return err }, 400, "Ecs.0005"},
		{"resize without a flavor", func() error { _, err := resizePostPaid(c, stopped, "", "", false); return err }, 400, "Ecs.0005"},
		{"resize with an unknown mode", func() error { _, err := resizePostPaid(c, stopped, "c6.xlarge.2", "live", false); return err }, 400, "Ecs.0005"},
		{"resize a spot server", func() error { _, err := resizePostPaid(c, spot, "c6.xlarge.2", "", false); return err }, 400, "Ecs.0005"},
		{"resize a spot server on v1.1", func() error {
			_, err := c.ResizeServer(&model.ResizeServerRequest{ServerId: spot, Body: &model.ResizeServerRequestBody{Resize: &model.ResizePrePaidServerOption{FlavorRef: "c6.xlarge.2"}}})
			return err
		}, 400, "Ecs.0005"},
		{"resize a yearly/monthly server on v1", func() error { _, err := resizePostPaid(c, prepaid, "c6.xlarge.2", "", false); return err }, 400, "Ecs.0005"},
		{"resize a busy server", func() error { _, err := resizePostPaid(c, busy, "c6.xlarge.2", "withStopServer", false); return err }, 400, "Ecs.0100"},
		{"resize an unknown server", func() error { _, err := resizePostPaid(c, "nope", "c6.xlarge.2", "", false); return err }, 404, "Ecs.0114"},
		{"reboot a stopped server", func() error {
			_, err := c.BatchRebootServers(&model.BatchRebootServersRequest{Body: &model.BatchRebootServersRequestBody{
				Reboot: &model.BatchRebootSeversOption{Servers: serverIDs([]string{stopped}), Type: model.GetBatchRebootSeversOptionTypeEnum().SOFT}}})
			return err
		}, 400, "Ecs.0100"},
		{"start a running server", func() error {
			_, err := c.BatchStartServers(&model.BatchStartServersRequest{Body: &model.BatchStartServersRequestBody{
				OsStart: &model.BatchStartServersOption{Servers: serverIDs([]string{running, stopped})}}})
			return err
		}, 400, "Ecs.0100"},
		{"stop more than 1000 servers", func() error {
			_, err := c.BatchStopServers(&model.BatchStopServersRequest{Body: &model.BatchStopServersRequestBody{
				OsStop: &model.BatchStopServersOption{Servers: serverIDs(tooMany)}}})
			return err
		}, 400, "Ecs.0118"},
		{"stop no server", func() error {
			_, err := c.BatchStopServers(&model.BatchStopServersRequest{Body: &model.BatchStopServersRequestBody{OsStop: &model.BatchStopServersOption{}}})
			return err
		}, 400, "Ecs.0005"},
		{"stop an unknown server", func() error {
			_, err := c.BatchStopServers(&model.BatchStopServersRequest{Body: &model.BatchStopServersRequestBody{
				OsStop: &model.BatchStopServersOption{Servers: serverIDs([]string{running, "nope"})}}})
			return err
		}, 404, "Ecs.0114"},
		{"delete a locked server", func() error {
			_, err := c.DeleteServers(&model.DeleteServersRequest{Body: &model.DeleteServersRequestBody{Servers: serverIDs([]string{locked})}})
			return err
		}, 400, "Ecs.0605"},
		{"unknown job", func() error {
			_, err := c.ShowJob(&model.ShowJobRequest{JobId: "ff8080829585af7f0195c1e70fde474b"})
			return err
		}, 400, "Common.0011"},
		{"resize flavors without a source", func() error { _, err := c.ListResizeFlavors(&model.ListResizeFlavorsRequest{}); return err }, 400, "Ecs.0005"},
		{"resize flavors of an unknown server", func() error {
			_, err := c.ListResizeFlavors(&model.ListResizeFlavorsRequest{InstanceUuid: str("nope")})
			return err
		}, 404, "Ecs.0114"},
		{"list with a limit over 1000", func() error {
			_, err := c.ListServersDetails(&model.ListServersDetailsRequest{Limit: n(1001)})
			return err
		}, 400, "Ecs.0005"},
		{"create with an unknown flavor", func() error { return createWith(c, func(s *model.PostPaidServer) { s.FlavorRef = "s6.huge.9" }) }, 400, "Ecs.0029"},
		{"create with an unknown image", func() error {
			return createWith(c, func(s *model.PostPaidServer) { s.ImageRef = "00000000-0000-4000-8000-000000000000" })
		}, 400, "Ecs.0031"},
		{"create with a vpc id that is no uuid", func() error { return createWith(c, func(s *model.PostPaidServer) { s.Vpcid = "sdf" }) }, 400, "Ecs.0005"},
		{"create with a weak adminPass", func() error {
			return createWith(c, func(s *model.PostPaidServer) { s.AdminPass = str("password1") })
		}, 400, "Ecs.0005"},
		{"create with 11 tags", func() error {
			return createWith(c, func(s *model.PostPaidServer) {
				tags := make([]model.PostPaidServerTag, 11)
				for i := range tags {
					tags[i] = model.PostPaidServerTag{Key: fmt.Sprintf("k%d", i), Value: "v"}
				}
				s.ServerTags = &tags
			})
		}, 400, "Ecs.0005"},
		{"create without nics", func() error { return createWith(c, func(s *model.PostPaidServer) { s.Nics = nil }) }, 400, "Ecs.0005"},
		{"create in an unknown zone", func() error {
			return createWith(c, func(s *model.PostPaidServer) { s.AvailabilityZone = str("cn-north-4z") })
		}, 400, "Ecs.0005"},
		{"create a flavor its zone lacks", func() error {
			return createWith(c, func(s *model.PostPaidServer) { s.FlavorRef, s.AvailabilityZone = "c3.15xlarge.2", str("cn-north-4c") })
		}, 400, "Ecs.0005"},
		{"create with a name too long", func() error { return createWith(c, func(s *model.PostPaidServer) { s.Name = strings.Repeat("a", 65) }) }, 400, "Ecs.0914"},
		{"create more than 100", func() error { return createWith(c, func(s *model.PostPaidServer) { s.Count = n(101) }) }, 400, "Ecs.0913"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantAPIError(t, tt.call(), tt.status, tt.code) })
	}
	// Nothing refused may have changed a server.
	if s := showServer(t, c, stopped); state(s) != "SHUTOFF/stopped/" || s.Flavor.Id != "s6.large.2" {
		t.Errorf("after refusals the stopped server is %s %s", state(s), s.Flavor.Id)
	}
}

func createWith(c *ecs.EcsClient, change func(*model.PostPaidServer)) error {
	s := postPaidServer("bad", "s6.large.2", 1)
	change(s)
	_, err := c.CreatePostPaidServers(&model.CreatePostPaidServersRequest{Body: &model.CreatePostPaidServersRequestBody{Server: s}})
	return err
}

// The gateway refuses a wrong key, a wrong secret and a signing time more
// than 15 minutes away.
func TestSignatureRefused(t *testing.T) {
	srv := vmplanetest.NewServer(t, vmplanetest.Options{})
	show := func(c *ecs.EcsClient) error {
		_, err := c.ListServersDetails(&model.ListServersDetailsRequest{})
		return err
	}
	wantAPIError(t, show(clientWith(t, srv, vmplanetest.AccessKey, "wrong-secret", vmplanetest.ProjectID)), 401, "APIGW.0301")
	wantAPIError(t, show(clientWith(t, srv, "UNKNOWNACCESSKEY", vmplanetest.SecretKey, vmplanetest.ProjectID)), 401, "APIGW.0301")

	for _, skew := range []time.Duration{16 * time.Minute, -16 * time.Minute} {
		late := vmplanetest.NewServer(t, vmplanetest.Options{WallClock: func() time.Time { return time.Now().Add(skew) }})
		err := show(newClient(t, late))
		wantAPIError(t, err, 401, "APIGW.0301")
		var e *sdkerr.ServiceResponseError
		if errors.As(err, &e) && e.ErrorMessage != "Incorrect IAM authentication information: calc ak sk signature fail:signature expired" {
			t.Errorf("skew %s: message %q", skew, e.ErrorMessage)
		}
	}
	near := vmplanetest.NewServer(t, vmplanetest.Options{WallClock: func() time.Time { return time.Now().Add(14 * time.Minute) }})
	if err := show(newClient(t, near)); err != nil {
		t.Errorf("a signature 14 minutes old was refused: %v", err)
	}
}

// A client that names a region and no project id finds its project through
// IAM's GET /v3/projects, which vmplane serves too.
func TestRegionClientLooksUpProject(t *testing.T) {
	srv := vmplanetest.NewServer(t, vmplanetest.Options{})
	cred, err := basic.NewCredentialsBuilder().WithAk(vmplanetest.AccessKey).WithSk(vmplanetest.SecretKey).
		WithIamEndpointOverride(srv.URL()).SafeBuild()
	if err != nil {
		t.Fatal(err)
	}
	hc, err := ecs.EcsClientBuilder().WithRegion(region.NewRegion("cn-north-4", srv.URL())).WithCredential(cred).SafeBuild()
	if err != nil {
		t.Fatalf("building a region client (which looks its project up): %v", err)
	}
	if cred.ProjectId != vmplanetest.ProjectID {
		t.Errorf("project found = %q, want %q", cred.ProjectId, vmplanetest.ProjectID)
	}
	c := ecs.NewEcsClient(hc)
	if _, err := c.ListServersDetails(&model.ListServersDetailsRequest{}); err != nil {
		t.Errorf("ListServersDetails with the project found: %v", err)
	}

	// A region vmplane does not serve has no project.
	cred2, _ := basic.NewCredentialsBuilder().WithAk(vmplanetest.AccessKey).WithSk(vmplanetest.SecretKey).
		WithIamEndpointOverride(srv.URL()).SafeBuild()
	if _, err := ecs.EcsClientBuilder().WithRegion(region.NewRegion("eu-west-0", srv.URL())).WithCredential(cred2).SafeBuild(); err == nil {
		t.Errorf("a region outside the catalog found a project")
	}
}

// A client that polls a job across a restart of vmplane reads the same job:
// after the restart it comes from the store, not from memory.
func TestAFinishedJobReadsTheSameAfterARestart(t *testing.T) {
	dir := t.TempDir()
	srv := vmplanetest.NewServer(t, vmplanetest.Options{DataDir: dir})
	c := newClient(t, srv)
	ids := createServer(t, srv, c, "kept", "s6.large.2", 2)
	resp, err := c.BatchStopServers(&model.BatchStopServersRequest{Body: &model.BatchStopServersRequestBody{
		OsStop: &model.BatchStopServersOption{Servers: serverIDs(ids)}}})
	if err != nil {
		t.Fatal(err)
	}
	srv.Advance(time.Minute)
	before := showJob(t, c, *resp.JobId)
	srv.Close()

	srv = vmplanetest.NewServer(t, vmplanetest.Options{DataDir: dir, Start: vmplanetest.Epoch.Add(time.Hour)})
	after := showJob(t, newClient(t, srv), *resp.JobId)
	if after.Status.Value() != "SUCCESS" || after.String() != before.String() {
		t.Fatalf("the job after a restart:\n%s\nbefore:\n%s", after, before)
	}
}
