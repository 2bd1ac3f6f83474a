package ncloud_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/vmplane/vmplane"
	"github.com/vmplane/vmplane/vmplanetest"
)

// TestSDKRefusals makes every refusal of the Server API through the SDK's
// encoding and checks the returnCode Terraform reads from the error.
func TestSDKRefusals(t *testing.T) {
	srv := vmplanetest.NewServer(t, vmplanetest.Options{})
	c := newSDK(srv, "/vserver/v2")
	seed := func(s vmplane.InstanceSeed) string {
		t.Helper()
		s.Cloud = "ncloud"
		if s.SpecID == "" {
			s.SpecID = "ci2-g3"
		}
		ins, err := srv.Service.SeedInstances(context.Background(), []vmplane.InstanceSeed{s})
		if err != nil {
			t.Fatal(err)
		}
		return ins[0].ID
	}
	running := seed(vmplane.InstanceSeed{})
	stopped := seed(vmplane.InstanceSeed{Power: vmplane.PowerStopped})
	protected := seed(vmplane.InstanceSeed{Power: vmplane.PowerStopped, Protected: true})
	stopping := seed(vmplane.InstanceSeed{Operation: &vmplane.SeedOperation{Kind: vmplane.KindStop}})
	starting := seed(vmplane.InstanceSeed{Power: vmplane.PowerStopped, Operation: &vmplane.SeedOperation{Kind: vmplane.KindStart}})
	singapore := seed(vmplane.InstanceSeed{SpecID: "s2-g3", Zone: "SGN-4"})
	xen := seed(vmplane.InstanceSeed{SpecID: "c2-g2-s50", Power: vmplane.PowerStopped})

	other, err := srv.Service.CreateAccount(context.Background(), vmplane.AccountCreate{ID: "other"})
	if err != nil {
		t.Fatal(err)
	}
	ins, err := srv.Service.SeedInstances(context.Background(), []vmplane.InstanceSeed{{Cloud: "ncloud", Account: other.ID, SpecID: "ci2-g3"}})
	if err != nil {
		t.Fatal(err)
	}
	foreign := ins[0].ID

	nics := []*NetworkInterfaceParameter{{NetworkInterfaceOrder: i32(0), AccessControlGroupNoList: []*string{str("21375")}}}
	list := func(ids ...string) *InstancesRequest {
		r := &InstancesRequest{}
		for _, id := range ids {
			r.ServerInstanceNoList = append(r.ServerInstanceNoList, str(id))
		}
		return r
	}
	change := func(id, spec string) *ChangeSpecRequest {
		return &ChangeSpecRequest{ServerInstanceNo: &id, ServerSpecCode: &spec}
	}
	baseStorage := func(sizes ...string) *CreateServerInstancesRequest {
		r := &CreateServerInstancesRequest{VpcNo: str("10375"), SubnetNo: str("30136"), NetworkInterfaceList: nics, ServerImageNo: str("104630229")}
		for _, size := range sizes {
			r.BlockStorageMappingList = append(r.BlockStorageMappingList, &BlockStorageMappingParameter{Order: i32(0), BlockStorageSize: str(size)})
		}
		return r
	}
	for _, tt := range []struct {
		name   string
		action string
		req    any
		want   string
	}{
		{"stop a stopped server", "stopServerInstances", list(stopped), "28005"},
		{"stop a stopping server", "stopServerInstances", list(stopping), "25041"},
		{"start a running server", "startServerInstances", list(running), "25041"},
		{"reboot a stopped server", "rebootServerInstances", list(stopped), "25041"},
		{"stop an unknown server", "stopServerInstances", list("29999999"), "24120"},
		{"stop a malformed number", "stopServerInstances", list("web-1"), "24109"},
		{"stop another account's server", "stopServerInstances", list(foreign), "24120"},
		{"stop a server of another region", "stopServerInstances", list(singapore), "24120"},
		{"stop a server twice in one list", "stopServerInstances", list(running, running), "50120"},
		{"stop without servers", "stopServerInstances", list(), "900"},
		{"stop one running and one stopped", "stopServerInstances", list(running, stopped), "22001"},
		{"stop a known and an unknown server", "stopServerInstances", list(running, "29999999"), "24120"},
		{"terminate a running server", "terminateServerInstances", list(running), "25022"},
		{"terminate a protected server", "terminateServerInstances", list(protected), "25047"},
		{"terminate a stopping server", "terminateServerInstances", list(stopping), "1100031"},
		{"terminate a starting server", "terminateServerInstances", list(starting), "1100031"},
		{"start a starting server", "startServerInstances", list(starting), "25041"},
		{"terminate a stopped and a starting server", "terminateServerInstances", list(stopped, starting), "22001"},
		{"change a running server", "changeServerInstanceSpec", change(running, "ci4-g3"), "25041"},
		{"change to the same spec", "changeServerInstanceSpec", change(stopped, "ci2-g3"), "10503"},
		{"change to an unknown spec", "changeServerInstanceSpec", change(stopped, "ci3-g9"), "10712"},
		{"change to an unknown product", "changeServerInstanceSpec",
			&ChangeSpecRequest{ServerInstanceNo: &stopped, ServerProductCode: str("SVR.VSVR.CPU.C003.M004.G003")}, "10712"},
		{"change to another product type", "changeServerInstanceSpec", change(stopped, "s2-g3"), "10712"},
		{"change to another generation", "changeServerInstanceSpec", change(xen, "c2-g3"), "10712"},
		{"change to another disk type", "changeServerInstanceSpec", change(xen, "s2-g2-h50"), "10712"},
		{"change with both codes", "changeServerInstanceSpec",
			&ChangeSpecRequest{ServerInstanceNo: &stopped, ServerSpecCode: str("ci4-g3"), ServerProductCode: str("SVR.VSVR.CPU.C004.M008.G003")}, "50120"},
		{"change with no code", "changeServerInstanceSpec", &ChangeSpecRequest{ServerInstanceNo: &stopped}, "900"},
		{"change an unknown server", "changeServerInstanceSpec", change("29999999", "ci4-g3"), "24120"},
		{"protect an unknown server", "setProtectServerTermination",
			&ProtectRequest{ServerInstanceNo: str("29999999"), IsProtectServerTermination: boolp(true)}, "24120"},
		{"protect without saying how", "setProtectServerTermination", &ProtectRequest{ServerInstanceNo: &running}, "900"},
		{"create without an image", "createServerInstances",
			&CreateServerInstancesRequest{VpcNo: str("10375"), SubnetNo: str("30136"), NetworkInterfaceList: nics}, "900"},
		{"create without a subnet", "createServerInstances",
			&CreateServerInstancesRequest{VpcNo: str("10375"), ServerImageNo: str("104630229"), NetworkInterfaceList: nics}, "900"},
		{"create without a network interface", "createServerInstances",
			&CreateServerInstancesRequest{VpcNo: str("10375"), SubnetNo: str("30136"), ServerImageNo: str("104630229")}, "900"},
		{"create from an unknown image", "createServerInstances",
			&CreateServerInstancesRequest{VpcNo: str("10375"), SubnetNo: str("30136"), NetworkInterfaceList: nics, ServerImageNo: str("1")}, "10712"},
		{"create from a KVM image's product code", "createServerInstances",
			&CreateServerInstancesRequest{VpcNo: str("10375"), SubnetNo: str("30136"), NetworkInterfaceList: nics,
				ServerImageProductCode: str("SW.VSVR.OS.LNX64.UBNTU.SVR24.G003")}, "1401"},
		{"create from a KVM image's product code with a KVM product", "createServerInstances",
			&CreateServerInstancesRequest{VpcNo: str("10375"), SubnetNo: str("30136"), NetworkInterfaceList: nics,
				ServerImageProductCode: str("SW.VSVR.OS.LNX64.UBNTU.SVR24.G003"), ServerProductCode: str("SVR.VSVR.CPU.C002.M004.G003")}, "1401"},
		{"create with an unknown spec", "createServerInstances",
			&CreateServerInstancesRequest{VpcNo: str("10375"), SubnetNo: str("30136"), NetworkInterfaceList: nics, ServerImageNo: str("104630229"),
				ServerSpecCode: str("ci3-g9")}, "10712"},
		{"create with an unknown product", "createServerInstances",
			&CreateServerInstancesRequest{VpcNo: str("10375"), SubnetNo: str("30136"), NetworkInterfaceList: nics,
				ServerImageProductCode: str("SW.VSVR.OS.LNX64.ROCKY.0810.B050"), ServerProductCode: str("SVR.VSVR.CPU.C003.M004.NET.SSD.B050.G002")}, "10712"},
		{"create KVM with a XEN spec", "createServerInstances",
			&CreateServerInstancesRequest{VpcNo: str("10375"), SubnetNo: str("30136"), NetworkInterfaceList: nics, ServerImageNo: str("104630229"),
				ServerSpecCode: str("c2-g2-s50")}, "1401"},
		{"create KVM with a XEN product", "createServerInstances",
			&CreateServerInstancesRequest{VpcNo: str("10375"), SubnetNo: str("30136"), NetworkInterfaceList: nics, ServerImageNo: str("104630229"),
				ServerProductCode: str("SVR.VSVR.HICPU.C002.M004.NET.SSD.B050.G002")}, "1401"},
		{"create XEN outside Korea", "createServerInstances",
			&CreateServerInstancesRequest{RegionCode: str("SGN"), VpcNo: str("10412"), SubnetNo: str("30211"), NetworkInterfaceList: nics,
				ServerImageProductCode: str("SW.VSVR.OS.LNX64.ROCKY.0810.B050")}, "1401"},
		{"create with a bad name", "createServerInstances",
			&CreateServerInstancesRequest{ServerName: str("Web_1"), VpcNo: str("10375"), SubnetNo: str("30136"), NetworkInterfaceList: nics,
				ServerImageNo: str("104630229")}, "50120"},
		{"create too many", "createServerInstances",
			&CreateServerInstancesRequest{ServerCreateCount: i32(21), VpcNo: str("10375"), SubnetNo: str("30136"), NetworkInterfaceList: nics,
				ServerImageNo: str("104630229")}, "50120"},
		{"create with a basic storage under 10 GB", "createServerInstances", baseStorage("9"), "50120"},
		{"create with a basic storage over 2000 GB", "createServerInstances", baseStorage("2001"), "50120"},
		{"create with a basic storage size that is no number", "createServerInstances", baseStorage("100GB"), "50120"},
		{"create with two basic storages", "createServerInstances", baseStorage("100", "200"), "50120"},
		{"create with an added storage over 2000 GB", "createServerInstances", &CreateServerInstancesRequest{VpcNo: str("10375"),
			SubnetNo: str("30136"), NetworkInterfaceList: nics, ServerImageNo: str("104630229"),
			BlockStorageMappingList: []*BlockStorageMappingParameter{{Order: i32(1), BlockStorageSize: str("4000")}}}, "50120"},
		{"list in an unknown region", "getServerInstanceList", &ServerInstanceListRequest{RegionCode: str("MARS")}, "50120"},
		{"list sorted by an unknown field", "getServerInstanceList", &ServerInstanceListRequest{SortedBy: str("memory")}, "50120"},
		{"detail without a number", "getServerInstanceDetail", &ServerInstanceDetailRequest{}, "900"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var resp response
			if got := returnCode(t, c.call(tt.action, tt.req, &resp)); got != tt.want {
				t.Errorf("returnCode %s, want %s", got, tt.want)
			}
		})
	}

	// Nothing refused changed anything.
	for id, want := range map[string]string{running: "RUN/NULL/running", stopped: "NSTOP/NULL/stopped", protected: "NSTOP/NULL/stopped",
		stopping: "RUN/SHTDN/shutting down", starting: "NSTOP/START/booting"} {
		if got := state(c.detail(t, id)); got != want {
			t.Errorf("%s: %s after the refusals, want %s", id, got, want)
		}
	}
	if s := c.detail(t, stopped); *s.ServerSpecCode != "ci2-g3" {
		t.Errorf("refused change left spec %s", *s.ServerSpecCode)
	}
	if got := c.servers(t, "getServerInstanceDetail", &ServerInstanceDetailRequest{ServerInstanceNo: &foreign}); len(got) != 0 {
		t.Errorf("another account's server is visible")
	}
}

