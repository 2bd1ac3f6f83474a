package zenlayer_test

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/vmplane/vmplane"
	"github.com/vmplane/vmplane/vmplanetest"
)

// TestModifyInstanceTypeRefusals covers every error of the
// ModifyInstanceType documentation, each with its HTTP status.
func TestModifyInstanceTypeRefusals(t *testing.T) {
	srv, c := newClient(t, vmplanetest.Options{})
	ctx := context.Background()
	if _, err := srv.Service.CreateAccount(ctx, vmplane.AccountCreate{ID: "other"}); err != nil {
		t.Fatal(err)
	}
	in := seed(t, srv,
		vmplane.InstanceSeed{SpecID: "c.1c2g", Zone: "SEL-A"},
		vmplane.InstanceSeed{SpecID: "c.1c2g", Zone: "SEL-A", Power: vmplane.PowerRecycled},
		vmplane.InstanceSeed{SpecID: "c.1c2g", Zone: "SEL-A", Operation: &vmplane.SeedOperation{Kind: vmplane.KindRecycle, Mode: vmplane.ModeStopFirst}},
		vmplane.InstanceSeed{SpecID: "c.1c2g", Zone: "SEL-A", Operation: &vmplane.SeedOperation{Kind: vmplane.KindStop}},
		vmplane.InstanceSeed{SpecID: "c.1c2g", Zone: "SEL-A", Operation: &vmplane.SeedOperation{Kind: vmplane.KindCreate}},
		vmplane.InstanceSeed{SpecID: "s.1c1g", Zone: "SEL-A"},
		vmplane.InstanceSeed{SpecID: "c.1c2g", Zone: "PAR-A"},
		vmplane.InstanceSeed{SpecID: "c.1c2g", Zone: "SAO-A"},
		vmplane.InstanceSeed{SpecID: "c.1c2g", Zone: "SEL-A", Operation: &vmplane.SeedOperation{Kind: vmplane.KindResize, Mode: vmplane.ModeLive, SpecID: "c.2c4g"}},
		vmplane.InstanceSeed{SpecID: "c.4c8g", Zone: "SEL-A", Charge: vmplane.ChargePrepaid, Period: 1,
			Scheduled: &vmplane.ScheduledChange{SpecID: "c.2c4g", At: vmplanetest.Epoch.AddDate(0, 1, 0)}},
		vmplane.InstanceSeed{SpecID: "c.1c2g", Zone: "SEL-A", Power: vmplane.PowerFailed},
	)
	running, recycled, recycling, stopping, creating, standard, paris, saoPaulo, processing, scheduled, failed :=
		in[0].ID, in[1].ID, in[2].ID, in[3].ID, in[4].ID, in[5].ID, in[6].ID, in[7].ID, in[8].ID, in[9].ID, in[10].ID
	others, err := srv.Service.SeedInstances(ctx, []vmplane.InstanceSeed{{Cloud: "zenlayer", Account: "other", SpecID: "c.1c2g"}})
	if err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name, id, target string
		status           int
		code             string
	}{
		{"no instanceId", "", "c.2c4g", 400, "MISSING_PARAMETER"},
		{"no instanceTypeId", running, "", 400, "MISSING_PARAMETER"},
		{"an unknown instance", "1779437129371229999", "c.2c4g", 404, "INVALID_INSTANCE_NOT_FOUND"},
		{"another account's instance", others[0].ID, "c.2c4g", 404, "INVALID_INSTANCE_NOT_FOUND"},
		{"an instance in the recycle bin", recycled, "c.2c4g", 400, "UNSUPPORTED_OPERATION_INSTANCE_BEING_RECYCLE"},
		{"an instance being recycled", recycling, "c.2c4g", 400, "UNSUPPORTED_OPERATION_INSTANCE_BEING_RECYCLE"},
		{"a stopping instance", stopping, "c.2c4g", 400, "UNSUPPORTED_OPERATION_INSTANCE_STATUS"},
		{"an instance being created", creating, "c.2c4g", 400, "UNSUPPORTED_OPERATION_INSTANCE_STATUS"},
		{"a failed instance", failed, "c.2c4g", 400, "UNSUPPORTED_OPERATION_INSTANCE_STATUS"},
		{"an unknown type", running, "c.3c5g", 404, "INVALID_PRODUCT_NOT_FOUND"},
		{"the same type", running, "c.1c2g", 403, "INVALID_INSTANCE_TYPE_NOT_CHANGED"},
		{"c to s", running, "s.2c2g", 400, "OPERATION_FAILED_INSTANCE_TYPE_UNSUPPORTED"},
		{"s to h", standard, "h.4c8g", 400, "OPERATION_FAILED_INSTANCE_TYPE_UNSUPPORTED"},
		{"a type the zone does not offer", saoPaulo, "m.2c16g", 400, "OPERATION_FAILED_INSTANCE_TYPE_UNSUPPORTED"},
		{"a zone without type changes", paris, "c.2c4g", 400, "UNSUPPORTED_OPERATION_ZONE_NOT_SUPPORT"},
		{"a change being processed", processing, "c.4c8g", 403, "OPERATION_DENIED_INSTANCE_PLAN_PROCESSING"},
		{"a scheduled change (upgrade)", scheduled, "c.8c16g", 403, "OPERATION_DENIED_INSTANCE_EXIST_PLAN"},
		{"a scheduled change (downgrade)", scheduled, "c.1c2g", 403, "OPERATION_DENIED_INSTANCE_EXIST_PLAN"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := c.apiCall("ModifyInstanceType", &ModifyInstanceTypeRequest{InstanceId: tc.id, InstanceTypeId: tc.target}, &ModifyInstanceTypeResponse{})
			wantError(t, err, tc.status, tc.code)
		})
	}

	// Allowed: within a series, and across c, g and m.
	for _, target := range []string{"g.1c4g", "m.2c16g"} {
		id := seed(t, srv, vmplane.InstanceSeed{SpecID: "c.2c4g", Zone: "SEL-A", Power: vmplane.PowerStopped})[0].ID
		c.must(t, "ModifyInstanceType", &ModifyInstanceTypeRequest{InstanceId: id, InstanceTypeId: target}, &ModifyInstanceTypeResponse{})
	}
	c.must(t, "ModifyInstanceType", &ModifyInstanceTypeRequest{InstanceId: standard, InstanceTypeId: "s.2c2g"}, &ModifyInstanceTypeResponse{})
	srv.Advance(4 * time.Second)
	if in := describe(t, c, standard); in.InstanceType != "s.2c2g" {
		t.Fatalf("s.1c1g → s.2c2g: %s", in.InstanceType)
	}
}

