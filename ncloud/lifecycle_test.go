package ncloud_test

import (
	"slices"
	"testing"
	"time"

	"github.com/vmplane/vmplane/vmplanetest"
)

// state is how a test reads a server: status/operation/statusName.
func state(s *ServerInstance) string {
	return s.ServerInstanceStatus.code() + "/" + s.ServerInstanceOperation.code() + "/" + *s.ServerInstanceStatusName
}

// servers calls an action that answers servers and checks the envelope.
func (c *sdk) servers(t *testing.T, action string, req any) []*ServerInstance {
	t.Helper()
	var resp response
	if err := c.call(action, req, &resp); err != nil {
		t.Fatalf("%s: %v", action, err)
	}
	if resp.ReturnCode == nil || *resp.ReturnCode != "0" || resp.RequestId == nil || *resp.RequestId == "" {
		t.Fatalf("%s: bad envelope: %+v", action, resp)
	}
	if resp.TotalRows == nil || int(*resp.TotalRows) < len(resp.ServerInstanceList) {
		t.Fatalf("%s: totalRows %v for %d servers", action, resp.TotalRows, len(resp.ServerInstanceList))
	}
	return resp.ServerInstanceList
}

// server calls an action that must answer exactly one server.
func (c *sdk) server(t *testing.T, action string, req any) *ServerInstance {
	t.Helper()
	list := c.servers(t, action, req)
	if len(list) != 1 {
		t.Fatalf("%s: %d servers, want 1", action, len(list))
	}
	return list[0]
}

func (c *sdk) detail(t *testing.T, id string) *ServerInstance {
	t.Helper()
	list := c.servers(t, "getServerInstanceDetail", &ServerInstanceDetailRequest{RegionCode: str("KR"), ServerInstanceNo: &id})
	if len(list) != 1 {
		t.Fatalf("detail of %s: %d servers", id, len(list))
	}
	return list[0]
}

// wantState checks a server's state and, when given, its spec.
func wantState(t *testing.T, when string, s *ServerInstance, want string, spec string) {
	t.Helper()
	if got := state(s); got != want {
		t.Errorf("%s: state %s, want %s", when, got, want)
	}
	if spec != "" && *s.ServerSpecCode != spec {
		t.Errorf("%s: spec %s, want %s", when, *s.ServerSpecCode, spec)
	}
}

