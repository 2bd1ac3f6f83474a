package ncloud_test

import (
	"bytes"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/vmplane/vmplane/vmplanetest"
)

// FuzzHandler sends signed requests with any action, query string and form
// body. Whatever arrives, the answer is NCP's: a success, a responseError
// with a 4xx, or a gateway error; never a 500, a panic or a hang.
func FuzzHandler(f *testing.F) {
	f.Add("GET", "stopServerInstances", "serverInstanceNoList.1=20000001", "")
	f.Add("POST", "createServerInstances", "", "responseFormatType=json&vpcNo=1&subnetNo=2&networkInterfaceList.1.networkInterfaceOrder=0&networkInterfaceList.1.accessControlGroupNoList.1=3&serverImageNo=104630229")
	f.Add("POST", "changeServerInstanceSpec", "serverInstanceNo=20000001&serverProductCode=SPSVRSTAND000005", "")
	f.Add("GET", "getServerInstanceList", "pageNo=99999999999&pageSize=2147483647&sortedBy=SERVERNAME", "")
	f.Add("POST", "getSubnetDetail", "", "subnetNo=30136&responseFormatType=JSON")
	f.Add("POST", "getRootPassword", "", "serverInstanceNo=20000002&privateKey=-----BEGIN+RSA+PRIVATE+KEY-----%0AAAAA%0A-----END+RSA+PRIVATE+KEY-----")
	f.Add("GET", "addAccessControlGroupInboundRule", "vpcNo=10375&accessControlGroupNo=21375&accessControlGroupRuleList.1.protocolTypeCode=TCP&accessControlGroupRuleList.1.ipBlock=0.0.0.0/0&accessControlGroupRuleList.1.portRange=22", "")
	f.Add("GET", "createMemberServerImageInstance", "serverInstanceNo=20000002&memberServerImageName=img", "")
	f.Add("GET", "createPublicIpInstance", "serverInstanceNo=20000002", "")
	srv := vmplanetest.NewServer(f, vmplanetest.Options{WallClock: func() time.Time { return wall }, NoListener: true})
	post(f, srv, "/vserver/v2/createServerInstances", sdkCreateBody)
	f.Fuzz(func(t *testing.T, method, action, query, body string) {
		if method != http.MethodGet {
			method = http.MethodPost
		}
		for _, prefix := range []string{"/vserver/v2/", "/server/v2/", "/vpc/v2/"} {
			target := (&url.URL{Path: prefix + action, RawQuery: query}).RequestURI()
			if _, err := url.ParseRequestURI(target); err != nil {
				return
			}
			res, b := send(t, srv, method, target, body, nil)
			switch {
			case res.StatusCode >= 500:
				t.Fatalf("%s %s %q: %s\n%s", method, target, body, res.Status, b)
			case res.StatusCode >= 400 && !bytes.Contains(b, []byte("responseError")) && !bytes.HasPrefix(b, []byte(`{"error":{"errorCode"`)):
				t.Fatalf("%s %s %q: %s is not NCP's error\n%s", method, target, body, res.Status, b)
			case res.StatusCode == 200 && !bytes.Contains(b, []byte("Response")):
				t.Fatalf("%s %s: not a response: %s", method, target, b)
			}
		}
	})
}