// TestPowerActionRefusals covers Start, Stop, Reboot, Terminate and Release
// refused for the instance's state, and shows batches are all-or-nothing.
func TestPowerActionRefusals(t *testing.T) {
	srv, c := newClient(t, vmplanetest.Options{})
	in := seed(t, srv,
		vmplane.InstanceSeed{SpecID: "c.1c2g"},
		vmplane.InstanceSeed{SpecID: "c.1c2g", Power: vmplane.PowerStopped},
		vmplane.InstanceSeed{SpecID: "c.1c2g", Power: vmplane.PowerRecycled},
		vmplane.InstanceSeed{SpecID: "c.1c2g", Operation: &vmplane.SeedOperation{Kind: vmplane.KindCreate}},
		vmplane.InstanceSeed{SpecID: "c.1c2g", Charge: vmplane.ChargePrepaid, Period: 12},
		vmplane.InstanceSeed{SpecID: "c.1c2g", Operation: &vmplane.SeedOperation{Kind: vmplane.KindRecycle, Mode: vmplane.ModeStopFirst}},
		vmplane.InstanceSeed{SpecID: "c.1c2g", Power: vmplane.PowerRecycled, Operation: &vmplane.SeedOperation{Kind: vmplane.KindTerminate}},
		vmplane.InstanceSeed{SpecID: "c.1c2g", Power: vmplane.PowerStopped, Operation: &vmplane.SeedOperation{Kind: vmplane.KindRebuild}},
	)
	running, stopped, recycled, creating, prepaid, recycling, releasing, rebuilding := in[0].ID, in[1].ID, in[2].ID, in[3].ID, in[4].ID, in[5].ID, in[6].ID, in[7].ID
	many := make([]string, 101)
	for i := range many {
		many[i] = running
	}

	for _, tc := range []struct {
		name, action string
		req          any
		status       int
		code         string
	}{
		{"start without ids", "StartInstances", &InstanceIdsRequest{}, 400, "MISSING_PARAMETER"},
		{"start 101 instances", "StartInstances", &InstanceIdsRequest{InstanceIds: many}, 400, "INVALID_PARAMETER_VALUE"},
		{"start an unknown instance", "StartInstances", &InstanceIdsRequest{InstanceIds: []string{"42"}}, 404, "INVALID_INSTANCE_NOT_FOUND"},
		{"start a running instance", "StartInstances", &InstanceIdsRequest{InstanceIds: []string{running}}, 403, "OPERATION_DENIED_INSTANCE_NOT_STOPPED"},
		{"start an instance being created", "StartInstances", &InstanceIdsRequest{InstanceIds: []string{creating}}, 403, "OPERATION_DENIED_INSTANCE_NOT_STOPPED"},
		{"start a recycled instance", "StartInstances", &InstanceIdsRequest{InstanceIds: []string{recycled}}, 403, "OPERATION_DENIED_INSTANCE_RECYCLED"},
		{"start a recycling instance", "StartInstances", &InstanceIdsRequest{InstanceIds: []string{recycling}}, 403, "OPERATION_DENIED_INSTANCE_RECYCLED"},
		{"start the same instance twice", "StartInstances", &InstanceIdsRequest{InstanceIds: []string{stopped, stopped}}, 400, "INVALID_PARAMETER_VALUE"},
		{"stop a stopped instance", "StopInstances", &StopInstancesRequest{InstanceIds: []string{stopped}}, 403, "OPERATION_DENIED_INSTANCE_NOT_RUNNING"},
		{"stop a recycled instance", "StopInstances", &StopInstancesRequest{InstanceIds: []string{recycled}}, 403, "OPERATION_DENIED_INSTANCE_RECYCLED"},
		{"reboot a stopped instance", "RebootInstances", &InstanceIdsRequest{InstanceIds: []string{stopped}}, 403, "OPERATION_DENIED_INSTANCE_STATUS"},
		{"terminate without an id", "TerminateInstance", &InstanceIdRequest{}, 400, "MISSING_PARAMETER"},
		{"terminate an unknown instance", "TerminateInstance", &InstanceIdRequest{InstanceId: "42"}, 404, "INVALID_INSTANCE_NOT_FOUND"},
		{"terminate a recycled instance", "TerminateInstance", &InstanceIdRequest{InstanceId: recycled}, 403, "OPERATION_DENIED_INSTANCE_RECYCLED"},
		{"terminate a recycling instance", "TerminateInstance", &InstanceIdRequest{InstanceId: recycling}, 403, "OPERATION_DENIED_INSTANCE_RECYCLED"},
		{"terminate an instance being created", "TerminateInstance", &InstanceIdRequest{InstanceId: creating}, 403, "OPERATION_DENIED_INSTANCE_CREATING"},
		{"terminate an instance being reinstalled", "TerminateInstance", &InstanceIdRequest{InstanceId: rebuilding}, 403, "OPERATION_DENIED_INSTANCE_STATUS_INSTALLING"},
		{"reboot an instance being reinstalled", "RebootInstances", &InstanceIdsRequest{InstanceIds: []string{rebuilding}}, 403, "OPERATION_DENIED_INSTANCE_STATUS"},
		{"terminate a subscription", "TerminateInstance", &InstanceIdRequest{InstanceId: prepaid}, 403, "OPERATION_DENIED_INSTANCE_SUBSCRIPTION"},
		{"release a running instance", "ReleaseInstances", &InstanceIdsRequest{InstanceIds: []string{running}}, 403, "OPERATION_DENIED_INSTANCE_NOT_RECYCLED"},
		{"release a recycling instance", "ReleaseInstances", &InstanceIdsRequest{InstanceIds: []string{recycling}}, 403, "OPERATION_DENIED_INSTANCE_NOT_RECYCLED"},
		{"release a releasing instance", "ReleaseInstances", &InstanceIdsRequest{InstanceIds: []string{releasing}}, 403, "OPERATION_DENIED_INSTANCE_STATUS"},
		{"release with an unknown instance", "ReleaseInstances", &InstanceIdsRequest{InstanceIds: []string{recycled, "42"}}, 404, "INVALID_INSTANCE_NOT_FOUND"},
		{"release without ids", "ReleaseInstances", &InstanceIdsRequest{}, 400, "MISSING_PARAMETER"},
		{"cancel a downgrade that does not exist", "CancelInstanceDowngrade", &InstanceIdRequest{InstanceId: running}, 403, "OPERATION_DENIED_DOWNGRADE_NOT_EXIST"},
		{"cancel on an unknown instance", "CancelInstanceDowngrade", &InstanceIdRequest{InstanceId: "42"}, 404, "INVALID_INSTANCE_NOT_FOUND"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantError(t, c.apiCall(tc.action, tc.req, &RequestIdResponse{}), tc.status, tc.code)
		})
	}

	// A batch with one refusal changes nothing.
	err := c.apiCall("StopInstances", &StopInstancesRequest{InstanceIds: []string{running, stopped}}, &RequestIdResponse{})
	wantError(t, err, 403, "OPERATION_DENIED_INSTANCE_NOT_RUNNING")
	if got := status(t, c, running); got != "RUNNING" {
		t.Fatalf("a refused batch stopped %s: %s", running, got)
	}
	// A recycled subscription can still be released.
	c.must(t, "ReleaseInstances", &InstanceIdsRequest{InstanceIds: []string{recycled}}, &RequestIdResponse{})
}

