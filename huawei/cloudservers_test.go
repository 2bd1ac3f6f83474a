package huawei_test

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	ecs "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/ecs/v2"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/ecs/v2/model"
	"github.com/vmplane/vmplane"
	"github.com/vmplane/vmplane/vmplanetest"
)

func listCloudServers(t *testing.T, c *ecs.EcsClient, req model.ListCloudServersRequest) *model.ListCloudServersResponse {
	t.Helper()
	resp, err := c.ListCloudServers(&req)
	if err != nil {
		t.Fatalf("ListCloudServers: %v", err)
	}
	return resp
}

func cloudNames(resp *model.ListCloudServersResponse) []string {
	var names []string
	for _, s := range *resp.Servers {
		names = append(names, s.Name)
	}
	return names
}

// A client pages through v1.1's list as ECS documents it: each page's last
// server is the next page's marker, servers_links names the next page, and
// a page shorter than the limit ends the list.
func TestListCloudServersPagesByMarker(t *testing.T) {
	srv := vmplanetest.NewServer(t, vmplanetest.Options{})
	c := newClient(t, srv)
	createServer(t, srv, c, "batch", "s6.large.2", 5)

	limit := int32(2)
	var pages [][]string
	req := model.ListCloudServersRequest{Limit: &limit}
	for range 5 {
		resp := listCloudServers(t, c, req)
		pages = append(pages, cloudNames(resp))
		if resp.RequestId == nil || len(*resp.RequestId) != 32 {
			t.Errorf("request_id = %v, want the request's id", resp.RequestId)
		}
		if len(*resp.Servers) < int(limit) {
			if resp.ServersLinks != nil {
				t.Errorf("the last page links to %+v, want no next page", *resp.ServersLinks)
			}
			break
		}
		links := *resp.ServersLinks
		last := (*resp.Servers)[len(*resp.Servers)-1].Id
		next, err := url.Parse(links[0].Href)
		if err != nil || len(links) != 1 || links[0].Rel != "next" || next.Query().Get("marker") != last || !strings.HasSuffix(next.Path, "/v1.1/"+vmplanetest.ProjectID+"/cloudservers/detail") {
			t.Fatalf("servers_links = %+v, want one next link with marker %s", links, last)
		}
		req.Marker = &last
	}
	want := [][]string{{"batch-0005", "batch-0004"}, {"batch-0003", "batch-0002"}, {"batch-0001"}}
	if !slices.EqualFunc(pages, want, slices.Equal) {
		t.Errorf("pages = %v, want %v (newest first)", pages, want)
	}

	// v1's list takes the same marker.
	marker := (*listCloudServers(t, c, model.ListCloudServersRequest{Limit: &limit}).Servers)[1].Id
	v1, err := c.ListServersDetails(&model.ListServersDetailsRequest{Marker: &marker, Limit: &limit})
	if err != nil {
		t.Fatalf("ListServersDetails with a marker: %v", err)
	}
	if len(*v1.Servers) != 2 || (*v1.Servers)[0].Name != "batch-0003" {
		t.Errorf("v1 page after %s = %d servers, first %s; want batch-0003 and batch-0002", marker, len(*v1.Servers), (*v1.Servers)[0].Name)
	}

	nope := "7d3f2a10-0b1c-4d2e-8f3a-4b5c6d7e8f90"
	_, err = c.ListCloudServers(&model.ListCloudServersRequest{Marker: &nope, Limit: &limit})
	wantAPIError(t, err, 400, "Ecs.0005")
	tooMany := int32(101)
	_, err = c.ListCloudServers(&model.ListCloudServersRequest{Limit: &tooMany})
	wantAPIError(t, err, 400, "Ecs.0005")
	if got := len(*listCloudServers(t, c, model.ListCloudServersRequest{}).Servers); got != 5 {
		t.Errorf("default page has %d servers, want all 5 (10 by default)", got)
	}
}

