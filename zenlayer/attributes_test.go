package zenlayer_test

import (
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/vmplane/vmplane"
	"github.com/vmplane/vmplane/vmplanetest"
)

func TestModifyInstancesAttributeRenamesEveryInstanceGiven(t *testing.T) {
	srv, c := newClient(t, vmplanetest.Options{})
	in := seed(t, srv,
		vmplane.InstanceSeed{SpecID: "c.1c2g", Name: "web"},
		vmplane.InstanceSeed{SpecID: "c.1c2g", Name: "db", Power: vmplane.PowerStopped},
		vmplane.InstanceSeed{SpecID: "c.1c2g", Name: "other"},
	)
	c.must(t, "ModifyInstancesAttribute", &ModifyInstancesAttributeRequest{InstanceIds: []string{in[0].ID, in[1].ID}, InstanceName: "app-1.prod"}, &RequestIdResponse{})
	for i, want := range []string{"app-1.prod", "app-1.prod", "other"} {
		if got := describe(t, c, in[i].ID); got == nil || got.InstanceName != want {
			t.Fatalf("instance %d: %+v, want name %q", i, got, want)
		}
	}
}

func TestModifyInstancesAttributeRefusals(t *testing.T) {
	srv, c := newClient(t, vmplanetest.Options{})
	in := seed(t, srv,
		vmplane.InstanceSeed{SpecID: "c.1c2g", Name: "web"},
		vmplane.InstanceSeed{SpecID: "c.1c2g", Name: "bin", Power: vmplane.PowerRecycled},
	)
	running, recycled := in[0].ID, in[1].ID
	many := make([]string, 101)
	for i := range many {
		many[i] = running
	}
	for _, tc := range []struct {
		name   string
		req    ModifyInstancesAttributeRequest
		status int
		code   string
	}{
		{"no ids", ModifyInstancesAttributeRequest{InstanceName: "x"}, 400, "MISSING_PARAMETER"},
		{"101 ids", ModifyInstancesAttributeRequest{InstanceIds: many, InstanceName: "x"}, 400, "INVALID_PARAMETER_VALUE"},
		{"no name", ModifyInstancesAttributeRequest{InstanceIds: []string{running}}, 400, "MISSING_PARAMETER"},
		{"a name too long", ModifyInstancesAttributeRequest{InstanceIds: []string{running}, InstanceName: strings.Repeat("a", 65)}, 400, "INVALID_PARAMETER_VALUE"},
		{"a name with a space", ModifyInstancesAttributeRequest{InstanceIds: []string{running}, InstanceName: "my web"}, 400, "INVALID_PARAMETER_VALUE"},
		{"an unknown instance among others", ModifyInstancesAttributeRequest{InstanceIds: []string{running, "42"}, InstanceName: "x"}, 404, "INVALID_INSTANCE_NOT_FOUND"},
		{"an instance in the recycle bin", ModifyInstancesAttributeRequest{InstanceIds: []string{running, recycled}, InstanceName: "x"}, 403, "OPERATION_DENIED_INSTANCE_RECYCLED"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantError(t, c.apiCall("ModifyInstancesAttribute", &tc.req, &RequestIdResponse{}), tc.status, tc.code)
		})
	}
	// No refused request renamed anything.
	if got := describe(t, c, running); got == nil || got.InstanceName != "web" {
		t.Fatalf("after refusals: %+v, want the name web", got)
	}
}