// While a type change is in flight the instance shows the status it had,
// so an action that status allows is refused for the change in flight
// (OPERATION_DENIED_INSTANCE_STATUS), not for a status the client does not
// see; an action the status itself forbids keeps its own code.
func TestActionsDuringATypeChangeAgreeWithTheStatusShown(t *testing.T) {
	srv, c := newClient(t, vmplanetest.Options{})
	resize := &vmplane.SeedOperation{Kind: vmplane.KindResize, Mode: vmplane.ModeLive, SpecID: "c.2c4g"}
	in := seed(t, srv,
		vmplane.InstanceSeed{SpecID: "c.1c2g", Zone: "SEL-A", Power: vmplane.PowerStopped, Operation: resize},
		vmplane.InstanceSeed{SpecID: "c.1c2g", Zone: "SEL-A", Operation: resize},
	)
	stopped, running := in[0].ID, in[1].ID
	for _, tc := range []struct {
		name, action string
		req          any
		shown        string
		code         string
	}{
		{"start a stopped instance", "StartInstances", &InstanceIdsRequest{InstanceIds: []string{stopped}}, "STOPPED", "OPERATION_DENIED_INSTANCE_STATUS"},
		{"reset a stopped instance", "ResetInstance", &ResetInstanceRequest{InstanceId: stopped}, "STOPPED", "OPERATION_DENIED_INSTANCE_STATUS"},
		{"stop a running instance", "StopInstances", &StopInstancesRequest{InstanceIds: []string{running}}, "RUNNING", "OPERATION_DENIED_INSTANCE_STATUS"},
		{"reboot a running instance", "RebootInstances", &InstanceIdsRequest{InstanceIds: []string{running}}, "RUNNING", "OPERATION_DENIED_INSTANCE_STATUS"},
		{"start a running instance", "StartInstances", &InstanceIdsRequest{InstanceIds: []string{running}}, "RUNNING", "OPERATION_DENIED_INSTANCE_NOT_STOPPED"},
		{"reset a running instance", "ResetInstance", &ResetInstanceRequest{InstanceId: running}, "RUNNING", "OPERATION_DENIED_INSTANCE_NOT_STOPPED"},
		{"stop a stopped instance", "StopInstances", &StopInstancesRequest{InstanceIds: []string{stopped}}, "STOPPED", "OPERATION_DENIED_INSTANCE_NOT_RUNNING"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			id := stopped
			if tc.shown == "RUNNING" {
				id = running
			}
			if got := status(t, c, id); got != tc.shown {
				t.Fatalf("status %s during the type change, want %s", got, tc.shown)
			}
			wantError(t, c.apiCall(tc.action, tc.req, &RequestIdResponse{}), 403, tc.code)
		})
	}
}

