package vmplane

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"
)

// DefaultDurations are how long each kind of operation takes at time scale 1,
// like a fast real cloud. An operation of several steps takes the sum of its
// steps' durations (see Action.DurationKind).
var DefaultDurations = map[Kind]time.Duration{
	KindCreate:    5 * time.Second,
	KindStart:     3 * time.Second,
	KindStop:      3 * time.Second,
	KindReboot:    3 * time.Second,
	KindResize:    4 * time.Second,
	KindTerminate: 3 * time.Second,
}

// DefaultAccountID is the id of the account every server starts with.
const DefaultAccountID = "default"

// Config wires a Service.
type Config struct {
	Store  Store
	Driver Driver
	Clock  Clock
	Logger *slog.Logger
	// Observer hears about operations; may be nil.
	Observer Observer
	// Clouds are the dialects served.
	Clouds []*Cloud
	// Durations overrides DefaultDurations per kind.
	Durations map[Kind]time.Duration
	// TimeScale multiplies every duration; 0 completes operations on the
	// worker's next tick.
	TimeScale float64
	// DefaultAccount is created at start and after a reset when missing.
	// Keys given here replace the stored ones.
	DefaultAccount AccountCreate
	// JobCacheSize is how many recent jobs stay in memory (default 65536).
	JobCacheSize int
}

// Service is the control plane: it accepts operations, commits them, and
// drives them to completion. All of its methods are safe for concurrent use.
//
// The live state is in memory; every change is committed to the Store
// before it becomes visible or is acknowledged. An instance that is part of
// a commit in flight is reserved: other changes to it wait until the commit
// ends, then see its new state. That is what gives exactly one winner when
// clients race: the loser sees the winner's operation and gets EBUSY.
type Service struct {
	store     Store
	driver    Driver
	clock     Clock
	log       *slog.Logger
	observer  Observer
	clouds    map[string]*Cloud
	durations map[Kind]time.Duration
	timeScale float64
	defAcct   AccountCreate
	faults    faults

	mu        sync.RWMutex
	released  *sync.Cond // broadcast whenever reservations end
	seq       int64
	accounts  map[string]*Account
	keys      map[string]*Account // by access key
	projects  map[string]*Account // by project id
	instances *instanceTable
	indexes   map[indexKey]*scopeIndex
	reserved  map[string]bool
	ops       map[string]*Operation // running, by opKey
	jobs      *jobCache
	resources map[string]*Resource

	worker *worker
	cancel context.CancelFunc
	done   chan struct{}
	// watching counts the goroutines recording what a Watcher reported, so
	// that Close returns only once none is left; closed refuses new ones.
	watchMu  sync.Mutex
	watching sync.WaitGroup
	closed   bool
}

