package vmplane

import (
	"time"
)

// Kind is what an operation does to an instance.
type Kind string

const (
	KindCreate    Kind = "create"
	KindStart     Kind = "start"
	KindStop      Kind = "stop"
	KindReboot    Kind = "reboot"
	KindResize    Kind = "resize"
	KindTerminate Kind = "terminate"
	// KindRecycle powers an instance off and keeps it, soft-deleted, until
	// it is terminated.
	KindRecycle Kind = "recycle"
	// KindScheduledResize applies a ScheduledChange when its time comes.
	KindScheduledResize Kind = "scheduled_resize"
	// KindRebuild reinstalls a stopped instance's system, from
	// OperationRequest.ImageID or the image it has, and boots it.
	KindRebuild Kind = "rebuild"
)

// Kinds lists every operation kind.
var Kinds = []Kind{KindCreate, KindStart, KindStop, KindReboot, KindResize, KindTerminate, KindRecycle, KindScheduledResize, KindRebuild}

// Mode says what an operation does about a running instance.
type Mode string

const (
	// ModeStrict refuses what the transition table does not allow as is.
	ModeStrict Mode = ""
	// ModeLive changes a running instance without powering it off; the
	// change reaches the guest at its next boot.
	ModeLive Mode = "live"
	// ModeStopFirst powers a running instance off first and, for a resize,
	// powers it on again afterwards.
	ModeStopFirst Mode = "stop_first"
)

// Modes lists every mode.
var Modes = []Mode{ModeStrict, ModeLive, ModeStopFirst}

// Action is one thing the Driver is asked to do.
type Action string

const (
	ActionProvision Action = "provision"
	ActionPowerOn   Action = "power_on"
	ActionPowerOff  Action = "power_off"
	ActionReboot    Action = "reboot"
	ActionApplySpec Action = "apply_spec"
	ActionRemove    Action = "remove"
)

// DurationKind is the kind whose configured duration times an action. An
// operation made of several steps takes the sum: a create provisions and
// then boots, a resize with ModeStopFirst stops, resizes and starts.
func (a Action) DurationKind() Kind {
	switch a {
	case ActionProvision:
		return KindCreate
	case ActionPowerOn:
		return KindStart
	case ActionPowerOff:
		return KindStop
	case ActionReboot:
		return KindReboot
	case ActionApplySpec:
		return KindResize
	default:
		return KindTerminate
	}
}

// Step is one action of an operation and the state the instance settles in
// once the action completes.
type Step struct {
	Action Action     `json:"action"`
	Then   PowerState `json:"then"`
}

// Transition is one row of the state machine: an operation of Kind, asked
// for with Mode, on an instance in state From, runs Steps and, should a step
// fail, leaves the instance in Failed.
type Transition struct {
	Kind   Kind
	Mode   Mode
	From   PowerState
	Steps  []Step
	Failed PowerState
}

