package vmplane

import (
	"container/heap"
	"context"
	"errors"
	"strings"
	"sync"
	"time"
)

const (
	// maxAttempts bounds the retries of a driver error before the
	// operation fails.
	maxAttempts = 5
	// maxConcurrentSteps bounds the driver calls in flight.
	maxConcurrentSteps = 512
	changePrefix       = "change\x00"
)

// worker carries operations through their steps. It is level-based: given
// an operation, it re-reads the operation and its instance, asks the driver
// for the current step, and commits the outcome; a step it cannot finish is
// retried, and a restart simply schedules every running operation again.
type worker struct {
	s    *Service
	wake chan struct{}
	sem  chan struct{}
	wg   sync.WaitGroup

	mu       sync.Mutex
	progress *sync.Cond // broadcast whenever a step ends or entries are taken
	queue    dueQueue
	running  map[string]bool
	// deferred holds entries that came due while their key was running;
	// they go back in the queue, in the same critical section that ends the
	// run, so that settle never sees the key idle with work still owed.
	deferred map[string][]entry
	attempts map[string]int
}

func newWorker(s *Service) *worker {
	w := &worker{
		s:        s,
		wake:     make(chan struct{}, 1),
		sem:      make(chan struct{}, maxConcurrentSteps),
		running:  make(map[string]bool),
		deferred: make(map[string][]entry),
		attempts: make(map[string]int),
	}
	w.progress = sync.NewCond(&w.mu)
	return w
}

// entry is one thing due at a time: the current step of an operation, or
// an instance's scheduled change.
type entry struct {
	at   time.Time
	key  string
	step int
}

type dueQueue []entry

func (q dueQueue) Len() int           { return len(q) }
func (q dueQueue) Less(i, j int) bool { return q[i].at.Before(q[j].at) }
func (q dueQueue) Swap(i, j int)      { q[i], q[j] = q[j], q[i] }
func (q *dueQueue) Push(x any)        { *q = append(*q, x.(entry)) }
func (q *dueQueue) Pop() any {
	old := *q
	e := old[len(old)-1]
	*q = old[:len(old)-1]
	return e
}

func (w *worker) push(e entry) {
	w.mu.Lock()
	heap.Push(&w.queue, e)
	w.mu.Unlock()
	w.kick()
}

// schedule queues the current step of op; a held operation waits for Release.
func (w *worker) schedule(op *Operation) {
	if !op.Done() && !op.DueAt.IsZero() {
		w.push(entry{at: op.DueAt, key: opKey(op.Cloud, op.ID), step: op.Step})
	}
}

// scheduleChange queues an instance's scheduled change.
func (w *worker) scheduleChange(in *Instance) {
	if in.Scheduled != nil && in.Idle() {
		w.push(entry{at: in.Scheduled.At, key: changePrefix + instanceKey(in.Cloud, in.ID)})
	}
}

func (w *worker) kick() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

func (w *worker) clear() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.queue = nil
	clear(w.attempts)
	clear(w.deferred)
}

func (w *worker) wait() { w.wg.Wait() }

func (w *worker) run(ctx context.Context) {
	clock := w.s.clock
	for {
		changed := clock.Changed()
		now := clock.Now()
		w.mu.Lock()
		for len(w.queue) > 0 && !w.queue[0].at.After(now) {
			e := heap.Pop(&w.queue).(entry)
			if w.running[e.key] {
				w.deferred[e.key] = append(w.deferred[e.key], e)
				continue
			}
			w.running[e.key] = true
			w.wg.Add(1)
			go w.do(ctx, e)
		}
		var timer *time.Timer
		var fire <-chan time.Time
		if len(w.queue) > 0 && clock.Running() {
			timer = time.NewTimer(w.queue[0].at.Sub(now))
			fire = timer.C
		}
		w.progress.Broadcast()
		w.mu.Unlock()

		select {
		case <-ctx.Done():
		case <-w.wake:
		case <-changed:
		case <-fire:
		}
		if timer != nil {
			timer.Stop()
		}
		if ctx.Err() != nil {
			return
		}
	}
}

