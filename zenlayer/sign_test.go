package zenlayer

import (
	"crypto/sha256"
	"encoding/hex"
	"testing"
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
