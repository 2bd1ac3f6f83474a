package vmplane

import (
	"hash/maphash"
	"iter"
)

// instanceTable finds an instance by its key (instanceKey). It has an entry
// for every instance, and the garbage collector marks it in every cycle: a
// map[string]*Instance costs the collector a key string and a pointer per
// entry, scattered over the heap, which for 100,000 instances was a third
// of a cycle's work (BENCHMARKS.md). This table keeps a map from the key's
// hash to a slot of one slice instead: the map holds no pointers, so the
// collector skips it, and the slice is one object it scans in order.
//
// Two keys with one hash (64 bits: about one chance in ten million among a
// million instances) are told apart by the instance in the slot; the
// later key is kept in clash, an ordinary map that is nearly always empty.
type instanceTable struct {
	seed  maphash.Seed
	mask  uint64 // all ones; tests narrow it to make keys share hashes
	slot  map[uint64]int32
	items []*Instance // by slot; nil: free
	free  []int32
	clash map[string]*Instance
}

func newInstanceTable(size int) *instanceTable {
	return &instanceTable{seed: maphash.MakeSeed(), mask: ^uint64(0), slot: make(map[uint64]int32, size), items: make([]*Instance, 0, size)}
}

// hash is a method, not a function value: a key passed to a function
// value escapes, and every lookup would allocate the key it builds.
func (t *instanceTable) hash(key string) uint64 { return maphash.String(t.seed, key) & t.mask }

// hasKey reports whether key is in's key, without building it.
func hasKey(in *Instance, key string) bool {
	n := len(in.Cloud)
	return len(key) == n+1+len(in.ID) && key[:n] == in.Cloud && key[n] == '/' && key[n+1:] == in.ID
}

func (t *instanceTable) get(key string) *Instance {
	if i, ok := t.slot[t.hash(key)]; ok && hasKey(t.items[i], key) {
		return t.items[i]
	}
	return t.clash[key]
}

// put adds in under key, or replaces the instance key names.
func (t *instanceTable) put(key string, in *Instance) {
	if _, ok := t.clash[key]; ok {
		t.clash[key] = in
		return
	}
	h := t.hash(key)
	if i, ok := t.slot[h]; ok {
		if hasKey(t.items[i], key) {
			t.items[i] = in
			return
		}
		if t.clash == nil {
			t.clash = make(map[string]*Instance)
		}
		t.clash[key] = in
		return
	}
	var i int32
	if n := len(t.free); n > 0 {
		i, t.free = t.free[n-1], t.free[:n-1]
		t.items[i] = in
	} else {
		i = int32(len(t.items))
		t.items = append(t.items, in)
	}
	t.slot[h] = i
}

func (t *instanceTable) delete(key string) {
	h := t.hash(key)
	if i, ok := t.slot[h]; ok && hasKey(t.items[i], key) {
		delete(t.slot, h)
		t.items[i] = nil
		t.free = append(t.free, i)
		return
	}
	delete(t.clash, key)
}

func (t *instanceTable) len() int { return len(t.slot) + len(t.clash) }

// all yields every instance once, in no particular order.
func (t *instanceTable) all() iter.Seq[*Instance] {
	return func(yield func(*Instance) bool) {
		for _, in := range t.items {
			if in != nil && !yield(in) {
				return
			}
		}
		for _, in := range t.clash {
			if !yield(in) {
				return
			}
		}
	}
}
