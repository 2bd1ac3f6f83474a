// Package sim is the simulated hypervisor: every action succeeds at once,
// and the core's configured durations decide how long operations take.
package sim

import (
	"context"
	"sync"

	"github.com/vmplane/vmplane"
)

var _ vmplane.Driver = (*Driver)(nil)

// Driver keeps a record of each machine's power and size, so that tests and
// operators can see what a real hypervisor would have been told.
type Driver struct {
	mu       sync.Mutex
	machines map[string]Machine
}

// Machine is what the simulated hypervisor knows of one machine.
type Machine struct {
	On        bool
	VCPU      int
	MemoryMiB int
	Boots     int
}

// New returns an empty simulated hypervisor.
func New() *Driver { return &Driver{machines: make(map[string]Machine)} }

func (d *Driver) update(m vmplane.Machine, f func(*Machine)) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	cur, ok := d.machines[m.Key]
	if !ok {
		cur = Machine{VCPU: m.VCPU, MemoryMiB: m.MemoryMiB}
	}
	f(&cur)
	d.machines[m.Key] = cur
	return nil
}

func (d *Driver) Provision(ctx context.Context, m vmplane.Machine) error {
	return d.update(m, func(*Machine) {})
}

func (d *Driver) PowerOn(ctx context.Context, m vmplane.Machine) error {
	return d.update(m, func(s *Machine) {
		if !s.On {
			s.On, s.Boots = true, s.Boots+1
		}
	})
}

func (d *Driver) PowerOff(ctx context.Context, m vmplane.Machine) error {
	return d.update(m, func(s *Machine) { s.On = false })
}

func (d *Driver) Reboot(ctx context.Context, m vmplane.Machine) error {
	return d.update(m, func(s *Machine) { s.On, s.Boots = true, s.Boots+1 })
}

func (d *Driver) ApplySpec(ctx context.Context, m vmplane.Machine) error {
	return d.update(m, func(s *Machine) { s.VCPU, s.MemoryMiB = m.VCPU, m.MemoryMiB })
}

func (d *Driver) Remove(ctx context.Context, m vmplane.Machine) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	delete(d.machines, m.Key)
	return nil
}

// Machine returns what the hypervisor knows of the machine with key.
func (d *Driver) Machine(key string) (Machine, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	m, ok := d.machines[key]
	return m, ok
}

// Cleanup forgets every machine.
func (d *Driver) Cleanup(ctx context.Context) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	clear(d.machines)
	return nil
}
