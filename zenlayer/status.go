package zenlayer

import "github.com/vmplane/vmplane"

// statusRow says which instanceStatus an instance shows. An empty field
// matches anything, except action: "" means idle, so a row describes either
// a settled instance or one with a step in flight. For an idle instance
// kind matches the last finished operation (a failed create shows
// CREATE_FAILED); for a busy one, the operation in flight.
type statusRow struct {
	power  vmplane.PowerState
	kind   vmplane.Kind
	action vmplane.Action
	status string
}

// statusTable is the one place that renders the core's state as a Zenlayer
// instanceStatus; the first matching row wins.
var statusTable = []statusRow{
	{power: vmplane.PowerRunning, status: "RUNNING"},
	{power: vmplane.PowerStopped, status: "STOPPED"},
	{power: vmplane.PowerRecycled, status: "RECYCLE"},
	{power: vmplane.PowerFailed, kind: vmplane.KindCreate, status: "CREATE_FAILED"},
	// The VM API has no error status. Any other failure leaves the machine
	// in an unknown state that StartInstances, StopInstances and
	// TerminateInstance recover from; STOPPED invites the start that fixes
	// it (UNVERIFIED).
	{power: vmplane.PowerFailed, status: "STOPPED"},

	{kind: vmplane.KindCreate, action: vmplane.ActionProvision, status: "PENDING"},
	// ResetInstance: REBUILDING until the reinstalled system is up.
	{kind: vmplane.KindRebuild, action: vmplane.ActionProvision, status: "REBUILDING"},
	{kind: vmplane.KindRebuild, action: vmplane.ActionPowerOn, status: "REBUILDING"},
	{kind: vmplane.KindCreate, action: vmplane.ActionPowerOn, status: "DEPLOYING"},
	{kind: vmplane.KindRecycle, action: vmplane.ActionPowerOff, status: "RECYCLING"},
	{kind: vmplane.KindTerminate, action: vmplane.ActionRemove, status: "RELEASING"},
	{action: vmplane.ActionPowerOn, status: "BOOTING"},
	{action: vmplane.ActionPowerOff, status: "STOPPING"},
	{action: vmplane.ActionReboot, status: "REBOOT"},
	// A type change leaves the status alone; only DescribeInstanceTypeStatus
	// shows it (UNVERIFIED: the real service may reboot the VM).
	{power: vmplane.PowerRunning, action: vmplane.ActionApplySpec, status: "RUNNING"},
	{power: vmplane.PowerStopped, action: vmplane.ActionApplySpec, status: "STOPPED"},
}

// instanceStatus renders in's instanceStatus.
func instanceStatus(in *vmplane.Instance) string {
	if s, ok := lookupStatus(in); ok {
		return s
	}
	// Unreachable for the states the transition table produces (a test
	// walks them all); keep clients polling rather than failing.
	return "PENDING"
}

func lookupStatus(in *vmplane.Instance) (string, bool) {
	var kind vmplane.Kind
	var action vmplane.Action
	switch {
	case in.Op != nil:
		kind, action = in.Op.Kind, in.Op.Current().Action
	case in.Last != nil:
		kind = in.Last.Kind
	}
	for _, r := range statusTable {
		if (r.power == "" || r.power == in.Power) && (r.kind == "" || r.kind == kind) && r.action == action {
			return r.status, true
		}
	}
	return "", false
}