// v1.1 shows a small server by default and adds what expect-fields asks
// for, each in the SDK's CloudServer types.
func TestListCloudServersShowsExpectedFields(t *testing.T) {
	srv := vmplanetest.NewServer(t, vmplanetest.Options{})
	c := newClient(t, srv)
	seeded, err := srv.Service.SeedInstances(context.Background(), []vmplane.InstanceSeed{
		{Cloud: "huawei", Name: "yearly", SpecID: "s6.large.2", ImageID: testImage, Charge: vmplane.ChargePrepaid, Period: 1, Power: vmplane.PowerStopped, Protected: true},
	})
	if err != nil {
		t.Fatal(err)
	}
	id := seeded[0].ID

	plain := (*listCloudServers(t, c, model.ListCloudServersRequest{}).Servers)[0]
	if plain.Id != id || plain.Status != "SHUTOFF" || plain.VmState != "stopped" || plain.TenantId != vmplanetest.ProjectID ||
		plain.Flavor == nil || *plain.Flavor.Vcpus != 2 || *plain.Flavor.Ram != 4096 {
		t.Errorf("server = %+v, want SHUTOFF/stopped s6.large.2 (2 vCPUs, 4096 MiB) in the project", plain)
	}
	if plain.PowerState != nil || plain.Addresses != nil || plain.MarketInfo != nil || plain.Locked != nil {
		t.Errorf("without expect-fields the server shows %v %v %v %v, want none of them", plain.PowerState, plain.Addresses, plain.MarketInfo, plain.Locked)
	}

	fields := []string{"power_state", "addresses", "market_info", "locked", "volumes_attached", "metadata", "image", "tenancy"}
	full := (*listCloudServers(t, c, model.ListCloudServersRequest{ExpectFields: &fields}).Servers)[0]
	if full.PowerState == nil || *full.PowerState != 4 {
		t.Errorf("power_state = %v, want 4 (shut down)", full.PowerState)
	}
	if full.Locked == nil || !*full.Locked {
		t.Errorf("locked = %v, want true", full.Locked)
	}
	if full.MarketInfo == nil || full.MarketInfo.ChargeMode.Value() != "prepaid" || full.MarketInfo.PrepaidInfo == nil ||
		*full.MarketInfo.PrepaidInfo.ExpiredTime != vmplanetest.Epoch.AddDate(0, 1, 0).Format("2006-01-02T15:04:05Z") {
		t.Errorf("market_info = %+v, want prepaid, expiring a month after creation", full.MarketInfo)
	}
	var addrs []model.NetworkAddresses
	for _, a := range full.Addresses {
		addrs = append(addrs, a...)
	}
	if len(addrs) != 1 || addrs[0].Version.Value() != 4 || addrs[0].Addr == "" {
		t.Errorf("addresses = %+v, want one IPv4 address", full.Addresses)
	}
	if full.VolumesAttached == nil || len(*full.VolumesAttached) != 1 || !*(*full.VolumesAttached)[0].DeleteOnTermination {
		t.Errorf("volumes_attached = %+v, want the system disk", full.VolumesAttached)
	}
	if full.Metadata["charging_mode"] != "1" || full.Image == nil || full.Image.Id != testImage || full.Tenancy == nil {
		t.Errorf("metadata %v, image %v, tenancy %v; want charging_mode 1, an image and a tenancy", full.Metadata, full.Image, full.Tenancy)
	}

	bad := []string{"password"}
	_, err = c.ListCloudServers(&model.ListCloudServersRequest{ExpectFields: &bad})
	wantAPIError(t, err, 400, "Ecs.0005")
}