// TestSDKLifecycle runs Terraform's ncloud_server workflow with the SDK's
// encoding and decoding: create, stop, change spec, start, terminate,
// checking every state a waiter polls.
func TestSDKLifecycle(t *testing.T) {
	srv := vmplanetest.NewServer(t, vmplanetest.Options{})
	c := newSDK(srv, "/vserver/v2")
	vpc := newSDK(srv, "/vpc/v2")

	var regions response
	if err := c.call("getRegionList", &RegionListRequest{}, &regions); err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(regions.RegionList, func(r *Region) bool { return *r.RegionCode == "KR" }) {
		t.Fatalf("getRegionList has no KR: %+v", regions.RegionList)
	}

	var subnets response
	if err := vpc.call("getSubnetDetail", &SubnetDetailRequest{RegionCode: str("KR"), SubnetNo: str("30137")}, &subnets); err != nil {
		t.Fatal(err)
	}
	if len(subnets.SubnetList) != 1 || *subnets.SubnetList[0].ZoneCode != "KR-2" {
		t.Fatalf("getSubnetDetail: %+v", subnets.SubnetList)
	}
	subnet := subnets.SubnetList[0]

	var acgs response
	if err := c.call("getAccessControlGroupList", &AccessControlGroupListRequest{RegionCode: str("KR"), VpcNo: subnet.VpcNo}, &acgs); err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(acgs.AccessControlGroupList, func(a *AccessControlGroup) bool { return *a.IsDefault })
	if i < 0 {
		t.Fatalf("no default ACG: %+v", acgs.AccessControlGroupList)
	}
	acg := acgs.AccessControlGroupList[i].AccessControlGroupNo

	created := c.server(t, "createServerInstances", &CreateServerInstancesRequest{
		RegionCode: str("KR"), ServerName: str("web-1"), IsProtectServerTermination: boolp(false),
		VpcNo: subnet.VpcNo, SubnetNo: subnet.SubnetNo, AssociateWithPublicIp: boolp(true),
		NetworkInterfaceList: []*NetworkInterfaceParameter{{NetworkInterfaceOrder: i32(0), AccessControlGroupNoList: []*string{acg}}},
		ServerImageNo:        str("104630229"), ServerSpecCode: str("ci2-g3"),
	})
	id := *created.ServerInstanceNo
	wantState(t, "created", created, "INIT/NULL/init", "ci2-g3")
	if *created.ServerName != "web-1" || *created.ZoneCode != "KR-2" || *created.SubnetNo != *subnet.SubnetNo || *created.PublicIp == "" {
		t.Errorf("created: %+v", created)
	}

	srv.Advance(5 * time.Second)
	wantState(t, "provisioned", c.detail(t, id), "CREAT/START/booting", "")
	srv.Advance(3 * time.Second)
	running := c.detail(t, id)
	wantState(t, "booted", running, "RUN/NULL/running", "")

	var storage response
	if err := c.call("getBlockStorageInstanceList", &BlockStorageListRequest{RegionCode: str("KR"), ServerInstanceNo: &id}, &storage); err != nil {
		t.Fatal(err)
	}
	if len(storage.BlockStorageInstanceList) != 1 || *storage.BlockStorageInstanceList[0].BlockStorageInstanceStatusName != "attached" {
		t.Fatalf("basic storage: %+v", storage.BlockStorageInstanceList)
	}
	var storageDetail response
	if err := c.call("getBlockStorageInstanceDetail", &BlockStorageDetailRequest{RegionCode: str("KR"),
		BlockStorageInstanceNo: storage.BlockStorageInstanceList[0].BlockStorageInstanceNo}, &storageDetail); err != nil {
		t.Fatal(err)
	}
	if len(storageDetail.BlockStorageInstanceList) != 1 || *storageDetail.BlockStorageInstanceList[0].ServerInstanceNo != id {
		t.Fatalf("storage detail: %+v", storageDetail.BlockStorageInstanceList)
	}
	var nic response
	if err := c.call("getNetworkInterfaceDetail", &NetworkInterfaceDetailRequest{RegionCode: str("KR"),
		NetworkInterfaceNo: running.NetworkInterfaceNoList[0]}, &nic); err != nil {
		t.Fatal(err)
	}
	if len(nic.NetworkInterfaceList) != 1 || *nic.NetworkInterfaceList[0].DeviceName != "eth0" ||
		*nic.NetworkInterfaceList[0].AccessControlGroupNoList[0] != *acg || *nic.NetworkInterfaceList[0].InstanceNo != id {
		t.Fatalf("network interface: %+v", nic.NetworkInterfaceList)
	}

	stopping := c.server(t, "stopServerInstances", &InstancesRequest{RegionCode: str("KR"), ServerInstanceNoList: []*string{&id}})
	wantState(t, "stopping", stopping, "RUN/SHTDN/shutting down", "")
	srv.Advance(2 * time.Second)
	wantState(t, "still stopping", c.detail(t, id), "RUN/SHTDN/shutting down", "")
	srv.Advance(time.Second)
	wantState(t, "stopped", c.detail(t, id), "NSTOP/NULL/stopped", "")

	changing := c.server(t, "changeServerInstanceSpec", &ChangeSpecRequest{RegionCode: str("KR"), ServerInstanceNo: &id, ServerSpecCode: str("ci4-g3")})
	wantState(t, "changing", changing, "NSTOP/CHNG/changingSpec", "ci2-g3")
	if *changing.CpuCount != 2 || *changing.ServerProductCode != "SVR.VSVR.CPU.C002.M004.G003" {
		t.Errorf("changing shows the new spec already: %d vCPU, %s", *changing.CpuCount, *changing.ServerProductCode)
	}
	srv.Advance(4 * time.Second)
	changed := c.detail(t, id)
	wantState(t, "changed", changed, "NSTOP/NULL/stopped", "ci4-g3")
	if *changed.CpuCount != 4 || *changed.MemorySize != 8<<30 || *changed.ServerProductCode != "SVR.VSVR.CPU.C004.M008.G003" {
		t.Errorf("changed: %d vCPU, %d bytes, %s", *changed.CpuCount, *changed.MemorySize, *changed.ServerProductCode)
	}

	starting := c.server(t, "startServerInstances", &InstancesRequest{RegionCode: str("KR"), ServerInstanceNoList: []*string{&id}})
	wantState(t, "starting", starting, "NSTOP/START/booting", "")
	srv.Advance(3 * time.Second)
	started := c.detail(t, id)
	wantState(t, "started", started, "RUN/NULL/running", "ci4-g3")
	if *started.Uptime == *running.Uptime {
		t.Errorf("uptime %s did not move on restart", *started.Uptime)
	}

	rebooting := c.server(t, "rebootServerInstances", &InstancesRequest{RegionCode: str("KR"), ServerInstanceNoList: []*string{&id}})
	wantState(t, "rebooting", rebooting, "RUN/RESTA/rebooting", "")
	if *rebooting.Uptime != *started.Uptime {
		t.Errorf("rebooting: uptime %s, want %s until the reboot completes", *rebooting.Uptime, *started.Uptime)
	}
	srv.Advance(3 * time.Second)
	rebooted := c.detail(t, id)
	wantState(t, "rebooted", rebooted, "RUN/NULL/running", "")
	if *rebooted.Uptime == *started.Uptime {
		t.Errorf("uptime %s did not move on reboot", *rebooted.Uptime)
	}

	c.server(t, "stopServerInstances", &InstancesRequest{RegionCode: str("KR"), ServerInstanceNoList: []*string{&id}})
	srv.Advance(3 * time.Second)
	if stopped := c.detail(t, id); *stopped.Uptime != *rebooted.Uptime {
		t.Errorf("stopped: uptime %s, want the reboot's %s", *stopped.Uptime, *rebooted.Uptime)
	}
	var additional response
	if err := c.call("getBlockStorageInstanceList", &BlockStorageListRequest{RegionCode: str("KR"), ServerInstanceNo: &id,
		BlockStorageTypeCodeList: []*string{str("SVRBS")}}, &additional); err != nil {
		t.Fatal(err)
	}
	if len(additional.BlockStorageInstanceList) != 0 {
		t.Fatalf("additional storage to detach: %+v", additional.BlockStorageInstanceList)
	}
	terminating := c.server(t, "terminateServerInstances", &InstancesRequest{RegionCode: str("KR"), ServerInstanceNoList: []*string{&id}})
	wantState(t, "terminating", terminating, "NSTOP/TERMT/terminating", "")
	srv.Advance(3 * time.Second)
	if gone := c.servers(t, "getServerInstanceDetail", &ServerInstanceDetailRequest{RegionCode: str("KR"), ServerInstanceNo: &id}); len(gone) != 0 {
		t.Fatalf("terminated server still answered: %s", state(gone[0]))
	}
	if all := c.servers(t, "getServerInstanceList", &ServerInstanceListRequest{RegionCode: str("KR")}); len(all) != 0 {
		t.Fatalf("terminated server still listed")
	}
}

