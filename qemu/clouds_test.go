package qemu_test

// These tests drive real VMs through the clouds' own APIs, as a user
// would: over a socket, signed with the account's keys, polling the
// cloud's status until the VM has really got there.

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/basic"
	ecs "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/ecs/v2"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/ecs/v2/model"
	"github.com/vmplane/vmplane"
	"github.com/vmplane/vmplane/ncloud"
	"github.com/vmplane/vmplane/qemu"
	"github.com/vmplane/vmplane/vmplanetest"
)

// newVMServer runs vmplane in-process with the qemu driver; operations
// take no configured time, the VMs' progress decides.
func newVMServer(t *testing.T) (*vmplanetest.Server, *qemu.Driver) {
	t.Helper()
	d, _ := newDriver(t, "", func(c *qemu.Config) { c.MemoryScale, c.MemoryFloorMiB = 0.125, 192 })
	zero := make(map[vmplane.Kind]time.Duration)
	for k := range vmplane.DefaultDurations {
		zero[k] = 0
	}
	return vmplanetest.NewServer(t, vmplanetest.Options{Driver: d, Durations: zero}), d
}

// eventually polls check until it returns "" (real VMs take real time),
// and fails with its last complaint after the deadline.
func eventually(t *testing.T, what string, check func() string) {
	t.Helper()
	var last string
	for deadline := time.Now().Add(2 * time.Minute); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if last = check(); last == "" {
			return
		}
	}
	t.Fatalf("%s: still %s after 2m", what, last)
}