// TestSDKClassicRefusals is TestSDKRefusals for the Classic API.
func TestSDKClassicRefusals(t *testing.T) {
	srv := vmplanetest.NewServer(t, vmplanetest.Options{})
	c := newSDK(srv, "/server/v2")
	image := str("SPSW0LINUX000139")
	ins, err := srv.Service.SeedInstances(context.Background(), []vmplane.InstanceSeed{
		{Cloud: "ncloud-classic", SpecID: "SPSVRSSD00000003", Operation: &vmplane.SeedOperation{Kind: vmplane.KindStop}},
		{Cloud: "ncloud-classic", SpecID: "SPSVRSSD00000003", Power: vmplane.PowerStopped},
	})
	if err != nil {
		t.Fatal(err)
	}
	numbers := func(ids ...string) *ClassicInstancesRequest {
		r := &ClassicInstancesRequest{}
		for _, id := range ids {
			r.ServerInstanceNoList = append(r.ServerInstanceNoList, str(id))
		}
		return r
	}
	stopping := numbers(ins[0].ID)
	if err := c.call("createLoginKey", &CreateLoginKeyRequest{KeyName: str("taken")}, &classicResponse{}); err != nil {
		t.Fatal(err)
	}
	var ip classicResponse
	if err := c.call("createPublicIpInstance", &ClassicCreatePublicIpRequest{ServerInstanceNo: &ins[1].ID}, &ip); err != nil {
		t.Fatal(err)
	}
	ips := func(nos ...string) *ClassicPublicIpListRequest {
		r := &ClassicPublicIpListRequest{}
		for _, no := range nos {
			r.PublicIpInstanceNoList = append(r.PublicIpInstanceNoList, str(no))
		}
		return r
	}
	for _, tt := range []struct {
		name   string
		action string
		req    any
		want   string
	}{
		{"create from an unknown image", "createServerInstances", &ClassicCreateRequest{ServerImageProductCode: str("SPSW0LINUX999999")}, "10712"},
		{"create with an unknown product", "createServerInstances",
			&ClassicCreateRequest{ServerImageProductCode: image, ServerProductCode: str("SPSVRSSD99999999")}, "10712"},
		{"create without an image", "createServerInstances", &ClassicCreateRequest{ServerProductCode: str("SPSVRSSD00000003")}, "900"},
		{"terminate a stopping server", "terminateServerInstances", stopping, "25041"},
		{"terminate an unknown server", "terminateServerInstances", numbers("29999999"), "10713"},
		{"terminate a malformed number", "terminateServerInstances", numbers("web-1"), "10713"},
		{"terminate a known and an unknown server", "terminateServerInstances", numbers(ins[1].ID, "29999999"), "10713"},
		{"stop an unknown server", "stopServerInstances", numbers("29999999"), "24120"},
		{"create a login key of a name in use", "createLoginKey", &CreateLoginKeyRequest{KeyName: str("taken")}, "10405"},
		{"delete an unknown login key", "deleteLoginKey", &CreateLoginKeyRequest{KeyName: str("no-such-key")}, "10406"},
		{"delete an unknown public IP", "deletePublicIpInstances", ips("29999999"), "10713"},
		{"delete malformed public IP numbers", "deletePublicIpInstances", ips("aaaa", "bbb"), "10713"},
		{"delete an associated public IP", "deletePublicIpInstances", ips(*ip.PublicIpInstanceList[0].PublicIpInstanceNo), "24073"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := returnCode(t, c.call(tt.action, tt.req, &classicResponse{})); got != tt.want {
				t.Errorf("returnCode %s, want %s", got, tt.want)
			}
		})
	}
}

