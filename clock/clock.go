// Package clock provides the virtual clock vmplane runs on: it follows the
// system clock at an offset, and can be frozen, advanced and set, so that
// users and tests control how operations progress.
package clock

import (
	"math"
	"sync"
	"time"

	"github.com/vmplane/vmplane"
)

var _ vmplane.Clock = (*Virtual)(nil)

// Virtual is a clock that runs at the system clock's pace plus an offset,
// or stands still when frozen. The zero value is not usable; use New.
type Virtual struct {
	mu      sync.Mutex
	offset  time.Duration // while running: virtual = system + offset
	frozen  bool
	at      time.Time // while frozen: the virtual time
	changed chan struct{}
	system  func() time.Time
}

// New returns a running clock that reads the system time.
func New() *Virtual {
	return &Virtual{changed: make(chan struct{}), system: time.Now}
}

// NewFrozen returns a clock frozen at t, as tests want it.
func NewFrozen(t time.Time) *Virtual {
	c := New()
	c.frozen, c.at = true, t
	return c
}

// Now returns the virtual time.
func (c *Virtual) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now()
}

func (c *Virtual) now() time.Time {
	if c.frozen {
		return c.at
	}
	return c.system().Add(c.offset).Round(0)
}

// Running reports whether the clock moves on its own.
func (c *Virtual) Running() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return !c.frozen
}

// Changed returns a channel closed at the clock's next jump.
func (c *Virtual) Changed() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.changed
}

func (c *Virtual) jumped() {
	close(c.changed)
	c.changed = make(chan struct{})
}

// Advance moves the clock forward by d (negative d is ignored: time never
// runs backwards for the operations that wait on it).
func (c *Virtual) Advance(d time.Duration) {
	if d <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.frozen {
		c.at = c.at.Add(d)
	} else {
		// An offset stops at the largest a Duration holds (292 years)
		// rather than wrapping round to the past.
		if c.offset > 0 && d > math.MaxInt64-c.offset {
			c.offset = math.MaxInt64
		} else {
			c.offset += d
		}
	}
	c.jumped()
}

// Set moves the clock to t, if t is later than now.
func (c *Virtual) Set(t time.Time) {
	c.mu.Lock()
	d := t.Sub(c.now())
	c.mu.Unlock()
	c.Advance(d)
}

// Freeze stops the clock at its current time.
func (c *Virtual) Freeze() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.frozen {
		c.at, c.frozen = c.now(), true
		c.jumped()
	}
}

// Resume lets a frozen clock run again from where it stood.
func (c *Virtual) Resume() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.frozen {
		c.offset, c.frozen = c.at.Sub(c.system()), false
		c.jumped()
	}
}

// State is what a clock needs to carry on after a restart.
type State struct {
	Frozen bool      `json:"frozen"`
	Now    time.Time `json:"now"`
	// Offset is how far a running clock is ahead of the system clock.
	Offset time.Duration `json:"offset,omitempty"`
}

// State returns the clock's current state.
func (c *Virtual) State() State {
	c.mu.Lock()
	defer c.mu.Unlock()
	return State{Frozen: c.frozen, Now: c.now(), Offset: c.offset}
}

// Restore puts the clock back in a saved state. A running clock keeps its
// offset from the system clock, so time passes while vmplane is down, but it
// never resumes before the saved time.
func (c *Virtual) Restore(s State) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if s.Frozen {
		c.frozen, c.at = true, s.Now
	} else {
		c.frozen = false
		c.offset = max(s.Offset, s.Now.Sub(c.system()))
	}
	c.jumped()
}
