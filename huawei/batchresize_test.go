package huawei_test

import (
	"context"
	"slices"
	"testing"
	"time"

	ecs "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/ecs/v2"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/ecs/v2/model"
	"github.com/vmplane/vmplane"
	"github.com/vmplane/vmplane/vmplanetest"
)

func batchResize(c *ecs.EcsClient, flavor, mode string, ids ...string) (*model.BatchResizeServersResponse, error) {
	opt := &model.BatchResizeServersOption{FlavorRef: flavor, Servers: serverIDs(ids)}
	if mode != "" {
		opt.Mode = &mode
	}
	return c.BatchResizeServers(&model.BatchResizeServersRequest{Body: &model.BatchResizeServersReq{Resize: opt}})
}

// A rightsizing job changes a fleet's flavor in one call: one job with a
// sub-job a server, every server on the new flavor once it succeeds.
func TestBatchResizeChangesEveryServerInOneJob(t *testing.T) {
	srv := vmplanetest.NewServer(t, vmplanetest.Options{})
	c := newClient(t, srv)
	ids := createServer(t, srv, c, "fleet", "s6.large.2", 3)

	resp, err := batchResize(c, "c6.xlarge.2", "withStopServer", ids...)
	if err != nil {
		t.Fatalf("BatchResizeServers: %v", err)
	}
	if resp.JobId == nil || resp.OrderId != nil {
		t.Fatalf("BatchResizeServers = %+v, want a job and, for pay-per-use servers, no order", resp)
	}
	seen, job := pollJob(t, srv, c, *resp.JobId)
	if !slices.Equal(seen, []string{"INIT", "RUNNING", "SUCCESS"}) {
		t.Errorf("batch resize job went %v, want INIT, RUNNING, SUCCESS", seen)
	}
	if job.Entities == nil || job.Entities.SubJobsTotal == nil || *job.Entities.SubJobsTotal != 3 || len(*job.Entities.SubJobs) != 3 {
		t.Fatalf("batch resize job entities = %+v, want three sub-jobs", job.Entities)
	}
	var subServers []string
	for _, sub := range *job.Entities.SubJobs {
		subServers = append(subServers, *sub.Entities.ServerId)
		if sub.Status.Value() != "SUCCESS" {
			t.Errorf("sub-job for %s is %s, want SUCCESS", *sub.Entities.ServerId, sub.Status.Value())
		}
	}
	if !slices.Equal(subServers, ids) {
		t.Errorf("sub-jobs are for %v, want %v", subServers, ids)
	}
	for _, id := range ids {
		if s := showServer(t, c, id); s.Flavor.Id != "c6.xlarge.2" || state(s) != "ACTIVE/active/" {
			t.Errorf("server %s after the batch: %s %s, want c6.xlarge.2 ACTIVE/active/", id, s.Flavor.Id, state(s))
		}
	}
}

// A batch is accepted whole or not at all: one server the change cannot
// apply to refuses it, and no server changes.
func TestBatchResizeRefusesTheWholeBatch(t *testing.T) {
	srv := vmplanetest.NewServer(t, vmplanetest.Options{})
	c := newClient(t, srv)
	running := createServer(t, srv, c, "fleet", "s6.large.2", 2)
	other := createServer(t, srv, c, "other", "s6.xlarge.2", 1)[0]
	seeded, err := srv.Service.SeedInstances(context.Background(), []vmplane.InstanceSeed{
		{Cloud: "huawei", SpecID: "s6.large.2", Charge: vmplane.ChargeSpot, Power: vmplane.PowerStopped},
		{Cloud: "huawei", SpecID: "s6.large.2", Charge: vmplane.ChargePrepaid, Period: 1, Power: vmplane.PowerStopped},
		{Cloud: "huawei", SpecID: "s6.large.2", Zone: "cn-north-4c", Power: vmplane.PowerRunning},
	})
	if err != nil {
		t.Fatal(err)
	}
	spot, prepaid, elsewhere := seeded[0].ID, seeded[1].ID, seeded[2].ID
	fiftyOne := make([]string, 51)
	for i := range fiftyOne {
		fiftyOne[i] = running[0]
	}

	tests := []struct {
		name   string
		mode   string
		ids    []string
		status int
		code   string
	}{
		{"running servers without withStopServer", "", running, 400, "Ecs.0100"},
		{"an unknown server among them", "withStopServer", []string{running[0], "nope"}, 404, "Ecs.0114"},
		{"a spot server among them", "withStopServer", []string{running[0], spot}, 400, "Ecs.0005"},
		{"mixed billing modes", "withStopServer", []string{running[0], prepaid}, 400, "Ecs.0005"},
		{"mixed availability zones", "withStopServer", []string{running[0], elsewhere}, 400, "Ecs.0005"},
		{"mixed flavors", "withStopServer", []string{running[0], other}, 400, "Ecs.0005"},
		{"a server named twice", "withStopServer", []string{running[0], running[0]}, 400, "Ecs.0005"},
		{"more than 50 servers", "withStopServer", fiftyOne, 400, "Ecs.0118"},
		{"no server", "withStopServer", nil, 400, "Ecs.0005"},
		{"an unknown mode", "live", running, 400, "Ecs.0005"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := batchResize(c, "c6.xlarge.2", tt.mode, tt.ids...)
			wantAPIError(t, err, tt.status, tt.code)
		})
	}
	t.Run("one server's own state", func(t *testing.T) {
		// A busy server refuses the batch in the core, after the batch's
		// own rules pass.
		stop := stopServers(t, c, false, running[1])
		_, err := batchResize(c, "c6.xlarge.2", "withStopServer", running...)
		wantAPIError(t, err, 400, "Ecs.0100")
		srv.Advance(3 * time.Second)
		waitJob(t, srv, c, stop, "SUCCESS")
	})
	srv.Advance(time.Minute)
	srv.Settle()
	for _, id := range append(running, other) {
		if s := showServer(t, c, id); s.Flavor.Id == "c6.xlarge.2" {
			t.Errorf("server %s was resized by a refused batch", id)
		}
	}
}

