package huawei_test

import (
	"net/http"
	"slices"
	"testing"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/ecs/v2/model"
	"github.com/vmplane/vmplane/vmplanetest"
)

// resetRules are passwords the reset APIs accept or refuse: their own
// specials (not create's $ ^ , { }), and neither root nor Administrator,
// forwards or backwards, nor three characters in a row of Administrator.
var resetRules = []struct {
	pw string
	ok bool
}{
	{"Secret-Passw0rd", true},
	{"abcDEF12", true},
	{"x1!y2@z3%w4-v5_u6=t7+s8[r9", true},
	{"Ab1]:./?", true},
	{"Ab1!", false},                        // too short
	{"Abcdefgh1!Abcdefgh1!Abcdef1", false}, // 27 characters
	{"abcdefgh12", false},                  // two kinds
	{"Abc-defg#12", false},                 // a character ECS never allows
	{"Abc$defg12", false},                  // create's specials that a reset refuses
	{"Abc^defg12", false},
	{"Abc,defg12", false},
	{"Abc{defg12", false},
	{"Abc}defg12", false},
	{"Root-Passw0rd", false},   // a user's name
	{"Toor-Passw0rd", false},   // backwards
	{"xAdministrator1", false}, // the other user's name
	{"rotartsinimdA1", false},  // backwards
	{"Min-Passw0rd", false},    // three characters in a row of Administrator
	{"Gator-Pass1", false},
	{"Pässwort-12", false}, // not ASCII
}

// A password reset is checked only when is_check_password is true, then by
// the reset rules, and answers ECS's 204.
func TestResetServerPasswordChecksOnlyWhenAsked(t *testing.T) {
	srv := vmplanetest.NewServer(t, vmplanetest.Options{})
	c := newClient(t, srv)
	id := createServer(t, srv, c, "web", "s6.large.2", 1)[0]
	reset := func(pw string, check *bool) (*model.ResetServerPasswordResponse, error) {
		return c.ResetServerPassword(&model.ResetServerPasswordRequest{ServerId: id, Body: &model.ResetServerPasswordRequestBody{
			ResetPassword: &model.ResetServerPasswordOption{NewPassword: pw, IsCheckPassword: check},
		}})
	}
	yes, no := true, false
	for _, tt := range resetRules {
		for _, check := range []*bool{nil, &no} {
			if resp, err := reset(tt.pw, check); err != nil || resp.HttpStatusCode != http.StatusNoContent {
				t.Errorf("password %q, is_check_password %v: %+v, %v; want 204 unchecked", tt.pw, check, resp, err)
			}
		}
		resp, err := reset(tt.pw, &yes)
		switch {
		case tt.ok && (err != nil || resp.HttpStatusCode != http.StatusNoContent):
			t.Errorf("password %q checked: %+v, %v; want 204", tt.pw, resp, err)
		case !tt.ok:
			wantAPIError(t, err, 400, "Ecs.0005")
		}
	}
	_, err := reset("", nil)
	wantAPIError(t, err, 400, "Ecs.0005")
	_, err = c.ResetServerPassword(&model.ResetServerPasswordRequest{ServerId: "7d3f2a10-0b1c-4d2e-8f3a-4b5c6d7e8f90", Body: &model.ResetServerPasswordRequestBody{
		ResetPassword: &model.ResetServerPasswordOption{NewPassword: "Secret-Passw0rd"},
	}})
	wantAPIError(t, err, 404, "Ecs.0114")
}

// Create keeps its own rules: its specials, and the user's name by image.
func TestCreatePasswordRules(t *testing.T) {
	srv := vmplanetest.NewServer(t, vmplanetest.Options{})
	c := newClient(t, srv)
	for _, tt := range []struct {
		pw string
		ok bool
	}{
		{"Secret-Passw0rd", true},
		{"x1!y2@z3$w4%v5^u6-t7_s8=r9", true},
		{"Adm1n-Passw0rd", true}, // a Linux image's user is root
		{"Root-Passw0rd", false},
		{"password1", false},
	} {
		pw := tt.pw
		err := createWith(c, func(s *model.PostPaidServer) { s.AdminPass = &pw })
		switch {
		case tt.ok && err != nil:
			t.Errorf("a create with password %q: %v", pw, err)
		case !tt.ok:
			wantAPIError(t, err, 400, "Ecs.0005")
		}
	}
}

// A batch reset always checks the password by the reset rules, whatever
// the servers' images; a dry run needs no password and changes nothing.
func TestBatchResetServersPassword(t *testing.T) {
	srv := vmplanetest.NewServer(t, vmplanetest.Options{})
	c := newClient(t, srv)
	ids := createServer(t, srv, c, "web", "s6.large.2", 2)
	reset := func(pw string, dryRun *bool, ids ...string) (*model.BatchResetServersPasswordResponse, error) {
		return c.BatchResetServersPassword(&model.BatchResetServersPasswordRequest{Body: &model.BatchResetServersPasswordRequestBody{
			NewPassword: pw, DryRun: dryRun, Servers: serverIDs(ids),
		}})
	}
	for _, tt := range resetRules {
		resp, err := reset(tt.pw, nil, ids...)
		switch {
		case tt.ok && (err != nil || len(*resp.Response) != 2 || (*resp.Response)[1].Id != ids[1]):
			t.Errorf("password %q: %+v, %v; want both servers", tt.pw, resp, err)
		case !tt.ok:
			wantAPIError(t, err, 400, "Ecs.0005")
		}
	}
	yes := true
	if resp, err := reset("", &yes, ids...); err != nil || len(*resp.Response) != 2 {
		t.Errorf("a dry run without a password: %+v, %v; want both servers", resp, err)
	}
	_, err := reset("Abc$defg12", &yes, ids...)
	wantAPIError(t, err, 400, "Ecs.0005")
	_, err = reset("", nil, ids...)
	wantAPIError(t, err, 400, "Ecs.0005")
	_, err = reset("", &yes, ids[0], "7d3f2a10-0b1c-4d2e-8f3a-4b5c6d7e8f90")
	wantAPIError(t, err, 404, "Ecs.0114")
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
