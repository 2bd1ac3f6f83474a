package loadtest

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/vmplane/vmplane"
)

// Workload is one kind of traffic. Each cloud's workloads sign their
// requests with that cloud's own signing function, as its real clients do.
type Workload struct {
	// Name is how --workloads names it.
	Name string
	// Title says what it sends, for the report.
	Title string
	// Cloud is the cloud whose instances it needs seeded.
	Cloud string
	// Writes marks a workload whose requests change state: each accepted
	// change is durable before it is answered, so it is compared with the
	// storage ceiling as well.
	Writes bool
	// NewClient returns client i of a run against base, the server's URL or
	// that of a ceiling standing in for it.
	NewClient func(f *Fleet, base string, i int) Client
}

// Workloads are the workloads of a default run, in order.
var Workloads = []Workload{ncpList, ncpCycle, huaweiShow, zenlayerDescribe, ncpMix}

// Lookup returns the workloads with the given names, in the order given;
// no names means every workload.
func Lookup(names []string) ([]Workload, error) {
	if len(names) == 0 {
		return Workloads, nil
	}
	var out []Workload
	for _, name := range names {
		found := false
		for _, w := range Workloads {
			if w.Name == name {
				out, found = append(out, w), true
			}
		}
		if !found {
			var known []string
			for _, w := range Workloads {
				known = append(known, w.Name)
			}
			return nil, fmt.Errorf("unknown workload %q (known: %s)", name, strings.Join(known, ", "))
		}
	}
	return out, nil
}

// Fleet is what the workloads of one run share: the account that signs,
// the instances seeded for each cloud, and where each client's changes are.
type Fleet struct {
	Account vmplane.Account
	// Clients is the number of concurrent clients; client i owns the
	// instances whose index is i modulo Clients.
	Clients int
	clouds  map[string]*Seeded
}

// Seeded is what was seeded for one cloud: instances of Spec in Zone (of
// Region), all running, and AltSpec, a spec they can change to and back
// from.
type Seeded struct {
	IDs           []string
	Spec, AltSpec string
	Zone, Region  string
	rotations     []*Rotation
}

// Seeded returns what was seeded for cloud.
func (f *Fleet) Seeded(cloud string) *Seeded { return f.clouds[cloud] }

// Key returns the access key pair that signs.
func (f *Fleet) Key() vmplane.Key { return f.Account.Keys[0] }

// Rand returns client i's random source: the same on every run.
func (f *Fleet) Rand(i int) *rand.Rand { return rand.New(rand.NewPCG(uint64(i), 0x766d706c616e65)) }

// Rotation returns client i's rotation over its own instances of cloud. It
// lives as long as the fleet, so that a later run continues each instance's
// cycle where an earlier one left it.
func (f *Fleet) Rotation(cloud string, i int) *Rotation {
	s := f.clouds[cloud]
	if s.rotations == nil {
		s.rotations = make([]*Rotation, f.Clients)
		for c := range f.Clients {
			r := &Rotation{}
			for j := c; j < len(s.IDs); j += f.Clients {
				r.IDs = append(r.IDs, s.IDs[j])
			}
			r.Steps, r.Alt = make([]uint8, len(r.IDs)), make([]bool, len(r.IDs))
			s.rotations[c] = r
		}
	}
	return s.rotations[i]
}

// Rotation is one client's own instances, each at a step of a cycle of
// changes (stop, change spec, start). The client visits them in turn, so an
// instance's change has long completed (at time scale 0) when the client
// comes back to it with the next one.
type Rotation struct {
	IDs   []string
	Steps []uint8
	// Alt reports, per instance, that it has the seed's AltSpec.
	Alt []bool
	pos int
}

// Next returns the index of the next instance to change.
func (r *Rotation) Next() int {
	i := r.pos
	r.pos = (r.pos + 1) % len(r.IDs)
	return i
}
