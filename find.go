package vmplane

import (
	"cmp"
	"context"
	"slices"
)

// FindInstanceByID returns one instance of the scope.
func (s *Service) FindInstanceByID(ctx context.Context, scope Scope, id string) (Instance, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	in := s.instances.get(instanceKey(scope.Cloud, id))
	if in == nil || (scope.Account != "" && in.Account != scope.Account) {
		return Instance{}, notFound("instance", id)
	}
	return *in, nil
}

// FindInstances returns a page of the instances that match f and how many
// match in all. An empty Scope field matches every cloud or account.
//
// A page of one scope (or one region of it) in creation order costs the
// page, not the scope: the core keeps those lists. A Match costs one pass,
// and a Compare a sort of the matches.
//
// The instances are the core's own, shared with every reader and never
// changed once published (a change publishes a new one): callers read
// them and must not modify them. Not copying them keeps a list's garbage,
// which the collector would otherwise reclaim on the hot read path, to the
// page's pointers.
func (s *Service) FindInstances(ctx context.Context, f InstanceFilter) ([]*Instance, int, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var all []*Instance
	switch {
	case len(f.IDs) > 0:
		seen := make(map[string]bool, len(f.IDs))
		for _, id := range f.IDs {
			in := s.instances.get(instanceKey(f.Cloud, id))
			if in != nil && !seen[id] && (f.Account == "" || in.Account == f.Account) && (f.Region == "" || in.Region == f.Region) {
				seen[id] = true
				all = append(all, in)
			}
		}
		slices.SortFunc(all, BySeq)
	case f.Cloud != "" && f.Account != "":
		if x := s.indexes[indexKey{f.Scope, f.Region}]; x != nil {
			all = x.items
		}
	default:
		for in := range s.instances.all() {
			if (f.Cloud == "" || in.Cloud == f.Cloud) && (f.Account == "" || in.Account == f.Account) && (f.Region == "" || in.Region == f.Region) {
				all = append(all, in)
			}
		}
		slices.SortFunc(all, BySeq)
	}
	var marker *Instance
	if f.After != "" {
		if marker = s.instances.get(instanceKey(f.Cloud, f.After)); marker == nil || (f.Account != "" && marker.Account != f.Account) {
			return nil, 0, notFound("marker", f.After)
		}
	}
	if f.Compare == nil {
		if marker != nil {
			all = after(all, marker, BySeq, f.Newest)
		}
		out, total := page(all, f.Newest, f.Match, f.Offset, f.Limit)
		return out, total, nil
	}
	if f.Match != nil {
		all = slices.DeleteFunc(slices.Clone(all), func(in *Instance) bool { return !f.Match(in) })
	} else {
		all = slices.Clone(all)
	}
	slices.SortStableFunc(all, f.Compare)
	if marker != nil {
		all = after(all, marker, f.Compare, false)
	}
	out, total := page(all, false, nil, f.Offset, f.Limit)
	return out, total, nil
}

// after returns what follows marker in all, which is in order with ties in
// creation order (as a stable sort of a list in creation order leaves
// them), read from its end when newest. The marker need not be in all: its
// place is where it would be.
func after(all []*Instance, marker *Instance, order func(a, b *Instance) int, newest bool) []*Instance {
	i, found := slices.BinarySearchFunc(all, marker, func(in, m *Instance) int { return cmp.Or(order(in, m), BySeq(in, m)) })
	if newest {
		return all[:i]
	}
	if found {
		i++
	}
	return all[i:]
}

// page returns the instances of all (from its end when newest) that match
// (all of them when match is nil) from offset, at most limit of them (0: no
// limit), and counts the matches. The page is a slice of its own: all may
// be an index that changes once the caller lets go of the lock.
func page(all []*Instance, newest bool, match func(*Instance) bool, offset, limit int) ([]*Instance, int) {
	offset = max(offset, 0)
	if match == nil {
		lo, hi := min(offset, len(all)), len(all)
		if limit > 0 {
			hi = min(lo+limit, hi)
		}
		out := make([]*Instance, hi-lo)
		if newest {
			for i := range out {
				out[i] = all[len(all)-1-lo-i]
			}
		} else {
			copy(out, all[lo:hi])
		}
		return out, len(all)
	}
	out := []*Instance{}
	total := 0
	for i := range all {
		in := all[i]
		if newest {
			in = all[len(all)-1-i]
		}
		if !match(in) {
			continue
		}
		if total >= offset && (limit <= 0 || total < offset+limit) {
			out = append(out, in)
		}
		total++
	}
	return out, total
}

// FindJob returns the operations of one job, running or finished.
func (s *Service) FindJob(ctx context.Context, scope Scope, jobID string) ([]Operation, error) {
	s.mu.RLock()
	cached := s.jobs.get(scope.Cloud, jobID)
	var ops []Operation
	for _, op := range cached {
		if scope.Account == "" || op.Account == scope.Account {
			ops = append(ops, *op)
		}
	}
	s.mu.RUnlock()
	if len(ops) > 0 {
		return ops, nil
	}
	ops, err := s.store.FindOperations(ctx, OperationFilter{Cloud: scope.Cloud, Account: scope.Account, JobID: jobID})
	if err != nil {
		return nil, err
	}
	if len(ops) == 0 {
		return nil, notFound("job", jobID)
	}
	return ops, nil
}

// Operations lists running operations and those of recent jobs, oldest first.
func (s *Service) Operations(ctx context.Context, scope Scope) []Operation {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []Operation
	for _, op := range s.jobs.all() {
		if (scope.Cloud == "" || op.Cloud == scope.Cloud) && (scope.Account == "" || op.Account == scope.Account) {
			out = append(out, *op)
		}
	}
	slices.SortFunc(out, func(a, b Operation) int { return cmp.Compare(a.Seq, b.Seq) })
	return out
}
