package vmplane

import (
	"context"
	"errors"
	"fmt"
	"slices"
)

// Submit accepts one kind of operation on every instance req names, as one
// job. It is all-or-nothing: when any instance refuses, the error describes
// the first refusal (and Error.Batch all of them) and nothing changes.
func (s *Service) Submit(ctx context.Context, req OperationRequest) (*Job, error) {
	return s.submit(ctx, req, false)
}

// Validate checks req as Submit would, and changes nothing.
func (s *Service) Validate(ctx context.Context, req OperationRequest) error {
	_, err := s.submit(ctx, req, true)
	return err
}

func (s *Service) submit(ctx context.Context, req OperationRequest, dryRun bool) (*Job, error) {
	cloud, ok := s.clouds[req.Cloud]
	if !ok {
		return nil, notFound("cloud", req.Cloud)
	}
	if !slices.Contains(Kinds, req.Kind) || req.Kind == KindCreate || req.Kind == KindScheduledResize {
		return nil, invalid("kind", "Operation %q cannot be submitted.", req.Kind)
	}
	if len(req.InstanceIDs) == 0 {
		return nil, invalid("instance", "No instance was given.")
	}
	seen := make(map[string]bool, len(req.InstanceIDs))
	for _, id := range req.InstanceIDs {
		if seen[id] {
			return nil, &Error{Code: EINVALID, Subject: "instance", ID: id, Message: fmt.Sprintf("Instance %s is given more than once.", id)}
		}
		seen[id] = true
	}
	for _, id := range req.InstanceIDs {
		if s.faults.peekReject(req.Cloud, req.Kind, id) {
			return nil, faultError(s.faults.take(req.Cloud, req.Kind, id))
		}
	}
	plan := func(t *txn, job *Job) error {
		var failed []*Error
		for _, id := range req.InstanceIDs {
			in, err := t.scoped(req.Scope, id)
			if err == nil {
				err = s.admit(t, cloud, in, req, job)
			}
			if err != nil {
				e, ok := AsError(err)
				if !ok || errors.Is(err, errReserved) {
					return err
				}
				failed = append(failed, e)
			}
		}
		if len(failed) == 0 {
			return nil
		}
		first := *failed[0]
		if len(req.InstanceIDs) > 1 {
			first.Batch = &BatchFailure{Total: len(req.InstanceIDs), Failed: failed}
		}
		return &first
	}
	if dryRun {
		return nil, s.dryRun(ctx, plan)
	}
	return s.accept(ctx, cloud, plan)
}

// admit checks one instance for req and, if it may proceed, starts its operation.
func (s *Service) admit(t *txn, cloud *Cloud, in *Instance, req OperationRequest, job *Job) error {
	if in.Op != nil {
		return busy(in)
	}
	tr, err := FindTransition(req.Kind, req.Mode, in.Power)
	if err != nil {
		e := err.(*Error)
		e.ID = in.ID
		return e
	}
	switch req.Kind {
	case KindResize:
		if err := s.checkResize(cloud, in, req.SpecID); err != nil {
			return err
		}
	case KindTerminate, KindRecycle:
		if in.Protected {
			return &Error{Code: EPROTECTED, ID: in.ID, Message: fmt.Sprintf("Instance %s is protected against termination.", in.ID)}
		}
	case KindRebuild:
		if cat := cloud.Catalog; req.ImageID != "" && len(cat.Images) > 0 && cat.FindImage(req.ImageID) == nil {
			return notFound("image", req.ImageID)
		}
	}
	if job == nil { // a dry run
		return nil
	}
	n := *in
	if req.Kind == KindRebuild && req.ImageID != "" {
		n.ImageID = req.ImageID // what the machine is provisioned from
	}
	if len(req.Attrs) > 0 {
		n.Attrs = mergeAttrs(n.Attrs, req.Attrs)
	}
	if req.Name != "" {
		n.Name = req.Name
	}
	t.startOperation(job, &n, tr, req, s.faults.take(req.Cloud, req.Kind, in.ID))
	return nil
}

// busy is the refusal of an instance with an operation in flight; it names
// that operation's kind, which clouds render differently.
func busy(in *Instance) *Error {
	return &Error{Code: EBUSY, ID: in.ID, Kind: in.Op.Kind, State: in.Power,
		Message: fmt.Sprintf("Instance %s is busy with another operation (%s).", in.ID, in.Op.Kind)}
}

// checkResize holds the rules common to every cloud for a change of spec.
func (s *Service) checkResize(cloud *Cloud, in *Instance, specID string) error {
	if specID == "" {
		return invalid("spec", "A target spec is required.")
	}
	target := cloud.Catalog.FindSpec(specID)
	if target == nil {
		return notFound("spec", specID)
	}
	if target.ID == in.SpecID {
		return &Error{Code: ESAMESPEC, ID: in.ID, Message: fmt.Sprintf("Instance %s already has spec %s.", in.ID, specID)}
	}
	if in.Scheduled != nil {
		return &Error{Code: ESCHEDULED, ID: in.ID, Message: fmt.Sprintf("Instance %s has a scheduled change to %s.", in.ID, in.Scheduled.SpecID)}
	}
	if z := cloud.Catalog.FindZone(in.Zone); z != nil && z.NoResize {
		return &Error{Code: EZONE, ID: in.ID, Message: fmt.Sprintf("Zone %s does not support changing specs.", in.Zone)}
	}
	cur := cloud.Catalog.FindSpec(in.SpecID)
	if cur == nil || cur.ResizeGroup == "" || cur.ResizeGroup != target.ResizeGroup || !target.OfferedIn(in.Zone) {
		return &Error{Code: EINCOMPATIBLE, ID: in.ID, Subject: "spec",
			Message: fmt.Sprintf("Spec %s cannot be changed to %s.", in.SpecID, specID)}
	}
	return nil
}
