package vmplane_test

import (
	"context"
	"slices"
	"testing"

	"github.com/vmplane/vmplane"
)

// A reset keeps the default account's generated keys and project id: they
// are what the server printed at start, and what clients are set up with.
func TestResetKeepsTheDefaultAccountsCredentials(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	before, err := h.svc.FindAccountByID(vmplane.DefaultAccountID)
	if err != nil {
		t.Fatal(err)
	}
	h.seed(vmplane.PowerRunning)
	if err := h.svc.Reset(context.Background()); err != nil {
		t.Fatal(err)
	}
	after, err := h.svc.FindAccountByID(vmplane.DefaultAccountID)
	if err != nil {
		t.Fatal(err)
	}
	if after.ProjectID != before.ProjectID || !slices.Equal(after.Keys, before.Keys) {
		t.Fatalf("after a reset: project %s keys %v, want %s %v", after.ProjectID, after.Keys, before.ProjectID, before.Keys)
	}
	if _, total, _ := h.svc.FindInstances(context.Background(), vmplane.InstanceFilter{}); total != 0 {
		t.Fatalf("%d instances after a reset", total)
	}
	h.restart()
	if again, err := h.svc.FindAccountByID(vmplane.DefaultAccountID); err != nil || again.ProjectID != before.ProjectID || !slices.Equal(again.Keys, before.Keys) {
		t.Fatalf("after a restart: %+v, %v", again, err)
	}
}