// An injected fault is answered with its cloud error verbatim; a failed
// operation leaves the server in NCP's failure state.
func TestSDKFaults(t *testing.T) {
	srv := vmplanetest.NewServer(t, vmplanetest.Options{})
	c := newSDK(srv, "/vserver/v2")
	ins, err := srv.Service.SeedInstances(context.Background(), []vmplane.InstanceSeed{{Cloud: "ncloud", SpecID: "ci2-g3"}})
	if err != nil {
		t.Fatal(err)
	}
	id := ins[0].ID
	if _, err := srv.Service.AddFault(vmplane.FaultRule{Kind: vmplane.KindStop, Count: 1, Effect: vmplane.FaultReject,
		Error: &vmplane.WireError{Code: "1300", Message: "Please try your call again later.", Status: http.StatusInternalServerError}}); err != nil {
		t.Fatal(err)
	}
	err = c.call("stopServerInstances", &InstancesRequest{ServerInstanceNoList: []*string{&id}}, &response{})
	if got := returnCode(t, err); got != "1300" || !strings.Contains(err.Error(), "Status: 500") {
		t.Fatalf("rejected stop: %v", err)
	}
	if _, err := srv.Service.AddFault(vmplane.FaultRule{Kind: vmplane.KindStop, Count: 1, Effect: vmplane.FaultFail,
		Error: &vmplane.WireError{Code: "25041"}}); err != nil {
		t.Fatal(err)
	}
	wantState(t, "stopping", c.server(t, "stopServerInstances", &InstancesRequest{ServerInstanceNoList: []*string{&id}}), "RUN/SHTDN/shutting down", "")
	srv.Advance(3 * time.Second)
	wantState(t, "failed", c.detail(t, id), "FSTOP/NULL/repairing", "")
	// A failed server can be stopped, then terminated.
	wantState(t, "recovering", c.server(t, "stopServerInstances", &InstancesRequest{ServerInstanceNoList: []*string{&id}}), "FSTOP/SHTDN/shutting down", "")
	srv.Advance(3 * time.Second)
	c.server(t, "terminateServerInstances", &InstancesRequest{ServerInstanceNoList: []*string{&id}})
	srv.Advance(3 * time.Second)
	if got := c.servers(t, "getServerInstanceDetail", &ServerInstanceDetailRequest{ServerInstanceNo: &id}); len(got) != 0 {
		t.Fatal("terminated server still there")
	}
}

