package zenlayer_test

import (
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/vmplane/vmplane"
	"github.com/vmplane/vmplane/vmplanetest"
)

// internetStatus polls DescribeInstanceInternetStatus as Terraform does.
func internetStatus(t *testing.T, c *sdkClient, id string) *DescribeInstanceInternetStatusResponseParams {
	t.Helper()
	var resp DescribeInstanceInternetStatusResponse
	c.must(t, "DescribeInstanceInternetStatus", &InstanceIdRequest{InstanceId: id}, &resp)
	if resp.Response == nil || resp.Response.InternetMaxBandwidthOut == nil || resp.Response.ModifiedInternetMaxBandwidthOut == nil {
		t.Fatalf("DescribeInstanceInternetStatus: %+v, want the bandwidths present", resp.Response)
	}
	return resp.Response
}

// bandwidthDone is Terraform's test of a bandwidth change: done when the
// status is Enable and the bandwidth is the target; failed when Enable with
// another.
func bandwidthDone(s *DescribeInstanceInternetStatusResponseParams, target int) (done, failed bool) {
	enabled := s.ModifiedBandwidthStatus == "Enable"
	return enabled && *s.InternetMaxBandwidthOut == target, enabled && *s.InternetMaxBandwidthOut != target
}

// A network change answers a fresh order number from the source
// CreateInstances and ModifyInstanceType use: a long number, another for
// every order, never the request id.
func TestNetworkOrdersGetFreshOrderNumbers(t *testing.T) {
	srv, c := newClient(t, vmplanetest.Options{})
	id := seed(t, srv, vmplane.InstanceSeed{SpecID: "c.1c2g",
		Attrs: map[string]string{"internetChargeType": "ByTrafficPackage", "internetMaxBandwidthOut": "100", "trafficPackageSize": "2"}})[0].ID
	var created CreateInstancesResponse
	c.must(t, "CreateInstances", &CreateInstancesRequest{ZoneId: "SEL-A", InstanceType: "c.1c2g", ImageId: "img-yKK4q6XybymPgfx7ynUUqC3N8",
		InstanceChargeType: "POSTPAID", InternetChargeType: "ByBandwidth"}, &created)
	createOrder, _ := strconv.ParseInt(*created.Response.OrderNumber, 10, 64)
	seen := map[string]bool{*created.Response.OrderNumber: true}
	for _, tc := range []struct {
		action string
		req    any
	}{
		{"ModifyInstanceBandwidth", &ModifyInstanceBandwidthRequest{InstanceId: id, InternetMaxBandwidthOut: 200}},
		{"ModifyInstanceBandwidth", &ModifyInstanceBandwidthRequest{InstanceId: id, InternetMaxBandwidthOut: 300}},
		{"ModifyInstanceTrafficPackage", &ModifyInstanceTrafficPackageRequest{InstanceId: id, TrafficPackageSize: 3}},
		{"ModifyInstanceTrafficPackage", &ModifyInstanceTrafficPackageRequest{InstanceId: id, TrafficPackageSize: 4}},
	} {
		var resp OrderResponse
		c.must(t, tc.action, tc.req, &resp)
		order := resp.Response.OrderNumber
		n, err := strconv.ParseInt(order, 10, 64)
		if err != nil || n <= createOrder || seen[order] || order == resp.RequestId {
			t.Fatalf("%s: order number %q, want a fresh long number after CreateInstances' %d", tc.action, order, createOrder)
		}
		seen[order] = true
	}
}

func TestBandwidthChangesAtOnceWhereNoBillingCycleHoldsIt(t *testing.T) {
	srv, c := newClient(t, vmplanetest.Options{})
	in := seed(t, srv,
		vmplane.InstanceSeed{SpecID: "c.1c2g", Attrs: map[string]string{"internetMaxBandwidthOut": "100"}},
		vmplane.InstanceSeed{SpecID: "c.1c2g", Charge: vmplane.ChargePrepaid, Period: 1, Attrs: map[string]string{"internetMaxBandwidthOut": "100"}},
	)
	for _, tc := range []struct {
		name   string
		id     string
		target int
	}{
		{"a postpaid decrease", in[0].ID, 10},
		{"a postpaid increase", in[0].ID, 300},
		{"a prepaid increase", in[1].ID, 500},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var order OrderResponse
			c.must(t, "ModifyInstanceBandwidth", &ModifyInstanceBandwidthRequest{InstanceId: tc.id, InternetMaxBandwidthOut: tc.target}, &order)
			if order.Response == nil || order.Response.OrderNumber == "" {
				t.Fatalf("no order number: %+v", order.Response)
			}
			if done, _ := bandwidthDone(internetStatus(t, c, tc.id), tc.target); !done {
				t.Fatalf("status %+v, want done at %d Mbps", internetStatus(t, c, tc.id), tc.target)
			}
			if got := describe(t, c, tc.id); got.InternetMaxBandwidthOut != tc.target {
				t.Fatalf("DescribeInstances: %d Mbps, want %d", got.InternetMaxBandwidthOut, tc.target)
			}
		})
	}
}