// TestStopForceShutdownDefaultsToTrue: the documented default is a forced
// power-off; forceShutdown false asks for a graceful one.
func TestStopForceShutdownDefaultsToTrue(t *testing.T) {
	srv, c := newClient(t, vmplanetest.Options{})
	in := seed(t, srv, vmplane.InstanceSeed{SpecID: "c.1c2g"}, vmplane.InstanceSeed{SpecID: "c.1c2g"})
	c.must(t, "StopInstances", &StopInstancesRequest{InstanceIds: []string{in[0].ID}}, &RequestIdResponse{})
	c.must(t, "StopInstances", &StopInstancesRequest{InstanceIds: []string{in[1].ID}, ForceShutdown: ptr(false)}, &RequestIdResponse{})
	for i, want := range []bool{true, false} {
		got, err := srv.Service.FindInstanceByID(context.Background(), vmplane.Scope{Cloud: "zenlayer"}, in[i].ID)
		if err != nil || got.Op == nil || got.Op.Hard != want {
			t.Fatalf("instance %d: operation %+v, want hard=%v", i, got.Op, want)
		}
	}
}

// TestCreateInstancesValidation covers the parameters CreateInstances checks.
func TestCreateInstancesValidation(t *testing.T) {
	_, c := newClient(t, vmplanetest.Options{})
	valid := func() *CreateInstancesRequest {
		return &CreateInstancesRequest{ZoneId: "SEL-A", InstanceType: "c.1c2g", ImageId: "img-yKK4q6XybymPgfx7ynUUqC3N8",
			InstanceChargeType: "POSTPAID", InternetChargeType: "ByBandwidth"}
	}
	for _, tc := range []struct {
		name   string
		edit   func(r *CreateInstancesRequest)
		status int
		code   string
	}{
		{"no zone", func(r *CreateInstancesRequest) { r.ZoneId = "" }, 400, "MISSING_PARAMETER"},
		{"no image", func(r *CreateInstancesRequest) { r.ImageId = "" }, 400, "MISSING_PARAMETER"},
		{"no type", func(r *CreateInstancesRequest) { r.InstanceType = "" }, 400, "MISSING_PARAMETER"},
		{"no charge type", func(r *CreateInstancesRequest) { r.InstanceChargeType = "" }, 400, "MISSING_PARAMETER"},
		{"no internet charge type", func(r *CreateInstancesRequest) { r.InternetChargeType = "" }, 400, "MISSING_PARAMETER"},
		{"an unknown charge type", func(r *CreateInstancesRequest) { r.InstanceChargeType = "MONTHLY" }, 400, "INVALID_PARAMETER_VALUE"},
		{"prepaid without a period", func(r *CreateInstancesRequest) { r.InstanceChargeType = "PREPAID" }, 400, "MISSING_PARAMETER"},
		{"an unknown internet charge type", func(r *CreateInstancesRequest) { r.InternetChargeType = "ByMagic" }, 400, "INVALID_PARAMETER_VALUE"},
		{"an internet charge type the type lacks", func(r *CreateInstancesRequest) { r.InternetChargeType = "BandwidthCluster" }, 400, "OPERATION_FILED_INTERNET_CHARGE_TYPE_NOT_SUPPORT"},
		{"101 instances", func(r *CreateInstancesRequest) { r.InstanceCount = 101 }, 400, "INVALID_PARAMETER_VALUE"},
		{"a password and a key", func(r *CreateInstancesRequest) { r.Password, r.KeyId = "Passw0rd!", "key-YWD2QFOl" }, 400, "INVALID_PARAMETER_INSTANCE_LOGIN_CONFLICT"},
		{"a weak password", func(r *CreateInstancesRequest) { r.Password = "password" }, 400, "INVALID_PARAMETER_VALUE_PASSWORD_MALFORMED"},
		{"a name with spaces", func(r *CreateInstancesRequest) { r.InstanceName = "my vm" }, 400, "INVALID_PARAMETER_VALUE"},
		{"a name of 65 characters", func(r *CreateInstancesRequest) { r.InstanceName = strings.Repeat("a", 65) }, 400, "INVALID_PARAMETER_VALUE"},
		{"too much bandwidth", func(r *CreateInstancesRequest) { r.InternetMaxBandwidthOut = 501 }, 400, "INVALID_BANDWIDTH_VALUE_EXCEED_MAXIMUM"},
		{"a tiny system disk", func(r *CreateInstancesRequest) { r.SystemDisk = &SystemDisk{DiskSize: 5} }, 400, "INVALID_PARAMETER_VALUE"},
		{"an unknown system disk category", func(r *CreateInstancesRequest) { r.SystemDisk = &SystemDisk{DiskCategory: "Standard NVMe SSD"} }, 400, "INVALID_PARAMETER_VALUE"},
		{"a system disk category in lower case", func(r *CreateInstancesRequest) { r.SystemDisk = &SystemDisk{DiskCategory: "ssd"} }, 400, "INVALID_PARAMETER_VALUE"},
		{"an unknown data disk category", func(r *CreateInstancesRequest) { r.DataDisks = []*DataDisk{{DiskSize: 10, DiskCategory: "NVMe"}} }, 400, "INVALID_PARAMETER_VALUE"},
		{"a NIC name with a hyphen", func(r *CreateInstancesRequest) { r.Nic = &Nic{WanName: "wan-0"} }, 400, "INVALID_PARAMETER_VALUE"},
		{"an unknown zone", func(r *CreateInstancesRequest) { r.ZoneId = "SEL--A" }, 404, "INVALID_ZONE_NOT_FOUND"},
		{"an unknown image", func(r *CreateInstancesRequest) { r.ImageId = "img-nope" }, 404, "INVALID_IMAGE_NOT_FOUND"},
		{"an unknown type", func(r *CreateInstancesRequest) { r.InstanceType = "x.1c1g" }, 404, "INVALID_INSTANCE_TYPE_NOT_FOUND"},
		{"a type the zone does not offer", func(r *CreateInstancesRequest) { r.ZoneId, r.InstanceType = "SAO-A", "m.2c16g" }, 400, "RESOURCES_SOLDOUT_INSTANCE_TYPE"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := valid()
			tc.edit(req)
			wantError(t, c.apiCall("CreateInstances", req, &CreateInstancesResponse{}), tc.status, tc.code)
		})
	}

	// Numbered names, as documented: server_[3,3] → server003, server004.
	req := valid()
	req.InstanceName, req.InstanceCount = "server_[3,3]", 2
	var created CreateInstancesResponse
	c.must(t, "CreateInstances", req, &created)
	var names []string
	for _, id := range created.Response.InstanceIdSet {
		names = append(names, describe(t, c, *id).InstanceName)
	}
	if strings.Join(names, ",") != "server003,server004" {
		t.Fatalf("names %v", names)
	}
}