// Open loads the state from cfg.Store and starts the worker.
func Open(ctx context.Context, cfg Config) (*Service, error) {
	if cfg.Store == nil || cfg.Driver == nil || cfg.Clock == nil {
		return nil, errors.New("vmplane: Config needs a Store, a Driver and a Clock")
	}
	s := &Service{
		store:     cfg.Store,
		driver:    cfg.Driver,
		clock:     cfg.Clock,
		log:       cfg.Logger,
		observer:  cfg.Observer,
		clouds:    make(map[string]*Cloud),
		durations: make(map[Kind]time.Duration),
		timeScale: cfg.TimeScale,
		defAcct:   cfg.DefaultAccount,
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.observer == nil {
		s.observer = nopObserver{}
	}
	for _, c := range cfg.Clouds {
		if c.Catalog == nil {
			c.Catalog = &Catalog{}
		}
		s.clouds[c.Name] = c
	}
	for k, d := range DefaultDurations {
		if o, ok := cfg.Durations[k]; ok {
			d = o
		}
		s.durations[k] = time.Duration(float64(d) * cfg.TimeScale)
	}
	if s.defAcct.ID == "" {
		s.defAcct.ID = DefaultAccountID
	}
	size := cfg.JobCacheSize
	if size <= 0 {
		size = 1 << 16
	}
	s.released = sync.NewCond(&s.mu)
	s.reset(size)
	s.worker = newWorker(s)

	snap, err := s.store.Load(ctx)
	if err != nil {
		return nil, fmt.Errorf("load state: %w", err)
	}
	s.restore(snap)
	if err := s.restoreJobs(ctx); err != nil {
		return nil, fmt.Errorf("load jobs: %w", err)
	}
	if err := s.ensureDefaultAccount(ctx); err != nil {
		return nil, err
	}
	wctx, cancel := context.WithCancel(context.Background())
	s.cancel, s.done = cancel, make(chan struct{})
	if w, ok := s.driver.(Watcher); ok {
		w.Watch(func(key string) { s.watch(wctx, key) })
	}
	if err := s.reconcile(ctx); err != nil {
		cancel()
		return nil, err
	}
	go func() { defer close(s.done); s.worker.run(wctx) }()
	return s, nil
}

// Close stops the worker and waits for the steps it is running. It does not
// close the Store, which the caller owns.
func (s *Service) Close() error {
	if s.cancel != nil {
		s.watchMu.Lock()
		s.closed = true
		s.watchMu.Unlock()
		s.cancel()
		<-s.done
		s.worker.wait()
		s.watching.Wait()
	}
	return nil
}

// watch records, in a goroutine of its own (the driver's call must not
// block), the state of the machine a Watcher reported changed.
func (s *Service) watch(ctx context.Context, key string) {
	s.watchMu.Lock()
	defer s.watchMu.Unlock()
	if !s.closed {
		s.watching.Go(func() { s.machineChanged(ctx, key) })
	}
}

func (s *Service) reset(jobCacheSize int) {
	s.seq = 0
	s.accounts = make(map[string]*Account)
	s.keys = make(map[string]*Account)
	s.projects = make(map[string]*Account)
	s.instances = newInstanceTable(0)
	s.indexes = make(map[indexKey]*scopeIndex)
	s.reserved = make(map[string]bool)
	s.ops = make(map[string]*Operation)
	s.jobs = newJobCache(jobCacheSize)
	s.resources = make(map[string]*Resource)
}

func (s *Service) restore(snap *Snapshot) {
	s.seq = snap.Seq
	for i := range snap.Accounts {
		s.putAccount(&snap.Accounts[i])
	}
	for i := range snap.Resources {
		s.putResource(&snap.Resources[i])
	}
	running := make(map[string]*Operation, len(snap.Operations))
	for i := range snap.Operations {
		op := &snap.Operations[i]
		running[instanceKey(op.Cloud, op.InstanceID)] = op
		s.ops[opKey(op.Cloud, op.ID)] = op
		s.jobs.put(op)
		s.observer.OperationStarted(op)
	}
	s.instances = newInstanceTable(len(snap.Instances))
	for _, in := range snap.Instances {
		// The row is not rewritten when an operation is accepted; the
		// operation's own row carries the change.
		if op := running[instanceKey(in.Cloud, in.ID)]; op != nil {
			in.Op = op
			in.UpdatedAt = maxTime(in.UpdatedAt, op.StepStartedAt)
		}
		s.putInstance(in)
	}
	for _, op := range s.ops {
		s.worker.schedule(op)
	}
	for in := range s.instances.all() {
		s.worker.scheduleChange(in)
	}
}

// restoreJobs puts back in the job cache the finished operations of every
// job that still runs, so that a job is never seen half.
func (s *Service) restoreJobs(ctx context.Context) error {
	jobs := make(map[[2]string]bool)
	for _, op := range s.ops {
		jobs[[2]string{op.Cloud, op.JobID}] = true
	}
	for j := range jobs {
		ops, err := s.store.FindOperations(ctx, OperationFilter{Cloud: j[0], JobID: j[1]})
		if err != nil {
			return err
		}
		for i := range ops {
			if ops[i].Done() {
				s.jobs.put(&ops[i])
			}
		}
	}
	return nil
}

// reconcile asks a driver that can inspect machines about every idle
// instance, and records what it finds: a machine that stopped while vmplane
// was down is stopped.
func (s *Service) reconcile(ctx context.Context) error {
	if _, ok := s.driver.(Inspector); !ok {
		return nil
	}
	for _, in := range s.snapshotInstances() {
		if err := s.inspect(ctx, in); err != nil {
			return err
		}
	}
	return nil
}

// inspect asks the driver about one idle running or stopped instance and
// records the state it finds, if it differs.
func (s *Service) inspect(ctx context.Context, in *Instance) error {
	insp, ok := s.driver.(Inspector)
	if !ok || !in.Idle() || (in.Power != PowerRunning && in.Power != PowerStopped) {
		return nil
	}
	got, err := insp.Inspect(ctx, s.machine(in, nil))
	if err != nil {
		s.log.Warn("inspect machine", "instance", in.ID, "err", err)
		return nil
	}
	if got == in.Power || got == PowerNone {
		return nil
	}
	s.log.Info("machine state differs from record", "instance", in.ID, "recorded", in.Power, "found", got)
	_, err = s.mutate(ctx, func(t *txn) error {
		cur, err := t.instance(in.Cloud, in.ID)
		if err != nil || !cur.Idle() || cur.Power != in.Power {
			return err
		}
		n := *cur
		n.Power, n.UpdatedAt = got, t.now
		t.putInstance(&n)
		return nil
	})
	return err
}

// machineChanged inspects the instance whose machine is key once no
// operation runs on it: an operation in flight decides the state itself.
func (s *Service) machineChanged(ctx context.Context, key string) {
	stop := context.AfterFunc(ctx, func() {
		s.mu.Lock()
		s.released.Broadcast()
		s.mu.Unlock()
	})
	defer stop()
	s.mu.Lock()
	in := s.instances.get(key)
	for in != nil && (!in.Idle() || s.reserved[key]) && ctx.Err() == nil {
		s.released.Wait()
		in = s.instances.get(key)
	}
	s.mu.Unlock()
	if in == nil || ctx.Err() != nil {
		return
	}
	if err := s.inspect(ctx, in); err != nil && ctx.Err() == nil {
		s.log.Error("record machine state", "instance", in.ID, "err", err)
	}
}

func (s *Service) snapshotInstances() []*Instance {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return slices.Collect(s.instances.all())
}

func (s *Service) ensureDefaultAccount(ctx context.Context) error {
	s.mu.RLock()
	cur := s.accounts[s.defAcct.ID]
	s.mu.RUnlock()
	if cur != nil && (len(s.defAcct.Keys) == 0 || slices.Equal(cur.Keys, s.defAcct.Keys)) &&
		(s.defAcct.ProjectID == "" || cur.ProjectID == s.defAcct.ProjectID) {
		return nil
	}
	_, err := s.mutate(ctx, func(t *txn) error {
		a := Account{ID: s.defAcct.ID, Name: s.defAcct.Name, ProjectID: s.defAcct.ProjectID, Keys: s.defAcct.Keys, CreatedAt: t.now}
		if cur != nil {
			a.CreatedAt = cur.CreatedAt
			if a.ProjectID == "" {
				a.ProjectID = cur.ProjectID
			}
			if len(a.Keys) == 0 {
				a.Keys = cur.Keys
			}
		}
		return t.putAccount(a, cur)
	})
	return err
}

// Now returns the core's current time.
func (s *Service) Now() time.Time { return s.clock.Now() }

// Scaled returns d at the service's time scale, for a cloud that times
// changes of its own resources (an image being made) as operations are timed.
func (s *Service) Scaled(d time.Duration) time.Duration {
	return time.Duration(float64(d) * s.timeScale)
}

// Cloud returns a registered cloud.
func (s *Service) Cloud(name string) (*Cloud, bool) {
	c, ok := s.clouds[name]
	return c, ok
}

// Catalog returns a cloud's catalog (never nil).
func (s *Service) Catalog(cloud string) *Catalog {
	if c, ok := s.clouds[cloud]; ok {
		return c.Catalog
	}
	return &Catalog{}
}

// FindAccountByKey returns the account an access key belongs to and the key.
func (s *Service) FindAccountByKey(accessKey string) (*Account, Key, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	a := s.keys[accessKey]
	if a == nil {
		return nil, Key{}, notFound("key", accessKey)
	}
	for _, k := range a.Keys {
		if k.AccessKey == accessKey {
			return a, k, nil
		}
	}
	return nil, Key{}, notFound("key", accessKey)
}

// FindAccountByProject returns the account that owns a project id.
func (s *Service) FindAccountByProject(projectID string) (*Account, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if a := s.projects[projectID]; a != nil {
		return a, nil
	}
	return nil, notFound("project", projectID)
}

// FindAccountByID returns an account.
func (s *Service) FindAccountByID(id string) (*Account, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if a := s.accounts[id]; a != nil {
		return a, nil
	}
	return nil, notFound("account", id)
}

// Accounts lists every account.
func (s *Service) Accounts() []Account {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]Account, 0, len(s.accounts))
	for _, a := range s.accounts {
		out = append(out, *a)
	}
	slices.SortFunc(out, func(a, b Account) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// CreateAccount adds an account; missing ids and keys are generated.
func (s *Service) CreateAccount(ctx context.Context, req AccountCreate) (Account, error) {
	var out Account
	_, err := s.mutate(ctx, func(t *txn) error {
		a := Account{ID: req.ID, Name: req.Name, ProjectID: req.ProjectID, Keys: req.Keys, CreatedAt: t.now}
		if a.ID == "" {
			a.ID = "acct-" + randomHex(6)
		}
		if s.accounts[a.ID] != nil {
			return &Error{Code: EINVALID, Subject: "id", ID: a.ID, Message: fmt.Sprintf("Account %q already exists.", a.ID)}
		}
		out = a
		return t.putAccount(a, nil)
	})
	if err != nil {
		return Account{}, err
	}
	a, _ := s.FindAccountByID(out.ID)
	return *a, nil
}

// GenerateKey returns a new random access key pair.
func GenerateKey() Key {
	return Key{AccessKey: strings.ToUpper(randomHex(10)), SecretKey: randomHex(20)}
}

// GenerateProjectID returns a new random project id: 32 hex digits.
func GenerateProjectID() string { return randomHex(16) }

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

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
	if f.Compare == nil {
		out, total := page(all, f.Match, f.Offset, f.Limit)
		return out, total, nil
	}
	if f.Match != nil {
		all = slices.DeleteFunc(slices.Clone(all), func(in *Instance) bool { return !f.Match(in) })
	} else {
		all = slices.Clone(all)
	}
	slices.SortStableFunc(all, f.Compare)
	out, total := page(all, nil, f.Offset, f.Limit)
	return out, total, nil
}

