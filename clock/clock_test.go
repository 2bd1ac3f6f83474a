package clock

import (
	"testing"
	"time"
)

var t0 = time.Date(2025, 6, 11, 8, 0, 0, 0, time.UTC)

// fake returns a clock whose system time the test moves.
func fake(sys *time.Time) *Virtual {
	c := New()
	c.system = func() time.Time { return *sys }
	return c
}

func TestFrozenClockMovesOnlyWhenAdvanced(t *testing.T) {
	c := NewFrozen(t0)
	if c.Running() || !c.Now().Equal(t0) {
		t.Fatalf("frozen clock: running %v now %s", c.Running(), c.Now())
	}
	changed := c.Changed()
	c.Advance(90 * time.Second)
	select {
	case <-changed:
	default:
		t.Fatal("advance did not signal a change")
	}
	if got := c.Now(); !got.Equal(t0.Add(90 * time.Second)) {
		t.Fatalf("after advance: %s", got)
	}
	c.Advance(-time.Hour)
	if got := c.Now(); !got.Equal(t0.Add(90 * time.Second)) {
		t.Fatalf("a negative advance moved the clock back: %s", got)
	}
}

func TestRunningClockFollowsTheSystemClockAtAnOffset(t *testing.T) {
	sys := t0
	c := fake(&sys)
	c.Advance(time.Hour)
	sys = sys.Add(time.Minute)
	if got, want := c.Now(), t0.Add(time.Hour+time.Minute); !got.Equal(want) {
		t.Fatalf("now = %s, want %s", got, want)
	}
}

func TestFreezeAndResumeKeepTheVirtualTime(t *testing.T) {
	sys := t0
	c := fake(&sys)
	c.Advance(time.Hour)
	c.Freeze()
	sys = sys.Add(10 * time.Minute) // time passes while frozen
	if got := c.Now(); !got.Equal(t0.Add(time.Hour)) {
		t.Fatalf("frozen at %s", got)
	}
	changed := c.Changed()
	c.Resume()
	<-changed
	sys = sys.Add(time.Minute)
	if got, want := c.Now(), t0.Add(time.Hour+time.Minute); !got.Equal(want) {
		t.Fatalf("resumed: now = %s, want %s", got, want)
	}
}

func TestSetMovesForwardOnly(t *testing.T) {
	c := NewFrozen(t0)
	c.Set(t0.Add(48 * time.Hour))
	c.Set(t0)
	if got := c.Now(); !got.Equal(t0.Add(48 * time.Hour)) {
		t.Fatalf("now = %s", got)
	}
}

func TestRestoreKeepsTheOffsetAndNeverGoesBackInTime(t *testing.T) {
	sys := t0
	c := fake(&sys)
	c.Advance(time.Hour)
	saved := c.State()

	sys = t0.Add(10 * time.Minute) // vmplane was down for ten minutes
	c = fake(&sys)
	c.Restore(saved)
	if got, want := c.Now(), t0.Add(time.Hour+10*time.Minute); !got.Equal(want) {
		t.Fatalf("restored: %s, want %s", got, want)
	}
	sys = t0.Add(-time.Hour) // the system clock went back
	c = fake(&sys)
	c.Restore(saved)
	if got := c.Now(); got.Before(saved.Now) {
		t.Fatalf("restored before the saved time: %s < %s", got, saved.Now)
	}
	c.Restore(State{Frozen: true, Now: t0.Add(-time.Hour)})
	if got := c.Now(); !got.Equal(t0.Add(-time.Hour)) || c.Running() {
		t.Fatalf("restored frozen: %s running %v", got, c.Running())
	}
}

// A running clock moved further than a Duration reaches stops there: it
// once wrapped round to 1734, and operations due in its future never ran.
func TestARunningClockNeverWrapsToThePast(t *testing.T) {
	sys := t0
	c := fake(&sys)
	c.Advance(time.Second)
	c.Set(time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC))
	if got := c.Now(); got.Before(t0) {
		t.Fatalf("set far ahead: now = %s, before %s", got, t0)
	}
	before := c.Now()
	c.Advance(2562040 * time.Hour)
	c.Advance(2562040 * time.Hour)
	if got := c.Now(); got.Before(before) {
		t.Fatalf("advanced twice by 292 years: now = %s, before %s", got, before)
	}
}