func TestResetInstancesPasswordChecksThePasswordAndTheInstances(t *testing.T) {
	var logs vmplanetest.LogBuffer
	srv, c := newClient(t, vmplanetest.Options{Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	in := seed(t, srv,
		vmplane.InstanceSeed{SpecID: "c.1c2g"},
		vmplane.InstanceSeed{SpecID: "c.1c2g", Power: vmplane.PowerStopped},
		vmplane.InstanceSeed{SpecID: "c.1c2g", Power: vmplane.PowerRecycled},
	)
	running, stopped, recycled := in[0].ID, in[1].ID, in[2].ID
	c.must(t, "ResetInstancesPassword", &ResetInstancesPasswordRequest{InstanceIds: []string{running, stopped}, Password: "Secret-123"}, &RequestIdResponse{})
	for _, tc := range []struct {
		name   string
		req    ResetInstancesPasswordRequest
		status int
		code   string
	}{
		{"no ids", ResetInstancesPasswordRequest{Password: "Secret-123"}, 400, "MISSING_PARAMETER"},
		{"no password", ResetInstancesPasswordRequest{InstanceIds: []string{running}}, 400, "MISSING_PARAMETER"},
		{"a password without a digit", ResetInstancesPasswordRequest{InstanceIds: []string{running}, Password: "Secret-abc"}, 400, "INVALID_PARAMETER_VALUE_PASSWORD_MALFORMED"},
		{"a password too short", ResetInstancesPasswordRequest{InstanceIds: []string{running}, Password: "Se-1"}, 400, "INVALID_PARAMETER_VALUE_PASSWORD_MALFORMED"},
		{"an unknown instance", ResetInstancesPasswordRequest{InstanceIds: []string{"42"}, Password: "Secret-123"}, 404, "INVALID_INSTANCE_NOT_FOUND"},
		{"an instance in the recycle bin", ResetInstancesPasswordRequest{InstanceIds: []string{recycled}, Password: "Secret-123"}, 403, "OPERATION_DENIED_INSTANCE_RECYCLED"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantError(t, c.apiCall("ResetInstancesPassword", &tc.req, &RequestIdResponse{}), tc.status, tc.code)
		})
	}
	// The server logged the calls, and the password nowhere.
	if strings.Contains(logs.String(), "Secret-123") || logs.String() == "" {
		t.Fatal("the password was logged")
	}
}

func TestResetInstanceInstallsTheImage(t *testing.T) {
	srv, c := newClient(t, vmplanetest.Options{})
	in := seed(t, srv,
		vmplane.InstanceSeed{SpecID: "c.1c2g", Power: vmplane.PowerStopped, ImageID: "img-yKK4q6XybymPgfx7ynUUqC3N8"},
		vmplane.InstanceSeed{SpecID: "c.1c2g"},
		vmplane.InstanceSeed{SpecID: "c.1c2g", Power: vmplane.PowerRecycled},
		vmplane.InstanceSeed{SpecID: "c.1c2g", Operation: &vmplane.SeedOperation{Kind: vmplane.KindCreate}},
	)
	stopped, running, recycled, creating := in[0].ID, in[1].ID, in[2].ID, in[3].ID
	for _, tc := range []struct {
		name   string
		req    ResetInstanceRequest
		status int
		code   string
	}{
		{"no instance", ResetInstanceRequest{}, 400, "MISSING_PARAMETER"},
		{"an unknown instance", ResetInstanceRequest{InstanceId: "42"}, 404, "INVALID_INSTANCE_NOT_FOUND"},
		{"a running instance", ResetInstanceRequest{InstanceId: running}, 403, "OPERATION_DENIED_INSTANCE_NOT_STOPPED"},
		{"an instance being created", ResetInstanceRequest{InstanceId: creating}, 403, "OPERATION_DENIED_INSTANCE_NOT_STOPPED"},
		{"an instance in the recycle bin", ResetInstanceRequest{InstanceId: recycled}, 403, "OPERATION_DENIED_INSTANCE_RECYCLED"},
		{"an unknown image", ResetInstanceRequest{InstanceId: stopped, ImageId: "img-nope"}, 404, "INVALID_IMAGE_NOT_FOUND"},
		{"a password and a key", ResetInstanceRequest{InstanceId: stopped, Password: "Secret-123", KeyId: "key-1"}, 400, "INVALID_PARAMETER_INSTANCE_LOGIN_CONFLICT"},
		{"a malformed password", ResetInstanceRequest{InstanceId: stopped, Password: "secret"}, 400, "INVALID_PARAMETER_VALUE_PASSWORD_MALFORMED"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantError(t, c.apiCall("ResetInstance", &tc.req, &RequestIdResponse{}), tc.status, tc.code)
		})
	}
	if got := describe(t, c, stopped); got.InstanceStatus != "STOPPED" || got.ImageId != "img-yKK4q6XybymPgfx7ynUUqC3N8" {
		t.Fatalf("after refusals: %s %s", got.InstanceStatus, got.ImageId)
	}

	c.must(t, "ResetInstance", &ResetInstanceRequest{InstanceId: stopped, ImageId: "img-R3n8Xb6Tq1Yv5Mw2Lc9Hd4Gf7", Password: "Secret-123"}, &RequestIdResponse{})
	if got := describe(t, c, stopped); got.InstanceStatus != "REBUILDING" || got.ImageId != "img-R3n8Xb6Tq1Yv5Mw2Lc9Hd4Gf7" {
		t.Fatalf("accepted: %s %s", got.InstanceStatus, got.ImageId)
	}
	wantError(t, c.apiCall("ResetInstance", &ResetInstanceRequest{InstanceId: stopped}, &RequestIdResponse{}), 403, "OPERATION_DENIED_INSTANCE_NOT_STOPPED")
	srv.Advance(time.Minute)
	if got := describe(t, c, stopped); got.InstanceStatus != "RUNNING" || got.ImageId != "img-R3n8Xb6Tq1Yv5Mw2Lc9Hd4Gf7" {
		t.Fatalf("after the rebuild: %s %s", got.InstanceStatus, got.ImageId)
	}
}

