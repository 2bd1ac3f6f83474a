package vmplane

import (
	"slices"
	"sort"
	"time"
)

// scopeIndex keeps one scope's instances (or one region's of a scope) in
// creation order, so that the common list request (a page in creation
// order) costs a slice, not a scan.
type scopeIndex struct {
	items []*Instance // sorted by Seq
}

func (x *scopeIndex) search(seq int64) (int, bool) {
	i := sort.Search(len(x.items), func(i int) bool { return x.items[i].Seq >= seq })
	return i, i < len(x.items) && x.items[i].Seq == seq
}

// put inserts or replaces in by its Seq.
func (x *scopeIndex) put(in *Instance) {
	if n := len(x.items); n == 0 || x.items[n-1].Seq < in.Seq {
		x.items = append(x.items, in) // the common case: a new instance, or a restart
		return
	}
	i, found := x.search(in.Seq)
	if found {
		x.items[i] = in
		return
	}
	x.items = slices.Insert(x.items, i, in)
}

func (x *scopeIndex) remove(seq int64) {
	if i, found := x.search(seq); found {
		x.items = slices.Delete(x.items, i, i+1)
	}
}

// indexKey names a list the core keeps in creation order: a scope's
// instances, or those of one region of it.
type indexKey struct {
	Scope
	Region string // "": every region
}

// indexKeys returns the n lists in belongs to (an array: no allocation).
func indexKeys(in *Instance) (keys [2]indexKey, n int) {
	sc := Scope{Cloud: in.Cloud, Account: in.Account}
	keys[0] = indexKey{Scope: sc}
	if in.Region == "" {
		return keys, 1
	}
	keys[1] = indexKey{Scope: sc, Region: in.Region}
	return keys, 2
}

// instanceKey is the map key of an instance: ids are unique within a cloud.
func instanceKey(cloud, id string) string { return cloud + "/" + id }

// opKey is the map key of an operation or job.
func opKey(cloud, id string) string { return cloud + "/" + id }

// jobCache remembers the operations of recent jobs, so that clients polling
// a job they just started are answered from memory. Old jobs are evicted
// first-in first-out, and a job whose operations still run is never evicted.
type jobCache struct {
	max   int
	jobs  map[string][]*Operation
	order []string
}

func newJobCache(max int) *jobCache {
	return &jobCache{max: max, jobs: make(map[string][]*Operation)}
}

func (c *jobCache) put(op *Operation) {
	key := opKey(op.Cloud, op.JobID)
	ops, ok := c.jobs[key]
	if !ok {
		c.order = append(c.order, key)
	}
	if i := slices.IndexFunc(ops, func(o *Operation) bool { return o.ID == op.ID }); i >= 0 {
		ops[i] = op
	} else {
		ops = append(ops, op)
	}
	c.jobs[key] = ops
	c.evict()
}

func (c *jobCache) evict() {
	for len(c.order) > c.max {
		key := c.order[0]
		for _, op := range c.jobs[key] {
			if !op.Done() {
				return
			}
		}
		delete(c.jobs, key)
		c.order = c.order[1:]
	}
}

// forget drops the jobs whose every operation finished before a time.
func (c *jobCache) forget(before time.Time) {
	c.order = slices.DeleteFunc(c.order, func(key string) bool {
		for _, op := range c.jobs[key] {
			if !op.Done() || !op.FinishedAt.Before(before) {
				return false
			}
		}
		delete(c.jobs, key)
		return true
	})
}

func (c *jobCache) get(cloud, jobID string) []*Operation { return c.jobs[opKey(cloud, jobID)] }

func (c *jobCache) all() []*Operation {
	var out []*Operation
	for _, key := range c.order {
		out = append(out, c.jobs[key]...)
	}
	return out
}