func TestPrepaidBandwidthDecreaseWaitsForTheBillingCycleAndCanBeCancelled(t *testing.T) {
	srv, c := newClient(t, vmplanetest.Options{})
	in := seed(t, srv, vmplane.InstanceSeed{SpecID: "c.1c2g", Charge: vmplane.ChargePrepaid, Period: 1,
		Attrs: map[string]string{"internetMaxBandwidthOut": "100"}})[0]

	c.must(t, "ModifyInstanceBandwidth", &ModifyInstanceBandwidthRequest{InstanceId: in.ID, InternetMaxBandwidthOut: 10}, &OrderResponse{})
	s := internetStatus(t, c, in.ID)
	if s.ModifiedBandwidthStatus != "WaitToEnable" || *s.InternetMaxBandwidthOut != 100 || *s.ModifiedInternetMaxBandwidthOut != 10 {
		t.Fatalf("after a prepaid decrease: %+v, want WaitToEnable from 100 to 10", s)
	}
	c.must(t, "CancelInstanceBandwidthDowngrade", &InstanceIdRequest{InstanceId: in.ID}, &RequestIdResponse{})
	if done, _ := bandwidthDone(internetStatus(t, c, in.ID), 100); !done {
		t.Fatalf("after the cancellation: %+v, want Enable at 100", internetStatus(t, c, in.ID))
	}
	wantError(t, c.apiCall("CancelInstanceBandwidthDowngrade", &InstanceIdRequest{InstanceId: in.ID}, &RequestIdResponse{}),
		403, "OPERATION_DENIED_DOWNGRADE_NOT_EXIST")

	c.must(t, "ModifyInstanceBandwidth", &ModifyInstanceBandwidthRequest{InstanceId: in.ID, InternetMaxBandwidthOut: 10}, &OrderResponse{})
	srv.Advance(32 * 24 * time.Hour) // past the end of the first monthly cycle
	if done, _ := bandwidthDone(internetStatus(t, c, in.ID), 10); !done {
		t.Fatalf("after the cycle: %+v, want Enable at 10", internetStatus(t, c, in.ID))
	}
	if got := describe(t, c, in.ID); got.InternetMaxBandwidthOut != 10 {
		t.Fatalf("DescribeInstances after the cycle: %d Mbps, want 10", got.InternetMaxBandwidthOut)
	}
	// The change that took effect is the value the next order starts from.
	c.must(t, "ModifyInstanceBandwidth", &ModifyInstanceBandwidthRequest{InstanceId: in.ID, InternetMaxBandwidthOut: 20}, &OrderResponse{})
	if done, _ := bandwidthDone(internetStatus(t, c, in.ID), 20); !done {
		t.Fatalf("an increase from 10: %+v, want Enable at 20", internetStatus(t, c, in.ID))
	}
}

func TestTrafficPackageChangesAndWaits(t *testing.T) {
	srv, c := newClient(t, vmplanetest.Options{})
	attrs := map[string]string{"internetChargeType": "ByTrafficPackage", "trafficPackageSize": "2"}
	in := seed(t, srv,
		vmplane.InstanceSeed{SpecID: "c.1c2g", Attrs: attrs},
		vmplane.InstanceSeed{SpecID: "c.1c2g", Charge: vmplane.ChargePrepaid, Period: 1, Attrs: attrs},
	)
	status := func(id string) *DescribeInstanceInternetStatusResponseParams {
		s := internetStatus(t, c, id)
		if s.TrafficPackageSize == nil || s.ModifiedTrafficPackageSize == nil {
			t.Fatalf("no traffic package sizes: %+v", s)
		}
		return s
	}
	c.must(t, "ModifyInstanceTrafficPackage", &ModifyInstanceTrafficPackageRequest{InstanceId: in[0].ID, TrafficPackageSize: 0.5}, &OrderResponse{})
	if s := status(in[0].ID); s.ModifiedTrafficPackageStatus != "Enable" || *s.TrafficPackageSize != 0.5 {
		t.Fatalf("postpaid: %+v, want Enable at 0.5 TB", s)
	}
	if got := describe(t, c, in[0].ID); got.TrafficPackageSize == nil || *got.TrafficPackageSize != 0.5 {
		t.Fatalf("DescribeInstances: %v TB, want 0.5", got.TrafficPackageSize)
	}
	c.must(t, "ModifyInstanceTrafficPackage", &ModifyInstanceTrafficPackageRequest{InstanceId: in[1].ID, TrafficPackageSize: 1}, &OrderResponse{})
	if s := status(in[1].ID); s.ModifiedTrafficPackageStatus != "WaitToEnable" || *s.TrafficPackageSize != 2 || *s.ModifiedTrafficPackageSize != 1 {
		t.Fatalf("prepaid decrease: %+v, want WaitToEnable from 2 to 1 TB", s)
	}
	c.must(t, "CancelInstanceTrafficPackageDowngrade", &InstanceIdRequest{InstanceId: in[1].ID}, &RequestIdResponse{})
	if s := status(in[1].ID); s.ModifiedTrafficPackageStatus != "Enable" || *s.TrafficPackageSize != 2 {
		t.Fatalf("after the cancellation: %+v, want Enable at 2 TB", s)
	}
}