// page returns the instances of all that match (all of them when match is
// nil) from offset, at most limit of them (0: no limit), and counts the
// matches. The page is a slice of its own: all may be an index that changes
// once the caller lets go of the lock.
func page(all []*Instance, match func(*Instance) bool, offset, limit int) ([]*Instance, int) {
	offset = max(offset, 0)
	if match == nil {
		lo, hi := min(offset, len(all)), len(all)
		if limit > 0 {
			hi = min(lo+limit, hi)
		}
		out := make([]*Instance, hi-lo)
		copy(out, all[lo:hi])
		return out, len(all)
	}
	out := []*Instance{}
	total := 0
	for _, in := range all {
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

// InstanceUpdate changes what an instance records without an operation.
// Nil fields are left alone; Attrs entries are merged, "" deletes one.
type InstanceUpdate struct {
	Name      *string
	Protected *bool
	Attrs     map[string]string
}

// UpdateInstance applies an InstanceUpdate.
func (s *Service) UpdateInstance(ctx context.Context, scope Scope, id string, u InstanceUpdate) (Instance, error) {
	out, err := s.UpdateInstances(ctx, scope, []string{id}, u)
	if err != nil {
		return Instance{}, err
	}
	return out[0], nil
}

// UpdateInstances applies one InstanceUpdate to several instances, in one
// commit: all of them, or none when one is not found.
func (s *Service) UpdateInstances(ctx context.Context, scope Scope, ids []string, u InstanceUpdate) ([]Instance, error) {
	out := make([]Instance, len(ids))
	_, err := s.mutate(ctx, func(t *txn) error {
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
	spec, zone, err := s.placement(cloud, req.SpecID, req.ImageID, req.Zone)
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
			in := &Instance{
				ID: cloud.instanceID(seq), Seq: seq, Cloud: req.Cloud, Account: req.Account, Name: name,
				SpecID: spec.ID, VCPU: spec.VCPU, MemoryMiB: spec.MemoryMiB, DiskType: firstNonEmpty(req.DiskType, spec.DiskType),
				DiskGiB: firstNonEmpty(req.DiskGiB, spec.DiskGiB), ImageID: req.ImageID, Region: zone.Region, Zone: zone.ID,
				Charge: req.Charge, PeriodMonths: req.Period, Power: PowerBuilding, Protected: req.Protected,
				CreatedAt: t.now, UpdatedAt: t.now, Attrs: req.Attrs,
			}
			if s.instances.get(instanceKey(in.Cloud, in.ID)) != nil {
				return Errorf(EINTERNAL, "instance id %s already taken", in.ID)
			}
			tr, _ := FindTransition(KindCreate, ModeStrict, PowerNone)
			t.startOperation(job, in, tr, OperationRequest{Kind: KindCreate}, s.faults.take(req.Cloud, KindCreate, ""))
		}
		return nil
	})
}

// placement resolves a spec, image and zone of cloud, defaulting the zone to
// the first one the catalog lists.
func (s *Service) placement(cloud *Cloud, specID, imageID, zoneID string) (*Spec, *Zone, error) {
	cat := cloud.Catalog
	spec := cat.FindSpec(specID)
	if spec == nil {
		return nil, nil, notFound("spec", specID)
	}
	if imageID != "" && len(cat.Images) > 0 && cat.FindImage(imageID) == nil {
		return nil, nil, notFound("image", imageID)
	}
	var zone *Zone
	if zoneID == "" {
		for i := range cat.Zones {
			if spec.OfferedIn(cat.Zones[i].ID) {
				zone = &cat.Zones[i]
				break
			}
		}
		if zone == nil {
			zone = &Zone{}
		}
	} else if zone = cat.FindZone(zoneID); zone == nil {
		return nil, nil, notFound("zone", zoneID)
	}
	if zone.ID != "" && !spec.OfferedIn(zone.ID) {
		return nil, nil, &Error{Code: EINCOMPATIBLE, Subject: "spec", ID: spec.ID,
			Message: fmt.Sprintf("Spec %s is not offered in zone %s.", spec.ID, zone.ID)}
	}
	return spec, zone, nil
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func firstNonEmpty[T comparable](a, b T) T {
	var zero T
	if a != zero {
		return a
	}
	return b
}

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
	spec, zone, err := s.placement(cloud, sd.SpecID, sd.ImageID, sd.Zone)
	if err != nil {
		return nil, err
	}
	acct := firstNonEmpty(sd.Account, s.defAcct.ID)
	if s.accounts[acct] == nil && t.accounts[acct] == nil {
		return nil, notFound("account", acct)
	}
	charge := firstNonEmpty(sd.Charge, ChargePayPerUse)
	if !charge.Valid() {
		return nil, invalid("charge", "Unknown charge type %q.", charge)
	}
	power := firstNonEmpty(sd.Power, PowerRunning)
	if !slices.Contains(PowerStates, power) || power == PowerDeleted || (power == PowerBuilding && (sd.Operation == nil || sd.Operation.Kind != KindCreate)) {
		return nil, invalid("power", "An instance cannot be seeded in state %q.", power)
	}
	seq := t.nextSeq()
	in := &Instance{
		ID: firstNonEmpty(sd.ID, cloud.instanceID(seq)), Seq: seq, Cloud: sd.Cloud, Account: acct,
		Name: firstNonEmpty(sd.Name, fmt.Sprintf("seed-%d", seq)), SpecID: spec.ID, VCPU: spec.VCPU, MemoryMiB: spec.MemoryMiB,
		DiskType: firstNonEmpty(sd.DiskType, spec.DiskType), DiskGiB: firstNonEmpty(sd.DiskGiB, spec.DiskGiB), ImageID: sd.ImageID,
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

// Reset removes all state, asks the driver to clean up, and recreates the
// default account.
func (s *Service) Reset(ctx context.Context) error {
	s.mu.Lock()
	for len(s.reserved) > 0 {
		s.released.Wait()
	}
	if err := s.store.Reset(ctx); err != nil {
		s.mu.Unlock()
		return err
	}
	s.reset(s.jobs.max)
	s.worker.clear()
	s.mu.Unlock()
	if c, ok := s.driver.(Cleaner); ok {
		if err := c.Cleanup(ctx); err != nil {
			s.log.Warn("driver cleanup", "err", err)
		}
	}
	return s.ensureDefaultAccount(ctx)
}

// Settle waits until the worker has done every step due by now, so that a
// caller who advanced the clock sees the result. Steps waiting on a real
// hypervisor are not waited for.
func (s *Service) Settle(ctx context.Context) error { return s.worker.settle(ctx) }

// Describe asks a driver that can describe machines about one instance.
func (s *Service) Describe(ctx context.Context, in *Instance) (map[string]any, error) {
	d, ok := s.driver.(Describer)
	if !ok {
		return nil, nil
	}
	return d.Describe(ctx, s.machine(in, nil))
}

func (s *Service) stepDuration(op *Operation) time.Duration {
	if op.Fault != nil && op.Fault.Effect == FaultDelay {
		return op.Fault.Duration / time.Duration(len(op.Steps))
	}
	return s.durations[op.Current().Action.DurationKind()]
}

// machine describes in to the driver, sized for the step op is at.
func (s *Service) machine(in *Instance, op *Operation) Machine {
	m := Machine{Key: instanceKey(in.Cloud, in.ID), Name: in.Name, VCPU: in.VCPU, MemoryMiB: in.MemoryMiB, ImageID: in.ImageID}
	if op == nil {
		return m
	}
	m.Hard = op.Hard
	m.Step = fmt.Sprintf("%s/%d", op.ID, op.Step)
	if op.Current().Action == ActionApplySpec {
		if spec := s.Catalog(in.Cloud).FindSpec(op.SpecID); spec != nil {
			m.VCPU, m.MemoryMiB = spec.VCPU, spec.MemoryMiB
		}
	}
	return m
}

func (s *Service) putAccount(a *Account) {
	if old := s.accounts[a.ID]; old != nil {
		for _, k := range old.Keys {
			delete(s.keys, k.AccessKey)
		}
		delete(s.projects, old.ProjectID)
	}
	s.accounts[a.ID] = a
	for _, k := range a.Keys {
		s.keys[k.AccessKey] = a
	}
	if a.ProjectID != "" {
		s.projects[a.ProjectID] = a
	}
}

func (s *Service) putInstance(in *Instance) {
	key := instanceKey(in.Cloud, in.ID)
	if old := s.instances.get(key); old != nil && (old.Region != in.Region || old.Account != in.Account) {
		s.unindex(old)
	}
	if in.Power == PowerDeleted {
		s.instances.delete(key)
		s.unindex(in)
		return
	}
	s.instances.put(key, in)
	keys, n := indexKeys(in)
	for _, k := range keys[:n] {
		x := s.indexes[k]
		if x == nil {
			x = &scopeIndex{}
			s.indexes[k] = x
		}
		x.put(in)
	}
}

func (s *Service) unindex(in *Instance) {
	keys, n := indexKeys(in)
	for _, k := range keys[:n] {
		if x := s.indexes[k]; x != nil {
			x.remove(in.Seq)
		}
	}
}
