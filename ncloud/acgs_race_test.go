package ncloud_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vmplane/vmplane/vmplanetest"
)

// Rules added to one ACG by clients at the same moment (Terraform applies
// rule resources in parallel) are all kept: none is lost to another's
// write.
func TestConcurrentACGRuleAdditionsAreAllKept(t *testing.T) {
	srv := vmplanetest.NewServer(t, vmplanetest.Options{WallClock: func() time.Time { return wall }})
	createACG(t, srv)
	const n = 10
	var wg sync.WaitGroup
	var codes [n]int
	for i := range n {
		wg.Go(func() {
			res, _ := send(t, srv, http.MethodGet, fmt.Sprintf("/vserver/v2/addAccessControlGroupInboundRule?vpcNo=10375&accessControlGroupNo=20000001"+
				"&accessControlGroupRuleList.1.protocolTypeCode=TCP&accessControlGroupRuleList.1.ipBlock=0.0.0.0%%2F0&accessControlGroupRuleList.1.portRange=%d", 8000+i), "", nil)
			codes[i] = res.StatusCode
		})
	}
	wg.Wait()
	for i, code := range codes {
		if code != http.StatusOK {
			t.Fatalf("addition %d answered %d", i, code)
		}
	}
	_, body := send(t, srv, http.MethodGet, "/vserver/v2/getAccessControlGroupRuleList?vpcNo=10375&accessControlGroupNo=20000001&responseFormatType=json", "", nil)
	for i := range n {
		if !strings.Contains(string(body), fmt.Sprintf(`"%d"`, 8000+i)) {
			t.Errorf("the rule for port %d was lost: %s", 8000+i, body)
		}
	}
}
