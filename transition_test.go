package vmplane_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/vmplane/vmplane"
)

// seedable are the states an idle instance can be seeded in.
var seedable = []vmplane.PowerState{vmplane.PowerRunning, vmplane.PowerStopped, vmplane.PowerFailed, vmplane.PowerRecycled}

// submittable are the kinds a client can ask for; create and scheduled
// resizes enter through their own calls.
var submittable = []vmplane.Kind{vmplane.KindStart, vmplane.KindStop, vmplane.KindReboot, vmplane.KindResize, vmplane.KindTerminate, vmplane.KindRecycle, vmplane.KindRebuild}

func inTable(kind vmplane.Kind, mode vmplane.Mode, from vmplane.PowerState) (vmplane.Transition, bool) {
	i := slices.IndexFunc(vmplane.Transitions, func(t vmplane.Transition) bool {
		return t.Kind == kind && t.Mode == mode && t.From == from
	})
	if i < 0 {
		return vmplane.Transition{}, false
	}
	return vmplane.Transitions[i], true
}

func TestTransitionTableHasNoDuplicateRows(t *testing.T) {
	seen := make(map[string]bool)
	for _, tr := range vmplane.Transitions {
		key := fmt.Sprint(tr.Kind, "/", tr.Mode, "/", tr.From)
		if seen[key] {
			t.Errorf("row %s appears twice", key)
		}
		seen[key] = true
		if len(tr.Steps) == 0 {
			t.Errorf("row %s has no steps", key)
		}
	}
}

// Every row of the table, submitted on an instance in its From state, is
// accepted, shows the instance unchanged with the operation in flight, and
// ends in the state of its last step.
func TestEveryLegalTransitionSucceeds(t *testing.T) {
	for _, tr := range vmplane.Transitions {
		if !slices.Contains(submittable, tr.Kind) || !slices.Contains(seedable, tr.From) {
			continue
		}
		t.Run(fmt.Sprintf("%s/%s/%s", tr.Kind, modeName(tr.Mode), tr.From), func(t *testing.T) {
			h := newHarness(t, harnessOptions{})
			in := h.seed(tr.From)
			spec := ""
			if tr.Kind == vmplane.KindResize {
				spec = "medium"
			}
			job := h.mustSubmit(tr.Kind, tr.Mode, spec, in.ID)
			got := job.Instances[0]
			if got.Power != tr.From || got.Op == nil || !slices.Equal(got.Op.Steps, tr.Steps) || got.SpecID != "small" {
				t.Fatalf("after accept: power %s op %+v spec %s; want power %s with steps %v and the old spec", got.Power, got.Op, got.SpecID, tr.From, tr.Steps)
			}
			h.advance(time.Minute)
			final := tr.Steps[len(tr.Steps)-1].Then
			if final == vmplane.PowerDeleted {
				if _, err := h.svc.FindInstanceByID(t.Context(), defaultScope, in.ID); vmplane.ErrorCode(err) != vmplane.ENOTFOUND {
					t.Fatalf("terminated instance still found: %v", err)
				}
				return
			}
			after := h.get(in.ID)
			if after.Power != final || after.Op != nil || after.Last == nil || after.Last.State != vmplane.OpSucceeded {
				t.Fatalf("after completion: power %s op %v last %+v; want %s, idle, succeeded", after.Power, after.Op, after.Last, final)
			}
			if tr.Kind == vmplane.KindResize && (after.SpecID != "medium" || after.VCPU != 2 || after.MemoryMiB != 4096) {
				t.Fatalf("resize did not apply the spec: %s %d vCPU %d MiB", after.SpecID, after.VCPU, after.MemoryMiB)
			}
		})
	}
}