// TestDescribeInstancesFiltersAndPages checks the filters clients use and
// that totalCount counts every match while dataSet holds one page.
func TestDescribeInstancesFiltersAndPages(t *testing.T) {
	srv, c := newClient(t, vmplanetest.Options{})
	var created CreateInstancesResponse
	c.must(t, "CreateInstances", &CreateInstancesRequest{ZoneId: "HKG-A", InstanceType: "c.2c4g", ImageId: "img-Q8v5Nf3Wc2JtLr7Hm9Zp4Ks6D",
		InstanceChargeType: "POSTPAID", InternetChargeType: "ByTrafficPackage", TrafficPackageSize: ptr(1.5), InstanceName: "db_[1,2]",
		InstanceCount: 3, KeyId: "key-YWD2QFOl", SubnetId: "subnet-a", EnableIpv6: true,
		Tags: &TagAssociation{Tags: []*Tag{{Key: ptr("env"), Value: ptr("prod")}}}}, &created)
	seed(t, srv, vmplane.InstanceSeed{SpecID: "c.1c2g", Zone: "SEL-A", Name: "web", Power: vmplane.PowerStopped})
	srv.Advance(8 * time.Second)
	first := describe(t, c, *created.Response.InstanceIdSet[0])
	if first.TrafficPackageSize == nil || *first.TrafficPackageSize != 1.5 || len(first.PublicIpv6Addresses) != 1 ||
		first.KeyId != "key-YWD2QFOl" || first.Tags == nil || len(first.Tags.Tags) != 1 {
		t.Fatalf("created instance %+v", first)
	}

	for _, tc := range []struct {
		name  string
		req   DescribeInstancesRequest
		total int
		page  int
	}{
		{"everything", DescribeInstancesRequest{}, 4, 4},
		{"a page", DescribeInstancesRequest{PageSize: 2, PageNum: 2}, 4, 2},
		{"past the end", DescribeInstancesRequest{PageSize: 2, PageNum: 3}, 4, 0},
		{"by zone", DescribeInstancesRequest{ZoneId: "HKG-A"}, 3, 3},
		{"by status", DescribeInstancesRequest{InstanceStatus: "STOPPED"}, 1, 1},
		{"by type", DescribeInstancesRequest{InstanceType: "c.1c2g"}, 1, 1},
		{"by exact name", DescribeInstancesRequest{InstanceName: "db02"}, 1, 1},
		{"by name prefix", DescribeInstancesRequest{InstanceName: "db*"}, 3, 3},
		{"by key", DescribeInstancesRequest{KeyId: "key-YWD2QFOl"}, 3, 3},
		{"by subnet", DescribeInstancesRequest{SubnetId: "subnet-a"}, 3, 3},
		{"by internet charge type", DescribeInstancesRequest{InternetChargeType: "ByBandwidth"}, 1, 1},
		{"by public address", DescribeInstancesRequest{PublicIpAddresses: first.PublicIpAddresses}, 1, 1},
		{"by private address", DescribeInstancesRequest{PrivateIpAddresses: first.PrivateIpAddresses}, 1, 1},
		{"by tag", DescribeInstancesRequest{Tags: []*Tag{{Key: ptr("env"), Value: ptr("prod")}}}, 3, 3},
		{"by tag key", DescribeInstancesRequest{TagKeys: []string{"env"}}, 3, 3},
		{"by a tag nobody has", DescribeInstancesRequest{Tags: []*Tag{{Key: ptr("env"), Value: ptr("dev")}}}, 0, 0},
		{"by ids, one unknown", DescribeInstancesRequest{InstanceIds: []string{first.InstanceId, "42"}}, 1, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var resp DescribeInstancesResponse
			c.must(t, "DescribeInstances", &tc.req, &resp)
			if resp.Response.TotalCount != tc.total || len(resp.Response.DataSet) != tc.page {
				t.Fatalf("totalCount %d, %d on the page; want %d, %d", resp.Response.TotalCount, len(resp.Response.DataSet), tc.total, tc.page)
			}
		})
	}

	var st DescribeInstancesStatusResponse
	c.must(t, "DescribeInstancesStatus", &DescribeInstancesStatusRequest{PageSize: 3}, &st)
	if st.Response.TotalCount != 4 || len(st.Response.DataSet) != 3 || st.Response.DataSet[0].InstanceStatus != "RUNNING" {
		t.Fatalf("DescribeInstancesStatus %+v", st.Response)
	}
	wantError(t, c.apiCall("DescribeInstances", &DescribeInstancesRequest{PageSize: 1001}, &DescribeInstancesResponse{}), 400, "INVALID_PARAMETER_VALUE")
}

