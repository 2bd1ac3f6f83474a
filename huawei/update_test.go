package huawei_test

import (
	"strings"
	"testing"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/ecs/v2/model"
	"github.com/vmplane/vmplane/vmplanetest"
)

func TestUpdateServerWithSDK(t *testing.T) {
	srv := vmplanetest.NewServer(t, vmplanetest.Options{})
	c := newClient(t, srv)
	id := createServer(t, srv, c, "web", "s6.large.2", 1)[0]

	name, desc, host := "web-2", "front end", "web-two"
	resp, err := c.UpdateServer(&model.UpdateServerRequest{ServerId: id, Body: &model.UpdateServerRequestBody{
		Server: &model.UpdateServerOption{Name: &name, Description: &desc, Hostname: &host}}})
	if err != nil {
		t.Fatalf("UpdateServer: %v", err)
	}
	s := resp.Server
	if s == nil || s.Id != id || s.Name != name || s.Description == nil || *s.Description != desc || s.OSEXTSRVATTRhostname != host ||
		s.Status != "ACTIVE" || s.Image != testImage || s.Flavor == nil || s.Flavor.Id != "s6.large.2" || len(s.Addresses) != 1 {
		t.Fatalf("UpdateServer answered %+v", s)
	}
	d := showServer(t, c, id)
	if d.Name != name || d.Description == nil || *d.Description != desc || d.OSEXTSRVATTRhostname != host {
		t.Fatalf("ShowServer after the update: name %q description %v hostname %q", d.Name, d.Description, d.OSEXTSRVATTRhostname)
	}

	// A description given empty clears it; what is not given stays.
	empty := ""
	if _, err := c.UpdateServer(&model.UpdateServerRequest{ServerId: id, Body: &model.UpdateServerRequestBody{
		Server: &model.UpdateServerOption{Description: &empty}}}); err != nil {
		t.Fatal(err)
	}
	if d := showServer(t, c, id); d.Name != name || (d.Description != nil && *d.Description != "") || d.OSEXTSRVATTRhostname != host {
		t.Fatalf("after clearing the description: name %q description %v hostname %q", d.Name, d.Description, d.OSEXTSRVATTRhostname)
	}

	bad := func(o model.UpdateServerOption) error {
		_, err := c.UpdateServer(&model.UpdateServerRequest{ServerId: id, Body: &model.UpdateServerRequestBody{Server: &o}})
		return err
	}
	str := func(s string) *string { return &s }
	wantAPIError(t, bad(model.UpdateServerOption{Name: str("web 2")}), 400, "Ecs.0005")
	wantAPIError(t, bad(model.UpdateServerOption{Name: str(strings.Repeat("a", 65))}), 400, "Ecs.0914")
	wantAPIError(t, bad(model.UpdateServerOption{Description: str("<b>")}), 400, "Ecs.0005")
	wantAPIError(t, bad(model.UpdateServerOption{Hostname: str("Web_2")}), 400, "Ecs.0005")
	_, err = c.UpdateServer(&model.UpdateServerRequest{ServerId: "00000000-0000-4000-8000-000000000000", Body: &model.UpdateServerRequestBody{
		Server: &model.UpdateServerOption{Name: &name}}})
	wantAPIError(t, err, 404, "Ecs.0114")
	if d := showServer(t, c, id); d.Name != name {
		t.Fatalf("a refused update renamed the server to %q", d.Name)
	}
}

// UpdateServer takes a host name by the SDK's rule: 1 to 64 letters of
// either case, digits, hyphens and periods, in period-separated segments.
func TestUpdateServerHostnameRule(t *testing.T) {
	srv := vmplanetest.NewServer(t, vmplanetest.Options{})
	c := newClient(t, srv)
	id := createServer(t, srv, c, "web", "s6.large.2", 1)[0]
	tests := []struct {
		hostname string
		ok       bool
	}{
		{"web-two", true},
		{"Web-2", true},
		{"web.example.COM", true},
		{"a", true},
		{strings.Repeat("h", 64), true},
		{"", false},
		{strings.Repeat("h", 65), false},
		{"web_2", false},
		{"web 2", false},
		{"wéb", false},
		{"-web", false},
		{"web-", false},
		{".web", false},
		{"web.", false},
		{"we--b", false},
		{"we..b", false},
		{"we.-b", false},
		{"we-.b", false},
	}
	for _, tt := range tests {
		name := tt.hostname
		_, err := c.UpdateServer(&model.UpdateServerRequest{ServerId: id, Body: &model.UpdateServerRequestBody{
			Server: &model.UpdateServerOption{Hostname: &name}}})
		switch {
		case tt.ok && err != nil:
			t.Errorf("hostname %q refused: %v", name, err)
		case tt.ok:
			if got := showServer(t, c, id).OSEXTSRVATTRhostname; got != name {
				t.Errorf("hostname %q set, ShowServer shows %q", name, got)
			}
		default:
			wantAPIError(t, err, 400, "Ecs.0005")
		}
	}
}