// Every move that is not a row of the table is refused with ESTATE naming
// the kind and the state, and changes nothing.
func TestEveryIllegalTransitionIsRefused(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	for _, from := range seedable {
		for _, kind := range submittable {
			for _, mode := range vmplane.Modes {
				if _, ok := inTable(kind, mode, from); ok {
					continue
				}
				in := h.seed(from)
				_, err := h.submit(kind, mode, "medium", in.ID)
				e := wantCode(t, err, vmplane.ESTATE)
				if e.Kind != kind || e.State != from || e.ID != in.ID {
					t.Errorf("%s/%s/%s: error names kind %s state %s id %s", kind, modeName(mode), from, e.Kind, e.State, e.ID)
				}
				if after := h.get(in.ID); after.Op != nil || after.Power != from {
					t.Errorf("%s/%s/%s: refused operation changed the instance: %+v", kind, modeName(mode), from, after)
				}
			}
		}
	}
	// States an idle instance is never seeded in are refused by the table itself.
	for _, from := range []vmplane.PowerState{vmplane.PowerNone, vmplane.PowerBuilding, vmplane.PowerDeleted} {
		for _, kind := range vmplane.Kinds {
			for _, mode := range vmplane.Modes {
				_, err := vmplane.FindTransition(kind, mode, from)
				if _, ok := inTable(kind, mode, from); !ok {
					wantCode(t, err, vmplane.ESTATE)
				} else if err != nil {
					t.Errorf("%s/%s/%s: %v", kind, modeName(mode), from, err)
				}
			}
		}
	}
}

// A reboot restarts the machine, so the start of its uptime moves when
// the reboot completes, as after a power-on; a stop leaves it.
func TestRebootMovesLaunchTime(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	in := h.seed(vmplane.PowerRunning)
	h.advance(10 * time.Second)
	h.mustSubmit(vmplane.KindReboot, vmplane.ModeStrict, "", in.ID)
	if got := h.get(in.ID); !got.LaunchedAt.Equal(in.LaunchedAt) {
		t.Fatalf("rebooting: launched %s, want %s until the reboot completes", got.LaunchedAt, in.LaunchedAt)
	}
	h.advance(3 * time.Second)
	rebooted := epoch.Add(13 * time.Second)
	if got := h.get(in.ID); got.Power != vmplane.PowerRunning || got.Op != nil || !got.LaunchedAt.Equal(rebooted) {
		t.Fatalf("rebooted: %s op %v launched %s, want %s", got.Power, got.Op, got.LaunchedAt, rebooted)
	}
	h.mustSubmit(vmplane.KindStop, vmplane.ModeStrict, "", in.ID)
	h.advance(3 * time.Second)
	if got := h.get(in.ID); got.Power != vmplane.PowerStopped || !got.LaunchedAt.Equal(rebooted) {
		t.Fatalf("stopped: %s launched %s, want %s", got.Power, got.LaunchedAt, rebooted)
	}
}

// Instances seeded with ids of their own that the sequence would give next
// are passed by: creates go on with the ids after them (they failed, every
// one, once the sequence reached a seeded id).
func TestCreatePassesBySeededIDs(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	seeded := map[string]bool{}
	// Sequence numbers 1 to 3 go to the seeds, then a create takes one for
	// its job and one for each instance and operation: 5 and 7 would be
	// the first two instances' ids.
	for _, id := range []string{"5", "7", "12"} {
		h.seedWith(vmplane.InstanceSeed{ID: id, Power: vmplane.PowerRunning})
		seeded[id] = true
	}
	for range 4 {
		job, err := h.svc.CreateInstances(t.Context(), vmplane.InstanceCreate{Scope: defaultScope, Names: []string{"a", "b"}, SpecID: "small"})
		if err != nil {
			t.Fatal(err)
		}
		for _, in := range job.Instances {
			if seeded[in.ID] {
				t.Fatalf("created %s, a seeded instance's id", in.ID)
			}
			seeded[in.ID] = true
		}
	}
	if _, total, _ := h.svc.FindInstances(t.Context(), vmplane.InstanceFilter{Scope: defaultScope}); total != 11 {
		t.Fatalf("%d instances, want 3 seeded and 8 created", total)
	}
}

