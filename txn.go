package vmplane

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"
)

// errReserved stops a plan that touched something another commit holds; the
// plan runs again once that commit ends.
var errReserved = errors.New("vmplane: reserved by a commit in flight")

// txn collects the changes one plan makes. Plans run under the service's
// write lock and read the live state through the txn, which sees its own
// changes first.
type txn struct {
	s   *Service
	now time.Time
	seq int64

	inst      map[string]*Instance
	instOrder []string
	ops       []*Operation
	accounts  map[string]*Account
	acctOrder []string
	resources []*Resource
	holds     []string // reservation keys besides instances
}

func newTxn(s *Service) *txn {
	return &txn{s: s, now: s.clock.Now(), seq: s.seq, inst: make(map[string]*Instance), accounts: make(map[string]*Account)}
}

func (t *txn) nextSeq() int64 {
	t.seq++
	return t.seq
}

// instance returns the current state of an instance in any account.
func (t *txn) instance(cloud, id string) (*Instance, error) {
	key := instanceKey(cloud, id)
	if in := t.inst[key]; in != nil {
		return in, nil
	}
	if t.s.reserved[key] {
		return nil, errReserved
	}
	if in := t.s.instances.get(key); in != nil {
		return in, nil
	}
	return nil, notFound("instance", id)
}

// scoped returns an instance of the scope; another account's instance is
// not found, exactly like one that does not exist.
func (t *txn) scoped(scope Scope, id string) (*Instance, error) {
	in, err := t.instance(scope.Cloud, id)
	if err != nil {
		return nil, err
	}
	if scope.Account != "" && in.Account != scope.Account {
		return nil, notFound("instance", id)
	}
	return in, nil
}

func (t *txn) putInstance(in *Instance) {
	key := instanceKey(in.Cloud, in.ID)
	if _, ok := t.inst[key]; !ok {
		t.instOrder = append(t.instOrder, key)
	}
	t.inst[key] = in
}

// resource returns a resource of scope as this txn sees it.
func (t *txn) resource(scope Scope, kind, id string) (*Resource, error) {
	key := resourceKey(scope.Cloud, kind, id)
	for _, r := range slices.Backward(t.resources) {
		if resourceKey(r.Cloud, r.Kind, r.ID) == key {
			return r, nil
		}
	}
	if t.s.reserved[key] {
		return nil, errReserved
	}
	r := t.s.resources[key]
	if r == nil || (scope.Account != "" && r.Account != scope.Account) {
		return nil, notFound(kind, id)
	}
	return r, nil
}

func (t *txn) putResource(r *Resource) {
	t.resources = append(t.resources, r)
	t.holds = append(t.holds, resourceKey(r.Cloud, r.Kind, r.ID))
}

func (t *txn) putOperation(op *Operation) {
	for i, o := range t.ops {
		if o.Cloud == op.Cloud && o.ID == op.ID {
			t.ops[i] = op
			return
		}
	}
	t.ops = append(t.ops, op)
}

// putAccount adds or replaces an account; old is what it replaces, if any.
func (t *txn) putAccount(a Account, old *Account) error {
	for _, key := range append([]string{"account:" + a.ID, "project:" + a.ProjectID}, keyHolds(a.Keys)...) {
		if t.s.reserved[key] {
			return errReserved
		}
	}
	for i, k := range a.Keys {
		if k.AccessKey == "" || k.SecretKey == "" {
			return invalid("keys", "An access key needs both an access key id and a secret.")
		}
		if slices.ContainsFunc(a.Keys[:i], func(o Key) bool { return o.AccessKey == k.AccessKey }) {
			return &Error{Code: EINVALID, Subject: "accessKey", ID: k.AccessKey, Message: "Access key " + k.AccessKey + " is given twice."}
		}
		if owner := t.s.keys[k.AccessKey]; owner != nil && (old == nil || owner.ID != old.ID) {
			return &Error{Code: EINVALID, Subject: "accessKey", ID: k.AccessKey, Message: "Access key " + k.AccessKey + " is already in use."}
		}
	}
	if a.ProjectID != "" {
		if owner := t.s.projects[a.ProjectID]; owner != nil && (old == nil || owner.ID != old.ID) {
			return &Error{Code: EINVALID, Subject: "projectId", ID: a.ProjectID, Message: "Project " + a.ProjectID + " belongs to another account."}
		}
	}
	if a.ProjectID == "" {
		a.ProjectID = GenerateProjectID()
	}
	if len(a.Keys) == 0 {
		a.Keys = []Key{GenerateKey()}
	}
	if _, ok := t.accounts[a.ID]; !ok {
		t.acctOrder = append(t.acctOrder, a.ID)
	}
	t.accounts[a.ID] = &a
	t.holds = append(t.holds, "account:"+a.ID, "project:"+a.ProjectID)
	t.holds = append(t.holds, keyHolds(a.Keys)...)
	return nil
}

