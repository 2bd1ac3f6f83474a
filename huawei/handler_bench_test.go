package huawei_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/vmplane/vmplane/huawei"
	"github.com/vmplane/vmplane/vmplanetest"
)

// BenchmarkShowServerOf100k measures a whole call, signature to last byte, in
// memory: ShowServer of one of 100,000 servers, as the load tool's
// huawei-show asks for it over a socket.
func BenchmarkShowServerOf100k(b *testing.B) {
	srv := vmplanetest.NewServer(b, vmplanetest.Options{NoListener: true})
	ids := srv.SeedRunning("huawei", "s6.small.1", "cn-north-4a", 100_000)
	h := srv.Handler()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i = (i + 7919) % len(ids)
		serveSigned(b, h, "/v1/"+vmplanetest.ProjectID+"/cloudservers/"+ids[i])
	}
}

// BenchmarkListServersDetailsOf100k measures a page of 25 of 100,000
// servers, newest first, as ListServersDetails' first page asks for it.
func BenchmarkListServersDetailsOf100k(b *testing.B) {
	srv := vmplanetest.NewServer(b, vmplanetest.Options{NoListener: true})
	srv.SeedRunning("huawei", "s6.small.1", "cn-north-4a", 100_000)
	h := srv.Handler()
	b.ReportAllocs()
	for b.Loop() {
		serveSigned(b, h, "/v1/"+vmplanetest.ProjectID+"/cloudservers/detail")
	}
}

// serveSigned sends h a GET of path signed as the SDK signs it, and
// expects a 200.
func serveSigned(b *testing.B, h http.Handler, path string) {
	b.Helper()
	r := httptest.NewRequest(http.MethodGet, path, nil)
	r.Header.Set("User-Agent", "huaweicloud-usdk-go/3.0")
	r.Header.Set("X-Project-Id", vmplanetest.ProjectID)
	r.Header.Set("Content-Type", "application/json")
	huawei.Sign(r, nil, vmplanetest.AccessKey, vmplanetest.SecretKey, time.Now())
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != http.StatusOK {
		b.Fatalf("%d %s", w.Code, w.Body)
	}
}
