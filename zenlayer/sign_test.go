package zenlayer

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"testing"
	"time"
)

// TestSignatureMatchesTheDocumentedVector reproduces the signature of the
// example request in Zenlayer's signing documentation.
func TestSignatureMatchesTheDocumentedVector(t *testing.T) {
	body := []byte(`{"pageSize":10,"pageNum":1,"zoneId":"HKG-A"}`)
	if sum := sha256.Sum256(body); hex.EncodeToString(sum[:]) != "5f714687ba91c606d503467766151206392474accd137ffea6dce2420b67c29a" {
		t.Fatalf("payload hash %x", sum)
	}
	for _, tc := range []struct{ contentType, want string }{
		{"application/json; charset=utf-8", "efb356c32e55c781e10dc676da59462c22596d82e91c57803666243379555b2f"},
		{"application/json", "9fdd5117d611874c57b6514c5265c94aee7b716f33906836f9ebda1b56cbc119"},
	} {
		canonical := canonicalRequest([]string{"content-type", "host"}, []string{tc.contentType, "console.zenlayer.com"}, body)
		got := hex.EncodeToString(signature("Gu5t9xGARNpq86cd98joQYCN3", "1673361177", canonical))
		if got != tc.want {
			t.Errorf("content-type %q: signature %s, want %s", tc.contentType, got, tc.want)
		}
	}
}

// Sign, which vmplane's own clients use, makes the documented example's
// headers from its request.
func TestSignMakesTheDocumentedExample(t *testing.T) {
	body := []byte(`{"pageSize":10,"pageNum":1,"zoneId":"HKG-A"}`)
	r, _ := http.NewRequest("POST", "https://console.zenlayer.com/api/v2/vm", bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json; charset=utf-8")
	Sign(r, body, "0D9UtpyKYcHxms5v", "Gu5t9xGARNpq86cd98joQYCN3", time.Unix(1673361177, 0))
	want := "ZC2-HMAC-SHA256 Credential=0D9UtpyKYcHxms5v, SignedHeaders=content-type;host, " +
		"Signature=efb356c32e55c781e10dc676da59462c22596d82e91c57803666243379555b2f"
	if got := r.Header.Get("Authorization"); got != want {
		t.Errorf("Authorization\n got %s\nwant %s", got, want)
	}
	if ts, m := r.Header.Get("X-ZC-Timestamp"), r.Header.Get("X-ZC-Signature-Method"); ts != "1673361177" || m != "ZC2-HMAC-SHA256" {
		t.Errorf("X-ZC-Timestamp %q, X-ZC-Signature-Method %q", ts, m)
	}
}