// TestZoneAndTypeCatalog checks DescribeZones and
// DescribeZoneInstanceConfigInfos against the documented example.
func TestZoneAndTypeCatalog(t *testing.T) {
	_, c := newClient(t, vmplanetest.Options{})
	var zones DescribeZonesResponse
	c.must(t, "DescribeZones", &DescribeZonesRequest{ZoneIds: []string{"SEL-A", "FRA-A", "NOPE-A"}}, &zones)
	if len(zones.Response.ZoneSet) != 2 || zones.Response.ZoneSet[0].ZoneId != "SEL-A" || !zones.Response.ZoneSet[0].SupportIpv6 {
		t.Fatalf("zones %+v", zones.Response.ZoneSet)
	}
	var types DescribeZoneInstanceConfigInfosResponse
	c.must(t, "DescribeZoneInstanceConfigInfos", &DescribeZoneInstanceConfigInfosRequest{InstanceChargeType: "POSTPAID", ZoneId: "FRA-A", InstanceType: "c.4c8g"}, &types)
	want := InstanceTypeQuotaItem{ZoneId: "FRA-A", InstanceType: "c.4c8g", CpuCount: 4, Memory: 8, InternetMaxBandwidthOutLimit: 1500, InstanceTypeName: "Compute Optimized 4C8G"}
	if len(types.Response.InstanceTypeQuotaSet) != 1 {
		t.Fatalf("types %+v", types.Response.InstanceTypeQuotaSet)
	}
	got := *types.Response.InstanceTypeQuotaSet[0]
	if got.Frequency == "" || len(got.InternetChargeTypes) == 0 {
		t.Fatalf("c.4c8g in FRA-A has no frequency or internet charge types: %+v", got)
	}
	got.Frequency, got.InternetChargeTypes = "", nil
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("c.4c8g in FRA-A: %+v, want %+v", got, want)
	}
	wantError(t, c.apiCall("DescribeZoneInstanceConfigInfos", &DescribeZoneInstanceConfigInfosRequest{}, &DescribeZoneInstanceConfigInfosResponse{}), 400, "MISSING_PARAMETER")
	wantError(t, c.apiCall("DescribeZoneInstanceConfigInfos", &DescribeZoneInstanceConfigInfosRequest{InstanceChargeType: "POSTPAID", ZoneId: "SEL--A"}, &DescribeZoneInstanceConfigInfosResponse{}), 404, "INVALID_ZONE_NOT_FOUND")
}
