package huawei_test

import (
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/signer"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/request"
	"github.com/vmplane/vmplane/huawei"
)

// Sign, which vmplane's own clients use, signs exactly as the official
// SDK's signer does.
func TestSignMatchesTheSDKSigner(t *testing.T) {
	at := time.Date(2026, 11, 23, 11, 33, 4, 0, time.UTC)
	cases := []struct {
		name, method, path, query, body string
	}{
		{"show server", "GET", "/v1/0123456789abcdef0123456789abcdef/cloudservers/srv-1", "", ""},
		{"list with a query", "GET", "/v1/p/cloudservers/detail", "limit=10&name=web%201&offset=2", ""},
		{"resize with a body", "POST", "/v1/p/cloudservers/srv-1/resize", "", `{"resize":{"flavorRef":"c6.xlarge.2"}}` + "\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := request.NewHttpRequestBuilder().WithEndpoint("http://127.0.0.1:8080").WithPath(c.path).WithMethod(c.method).
				AddHeaderParam("User-Agent", "huaweicloud-usdk-go/3.0").AddHeaderParam("X-Project-Id", "p").
				AddHeaderParam("Content-Type", "application/json").AddHeaderParam("X-Sdk-Date", at.Format("20060102T150405Z"))
			if c.body != "" {
				b = b.WithBody("application/json", c.body)
			}
			for kv := range strings.SplitSeq(c.query, "&") {
				if k, v, ok := strings.Cut(kv, "="); ok {
					v = strings.ReplaceAll(v, "%20", " ")
					b = b.AddQueryParam(k, reflect.ValueOf(v))
				}
			}
			want, err := signer.Sign(b.Build(), "AK", "SK")
			if err != nil {
				t.Fatal(err)
			}

			uri := "http://127.0.0.1:8080" + c.path
			if c.query != "" {
				uri += "?" + c.query
			}
			r, _ := http.NewRequest(c.method, uri, strings.NewReader(c.body))
			r.Header.Set("User-Agent", "huaweicloud-usdk-go/3.0")
			r.Header.Set("X-Project-Id", "p")
			r.Header.Set("Content-Type", "application/json")
			huawei.Sign(r, []byte(c.body), "AK", "SK", at)
			if got := r.Header.Get("Authorization"); got != want["Authorization"] {
				t.Errorf("Authorization\n got %s\nwant %s", got, want["Authorization"])
			}
			if got := r.Header.Get("X-Sdk-Date"); got != want["X-Sdk-Date"] {
				t.Errorf("X-Sdk-Date %s, want %s", got, want["X-Sdk-Date"])
			}
		})
	}
}