// ncp calls an NCP VPC Server API action the way NCP's clients do: a
// form POST signed with x-ncp-apigw-signature-v1.
func ncp(t *testing.T, srv *vmplanetest.Server, action string, form url.Values) []ncpServer {
	t.Helper()
	form.Set("responseFormatType", "json")
	u := srv.URL() + "/vserver/v2/" + action
	req, _ := http.NewRequest(http.MethodPost, u, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	ncloud.Sign(req, vmplanetest.AccessKey, vmplanetest.SecretKey, time.Now())
	resp, err := srv.HTTPClient().Do(req)
	if err != nil {
		t.Fatalf("%s: %v", action, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var env map[string]struct {
		ReturnCode         string      `json:"returnCode"`
		ServerInstanceList []ncpServer `json:"serverInstanceList"`
	}
	if err := json.Unmarshal(body, &env); err != nil || resp.StatusCode != 200 {
		t.Fatalf("%s: %d %s (%v)", action, resp.StatusCode, body, err)
	}
	r, ok := env[action+"Response"]
	if !ok || r.ReturnCode != "0" {
		t.Fatalf("%s: %s", action, body)
	}
	return r.ServerInstanceList
}

type ncpServer struct {
	No     string `json:"serverInstanceNo"`
	Status struct {
		Code string `json:"code"`
	} `json:"serverInstanceStatus"`
	Operation struct {
		Code string `json:"code"`
	} `json:"serverInstanceOperation"`
	Spec string `json:"serverSpecCode"`
}

func (s ncpServer) state() string { return s.Status.Code + "/" + s.Operation.Code }

// ncpAwait polls getServerInstanceDetail until the server shows want.
func ncpAwait(t *testing.T, srv *vmplanetest.Server, id, want string) {
	t.Helper()
	eventually(t, "server "+id+" to be "+want, func() string {
		s := ncp(t, srv, "getServerInstanceDetail", url.Values{"regionCode": {"KR"}, "serverInstanceNo": {id}})
		if got := s[0].state(); got != want {
			return got
		}
		return ""
	})
}

// guestReport waits until the instance's VM runs and returns what its
// guest reported.
func guestReport(t *testing.T, d *qemu.Driver, key string) qemu.Description {
	t.Helper()
	var desc qemu.Description
	eventually(t, key+" to run", func() string {
		desc = machine(t, d, key)
		if desc.State != "running" {
			return desc.State
		}
		return ""
	})
	return desc
}

func TestNCPCreateStopChangeSpecStartShowsTheGuestItsNewSpec(t *testing.T) {
	t.Parallel()
	srv, d := newVMServer(t)
	created := ncp(t, srv, "createServerInstances", url.Values{
		"regionCode": {"KR"}, "serverName": {"vm-1"}, "vpcNo": {"10375"}, "subnetNo": {"30137"},
		"networkInterfaceList.1.networkInterfaceOrder": {"0"}, "networkInterfaceList.1.accessControlGroupNoList.1": {"21375"},
		"serverImageNo": {"104630229"}, "serverSpecCode": {"ci2-g3"},
	})
	id := created[0].No
	ncpAwait(t, srv, id, "RUN/NULL")
	key := "ncloud/" + id
	checkGuest(t, guestReport(t, d, key), 2, 512) // 4 GiB scaled by 0.125

	stopping := ncp(t, srv, "stopServerInstances", url.Values{"regionCode": {"KR"}, "serverInstanceNoList.1": {id}})
	if got := stopping[0].state(); got != "RUN/SHTDN" {
		t.Errorf("stopping shows %s", got)
	}
	ncpAwait(t, srv, id, "NSTOP/NULL")
	if desc := machine(t, d, key); desc.State != "stopped" {
		t.Fatalf("NCP says stopped, the VM is %s", desc.State)
	}

	ncp(t, srv, "changeServerInstanceSpec", url.Values{"regionCode": {"KR"}, "serverInstanceNo": {id}, "serverSpecCode": {"ci4-g3"}})
	ncpAwait(t, srv, id, "NSTOP/NULL")
	ncp(t, srv, "startServerInstances", url.Values{"regionCode": {"KR"}, "serverInstanceNoList.1": {id}})
	ncpAwait(t, srv, id, "RUN/NULL")
	checkGuest(t, guestReport(t, d, key), 4, 1024) // 8 GiB scaled by 0.125
}

func TestHuaweiSDKCreateStopResizeStartShowsTheGuestItsNewSpec(t *testing.T) {
	t.Parallel()
	srv, d := newVMServer(t)
	cred, err := basic.NewCredentialsBuilder().WithAk(vmplanetest.AccessKey).WithSk(vmplanetest.SecretKey).
		WithProjectId(vmplanetest.ProjectID).SafeBuild()
	if err != nil {
		t.Fatal(err)
	}
	hc, err := ecs.EcsClientBuilder().WithEndpoints([]string{srv.URL()}).WithCredential(cred).SafeBuild()
	if err != nil {
		t.Fatal(err)
	}
	c := ecs.NewEcsClient(hc)
	// jobDone polls ShowJob as the SDK's users do, until the job ends.
	jobDone := func(id *string) {
		t.Helper()
		if id == nil {
			t.Fatal("no job id")
		}
		eventually(t, "job "+*id, func() string {
			job, err := c.ShowJob(&model.ShowJobRequest{JobId: *id})
			if err != nil {
				t.Fatalf("ShowJob: %v", err)
			}
			switch s := job.Status.Value(); s {
			case "SUCCESS":
				return ""
			case "FAIL":
				t.Fatalf("job %s failed: %+v", *id, job)
			default:
				return s
			}
			return ""
		})
	}

	count, subnet := int32(1), "8a1c2d3e-4f50-4617-a829-3b4c5d6e7f80"
	created, err := c.CreatePostPaidServers(&model.CreatePostPaidServersRequest{Body: &model.CreatePostPaidServersRequestBody{
		Server: &model.PostPaidServer{Name: "vm-1", FlavorRef: "s6.small.1", ImageRef: "51a76dc4-0a0c-4e7c-bb01-d9dbaabe1441",
			Vpcid: "3e5b1f0c-7a52-4c0e-9f6e-2b8d41c7a9e1", Count: &count, Nics: []model.PostPaidServerNic{{SubnetId: &subnet}},
			RootVolume: &model.PostPaidServerRootVolume{Volumetype: model.GetPostPaidServerRootVolumeVolumetypeEnum().SSD}},
	}})
	if err != nil {
		t.Fatalf("CreatePostPaidServers: %v", err)
	}
	jobDone(created.JobId)
	id := (*created.ServerIds)[0]
	key := "huawei/" + id
	checkGuest(t, guestReport(t, d, key), 1, 192) // 1 GiB scaled by 0.125 is under the 192 MiB floor

	servers := []model.ServerId{{Id: id}}
	stopped, err := c.BatchStopServers(&model.BatchStopServersRequest{Body: &model.BatchStopServersRequestBody{
		OsStop: &model.BatchStopServersOption{Servers: servers}}})
	if err != nil {
		t.Fatalf("BatchStopServers: %v", err)
	}
	jobDone(stopped.JobId)
	show, err := c.ShowServer(&model.ShowServerRequest{ServerId: id})
	if err != nil {
		t.Fatal(err)
	}
	if show.Server.Status != "SHUTOFF" || machine(t, d, key).State != "stopped" {
		t.Fatalf("after the stop job: ECS says %s, the VM is %s", show.Server.Status, machine(t, d, key).State)
	}

	resized, err := c.ResizePostPaidServer(&model.ResizePostPaidServerRequest{ServerId: id, Body: &model.ResizePostPaidServerRequestBody{
		Resize: &model.ResizePostPaidServerOption{FlavorRef: "s6.large.2"}}})
	if err != nil {
		t.Fatalf("ResizePostPaidServer: %v", err)
	}
	jobDone(resized.JobId)
	started, err := c.BatchStartServers(&model.BatchStartServersRequest{Body: &model.BatchStartServersRequestBody{
		OsStart: &model.BatchStartServersOption{Servers: servers}}})
	if err != nil {
		t.Fatalf("BatchStartServers: %v", err)
	}
	jobDone(started.JobId)
	checkGuest(t, guestReport(t, d, key), 2, 512) // 4 GiB scaled by 0.125
	if show, err = c.ShowServer(&model.ShowServerRequest{ServerId: id}); err != nil || show.Server.Status != "ACTIVE" {
		t.Fatalf("after the start job: %v %+v", err, show)
	}
}
