package ncloud_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/vmplane/vmplane/ncloud"
	"github.com/vmplane/vmplane/vmplanetest"
)

// BenchmarkGetServerInstanceList measures a whole call, signature to last
// byte, in memory: a random page of 10 of 100,000 servers, as the load
// tool's ncp-list asks for it over a socket.
func BenchmarkGetServerInstanceList(b *testing.B) {
	srv := vmplanetest.NewServer(b, vmplanetest.Options{NoListener: true})
	const n = 100_000
	srv.SeedRunning("ncloud", "c2-g3", "KR-1", n)
	h := srv.Handler()
	for _, format := range []string{"json", "xml"} {
		b.Run(format, func(b *testing.B) {
			b.ReportAllocs()
			page := 0
			for b.Loop() {
				page = (page + 7919) % (n / 10)
				body := "responseFormatType=" + format + "&regionCode=KR&pageNo=" + itoa(page+1) + "&pageSize=10"
				r := httptest.NewRequest(http.MethodPost, "/vserver/v2/getServerInstanceList", strings.NewReader(body))
				r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				ncloud.Sign(r, vmplanetest.AccessKey, vmplanetest.SecretKey, time.Now())
				w := httptest.NewRecorder()
				h.ServeHTTP(w, r)
				if w.Code != http.StatusOK {
					b.Fatalf("%d %s", w.Code, w.Body)
				}
			}
		})
	}
}

func itoa(n int) string {
	var b []byte
	for {
		b = append([]byte{byte('0' + n%10)}, b...)
		if n /= 10; n == 0 {
			return string(b)
		}
	}
}
