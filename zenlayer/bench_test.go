package zenlayer_test

import (
	"testing"
	"time"

	"github.com/vmplane/vmplane"
	"github.com/vmplane/vmplane/vmplanetest"
)

// BenchmarkDescribeInstances lists a page of 100 out of 1000 instances, a
// signed request served in memory.
func BenchmarkDescribeInstances(b *testing.B) {
	srv, c := newClient(b, vmplanetest.Options{NoListener: true})
	seeds := make([]vmplane.InstanceSeed, 1000)
	for i := range seeds {
		seeds[i] = vmplane.InstanceSeed{SpecID: "c.1c2g", Zone: "SEL-A"}
	}
	seed(b, srv, seeds...)
	req := &DescribeInstancesRequest{PageSize: 100, PageNum: 3}
	for b.Loop() {
		var resp DescribeInstancesResponse
		c.must(b, "DescribeInstances", req, &resp)
		if len(resp.Response.DataSet) != 100 {
			b.Fatalf("%d instances", len(resp.Response.DataSet))
		}
	}
}

// BenchmarkFilteredDescribeInstances filters 1000 instances by status and
// name prefix, which renders every instance's status.
func BenchmarkFilteredDescribeInstances(b *testing.B) {
	srv, c := newClient(b, vmplanetest.Options{NoListener: true})
	seeds := make([]vmplane.InstanceSeed, 1000)
	for i := range seeds {
		seeds[i] = vmplane.InstanceSeed{SpecID: "c.1c2g", Zone: "SEL-A", Power: vmplane.PowerStopped}
	}
	seed(b, srv, seeds...)
	req := &DescribeInstancesRequest{InstanceStatus: "STOPPED", InstanceName: "seed-1*", PageSize: 20}
	for b.Loop() {
		c.must(b, "DescribeInstances", req, &DescribeInstancesResponse{})
	}
}

// BenchmarkStartStop accepts a stop and a start of one instance: signing,
// decoding, the core's commit and the response.
func BenchmarkStartStop(b *testing.B) {
	srv, c := newClient(b, vmplanetest.Options{NoListener: true})
	id := seed(b, srv, vmplane.InstanceSeed{SpecID: "c.1c2g"})[0].ID
	for b.Loop() {
		c.must(b, "StopInstances", &StopInstancesRequest{InstanceIds: []string{id}}, &RequestIdResponse{})
		srv.Advance(3 * time.Second)
		c.must(b, "StartInstances", &InstanceIdsRequest{InstanceIds: []string{id}}, &RequestIdResponse{})
		srv.Advance(3 * time.Second)
	}
}
