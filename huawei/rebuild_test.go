package huawei_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/ecs/v2/model"
	"github.com/vmplane/vmplane"
	"github.com/vmplane/vmplane/vmplanetest"
)

// Changing a running server's OS with withStopServer is one job: the
// server stops, shows REBUILD while its disk is written, and runs again on
// the new image with the new key pair.
func TestChangeOSWithStopServer(t *testing.T) {
	srv := vmplanetest.NewServer(t, vmplanetest.Options{})
	c := newClient(t, srv)
	id := createServer(t, srv, c, "web", "s6.large.2", 1)[0]
	images := srv.Service.Catalog("huawei").Images
	var other string
	for _, img := range images {
		if img.ID != testImage && img.OS != "Windows" {
			other = img.ID
			break
		}
	}
	if other == "" {
		t.Fatal("the catalog has no second Linux image")
	}

	mode, key := "withStopServer", "KeyPair-new"
	resp, err := c.ChangeServerOsWithCloudInit(&model.ChangeServerOsWithCloudInitRequest{ServerId: id, Body: &model.ChangeServerOsWithCloudInitRequestBody{
		OsChange: &model.ChangeServerOsWithCloudInitOption{Imageid: other, Keyname: &key, Mode: &mode},
	}})
	if err != nil {
		t.Fatalf("ChangeServerOsWithCloudInit: %v", err)
	}
	var states []string
	for range 12 {
		srv.Advance(time.Second)
		if s := state(showServer(t, c, id)); len(states) == 0 || states[len(states)-1] != s {
			states = append(states, s)
		}
	}
	if !slices.Contains(states, "REBUILD/stopped/rebuilding") || states[0] != "ACTIVE/active/powering-off" || states[len(states)-1] != "ACTIVE/active/" {
		t.Errorf("server went through %v, want powering-off, REBUILD, then ACTIVE", states)
	}
	job := waitJob(t, srv, c, *resp.JobId, "SUCCESS")
	if job.Entities == nil || job.Entities.ServerId == nil || *job.Entities.ServerId != id {
		t.Errorf("job entities = %+v, want server_id %s", job.Entities, id)
	}
	if s := showServer(t, c, id); s.Image.Id != other || s.KeyName != key {
		t.Errorf("after the change: image %s, key %s; want %s and %s", s.Image.Id, s.KeyName, other, key)
	}
}

// Reinstalling keeps the image; without withStopServer the server must be
// stopped, and without user data a password or a key pair is required.
func TestReinstallOS(t *testing.T) {
	srv := vmplanetest.NewServer(t, vmplanetest.Options{})
	c := newClient(t, srv)
	id := createServer(t, srv, c, "web", "s6.large.2", 1)[0]
	pass := "Secret-Passw0rd"
	reinstall := func(opt model.ReinstallServerWithCloudInitOption) (*model.ReinstallServerWithCloudInitResponse, error) {
		return c.ReinstallServerWithCloudInit(&model.ReinstallServerWithCloudInitRequest{ServerId: id, Body: &model.ReinstallServerWithCloudInitRequestBody{OsReinstall: &opt}})
	}

	_, err := reinstall(model.ReinstallServerWithCloudInitOption{Adminpass: &pass})
	wantAPIError(t, err, 400, "Ecs.0100")
	stopServers(t, c, false, id)
	srv.Advance(3 * time.Second)
	_, err = reinstall(model.ReinstallServerWithCloudInitOption{})
	wantAPIError(t, err, 400, "Ecs.0005")
	weak := "password"
	_, err = reinstall(model.ReinstallServerWithCloudInitOption{Adminpass: &weak})
	wantAPIError(t, err, 400, "Ecs.0005")

	resp, err := reinstall(model.ReinstallServerWithCloudInitOption{Adminpass: &pass})
	if err != nil {
		t.Fatalf("ReinstallServerWithCloudInit: %v", err)
	}
	if seen, _ := pollJob(t, srv, c, *resp.JobId); seen[len(seen)-1] != "SUCCESS" {
		t.Fatalf("reinstall job went %v", seen)
	}
	if s := showServer(t, c, id); s.Image.Id != testImage || state(s) != "ACTIVE/active/" || s.KeyName != "" {
		t.Errorf("after the reinstall: image %s, %s, key %q; want %s, ACTIVE/active/, no key pair", s.Image.Id, state(s), s.KeyName, testImage)
	}
}

// Both OS APIs take a password or a key pair, not both, and without either
// the user data that sets up a login.
func TestOSReinstallTakesAPasswordOrAKeyPairOrUserData(t *testing.T) {
	srv := vmplanetest.NewServer(t, vmplanetest.Options{})
	c := newClient(t, srv)
	str := func(s string) *string { return &s }
	pass, key, userData := str("Secret-Passw0rd"), str("KeyPair-ops"), str("IyEvYmluL2Jhc2g=")
	tests := []struct {
		name               string
		adminpass, keyname *string
		userData           *string
		ok                 bool
	}{
		{"a password", pass, nil, nil, true},
		{"a key pair", nil, key, nil, true},
		{"user data alone", nil, nil, userData, true},
		{"user data with empty others", str(""), str(""), userData, true},
		{"a password and a key pair", pass, key, nil, false},
		{"a password and a key pair with user data", pass, key, userData, false},
		{"nothing", nil, nil, nil, false},
		{"empty user data", nil, nil, str(""), false},
	}
	for _, tt := range tests {
		for _, change := range []bool{false, true} {
			seeded, err := srv.Service.SeedInstances(context.Background(), []vmplane.InstanceSeed{
				{Cloud: "huawei", SpecID: "s6.large.2", ImageID: testImage, Power: vmplane.PowerStopped},
			})
			if err != nil {
				t.Fatal(err)
			}
			id := seeded[0].ID
			if change {
				_, err = c.ChangeServerOsWithCloudInit(&model.ChangeServerOsWithCloudInitRequest{ServerId: id, Body: &model.ChangeServerOsWithCloudInitRequestBody{
					OsChange: &model.ChangeServerOsWithCloudInitOption{Imageid: testImage, Adminpass: tt.adminpass, Keyname: tt.keyname,
						Metadata: &model.ChangeSeversOsMetadata{UserData: tt.userData}},
				}})
			} else {
				_, err = c.ReinstallServerWithCloudInit(&model.ReinstallServerWithCloudInitRequest{ServerId: id, Body: &model.ReinstallServerWithCloudInitRequestBody{
					OsReinstall: &model.ReinstallServerWithCloudInitOption{Adminpass: tt.adminpass, Keyname: tt.keyname,
						Metadata: &model.ReinstallSeverMetadata{UserData: tt.userData}},
				}})
			}
			switch {
			case tt.ok && err != nil:
				t.Errorf("%s (change %v): %v", tt.name, change, err)
			case !tt.ok:
				wantAPIError(t, err, 400, "Ecs.0005")
			}
		}
	}
}