// Transitions is the state machine. An operation not listed here is refused
// with ESTATE; nothing else in vmplane decides which moves are legal.
var Transitions = []Transition{
	{KindCreate, ModeStrict, PowerNone, steps(ActionProvision, PowerBuilding, ActionPowerOn, PowerRunning), PowerFailed},

	{KindStart, ModeStrict, PowerStopped, steps(ActionPowerOn, PowerRunning), PowerFailed},
	{KindStart, ModeStrict, PowerFailed, steps(ActionPowerOn, PowerRunning), PowerFailed},

	{KindStop, ModeStrict, PowerRunning, steps(ActionPowerOff, PowerStopped), PowerFailed},
	{KindStop, ModeStrict, PowerFailed, steps(ActionPowerOff, PowerStopped), PowerFailed},

	{KindReboot, ModeStrict, PowerRunning, steps(ActionReboot, PowerRunning), PowerFailed},

	// A resize that fails before its spec is applied leaves the old one;
	// the instance keeps its power state, also when it was to be stopped
	// first and started again (clouds roll a failed resize back to the
	// flavor and state it had; after a failure the core asks a driver that
	// can inspect machines what the machine really is).
	{KindResize, ModeStrict, PowerStopped, steps(ActionApplySpec, PowerStopped), PowerStopped},
	{KindResize, ModeLive, PowerStopped, steps(ActionApplySpec, PowerStopped), PowerStopped},
	{KindResize, ModeLive, PowerRunning, steps(ActionApplySpec, PowerRunning), PowerRunning},
	{KindResize, ModeStopFirst, PowerStopped, steps(ActionApplySpec, PowerStopped), PowerStopped},
	{KindResize, ModeStopFirst, PowerRunning, steps(ActionPowerOff, PowerStopped, ActionApplySpec, PowerStopped, ActionPowerOn, PowerRunning), PowerRunning},

	{KindScheduledResize, ModeLive, PowerStopped, steps(ActionApplySpec, PowerStopped), PowerStopped},
	{KindScheduledResize, ModeLive, PowerRunning, steps(ActionApplySpec, PowerRunning), PowerRunning},

	{KindTerminate, ModeStrict, PowerStopped, steps(ActionRemove, PowerDeleted), PowerFailed},
	{KindTerminate, ModeStrict, PowerFailed, steps(ActionRemove, PowerDeleted), PowerFailed},
	{KindTerminate, ModeStrict, PowerRecycled, steps(ActionRemove, PowerDeleted), PowerRecycled},
	{KindTerminate, ModeStopFirst, PowerStopped, steps(ActionRemove, PowerDeleted), PowerFailed},
	{KindTerminate, ModeStopFirst, PowerFailed, steps(ActionRemove, PowerDeleted), PowerFailed},
	{KindTerminate, ModeStopFirst, PowerRecycled, steps(ActionRemove, PowerDeleted), PowerRecycled},
	{KindTerminate, ModeStopFirst, PowerRunning, steps(ActionPowerOff, PowerStopped, ActionRemove, PowerDeleted), PowerFailed},

	{KindRecycle, ModeStopFirst, PowerRunning, steps(ActionPowerOff, PowerRecycled), PowerFailed},
	{KindRecycle, ModeStopFirst, PowerStopped, steps(ActionPowerOff, PowerRecycled), PowerFailed},
	{KindRecycle, ModeStopFirst, PowerFailed, steps(ActionPowerOff, PowerRecycled), PowerFailed},

	// A rebuild provisions the machine again, with the instance's image
	// (which the operation set when it was accepted), then boots it.
	{KindRebuild, ModeStrict, PowerStopped, steps(ActionProvision, PowerStopped, ActionPowerOn, PowerRunning), PowerFailed},
	{KindRebuild, ModeStopFirst, PowerStopped, steps(ActionProvision, PowerStopped, ActionPowerOn, PowerRunning), PowerFailed},
	{KindRebuild, ModeStopFirst, PowerRunning, steps(ActionPowerOff, PowerStopped, ActionProvision, PowerStopped, ActionPowerOn, PowerRunning), PowerFailed},
}

func steps(pairs ...any) []Step {
	s := make([]Step, 0, len(pairs)/2)
	for i := 0; i < len(pairs); i += 2 {
		s = append(s, Step{Action: pairs[i].(Action), Then: pairs[i+1].(PowerState)})
	}
	return s
}

// FindTransition returns the row for kind and mode from state, or an ESTATE error.
func FindTransition(kind Kind, mode Mode, from PowerState) (Transition, error) {
	for _, t := range Transitions {
		if t.Kind == kind && t.Mode == mode && t.From == from {
			return t, nil
		}
	}
	return Transition{}, &Error{Code: ESTATE, Kind: kind, State: from,
		Message: "The instance's state (" + stateName(from) + ") does not allow " + string(kind) + "."}
}

func stateName(s PowerState) string {
	if s == PowerNone {
		return "none"
	}
	return string(s)
}

// OpState is where an operation is in its life.
type OpState string

const (
	OpRunning   OpState = "running"
	OpSucceeded OpState = "succeeded"
	OpFailed    OpState = "failed"
)

