package zenlayer_test

import (
	"testing"
	"time"

	"github.com/vmplane/vmplane"
	"github.com/vmplane/vmplane/vmplanetest"
)

// TestLifecycleWithTheSDKClient drives one POSTPAID instance through its
// whole life the way the SDK and Terraform do, polling DescribeInstances,
// over a socket and through the in-memory transport.
func TestLifecycleWithTheSDKClient(t *testing.T) {
	for _, noListener := range []bool{false, true} {
		name := map[bool]string{false: "socket", true: "in-memory"}[noListener]
		t.Run(name, func(t *testing.T) {
			srv, c := newClient(t, vmplanetest.Options{NoListener: noListener})

			var created CreateInstancesResponse
			c.must(t, "CreateInstances", &CreateInstancesRequest{
				ZoneId: "SEL-A", InstanceType: "c.1c2g", ImageId: "img-yKK4q6XybymPgfx7ynUUqC3N8",
				InstanceChargeType: "POSTPAID", InternetChargeType: "ByBandwidth", InstanceName: "web",
				Password: "Passw0rd!", SubnetId: "subnet-1",
			}, &created)
			if created.Response == nil || len(created.Response.InstanceIdSet) != 1 || created.Response.OrderNumber == nil {
				t.Fatalf("CreateInstances response %+v", created.Response)
			}
			if created.RequestId == "" || created.RequestId != *created.Response.RequestId {
				t.Fatalf("request ids %q and %v differ", created.RequestId, created.Response.RequestId)
			}
			id := *created.Response.InstanceIdSet[0]

			steps := []struct {
				action string
				req    any
				during string
				after  time.Duration
				then   string
			}{
				{"", nil, "PENDING", 5 * time.Second, "DEPLOYING"},
				{"", nil, "DEPLOYING", 3 * time.Second, "RUNNING"},
				{"StopInstances", &StopInstancesRequest{InstanceIds: []string{id}}, "STOPPING", 3 * time.Second, "STOPPED"},
				{"ResetInstance", &ResetInstanceRequest{InstanceId: id, ImageId: "img-R3n8Xb6Tq1Yv5Mw2Lc9Hd4Gf7", KeyId: "key-1"}, "REBUILDING", 5 * time.Second, "REBUILDING"},
				{"", nil, "REBUILDING", 3 * time.Second, "RUNNING"},
				{"StopInstances", &StopInstancesRequest{InstanceIds: []string{id}}, "STOPPING", 3 * time.Second, "STOPPED"},
				{"StartInstances", &InstanceIdsRequest{InstanceIds: []string{id}}, "BOOTING", 3 * time.Second, "RUNNING"},
				{"RebootInstances", &InstanceIdsRequest{InstanceIds: []string{id}}, "REBOOT", 3 * time.Second, "RUNNING"},
				{"ModifyInstanceType", &ModifyInstanceTypeRequest{InstanceId: id, InstanceTypeId: "g.2c8g"}, "RUNNING", 4 * time.Second, "RUNNING"},
				{"TerminateInstance", &InstanceIdRequest{InstanceId: id}, "RECYCLING", 3 * time.Second, "RECYCLE"},
				{"ReleaseInstances", &InstanceIdsRequest{InstanceIds: []string{id}}, "RELEASING", 3 * time.Second, ""},
			}
			for _, s := range steps {
				if s.action != "" {
					c.must(t, s.action, s.req, &RequestIdResponse{})
				}
				if got := status(t, c, id); got != s.during {
					t.Fatalf("after %s: status %q, want %q", s.action, got, s.during)
				}
				srv.Advance(s.after)
				if got := status(t, c, id); got != s.then {
					t.Fatalf("%s: status %q once done, want %q", s.action, got, s.then)
				}
				if s.action == "ModifyInstanceType" {
					in := describe(t, c, id)
					if in.InstanceType != "g.2c8g" || in.CpuCount != 2 || in.Memory != 8 {
						t.Fatalf("after the type change: %s %d vCPU %d GiB", in.InstanceType, in.CpuCount, in.Memory)
					}
					if ts := typeStatus(t, c, id); ts.ModifiedInstanceType != "g.2c8g" || ts.ModifiedInstanceTypeStatus != "Enable" {
						t.Fatalf("type status %+v", ts)
					}
				}
			}
			// Gone: Terraform treats INVALID_INSTANCE_NOT_FOUND from the
			// single-instance actions as deleted.
			err := c.apiCall("DescribeInstanceTypeStatus", &InstanceIdRequest{InstanceId: id}, &DescribeInstanceTypeStatusResponse{})
			wantError(t, err, 404, "INVALID_INSTANCE_NOT_FOUND")
		})
	}
}

