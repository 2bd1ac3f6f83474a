package huawei_test

import (
	"net/http"
	"slices"
	"testing"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/ecs/v2/model"
	"github.com/vmplane/vmplane/vmplanetest"
)

// A password reset answers ECS's 204 for a password ECS accepts, and its
// refusal for one it does not.
func TestResetServerPasswordRules(t *testing.T) {
	srv := vmplanetest.NewServer(t, vmplanetest.Options{})
	c := newClient(t, srv)
	id := createServer(t, srv, c, "web", "s6.large.2", 1)[0]
	reset := func(pw string) (*model.ResetServerPasswordResponse, error) {
		return c.ResetServerPassword(&model.ResetServerPasswordRequest{ServerId: id, Body: &model.ResetServerPasswordRequestBody{
			ResetPassword: &model.ResetServerPasswordOption{NewPassword: pw},
		}})
	}
	for _, pw := range []string{"Secret-Passw0rd", "abcDEF12", "x1!y2@z3$w4%v5^u6-t7_s8=r9"} {
		resp, err := reset(pw)
		if err != nil || resp.HttpStatusCode != http.StatusNoContent {
			t.Errorf("password %q: %+v, %v; want 204", pw, resp, err)
		}
	}
	for _, pw := range []string{
		"Ab1!",                        // too short
		"Abcdefgh1!Abcdefgh1!Abcdef1", // 27 characters
		"abcdefgh12",                  // two kinds
		"Abc-defg#12",                 // a character ECS does not allow
		"Root-Passw0rd",               // the user's name
		"Toor-Passw0rd",               // backwards
		"Pässwort-12",                 // not ASCII
	} {
		_, err := reset(pw)
		wantAPIError(t, err, 400, "Ecs.0005")
	}
	pw := "Secret-Passw0rd"
	if err := createWith(c, func(s *model.PostPaidServer) { s.AdminPass = &pw }); err != nil {
		t.Errorf("a create with a password ECS accepts: %v", err)
	}
	_, err := c.ResetServerPassword(&model.ResetServerPasswordRequest{ServerId: "7d3f2a10-0b1c-4d2e-8f3a-4b5c6d7e8f90", Body: &model.ResetServerPasswordRequestBody{
		ResetPassword: &model.ResetServerPasswordOption{NewPassword: "Secret-Passw0rd"},
	}})
	wantAPIError(t, err, 404, "Ecs.0114")
}

func TestBatchResetServersPassword(t *testing.T) {
	srv := vmplanetest.NewServer(t, vmplanetest.Options{})
	c := newClient(t, srv)
	ids := createServer(t, srv, c, "web", "s6.large.2", 2)
	resp, err := c.BatchResetServersPassword(&model.BatchResetServersPasswordRequest{Body: &model.BatchResetServersPasswordRequestBody{
		NewPassword: "Secret-Passw0rd", Servers: serverIDs(ids),
	}})
	if err != nil || resp.Response == nil || len(*resp.Response) != 2 || (*resp.Response)[1].Id != ids[1] {
		t.Fatalf("BatchResetServersPassword = %+v, %v; want both servers", resp, err)
	}
	_, err = c.BatchResetServersPassword(&model.BatchResetServersPasswordRequest{Body: &model.BatchResetServersPasswordRequestBody{
		NewPassword: "weak", Servers: serverIDs(ids),
	}})
	wantAPIError(t, err, 400, "Ecs.0005")
}

// A batch rename gives every server the one name, with no suffix, or
// renames none when one of them is unknown; a dry run renames nothing.
func TestBatchUpdateServersName(t *testing.T) {
	srv := vmplanetest.NewServer(t, vmplanetest.Options{})
	c := newClient(t, srv)
	ids := createServer(t, srv, c, "web", "s6.large.2", 3)
	rename := func(name string, dryRun bool, ids ...string) (*model.BatchUpdateServersNameResponse, error) {
		return c.BatchUpdateServersName(&model.BatchUpdateServersNameRequest{Body: &model.BatchUpdateServersNameRequestBody{
			Name: name, DryRun: &dryRun, Servers: serverIDs(ids),
		}})
	}
	names := func() []string {
		var out []string
		for _, id := range ids {
			out = append(out, showServer(t, c, id).Name)
		}
		return out
	}

	_, err := rename("develop", false, ids[0], "7d3f2a10-0b1c-4d2e-8f3a-4b5c6d7e8f90")
	wantAPIError(t, err, 404, "Ecs.0114")
	_, err = rename("bad name!", false, ids...)
	wantAPIError(t, err, 400, "Ecs.0005")
	if resp, err := rename("develop", true, ids...); err != nil || len(*resp.Response) != 3 {
		t.Fatalf("dry run: %+v, %v", resp, err)
	}
	if got := names(); !slices.Equal(got, []string{"web-0001", "web-0002", "web-0003"}) {
		t.Fatalf("after refusals and a dry run the names are %v", got)
	}

	resp, err := rename("develop", false, ids[0], ids[2])
	if err != nil || len(*resp.Response) != 2 || (*resp.Response)[0].Id != ids[0] {
		t.Fatalf("BatchUpdateServersName = %+v, %v", resp, err)
	}
	if got := names(); !slices.Equal(got, []string{"develop", "web-0002", "develop"}) {
		t.Errorf("names = %v, want develop, web-0002, develop", got)
	}
}

// A batch rename takes up to 1000 servers, as the SDK documents, and
// refuses more with Ecs.0118.
func TestBatchUpdateServersNameTakesUpTo1000Servers(t *testing.T) {
	srv := vmplanetest.NewServer(t, vmplanetest.Options{})
	c := newClient(t, srv)
	ids := srv.SeedRunning("huawei", "s6.large.2", "cn-north-4a", 1001)
	rename := func(ids []string) (*model.BatchUpdateServersNameResponse, error) {
		return c.BatchUpdateServersName(&model.BatchUpdateServersNameRequest{Body: &model.BatchUpdateServersNameRequestBody{
			Name: "fleet", Servers: serverIDs(ids),
		}})
	}
	_, err := rename(ids)
	wantAPIError(t, err, 400, "Ecs.0118")
	resp, err := rename(ids[:1000])
	if err != nil || len(*resp.Response) != 1000 {
		t.Fatalf("renaming 1000 servers: %v", err)
	}
	if got := showServer(t, c, ids[999]).Name; got != "fleet" {
		t.Errorf("the 1000th server is named %q, want fleet", got)
	}
	if got := showServer(t, c, ids[1000]).Name; got == "fleet" {
		t.Errorf("the server left out was renamed")
	}
}
