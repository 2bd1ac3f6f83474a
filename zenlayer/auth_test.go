package zenlayer_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/vmplane/vmplane"
	"github.com/vmplane/vmplane/vmplanetest"
)

// TestTheDocumentedRequestIsAccepted sends the signing documentation's
// example request byte for byte, with its keys, host and timestamp.
func TestTheDocumentedRequestIsAccepted(t *testing.T) {
	srv := vmplanetest.NewServer(t, vmplanetest.Options{NoListener: true, WallClock: func() time.Time { return time.Unix(1673361177, 0) }})
	_, err := srv.Service.CreateAccount(context.Background(), vmplane.AccountCreate{ID: "docs",
		Keys: []vmplane.Key{{AccessKey: "0D9UtpyKYcHxms5v", SecretKey: "Gu5t9xGARNpq86cd98joQYCN3"}}})
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("POST", "https://console.zenlayer.com/api/v2/vm", strings.NewReader(`{"pageSize":10,"pageNum":1,"zoneId":"HKG-A"}`))
	req.Header.Set("Authorization", "ZC2-HMAC-SHA256 Credential=0D9UtpyKYcHxms5v, SignedHeaders=content-type;host, Signature=efb356c32e55c781e10dc676da59462c22596d82e91c57803666243379555b2f")
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("X-ZC-Timestamp", "1673361177")
	req.Header.Set("X-ZC-Version", "2023-03-13")
	req.Header.Set("X-ZC-Action", "DescribeInstances")
	req.Header.Set("X-ZC-Signature-Method", "ZC2-HMAC-SHA256")
	resp, err := srv.HTTPClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"totalCount":0,"dataSet":[]`) {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
}

// TestBadCredentialsAreRefused: every way a signature can be wrong gets a
// 401 in Zenlayer's envelope, and small clock skew does not.
func TestBadCredentialsAreRefused(t *testing.T) {
	now := time.Date(2025, 6, 11, 8, 0, 0, 0, time.UTC)
	srv := vmplanetest.NewServer(t, vmplanetest.Options{WallClock: func() time.Time { return now }})
	domain := strings.TrimPrefix(srv.URL(), "http://")
	setHeader := func(k, v string) func(*http.Request) { return func(r *http.Request) { r.Header.Set(k, v) } }
	editAuth := func(old, new string) func(*http.Request) {
		return func(r *http.Request) {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), old, new, 1))
		}
	}
	for _, tc := range []struct {
		name   string
		client func(c *sdkClient)
		code   string // "" = accepted
	}{
		{"a signed request", func(c *sdkClient) {}, ""},
		{"a clock 299 s slow", func(c *sdkClient) { c.now = func() time.Time { return now.Add(-299 * time.Second) } }, ""},
		{"a clock 299 s fast", func(c *sdkClient) { c.now = func() time.Time { return now.Add(299 * time.Second) } }, ""},
		{"a bearer token", func(c *sdkClient) { c.token = vmplanetest.AccessKey + ":" + vmplanetest.SecretKey }, ""},
		{"header values lower-cased before signing", func(c *sdkClient) {
			c.edit = setHeader("Content-Type", "Application/JSON")
		}, ""},
		{"no Authorization", func(c *sdkClient) { c.edit = func(r *http.Request) { delete(r.Header, "Authorization") } }, "INVALID_AUTHORIZATION"},
		{"another scheme", func(c *sdkClient) { c.edit = setHeader("Authorization", "Basic dXNlcjpwYXNz") }, "INVALID_AUTHORIZATION"},
		{"no signature", func(c *sdkClient) { c.edit = editAuth(", Signature=", ", Sig=") }, "INVALID_AUTHORIZATION"},
		{"host not signed", func(c *sdkClient) { c.edit = editAuth("content-type;host", "content-type") }, "INVALID_AUTHORIZATION"},
		{"a signature that is not hex", func(c *sdkClient) { c.edit = editAuth("Signature=", "Signature=zz") }, "INVALID_AUTHORIZATION"},
		{"an unknown access key", func(c *sdkClient) { c.secretKeyID = "NOSUCHKEY" }, "INVALID_ACCESS_KEY_NOT_FOUND"},
		{"a wrong secret", func(c *sdkClient) { c.secretKeyPass = "wrong" }, "INVALID_SIGNATURE"},
		{"a body changed after signing", func(c *sdkClient) {
			c.edit = func(r *http.Request) {
				r.Body, r.ContentLength = io.NopCloser(strings.NewReader(`{"pageSize":11}`)), 15
			}
		}, "INVALID_SIGNATURE"},
		{"a signature for another host", func(c *sdkClient) { c.edit = func(r *http.Request) { r.Host = "console.zenlayer.com" } }, "INVALID_SIGNATURE"},
		{"a timestamp changed after signing", func(c *sdkClient) {
			c.edit = setHeader("X-ZC-Timestamp", "1749628801")
		}, "INVALID_SIGNATURE"},
		{"a clock 301 s slow", func(c *sdkClient) { c.now = func() time.Time { return now.Add(-301 * time.Second) } }, "INVALID_TIMESTAMP"},
		{"a clock 301 s fast", func(c *sdkClient) { c.now = func() time.Time { return now.Add(301 * time.Second) } }, "INVALID_TIMESTAMP"},
		{"no timestamp", func(c *sdkClient) { c.edit = func(r *http.Request) { delete(r.Header, "x-zc-timestamp") } }, "INVALID_TIMESTAMP"},
		{"a timestamp in milliseconds", func(c *sdkClient) { c.edit = setHeader("x-zc-timestamp", "1749628800000") }, "INVALID_TIMESTAMP"},
		{"a wrong bearer token", func(c *sdkClient) { c.token = vmplanetest.AccessKey + ":wrong" }, "INVALID_ACCESS_KEY_NOT_FOUND"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &sdkClient{config: sdkConfig{Domain: domain, Scheme: "http"}, secretKeyID: vmplanetest.AccessKey,
				secretKeyPass: vmplanetest.SecretKey, httpClient: srv.HTTPClient(), now: func() time.Time { return now }}
			tc.client(c)
			var resp DescribeInstancesResponse
			err := c.apiCall("DescribeInstances", &DescribeInstancesRequest{PageSize: 10}, &resp)
			if tc.code == "" {
				if err != nil || resp.Response == nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			wantError(t, err, 401, tc.code)
		})
	}
}