func TestInternetOrderRefusals(t *testing.T) {
	srv, c := newClient(t, vmplanetest.Options{})
	in := seed(t, srv,
		vmplane.InstanceSeed{SpecID: "c.1c2g"},
		vmplane.InstanceSeed{SpecID: "c.1c2g", Power: vmplane.PowerRecycled},
	)
	running, recycled := in[0].ID, in[1].ID
	for _, tc := range []struct {
		name   string
		action string
		req    any
		status int
		code   string
	}{
		{"no instance", "ModifyInstanceBandwidth", &ModifyInstanceBandwidthRequest{InternetMaxBandwidthOut: 5}, 400, "MISSING_PARAMETER"},
		{"no bandwidth", "ModifyInstanceBandwidth", &ModifyInstanceBandwidthRequest{InstanceId: running}, 400, "MISSING_PARAMETER"},
		{"a negative bandwidth", "ModifyInstanceBandwidth", &ModifyInstanceBandwidthRequest{InstanceId: running, InternetMaxBandwidthOut: -1}, 400, "INVALID_PARAMETER_VALUE"},
		{"over the type's limit", "ModifyInstanceBandwidth", &ModifyInstanceBandwidthRequest{InstanceId: running, InternetMaxBandwidthOut: 501}, 400, "INVALID_BANDWIDTH_VALUE_EXCEED_MAXIMUM"},
		{"an unknown instance", "ModifyInstanceBandwidth", &ModifyInstanceBandwidthRequest{InstanceId: "42", InternetMaxBandwidthOut: 5}, 404, "INVALID_INSTANCE_NOT_FOUND"},
		{"an instance in the recycle bin", "ModifyInstanceBandwidth", &ModifyInstanceBandwidthRequest{InstanceId: recycled, InternetMaxBandwidthOut: 5}, 403, "OPERATION_DENIED_INSTANCE_RECYCLED"},
		{"a traffic package by bandwidth", "ModifyInstanceTrafficPackage", &ModifyInstanceTrafficPackageRequest{InstanceId: running, TrafficPackageSize: 1}, 400, "OPERATION_FILED_INTERNET_CHARGE_TYPE_NOT_SUPPORT"},
		{"no traffic package size", "ModifyInstanceTrafficPackage", &ModifyInstanceTrafficPackageRequest{InstanceId: running}, 400, "MISSING_PARAMETER"},
		{"no downgrade to cancel", "CancelInstanceBandwidthDowngrade", &InstanceIdRequest{InstanceId: running}, 403, "OPERATION_DENIED_DOWNGRADE_NOT_EXIST"},
		{"status of an unknown instance", "DescribeInstanceInternetStatus", &InstanceIdRequest{InstanceId: "42"}, 404, "INVALID_INSTANCE_NOT_FOUND"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantError(t, c.apiCall(tc.action, tc.req, &RequestIdResponse{}), tc.status, tc.code)
		})
	}
	if got := describe(t, c, running); got.InternetMaxBandwidthOut != 1 {
		t.Fatalf("after refusals: %d Mbps, want the default 1", got.InternetMaxBandwidthOut)
	}
}

// A prepaid instance's bandwidth raised and lowered at the same moment ends
// as one order after the other would leave it: raised (with the decrease
// waiting, or not), never back at the old bandwidth.
func TestConcurrentBandwidthChangesLoseNeither(t *testing.T) {
	srv, c := newClient(t, vmplanetest.Options{})
	for round := range 10 {
		in := seed(t, srv, vmplane.InstanceSeed{SpecID: "c.1c2g", Charge: vmplane.ChargePrepaid, Period: 1,
			Attrs: map[string]string{"internetMaxBandwidthOut": "100"}})[0]
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, target := range []int{200, 50} {
			wg.Go(func() {
				errs[i] = c.apiCall("ModifyInstanceBandwidth", &ModifyInstanceBandwidthRequest{InstanceId: in.ID, InternetMaxBandwidthOut: target}, &OrderResponse{})
			})
		}
		wg.Wait()
		if errs[0] != nil || errs[1] != nil {
			t.Fatalf("round %d: %v", round, errs)
		}
		if s := internetStatus(t, c, in.ID); *s.InternetMaxBandwidthOut != 200 {
			t.Fatalf("round %d: bandwidth %d Mbps (status %s), want the increase to 200 kept", round, *s.InternetMaxBandwidthOut, s.ModifiedBandwidthStatus)
		}
	}
}