// TestPostpaidTypeChangeIsProcessingThenEnable follows DescribeInstanceTypeStatus
// through an immediate change, as a client polls it.
func TestPostpaidTypeChangeIsProcessingThenEnable(t *testing.T) {
	srv, c := newClient(t, vmplanetest.Options{})
	in := seed(t, srv, vmplane.InstanceSeed{SpecID: "c.1c2g", Zone: "SEL-A", Power: vmplane.PowerStopped})[0]

	if ts := typeStatus(t, c, in.ID); ts.InstanceType != "c.1c2g" || ts.ModifiedInstanceType != "" || ts.ModifiedInstanceTypeStatus != "Enable" {
		t.Fatalf("idle type status %+v", ts)
	}
	var resp ModifyInstanceTypeResponse
	c.must(t, "ModifyInstanceType", &ModifyInstanceTypeRequest{InstanceId: in.ID, InstanceTypeId: "c.2c4g"}, &resp)
	if resp.Response == nil || resp.Response.OrderNumber == "" {
		t.Fatalf("no order number: %+v", resp.Response)
	}
	ts := typeStatus(t, c, in.ID)
	if ts.InstanceType != "c.1c2g" || ts.ModifiedInstanceType != "c.2c4g" || ts.ModifiedInstanceTypeStatus != "Processing" {
		t.Fatalf("type status while processing %+v", ts)
	}
	err := c.apiCall("ModifyInstanceType", &ModifyInstanceTypeRequest{InstanceId: in.ID, InstanceTypeId: "c.4c8g"}, &ModifyInstanceTypeResponse{})
	wantError(t, err, 403, "OPERATION_DENIED_INSTANCE_PLAN_PROCESSING")
	if got := status(t, c, in.ID); got != "STOPPED" {
		t.Fatalf("status during the change %q, want STOPPED", got)
	}
	srv.Advance(4 * time.Second)
	ts = typeStatus(t, c, in.ID)
	if ts.InstanceType != "c.2c4g" || ts.ModifiedInstanceType != "c.2c4g" || ts.ModifiedInstanceTypeStatus != "Enable" {
		t.Fatalf("type status once done %+v", ts)
	}
}

