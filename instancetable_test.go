package vmplane

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestInstanceTableAgreesWithAMap puts, replaces and deletes at random and
// checks the table against a map after each step, with the real hash and
// with one narrowed to two bits, which gives most keys the same hash, so that the path of two
// keys with one hash is taken as often as the ordinary one.
func TestInstanceTableAgreesWithAMap(t *testing.T) {
	for _, tc := range []struct {
		name string
		mask uint64
	}{
		{"maphash", ^uint64(0)},
		{"clashing", 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			table := newInstanceTable(0)
			table.mask = tc.mask
			want := map[string]*Instance{}
			rng := rand.New(rand.NewPCG(1, 2))
			for step := range 5000 {
				in := &Instance{Cloud: []string{"a", "bb"}[rng.IntN(2)], ID: fmt.Sprint(rng.IntN(300))}
				key := instanceKey(in.Cloud, in.ID)
				if rng.IntN(3) == 0 {
					table.delete(key)
					delete(want, key)
				} else {
					table.put(key, in)
					want[key] = in
				}
				if got := table.get(key); got != want[key] {
					t.Fatalf("step %d: get(%q) = %p, want %p", step, key, got, want[key])
				}
				if table.len() != len(want) {
					t.Fatalf("step %d: len %d, want %d", step, table.len(), len(want))
				}
			}
			seen := map[string]bool{}
			for in := range table.all() {
				key := instanceKey(in.Cloud, in.ID)
				if seen[key] || want[key] != in {
					t.Fatalf("all yields %q twice or stale", key)
				}
				seen[key] = true
			}
			if len(seen) != len(want) {
				t.Fatalf("all yields %d, want %d", len(seen), len(want))
			}
			for key, in := range want {
				if table.get(key) != in {
					t.Fatalf("get(%q) lost", key)
				}
			}
			if tc.mask == 3 && len(table.clash) == 0 {
				t.Fatal("no key took the clash path")
			}
		})
	}
}

func TestInstanceTableTellsKeysThatShareAPrefixApart(t *testing.T) {
	table := newInstanceTable(0)
	table.mask = 0
	a := &Instance{Cloud: "ncloud", ID: "12"}
	table.put("ncloud/12", a)
	for _, key := range []string{"ncloud/1", "ncloud/123", "ncloud12", "ncloud/12/", "ncloudx12", "ncloud"} {
		if got := table.get(key); got != nil {
			t.Errorf("get(%q) = %+v, want nil", key, got)
		}
	}
	if table.get("ncloud/12") != a {
		t.Error("get(ncloud/12) lost")
	}
}
