package ncloud

import (
	"testing"

	"github.com/vmplane/vmplane"
)

// Every (power, action) the core's transition table can produce has its
// own row: none falls through to the fallback.
func TestStatesCoverTheTransitionTable(t *testing.T) {
	has := func(p vmplane.PowerState, a vmplane.Action) bool {
		for _, row := range states {
			if row.power == p && row.action == a {
				return true
			}
		}
		return false
	}
	for _, tr := range vmplane.Transitions {
		power := tr.From
		if tr.Kind == vmplane.KindCreate {
			power = vmplane.PowerBuilding // a created instance is building from the start
		}
		for _, st := range tr.Steps {
			if !has(power, st.Action) {
				t.Errorf("%s/%s from %s: no row for (%s, %s)", tr.Kind, tr.Mode, tr.From, power, st.Action)
			}
			power = st.Then
		}
		for _, idle := range []vmplane.PowerState{power, tr.Failed} {
			if idle != vmplane.PowerDeleted && !has(idle, "") {
				t.Errorf("%s/%s from %s: no row for idle %s", tr.Kind, tr.Mode, tr.From, idle)
			}
		}
	}
}

// The sequences Terraform's waiters accept (see the states table).
func TestStateSequences(t *testing.T) {
	op := func(a vmplane.Action) *vmplane.Operation {
		return &vmplane.Operation{Steps: []vmplane.Step{{Action: a}}}
	}
	for _, tt := range []struct {
		power vmplane.PowerState
		op    *vmplane.Operation
		want  string
	}{
		{vmplane.PowerBuilding, op(vmplane.ActionProvision), "INIT/NULL/init"},
		{vmplane.PowerBuilding, op(vmplane.ActionPowerOn), "CREAT/START/booting"},
		{vmplane.PowerRunning, nil, "RUN/NULL/running"},
		{vmplane.PowerRunning, op(vmplane.ActionPowerOff), "RUN/SHTDN/shutting down"},
		{vmplane.PowerRunning, op(vmplane.ActionReboot), "RUN/RESTA/rebooting"},
		{vmplane.PowerStopped, nil, "NSTOP/NULL/stopped"},
		{vmplane.PowerStopped, op(vmplane.ActionPowerOn), "NSTOP/START/booting"},
		{vmplane.PowerStopped, op(vmplane.ActionApplySpec), "NSTOP/CHNG/changingSpec"},
		{vmplane.PowerStopped, op(vmplane.ActionRemove), "NSTOP/TERMT/terminating"},
		{vmplane.PowerFailed, nil, "FSTOP/NULL/repairing"},
	} {
		s := stateOf(&vmplane.Instance{Power: tt.power, Op: tt.op})
		if got := s.status + "/" + s.op + "/" + s.name(); got != tt.want {
			t.Errorf("%s %v: %s, want %s", tt.power, tt.op, got, tt.want)
		}
		if vpcStatusNames[s.status] == "" || classicStatusNames[s.status] == "" || opNames[s.op] == "" {
			t.Errorf("%s/%s has no code name", s.status, s.op)
		}
	}
}
