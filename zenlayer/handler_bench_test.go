package zenlayer_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/vmplane/vmplane/vmplanetest"
	"github.com/vmplane/vmplane/zenlayer"
)

// BenchmarkDescribeInstancesOf100k measures a whole call, signature to
// last byte, in memory: a page of 10 of 100,000 instances, as the load
// tool's zenlayer-describe asks for it over a socket.
func BenchmarkDescribeInstancesOf100k(b *testing.B) {
	srv := vmplanetest.NewServer(b, vmplanetest.Options{NoListener: true})
	const n = 100_000
	srv.SeedRunning("zenlayer", "c.1c2g", "SEL-A", n)
	h := srv.Handler()
	b.ReportAllocs()
	page := 0
	for b.Loop() {
		page = (page + 7919) % (n / 10)
		body := []byte(`{"pageSize":10,"pageNum":` + strconv.Itoa(page+1) + `}`)
		r := httptest.NewRequest(http.MethodPost, "http://console.zenlayer.com/api/v2/vm", bytes.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		r.Header.Set("X-Zc-Action", "DescribeInstances")
		r.Header.Set("X-Zc-Version", "2023-03-13")
		r.Header.Set("X-Zc-Service", "vm")
		zenlayer.Sign(r, body, vmplanetest.AccessKey, vmplanetest.SecretKey, time.Now())
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			b.Fatalf("%d %s", w.Code, w.Body)
		}
	}
}
