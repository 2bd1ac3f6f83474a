package vmplane

import (
	"context"
	"fmt"
	"time"
)

// Driver runs machines: the simulated one answers at once, a real hypervisor
// takes real time and can fail. The worker calls one method per step of an
// operation and calls it again, with the same Machine, until it returns nil
// or an error that is not *Pending, including after a restart of vmplane.
// Each method must therefore be idempotent: drive the machine toward the
// state the action names, and report whether it is there.
type Driver interface {
	// Provision creates the machine's resources without booting it.
	Provision(ctx context.Context, m Machine) error
	// PowerOn boots the machine with its current spec.
	PowerOn(ctx context.Context, m Machine) error
	// PowerOff shuts the machine down (Machine.Hard: at once).
	PowerOff(ctx context.Context, m Machine) error
	// Reboot restarts a running machine. Machine.Step tells one reboot
	// from the next.
	Reboot(ctx context.Context, m Machine) error
	// ApplySpec records a new vCPU/memory size, taking effect at next boot.
	ApplySpec(ctx context.Context, m Machine) error
	// Remove destroys the machine and its resources.
	Remove(ctx context.Context, m Machine) error
}

// Machine is what a Driver knows of an instance.
type Machine struct {
	// Key identifies the machine across clouds: "cloud/instance-id".
	Key       string
	Name      string
	VCPU      int
	MemoryMiB int
	ImageID   string
	Hard      bool
	// Step is unique to one step of one operation ("<operation-id>/<n>").
	Step string
}

// Pending is returned by a Driver whose action is under way: the worker
// calls again after After (real time, whatever the core's clock does).
type Pending struct {
	After  time.Duration
	Reason string
}

func (p *Pending) Error() string { return fmt.Sprintf("pending (%s), retry in %s", p.Reason, p.After) }

// Inspector is a Driver that can tell what a machine is really doing. The
// core asks it, at start, about every idle instance it believes is running
// or stopped, and records what it finds.
type Inspector interface {
	Inspect(ctx context.Context, m Machine) (PowerState, error)
}

// Describer is a Driver that can describe a machine for operators (process
// id, accelerator, what the guest reports).
type Describer interface {
	Describe(ctx context.Context, m Machine) (map[string]any, error)
}

// Cleaner is a Driver that holds resources outside vmplane (processes,
// files). Cleanup releases all of them; the core calls it on reset.
type Cleaner interface {
	Cleanup(ctx context.Context) error
}

// Limiter is a Driver that can run only so many machines at once. The core
// refuses, with EQUOTA, an operation that would have more machines powered
// on (or on their way) than MaxMachines; 0 means no limit.
type Limiter interface {
	MaxMachines() int
}

// Watcher is an Inspector whose machines change on their own: a guest
// powers itself off, a process is killed behind vmplane's back. The core
// calls Watch once, before it first inspects; the driver then calls
// changed with a machine's Key whenever that machine may have changed, and
// the core inspects it again as soon as it is idle, as at start.
type Watcher interface {
	Watch(changed func(key string))
}
