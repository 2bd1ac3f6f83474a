package sqlite

import (
	"context"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vmplane/vmplane"
)

// The commit loop runs its statements on the driver's connection itself;
// when database/sql replaces that connection, the statements are prepared
// again on the new one, and commits go on landing.
func TestCommitsOutliveTheWriteConnection(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	at := time.Date(2025, 6, 11, 8, 0, 0, 0, time.UTC)
	commitInstance := func(seq int64) {
		t.Helper()
		in := vmplane.Instance{ID: "i" + strconv.FormatInt(seq, 10), Seq: seq, Cloud: "test", Account: "default", Name: "n",
			Power: vmplane.PowerRunning, CreatedAt: at, UpdatedAt: at}
		c := &vmplane.Changes{Instances: []vmplane.Instance{in}, Seq: seq}
		if seq == 1 {
			c.Accounts = []vmplane.Account{{ID: "default", ProjectID: "p", CreatedAt: at}}
		}
		if err := db.Commit(ctx, c); err != nil {
			t.Fatalf("commit %d: %v", seq, err)
		}
	}
	commitInstance(1)
	first := db.stmts.conn
	// Every connection is now past its lifetime: the pool closes the one
	// the loop used and opens another for the next commit.
	db.write.SetConnMaxLifetime(time.Nanosecond)
	commitInstance(2)
	if db.stmts.conn == first {
		t.Fatal("the second commit ran on the first connection: the test replaced nothing")
	}
	snap, err := db.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.Instances) != 2 {
		t.Fatalf("instances after the connection changed: %d, want 2", len(snap.Instances))
	}
}

// explain is SQLite's plan for a statement, its steps joined.
func explain(t *testing.T, db *DB, q string, args ...any) string {
	t.Helper()
	rows, err := db.write.QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+q, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	return strings.Join(plan, "; ")
}

// A job's operations are found through the job index, not by reading every
// operation of its cloud (which SQLite chose on its own).
func TestAJobIsFoundThroughItsIndex(t *testing.T) {
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	q, args := operationQuery(vmplane.OperationFilter{Cloud: "huawei", Account: "default", JobID: "ff8080"})
	if plan := explain(t, db, "SELECT record FROM operations "+q, args...); !strings.Contains(plan, "USING INDEX operations_job") {
		t.Fatalf("a job's plan: %s", plan)
	}
}

// A prune's chunk reads its range of the primary key, and the running jobs
// listed when it started, once: each row's look-up of its job was planned as
// a scan of the row's whole cloud (a prune of 85,000 operations was still
// running after ten seconds), and no small test is slow.
func TestAPruneChunkReadsItsRangeOnly(t *testing.T) {
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	text := explain(t, db, pruneOperations, "c", "a", "c", "b", 0, "[]")
	if strings.Contains(text, "CORRELATED") || !strings.Contains(text, "SEARCH operations USING PRIMARY KEY ((cloud,id)>(?,?) AND (cloud,id)<(?,?))") {
		t.Fatalf("the prune's plan: %s", text)
	}
	if text := explain(t, db, pruneChunkEnd, "c", "a", "c", "b", pruneChunk-1); !strings.Contains(text, "SEARCH operations USING PRIMARY KEY") {
		t.Fatalf("the plan of a chunk's end: %s", text)
	}
	if text := explain(t, db, pruneRunningJobs); !strings.Contains(text, "operations_one_running") {
		t.Fatalf("the plan of the running jobs: %s", text)
	}
}
