package sqlite_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/vmplane/vmplane"
	"github.com/vmplane/vmplane/sqlite"
)

var backupTime = time.Date(2025, 6, 11, 8, 0, 0, 0, time.UTC)

func backupInstance(seq int64) vmplane.Instance {
	return vmplane.Instance{ID: fmt.Sprint(seq), Seq: seq, Cloud: "test", Account: "default", Name: fmt.Sprint("vm-", seq),
		SpecID: "small", VCPU: 1, MemoryMiB: 1024, Power: vmplane.PowerRunning, CreatedAt: backupTime, UpdatedAt: backupTime}
}

// restore writes a backup where a data directory keeps its database, and
// opens it.
func restore(t *testing.T, backup []byte) *sqlite.DB {
	t.Helper()
	file := filepath.Join(t.TempDir(), "vmplane.db")
	if err := os.WriteFile(file, backup, 0o600); err != nil {
		t.Fatal(err)
	}
	return open(t, file)
}

// A backup holds everything committed, including what is still in the
// WAL rather than the main file, and opens as a database of its own.
func TestBackupHoldsEveryCommitAndOpensAsADatabase(t *testing.T) {
	ctx := context.Background()
	db := open(t, filepath.Join(t.TempDir(), "vmplane.db"))
	in := backupInstance(1)
	op := vmplane.Operation{ID: "op-1", Seq: 2, JobID: "job-1", Cloud: "test", Account: "default", InstanceID: in.ID,
		Kind: vmplane.KindStop, Steps: []vmplane.Step{{Action: vmplane.ActionPowerOff, Then: vmplane.PowerStopped}},
		State: vmplane.OpRunning, FailTo: vmplane.PowerFailed, CreatedAt: backupTime, StepStartedAt: backupTime, DueAt: backupTime.Add(time.Minute)}
	in.Op = &op
	err := db.Commit(ctx, &vmplane.Changes{Seq: 2,
		Accounts:   []vmplane.Account{{ID: "default", ProjectID: "p", Keys: []vmplane.Key{{AccessKey: "AK", SecretKey: "SK"}}, CreatedAt: backupTime}},
		Instances:  []vmplane.Instance{in, backupInstance(2)},
		Operations: []vmplane.Operation{op}})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.PutSetting(ctx, "clock", "frozen"); err != nil {
		t.Fatal(err)
	}
	var backup bytes.Buffer
	if err := db.Backup(ctx, &backup); err != nil {
		t.Fatal(err)
	}
	want, err := db.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	restored := restore(t, backup.Bytes())
	got, err := restored.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("the backup loads\n%+v\nwant\n%+v", got, want)
	}
	if v, err := restored.Setting(ctx, "clock"); err != nil || v != "frozen" {
		t.Fatalf("setting in the backup: %q %v", v, err)
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(db.File()), ".backup-*")); len(left) > 0 {
		t.Fatalf("the backup left files behind: %v", left)
	}
}

// A backup taken while commits go on is the state as of one of them: the
// instances committed before it began, and a whole prefix of the rest.
func TestBackupWhileCommittingIsTheStateAsOfOneCommit(t *testing.T) {
	ctx := context.Background()
	db := open(t, filepath.Join(t.TempDir(), "vmplane.db"))
	if err := db.Commit(ctx, &vmplane.Changes{Accounts: []vmplane.Account{{ID: "default", ProjectID: "p", CreatedAt: backupTime}},
		Instances: []vmplane.Instance{backupInstance(1)}, Seq: 1}); err != nil {
		t.Fatal(err)
	}
	const commits = 300
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for seq := int64(2); seq <= commits; seq++ {
			if err := db.Commit(ctx, &vmplane.Changes{Instances: []vmplane.Instance{backupInstance(seq)}, Seq: seq}); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	var backup bytes.Buffer
	err := db.Backup(ctx, &backup)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	snap, err := restore(t, backup.Bytes()).Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	n := int64(len(snap.Instances))
	if n < 1 || n > commits || snap.Seq != n {
		t.Fatalf("%d instances, sequence %d: not the state as of one commit", n, snap.Seq)
	}
	for i, in := range snap.Instances {
		if in.Seq != int64(i+1) {
			t.Fatalf("instance %d has sequence %d: a gap in the commits the backup holds", i, in.Seq)
		}
	}
}
