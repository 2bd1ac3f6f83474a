package vmplane_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/vmplane/vmplane"
	"github.com/vmplane/vmplane/clock"
	"github.com/vmplane/vmplane/sim"
	"github.com/vmplane/vmplane/sqlite"
)

// The core's tests run it on a real SQLite store and a frozen virtual
// clock, with a made-up cloud whose catalog exercises every rule.
const testCloud = "test"

var epoch = time.Date(2025, 6, 11, 8, 0, 0, 0, time.UTC)

var defaultScope = vmplane.Scope{Cloud: testCloud, Account: vmplane.DefaultAccountID}

func testCatalog() *vmplane.Catalog {
	return &vmplane.Catalog{
		Regions: []vmplane.Region{{ID: "r1"}, {ID: "r2"}},
		Zones: []vmplane.Zone{{ID: "z1", Region: "r1"}, {ID: "z2", Region: "r1"}, {ID: "frozen", Region: "r1", NoResize: true},
			{ID: "far", Region: "r2"}},
		Specs: []vmplane.Spec{
			{ID: "small", VCPU: 1, MemoryMiB: 1024, ResizeGroup: "std", Price: 10},
			{ID: "medium", VCPU: 2, MemoryMiB: 4096, ResizeGroup: "std", Price: 20},
			{ID: "large", VCPU: 4, MemoryMiB: 8192, ResizeGroup: "std", Price: 40, Zones: []string{"z1", "frozen"}},
			{ID: "gpu", VCPU: 8, MemoryMiB: 65536, ResizeGroup: "gpu", Price: 500},
			{ID: "fixed", VCPU: 1, MemoryMiB: 512},
		},
		Images: []vmplane.Image{{ID: "debian-12"}, {ID: "ubuntu-24"}},
	}
}

type harness struct {
	t      testing.TB
	svc    *vmplane.Service
	db     *sqlite.DB
	clock  *clock.Virtual
	driver vmplane.Driver
	path   string
	wrap   func(vmplane.Store) vmplane.Store
}

type harnessOptions struct {
	driver vmplane.Driver
	// instant runs at time scale 0.
	instant bool
	path    string
	clock   *clock.Virtual
	// wrap, if set, stands between the service and its SQLite store.
	wrap func(vmplane.Store) vmplane.Store
}

func newHarness(t testing.TB, o harnessOptions) *harness {
	t.Helper()
	if o.driver == nil {
		o.driver = sim.New()
	}
	if o.path == "" {
		o.path = filepath.Join(t.TempDir(), "vmplane.db")
	}
	if o.clock == nil {
		o.clock = clock.NewFrozen(epoch)
	}
	scale := 1.0
	if o.instant {
		scale = 0
	}
	h := &harness{t: t, clock: o.clock, driver: o.driver, path: o.path, wrap: o.wrap}
	h.open(scale)
	t.Cleanup(h.close)
	return h
}

func (h *harness) open(scale float64) {
	h.t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, h.path)
	if err != nil {
		h.t.Fatal(err)
	}
	var store vmplane.Store = db
	if h.wrap != nil {
		store = h.wrap(db)
	}
	svc, err := vmplane.Open(ctx, vmplane.Config{
		Store: store, Driver: h.driver, Clock: h.clock, TimeScale: scale,
		Clouds: []*vmplane.Cloud{{Name: testCloud, Catalog: testCatalog()}},
	})
	if err != nil {
		db.Close()
		h.t.Fatal(err)
	}
	h.svc, h.db = svc, db
}

func (h *harness) close() {
	if h.svc != nil {
		h.svc.Close()
		h.db.Close()
		h.svc, h.db = nil, nil
	}
}

// restart closes the service and opens it again on the same database.
func (h *harness) restart() {
	h.close()
	h.open(1)
}

// advance moves the clock and waits for every step it made due.
func (h *harness) advance(d time.Duration) {
	h.t.Helper()
	h.clock.Advance(d)
	if err := h.svc.Settle(context.Background()); err != nil {
		h.t.Fatal(err)
	}
}

// seed places one idle instance of spec "small" in zone z1 in state power.
func (h *harness) seed(power vmplane.PowerState) vmplane.Instance {
	h.t.Helper()
	return h.seedWith(vmplane.InstanceSeed{Power: power})
}

func (h *harness) seedWith(sd vmplane.InstanceSeed) vmplane.Instance {
	h.t.Helper()
	sd.Cloud = testCloud
	if sd.SpecID == "" {
		sd.SpecID = "small"
	}
	if sd.Zone == "" {
		sd.Zone = "z1"
	}
	list, err := h.svc.SeedInstances(context.Background(), []vmplane.InstanceSeed{sd})
	if err != nil {
		h.t.Fatalf("seed: %v", err)
	}
	return list[0]
}

func (h *harness) get(id string) vmplane.Instance {
	h.t.Helper()
	in, err := h.svc.FindInstanceByID(context.Background(), defaultScope, id)
	if err != nil {
		h.t.Fatalf("find %s: %v", id, err)
	}
	return in
}

func (h *harness) submit(kind vmplane.Kind, mode vmplane.Mode, spec string, ids ...string) (*vmplane.Job, error) {
	return h.svc.Submit(context.Background(), vmplane.OperationRequest{Scope: defaultScope, Kind: kind, Mode: mode, SpecID: spec, InstanceIDs: ids})
}

func (h *harness) mustSubmit(kind vmplane.Kind, mode vmplane.Mode, spec string, ids ...string) *vmplane.Job {
	h.t.Helper()
	job, err := h.submit(kind, mode, spec, ids...)
	if err != nil {
		h.t.Fatalf("submit %s %s: %v", kind, mode, err)
	}
	return job
}

// wantCode fails unless err is a domain error with code.
func wantCode(t *testing.T, err error, code string) *vmplane.Error {
	t.Helper()
	var e *vmplane.Error
	if !errors.As(err, &e) || e.Code != code {
		t.Fatalf("error = %v, want code %q", err, code)
	}
	return e
}