// A reset gives the instance the login, name and NIC names it asks for, in
// the commit that accepts it: Terraform changes key_id by a reset and reads
// keyId back from DescribeInstances. A reset without keyId logs in by
// password, so the key pair is gone; names not given stay.
func TestResetInstanceAppliesTheNewLoginNameAndNICNames(t *testing.T) {
	for _, tc := range []struct {
		name     string
		version  string
		req      func(id string) any
		key      string // "" for no key pair
		instName string
		nic      Nic
	}{
		{name: "a new key", req: func(id string) any { return &ResetInstanceRequest{InstanceId: id, KeyId: "key-new"} },
			key: "key-new", instName: "web", nic: Nic{WanName: "wan0", LanName: "lan0"}},
		{name: "a password", req: func(id string) any { return &ResetInstanceRequest{InstanceId: id, Password: "Secret-123"} },
			instName: "web", nic: Nic{WanName: "wan0", LanName: "lan0"}},
		{name: "no login: a password is mailed", req: func(id string) any { return &ResetInstanceRequest{InstanceId: id} },
			instName: "web", nic: Nic{WanName: "wan0", LanName: "lan0"}},
		{name: "new NIC names", req: func(id string) any {
			return &ResetInstanceRequest{InstanceId: id, KeyId: "key-old", WanName: "public1", LanName: "private1"}
		}, key: "key-old", instName: "web", nic: Nic{WanName: "public1", LanName: "private1"}},
		{name: "a new name, one NIC name and an init script (2026-04-01)", version: "2026-04-01", req: func(id string) any {
			return &ResetInstanceRequestV2026{InstanceId: &id, KeyId: ptr("key-new"), InstanceName: ptr("web-2"), LanName: ptr("private1"), InitScript: ptr("#!/bin/sh\necho hi\n")}
		}, key: "key-new", instName: "web-2", nic: Nic{WanName: "wan0", LanName: "private1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, c := newClient(t, vmplanetest.Options{})
			id := seed(t, srv, vmplane.InstanceSeed{SpecID: "c.1c2g", Name: "web", Power: vmplane.PowerStopped,
				Attrs: map[string]string{"keyId": "key-old", "wanName": "wan0", "lanName": "lan0"}})[0].ID
			c.version = tc.version
			c.must(t, "ResetInstance", tc.req(id), &RequestIdResponse{})
			c.version = ""
			for _, when := range []string{"REBUILDING", "RUNNING"} {
				got := describe(t, c, id)
				if got.InstanceStatus != when || got.KeyId != tc.key || got.InstanceName != tc.instName || got.Nic == nil || *got.Nic != tc.nic {
					t.Fatalf("%s: status %s key %q name %q nic %+v, want key %q name %q nic %+v",
						when, got.InstanceStatus, got.KeyId, got.InstanceName, got.Nic, tc.key, tc.instName, tc.nic)
				}
				srv.Advance(time.Minute)
			}
		})
	}
}

