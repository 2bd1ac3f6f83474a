package vmplane

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
)

// CreateInstances accepts the creation of len(req.Names) instances as one job.
func (s *Service) CreateInstances(ctx context.Context, req InstanceCreate) (*Job, error) {
	return s.createInstances(ctx, req, false)
}

// ValidateCreate checks req as CreateInstances would, and changes nothing.
func (s *Service) ValidateCreate(ctx context.Context, req InstanceCreate) error {
	_, err := s.createInstances(ctx, req, true)
	return err
}

func (s *Service) createInstances(ctx context.Context, req InstanceCreate, dryRun bool) (*Job, error) {
	cloud, ok := s.clouds[req.Cloud]
	if !ok {
		return nil, notFound("cloud", req.Cloud)
	}
	if len(req.Names) == 0 {
		return nil, invalid("count", "At least one instance must be created.")
	}
	spec, zone, err := cloud.Catalog.Place(req.SpecID, req.ImageID, req.Zone)
	if err != nil {
		return nil, err
	}
	if req.Charge == "" {
		req.Charge = ChargePayPerUse
	}
	if !req.Charge.Valid() {
		return nil, invalid("charge", "Unknown charge type %q.", req.Charge)
	}
	if s.faults.peekReject(req.Cloud, KindCreate, "") {
		return nil, faultError(s.faults.take(req.Cloud, KindCreate, ""))
	}
	if dryRun {
		return nil, nil
	}
	return s.accept(ctx, cloud, func(t *txn, job *Job) error {
		for _, name := range req.Names {
			seq := t.nextSeq()
			// An instance seeded with an id of its own may hold one the
			// sequence gives: pass it by.
			for s.instances.get(instanceKey(req.Cloud, cloud.instanceID(seq))) != nil {
				seq = t.nextSeq()
			}
			in := &Instance{
				ID: cloud.instanceID(seq), Seq: seq, Cloud: req.Cloud, Account: req.Account, Name: name,
				SpecID: spec.ID, VCPU: spec.VCPU, MemoryMiB: spec.MemoryMiB, DiskType: cmp.Or(req.DiskType, spec.DiskType),
				DiskGiB: cmp.Or(req.DiskGiB, spec.DiskGiB), ImageID: req.ImageID, Region: zone.Region, Zone: zone.ID,
				Charge: req.Charge, PeriodMonths: req.Period, Power: PowerBuilding, Protected: req.Protected,
				CreatedAt: t.now, UpdatedAt: t.now, Attrs: req.Attrs,
			}
			tr, _ := FindTransition(KindCreate, ModeStrict, PowerNone)
			t.startOperation(job, in, tr, OperationRequest{Kind: KindCreate}, s.faults.take(req.Cloud, KindCreate, ""))
		}
		return nil
	})
}

// SeedInstances places instances in any state at once, for fixtures.
func (s *Service) SeedInstances(ctx context.Context, seeds []InstanceSeed) ([]Instance, error) {
	var created []string
	_, err := s.mutate(ctx, func(t *txn) error {
		created = created[:0]
		for i, sd := range seeds {
			in, err := s.seed(t, sd)
			if err != nil {
				if e, ok := AsError(err); ok && !errors.Is(err, errReserved) {
					e2 := *e
					e2.Message = fmt.Sprintf("seed %d: %s", i, e.Message)
					return &e2
				}
				return err
			}
			created = append(created, instanceKey(in.Cloud, in.ID))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]Instance, len(created))
	for i, k := range created {
		out[i] = *s.instances.get(k)
	}
	return out, nil
}

func (s *Service) seed(t *txn, sd InstanceSeed) (*Instance, error) {
	cloud, ok := s.clouds[sd.Cloud]
	if !ok {
		return nil, notFound("cloud", sd.Cloud)
	}
	spec, zone, err := cloud.Catalog.Place(sd.SpecID, sd.ImageID, sd.Zone)
	if err != nil {
		return nil, err
	}
	acct := cmp.Or(sd.Account, s.defAcct.ID)
	if s.accounts[acct] == nil && t.accounts[acct] == nil {
		return nil, notFound("account", acct)
	}
	charge := cmp.Or(sd.Charge, ChargePayPerUse)
	if !charge.Valid() {
		return nil, invalid("charge", "Unknown charge type %q.", charge)
	}
	power := cmp.Or(sd.Power, PowerRunning)
	if !slices.Contains(PowerStates, power) || power == PowerDeleted || (power == PowerBuilding && (sd.Operation == nil || sd.Operation.Kind != KindCreate)) {
		return nil, invalid("power", "An instance cannot be seeded in state %q.", power)
	}
	seq := t.nextSeq()
	in := &Instance{
		ID: cmp.Or(sd.ID, cloud.instanceID(seq)), Seq: seq, Cloud: sd.Cloud, Account: acct,
		Name: cmp.Or(sd.Name, fmt.Sprintf("seed-%d", seq)), SpecID: spec.ID, VCPU: spec.VCPU, MemoryMiB: spec.MemoryMiB,
		DiskType: cmp.Or(sd.DiskType, spec.DiskType), DiskGiB: cmp.Or(sd.DiskGiB, spec.DiskGiB), ImageID: sd.ImageID,
		Region: zone.Region, Zone: zone.ID, Charge: charge, PeriodMonths: sd.Period, Power: power, Protected: sd.Protected,
		CreatedAt: sd.CreatedAt, UpdatedAt: t.now, Attrs: sd.Attrs, Scheduled: sd.Scheduled,
	}
	if in.Scheduled != nil && in.Scheduled.Order == "" {
		c := *in.Scheduled
		c.Order = cloud.jobID(t.nextSeq())
		in.Scheduled = &c
	}
	if in.CreatedAt.IsZero() {
		in.CreatedAt = t.now
	}
	if power == PowerRunning {
		in.LaunchedAt = in.CreatedAt
	}
	if s.instances.get(instanceKey(in.Cloud, in.ID)) != nil || t.inst[instanceKey(in.Cloud, in.ID)] != nil {
		return nil, &Error{Code: EINVALID, Subject: "id", ID: in.ID, Message: fmt.Sprintf("Instance %s already exists.", in.ID)}
	}
	if sd.Operation == nil {
		t.putInstance(in)
		return in, nil
	}
	req := OperationRequest{Scope: Scope{Cloud: sd.Cloud, Account: acct}, Kind: sd.Operation.Kind, Mode: sd.Operation.Mode, SpecID: sd.Operation.SpecID, Hard: sd.Operation.Hard}
	job := &Job{ID: cloud.jobID(t.nextSeq())}
	if req.Kind == KindCreate {
		in.Power = PowerBuilding
		tr, _ := FindTransition(KindCreate, ModeStrict, PowerNone)
		t.startOperation(job, in, tr, req, nil)
		return in, nil
	}
	if err := s.admit(t, cloud, in, req, job); err != nil {
		return nil, err
	}
	return t.inst[instanceKey(in.Cloud, in.ID)], nil
}
