package huawei_test

import (
	"fmt"
	"net/http"
	"slices"
	"testing"

	ecs "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/ecs/v2"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/ecs/v2/model"
	"github.com/vmplane/vmplane/vmplanetest"
)

func serverTags(t *testing.T, c *ecs.EcsClient, id string) []string {
	t.Helper()
	resp, err := c.ShowServerTags(&model.ShowServerTagsRequest{ServerId: id})
	if err != nil {
		t.Fatalf("ShowServerTags: %v", err)
	}
	var out []string
	for _, tag := range *resp.Tags {
		out = append(out, tag.Key+"="+*tag.Value)
	}
	return out
}

func addTags(c *ecs.EcsClient, id string, kv ...string) (*model.BatchCreateServerTagsResponse, error) {
	var tags []model.BatchAddServerTag
	for i := 0; i < len(kv); i += 2 {
		tags = append(tags, model.BatchAddServerTag{Key: kv[i], Value: &kv[i+1]})
	}
	return c.BatchCreateServerTags(&model.BatchCreateServerTagsRequest{ServerId: id, Body: &model.BatchCreateServerTagsRequestBody{
		Action: model.GetBatchCreateServerTagsRequestBodyActionEnum().CREATE, Tags: tags,
	}})
}

// A FinOps job tags servers, finds them by tag, and untags them, through
// the SDK's tag calls; the list filters and ServerDetail see the same tags.
func TestServerTagsWithSDK(t *testing.T) {
	srv := vmplanetest.NewServer(t, vmplanetest.Options{})
	c := newClient(t, srv)
	ids := createServer(t, srv, c, "fleet", "s6.large.2", 2)

	resp, err := addTags(c, ids[0], "env", "prod", "owner", "ops")
	if err != nil {
		t.Fatalf("BatchCreateServerTags: %v", err)
	}
	if resp.HttpStatusCode != http.StatusNoContent {
		t.Errorf("BatchCreateServerTags answered %d, want 204", resp.HttpStatusCode)
	}
	if _, err := addTags(c, ids[0], "env", "staging"); err != nil { // a new value replaces the old
		t.Fatal(err)
	}
	if _, err := addTags(c, ids[1], "env", "prod"); err != nil {
		t.Fatal(err)
	}
	if got := serverTags(t, c, ids[0]); !slices.Equal(got, []string{"env=staging", "owner=ops"}) {
		t.Errorf("tags = %v, want env=staging and owner=ops", got)
	}
	if got := showServer(t, c, ids[0]).Tags; got == nil || !slices.Equal(*got, []string{"env=staging", "owner=ops"}) {
		t.Errorf("ServerDetail tags = %v", got)
	}
	prod := "env=prod"
	list, err := c.ListServersDetails(&model.ListServersDetailsRequest{Tags: &prod})
	if err != nil || *list.Count != 1 || (*list.Servers)[0].Id != ids[1] {
		t.Errorf("servers tagged env=prod: %+v, %v; want only %s", list, err, ids[1])
	}

	projectTags, err := c.ListServerTags(&model.ListServerTagsRequest{})
	if err != nil {
		t.Fatalf("ListServerTags: %v", err)
	}
	var keys []string
	for _, tag := range *projectTags.Tags {
		keys = append(keys, fmt.Sprintf("%s=%v", tag.Key, *tag.Values))
	}
	if !slices.Equal(keys, []string{"env=[prod staging]", "owner=[ops]"}) {
		t.Errorf("project tags = %v", keys)
	}

	wrongValue, owner := "nope", "ops"
	del, err := c.BatchDeleteServerTags(&model.BatchDeleteServerTagsRequest{ServerId: ids[0], Body: &model.BatchDeleteServerTagsRequestBody{
		Action: model.GetBatchDeleteServerTagsRequestBodyActionEnum().DELETE,
		Tags:   []model.ServerTag{{Key: "env", Value: &wrongValue}, {Key: "owner", Value: &owner}, {Key: "absent"}},
	}})
	if err != nil || del.HttpStatusCode != http.StatusNoContent {
		t.Fatalf("BatchDeleteServerTags = %+v, %v; want 204", del, err)
	}
	if got := serverTags(t, c, ids[0]); !slices.Equal(got, []string{"env=staging"}) {
		t.Errorf("after the delete: %v, want env=staging (its value did not match)", got)
	}
}

func TestServerTagsRefusals(t *testing.T) {
	srv := vmplanetest.NewServer(t, vmplanetest.Options{})
	c := newClient(t, srv)
	id := createServer(t, srv, c, "web", "s6.large.2", 1)[0]
	var twenty []string
	for i := range 20 {
		twenty = append(twenty, fmt.Sprintf("k%02d", i), "v")
	}
	if _, err := addTags(c, id, twenty...); err != nil {
		t.Fatalf("20 tags: %v", err)
	}

	_, err := addTags(c, id, "one-more", "v")
	wantAPIError(t, err, 400, "Ecs.0005")
	_, err = addTags(c, id, "", "v")
	wantAPIError(t, err, 400, "Ecs.0005")
	_, err = addTags(c, "7d3f2a10-0b1c-4d2e-8f3a-4b5c6d7e8f90", "env", "prod")
	wantAPIError(t, err, 404, "Ecs.0114")
	if got := serverTags(t, c, id); len(got) != 20 {
		t.Errorf("%d tags after refusals, want the 20", len(got))
	}
}

// A tag with an empty value shows as its key alone wherever a server's
// tags are a list of strings; others as key=value.
func TestServerTagWithEmptyValueShowsItsKeyAlone(t *testing.T) {
	srv := vmplanetest.NewServer(t, vmplanetest.Options{})
	c := newClient(t, srv)
	id := createServer(t, srv, c, "web", "s6.large.2", 1)[0]
	if _, err := addTags(c, id, "env", "prod", "spare", ""); err != nil {
		t.Fatal(err)
	}
	want := []string{"env=prod", "spare"}
	views := []struct {
		name string
		tags func() []string
	}{
		{"ShowServer", func() []string { return *showServer(t, c, id).Tags }},
		{"ListServersDetails", func() []string {
			resp, err := c.ListServersDetails(&model.ListServersDetailsRequest{ServerId: &id})
			if err != nil {
				t.Fatal(err)
			}
			return *(*resp.Servers)[0].Tags
		}},
		{"ListCloudServers", func() []string {
			resp, err := c.ListCloudServers(&model.ListCloudServersRequest{ExpectFields: &[]string{"tags"}})
			if err != nil {
				t.Fatal(err)
			}
			return *(*resp.Servers)[0].Tags
		}},
		{"UpdateServer", func() []string {
			name := "web"
			resp, err := c.UpdateServer(&model.UpdateServerRequest{ServerId: id, Body: &model.UpdateServerRequestBody{
				Server: &model.UpdateServerOption{Name: &name}}})
			if err != nil {
				t.Fatal(err)
			}
			return resp.Server.Tags
		}},
	}
	for _, v := range views {
		if got := v.tags(); !slices.Equal(got, want) {
			t.Errorf("%s tags = %q, want %q", v.name, got, want)
		}
	}
}
