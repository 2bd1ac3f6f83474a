package huawei_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/ecs/v2/model"
	"github.com/vmplane/vmplane"
	"github.com/vmplane/vmplane/vmplanetest"
)

// A create's system disk defaults to the image's minimum when its size is
// absent or 0, and may be no smaller; a name has 59 characters at most
// when count adds suffixes, 64 otherwise; at most 10 tags are given, and
// at most 10 metadata pairs, with keys of letters, digits and -_:. and
// values of at most 255 characters.
func TestCreateServerRules(t *testing.T) {
	srv := vmplanetest.NewServer(t, vmplanetest.Options{})
	c := newClient(t, srv)
	size := func(n int32) func(*model.PostPaidServer) {
		return func(s *model.PostPaidServer) { s.RootVolume.Size = &n }
	}
	named := func(name string, count int32) func(*model.PostPaidServer) {
		return func(s *model.PostPaidServer) { s.Name, s.Count = name, &count }
	}
	tagged := func(n int) func(*model.PostPaidServer) {
		return func(s *model.PostPaidServer) {
			tags := make([]model.PostPaidServerTag, n)
			for i := range tags {
				tags[i] = model.PostPaidServerTag{Key: fmt.Sprintf("k%d", i), Value: "v"}
			}
			s.ServerTags = &tags
		}
	}
	meta := func(md map[string]string) func(*model.PostPaidServer) {
		return func(s *model.PostPaidServer) { s.Metadata = md }
	}
	pairs := func(n int) map[string]string {
		md := map[string]string{}
		for i := range n {
			md[fmt.Sprintf("k%d", i)] = "v"
		}
		return md
	}
	tests := []struct {
		name   string
		change func(*model.PostPaidServer)
		disk   int    // the system disk of the server created
		code   string // the refusal's code, if refused
	}{
		{"no size", func(*model.PostPaidServer) {}, 40, ""},
		{"size 0", size(0), 40, ""},
		{"the image's minimum", size(40), 40, ""},
		{"the largest", size(1024), 1024, ""},
		{"under the image's minimum", size(39), 0, "Ecs.0005"},
		{"over the largest", size(1025), 0, "Ecs.0005"},
		{"59 characters, several servers", named(strings.Repeat("a", 59), 2), 40, ""},
		{"60 characters, several servers", named(strings.Repeat("a", 60), 2), 0, "Ecs.0914"},
		{"64 characters, one server", named(strings.Repeat("a", 64), 1), 40, ""},
		{"10 tags", tagged(10), 40, ""},
		{"11 tags", tagged(11), 0, "Ecs.0005"},
		{"10 metadata pairs", meta(pairs(10)), 40, ""},
		{"11 metadata pairs", meta(pairs(11)), 0, "Ecs.0005"},
		{"a metadata key of every allowed kind", meta(map[string]string{"Team_1-a:b.c": strings.Repeat("v", 255)}), 40, ""},
		{"a metadata key with a space", meta(map[string]string{"team name": "ops"}), 0, "Ecs.0005"},
		{"a metadata value too long", meta(map[string]string{"team": strings.Repeat("v", 256)}), 0, "Ecs.0005"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := postPaidServer("disk", "s6.large.2", 1)
			tt.change(s)
			resp, err := c.CreatePostPaidServers(&model.CreatePostPaidServersRequest{Body: &model.CreatePostPaidServersRequestBody{Server: s}})
			if tt.code != "" {
				wantAPIError(t, err, 400, tt.code)
				return
			}
			if err != nil {
				t.Fatalf("refused: %v", err)
			}
			for _, id := range *resp.ServerIds {
				in, err := srv.Service.FindInstanceByID(context.Background(), vmplane.Scope{Cloud: "huawei", Account: vmplane.DefaultAccountID}, id)
				if err != nil || in.DiskGiB != tt.disk {
					t.Errorf("server %s has a %d GiB system disk (%v), want %d", id, in.DiskGiB, err, tt.disk)
				}
			}
		})
	}
}
