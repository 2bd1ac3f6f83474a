package huawei

import (
	"time"

	"github.com/vmplane/vmplane"
)

// display is how ECS shows a server's state: status, OS-EXT-STS:vm_state,
// OS-EXT-STS:task_state (nil shows as null) and OS-EXT-STS:power_state
// (OpenStack's numbers: 0 no state, 1 running, 4 shut off).
type display struct {
	Status    string
	VMState   string
	TaskState *string
	Power     int32
}

// stateKey is what decides the display: where the server has settled, the
// action in flight ("" when idle), and a variant of that action.
type stateKey struct {
	power   vmplane.PowerState
	action  vmplane.Action
	variant string
}

const (
	variantDelete = "delete" // any step of a delete shows task_state deleting
	variantHard   = "hard"   // a hard reboot
)

// stateRow is one row of the table: the status, vm_state and power_state
// shown, and the task_states an action walks through, in order, as its step
// progresses (none: task_state is null).
type stateRow struct {
	status, vmState string
	power           int32
	tasks           []string
}

var (
	createTasks = []string{"scheduling", "block_device_mapping", "networking", "spawning"}
	resizeTasks = []string{"resize_prep", "resize_migrating", "resize_migrated", "resize_finish"}
	rebootTasks = []string{"rebooting", "reboot_pending", "reboot_started"}
	hardTasks   = []string{"rebooting_hard", "reboot_pending_hard", "reboot_started_hard"}
)

// states is the one table from the core's view of a server to ECS's
// (reference §3.1; the mapping of vm_state/task_state to status is ECS's
// documented one). A stop in flight still shows ACTIVE, a start in flight
// SHUTOFF, as on ECS. A resize auto-confirms, so VERIFY_RESIZE never shows.
// Rows for failed and soft-deleted servers are UNVERIFIED beyond their
// status.
var states = map[stateKey]stateRow{
	{vmplane.PowerBuilding, vmplane.ActionProvision, ""}: {"BUILD", "building", 0, createTasks},
	{vmplane.PowerBuilding, vmplane.ActionPowerOn, ""}:   {"BUILD", "building", 0, createTasks[3:]},

	{vmplane.PowerRunning, "", ""}:                                {"ACTIVE", "active", 1, nil},
	{vmplane.PowerRunning, vmplane.ActionPowerOff, ""}:            {"ACTIVE", "active", 1, []string{"powering-off"}},
	{vmplane.PowerRunning, vmplane.ActionPowerOff, variantDelete}: {"ACTIVE", "active", 1, []string{"deleting"}},
	{vmplane.PowerRunning, vmplane.ActionReboot, ""}:              {"REBOOT", "active", 1, rebootTasks},
	{vmplane.PowerRunning, vmplane.ActionReboot, variantHard}:     {"HARD_REBOOT", "active", 1, hardTasks},
	{vmplane.PowerRunning, vmplane.ActionApplySpec, ""}:           {"RESIZE", "active", 1, resizeTasks},

	{vmplane.PowerStopped, "", ""}:                              {"SHUTOFF", "stopped", 4, nil},
	{vmplane.PowerStopped, vmplane.ActionPowerOn, ""}:           {"SHUTOFF", "stopped", 4, []string{"powering-on"}},
	{vmplane.PowerStopped, vmplane.ActionApplySpec, ""}:         {"RESIZE", "stopped", 4, resizeTasks},
	{vmplane.PowerStopped, vmplane.ActionRemove, variantDelete}: {"SHUTOFF", "stopped", 4, []string{"deleting"}},
	// A rebuild (only Zenlayer asks for one) shows as ECS's reinstall.
	{vmplane.PowerStopped, vmplane.ActionProvision, ""}: {"REBUILD", "stopped", 4, []string{"rebuilding"}},

	{vmplane.PowerFailed, "", ""}:                                {"ERROR", "error", 0, nil},
	{vmplane.PowerFailed, vmplane.ActionPowerOn, ""}:             {"ERROR", "error", 0, []string{"powering-on"}},
	{vmplane.PowerFailed, vmplane.ActionPowerOff, ""}:            {"ERROR", "error", 0, []string{"powering-off"}},
	{vmplane.PowerFailed, vmplane.ActionRemove, variantDelete}:   {"ERROR", "error", 0, []string{"deleting"}},
	{vmplane.PowerRecycled, "", ""}:                              {"SOFT_DELETED", "soft_deleted", 4, nil},
	{vmplane.PowerRecycled, vmplane.ActionRemove, variantDelete}: {"SOFT_DELETED", "soft_deleted", 4, []string{"deleting"}},
}

// unknown is what ECS shows for a combination its table does not list.
var unknown = stateRow{"UNKNOWN", "error", 0, nil}

// displayOf returns how ECS shows in at time now.
func displayOf(in *vmplane.Instance, now time.Time) display {
	key := stateKey{power: in.Power}
	progress := 0.0
	if op := in.Op; op != nil {
		key.action = op.Current().Action
		switch {
		case op.Kind == vmplane.KindTerminate:
			key.variant = variantDelete
		case op.Kind == vmplane.KindReboot && op.Hard:
			key.variant = variantHard
		}
		progress = op.Progress(now)
	}
	row, ok := states[key]
	if !ok {
		row = unknown
	}
	d := display{Status: row.status, VMState: row.vmState, Power: row.power}
	if n := len(row.tasks); n > 0 {
		task := row.tasks[min(int(progress*float64(n)), n-1)]
		d.TaskState = &task
	}
	return d
}