// A batch of yearly/monthly servers opens an order, as a single v1.1
// resize does.
func TestBatchResizeOfPrepaidServersOpensAnOrder(t *testing.T) {
	srv := vmplanetest.NewServer(t, vmplanetest.Options{})
	c := newClient(t, srv)
	seeded, err := srv.Service.SeedInstances(context.Background(), []vmplane.InstanceSeed{
		{Cloud: "huawei", SpecID: "s6.large.2", Charge: vmplane.ChargePrepaid, Period: 1, Power: vmplane.PowerStopped},
		{Cloud: "huawei", SpecID: "s6.large.2", Charge: vmplane.ChargePrepaid, Period: 1, Power: vmplane.PowerStopped},
	})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := batchResize(c, "s6.xlarge.2", "", seeded[0].ID, seeded[1].ID)
	if err != nil {
		t.Fatalf("BatchResizeServers: %v", err)
	}
	if resp.OrderId == nil || resp.JobId == nil {
		t.Fatalf("BatchResizeServers = %+v, want an order and a job", resp)
	}
	if seen, _ := pollJob(t, srv, c, *resp.JobId); seen[len(seen)-1] != "SUCCESS" {
		t.Fatalf("batch resize job went %v", seen)
	}
	for _, in := range seeded {
		if s := showServer(t, c, in.ID); s.Flavor.Id != "s6.xlarge.2" {
			t.Errorf("server %s after the batch has flavor %s, want s6.xlarge.2", in.ID, s.Flavor.Id)
		}
	}
}

// A batch resize's job has sub-jobs even for one server, also once it is
// read from the store after a restart; a single resize's job names its
// server instead.
func TestBatchResizeOfOneServerShowsASubJob(t *testing.T) {
	dir := t.TempDir()
	srv := vmplanetest.NewServer(t, vmplanetest.Options{DataDir: dir})
	c := newClient(t, srv)
	id := createServer(t, srv, c, "solo", "s6.large.2", 1)[0]
	batch, err := batchResize(c, "c6.xlarge.2", "withStopServer", id)
	if err != nil {
		t.Fatalf("BatchResizeServers: %v", err)
	}
	if seen, _ := pollJob(t, srv, c, *batch.JobId); seen[len(seen)-1] != "SUCCESS" {
		t.Fatalf("batch resize job went %v", seen)
	}
	single, err := resizePostPaid(c, id, "s6.large.2", "withStopServer", false)
	if err != nil {
		t.Fatalf("ResizePostPaidServer: %v", err)
	}
	if seen, _ := pollJob(t, srv, c, *single.JobId); seen[len(seen)-1] != "SUCCESS" {
		t.Fatalf("resize job went %v", seen)
	}
	check := func(c *ecs.EcsClient, when string) {
		t.Helper()
		e := showJob(t, c, *batch.JobId).Entities
		if e == nil || e.ServerId != nil || e.SubJobsTotal == nil || *e.SubJobsTotal != 1 || len(*e.SubJobs) != 1 || *(*e.SubJobs)[0].Entities.ServerId != id {
			t.Errorf("%s, the batch resize job's entities are %+v, want one sub-job for %s", when, e, id)
		}
		e = showJob(t, c, *single.JobId).Entities
		if e == nil || e.ServerId == nil || *e.ServerId != id || e.SubJobs != nil {
			t.Errorf("%s, the resize job's entities are %+v, want server_id %s", when, e, id)
		}
	}
	check(c, "before a restart")
	srv.Close()
	srv = vmplanetest.NewServer(t, vmplanetest.Options{DataDir: dir, Start: vmplanetest.Epoch.Add(time.Hour)})
	check(newClient(t, srv), "after a restart")
}
