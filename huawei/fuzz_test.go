package huawei

import (
	"errors"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/vmplane/vmplane"
)

// Fuzz targets for every decoder of bytes from the network. Their seed
// corpora are in testdata/fuzz; FuzzAPI (api_fuzz_test.go) drives whole
// requests through the handler.

func FuzzParseAuthorization(f *testing.F) {
	f.Fuzz(func(t *testing.T, header string) {
		a, err := parseAuthorization(header)
		if err != nil {
			return
		}
		if a.AccessKey == "" || a.Signature == "" || len(a.SignedHeaders) == 0 {
			t.Errorf("parseAuthorization(%q) accepted %+v", header, a)
		}
	})
}

// FuzzDecodeBodies feeds one body to every request decoder and the checks
// behind it: each must refuse with ECS's 4xx error or accept, never panic.
func FuzzDecodeBodies(f *testing.F) {
	cat := Clouds()[0].Catalog
	f.Fuzz(func(t *testing.T, body []byte) {
		check := func(err error) {
			if err == nil {
				return
			}
			var e *apiError
			if !errors.As(err, &e) || e.Status < 400 || e.Status >= 500 || e.Code == "" {
				t.Errorf("body %q: error %v is not an ECS 4xx", body, err)
			}
		}
		var create createRequest
		if err := decodeBody(body, &create); err != nil || create.Server == nil {
			check(err)
		} else {
			_, err := instanceCreate(create.Server, cat)
			check(err)
		}
		var resize resizeRequest
		if err := decodeBody(body, &resize); err != nil || resize.Resize == nil {
			check(err)
		} else {
			check(checkCPUOptions(resize.Resize.CPUOptions))
		}
		var action struct {
			Stop *batchOption `json:"os-stop"`
		}
		if err := decodeBody(body, &action); err != nil || action.Stop == nil {
			check(err)
		} else {
			_, err := serverIDs(action.Stop.Servers)
			check(err)
		}
	})
}

// FuzzQuery parses a raw query as the list and flavor APIs do, and signs
// it: no input may panic.
func FuzzQuery(f *testing.F) {
	now := time.Date(2025, 6, 11, 8, 0, 0, 0, time.UTC)
	in := &vmplane.Instance{ID: "s1", Seq: 7, Name: "web", SpecID: "s6.large.2", Power: vmplane.PowerRunning,
		Attrs: map[string]string{attrTagPrefix + "env": "prod"}}
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		for _, name := range []string{"limit", "offset"} {
			if n, err := intParam(q, name, 25, 0, 1000); err == nil && (n < 0 || n > 1000) {
				t.Errorf("%s=%q read as %d", name, q.Get(name), n)
			}
		}
		if match := serverFilters(q.Get, now).match(); match != nil {
			match(in)
		}
		if match, err := cloudServerFilter(q, now); err == nil && match != nil {
			match(in)
		}
		r := httptest.NewRequest("GET", "/v1/p/cloudservers/detail", nil)
		r.URL.RawQuery = raw
		canonicalQuery(r)
	})
}
