package vmplanetest_test

// The README's "In your Go tests" example, kept here so that it compiles
// and passes: a rightsizing step tested in-process with the official
// Huawei Cloud SDK, time and failures under the test's control.

import (
	"testing"
	"time"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/basic"
	ecs "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/ecs/v2"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/ecs/v2/model"
	"github.com/vmplane/vmplane"
	"github.com/vmplane/vmplane/vmplanetest"
)

func TestRightsizingWithTheHuaweiSDK(t *testing.T) {
	// All of vmplane in this process: SQLite in t.TempDir(), simulated
	// servers, a virtual clock that moves only when the test moves it.
	srv := vmplanetest.NewServer(t, vmplanetest.Options{})
	id := srv.SeedRunning("huawei", "s6.large.2", "cn-north-4a", 1)[0]

	cred, err := basic.NewCredentialsBuilder().WithAk(vmplanetest.AccessKey).WithSk(vmplanetest.SecretKey).
		WithProjectId(vmplanetest.ProjectID).SafeBuild()
	if err != nil {
		t.Fatal(err)
	}
	hc, err := ecs.EcsClientBuilder().WithEndpoints([]string{srv.URL()}).WithCredential(cred).SafeBuild()
	if err != nil {
		t.Fatal(err)
	}
	client := ecs.NewEcsClient(hc)
	resize := func(flavor string) string {
		mode := "withStopServer"
		resp, err := client.ResizeServer(&model.ResizeServerRequest{ServerId: id, Body: &model.ResizeServerRequestBody{
			Resize: &model.ResizePrePaidServerOption{FlavorRef: flavor, Mode: &mode}}})
		if err != nil {
			t.Fatal(err)
		}
		srv.Advance(time.Minute) // stop, resize, start: seconds of virtual time, no sleeping
		job, err := client.ShowJob(&model.ShowJobRequest{JobId: *resp.JobId})
		if err != nil {
			t.Fatal(err)
		}
		return job.Status.Value()
	}

	if status := resize("c6.xlarge.2"); status != "SUCCESS" {
		t.Fatalf("resize job: %s", status)
	}

	// The next resize fails as ECS fails one, with the code the test chose.
	if _, err := srv.Service.AddFault(vmplane.FaultRule{Kind: vmplane.KindResize, Effect: vmplane.FaultFail, Count: 1,
		Error: &vmplane.WireError{Code: "Ecs.0319", Message: "Insufficient resources for this flavor."}}); err != nil {
		t.Fatal(err)
	}
	if status := resize("c6.2xlarge.4"); status != "FAIL" {
		t.Fatalf("resize job with a fault: %s", status)
	}
	server, err := client.ShowServer(&model.ShowServerRequest{ServerId: id})
	if err != nil {
		t.Fatal(err)
	}
	if server.Server.Flavor.Id != "c6.xlarge.2" || server.Server.Status != "ACTIVE" {
		t.Fatalf("after the failed resize: %s %s", server.Server.Flavor.Id, server.Server.Status)
	}
}
