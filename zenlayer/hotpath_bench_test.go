package zenlayer

import (
	"bytes"
	"context"
	"crypto/hmac"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vmplane/vmplane"
	"github.com/vmplane/vmplane/clock"
	"github.com/vmplane/vmplane/sim"
	"github.com/vmplane/vmplane/sqlite"
)

// The hot paths of every call, measured alone: the signature check and the
// encoding of a page of instances.

func BenchmarkVerifySignature(b *testing.B) {
	body := []byte(`{"pageSize":10,"pageNum":1}`)
	r := httptest.NewRequest(http.MethodPost, "http://console.zenlayer.com/api/v2/vm", bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	Sign(r, body, "AK", "SK", time.Unix(1673361177, 0))
	b.ReportAllocs()
	for b.Loop() {
		c, err := parseAuthorization(r.Header.Get("Authorization"))
		if err != nil {
			b.Fatal(err)
		}
		values := make([]string, len(c.signedHeaders))
		for i, name := range c.signedHeaders {
			if name == "host" {
				values[i] = strings.TrimSpace(r.Host)
			} else {
				values[i] = strings.TrimSpace(r.Header.Get(name))
			}
		}
		if !hmac.Equal(c.signature, signature("SK", r.Header.Get("X-Zc-Timestamp"), canonicalRequest(c.signedHeaders, values, body))) {
			b.Fatal("signature refused")
		}
	}
}

func BenchmarkEncodeInstancePage(b *testing.B) {
	db, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "vmplane.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	svc, err := vmplane.Open(context.Background(), vmplane.Config{Store: db, Driver: sim.New(), Clock: clock.NewFrozen(time.Unix(1750000000, 0)), Clouds: Clouds()})
	if err != nil {
		b.Fatal(err)
	}
	defer svc.Close()
	seeds := make([]vmplane.InstanceSeed, 10)
	for i := range seeds {
		seeds[i] = vmplane.InstanceSeed{Cloud: CloudName, SpecID: "c.1c2g", Zone: "SEL-A"}
	}
	page, err := svc.SeedInstances(context.Background(), seeds)
	if err != nil {
		b.Fatal(err)
	}
	h := &Handler{svc: svc}
	now := svc.Now()
	b.ReportAllocs()
	for b.Loop() {
		resp := &describeInstancesResponse{TotalCount: 100_000, DataSet: make([]instanceInfo, len(page))}
		for i := range page {
			resp.DataSet[i] = h.instanceInfo(&page[i], now)
		}
		w := httptest.NewRecorder()
		writeJSON(w, http.StatusOK, resp)
		b.SetBytes(int64(w.Body.Len()))
	}
}