func (w *worker) do(ctx context.Context, e entry) {
	w.sem <- struct{}{}
	defer func() {
		<-w.sem
		w.mu.Lock()
		delete(w.running, e.key)
		for _, d := range w.deferred[e.key] {
			heap.Push(&w.queue, d)
		}
		delete(w.deferred, e.key)
		w.progress.Broadcast()
		w.mu.Unlock()
		w.wg.Done()
		w.kick()
	}()
	if strings.HasPrefix(e.key, changePrefix) {
		w.s.startScheduledChange(ctx, strings.TrimPrefix(e.key, changePrefix))
		return
	}
	w.step(ctx, e)
}

// step runs the current step of an operation once.
func (w *worker) step(ctx context.Context, e entry) {
	s := w.s
	s.mu.RLock()
	op := s.ops[e.key]
	var in *Instance
	if op != nil {
		in = s.instances.get(instanceKey(op.Cloud, op.InstanceID))
	}
	s.mu.RUnlock()
	now := s.clock.Now()
	if op == nil || in == nil || op.Step != e.step || op.DueAt.IsZero() || op.DueAt.After(now) {
		return // stale: the operation moved on, or was released to a later time
	}

	var err error
	if op.Fault != nil && op.Fault.Effect == FaultFail {
		err = faultError(op.Fault)
	} else {
		err = s.call(ctx, op.Current().Action, s.machine(in, op))
	}

	var pending *Pending
	switch {
	case errors.As(err, &pending):
		time.AfterFunc(pending.After, func() { w.push(e) })
		return
	case err != nil && ctx.Err() != nil:
		return // shutting down: the next start runs the step again
	case err != nil && !isDomainError(err):
		w.mu.Lock()
		w.attempts[e.key]++
		n := w.attempts[e.key]
		w.mu.Unlock()
		if n < maxAttempts {
			s.log.Warn("driver step failed, retrying", "operation", op.ID, "instance", op.InstanceID, "action", op.Current().Action, "attempt", n, "err", err)
			// Counted from when this attempt was due, so that a jump of the
			// clock runs every retry it covers, as it does steps.
			w.push(entry{at: e.at.Add(backoff(n)), key: e.key, step: e.step})
			return
		}
		s.log.Error("driver step failed", "operation", op.ID, "instance", op.InstanceID, "action", op.Current().Action, "err", err)
	}
	w.mu.Lock()
	delete(w.attempts, e.key)
	w.mu.Unlock()
	if err := s.finishStep(ctx, e.key, e.step, err); err != nil && ctx.Err() == nil {
		s.log.Error("commit step", "operation", op.ID, "err", err)
		w.push(entry{at: now.Add(time.Second), key: e.key, step: e.step})
		return
	}
	if _, ok := s.driver.(Inspector); ok && err != nil {
		// The operation ended in its transition's failure state, which
		// says what is most likely; a driver that can look at the machine
		// says what it is (a resize that failed to start it again, say).
		s.watch(ctx, instanceKey(op.Cloud, op.InstanceID))
	}
}

func isDomainError(err error) bool {
	_, ok := AsError(err)
	return ok
}

// backoff is the wait before retry n of a failed driver call, on the core's clock.
func backoff(n int) time.Duration {
	return min(time.Second<<(n-1), 30*time.Second)
}

// settle waits until nothing is due by now and no step runs.
func (w *worker) settle(ctx context.Context) error {
	stop := context.AfterFunc(ctx, func() {
		w.mu.Lock()
		w.progress.Broadcast()
		w.mu.Unlock()
	})
	defer stop()
	w.mu.Lock()
	defer w.mu.Unlock()
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		due := len(w.queue) > 0 && !w.queue[0].at.After(w.s.clock.Now())
		if !due && len(w.running) == 0 {
			return nil
		}
		w.progress.Wait()
	}
}