// TestPrepaidDowngradeWaitsForTheBillingCycle: a PREPAID upgrade takes
// effect at once, a downgrade waits for the end of the billing cycle, can be
// cancelled until then, and is applied when the virtual clock crosses it.
func TestPrepaidDowngradeWaitsForTheBillingCycle(t *testing.T) {
	srv, c := newClient(t, vmplanetest.Options{})

	var created CreateInstancesResponse
	c.must(t, "CreateInstances", &CreateInstancesRequest{
		ZoneId: "FRA-A", InstanceType: "c.4c8g", ImageId: "img-R3n8Xb6Tq1Yv5Mw2Lc9Hd4Gf7",
		InstanceChargeType: "PREPAID", InstanceChargePrepaid: &ChargePrepaid{Period: 1}, InternetChargeType: "ByBandwidth",
	}, &created)
	id := *created.Response.InstanceIdSet[0]
	srv.Advance(8 * time.Second)
	in := describe(t, c, id)
	cycleEnd := vmplanetest.Epoch.AddDate(0, 1, 0)
	if in.InstanceStatus != "RUNNING" || in.InstanceChargeType != "PREPAID" || in.Period == nil || *in.Period != 1 ||
		in.ExpiredTime == nil || *in.ExpiredTime != cycleEnd.Format("2006-01-02T15:04:05Z") {
		t.Fatalf("prepaid instance %+v", in)
	}

	// Upgrade: at once, with an order.
	var up ModifyInstanceTypeResponse
	c.must(t, "ModifyInstanceType", &ModifyInstanceTypeRequest{InstanceId: id, InstanceTypeId: "c.8c16g"}, &up)
	if ts := typeStatus(t, c, id); ts.ModifiedInstanceTypeStatus != "Processing" {
		t.Fatalf("upgrade: %+v", ts)
	}
	srv.Advance(4 * time.Second)
	if in := describe(t, c, id); in.InstanceType != "c.8c16g" || in.CpuCount != 8 || in.Memory != 16 {
		t.Fatalf("after the upgrade: %s %d %d", in.InstanceType, in.CpuCount, in.Memory)
	}

	// Downgrade: scheduled for the end of the cycle.
	var down ModifyInstanceTypeResponse
	c.must(t, "ModifyInstanceType", &ModifyInstanceTypeRequest{InstanceId: id, InstanceTypeId: "c.2c4g"}, &down)
	if down.Response.OrderNumber == "" || down.Response.OrderNumber == up.Response.OrderNumber {
		t.Fatalf("order numbers %q then %q", up.Response.OrderNumber, down.Response.OrderNumber)
	}
	if ts := typeStatus(t, c, id); ts.InstanceType != "c.8c16g" || ts.ModifiedInstanceType != "c.2c4g" || ts.ModifiedInstanceTypeStatus != "WaitToEnable" {
		t.Fatalf("scheduled downgrade: %+v", ts)
	}
	err := c.apiCall("ModifyInstanceType", &ModifyInstanceTypeRequest{InstanceId: id, InstanceTypeId: "c.1c2g"}, &ModifyInstanceTypeResponse{})
	wantError(t, err, 403, "OPERATION_DENIED_INSTANCE_EXIST_PLAN")

	// Cancel it, and cancelling again finds nothing.
	c.must(t, "CancelInstanceDowngrade", &InstanceIdRequest{InstanceId: id}, &RequestIdResponse{})
	if ts := typeStatus(t, c, id); ts.ModifiedInstanceTypeStatus == "WaitToEnable" {
		t.Fatalf("after cancelling: %+v", ts)
	}
	err = c.apiCall("CancelInstanceDowngrade", &InstanceIdRequest{InstanceId: id}, &RequestIdResponse{})
	wantError(t, err, 403, "OPERATION_DENIED_DOWNGRADE_NOT_EXIST")

	// Schedule it again and let the clock cross the boundary.
	c.must(t, "ModifyInstanceType", &ModifyInstanceTypeRequest{InstanceId: id, InstanceTypeId: "c.2c4g"}, &down)
	srv.Advance(cycleEnd.Sub(srv.Clock.Now()) - time.Second)
	if ts := typeStatus(t, c, id); ts.InstanceType != "c.8c16g" || ts.ModifiedInstanceTypeStatus != "WaitToEnable" {
		t.Fatalf("a second before the cycle ends: %+v", ts)
	}
	srv.Advance(time.Second)
	if ts := typeStatus(t, c, id); ts.InstanceType != "c.8c16g" || ts.ModifiedInstanceType != "c.2c4g" || ts.ModifiedInstanceTypeStatus != "Processing" {
		t.Fatalf("at the end of the cycle: %+v", ts)
	}
	err = c.apiCall("ModifyInstanceType", &ModifyInstanceTypeRequest{InstanceId: id, InstanceTypeId: "c.4c8g"}, &ModifyInstanceTypeResponse{})
	wantError(t, err, 403, "OPERATION_DENIED_INSTANCE_PLAN_PROCESSING")
	srv.Advance(4 * time.Second)
	if ts := typeStatus(t, c, id); ts.InstanceType != "c.2c4g" || ts.ModifiedInstanceTypeStatus != "Enable" {
		t.Fatalf("after the downgrade: %+v", ts)
	}
	// The period bought is over and nothing renewed it: expiredTime stays.
	in = describe(t, c, id)
	if in.InstanceType != "c.2c4g" || in.CpuCount != 2 || in.Memory != 4 || in.InstanceStatus != "RUNNING" ||
		*in.ExpiredTime != cycleEnd.Format("2006-01-02T15:04:05Z") {
		t.Fatalf("after the downgrade: %+v", in)
	}
}