// Listing pages and sorts over every match, and totalRows counts them all.
func TestSDKListPagesAndSorts(t *testing.T) {
	srv := vmplanetest.NewServer(t, vmplanetest.Options{})
	c := newSDK(srv, "/vserver/v2")
	var seeds []vmplane.InstanceSeed
	for _, name := range []string{"delta", "alpha", "echo", "charlie", "bravo"} {
		seeds = append(seeds, vmplane.InstanceSeed{Cloud: "ncloud", Name: name, SpecID: "s2-g3", Power: vmplane.PowerStopped})
	}
	seeds = append(seeds, vmplane.InstanceSeed{Cloud: "ncloud", Name: "foxtrot", SpecID: "c2-g2-s50", Zone: "KR-2"})
	if _, err := srv.Service.SeedInstances(context.Background(), seeds); err != nil {
		t.Fatal(err)
	}
	names := func(req *ServerInstanceListRequest) (string, int32) {
		t.Helper()
		var resp response
		if err := c.call("getServerInstanceList", req, &resp); err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, s := range resp.ServerInstanceList {
			out = append(out, *s.ServerName)
		}
		return strings.Join(out, ","), *resp.TotalRows
	}
	for _, tt := range []struct {
		req   *ServerInstanceListRequest
		want  string
		total int32
	}{
		{&ServerInstanceListRequest{}, "delta,alpha,echo,charlie,bravo,foxtrot", 6},
		{&ServerInstanceListRequest{SortedBy: str("serverName")}, "alpha,bravo,charlie,delta,echo,foxtrot", 6},
		{&ServerInstanceListRequest{SortedBy: str("serverName"), SortingOrder: str("DESC"), PageNo: i32(1), PageSize: i32(2)}, "foxtrot,echo", 6},
		{&ServerInstanceListRequest{SortedBy: str("serverName"), PageNo: i32(3), PageSize: i32(2)}, "echo,foxtrot", 6},
		{&ServerInstanceListRequest{PageNo: i32(4), PageSize: i32(2)}, "", 6},
		{&ServerInstanceListRequest{SortedBy: str("serverInstanceNo"), SortingOrder: str("DESC"), PageSize: i32(1)}, "foxtrot", 6},
		{&ServerInstanceListRequest{ServerInstanceStatusCode: str("RUN")}, "foxtrot", 1},
		{&ServerInstanceListRequest{HypervisorTypeCodeList: []*string{str("XEN")}}, "foxtrot", 1},
		{&ServerInstanceListRequest{BaseBlockStorageDiskDetailTypeCode: str("HDD")}, "", 0},
		{&ServerInstanceListRequest{ServerName: str("lph")}, "alpha", 1},
		{&ServerInstanceListRequest{ServerInstanceNoList: []*string{str("20000003"), str("20000001"), str("29999999")}}, "delta,echo", 2},
		{&ServerInstanceListRequest{VpcNo: str("10375"), PageSize: i32(1)}, "delta", 6},
		{&ServerInstanceListRequest{VpcNo: str("99999")}, "", 0},
		{&ServerInstanceListRequest{RegionCode: str("JPN")}, "", 0},
	} {
		got, total := names(tt.req)
		if got != tt.want || total != tt.total {
			t.Errorf("%+v: %q (total %d), want %q (total %d)", *tt.req, got, total, tt.want, tt.total)
		}
	}
}

