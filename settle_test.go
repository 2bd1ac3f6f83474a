package vmplane_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/vmplane/vmplane"
)

// Advancing the clock over several steps of an operation at once must not
// return before the last of them: a step that comes due while the previous
// one is still being committed is queued again as that one ends, and Settle
// must not slip in between.
func TestSettleWaitsForStepsThatComeDueWhileTheirPredecessorEnds(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	for round := range 30 {
		names := make([]string, 3)
		for i := range names {
			names[i] = fmt.Sprintf("r%d-%d", round, i)
		}
		job, err := h.svc.CreateInstances(t.Context(), vmplane.InstanceCreate{Scope: defaultScope, Names: names, SpecID: "small"})
		if err != nil {
			t.Fatal(err)
		}
		h.advance(8 * time.Second) // provision (5s), then boot (3s)
		for _, in := range job.Instances {
			if got := h.get(in.ID); got.Power != vmplane.PowerRunning || got.Op != nil {
				t.Fatalf("round %d: %s is %s with %v after both steps were due", round, in.ID, got.Power, got.Op)
			}
		}
	}
}
