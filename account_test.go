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

// An account given one access key twice is refused as invalid input, not
// as busy (its two holds of the key met each other).
func TestAnAccessKeyGivenTwiceIsInvalid(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	k := vmplane.Key{AccessKey: "AK-TWICE", SecretKey: "s"}
	_, err := h.svc.CreateAccount(context.Background(), vmplane.AccountCreate{ID: "team", Keys: []vmplane.Key{k, k}})
	if vmplane.ErrorCode(err) != vmplane.EINVALID {
		t.Fatalf("err %v (%s), want %s", err, vmplane.ErrorCode(err), vmplane.EINVALID)
	}
	if _, err := h.svc.FindAccountByID("team"); err == nil {
		t.Fatal("the account was made")
	}
}