func TestListCloudServersFilters(t *testing.T) {
	srv := vmplanetest.NewServer(t, vmplanetest.Options{})
	c := newClient(t, srv)
	ids := createServer(t, srv, c, "web", "s6.large.2", 3)
	createServer(t, srv, c, "db", "m6.large.8", 1)
	if _, err := srv.Service.SeedInstances(context.Background(), []vmplane.InstanceSeed{
		{Cloud: "huawei", Name: "spot", SpecID: "s6.large.2", Charge: vmplane.ChargeSpot, Zone: "cn-north-4c", Power: vmplane.PowerRunning},
	}); err != nil {
		t.Fatal(err)
	}
	stopServers(t, c, false, ids[0])
	srv.Advance(3 * time.Second)
	// web launched 8 s after the epoch, db and spot 16 s after.
	launched := vmplanetest.Epoch.Add(10 * time.Second).Format(time.RFC3339)

	s := func(v string) *string { return &v }
	tests := []struct {
		name string
		req  model.ListCloudServersRequest
		want []string
	}{
		{"flavor_name", model.ListCloudServersRequest{FlavorName: s("m6.large.8")}, []string{"db"}},
		{"name, a part", model.ListCloudServersRequest{Name: s("web-000")}, []string{"web-0003", "web-0002", "web-0001"}},
		{"status", model.ListCloudServersRequest{Status: s("SHUTOFF")}, []string{"web-0001"}},
		{"id", model.ListCloudServersRequest{Id: s(ids[1])}, []string{"web-0002"}},
		{"charging_mode", model.ListCloudServersRequest{ChargingMode: s("spot")}, []string{"spot"}},
		{"charging_mode as create writes it", model.ListCloudServersRequest{ChargingMode: s("postPaid")}, []string{"db", "web-0003", "web-0002", "web-0001"}},
		{"charging_mode as metadata writes it", model.ListCloudServersRequest{ChargingMode: s("2")}, []string{"spot"}},
		{"availability_zone_eq", model.ListCloudServersRequest{AvailabilityZoneEq: s("cn-north-4c")}, []string{"spot"}},
		{"launched_since", model.ListCloudServersRequest{LaunchedSince: &launched}, []string{"spot", "db"}},
		{"spod_id", model.ListCloudServersRequest{SpodId: s("spod-1")}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := cloudNames(listCloudServers(t, c, tt.req)); !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// A status filter of ACTIVE or SHUTOFF finds the servers in that vm_state,
// in an intermediate status too, as ECS documents; another status finds
// only itself.
func TestListStatusFilterTakesIntermediateStates(t *testing.T) {
	srv := vmplanetest.NewServer(t, vmplanetest.Options{})
	c := newClient(t, srv)
	if _, err := srv.Service.SeedInstances(context.Background(), []vmplane.InstanceSeed{
		{Cloud: "huawei", Name: "running", SpecID: "s6.large.2", Power: vmplane.PowerRunning},
		{Cloud: "huawei", Name: "rebooting", SpecID: "s6.large.2", Power: vmplane.PowerRunning, Operation: &vmplane.SeedOperation{Kind: vmplane.KindReboot}},
		{Cloud: "huawei", Name: "stopped", SpecID: "s6.large.2", Power: vmplane.PowerStopped},
		{Cloud: "huawei", Name: "resizing", SpecID: "s6.large.2", Power: vmplane.PowerStopped, Operation: &vmplane.SeedOperation{Kind: vmplane.KindResize, SpecID: "c6.xlarge.2"}},
	}); err != nil {
		t.Fatal(err)
	}
	srv.Advance(time.Second)
	for status, want := range map[string][]string{
		"ACTIVE":  {"rebooting", "running"},
		"SHUTOFF": {"resizing", "stopped"},
		"REBOOT":  {"rebooting"},
		"RESIZE":  {"resizing"},
	} {
		v1, err := c.ListServersDetails(&model.ListServersDetailsRequest{Status: &status})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, s := range *v1.Servers {
			got = append(got, s.Name)
		}
		v11 := cloudNames(listCloudServers(t, c, model.ListCloudServersRequest{Status: &status}))
		slices.Sort(got)
		slices.Sort(v11)
		if !slices.Equal(got, want) || !slices.Equal(v11, want) {
			t.Errorf("status=%s found %v on v1 and %v on v1.1, want %v", status, got, v11, want)
		}
	}
}
