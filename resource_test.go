package vmplane_test

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vmplane/vmplane"
)

func TestResourcesAreScopedDurableAndUniqueByNameWhenAsked(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	ctx := t.Context()
	key, err := h.svc.CreateResource(ctx, vmplane.ResourceCreate{Scope: defaultScope, Kind: "loginKey", Name: "k", Attrs: map[string]string{"fp": "aa"}, UniqueName: true})
	if err != nil || key.ID == "" || key.Attr("fp") != "aa" {
		t.Fatalf("create: %+v %v", key, err)
	}
	_, err = h.svc.CreateResource(ctx, vmplane.ResourceCreate{Scope: defaultScope, Kind: "loginKey", Name: "k", UniqueName: true})
	wantCode(t, err, vmplane.EEXISTS)
	_, err = h.svc.CreateResource(ctx, vmplane.ResourceCreate{Scope: defaultScope, Kind: "loginKey", ID: key.ID})
	wantCode(t, err, vmplane.EEXISTS)

	if _, err := h.svc.CreateAccount(ctx, vmplane.AccountCreate{ID: "other"}); err != nil {
		t.Fatal(err)
	}
	otherScope := vmplane.Scope{Cloud: testCloud, Account: "other"}
	if _, err := h.svc.CreateResource(ctx, vmplane.ResourceCreate{Scope: otherScope, Kind: "loginKey", Name: "k", UniqueName: true}); err != nil {
		t.Fatalf("the same name in another account: %v", err)
	}
	if _, err := h.svc.FindResourceByID(ctx, otherScope, "loginKey", key.ID); vmplane.ErrorCode(err) != vmplane.ENOTFOUND {
		t.Fatalf("another account's resource was found: %v", err)
	}

	if _, err := h.svc.UpdateResource(ctx, defaultScope, "loginKey", key.ID, map[string]string{"fp": "", "used": "yes"}); err != nil {
		t.Fatal(err)
	}
	h.restart()
	got, err := h.svc.FindResourceByID(ctx, defaultScope, "loginKey", key.ID)
	if err != nil || got.Attr("fp") != "" || got.Attr("used") != "yes" || got.Name != "k" {
		t.Fatalf("after restart: %+v %v", got, err)
	}
	if list := h.svc.FindResources(ctx, defaultScope, "loginKey"); len(list) != 1 {
		t.Fatalf("list: %+v", list)
	}
	if err := h.svc.DeleteResource(ctx, defaultScope, "loginKey", key.ID); err != nil {
		t.Fatal(err)
	}
	wantCode(t, h.svc.DeleteResource(ctx, defaultScope, "loginKey", key.ID), vmplane.ENOTFOUND)
	h.restart()
	if list := h.svc.FindResources(ctx, defaultScope, "loginKey"); len(list) != 0 {
		t.Fatalf("deleted resource came back: %+v", list)
	}
}

func TestConcurrentCreatesOfOneUniqueNameHaveOneWinner(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	var wins atomic.Int32
	var wg sync.WaitGroup
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := h.svc.CreateResource(t.Context(), vmplane.ResourceCreate{Scope: defaultScope, Kind: "loginKey", Name: "same", UniqueName: true})
			switch vmplane.ErrorCode(err) {
			case "":
				wins.Add(1)
			case vmplane.EEXISTS:
			default:
				t.Errorf("unexpected: %v", err)
			}
		}()
	}
	wg.Wait()
	if wins.Load() != 1 {
		t.Fatalf("%d winners", wins.Load())
	}
}

func TestScaledTimesACloudsOwnDurationsLikeOperations(t *testing.T) {
	normal := newHarness(t, harnessOptions{})
	if got := normal.svc.Scaled(30 * time.Second); got != 30*time.Second {
		t.Errorf("at scale 1: %v, want 30s", got)
	}
	instant := newHarness(t, harnessOptions{instant: true})
	if got := instant.svc.Scaled(30 * time.Second); got != 0 {
		t.Errorf("at scale 0: %v, want 0", got)
	}
}

// Edits of one resource made at the same moment each see the ones
// committed before them: a list kept in one attribute loses nothing, and
// an edit's error changes nothing.
func TestEditResourceLosesNoConcurrentChange(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	ctx := t.Context()
	r, err := h.svc.CreateResource(ctx, vmplane.ResourceCreate{Scope: defaultScope, Kind: "acg"})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range 10 {
		wg.Go(func() {
			_, err := h.svc.EditResource(ctx, defaultScope, "acg", r.ID, func(attrs map[string]string) error {
				attrs["rules"] += fmt.Sprintf("[%d]", i)
				return nil
			})
			if err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	_, err = h.svc.EditResource(ctx, defaultScope, "acg", r.ID, func(attrs map[string]string) error {
		attrs["rules"] = ""
		return errors.New("refused")
	})
	if err == nil {
		t.Error("an edit's error was not returned")
	}
	got, err := h.svc.FindResourceByID(ctx, defaultScope, "acg", r.ID)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 10 {
		if !strings.Contains(got.Attr("rules"), fmt.Sprintf("[%d]", i)) {
			t.Errorf("edit %d was lost: %q", i, got.Attr("rules"))
		}
	}
}
