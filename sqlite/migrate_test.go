package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"path/filepath"
	"sort"
	"testing"
)

// migrateTo brings a new database file to version, as a vmplane that knew
// no later migration left it.
func migrateTo(t *testing.T, file string, version int) {
	t.Helper()
	raw, err := sql.Open("sqlite", DSN(file))
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	names, _ := fs.Glob(migrations, "migrations/*.sql")
	sort.Strings(names)
	for _, name := range names[:version] {
		body, err := migrations.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := raw.Exec(string(body)); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	if _, err := raw.Exec(fmt.Sprintf("PRAGMA user_version = %d", version)); err != nil {
		t.Fatal(err)
	}
}

func TestMigrationFromVersion2KeepsRowsAndConstraints(t *testing.T) {
	ctx := context.Background()
	file := filepath.Join(t.TempDir(), "db")
	migrateTo(t, file, 2)
	raw, err := sql.Open("sqlite", DSN(file))
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO accounts VALUES ('a', 'A', 'p', 0)`,
		`INSERT INTO instances VALUES (7, 'ncloud', 'i-7', 'a', 'web', 'stopped', x'01')`,
		`INSERT INTO operations VALUES ('ncloud', 'op-1', 8, 'job-1', 'a', 'i-7', 'running', NULL, x'02')`,
		`INSERT INTO operations VALUES ('ncloud', 'op-0', 6, 'job-0', 'a', 'i-7', 'succeeded', 5, x'03')`,
	} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	raw.Close()

	db, err := Open(ctx, file)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var instances, running, finished int
	if err := db.read.QueryRow(`SELECT count(*) FROM instances WHERE seq = 7 AND id = 'i-7' AND power = 'stopped' AND record = x'01'`).Scan(&instances); err != nil {
		t.Fatal(err)
	}
	if err := db.read.QueryRow(`SELECT count(*) FROM operations WHERE state = 'running' AND job_id = 'job-1'`).Scan(&running); err != nil {
		t.Fatal(err)
	}
	if err := db.read.QueryRow(`SELECT count(*) FROM operations WHERE state = 'succeeded' AND finished_at = 5`).Scan(&finished); err != nil {
		t.Fatal(err)
	}
	if instances != 1 || running != 1 || finished != 1 {
		t.Fatalf("after the migration: %d instances, %d running and %d finished operations, want 1 each", instances, running, finished)
	}
	for _, q := range []string{
		`INSERT INTO instances VALUES (9, 'ncloud', 'i-9', 'a', 'x', 'sleeping', x'01')`,
		`INSERT INTO instances VALUES (9, 'ncloud', 'i-7', 'a', 'x', 'running', x'01')`,
		`INSERT INTO instances VALUES (9, 'ncloud', 'i-9', 'nobody', 'x', 'running', x'01')`,
		`INSERT INTO operations VALUES ('ncloud', 'op-2', 9, 'job-2', 'a', 'i-7', 'running', NULL, x'02')`,
		`INSERT INTO operations VALUES ('ncloud', 'op-3', 9, 'job-3', 'a', 'i-8', 'waiting', NULL, x'02')`,
		`INSERT INTO operations VALUES ('ncloud', 'op-4', 9, 'job-4', 'a', 'i-8', 'failed', NULL, x'02')`,
	} {
		if _, err := db.write.Exec(q); err == nil {
			t.Errorf("the migrated schema accepts %s", q)
		}
	}
}
