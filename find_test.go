package vmplane_test

import (
	"cmp"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/vmplane/vmplane"
)

// FindInstances answers every combination of region, match, order and page
// exactly as filtering, sorting and paging the whole scope would, also
// after instances come and go.
func TestFindInstancesAgreesWithAFullScan(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	var ids []string
	for i := range 30 {
		zone := []string{"z1", "far", "z2"}[i%3]
		power := []vmplane.PowerState{vmplane.PowerRunning, vmplane.PowerStopped}[i%2]
		ids = append(ids, h.seedWith(vmplane.InstanceSeed{Zone: zone, Power: power, Name: fmt.Sprintf("n%02d", (i*7)%30)}).ID)
	}
	// Terminate two: one in each region.
	h.mustSubmit(vmplane.KindTerminate, vmplane.ModeStrict, "", ids[1], ids[3])
	h.advance(time.Hour)

	all, _, _ := h.svc.FindInstances(t.Context(), vmplane.InstanceFilter{Scope: defaultScope})
	if len(all) != 28 {
		t.Fatalf("%d instances, want 28", len(all))
	}
	stopped := func(in *vmplane.Instance) bool { return in.Power == vmplane.PowerStopped }
	byName := func(a, b *vmplane.Instance) int { return cmp.Compare(a.Name, b.Name) }
	byPower := func(a, b *vmplane.Instance) int { return cmp.Compare(a.Power, b.Power) } // many ties
	// Markers: the first, a running and a stopped one in the middle (each
	// matches one of the filters and not the other), the last.
	markers := []string{"", all[0].ID, all[10].ID, all[11].ID, all[27].ID}
	for _, region := range []string{"", "r1", "r2", "nowhere"} {
		for _, match := range []func(*vmplane.Instance) bool{nil, stopped} {
			for _, compare := range []func(a, b *vmplane.Instance) int{nil, byName, byPower} {
				for _, newest := range []bool{false, true} {
					for _, marker := range markers {
						for _, pg := range [][2]int{{0, 0}, {0, 5}, {5, 5}, {17, 10}, {40, 5}, {-1, 3}} {
							f := vmplane.InstanceFilter{Scope: defaultScope, Region: region, Match: match, Compare: compare, Newest: newest, After: marker, Offset: pg[0], Limit: pg[1]}
							got, total, err := h.svc.FindInstances(t.Context(), f)
							if err != nil {
								t.Fatal(err)
							}
							want, wantTotal := scan(all, f)
							name := fmt.Sprintf("region %q match %v sorted %v newest %v after %q page %v", region, match != nil, compare != nil, newest, marker, pg)
							if total != wantTotal || !slices.EqualFunc(got, want, func(a, b *vmplane.Instance) bool { return a.ID == b.ID }) {
								t.Errorf("%s: got %d of %d %v, want %d of %d %v", name, len(got), total, idsOf(got), len(want), wantTotal, idsOf(want))
							}
						}
					}
				}
			}
		}
	}
	if _, _, err := h.svc.FindInstances(t.Context(), vmplane.InstanceFilter{Scope: defaultScope, After: "nope"}); vmplane.ErrorCode(err) != vmplane.ENOTFOUND {
		t.Errorf("after an unknown instance: %v, want ENOTFOUND", err)
	}
	if got, _, _ := h.svc.FindInstances(t.Context(), vmplane.InstanceFilter{Scope: defaultScope, Region: "r2", IDs: ids[:6]}); len(got) != 1 || got[0].ID != ids[4] {
		t.Errorf("ids in region r2: %v, want [%s]", idsOf(got), ids[4])
	}
}

// A restart rebuilds every scope's and region's list in creation order, as
// it was, with the operations in flight on their instances.
func TestRestartRebuildsListsInCreationOrder(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	other := vmplane.Scope{Cloud: testCloud, Account: "other"}
	if _, err := h.svc.CreateAccount(t.Context(), vmplane.AccountCreate{ID: other.Account}); err != nil {
		t.Fatal(err)
	}
	var busy string
	for i := range 24 {
		sd := vmplane.InstanceSeed{Zone: []string{"z1", "far", "z2"}[i%3], Power: vmplane.PowerRunning}
		if i%4 == 1 {
			sd.Account = other.Account
		}
		if in := h.seedWith(sd); i == 7 {
			busy = in.ID
		}
	}
	h.mustSubmit(vmplane.KindStop, vmplane.ModeStrict, "", busy)
	lists := func() map[string][]string {
		out := make(map[string][]string)
		for _, scope := range []vmplane.Scope{defaultScope, other} {
			for _, region := range []string{"", "r1", "r2"} {
				for _, newest := range []bool{false, true} {
					got, _, err := h.svc.FindInstances(t.Context(), vmplane.InstanceFilter{Scope: scope, Region: region, Newest: newest})
					if err != nil {
						t.Fatal(err)
					}
					out[fmt.Sprintf("%s %q newest %v", scope.Account, region, newest)] = idsOf(got)
				}
			}
		}
		return out
	}
	before := lists()
	h.restart()
	after := lists()
	for name, want := range before {
		if !slices.Equal(after[name], want) {
			t.Errorf("%s after a restart: %v, want %v", name, after[name], want)
		}
	}
	if got := h.get(busy); got.Op == nil || got.Op.Kind != vmplane.KindStop {
		t.Errorf("the stop in flight after a restart: %+v", got.Op)
	}
}

// scan is FindInstances the slow way: order everything, drop what comes up
// to the marker, then filter and page.
func scan(all []*vmplane.Instance, f vmplane.InstanceFilter) ([]*vmplane.Instance, int) {
	ordered := slices.Clone(all)
	switch {
	case f.Compare != nil:
		slices.SortStableFunc(ordered, f.Compare)
	case f.Newest:
		slices.Reverse(ordered)
	}
	if f.After != "" {
		i := slices.IndexFunc(ordered, func(in *vmplane.Instance) bool { return in.ID == f.After })
		ordered = ordered[i+1:]
	}
	var out []*vmplane.Instance
	for _, in := range ordered {
		if (f.Region == "" || in.Region == f.Region) && (f.Match == nil || f.Match(in)) {
			out = append(out, in)
		}
	}
	total := len(out)
	lo := min(max(f.Offset, 0), total)
	hi := total
	if f.Limit > 0 {
		hi = min(lo+f.Limit, total)
	}
	return out[lo:hi], total
}

func idsOf(list []*vmplane.Instance) []string {
	var out []string
	for _, in := range list {
		out = append(out, in.ID)
	}
	return out
}

// A finished job the core no longer keeps in memory (here, after a
// restart) is read back from the store, for its own account only.
func TestAFinishedJobIsFoundAfterARestart(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	in := h.seed(vmplane.PowerRunning)
	job := h.mustSubmit(vmplane.KindStop, vmplane.ModeStrict, "", in.ID)
	h.advance(time.Minute)
	h.restart()
	ops, err := h.svc.FindJob(t.Context(), defaultScope, job.ID)
	if err != nil || len(ops) != 1 || ops[0].State != vmplane.OpSucceeded || ops[0].InstanceID != in.ID {
		t.Fatalf("the job after a restart: %+v, %v", ops, err)
	}
	other := vmplane.Scope{Cloud: testCloud, Account: "other"}
	if _, err := h.svc.FindJob(t.Context(), other, job.ID); vmplane.ErrorCode(err) != vmplane.ENOTFOUND {
		t.Errorf("another account's job: %v, want ENOTFOUND", err)
	}
}