// TestSDKCreateXENByProductCode creates a G2 server the XEN way, by image
// and server product codes, and changes it to a bigger HDD product.
func TestSDKCreateXENByProductCode(t *testing.T) {
	srv := vmplanetest.NewServer(t, vmplanetest.Options{})
	c := newSDK(srv, "/vserver/v2")
	created := c.server(t, "createServerInstances", &CreateServerInstancesRequest{
		ServerImageProductCode: str("SW.VSVR.OS.LNX64.ROCKY.0810.B050"),
		ServerProductCode:      str("SVR.VSVR.STAND.C002.M008.NET.HDD.B050.G002"),
		VpcNo:                  str("10375"), SubnetNo: str("30136"),
		NetworkInterfaceList: []*NetworkInterfaceParameter{{NetworkInterfaceOrder: i32(0), AccessControlGroupNoList: []*string{str("21375")}}},
	})
	id := *created.ServerInstanceNo
	if *created.ServerSpecCode != "s2-g2-h50" || created.HypervisorType.code() != "XEN" || *created.ServerImageNo != "" ||
		created.BaseBlockStorageDiskDetailType.code() != "HDD" || (*created.ServerName)[0] != 's' {
		t.Fatalf("created: %+v", created)
	}
	srv.Advance(8 * time.Second)
	c.server(t, "stopServerInstances", &InstancesRequest{ServerInstanceNoList: []*string{&id}})
	srv.Advance(3 * time.Second)
	c.server(t, "changeServerInstanceSpec", &ChangeSpecRequest{ServerInstanceNo: &id,
		ServerProductCode: str("SVR.VSVR.STAND.C004.M016.NET.HDD.B050.G002")})
	srv.Advance(4 * time.Second)
	if s := c.detail(t, id); *s.ServerSpecCode != "s4-g2-h50" || *s.CpuCount != 4 {
		t.Fatalf("changed: %s, %d vCPU", *s.ServerSpecCode, *s.CpuCount)
	}
}

// kvmCreate is a KVM create in the default subnet, for tests to add to.
func kvmCreate() *CreateServerInstancesRequest {
	return &CreateServerInstancesRequest{
		RegionCode: str("KR"), VpcNo: str("10375"), SubnetNo: str("30136"),
		NetworkInterfaceList: []*NetworkInterfaceParameter{{NetworkInterfaceOrder: i32(0), AccessControlGroupNoList: []*string{str("21375")}}},
		ServerImageNo:        str("104630229"), ServerSpecCode: str("s2-g3"),
	}
}

