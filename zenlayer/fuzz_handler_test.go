package zenlayer_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/vmplane/vmplane"
	"github.com/vmplane/vmplane/vmplanetest"
)

// FuzzHandler sends signed requests with arbitrary actions and bodies: the
// answer is always Zenlayer's envelope, a 200 with a response or a 4xx
// with a code the SDK reads, never a 5xx.
func FuzzHandler(f *testing.F) {
	f.Add("DescribeInstances", []byte(`{"pageSize":10,"pageNum":1,"zoneId":"HKG-A"}`))
	srv, c := newClient(f, vmplanetest.Options{NoListener: true})
	seed(f, srv, vmplane.InstanceSeed{ID: "1", SpecID: "c.1c2g"}, vmplane.InstanceSeed{ID: "2", SpecID: "c.4c8g", Charge: vmplane.ChargePrepaid, Period: 1})
	f.Fuzz(func(t *testing.T, action string, body []byte) {
		var resp json.RawMessage
		err := c.apiCall(action, rawBody(body), &resp)
		var e *sdkError
		switch {
		case err == nil:
			var ok struct {
				RequestId string          `json:"requestId"`
				Response  json.RawMessage `json:"response"`
			}
			if json.Unmarshal(resp, &ok) != nil || ok.RequestId == "" || len(ok.Response) < 2 || ok.Response[0] != '{' {
				t.Fatalf("%s %q: a 200 without a response: %s", action, body, resp)
			}
		case errors.As(err, &e):
			if e.Status < 400 || e.Status > 499 || e.Code == "" || e.Code == "JSON_PARSE_FAILED" || e.RequestId == "" {
				t.Fatalf("%s %q: %d %v", action, body, e.Status, err)
			}
		default:
			t.Fatalf("%s %q: %v", action, body, err)
		}
	})
}