// A PREPAID instance bought for three months, with no auto-renewal, expires
// three months after its creation: expiredTime stays there as the clock
// moves, TerminateInstance refuses it until then and takes it after.
func TestPrepaidInstanceExpiresAtTheEndOfThePeriodBought(t *testing.T) {
	srv, c := newClient(t, vmplanetest.Options{})
	id := seed(t, srv, vmplane.InstanceSeed{SpecID: "c.4c8g", Zone: "FRA-A", Charge: vmplane.ChargePrepaid, Period: 3})[0].ID
	start := srv.Clock.Now()
	expires := start.AddDate(0, 3, 0)
	for _, tc := range []struct {
		name    string
		at      time.Time
		refused bool
	}{
		{"when created", start, true},
		{"past the end of its first month", start.AddDate(0, 1, 1), true},
		{"a second before it expires", expires.Add(-time.Second), true},
		{"when it expires", expires, false},
	} {
		srv.Advance(tc.at.Sub(srv.Clock.Now()))
		in := describe(t, c, id)
		if want := expires.UTC().Format("2006-01-02T15:04:05Z"); in.ExpiredTime == nil || *in.ExpiredTime != want || in.AutoRenew {
			t.Fatalf("%s: expiredTime %v (%s) autoRenew %v, want %s", tc.name, in.ExpiredTime, deref(in.ExpiredTime), in.AutoRenew, want)
		}
		err := c.apiCall("TerminateInstance", &InstanceIdRequest{InstanceId: id}, &RequestIdResponse{})
		if tc.refused {
			wantError(t, err, 403, "OPERATION_DENIED_INSTANCE_SUBSCRIPTION")
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got := status(t, c, id); got != "RECYCLING" {
			t.Fatalf("%s: status %s after TerminateInstance, want RECYCLING", tc.name, got)
		}
	}
}

// An expired PREPAID instance has no next billing cycle for a downgrade to
// wait for: its type and network change at once, as a POSTPAID one's do.
func TestExpiredPrepaidDowngradesTakeEffectAtOnce(t *testing.T) {
	srv, c := newClient(t, vmplanetest.Options{})
	created := srv.Clock.Now().AddDate(0, -2, 0)
	in := seed(t, srv,
		vmplane.InstanceSeed{SpecID: "c.4c8g", Zone: "FRA-A", Charge: vmplane.ChargePrepaid, Period: 1, CreatedAt: created,
			Attrs: map[string]string{"internetChargeType": "ByTrafficPackage", "internetMaxBandwidthOut": "100", "trafficPackageSize": "2"}},
		vmplane.InstanceSeed{SpecID: "c.4c8g", Zone: "FRA-A", Charge: vmplane.ChargePrepaid, Period: 3, CreatedAt: created,
			Attrs: map[string]string{"internetChargeType": "ByTrafficPackage", "internetMaxBandwidthOut": "100", "trafficPackageSize": "2"}},
	)
	for _, tc := range []struct {
		name         string
		id           string
		typeStatus   string
		internetWait string
	}{
		{"expired a month ago", in[0].ID, "Processing", "Enable"},
		{"a month to go", in[1].ID, "WaitToEnable", "WaitToEnable"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c.must(t, "ModifyInstanceBandwidth", &ModifyInstanceBandwidthRequest{InstanceId: tc.id, InternetMaxBandwidthOut: 10}, &OrderResponse{})
			c.must(t, "ModifyInstanceTrafficPackage", &ModifyInstanceTrafficPackageRequest{InstanceId: tc.id, TrafficPackageSize: 1}, &OrderResponse{})
			if s := internetStatus(t, c, tc.id); s.ModifiedBandwidthStatus != tc.internetWait || s.ModifiedTrafficPackageStatus != tc.internetWait {
				t.Fatalf("network downgrades: bandwidth %s, traffic package %s, want %s", s.ModifiedBandwidthStatus, s.ModifiedTrafficPackageStatus, tc.internetWait)
			}
			c.must(t, "ModifyInstanceType", &ModifyInstanceTypeRequest{InstanceId: tc.id, InstanceTypeId: "c.2c4g"}, &ModifyInstanceTypeResponse{})
			if ts := typeStatus(t, c, tc.id); ts.ModifiedInstanceTypeStatus != tc.typeStatus {
				t.Fatalf("type downgrade: %+v, want %s", ts, tc.typeStatus)
			}
		})
	}
}

func deref[T any](p *T) (v T) {
	if p != nil {
		v = *p
	}
	return v
}
