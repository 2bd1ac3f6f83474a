package huawei

import (
	"crypto/hmac"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/vmplane/vmplane"
)

// The hot paths of every call, measured alone: the gateway's signature
// check and the encoding of a server.

func BenchmarkVerifySignature(b *testing.B) {
	at := time.Date(2026, 11, 23, 11, 33, 4, 0, time.UTC)
	r := httptest.NewRequest(http.MethodGet, "/v1/0123456789abcdef0123456789abcdef/cloudservers/srv-1", nil)
	r.Header.Set("User-Agent", "huaweicloud-usdk-go/3.0")
	r.Header.Set("X-Project-Id", "0123456789abcdef0123456789abcdef")
	r.Header.Set("Content-Type", "application/json")
	Sign(r, nil, "AK", "SK", at)
	b.ReportAllocs()
	for b.Loop() {
		auth, err := parseAuthorization(r.Header.Get("Authorization"))
		if err != nil {
			b.Fatal(err)
		}
		want := signature("SK", r.Header.Get("X-Sdk-Date"), canonicalRequest(r, nil, auth.SignedHeaders))
		if !hmac.Equal([]byte(want), []byte(auth.Signature)) {
			b.Fatal("signature refused")
		}
	}
}

func BenchmarkEncodeServer(b *testing.B) {
	cat := Clouds()[0].Catalog
	spec, zone := cat.Specs[0], cat.Zones[0]
	acct := &vmplane.Account{ID: "default", ProjectID: "0123456789abcdef0123456789abcdef"}
	in := &vmplane.Instance{ID: serverID(1), Seq: 1, Cloud: cloudName, Account: acct.ID, Name: "web-1",
		SpecID: spec.ID, VCPU: spec.VCPU, MemoryMiB: spec.MemoryMiB, Zone: zone.ID, Region: zone.Region,
		Charge: vmplane.ChargePayPerUse, Power: vmplane.PowerRunning, CreatedAt: time.Unix(1750000000, 0), LaunchedAt: time.Unix(1750000000, 0)}
	now := time.Unix(1760000000, 0)
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		writeBody(w, http.StatusOK, struct {
			Server serverDetail `json:"server"`
		}{detailOf(in, acct, cat, now)})
		b.SetBytes(int64(w.Body.Len()))
	}
}
