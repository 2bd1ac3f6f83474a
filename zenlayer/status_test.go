package zenlayer

import (
	"slices"
	"testing"

	"github.com/vmplane/vmplane"
)

// documentedStatuses are the VM API's instanceStatus values.
var documentedStatuses = []string{"PENDING", "DEPLOYING", "REBUILDING", "REBOOT", "RUNNING", "STOPPED", "BOOTING",
	"RELEASING", "STOPPING", "RECYCLE", "RECYCLING", "CREATE_FAILED", "IMAGING"}

// TestEveryStateHasAStatus walks every row of the core's transition table:
// each step in flight, the state it succeeds into and the state it fails
// into must render as a documented instanceStatus.
func TestEveryStateHasAStatus(t *testing.T) {
	check := func(in *vmplane.Instance, what string) string {
		t.Helper()
		got, ok := lookupStatus(in)
		if !ok || !slices.Contains(documentedStatuses, got) {
			t.Errorf("%s: no documented status (got %q)", what, got)
		}
		return got
	}
	for _, tr := range vmplane.Transitions {
		power := tr.From
		if tr.Kind == vmplane.KindCreate {
			power = vmplane.PowerBuilding // what the core shows from acceptance on
		}
		for i, st := range tr.Steps {
			op := &vmplane.Operation{Kind: tr.Kind, Mode: tr.Mode, Steps: tr.Steps, Step: i}
			check(&vmplane.Instance{Power: power, Op: op}, string(tr.Kind)+" "+string(tr.Mode)+" from "+string(tr.From)+" at "+string(st.Action))
			power = st.Then
		}
		for _, end := range []struct {
			power vmplane.PowerState
			state vmplane.OpState
		}{{power, vmplane.OpSucceeded}, {tr.Failed, vmplane.OpFailed}} {
			if end.power == vmplane.PowerDeleted {
				continue // gone from every listing
			}
			in := &vmplane.Instance{Power: end.power, Last: &vmplane.OperationSummary{Kind: tr.Kind, State: end.state}}
			check(in, string(tr.Kind)+" "+string(end.state)+" into "+string(end.power))
		}
	}
	failedCreate := &vmplane.Instance{Power: vmplane.PowerFailed, Last: &vmplane.OperationSummary{Kind: vmplane.KindCreate, State: vmplane.OpFailed}}
	if got := check(failedCreate, "failed create"); got != "CREATE_FAILED" {
		t.Errorf("a failed create shows %s", got)
	}
	for _, p := range []vmplane.PowerState{vmplane.PowerRunning, vmplane.PowerStopped, vmplane.PowerRecycled} {
		check(&vmplane.Instance{Power: p}, "seeded "+string(p))
	}
}
