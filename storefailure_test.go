package vmplane_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vmplane/vmplane"
)

// failingStore fails every commit while fail is set, as a full disk or a
// failing fsync makes SQLite's fail.
type failingStore struct {
	vmplane.Store
	fail atomic.Bool
}

var errDiskFull = errors.New("database or disk is full")

func (s *failingStore) Commit(ctx context.Context, c *vmplane.Changes) error {
	if s.fail.Load() {
		return errDiskFull
	}
	return s.Store.Commit(ctx, c)
}

func newFailingHarness(t *testing.T) (*harness, *failingStore) {
	store := &failingStore{}
	h := newHarness(t, harnessOptions{wrap: func(s vmplane.Store) vmplane.Store {
		store.Store = s
		return store
	}})
	return h, store
}

func TestACommitThatFailsPublishesNothingAndHoldsNothing(t *testing.T) {
	h, store := newFailingHarness(t)
	in := h.seed(vmplane.PowerRunning)

	store.fail.Store(true)
	if _, err := h.submit(vmplane.KindStop, vmplane.ModeStrict, "", in.ID); !errors.Is(err, errDiskFull) {
		t.Fatalf("stop while the store fails: %v, want the store's error", err)
	}
	if got := h.get(in.ID); got.Power != vmplane.PowerRunning || got.Op != nil {
		t.Fatalf("after a stop that was not committed: %s, operation %+v; want running and idle", got.Power, got.Op)
	}
	if ops := h.svc.Operations(context.Background(), defaultScope); len(ops) != 0 {
		t.Fatalf("operations after a failed commit: %+v", ops)
	}

	// Nothing stays reserved: the same stop, once the store works, is
	// accepted (not refused as busy) and completes.
	store.fail.Store(false)
	h.mustSubmit(vmplane.KindStop, vmplane.ModeStrict, "", in.ID)
	h.advance(time.Minute)
	if got := h.get(in.ID); got.Power != vmplane.PowerStopped || got.Op != nil {
		t.Fatalf("after the stop: %s, operation %+v", got.Power, got.Op)
	}
}

func TestAnOperationWhoseStepCannotCommitCompletesOnceTheStoreRecovers(t *testing.T) {
	h, store := newFailingHarness(t)
	in := h.seed(vmplane.PowerRunning)
	h.mustSubmit(vmplane.KindStop, vmplane.ModeStrict, "", in.ID)

	store.fail.Store(true)
	h.advance(time.Minute) // the stop's step runs; its outcome cannot be committed
	if got := h.get(in.ID); got.Power == vmplane.PowerStopped || got.Op == nil {
		t.Fatalf("while the store fails: %s, operation %+v; want the stop still in flight", got.Power, got.Op)
	}

	store.fail.Store(false)
	h.advance(time.Second) // the step is tried again a second later, on the core's clock
	if got := h.get(in.ID); got.Power != vmplane.PowerStopped || got.Op != nil {
		t.Fatalf("once the store works again: %s, operation %+v; want stopped and idle", got.Power, got.Op)
	}
	h.restart()
	if got := h.get(in.ID); got.Power != vmplane.PowerStopped || got.Op != nil {
		t.Fatalf("after a restart: %s, operation %+v", got.Power, got.Op)
	}
}
