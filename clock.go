package vmplane

import "time"

// Clock is the core's time. Every timestamp and every due time comes from
// it, never from the system, so tests and users control time.
type Clock interface {
	Now() time.Time
	// Running reports whether time passes on its own. A frozen clock moves
	// only when told to.
	Running() bool
	// Changed returns a channel that is closed the next time the clock jumps
	// (is advanced, set, frozen or resumed).
	Changed() <-chan struct{}
}
