package vmplane

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"
)

// FaultEffect is what a fault rule does to the operations it matches.
type FaultEffect string

const (
	// FaultReject refuses the request with the rule's cloud error.
	FaultReject FaultEffect = "reject"
	// FaultFail accepts the operation, then ends it in failure with the
	// rule's cloud error when its first step is due.
	FaultFail FaultEffect = "fail"
	// FaultHang accepts the operation and holds it in progress until released.
	FaultHang FaultEffect = "hang"
	// FaultDelay accepts the operation and makes it take the rule's duration.
	FaultDelay FaultEffect = "delay"
)

// FaultRule makes the next Count operations that match it misbehave.
type FaultRule struct {
	ID string `json:"id"`
	// Kind, Cloud and InstanceID narrow the rule; empty matches any.
	Kind       Kind   `json:"kind,omitempty"`
	Cloud      string `json:"cloud,omitempty"`
	InstanceID string `json:"instance,omitempty"`
	// Count is how many more operations the rule applies to.
	Count  int         `json:"count"`
	Effect FaultEffect `json:"effect"`
	// Error is the cloud error for reject and fail.
	Error *WireError `json:"error,omitempty"`
	// Duration is how long a delayed operation takes in all.
	Duration time.Duration `json:"duration,omitempty"`
}

// Fault is the effect a rule left on one operation; it is stored with the
// operation, so it survives restarts.
type Fault struct {
	Rule     string        `json:"rule"`
	Effect   FaultEffect   `json:"effect"`
	Error    *WireError    `json:"error,omitempty"`
	Duration time.Duration `json:"duration,omitempty"`
}

func (r *FaultRule) validate() error {
	switch r.Effect {
	case FaultReject, FaultFail:
		if r.Error == nil || r.Error.Code == "" {
			return invalid("error", "A %s rule needs an error code.", r.Effect)
		}
		// 0 leaves the status to the cloud; anything else is an error's.
		if s := r.Error.Status; s != 0 && (s < 400 || s > 599) {
			return invalid("error", "An error's status is from 400 to 599, not %d.", s)
		}
	case FaultHang:
	case FaultDelay:
		if r.Duration <= 0 {
			return invalid("duration", "A delay rule needs a positive duration.")
		}
	default:
		return invalid("effect", "Unknown fault effect %q.", r.Effect)
	}
	if r.Kind != "" && !slices.Contains(Kinds, r.Kind) {
		return invalid("kind", "Unknown operation kind %q.", r.Kind)
	}
	if r.Count <= 0 {
		return invalid("count", "A fault rule needs a positive count.")
	}
	return nil
}

func (r *FaultRule) matches(cloud string, kind Kind, instanceID string) bool {
	return (r.Kind == "" || r.Kind == kind) && (r.Cloud == "" || r.Cloud == cloud) &&
		(r.InstanceID == "" || r.InstanceID == instanceID)
}

// faults holds the rules. Rules are test set-up: they live in memory and a
// restart clears them, while the effects already stamped on operations last.
type faults struct {
	mu    sync.Mutex
	rules []*FaultRule
	next  int
}

func (f *faults) add(r FaultRule) (FaultRule, error) {
	if err := r.validate(); err != nil {
		return FaultRule{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.next++
	r.ID = fmt.Sprintf("fault-%d", f.next)
	f.rules = append(f.rules, &r)
	return r, nil
}

func (f *faults) list() []FaultRule {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]FaultRule, len(f.rules))
	for i, r := range f.rules {
		out[i] = *r
	}
	return out
}

func (f *faults) remove(id string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := len(f.rules)
	f.rules = slices.DeleteFunc(f.rules, func(r *FaultRule) bool { return r.ID == id || id == "" })
	return len(f.rules) < n
}

// take consumes one use of the first rule that matches, if any.
func (f *faults) take(cloud string, kind Kind, instanceID string) *Fault {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, r := range f.rules {
		if !r.matches(cloud, kind, instanceID) {
			continue
		}
		r.Count--
		if r.Count <= 0 {
			f.rules = slices.Delete(f.rules, i, i+1)
		}
		return &Fault{Rule: r.ID, Effect: r.Effect, Error: r.Error, Duration: r.Duration}
	}
	return nil
}

// peekReject reports whether the next matching rule rejects; it does not
// consume it, so that a request refused for another reason leaves it armed.
func (f *faults) peekReject(cloud string, kind Kind, instanceID string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, r := range f.rules {
		if r.matches(cloud, kind, instanceID) {
			return r.Effect == FaultReject
		}
	}
	return false
}

func faultError(f *Fault) *Error {
	msg := f.Error.Message
	if msg == "" {
		msg = "Injected fault " + f.Error.Code + "."
	}
	return &Error{Code: EFAULT, Message: msg, Wire: f.Error}
}

// AddFault arms a fault rule.
func (s *Service) AddFault(r FaultRule) (FaultRule, error) { return s.faults.add(r) }

// Faults lists the armed fault rules.
func (s *Service) Faults() []FaultRule { return s.faults.list() }

// RemoveFault disarms a rule ("" disarms all); it reports whether any was removed.
func (s *Service) RemoveFault(id string) bool { return s.faults.remove(id) }

// Release lets operations held by a hang fault proceed: the one with opID,
// or every held one when opID is "". It returns the released operations.
func (s *Service) Release(ctx context.Context, cloud, opID string) ([]Operation, error) {
	var out []Operation
	_, err := s.mutate(ctx, func(t *txn) error {
		out = out[:0]
		for _, op := range s.ops {
			if !op.DueAt.IsZero() || (opID != "" && (op.ID != opID || (cloud != "" && op.Cloud != cloud))) {
				continue
			}
			in, err := t.instance(op.Cloud, op.InstanceID)
			if err != nil {
				return err
			}
			n, ninst := *op, *in
			n.StepStartedAt = t.now
			n.DueAt = t.now.Add(s.stepDuration(&n))
			ninst.Op = &n
			t.putOperation(&n)
			t.putInstance(&ninst)
			out = append(out, n)
		}
		if opID != "" && len(out) == 0 {
			return notFound("held operation", opID)
		}
		return nil
	})
	return out, err
}