func keyHolds(keys []Key) []string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = "key:" + k.AccessKey
	}
	return out
}

// startOperation puts in into the first step of tr and records the operation.
func (t *txn) startOperation(job *Job, in *Instance, tr Transition, req OperationRequest, fault *Fault) {
	cloud := t.s.clouds[in.Cloud]
	seq := t.nextSeq()
	op := &Operation{
		ID: cloud.operationID(seq), Seq: seq, JobID: job.ID, Cloud: in.Cloud, Account: in.Account, InstanceID: in.ID,
		Kind: tr.Kind, Mode: tr.Mode, Hard: req.Hard, Batch: req.Batch, FromSpecID: in.SpecID, Steps: tr.Steps, FailTo: tr.Failed,
		State: OpRunning, CreatedAt: t.now, StepStartedAt: t.now, Fault: fault,
	}
	if tr.Kind == KindResize || tr.Kind == KindScheduledResize {
		op.SpecID = req.SpecID
	}
	if fault == nil || fault.Effect != FaultHang {
		op.DueAt = t.now.Add(t.s.stepDuration(op))
	}
	in.Op, in.UpdatedAt = op, t.now
	t.putOperation(op)
	t.putInstance(in)
	job.Operations = append(job.Operations, *op)
}

func (t *txn) empty() bool {
	return len(t.inst) == 0 && len(t.ops) == 0 && len(t.accounts) == 0 && len(t.resources) == 0
}

func (t *txn) reservations() []string { return append(t.holds, t.instOrder...) }

func (t *txn) changes() *Changes {
	c := &Changes{Seq: t.seq}
	for _, id := range t.acctOrder {
		c.Accounts = append(c.Accounts, *t.accounts[id])
	}
	for _, key := range t.instOrder {
		// An instance whose only change is the operation now in flight
		// needs no write: the operation's row says it all (see restore).
		// Skipping it halves the pages an accepted operation dirties.
		if in := t.inst[key]; !sameRecord(in, t.s.instances.get(key)) {
			c.Instances = append(c.Instances, *in)
		}
	}
	for _, op := range t.ops {
		c.Operations = append(c.Operations, *op)
	}
	for _, r := range t.resources {
		c.Resources = append(c.Resources, *r)
	}
	return c
}

// mutate runs plan under the write lock, reserves what it touched, commits
// its changes outside the lock, and publishes them once they are durable.
// A plan that meets a reservation runs again when that commit ends.
func (s *Service) mutate(ctx context.Context, plan func(t *txn) error) (*txn, error) {
	s.mu.Lock()
	var t *txn
	for {
		t = newTxn(s)
		err := plan(t)
		if errors.Is(err, errReserved) {
			s.released.Wait()
			continue
		}
		if err != nil {
			s.mu.Unlock()
			return nil, err
		}
		break
	}
	if t.empty() {
		s.mu.Unlock()
		return t, nil
	}
	holds := t.reservations()
	for _, k := range holds {
		s.reserved[k] = true
	}
	s.seq = max(s.seq, t.seq)
	changes := t.changes() // reads the live state: under the lock
	s.mu.Unlock()

	// Once started, a commit is seen through: abandoning it on a client's
	// disconnect would leave memory and store disagreeing.
	err := s.store.Commit(context.WithoutCancel(ctx), changes)

	s.mu.Lock()
	for _, k := range holds {
		delete(s.reserved, k)
	}
	if err == nil {
		s.apply(t)
	}
	s.released.Broadcast()
	s.mu.Unlock()
	if err != nil {
		return nil, fmt.Errorf("commit: %w", err)
	}
	s.worker.kick()
	return t, nil
}

// dryRun runs plan as mutate would, and throws its changes away.
func (s *Service) dryRun(ctx context.Context, plan func(t *txn, job *Job) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for {
		err := plan(newTxn(s), nil)
		if !errors.Is(err, errReserved) {
			return err
		}
		s.released.Wait()
	}
}

