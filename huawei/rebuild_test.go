package huawei_test

import (
	"slices"
	"testing"
	"time"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/ecs/v2/model"
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
// stopped, and a password or a key pair is required.
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
