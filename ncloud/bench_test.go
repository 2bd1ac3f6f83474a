package ncloud_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/vmplane/vmplane"
	"github.com/vmplane/vmplane/vmplanetest"
)

func benchServer(b *testing.B, n int) *vmplanetest.Server {
	b.Helper()
	srv := vmplanetest.NewServer(b, vmplanetest.Options{WallClock: func() time.Time { return wall }, NoListener: true})
	seeds := make([]vmplane.InstanceSeed, n)
	for i := range seeds {
		seeds[i] = vmplane.InstanceSeed{Cloud: "ncloud", Name: fmt.Sprintf("web-%d", i), SpecID: "s2-g3", ImageID: "104630229"}
	}
	if _, err := srv.Service.SeedInstances(context.Background(), seeds); err != nil {
		b.Fatal(err)
	}
	return srv
}

// BenchmarkListPage lists a page of 100 of 2,000 servers in NCP's default
// order, as JSON: what a client paging through its servers costs.
func BenchmarkListPage(b *testing.B) {
	srv := benchServer(b, 2000)
	benchGet(b, srv, "/vserver/v2/getServerInstanceList?regionCode=KR&pageNo=3&pageSize=100&responseFormatType=json")
}

// BenchmarkListPageByName is BenchmarkListPage sorted by name, and filtered
// by status: every server is looked at.
func BenchmarkListPageByName(b *testing.B) {
	srv := benchServer(b, 2000)
	benchGet(b, srv, "/vserver/v2/getServerInstanceList?regionCode=KR&serverInstanceStatusCode=RUN&sortedBy=serverName&pageNo=3&pageSize=100&responseFormatType=json")
}

// BenchmarkStop accepts a stop: signature check, parameters, the core's
// commit, and the answer.
func BenchmarkStop(b *testing.B) {
	srv := benchServer(b, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		target := fmt.Sprintf("/vserver/v2/stopServerInstances?serverInstanceNoList.1=%d&responseFormatType=json", 20_000_001+i)
		if res, body := send(b, srv, http.MethodGet, target, "", nil); res.StatusCode != http.StatusOK {
			b.Fatalf("%s: %s", res.Status, body)
		}
	}
}

// BenchmarkDetail answers one server, the call every waiter polls.
func BenchmarkDetail(b *testing.B) {
	srv := benchServer(b, 100)
	benchGet(b, srv, "/vserver/v2/getServerInstanceDetail?serverInstanceNo=20000050&responseFormatType=json")
}

func benchGet(b *testing.B, srv *vmplanetest.Server, target string) {
	b.ReportAllocs()
	for b.Loop() {
		if res, body := send(b, srv, http.MethodGet, target, "", nil); res.StatusCode != http.StatusOK {
			b.Fatalf("%s: %s", res.Status, body)
		}
	}
}