// accept commits a plan that starts operations as one job and returns the
// job as committed.
func (s *Service) accept(ctx context.Context, cloud *Cloud, plan func(t *txn, job *Job) error) (*Job, error) {
	var job *Job
	t, err := s.mutate(ctx, func(t *txn) error {
		job = &Job{ID: cloud.jobID(t.nextSeq())}
		if err := plan(t, job); err != nil {
			return err
		}
		return s.checkMachines(t)
	})
	if err != nil {
		return nil, err
	}
	for _, op := range job.Operations {
		job.Instances = append(job.Instances, *t.inst[instanceKey(op.Cloud, op.InstanceID)])
	}
	return job, nil
}

// apply publishes committed changes. It runs under the write lock.
func (s *Service) apply(t *txn) {
	for _, id := range t.acctOrder {
		s.putAccount(t.accounts[id])
	}
	for _, op := range t.ops {
		key := opKey(op.Cloud, op.ID)
		_, known := s.ops[key]
		if op.Done() {
			delete(s.ops, key)
			s.observer.OperationFinished(op)
		} else {
			s.ops[key] = op
			if !known {
				s.observer.OperationStarted(op)
			}
		}
		s.jobs.put(op)
	}
	for _, key := range t.instOrder {
		s.putInstance(t.inst[key])
	}
	for _, r := range t.resources {
		s.putResource(r)
	}
	for _, op := range t.ops {
		if !op.Done() {
			s.worker.schedule(op)
		}
	}
	for _, key := range t.instOrder {
		s.worker.scheduleChange(t.inst[key])
	}
}

// checkMachines refuses, for a driver with a Limiter, a plan that would
// have more machines on than it can run. Plans that add machines hold a
// common reservation, so two of them never both take the last place.
func (s *Service) checkMachines(t *txn) error {
	l, ok := s.driver.(Limiter)
	if !ok || l.MaxMachines() <= 0 {
		return nil
	}
	added := 0
	for key, in := range t.inst {
		added += machineOn(in)
		if old := s.instances.get(key); old != nil {
			added -= machineOn(old)
		}
	}
	if added <= 0 {
		return nil
	}
	const hold = "machines"
	if s.reserved[hold] {
		return errReserved
	}
	on := added
	for in := range s.instances.all() {
		on += machineOn(in)
	}
	if max := l.MaxMachines(); on > max {
		return &Error{Code: EQUOTA, Subject: "machines",
			Message: fmt.Sprintf("The limit of %d running machines is reached; stop or terminate one first.", max)}
	}
	t.holds = append(t.holds, hold)
	return nil
}

// machineOn is 1 for an instance whose machine runs, boots, or will be
// powered on by the operation in flight.
func machineOn(in *Instance) int {
	if in.Power == PowerRunning || in.Power == PowerBuilding {
		return 1
	}
	if op := in.Op; op != nil {
		for _, st := range op.Steps[op.Step:] {
			if st.Action == ActionPowerOn || st.Action == ActionReboot {
				return 1
			}
		}
	}
	return 0
}

// sameRecord reports whether a and b store the same row: they differ at most
// in the operation in flight and the update time.
func sameRecord(a, b *Instance) bool {
	if a == nil || b == nil {
		return false
	}
	return a.ID == b.ID && a.Seq == b.Seq && a.Cloud == b.Cloud && a.Account == b.Account && a.Name == b.Name &&
		a.SpecID == b.SpecID && a.VCPU == b.VCPU && a.MemoryMiB == b.MemoryMiB && a.DiskType == b.DiskType &&
		a.DiskGiB == b.DiskGiB && a.ImageID == b.ImageID && a.Region == b.Region && a.Zone == b.Zone &&
		a.Charge == b.Charge && a.PeriodMonths == b.PeriodMonths && a.Power == b.Power && a.Protected == b.Protected &&
		a.CreatedAt.Equal(b.CreatedAt) && a.LaunchedAt.Equal(b.LaunchedAt) &&
		ptrEqual(a.Scheduled, b.Scheduled) && ptrEqual(a.Last, b.Last) && maps.Equal(a.Attrs, b.Attrs)
}

func ptrEqual[T comparable](a, b *T) bool {
	return a == b || (a != nil && b != nil && *a == *b)
}
