package vmplane

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
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
	if err := s.ensureDefaultAccount(ctx, nil); err != nil {
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

// watch records, in a goroutine of its own (a Watcher's call must not
// block), the state of a machine that may have changed: a Watcher said so,
// or an operation on it failed.
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
	// The finished operations of a running job join it in the job cache,
	// so that a job is never seen half.
	for i := range snap.JobOperations {
		s.jobs.put(&snap.JobOperations[i])
	}
	// The table and the indexes are new and sized for what comes: nothing
	// is replaced, and no list grows by copies (a tenth of a restart's
	// CPU at a million instances). They share nothing, so they are built
	// side by side; the indexes read none of the fields set here.
	s.instances = newInstanceTable(len(snap.Instances))
	var indexed sync.WaitGroup
	indexed.Go(func() { s.indexAll(snap.Instances) })
	for _, in := range snap.Instances {
		// The row is not rewritten when an operation is accepted; the
		// operation's own row carries the change.
		key := instanceKey(in.Cloud, in.ID)
		if op := running[key]; op != nil {
			in.Op = op
			in.UpdatedAt = maxTime(in.UpdatedAt, op.StepStartedAt)
		}
		s.instances.put(key, in)
	}
	indexed.Wait()
	for _, op := range s.ops {
		s.worker.schedule(op)
	}
	for in := range s.instances.all() {
		s.worker.scheduleChange(in)
	}
}

// PruneOperations forgets the operations that finished more than age ago on
// the core's clock, but none of a job that still runs, and says how many it
// removed. Clouds forget old jobs too; a long-lived store otherwise keeps
// every change it ever made.
func (s *Service) PruneOperations(ctx context.Context, age time.Duration) (int, error) {
	if age < 0 {
		return 0, invalid("olderThan", "An age must not be negative.")
	}
	before := s.clock.Now().Add(-age)
	n, err := s.store.PruneOperations(ctx, before)
	if err != nil {
		return 0, err
	}
	s.mu.Lock()
	s.jobs.forget(before)
	s.mu.Unlock()
	return n, nil
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

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// Reset removes all state, asks the driver to clean up, and recreates the
// default account with the keys and project id it had.
func (s *Service) Reset(ctx context.Context) error {
	s.mu.Lock()
	for len(s.reserved) > 0 {
		s.released.Wait()
	}
	// The default account comes back with its keys and project id: the
	// ones the server printed at start, which clients are configured with.
	def := s.accounts[s.defAcct.ID]
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
	return s.ensureDefaultAccount(ctx, def)
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
	s.index(in)
}

// index puts in into the lists of its scope and region.
func (s *Service) index(in *Instance) {
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

// indexAll puts instances, in creation order, into lists each made as long
// as it will be.
func (s *Service) indexAll(instances []*Instance) {
	counts := make(map[indexKey]int)
	for _, in := range instances {
		keys, n := indexKeys(in)
		for _, k := range keys[:n] {
			counts[k]++
		}
	}
	for k, n := range counts {
		x := s.indexes[k]
		if x == nil {
			x = &scopeIndex{}
			s.indexes[k] = x
		}
		x.items = slices.Grow(x.items, n)
	}
	for _, in := range instances {
		s.index(in)
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