// A reset refused for its new name, NIC name or init script changes nothing.
func TestResetInstanceRefusesBadNamesAndScripts(t *testing.T) {
	srv, c := newClient(t, vmplanetest.Options{})
	id := seed(t, srv, vmplane.InstanceSeed{SpecID: "c.1c2g", Name: "web", Power: vmplane.PowerStopped, Attrs: map[string]string{"keyId": "key-old"}})[0].ID
	c.version = "2026-04-01"
	for _, tc := range []struct {
		name string
		req  ResetInstanceRequestV2026
	}{
		{"a name with a space", ResetInstanceRequestV2026{InstanceId: &id, InstanceName: ptr("my web")}},
		{"a name too long", ResetInstanceRequestV2026{InstanceId: &id, InstanceName: ptr(strings.Repeat("a", 65))}},
		{"a NIC name in upper case", ResetInstanceRequestV2026{InstanceId: &id, WanName: ptr("Eth0")}},
		{"a NIC name too short", ResetInstanceRequestV2026{InstanceId: &id, LanName: ptr("la")}},
		{"a NIC name starting with a digit", ResetInstanceRequestV2026{InstanceId: &id, LanName: ptr("0lan")}},
		{"an init script over 32 KB", ResetInstanceRequestV2026{InstanceId: &id, InitScript: ptr(strings.Repeat("x", 32<<10+1))}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantError(t, c.apiCall("ResetInstance", &tc.req, &RequestIdResponse{}), 400, "INVALID_PARAMETER_VALUE")
		})
	}
	c.version = ""
	if got := describe(t, c, id); got.InstanceStatus != "STOPPED" || got.InstanceName != "web" || got.KeyId != "key-old" || *got.Nic != (Nic{WanName: "eth0", LanName: "eth1"}) {
		t.Fatalf("after refusals: %s %q %q %+v", got.InstanceStatus, got.InstanceName, got.KeyId, got.Nic)
	}
}

// Terraform moves a zvm_instance when its resource_group_id changes; the
// instances given show the group, and a DescribeInstances filtered by it
// finds them.
func TestModifyInstancesResourceGroupMovesEveryInstanceGiven(t *testing.T) {
	srv, c := newClient(t, vmplanetest.Options{})
	in := seed(t, srv,
		vmplane.InstanceSeed{SpecID: "c.1c2g", Name: "web"},
		vmplane.InstanceSeed{SpecID: "c.1c2g", Name: "db", Power: vmplane.PowerStopped},
		vmplane.InstanceSeed{SpecID: "c.1c2g", Name: "other"},
	)
	const group = "6a7f1ec2-3b1d-4e2a-9f0c-1d2e3f4a5b6c"
	c.must(t, "ModifyInstancesResourceGroup", &ModifyInstancesResourceGroupRequest{InstanceIds: []string{in[0].ID, in[1].ID}, ResourceGroupId: group}, &RequestIdResponse{})
	for i, moved := range []bool{true, true, false} {
		got := describe(t, c, in[i].ID)
		if got == nil || (got.ResourceGroupId == group) != moved {
			t.Fatalf("instance %d: %+v, moved to %s: %v", i, got, group, moved)
		}
	}
	var resp DescribeInstancesResponse
	c.must(t, "DescribeInstances", &DescribeInstancesRequest{ResourceGroupId: group}, &resp)
	if resp.Response == nil || resp.Response.TotalCount != 2 {
		t.Fatalf("DescribeInstances in the group: %+v", resp.Response)
	}
}

func TestModifyInstancesResourceGroupRefusals(t *testing.T) {
	srv, c := newClient(t, vmplanetest.Options{})
	in := seed(t, srv,
		vmplane.InstanceSeed{SpecID: "c.1c2g", Name: "web"},
		vmplane.InstanceSeed{SpecID: "c.1c2g", Name: "bin", Power: vmplane.PowerRecycled},
	)
	running, recycled := in[0].ID, in[1].ID
	before := describe(t, c, running).ResourceGroupId
	for _, tc := range []struct {
		name   string
		req    ModifyInstancesResourceGroupRequest
		status int
		code   string
	}{
		{"no ids", ModifyInstancesResourceGroupRequest{ResourceGroupId: "g"}, 400, "MISSING_PARAMETER"},
		{"no group", ModifyInstancesResourceGroupRequest{InstanceIds: []string{running}}, 400, "MISSING_PARAMETER"},
		{"an unknown instance among others", ModifyInstancesResourceGroupRequest{InstanceIds: []string{running, "42"}, ResourceGroupId: "g"}, 404, "INVALID_INSTANCE_NOT_FOUND"},
		{"an instance in the recycle bin", ModifyInstancesResourceGroupRequest{InstanceIds: []string{running, recycled}, ResourceGroupId: "g"}, 403, "OPERATION_DENIED_INSTANCE_RECYCLED"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantError(t, c.apiCall("ModifyInstancesResourceGroup", &tc.req, &RequestIdResponse{}), tc.status, tc.code)
		})
	}
	if got := describe(t, c, running); got == nil || got.ResourceGroupId != before {
		t.Fatalf("after refusals: %+v, want the group %s", got, before)
	}
}