// The Classic API through the SDK's encoding: create, list, stop, change
// the product, start and terminate.
func TestSDKClassicLifecycle(t *testing.T) {
	srv := vmplanetest.NewServer(t, vmplanetest.Options{})
	c := newSDK(srv, "/server/v2")
	one := func(action string, req any) *ClassicServerInstance {
		t.Helper()
		var resp classicResponse
		if err := c.call(action, req, &resp); err != nil {
			t.Fatalf("%s: %v", action, err)
		}
		if len(resp.ServerInstanceList) != 1 || *resp.ReturnCode != "0" {
			t.Fatalf("%s: %+v", action, resp)
		}
		return resp.ServerInstanceList[0]
	}
	get := func(id string) *ClassicServerInstance {
		return one("getServerInstanceList", &ClassicListRequest{ServerInstanceNoList: []*string{&id}})
	}
	classicState := func(s *ClassicServerInstance) string {
		return s.ServerInstanceStatus.code() + "/" + s.ServerInstanceOperation.code()
	}

	created := one("createServerInstances", &ClassicCreateRequest{ServerImageProductCode: str("SPSW0LINUX000139"),
		ServerProductCode: str("SPSVRSTAND000004"), ServerName: str("legacy-1"), ZoneNo: str("3"),
		InstanceTagList:          []*ClassicTagParameter{{TagKey: str("env"), TagValue: str("dev")}},
		BlockDevicePartitionList: []*BlockDevicePartition{{MountPoint: str("/"), PartitionSize: str("50")}}})
	id := *created.ServerInstanceNo
	if len(created.BlockDevicePartitionList) != 1 || *created.BlockDevicePartitionList[0].MountPoint != "/" {
		t.Fatalf("created with partitions %+v", created.BlockDevicePartitionList)
	}
	if classicState(created) != "INIT/NULL" || *created.Zone.ZoneCode != "KR-2" || *created.Region.RegionNo != "1" ||
		len(created.InstanceTagList) != 1 || *created.InstanceTagList[0].TagValue != "dev" || *created.AccessControlGroupList[0].AccessControlGroupName != "ncloud-default-acg" ||
		created.AccessControlGroupList[0].IsDefaultGroup != nil {
		t.Fatalf("created: %s %+v", classicState(created), created)
	}
	srv.Advance(8 * time.Second)
	if s := get(id); classicState(s) != "RUN/NULL" {
		t.Fatalf("after boot: %s", classicState(s))
	}
	if s := one("stopServerInstances", &ClassicInstancesRequest{ServerInstanceNoList: []*string{&id}}); classicState(s) != "RUN/SHTDN" {
		t.Fatalf("stopping: %s", classicState(s))
	}
	srv.Advance(3 * time.Second)
	changing := one("changeServerInstanceSpec", &ClassicChangeSpecRequest{ServerInstanceNo: &id, ServerProductCode: str("SPSVRSTAND000005")})
	if classicState(changing) != "NSTOP/CHNG" || *changing.ServerProductCode != "SPSVRSTAND000004" {
		t.Fatalf("changing: %s %s", classicState(changing), *changing.ServerProductCode)
	}
	srv.Advance(4 * time.Second)
	if s := get(id); *s.ServerProductCode != "SPSVRSTAND000005" || *s.MemorySize != 8<<30 {
		t.Fatalf("changed: %s %d", *s.ServerProductCode, *s.MemorySize)
	}
	var resp classicResponse
	err := c.call("changeServerInstanceSpec", &ClassicChangeSpecRequest{ServerInstanceNo: &id, ServerProductCode: str("SPSVRSSD00000004")}, &resp)
	if got := returnCode(t, err); got != "10712" {
		t.Errorf("HDD to SSD: %s, want 10712", got)
	}
	one("startServerInstances", &ClassicInstancesRequest{ServerInstanceNoList: []*string{&id}})
	srv.Advance(3 * time.Second)
	one("stopServerInstances", &ClassicInstancesRequest{ServerInstanceNoList: []*string{&id}})
	srv.Advance(3 * time.Second)
	if s := one("terminateServerInstances", &ClassicInstancesRequest{ServerInstanceNoList: []*string{&id}}); classicState(s) != "NSTOP/TERMT" {
		t.Fatalf("terminating: %s", classicState(s))
	}
	srv.Advance(3 * time.Second)
	if err := c.call("getServerInstanceList", &ClassicListRequest{ServerInstanceNoList: []*string{&id}}, &resp); err != nil || len(resp.ServerInstanceList) != 0 {
		t.Fatalf("terminated server still listed: %v %+v", err, resp)
	}
}
