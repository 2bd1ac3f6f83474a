package huawei

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/signer"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/request"
)

func TestParseAuthorization(t *testing.T) {
	tests := []struct {
		header string
		want   authorization
		ok     bool
	}{
		{"SDK-HMAC-SHA256 Access=AK1, SignedHeaders=user-agent;x-project-id;x-sdk-date, Signature=abc",
			authorization{"AK1", []string{"user-agent", "x-project-id", "x-sdk-date"}, "abc"}, true},
		{"SDK-HMAC-SHA256 Access=AK1,SignedHeaders=Host;X-Sdk-Date,Signature=abc", // other SDKs' spacing and case
			authorization{"AK1", []string{"host", "x-sdk-date"}, "abc"}, true},
		{"SDK-HMAC-SM3 Access=AK1, SignedHeaders=x-sdk-date, Signature=abc", authorization{}, false},
		{"SDK-HMAC-SHA256 Access=AK1, SignedHeaders=x-sdk-date", authorization{}, false},
		{"SDK-HMAC-SHA256 Access=, SignedHeaders=x-sdk-date, Signature=abc", authorization{}, false},
		{"SDK-HMAC-SHA256 Access=AK1, SignedHeaders=x-sdk-date;;host, Signature=abc", authorization{}, false},
		{"SDK-HMAC-SHA256 Access=AK1, garbage, Signature=abc", authorization{}, false},
		// A header named twice, or more than a client signs: each would
		// put the header's values in the canonical request again.
		{"SDK-HMAC-SHA256 Access=AK1, SignedHeaders=x-a;x-sdk-date;x-a, Signature=abc", authorization{}, false},
		{"SDK-HMAC-SHA256 Access=AK1, SignedHeaders=" + manyHeaders(65) + ", Signature=abc", authorization{}, false},
		{"", authorization{}, false},
	}
	for _, tt := range tests {
		got, err := parseAuthorization(tt.header)
		if (err == nil) != tt.ok || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("parseAuthorization(%q) = %+v, %v; want %+v, ok %v", tt.header, got, err, tt.want, tt.ok)
		}
	}
}

// The signature vmplane computes is the one the SDK's own signer computes,
// for paths, queries and bodies that need escaping.
func TestSignatureMatchesSDKSigner(t *testing.T) {
	tests := []struct {
		method, path string
		query        map[string]string
		body         string
	}{
		{"GET", "/v1/p1/cloudservers/detail", map[string]string{"limit": "2", "offset": "1", "not-tags": "__type_baremetal"}, ""},
		{"GET", "/v1/p1/cloudservers/resize_flavors", map[string]string{"instance_uuid": "srv 1/x", "sort_key": "name~", "empty": ""}, ""},
		{"POST", "/v1/p1/cloudservers/srv1/resize", nil, `{"resize":{"flavorRef":"c6.xlarge.2","mode":"withStopServer"},"dry_run":true}` + "\n"},
		{"POST", "/v1.1/p1/cloudservers/a b+c/resize", nil, `{"resize":{"flavorRef":"ü"}}`},
		{"GET", "/v3/projects", map[string]string{"name": "cn-north-4"}, ""},
	}
	for _, tt := range tests {
		b := request.NewHttpRequestBuilder().WithEndpoint("http://127.0.0.1:8080").WithPath(tt.path).WithMethod(tt.method).
			AddHeaderParam("User-Agent", "huaweicloud-usdk-go/3.0  ").AddHeaderParam("X-Project-Id", "p1").
			AddHeaderParam("Content-Type", "application/json").AddHeaderParam("X-Sdk-Date", "20250611T080014Z")
		for k, v := range tt.query {
			b.AddQueryParam(k, reflect.ValueOf(v))
		}
		if tt.body != "" {
			b.WithBody("body", tt.body)
		}
		sdkReq := b.Build()
		headers, err := signer.Sign(sdkReq, "AK1", "secret")
		if err != nil {
			t.Fatal(err)
		}
		auth, err := parseAuthorization(headers["Authorization"])
		if err != nil {
			t.Fatalf("%s: the SDK's header does not parse: %v", headers["Authorization"], err)
		}

		// The request as the SDK puts it on the wire, as a server reads it.
		sent, err := sdkReq.ConvertRequest()
		if err != nil {
			t.Fatal(err)
		}
		r := httptest.NewRequest(tt.method, sent.URL.String(), strings.NewReader(tt.body))
		r.Header = sent.Header
		if got := signature("secret", "20250611T080014Z", canonicalRequest(r, []byte(tt.body), auth.SignedHeaders)); got != auth.Signature {
			t.Errorf("%s %s: signature %s, the SDK's %s\ncanonical request:\n%s", tt.method, sent.URL, got, auth.Signature,
				canonicalRequest(r, []byte(tt.body), auth.SignedHeaders))
		}
		if !slices.Contains(auth.SignedHeaders, "x-sdk-date") || slices.Contains(auth.SignedHeaders, "content-type") {
			t.Errorf("the SDK signed %v", auth.SignedHeaders)
		}
	}
}

// A client that signs host (other SDKs do) is checked against the Host it
// sent, and an unsigned payload against the literal.
func TestCanonicalRequestHostAndUnsignedPayload(t *testing.T) {
	r, _ := http.NewRequest("PUT", "http://ecs.example:8080/v1/p/x?b=2&a=1&a=0", strings.NewReader("data"))
	r.Header.Set("X-Sdk-Date", "20250611T080014Z")
	r.Header.Set("X-Sdk-Content-Sha256", unsignedPayload)
	got := canonicalRequest(r, []byte("data"), []string{"host", "x-sdk-date"})
	want := "PUT\n/v1/p/x/\na=0&a=1&b=2\nhost:ecs.example:8080\nx-sdk-date:20250611T080014Z\n\nhost;x-sdk-date\nUNSIGNED-PAYLOAD"
	if got != want {
		t.Errorf("canonical request:\n%q\nwant\n%q", got, want)
	}
}

func TestEscape(t *testing.T) {
	for in, want := range map[string]string{"abc-_.~": "abc-_.~", "a b": "a%20b", "a/b": "a%2Fb", "é": "%C3%A9", "+=&": "%2B%3D%26"} {
		if got := escape(in); got != want {
			t.Errorf("escape(%q) = %q, want %q", in, got, want)
		}
	}
}

// manyHeaders lists n distinct header names for SignedHeaders.
func manyHeaders(n int) string {
	names := make([]string, n)
	for i := range names {
		names[i] = fmt.Sprintf("x-h%d", i)
	}
	return strings.Join(names, ";")
}
