package ncloud_test

import (
	"net/http"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/vmplane/vmplane"
	"github.com/vmplane/vmplane/vmplanetest"
)

var publicIPNo = regexp.MustCompile(`"publicIpInstanceNo": ?"(\d+)"`)

// Two clients associating one public IP with two servers at the same
// moment: exactly one wins and the IP is on that server alone; the other
// is refused. Twenty rounds, each with a new IP.
func TestPublicIPAssociationRaceHasOneWinner(t *testing.T) {
	srv := vmplanetest.NewServer(t, vmplanetest.Options{WallClock: func() time.Time { return wall }})
	seeded, err := srv.Service.SeedInstances(t.Context(), []vmplane.InstanceSeed{stoppedCI2, stoppedCI2})
	if err != nil {
		t.Fatal(err)
	}
	servers := []string{seeded[0].ID, seeded[1].ID}
	for round := range 20 {
		_, body := send(t, srv, http.MethodGet, "/vserver/v2/createPublicIpInstance?regionCode=KR&responseFormatType=json", "", nil)
		m := publicIPNo.FindSubmatch(body)
		if m == nil {
			t.Fatalf("createPublicIpInstance: %s", body)
		}
		ip := string(m[1])
		var wg sync.WaitGroup
		var codes [2]int
		for i, id := range servers {
			wg.Go(func() {
				res, _ := send(t, srv, http.MethodGet, "/vserver/v2/associatePublicIpWithServerInstance?publicIpInstanceNo="+ip+"&serverInstanceNo="+id+"&responseFormatType=json", "", nil)
				codes[i] = res.StatusCode
			})
		}
		wg.Wait()
		won := 0
		for _, code := range codes {
			if code == http.StatusOK {
				won++
			}
		}
		holders := 0
		for _, id := range servers {
			in, err := srv.Service.FindInstanceByID(t.Context(), vmplane.Scope{Cloud: "ncloud"}, id)
			if err != nil {
				t.Fatal(err)
			}
			if in.Attr("publicIpInstanceNo") != "" {
				holders++
			}
		}
		if won != 1 || holders != 1 {
			t.Fatalf("round %d: %d associations of one IP succeeded (%v) and %d servers hold it; want one of each", round, won, codes, holders)
		}
		get(t, srv, "/vserver/v2/disassociatePublicIpFromServerInstance?publicIpInstanceNo="+ip)
	}
}
