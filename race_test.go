package vmplane_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vmplane/vmplane"
)

// checkInstance reports what is wrong with an instance snapshot, if anything:
// the invariants every published state must keep.
func checkInstance(in *vmplane.Instance) error {
	switch in.Power {
	case vmplane.PowerRunning, vmplane.PowerStopped, vmplane.PowerFailed, vmplane.PowerRecycled:
	case vmplane.PowerBuilding:
		if in.Op == nil || in.Op.Kind != vmplane.KindCreate {
			return fmt.Errorf("building without a create in flight")
		}
	default:
		return fmt.Errorf("published in state %q", in.Power)
	}
	op := in.Op
	if op == nil {
		return nil
	}
	switch {
	case op.State != vmplane.OpRunning:
		return fmt.Errorf("operation in flight is %s", op.State)
	case op.InstanceID != in.ID:
		return fmt.Errorf("operation of instance %s", op.InstanceID)
	case op.Step >= len(op.Steps):
		return fmt.Errorf("operation at step %d of %d", op.Step, len(op.Steps))
	case op.Step > 0 && in.Power != op.Steps[op.Step-1].Then:
		return fmt.Errorf("power %s after step %d settles in %s", in.Power, op.Step-1, op.Steps[op.Step-1].Then)
	}
	return nil
}

// Clients racing conflicting operations on the same instances: each round,
// exactly one request per instance wins, the others get EBUSY (or, once the
// winner changed the state, ESTATE), and no reader ever sees a state that
// breaks the invariants.
func TestConcurrentConflictingOperationsHaveExactlyOneWinner(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	const instances, clients, rounds = 8, 12, 6
	var ids []string
	for range instances {
		ids = append(ids, h.seed(vmplane.PowerRunning).ID)
	}

	ctx, stop := context.WithCancel(t.Context())
	var readers sync.WaitGroup
	var bad atomic.Value
	for range 2 {
		readers.Add(1)
		go func() {
			defer readers.Done()
			for ctx.Err() == nil {
				list, _, _ := h.svc.FindInstances(ctx, vmplane.InstanceFilter{Scope: defaultScope})
				for i := range list {
					if err := checkInstance(list[i]); err != nil {
						bad.Store(fmt.Sprintf("%s: %v", list[i].ID, err))
					}
				}
			}
		}()
	}

	kinds := []struct {
		kind vmplane.Kind
		mode vmplane.Mode
		spec string
	}{
		{vmplane.KindStop, vmplane.ModeStrict, ""},
		{vmplane.KindReboot, vmplane.ModeStrict, ""},
		{vmplane.KindResize, vmplane.ModeLive, "medium"},
		{vmplane.KindResize, vmplane.ModeLive, "small"},
		{vmplane.KindStart, vmplane.ModeStrict, ""},
	}
	for round := range rounds {
		var wins [instances]atomic.Int32
		var wg sync.WaitGroup
		for c := range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i, id := range ids {
					k := kinds[(c+i+round)%len(kinds)]
					_, err := h.svc.Submit(ctx, vmplane.OperationRequest{Scope: defaultScope, Kind: k.kind, Mode: k.mode, SpecID: k.spec, InstanceIDs: []string{id}})
					switch vmplane.ErrorCode(err) {
					case "":
						wins[i].Add(1)
					case vmplane.EBUSY, vmplane.ESTATE, vmplane.ESAMESPEC:
					default:
						t.Errorf("unexpected error: %v", err)
					}
				}
			}()
		}
		wg.Wait()
		for i := range wins {
			if n := wins[i].Load(); n != 1 {
				t.Fatalf("round %d: instance %s had %d winners, want 1", round, ids[i], n)
			}
		}
		h.advance(time.Minute)
		// Bring everything back to running for the next round.
		for _, id := range ids {
			if h.get(id).Power == vmplane.PowerStopped {
				h.mustSubmit(vmplane.KindStart, vmplane.ModeStrict, "", id)
			}
		}
		h.advance(time.Minute)
	}
	stop()
	readers.Wait()
	if v := bad.Load(); v != nil {
		t.Fatalf("a reader saw a broken state: %s", v)
	}
}
