package huawei

import (
	"strings"
	"testing"
	"time"

	"github.com/vmplane/vmplane"
)

// documentedStatus is ECS's own mapping from vm_state and task_state to
// status (reference §3.1), to check the state table against.
func documentedStatus(vmState, task string) string {
	switch {
	case vmState == "active" && (task == "" || task == "powering-off" || task == "deleting"):
		return "ACTIVE"
	case vmState == "active" && strings.HasSuffix(task, "_hard"):
		return "HARD_REBOOT"
	case vmState == "active" && strings.HasPrefix(task, "reboot"):
		return "REBOOT"
	case vmState == "stopped" && (task == "" || task == "powering-on" || task == "deleting"):
		return "SHUTOFF"
	case vmState == "stopped" && strings.HasPrefix(task, "resize_"):
		return "RESIZE"
	case (vmState == "active" || vmState == "stopped") && strings.HasPrefix(task, "rebuild"):
		return "REBUILD" // the Rebuild task states (the full table of the OTC copy)
	case vmState == "building":
		return "BUILD"
	case vmState == "error" && (task == "" || task == "deleting"):
		return "ERROR"
	}
	return "UNKNOWN"
}

// undocumented are the rows of the state table ECS's mapping does not
// cover; they are choices (see states).
var undocumented = map[stateKey]bool{
	{vmplane.PowerRunning, vmplane.ActionApplySpec, ""}:            true, // a live resize, which ECS's API never asks for
	{vmplane.PowerFailed, vmplane.ActionPowerOn, ""}:               true,
	{vmplane.PowerFailed, vmplane.ActionPowerOff, ""}:              true,
	{vmplane.PowerRecycled, "", ""}:                                true,
	{vmplane.PowerRecycled, vmplane.ActionRemove, variantDelete}:   true,
	{vmplane.PowerRecycled, vmplane.ActionPowerOff, variantDelete}: true,
}

// Every state the core's transition table can put a server in shows as
// ECS shows it, at every point of every step.
func TestStateTableCoversTransitions(t *testing.T) {
	start := time.Date(2025, 6, 11, 8, 0, 0, 0, time.UTC)
	for _, tr := range vmplane.Transitions {
		if tr.Kind == vmplane.KindRecycle {
			continue // ECS's API never recycles
		}
		for _, hard := range []bool{false, true} {
			power := tr.From
			for i, st := range tr.Steps {
				op := &vmplane.Operation{Kind: tr.Kind, Mode: tr.Mode, Hard: hard, Steps: tr.Steps, Step: i, State: vmplane.OpRunning,
					StepStartedAt: start, DueAt: start.Add(4 * time.Second)}
				in := &vmplane.Instance{Power: power, Op: op}
				if power == vmplane.PowerNone {
					in.Power = vmplane.PowerBuilding // the core creates servers building
				}
				for ms := 0; ms <= 4000; ms += 500 {
					d := displayOf(in, start.Add(time.Duration(ms)*time.Millisecond))
					task := ""
					if d.TaskState != nil {
						task = *d.TaskState
					}
					key := stateKey{in.Power, st.Action, ""}
					if d.Status == "UNKNOWN" {
						t.Fatalf("%s %s from %s, step %d (%s): no row in the state table", tr.Kind, tr.Mode, tr.From, i, st.Action)
					}
					if want := documentedStatus(d.VMState, task); want != d.Status && !undocumented[key] && !undocumented[stateKey{in.Power, st.Action, variantDelete}] {
						t.Errorf("%s step %d at %dms: %s/%s/%s, ECS shows status %s for that", tr.Kind, i, ms, d.Status, d.VMState, task, want)
					}
				}
				power = st.Then
			}
		}
	}
	for _, p := range []vmplane.PowerState{vmplane.PowerRunning, vmplane.PowerStopped, vmplane.PowerFailed} {
		if d := displayOf(&vmplane.Instance{Power: p}, start); d.Status == "UNKNOWN" || d.TaskState != nil {
			t.Errorf("idle %s server shows %+v", p, d)
		}
	}
}

// A resize walks resize_prep to resize_finish as its step progresses.
func TestResizeTaskStatesFollowProgress(t *testing.T) {
	start := time.Date(2025, 6, 11, 8, 0, 0, 0, time.UTC)
	op := &vmplane.Operation{Kind: vmplane.KindResize, Steps: []vmplane.Step{{Action: vmplane.ActionApplySpec, Then: vmplane.PowerStopped}},
		State: vmplane.OpRunning, StepStartedAt: start, DueAt: start.Add(4 * time.Second)}
	in := &vmplane.Instance{Power: vmplane.PowerStopped, Op: op}
	var got []string
	for s := range 4 {
		got = append(got, *displayOf(in, start.Add(time.Duration(s)*time.Second)).TaskState)
	}
	if strings.Join(got, ",") != "resize_prep,resize_migrating,resize_migrated,resize_finish" {
		t.Errorf("resize task states = %v", got)
	}
	op.DueAt = time.Time{} // held by a fault: stays at the first
	if d := displayOf(in, start.Add(time.Hour)); *d.TaskState != "resize_prep" {
		t.Errorf("held resize shows %s", *d.TaskState)
	}
}