func TestCreateWalksProvisionThenBoot(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	job, err := h.svc.CreateInstances(t.Context(), vmplane.InstanceCreate{Scope: defaultScope, Names: []string{"a", "b"}, SpecID: "small"})
	if err != nil {
		t.Fatal(err)
	}
	if len(job.Instances) != 2 || job.ID == "" || job.Operations[0].JobID != job.ID {
		t.Fatalf("job = %+v", job)
	}
	in := job.Instances[0]
	if in.Power != vmplane.PowerBuilding || in.Op.Current().Action != vmplane.ActionProvision || in.Zone != "z1" || in.Region != "r1" {
		t.Fatalf("accepted instance = %+v", in)
	}
	h.advance(5 * time.Second) // provisioned; now booting
	if got := h.get(in.ID); got.Power != vmplane.PowerBuilding || got.Op.Current().Action != vmplane.ActionPowerOn {
		t.Fatalf("after 5s: %s %+v", got.Power, got.Op)
	}
	h.advance(3 * time.Second)
	got := h.get(in.ID)
	if got.Power != vmplane.PowerRunning || got.Op != nil || !got.LaunchedAt.Equal(epoch.Add(8*time.Second)) {
		t.Fatalf("after 8s: %s op %v launched %s", got.Power, got.Op, got.LaunchedAt)
	}
}

func modeName(m vmplane.Mode) string {
	if m == vmplane.ModeStrict {
		return "strict"
	}
	return string(m)
}

// A rebuild installs the image it names (the instance shows it from the
// start) and boots the machine: provision, then power on.
func TestRebuildInstallsTheImageAndBoots(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	in := h.seedWith(vmplane.InstanceSeed{Power: vmplane.PowerStopped, ImageID: "debian-12"})
	key := map[string]string{"key": "new-pair"}
	_, err := h.svc.Submit(t.Context(), vmplane.OperationRequest{Scope: defaultScope, Kind: vmplane.KindRebuild, ImageID: "windows", Attrs: key, Name: "rebuilt", InstanceIDs: []string{in.ID}})
	wantCode(t, err, vmplane.ENOTFOUND)
	if got := h.get(in.ID); got.ImageID != "debian-12" || got.Op != nil || got.Attr("key") != "" || got.Name != in.Name {
		t.Fatalf("a refused rebuild changed the instance: %+v", got)
	}

	job, err := h.svc.Submit(t.Context(), vmplane.OperationRequest{Scope: defaultScope, Kind: vmplane.KindRebuild, ImageID: "ubuntu-24", Attrs: key, Name: "rebuilt", InstanceIDs: []string{in.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if got := job.Instances[0]; got.ImageID != "ubuntu-24" || got.Power != vmplane.PowerStopped || got.Op.Current().Action != vmplane.ActionProvision || got.Attr("key") != "new-pair" || got.Name != "rebuilt" {
		t.Fatalf("accepted: image %s power %s op %+v attrs %v name %s", got.ImageID, got.Power, got.Op, got.Attrs, got.Name)
	}
	h.advance(time.Minute)
	if got := h.get(in.ID); got.Power != vmplane.PowerRunning || got.ImageID != "ubuntu-24" || got.Op != nil || got.Last.Kind != vmplane.KindRebuild || got.Name != "rebuilt" {
		t.Fatalf("after the rebuild: power %s image %s op %v last %+v name %s", got.Power, got.ImageID, got.Op, got.Last, got.Name)
	}
	// Stopping first, a rebuild takes a running instance.
	stopFirst, err := h.svc.Submit(t.Context(), vmplane.OperationRequest{Scope: defaultScope, Kind: vmplane.KindRebuild, Mode: vmplane.ModeStopFirst, InstanceIDs: []string{in.ID}})
	if err != nil || stopFirst.Instances[0].Op.Current().Action != vmplane.ActionPowerOff {
		t.Fatalf("a rebuild of a running instance, stopping first: %v, %+v", err, stopFirst)
	}
	h.advance(time.Minute)
	if got := h.get(in.ID); got.Power != vmplane.PowerRunning || got.Op != nil || got.Last.Kind != vmplane.KindRebuild {
		t.Fatalf("after a rebuild that stopped first: power %s op %v last %+v", got.Power, got.Op, got.Last)
	}
	// Without an image, a rebuild keeps the one the instance has.
	h.mustSubmit(vmplane.KindStop, vmplane.ModeStrict, "", in.ID)
	h.advance(time.Minute)
	h.mustSubmit(vmplane.KindRebuild, vmplane.ModeStrict, "", in.ID)
	h.advance(time.Minute)
	if got := h.get(in.ID); got.Power != vmplane.PowerRunning || got.ImageID != "ubuntu-24" {
		t.Fatalf("after a rebuild without an image: power %s image %s", got.Power, got.ImageID)
	}
}
