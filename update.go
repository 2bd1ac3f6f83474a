package vmplane

import (
	"context"
	"fmt"
	"maps"
)

// InstanceUpdate changes what an instance records without an operation.
// Nil fields are left alone; Attrs entries are merged, "" deletes one.
type InstanceUpdate struct {
	Name      *string
	Protected *bool
	// Attrs are set, or deleted by an empty value.
	Attrs map[string]string
	// Edit, when set, changes a copy of the instance's attributes inside
	// the commit, after Attrs, so that it sees every change committed
	// before it (a limit on their number holds under races): in is the
	// instance as it is then, read only, and attrs the copy of its
	// attributes to change. An error refuses the whole update.
	Edit func(in *Instance, attrs map[string]string) error
}

// UpdateInstance applies an InstanceUpdate.
func (s *Service) UpdateInstance(ctx context.Context, scope Scope, id string, u InstanceUpdate) (Instance, error) {
	out, err := s.UpdateInstances(ctx, scope, []string{id}, u)
	if err != nil {
		return Instance{}, err
	}
	return out[0], nil
}

// UpdateInstanceWithOrder applies an InstanceUpdate as UpdateInstance
// does, and returns with the instance an order number minted in the same
// commit from the sequence job ids come from: for a change a cloud answers
// with an order number though no operation runs.
func (s *Service) UpdateInstanceWithOrder(ctx context.Context, scope Scope, id string, u InstanceUpdate) (Instance, string, error) {
	var order string
	out, err := s.updateInstances(ctx, scope, []string{id}, u, &order)
	if err != nil {
		return Instance{}, "", err
	}
	return out[0], order, nil
}

// UpdateInstances applies one InstanceUpdate to several instances, in one
// commit: all of them, or none when one is not found.
func (s *Service) UpdateInstances(ctx context.Context, scope Scope, ids []string, u InstanceUpdate) ([]Instance, error) {
	return s.updateInstances(ctx, scope, ids, u, nil)
}

// updateInstances is UpdateInstances, also minting an order number into
// order when it is not nil.
func (s *Service) updateInstances(ctx context.Context, scope Scope, ids []string, u InstanceUpdate, order *string) ([]Instance, error) {
	cloud, ok := s.clouds[scope.Cloud]
	if !ok && order != nil {
		return nil, notFound("cloud", scope.Cloud)
	}
	out := make([]Instance, len(ids))
	_, err := s.mutate(ctx, func(t *txn) error {
		if order != nil {
			*order = cloud.jobID(t.nextSeq())
		}
		for i, id := range ids {
			cur, err := t.scoped(scope, id)
			if err != nil {
				return err
			}
			n := *cur
			if u.Name != nil {
				n.Name = *u.Name
			}
			if u.Protected != nil {
				n.Protected = *u.Protected
			}
			if len(u.Attrs) > 0 {
				n.Attrs = mergeAttrs(n.Attrs, u.Attrs)
			}
			if u.Edit != nil {
				edit := func(attrs map[string]string) error { return u.Edit(&n, attrs) }
				if n.Attrs, err = editAttrs(n.Attrs, edit); err != nil {
					return err
				}
			}
			n.UpdatedAt = t.now
			t.putInstance(&n)
			out[i] = n
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// editAttrs returns a copy of attrs that edit changed. Published attrs are
// never changed in place.
func editAttrs(attrs map[string]string, edit func(map[string]string) error) (map[string]string, error) {
	out := maps.Clone(attrs)
	if out == nil {
		out = map[string]string{}
	}
	return out, edit(out)
}

// mergeAttrs returns a copy of attrs with updates applied: a value replaces,
// an empty value deletes. Published attrs are never changed in place.
func mergeAttrs(attrs, updates map[string]string) map[string]string {
	out := maps.Clone(attrs)
	if out == nil {
		out = make(map[string]string, len(updates))
	}
	for k, v := range updates {
		if v == "" {
			delete(out, k)
		} else {
			out[k] = v
		}
	}
	return out
}

// ScheduleResize records a change of spec that takes effect at a point in
// time. The worker turns it into a KindScheduledResize operation then.
func (s *Service) ScheduleResize(ctx context.Context, scope Scope, id string, change ScheduledChange) (Instance, error) {
	cloud, ok := s.clouds[scope.Cloud]
	if !ok {
		return Instance{}, notFound("cloud", scope.Cloud)
	}
	var out Instance
	_, err := s.mutate(ctx, func(t *txn) error {
		cur, err := t.scoped(scope, id)
		if err != nil {
			return err
		}
		if cur.Op != nil {
			return busy(cur)
		}
		if err := s.checkResize(cloud, cur, change.SpecID); err != nil {
			return err
		}
		n := *cur
		c := change
		if c.Order == "" {
			c.Order = cloud.jobID(t.nextSeq())
		}
		n.Scheduled, n.UpdatedAt = &c, t.now
		t.putInstance(&n)
		out = n
		return nil
	})
	return out, err
}

// CancelScheduledResize removes an instance's scheduled change.
func (s *Service) CancelScheduledResize(ctx context.Context, scope Scope, id string) (Instance, error) {
	var out Instance
	_, err := s.mutate(ctx, func(t *txn) error {
		cur, err := t.scoped(scope, id)
		if err != nil {
			return err
		}
		if cur.Scheduled == nil {
			return &Error{Code: ENOSCHEDULE, ID: id, Message: fmt.Sprintf("Instance %s has no scheduled change.", id)}
		}
		n := *cur
		n.Scheduled, n.UpdatedAt = nil, t.now
		t.putInstance(&n)
		out = n
		return nil
	})
	return out, err
}
