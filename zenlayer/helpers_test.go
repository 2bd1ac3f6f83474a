package zenlayer_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/vmplane/vmplane"
	"github.com/vmplane/vmplane/vmplanetest"
)

// newClient starts a test server and returns an SDK client pointed at it the
// way a user would: Domain and Scheme overridden, nothing else.
func newClient(t testing.TB, opts vmplanetest.Options) (*vmplanetest.Server, *sdkClient) {
	t.Helper()
	srv := vmplanetest.NewServer(t, opts)
	domain := strings.TrimPrefix(srv.URL(), "http://")
	if opts.NoListener {
		domain = "console.zenlayer.com"
	}
	return srv, &sdkClient{
		config:      sdkConfig{Domain: domain, Scheme: "http"},
		secretKeyID: vmplanetest.AccessKey, secretKeyPass: vmplanetest.SecretKey,
		httpClient: srv.HTTPClient(),
	}
}

// must calls an action and fails the test on any error.
func (c *sdkClient) must(t testing.TB, action string, req, resp any) {
	t.Helper()
	if err := c.apiCall(action, req, resp); err != nil {
		t.Fatalf("%s: %v", action, err)
	}
}

// wantError checks that err is the SDK error a client would get for a
// refusal with this HTTP status and code.
func wantError(t testing.TB, err error, status int, code string) {
	t.Helper()
	var e *sdkError
	if !errors.As(err, &e) {
		t.Fatalf("got %v, want error %d %s", err, status, code)
	}
	if e.Status != status || e.Code != code {
		t.Fatalf("got %d %s (%s), want %d %s", e.Status, e.Code, e.Message, status, code)
	}
	if !strings.HasPrefix(e.RequestId, "T") || len(e.RequestId) != 37 {
		t.Fatalf("request id %q is not T + UUID", e.RequestId)
	}
}

// seed places zenlayer instances of the default account in any state.
func seed(t testing.TB, srv *vmplanetest.Server, seeds ...vmplane.InstanceSeed) []vmplane.Instance {
	t.Helper()
	for i := range seeds {
		seeds[i].Cloud = "zenlayer"
	}
	list, err := srv.Service.SeedInstances(context.Background(), seeds)
	if err != nil {
		t.Fatalf("seed: %v", err)
	}
	return list
}

// describe returns one instance as DescribeInstances shows it, or nil.
func describe(t testing.TB, c *sdkClient, id string) *InstanceInfo {
	t.Helper()
	var resp DescribeInstancesResponse
	c.must(t, "DescribeInstances", &DescribeInstancesRequest{InstanceIds: []string{id}}, &resp)
	if resp.Response == nil {
		t.Fatalf("DescribeInstances: no response")
	}
	switch len(resp.Response.DataSet) {
	case 0:
		return nil
	case 1:
		return resp.Response.DataSet[0]
	}
	t.Fatalf("DescribeInstances %s: %d instances", id, len(resp.Response.DataSet))
	return nil
}

// status returns an instance's instanceStatus, or "" when it is gone.
func status(t testing.TB, c *sdkClient, id string) string {
	t.Helper()
	if in := describe(t, c, id); in != nil {
		return in.InstanceStatus
	}
	return ""
}

// typeStatus returns DescribeInstanceTypeStatus for an instance.
func typeStatus(t testing.TB, c *sdkClient, id string) *DescribeInstanceTypeStatusResponseParams {
	t.Helper()
	var resp DescribeInstanceTypeStatusResponse
	c.must(t, "DescribeInstanceTypeStatus", &InstanceIdRequest{InstanceId: id}, &resp)
	return resp.Response
}

func ptr[T any](v T) *T { return &v }