// Operation is one accepted change to one instance. It is committed with the
// instance's new state before the request that asked for it is answered, and
// the worker carries it through its steps from then on, across restarts.
type Operation struct {
	ID  string `json:"id"`
	Seq int64  `json:"seq"`
	// JobID groups the operations accepted by one request.
	JobID      string `json:"job"`
	Cloud      string `json:"cloud"`
	Account    string `json:"account"`
	InstanceID string `json:"instance"`

	Kind Kind `json:"kind"`
	Mode Mode `json:"mode,omitempty"`
	// Hard asks for a forced power-off or reset instead of an ACPI one.
	Hard bool `json:"hard,omitempty"`
	// Batch says the request was a cloud's batch call (OperationRequest.Batch).
	Batch bool `json:"batch,omitempty"`
	// SpecID is the target of a resize; FromSpecID what the instance had.
	SpecID     string `json:"spec,omitempty"`
	FromSpecID string `json:"fromSpec,omitempty"`

	Steps []Step `json:"steps"`
	// Step indexes the step in progress; it equals len(Steps) when done.
	Step  int     `json:"step"`
	State OpState `json:"state"`
	// FailTo is the state the instance settles in if a step fails.
	FailTo PowerState `json:"failTo"`

	CreatedAt     time.Time `json:"createdAt"`
	StepStartedAt time.Time `json:"stepStartedAt"`
	// DueAt is when the current step is due to complete on the core's clock.
	// It is zero while the operation is held by a fault.
	DueAt      time.Time `json:"dueAt,omitzero"`
	FinishedAt time.Time `json:"finishedAt,omitzero"`

	ErrorCode    string `json:"errorCode,omitempty"`
	ErrorMessage string `json:"errorMessage,omitempty"`

	// Fault is the injected fault this operation carries, if any.
	Fault *Fault `json:"fault,omitempty"`
}

// Done reports whether the operation has finished, well or not.
func (op *Operation) Done() bool { return op.State != OpRunning }

// Current returns the step in progress, or the zero Step when done.
func (op *Operation) Current() Step {
	if op.Step < len(op.Steps) {
		return op.Steps[op.Step]
	}
	return Step{}
}

// Progress returns how far the current step is, from 0 to 1, at time now.
// Clouds use it to show sub-phases (e.g. ECS resize_prep → resize_finish).
func (op *Operation) Progress(now time.Time) float64 {
	if op.Done() {
		return 1
	}
	if op.DueAt.IsZero() || !op.DueAt.After(op.StepStartedAt) {
		return 0
	}
	p := float64(now.Sub(op.StepStartedAt)) / float64(op.DueAt.Sub(op.StepStartedAt))
	return min(max(p, 0), 1)
}

// Summary returns what an instance remembers of op.
func (op *Operation) Summary() *OperationSummary {
	return &OperationSummary{ID: op.ID, Kind: op.Kind, State: op.State, SpecID: op.SpecID, ErrorCode: op.ErrorCode, FinishedAt: op.FinishedAt}
}

// OperationRequest asks for one kind of operation on one or more instances.
// It is all-or-nothing: if any instance refuses, none is changed.
type OperationRequest struct {
	Scope
	Kind        Kind
	Mode        Mode
	InstanceIDs []string
	// SpecID is the target spec of a resize.
	SpecID string
	// ImageID is the image a rebuild installs; empty keeps the instance's.
	ImageID string
	// Attrs are set on each instance, or deleted by an empty value, in the
	// commit that accepts the operation (a rebuild's new key pair).
	Attrs map[string]string
	// Name, when not empty, renames each instance in that same commit (a
	// rebuild's new name).
	Name string
	Hard bool
	// Batch marks a request made through a cloud's batch call, which may
	// show its job otherwise than a single-instance call's even when it
	// names one instance; each operation records it.
	Batch bool
}

// Job is what one accepted request produced: an operation per instance and
// the instances as they were right after acceptance.
type Job struct {
	ID         string
	Operations []Operation
	Instances  []Instance
}

// JobState summarises the operations of a job.
func JobState(ops []Operation) OpState {
	state := OpSucceeded
	for _, op := range ops {
		switch op.State {
		case OpRunning:
			return OpRunning
		case OpFailed:
			state = OpFailed
		}
	}
	return state
}