// partitionsOf reads a server's blockDevicePartitionList as
// mountPoint=partitionSize pairs.
func partitionsOf(s *ServerInstance) []string {
	out := []string{}
	for _, p := range s.BlockDevicePartitionList {
		out = append(out, *p.MountPoint+"="+*p.PartitionSize)
	}
	return out
}

// TestSDKCreateKeepsBlockDevicePartitions: the partitions a server is
// created with are answered back as they were sent, by the create and by
// every later view, so that Terraform reads back what it planned.
func TestSDKCreateKeepsBlockDevicePartitions(t *testing.T) {
	srv := vmplanetest.NewServer(t, vmplanetest.Options{})
	c := newSDK(srv, "/vserver/v2")
	req := kvmCreate()
	req.BlockDevicePartitionList = []*BlockDevicePartition{
		{MountPoint: str("/"), PartitionSize: str("50")},
		{MountPoint: str("/data"), PartitionSize: str("100")},
	}
	created := c.server(t, "createServerInstances", req)
	plain := c.server(t, "createServerInstances", kvmCreate())
	id := *created.ServerInstanceNo
	want := []string{"/=50", "/data=100"}
	if got := partitionsOf(created); !slices.Equal(got, want) {
		t.Errorf("created: partitions %q, want %q", got, want)
	}
	srv.Advance(8 * time.Second)
	if got := partitionsOf(c.detail(t, id)); !slices.Equal(got, want) {
		t.Errorf("detail: partitions %q, want %q", got, want)
	}
	stopping := c.server(t, "stopServerInstances", &InstancesRequest{RegionCode: str("KR"), ServerInstanceNoList: []*string{&id}})
	if got := partitionsOf(stopping); !slices.Equal(got, want) {
		t.Errorf("stopping: partitions %q, want %q", got, want)
	}
	for _, s := range c.servers(t, "getServerInstanceList", &ServerInstanceListRequest{RegionCode: str("KR")}) {
		switch got := partitionsOf(s); {
		case *s.ServerInstanceNo == id && !slices.Equal(got, want):
			t.Errorf("list: partitions %q, want %q", got, want)
		case *s.ServerInstanceNo == *plain.ServerInstanceNo && len(got) != 0:
			t.Errorf("list: a server created without partitions has %q", got)
		}
	}
}

// basicStorageGiB reads the size of a server's basic storage as Terraform
// does: from getBlockStorageInstanceList, bytes over GiB.
func (c *sdk) basicStorageGiB(t *testing.T, id string) int64 {
	t.Helper()
	var resp response
	if err := c.call("getBlockStorageInstanceList", &BlockStorageListRequest{RegionCode: str("KR"), ServerInstanceNo: &id}, &resp); err != nil {
		t.Fatal(err)
	}
	if len(resp.BlockStorageInstanceList) != 1 || resp.BlockStorageInstanceList[0].BlockStorageType.code() != "BASIC" {
		t.Fatalf("storage of %s: %+v, want its basic storage only", id, resp.BlockStorageInstanceList)
	}
	return *resp.BlockStorageInstanceList[0].BlockStorageSize / (1 << 30)
}

// TestSDKCreateSizesTheBasicStorage: blockStorageMappingList's order 0 is
// the basic storage, and its blockStorageSize (GB) is the size the server's
// storage then has; without it, a KVM server's basic storage is 50 GB.
func TestSDKCreateSizesTheBasicStorage(t *testing.T) {
	srv := vmplanetest.NewServer(t, vmplanetest.Options{})
	c := newSDK(srv, "/vserver/v2")
	req := kvmCreate()
	req.BlockStorageMappingList = []*BlockStorageMappingParameter{
		{Order: i32(1), BlockStorageSize: str("200")},
		{Order: i32(0), BlockStorageSize: str("100")},
	}
	sized := *c.server(t, "createServerInstances", req).ServerInstanceNo
	plain := *c.server(t, "createServerInstances", kvmCreate()).ServerInstanceNo
	srv.Advance(8 * time.Second)
	if got := c.basicStorageGiB(t, sized); got != 100 {
		t.Errorf("basic storage asked 100 GB: %d GB", got)
	}
	if got := c.basicStorageGiB(t, plain); got != 50 {
		t.Errorf("basic storage asked nothing: %d GB, want 50", got)
	}
}
