package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/vmplane/vmplane"
	"github.com/vmplane/vmplane/sqlite"
	"github.com/vmplane/vmplane/storetest"
)

func open(t *testing.T, file string) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(context.Background(), file)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestStore(t *testing.T) {
	storetest.Run(t, storetest.Opener{
		Open: func(t *testing.T) vmplane.Store { return open(t, filepath.Join(t.TempDir(), "db")) },
		Reopen: func(t *testing.T, old vmplane.Store) vmplane.Store {
			db := old.(*sqlite.DB)
			file := db.File()
			if err := db.Close(); err != nil {
				t.Fatal(err)
			}
			return open(t, file)
		},
	})
}

func TestOpenMigratesOnceAndIsWAL(t *testing.T) {
	file := filepath.Join(t.TempDir(), "db")
	db := open(t, file)
	db.Close()
	db = open(t, file) // migrating again is a no-op
	mode, err := db.Pragma(context.Background(), "journal_mode")
	if err != nil || mode != "wal" {
		t.Fatalf("journal_mode = %q, %v", mode, err)
	}
	sync, _ := db.Pragma(context.Background(), "synchronous")
	if sync != "2" { // FULL
		t.Fatalf("synchronous = %q, want 2 (FULL)", sync)
	}
}
