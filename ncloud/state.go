package ncloud

import "github.com/vmplane/vmplane"

// serverState is how NCP shows a server: its status, the operation in
// progress, and a name derived from both.
type serverState struct {
	status, op string
}

// states is the one table from the core's (power, current action) to NCP's
// (status, operation). An instance keeps its power state until a step
// completes, which gives exactly the sequences NCP shows and Terraform's
// waiters accept:
//
//	create     INIT/NULL → CREAT/START → RUN/NULL
//	stop       RUN/SHTDN → NSTOP/NULL
//	start      NSTOP/START → RUN/NULL
//	reboot     RUN/RESTA → RUN/NULL
//	change     NSTOP/CHNG (old spec shown) → NSTOP/NULL (new spec)
//	terminate  NSTOP/TERMT → gone
//
// Rows for moves NCP's API never asks for (they come from fixtures or from
// a failed server) follow the same pattern. An action of "" is an idle
// server.
var states = []struct {
	power  vmplane.PowerState
	action vmplane.Action
	state  serverState
}{
	{vmplane.PowerBuilding, vmplane.ActionProvision, serverState{"INIT", "NULL"}},
	{vmplane.PowerBuilding, vmplane.ActionPowerOn, serverState{"CREAT", "START"}},

	{vmplane.PowerRunning, "", serverState{"RUN", "NULL"}},
	{vmplane.PowerRunning, vmplane.ActionPowerOff, serverState{"RUN", "SHTDN"}},
	{vmplane.PowerRunning, vmplane.ActionReboot, serverState{"RUN", "RESTA"}},
	{vmplane.PowerRunning, vmplane.ActionApplySpec, serverState{"RUN", "CHNG"}},

	{vmplane.PowerStopped, "", serverState{"NSTOP", "NULL"}},
	{vmplane.PowerStopped, vmplane.ActionPowerOn, serverState{"NSTOP", "START"}},
	{vmplane.PowerStopped, vmplane.ActionApplySpec, serverState{"NSTOP", "CHNG"}},
	{vmplane.PowerStopped, vmplane.ActionRemove, serverState{"NSTOP", "TERMT"}},
	{vmplane.PowerStopped, vmplane.ActionPowerOff, serverState{"NSTOP", "SHTDN"}},
	// A rebuild (only Zenlayer asks for one) setting the server up again:
	// NCP's code for a server being set up (UNVERIFIED for a stopped one).
	{vmplane.PowerStopped, vmplane.ActionProvision, serverState{"NSTOP", "SETUP"}},

	{vmplane.PowerFailed, "", serverState{"FSTOP", "NULL"}},
	{vmplane.PowerFailed, vmplane.ActionPowerOn, serverState{"FSTOP", "START"}},
	{vmplane.PowerFailed, vmplane.ActionPowerOff, serverState{"FSTOP", "SHTDN"}},
	{vmplane.PowerFailed, vmplane.ActionRemove, serverState{"FSTOP", "TERMT"}},

	// NCP has no soft delete; a recycled server (a fixture's) shows stopped.
	{vmplane.PowerRecycled, "", serverState{"NSTOP", "NULL"}},
	{vmplane.PowerRecycled, vmplane.ActionRemove, serverState{"NSTOP", "TERMT"}},
}

// stateOf returns how NCP shows in.
func stateOf(in *vmplane.Instance) serverState {
	var action vmplane.Action
	if in.Op != nil {
		action = in.Op.Current().Action
	}
	for _, row := range states {
		if row.power == in.Power && row.action == action {
			return row.state
		}
	}
	// Unreachable through the transition table (a test walks it); a failed
	// server is the honest answer for a state NCP cannot express.
	return serverState{"FSTOP", "NULL"}
}

// name is serverInstanceStatusName: the operation's name while one runs,
// else the status's.
func (s serverState) name() string {
	switch s.op {
	case "START":
		return "booting"
	case "SHTDN":
		return "shutting down"
	case "RESTA":
		return "rebooting"
	case "CHNG":
		return "changingSpec"
	case "TERMT":
		return "terminating"
	case "SETUP":
		return "setting up"
	}
	switch s.status {
	case "INIT":
		return "init"
	case "CREAT":
		return "creating"
	case "RUN":
		return "running"
	case "NSTOP":
		return "stopped"
	case "FSTOP":
		return "repairing"
	}
	return ""
}

// Code names as the English consoles show them; clients read only the codes.
var (
	vpcStatusNames = map[string]string{
		"INIT": "Server INIT status", "CREAT": "Server CREATE status", "RUN": "Server RUN status",
		"NSTOP": "Server NORMAL STOPPED status", "FSTOP": "Server FAILURE STOPPED status",
	}
	classicStatusNames = map[string]string{
		"INIT": "Server init state", "CREAT": "Server Created State", "RUN": "Server run state",
		"NSTOP": "Server normal stopped state", "FSTOP": "Server failure stopped state",
	}
	opNames = map[string]string{
		"NULL": "Server NULL OP", "START": "Server START OP", "SHTDN": "Server SHUTDOWN OP", "RESTA": "Server RESTART OP",
		"TERMT": "Server TERMINATE OP", "CHNG": "Server SPEC CHANGE OP",
	}
)
