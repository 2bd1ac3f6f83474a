package ncloud

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"
)

// The test vectors of NCP's signing, computed with the official SDK.
func TestSignMatchesNCPTestVectors(t *testing.T) {
	tests := []struct {
		method, uri, ts, want string
	}{
		{"POST", "/vserver/v2/stopServerInstances", "1795433824018", "+JQem3IMjswkqoWuyPoSgar6H8g3g3UArk3pMjL7zvM="},
		{"GET", "/vserver/v2/getServerInstanceList?regionCode=KR&responseFormatType=json", "1700000000000", "Q75Nw8yuJ5Pc+zufkjNKILVG50F4zliuA8UkFOJMIiE="},
	}
	for _, tt := range tests {
		if got := sign("SK", tt.method, tt.uri, tt.ts, "AK"); got != tt.want {
			t.Errorf("sign(%s %s) = %s, want %s", tt.method, tt.uri, got, tt.want)
		}
	}
}

// Sign, which vmplane's own clients use, sends what the SDK sends for the
// test vector's request, and the gateway accepts it.
func TestSignSetsTheSDKHeaders(t *testing.T) {
	at := time.UnixMilli(1795433824018)
	r := httptest.NewRequest(http.MethodPost, "http://127.0.0.1:8080/vserver/v2/stopServerInstances", nil)
	Sign(r, "AK", "SK", at)
	if ts, ak, sig := r.Header.Get(hdrTimestamp), r.Header.Get(hdrAccessKey), r.Header.Get(hdrSigV1); ts != "1795433824018" || ak != "AK" ||
		sig != "+JQem3IMjswkqoWuyPoSgar6H8g3g3UArk3pMjL7zvM=" {
		t.Fatalf("timestamp %q, access key %q, signature %q", ts, ak, sig)
	}
	q := httptest.NewRequest(http.MethodGet, "http://127.0.0.1:8080/vserver/v2/getServerInstanceList?pageNo=2&pageSize=10", nil)
	Sign(q, "AK", "SK", at)
	c, err := requestCredentials(q)
	if err == nil {
		err = c.verify(q, "SK", at)
	}
	if err != nil {
		t.Fatalf("a request with a query, signed by Sign, is refused: %v", err)
	}
}

func TestVerifyAcceptsBothHeadersWithinFiveMinutes(t *testing.T) {
	now := time.UnixMilli(1795433824018)
	for _, tt := range []struct {
		name   string
		header string
		skew   time.Duration
		ok     bool
	}{
		{"v1 now", hdrSigV1, 0, true},
		{"v2 now", hdrSigV2, 0, true},
		{"v2 4m59s early", hdrSigV2, -4*time.Minute - 59*time.Second, true},
		{"v2 4m59s late", hdrSigV2, 4*time.Minute + 59*time.Second, true},
		{"v2 5m early", hdrSigV2, -5 * time.Minute, false},
		{"v1 5m late", hdrSigV1, 5 * time.Minute, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPost, "/vserver/v2/stopServerInstances", nil)
			ts := strconv.FormatInt(now.Add(tt.skew).UnixMilli(), 10)
			r.Header.Set(hdrTimestamp, ts)
			r.Header.Set(hdrAccessKey, "AK")
			r.Header.Set(tt.header, sign("SK", "POST", "/vserver/v2/stopServerInstances", ts, "AK"))
			c, err := requestCredentials(r)
			if err != nil {
				t.Fatal(err)
			}
			if err := c.verify(r, "SK", now); (err == nil) != tt.ok {
				t.Errorf("verify: %v, want ok=%v", err, tt.ok)
			}
		})
	}
}

// The signature covers the request URI exactly as sent: a client that
// signs without the query string, or with it re-encoded, is refused.
func TestVerifySignsTheRequestURIAsSent(t *testing.T) {
	now := time.UnixMilli(1700000000000)
	const sent = "/vserver/v2/getServerInstanceList?serverName=my+server%26x&regionCode=KR"
	for _, tt := range []struct {
		signed string
		ok     bool
	}{
		{sent, true},
		{"/vserver/v2/getServerInstanceList", false},
		{"/vserver/v2/getServerInstanceList?regionCode=KR&serverName=my+server%26x", false},
		{"/vserver/v2/getServerInstanceList?serverName=my%20server%26x&regionCode=KR", false},
	} {
		r := httptest.NewRequest(http.MethodGet, sent, nil)
		r.Header.Set(hdrTimestamp, "1700000000000")
		r.Header.Set(hdrAccessKey, "AK")
		r.Header.Set(hdrSigV2, sign("SK", "GET", tt.signed, "1700000000000", "AK"))
		c, _ := requestCredentials(r)
		if err := c.verify(r, "SK", now); (err == nil) != tt.ok {
			t.Errorf("signed %q: %v, want ok=%v", tt.signed, err, tt.ok)
		}
	}
}

func TestVerifyRefusesMalformedTimestamps(t *testing.T) {
	for _, ts := range []string{"abc", "1.7e12", "-", "99999999999999999999999"} {
		r := httptest.NewRequest(http.MethodGet, "/vserver/v2/getRegionList", nil)
		r.Header.Set(hdrTimestamp, ts)
		r.Header.Set(hdrAccessKey, "AK")
		r.Header.Set(hdrSigV2, sign("SK", "GET", "/vserver/v2/getRegionList", ts, "AK"))
		c, _ := requestCredentials(r)
		if err := c.verify(r, "SK", time.Now()); err != errBadAuth {
			t.Errorf("timestamp %q: %v, want %v", ts, err, errBadAuth)
		}
	}
}
