// Package mock holds test doubles of the core's interfaces: structs of
// function fields, each falling back to success when left nil.
package mock

import (
	"context"
	"sync"

	"github.com/vmplane/vmplane"
)

var _ vmplane.Driver = (*Driver)(nil)

// Driver is a vmplane.Driver whose methods call the matching field. It
// records every call, in order.
type Driver struct {
	ProvisionFn func(ctx context.Context, m vmplane.Machine) error
	PowerOnFn   func(ctx context.Context, m vmplane.Machine) error
	PowerOffFn  func(ctx context.Context, m vmplane.Machine) error
	RebootFn    func(ctx context.Context, m vmplane.Machine) error
	ApplySpecFn func(ctx context.Context, m vmplane.Machine) error
	RemoveFn    func(ctx context.Context, m vmplane.Machine) error

	mu    sync.Mutex
	calls []Call
}

// Call is one recorded driver call.
type Call struct {
	Action  vmplane.Action
	Machine vmplane.Machine
}

// Calls returns the calls made so far.
func (d *Driver) Calls() []Call {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]Call(nil), d.calls...)
}

func (d *Driver) call(ctx context.Context, a vmplane.Action, m vmplane.Machine, f func(context.Context, vmplane.Machine) error) error {
	d.mu.Lock()
	d.calls = append(d.calls, Call{Action: a, Machine: m})
	d.mu.Unlock()
	if f == nil {
		return nil
	}
	return f(ctx, m)
}

func (d *Driver) Provision(ctx context.Context, m vmplane.Machine) error {
	return d.call(ctx, vmplane.ActionProvision, m, d.ProvisionFn)
}

func (d *Driver) PowerOn(ctx context.Context, m vmplane.Machine) error {
	return d.call(ctx, vmplane.ActionPowerOn, m, d.PowerOnFn)
}

func (d *Driver) PowerOff(ctx context.Context, m vmplane.Machine) error {
	return d.call(ctx, vmplane.ActionPowerOff, m, d.PowerOffFn)
}

func (d *Driver) Reboot(ctx context.Context, m vmplane.Machine) error {
	return d.call(ctx, vmplane.ActionReboot, m, d.RebootFn)
}

func (d *Driver) ApplySpec(ctx context.Context, m vmplane.Machine) error {
	return d.call(ctx, vmplane.ActionApplySpec, m, d.ApplySpecFn)
}

func (d *Driver) Remove(ctx context.Context, m vmplane.Machine) error {
	return d.call(ctx, vmplane.ActionRemove, m, d.RemoveFn)
}