// call asks the driver for one action.
func (s *Service) call(ctx context.Context, a Action, m Machine) error {
	switch a {
	case ActionProvision:
		return s.driver.Provision(ctx, m)
	case ActionPowerOn:
		return s.driver.PowerOn(ctx, m)
	case ActionPowerOff:
		return s.driver.PowerOff(ctx, m)
	case ActionReboot:
		return s.driver.Reboot(ctx, m)
	case ActionApplySpec:
		return s.driver.ApplySpec(ctx, m)
	case ActionRemove:
		return s.driver.Remove(ctx, m)
	}
	return Errorf(EINTERNAL, "unknown action %q", a)
}

// finishStep commits the outcome of the step numbered step of the operation
// at key: the next step, success, or failure (stepErr).
func (s *Service) finishStep(ctx context.Context, key string, step int, stepErr error) error {
	_, err := s.mutate(ctx, func(t *txn) error {
		cur := s.ops[key]
		if cur == nil || cur.Step != step {
			return nil
		}
		in, err := t.instance(cur.Cloud, cur.InstanceID)
		if err != nil {
			return err
		}
		at := cur.DueAt
		if at.After(t.now) {
			at = t.now
		}
		op, n := *cur, *in
		n.UpdatedAt = at
		if stepErr != nil {
			op.State, op.FinishedAt = OpFailed, at
			op.ErrorCode, op.ErrorMessage = ErrorCode(stepErr), ErrorMessage(stepErr)
			if e, ok := AsError(stepErr); ok && e.Wire != nil {
				op.ErrorCode = e.Wire.Code
			}
			n.Power, n.Op, n.Last = op.FailTo, nil, op.Summary()
			t.putOperation(&op)
			t.putInstance(&n)
			return nil
		}
		st := op.Current()
		n.Power = st.Then
		if n.Power == PowerRecycled || n.Power == PowerDeleted {
			n.Scheduled = nil // an instance out of service has no change to wait for
		}
		switch st.Action {
		case ActionApplySpec:
			spec := s.Catalog(n.Cloud).FindSpec(op.SpecID)
			if spec == nil {
				return Errorf(EINTERNAL, "spec %s left the catalog", op.SpecID)
			}
			n.SpecID, n.VCPU, n.MemoryMiB = spec.ID, spec.VCPU, spec.MemoryMiB
			if spec.DiskType != "" {
				n.DiskType = spec.DiskType
			}
		case ActionPowerOn, ActionReboot:
			// A reboot restarts the machine: its uptime starts again.
			n.LaunchedAt = at
		}
		op.Step++
		if op.Step == len(op.Steps) {
			op.State, op.FinishedAt = OpSucceeded, at
			n.Op, n.Last = nil, op.Summary()
		} else {
			op.StepStartedAt = at
			op.DueAt = at.Add(s.stepDuration(&op))
			n.Op = &op
		}
		t.putOperation(&op)
		t.putInstance(&n)
		return nil
	})
	return err
}

// startScheduledChange turns a due scheduled change into an operation.
func (s *Service) startScheduledChange(ctx context.Context, key string) {
	_, err := s.mutate(ctx, func(t *txn) error {
		in := s.instances.get(key)
		if in == nil {
			return nil
		}
		in, err := t.instance(in.Cloud, in.ID)
		if err != nil {
			return err
		}
		if in.Scheduled == nil || in.Scheduled.At.After(t.now) || !in.Idle() {
			return nil
		}
		tr, err := FindTransition(KindScheduledResize, ModeLive, in.Power)
		if err != nil {
			return nil // e.g. recycled: the change waits for a state that can take it
		}
		// The change starts when it fell due (or, if the instance was busy
		// then, when it became idle), as a step follows the one before at
		// its due time rather than when the worker came to it: a clock
		// advanced past both ends sees the change done.
		t.now = maxTime(in.Scheduled.At, in.UpdatedAt)
		n := *in
		job := &Job{ID: in.Scheduled.Order}
		req := OperationRequest{Kind: KindScheduledResize, SpecID: in.Scheduled.SpecID}
		n.Scheduled = nil
		t.startOperation(job, &n, tr, req, s.faults.take(n.Cloud, KindScheduledResize, n.ID))
		return nil
	})
	if err != nil && ctx.Err() == nil {
		s.log.Error("start scheduled change", "instance", key, "err", err)
	}
}
