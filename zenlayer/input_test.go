package zenlayer_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/vmplane/vmplane/vmplanetest"
)

// TestBadInputGetsTheErrorEnvelope: malformed bodies, wrong types, unknown
// actions and versions, other methods and paths all get Zenlayer's error
// envelope with a 4xx, which the SDK turns into an error.
func TestBadInputGetsTheErrorEnvelope(t *testing.T) {
	srv, c := newClient(t, vmplanetest.Options{})
	for _, tc := range []struct {
		name, action, version string
		body                  string
		status                int
		code                  string
	}{
		{"JSON cut short", "DescribeInstances", "", `{"instanceIds": [`, 400, "INVALID_REQUEST_BODY"},
		{"not JSON", "DescribeInstances", "", `instanceIds=1`, 400, "INVALID_REQUEST_BODY"},
		{"an array body", "DescribeInstances", "", `[]`, 400, "INVALID_REQUEST_BODY"},
		{"trailing garbage", "DescribeInstances", "", `{} {}`, 400, "INVALID_REQUEST_BODY"},
		{"a string for a list", "DescribeInstances", "", `{"instanceIds": "1"}`, 400, "INVALID_PARAMETER_TYPE"},
		{"a number in a list of strings", "StartInstances", "", `{"instanceIds": [1]}`, 400, "INVALID_PARAMETER_TYPE"},
		{"a fraction for an integer", "DescribeInstances", "", `{"pageSize": 1.5}`, 400, "INVALID_PARAMETER_TYPE"},
		{"an integer too large", "DescribeInstances", "", `{"pageNum": 1e30}`, 400, "INVALID_PARAMETER_TYPE"},
		{"a string for a nested integer", "CreateInstances", "", `{"instanceChargePrepaid": {"period": "1"}}`, 400, "INVALID_PARAMETER_TYPE"},
		{"a string for a boolean", "StopInstances", "", `{"instanceIds": ["1"], "forceShutdown": "yes"}`, 400, "INVALID_PARAMETER_TYPE"},
		{"a negative page size", "DescribeInstancesStatus", "", `{"pageSize": -1}`, 400, "INVALID_PARAMETER_VALUE"},
		{"a missing field", "ModifyInstanceType", "", `{"instanceTypeId": "c.2c4g"}`, 400, "MISSING_PARAMETER"},
		{"an unknown action", "DescribeEverything", "", `{}`, 404, "INVALID_ACTION_NOT_FOUND"},
		{"an action in the wrong case", "describeInstances", "", `{}`, 404, "INVALID_ACTION_NOT_FOUND"},
		{"no action", "", "", `{}`, 400, "MISSING_PARAMETER"},
		{"an unknown version", "DescribeInstances", "2020-01-01", `{}`, 400, "INVALID_API_VERSION"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c.version = tc.version
			defer func() { c.version = "" }()
			err := c.apiCall(tc.action, rawBody(tc.body), &DescribeInstancesResponse{})
			wantError(t, err, tc.status, tc.code)
			if strings.Contains(err.Error(), "Message=,") {
				t.Fatalf("no message: %v", err)
			}
		})
	}

	t.Run("an empty body and unknown fields are fine", func(t *testing.T) {
		for _, body := range []string{``, `{"someFutureParameter": {"x": 1}, "pageSize": 5}`, `null`} {
			var resp DescribeInstancesResponse
			if err := c.apiCall("DescribeInstances", rawBody(body), &resp); err != nil || resp.Response == nil || len(resp.Response.DataSet) != 0 {
				t.Fatalf("body %q: %v %+v", body, err, resp.Response)
			}
		}
	})

	t.Run("the 2026-04-01 version", func(t *testing.T) {
		c.version = "2026-04-01"
		defer func() { c.version = "" }()
		c.must(t, "DescribeZones", &DescribeZonesRequest{}, &DescribeZonesResponse{})
	})

	// Checked before the signature: no client can get these right by signing.
	for _, tc := range []struct {
		name, method, path string
		body               string
		status             int
		code               string
	}{
		{"GET", "GET", "/api/v2/vm", "", 405, "INVALID_HTTP_METHOD"},
		{"another service", "POST", "/api/v2/bmc", "{}", 404, "INVALID_SERVICE_NOT_FOUND"},
		{"a path below vm", "POST", "/api/v2/vm/DescribeInstances", "{}", 404, "INVALID_SERVICE_NOT_FOUND"},
		{"a body over 1 MiB", "POST", "/api/v2/vm", `{"initScript":"` + strings.Repeat("x", 1<<20) + `"}`, 413, "INVALID_REQUEST_BODY"},
		{"no credentials", "POST", "/api/v2/vm", "{}", 401, "INVALID_AUTHORIZATION"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(tc.method, srv.URL()+tc.path, strings.NewReader(tc.body))
			resp, err := srv.HTTPClient().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			data, _ := io.ReadAll(resp.Body)
			var env struct{ RequestId, Code, Message string }
			if err := json.Unmarshal(data, &env); err != nil || resp.StatusCode != tc.status || env.Code != tc.code || env.RequestId == "" {
				t.Fatalf("%d %s, want %d %s", resp.StatusCode, data, tc.status, tc.code)
			}
		})
	}
}
