package zenlayer_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/vmplane/vmplane"
	"github.com/vmplane/vmplane/vmplanetest"
)

// goldenNow is when golden requests are signed and checked.
var goldenNow = time.Date(2025, 6, 11, 8, 0, 0, 0, time.UTC)

// TestGoldenResponses replays one request per behaviour against a fresh
// server (frozen clock, deterministic ids) and compares the response's
// status and bytes with testdata/<name>.golden; go test -update rewrites
// them. Each response is also decoded as the SDK decodes it.
func TestGoldenResponses(t *testing.T) {
	for _, tc := range []struct {
		name   string
		setup  func(t *testing.T, srv *vmplanetest.Server, c *sdkClient) []string
		action string
		req    func(ids []string) any
		resp   any // the SDK's response type
	}{
		{name: "describe_zones", action: "DescribeZones",
			req: func([]string) any { return &DescribeZonesRequest{} }, resp: &DescribeZonesResponse{}},
		{name: "describe_zone_instance_config_infos", action: "DescribeZoneInstanceConfigInfos",
			req: func([]string) any {
				return &DescribeZoneInstanceConfigInfosRequest{InstanceChargeType: "POSTPAID", ZoneId: "SEL-A"}
			},
			resp: &DescribeZoneInstanceConfigInfosResponse{}},
		{name: "inquiry_price_create_instance_postpaid", action: "InquiryPriceCreateInstance",
			req: func([]string) any {
				return &InquiryPriceCreateInstanceRequest{ZoneId: "SEL-A", InstanceType: "c.2c4g", InstanceChargeType: "POSTPAID", InternetChargeType: "ByBandwidth"}
			}, resp: &InquiryPriceCreateInstanceResponse{}},
		{name: "inquiry_price_create_instance_prepaid", action: "InquiryPriceCreateInstance",
			req: func([]string) any {
				return &InquiryPriceCreateInstanceRequest{ZoneId: "FRA-A", InstanceType: "c.4c8g", ImageId: "img-yKK4q6XybymPgfx7ynUUqC3N8",
					InstanceChargeType: "PREPAID", InstanceChargePrepaid: &ChargePrepaid{Period: 12}, InternetChargeType: "ByBandwidth"}
			}, resp: &InquiryPriceCreateInstanceResponse{}},
		{name: "create_instances", action: "CreateInstances",
			req: func([]string) any {
				return &CreateInstancesRequest{ZoneId: "SEL-A", InstanceType: "c.1c2g", ImageId: "img-yKK4q6XybymPgfx7ynUUqC3N8",
					InstanceChargeType: "POSTPAID", InternetChargeType: "ByBandwidth", InstanceCount: 2, InstanceName: "web_[1,2]"}
			}, resp: &CreateInstancesResponse{}},
		{name: "describe_instances_while_deploying", action: "DescribeInstances",
			setup: func(t *testing.T, srv *vmplanetest.Server, c *sdkClient) []string {
				var created CreateInstancesResponse
				c.must(t, "CreateInstances", &CreateInstancesRequest{ZoneId: "HKG-A", InstanceType: "g.2c8g", ImageId: "img-R3n8Xb6Tq1Yv5Mw2Lc9Hd4Gf7",
					InstanceChargeType: "POSTPAID", InternetChargeType: "ByTrafficPackage", TrafficPackageSize: ptr(2.0), InternetMaxBandwidthOut: 100,
					InstanceName: "db", KeyId: "key-YWD2QFOl", SubnetId: "subnet-7Yq2", SecurityGroupId: "sg-3Kd9", ResourceGroupId: "rg-1",
					EnableIpv6: true, SystemDisk: &SystemDisk{DiskSize: 40}, DataDisks: []*DataDisk{{DiskSize: 100, DiskCategory: "STANDARD"}},
					Nic: &Nic{WanName: "wan0", LanName: "lan0"}, Tags: &TagAssociation{Tags: []*Tag{{Key: ptr("env"), Value: ptr("prod")}}}}, &created)
				srv.Advance(5 * time.Second)
				return []string{*created.Response.InstanceIdSet[0]}
			},
			req: func(ids []string) any { return &DescribeInstancesRequest{InstanceIds: ids} }, resp: &DescribeInstancesResponse{}},
		{name: "describe_instances_prepaid", action: "DescribeInstances",
			setup: func(t *testing.T, srv *vmplanetest.Server, c *sdkClient) []string {
				seed(t, srv, vmplane.InstanceSeed{Name: "app", SpecID: "c.4c8g", Zone: "FRA-A", ImageID: "img-yKK4q6XybymPgfx7ynUUqC3N8",
					Charge: vmplane.ChargePrepaid, Period: 3, Power: vmplane.PowerStopped})
				return nil
			},
			req: func([]string) any { return &DescribeInstancesRequest{} }, resp: &DescribeInstancesResponse{}},
		{name: "describe_instances_none", action: "DescribeInstances",
			req: func([]string) any { return &DescribeInstancesRequest{ZoneId: "SEL-A"} }, resp: &DescribeInstancesResponse{}},
		{name: "describe_instances_status", action: "DescribeInstancesStatus",
			setup: func(t *testing.T, srv *vmplanetest.Server, c *sdkClient) []string {
				seed(t, srv, vmplane.InstanceSeed{SpecID: "c.1c2g"}, vmplane.InstanceSeed{SpecID: "c.1c2g", Power: vmplane.PowerRecycled},
					vmplane.InstanceSeed{SpecID: "c.1c2g", Operation: &vmplane.SeedOperation{Kind: vmplane.KindStop}})
				return nil
			},
			req: func([]string) any { return &DescribeInstancesStatusRequest{} }, resp: &DescribeInstancesStatusResponse{}},
		{name: "stop_instances", action: "StopInstances", setup: seedOne(vmplane.InstanceSeed{SpecID: "c.1c2g"}),
			req: func(ids []string) any { return &StopInstancesRequest{InstanceIds: ids} }, resp: &RequestIdResponse{}},
		{name: "modify_instance_type", action: "ModifyInstanceType", setup: seedOne(vmplane.InstanceSeed{SpecID: "c.1c2g"}),
			req: func(ids []string) any {
				return &ModifyInstanceTypeRequest{InstanceId: ids[0], InstanceTypeId: "c.2c4g"}
			},
			resp: &ModifyInstanceTypeResponse{}},
		{name: "describe_instance_type_status_wait_to_enable", action: "DescribeInstanceTypeStatus",
			setup: func(t *testing.T, srv *vmplanetest.Server, c *sdkClient) []string {
				ids := seedOne(vmplane.InstanceSeed{Name: "app", SpecID: "c.4c8g", Charge: vmplane.ChargePrepaid, Period: 1})(t, srv, c)
				c.must(t, "ModifyInstanceType", &ModifyInstanceTypeRequest{InstanceId: ids[0], InstanceTypeId: "c.2c4g"}, &ModifyInstanceTypeResponse{})
				return ids
			},
			req: func(ids []string) any { return &InstanceIdRequest{InstanceId: ids[0]} }, resp: &DescribeInstanceTypeStatusResponse{}},
		{name: "describe_instance_type_status_idle", action: "DescribeInstanceTypeStatus",
			setup: seedOne(vmplane.InstanceSeed{Name: "app", SpecID: "c.1c2g"}),
			req:   func(ids []string) any { return &InstanceIdRequest{InstanceId: ids[0]} }, resp: &DescribeInstanceTypeStatusResponse{}},
		{name: "describe_instance_internet_status_wait_to_enable", action: "DescribeInstanceInternetStatus",
			setup: func(t *testing.T, srv *vmplanetest.Server, c *sdkClient) []string {
				ids := seedOne(vmplane.InstanceSeed{Name: "app", SpecID: "c.4c8g", Charge: vmplane.ChargePrepaid, Period: 1,
					Attrs: map[string]string{"internetChargeType": "ByTrafficPackage", "internetMaxBandwidthOut": "100", "trafficPackageSize": "2"}})(t, srv, c)
				c.must(t, "ModifyInstanceBandwidth", &ModifyInstanceBandwidthRequest{InstanceId: ids[0], InternetMaxBandwidthOut: 20}, &OrderResponse{})
				return ids
			},
			req: func(ids []string) any { return &InstanceIdRequest{InstanceId: ids[0]} }, resp: &DescribeInstanceInternetStatusResponse{}},
		{name: "describe_instance_internet_status_by_bandwidth", action: "DescribeInstanceInternetStatus",
			setup: seedOne(vmplane.InstanceSeed{Name: "app", SpecID: "c.1c2g"}),
			req:   func(ids []string) any { return &InstanceIdRequest{InstanceId: ids[0]} }, resp: &DescribeInstanceInternetStatusResponse{}},
		{name: "error_instance_not_found", action: "TerminateInstance",
			req: func([]string) any { return &InstanceIdRequest{InstanceId: "1779437129371222999"} }},
		{name: "error_instance_type_not_changed", action: "ModifyInstanceType", setup: seedOne(vmplane.InstanceSeed{SpecID: "c.1c2g"}),
			req: func(ids []string) any {
				return &ModifyInstanceTypeRequest{InstanceId: ids[0], InstanceTypeId: "c.1c2g"}
			}},
		{name: "error_bad_json", action: "DescribeInstances", req: func([]string) any { return rawBody(`{"pageSize":`) }},
		{name: "error_wrong_type", action: "DescribeInstances", req: func([]string) any { return rawBody(`{"pageSize":"10"}`) }},
		{name: "error_unknown_action", action: "DescribeVpcs", req: func([]string) any { return &DescribeZonesRequest{} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := vmplanetest.NewServer(t, vmplanetest.Options{NoListener: true, WallClock: func() time.Time { return goldenNow }})
			var got bytes.Buffer
			c := &sdkClient{config: sdkConfig{Domain: "console.zenlayer.com", Scheme: "http"}, secretKeyID: vmplanetest.AccessKey,
				secretKeyPass: vmplanetest.SecretKey, httpClient: srv.HTTPClient(), now: func() time.Time { return goldenNow }}
			var ids []string
			if tc.setup != nil {
				ids = tc.setup(t, srv, c)
			}
			c.httpClient = &http.Client{Transport: recorder{srv.HTTPClient().Transport, &got}}
			resp := tc.resp
			if resp == nil {
				resp = &RequestIdResponse{}
			}
			err := c.apiCall(tc.action, tc.req(ids), resp)
			if tc.resp != nil && err != nil {
				t.Fatalf("the SDK cannot decode the response: %v", err)
			}
			if tc.resp == nil {
				if e, ok := err.(*sdkError); !ok || e.Code == "" || e.Code == "JSON_PARSE_FAILED" {
					t.Fatalf("the SDK does not see an error: %v", err)
				}
			}
			vmplanetest.Golden(t, filepath.Join("testdata", tc.name+".golden"), got.Bytes())
		})
	}
}

// seedOne is a golden set-up placing one instance.
func seedOne(s vmplane.InstanceSeed) func(t *testing.T, srv *vmplanetest.Server, c *sdkClient) []string {
	return func(t *testing.T, srv *vmplanetest.Server, c *sdkClient) []string {
		return []string{seed(t, srv, s)[0].ID}
	}
}

// recorder writes the status and body of each response to w, as
// "<status>\n<body>\n".
type recorder struct {
	next http.RoundTripper
	w    io.Writer
}

func (r recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := r.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	if !json.Valid(body) {
		return nil, fmt.Errorf("response is not JSON: %q", body)
	}
	fmt.Fprintf(r.w, "%s\n%s\n", strconv.Itoa(resp.StatusCode), body)
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, nil
}
