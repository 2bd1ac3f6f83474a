package ncloud

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/vmplane/vmplane"
)

// The hot paths of every call, measured alone: the gateway's signature
// check and the encoding of a page of servers.

func BenchmarkVerifySignature(b *testing.B) {
	at := time.UnixMilli(1795433824018)
	r := httptest.NewRequest(http.MethodPost, "/vserver/v2/getServerInstanceList", nil)
	Sign(r, "AK", "SK", at)
	b.ReportAllocs()
	for b.Loop() {
		c, err := requestCredentials(r)
		if err == nil {
			err = c.verify(r, "SK", at)
		}
		if err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncodeServerPage(b *testing.B) {
	cat := Clouds()[0].Catalog
	c := &call{api: &api{cloud: cloudVPC}, cat: cat}
	spec, zone := cat.Specs[0], cat.Zones[0]
	page := make([]*vmplane.Instance, 10)
	for i := range page {
		page[i] = &vmplane.Instance{ID: instanceNo(int64(i + 1)), Cloud: cloudVPC, Account: "default", Name: fmt.Sprintf("web-%d", i),
			SpecID: spec.ID, VCPU: spec.VCPU, MemoryMiB: spec.MemoryMiB, Zone: zone.ID, Region: zone.Region,
			Charge: vmplane.ChargePayPerUse, Power: vmplane.PowerRunning, CreatedAt: time.Unix(1750000000, 0), LaunchedAt: time.Unix(1750000000, 0)}
	}
	for _, f := range []struct {
		name string
		f    format
	}{{"json", formatJSON}, {"xml", formatXML}} {
		b.Run(f.name, func(b *testing.B) {
			var buf buffer
			b.ReportAllocs()
			for b.Loop() {
				c.slab = slabs.Get().(*slab) // as the handler lends it
				res := c.serverList(page, 100_000)
				buf = buf[:0]
				writeDoc(&buf, f.f, "getServerInstanceListResponse", c.envelope(f.f, "00000000-0000-4000-8000-000000000001", res))
				c.slab.release()
				b.SetBytes(int64(len(buf)))
			}
		})
	}
}
