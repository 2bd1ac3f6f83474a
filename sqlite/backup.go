package sqlite

import (
	"context"
	"io"
	"os"
	"path/filepath"
)

// Backup writes a copy of the database to w: the state as of a commit,
// taken while commits go on, a database file of its own that a data
// directory can serve as its vmplane.db. Copying the files of a running
// store is no backup: the WAL holds what the main file does not yet.
func (db *DB) Backup(ctx context.Context, w io.Writer) error {
	// SQLite writes the copy (VACUUM INTO, in one read transaction) into a
	// file beside the database, on its file system; it is streamed from
	// there, then removed.
	tmp, err := os.CreateTemp(filepath.Dir(db.file), ".backup-*.db")
	if err != nil {
		return err
	}
	name := tmp.Name()
	defer os.Remove(name)
	tmp.Close() // SQLite takes an empty file as a new one
	if _, err := db.read.ExecContext(ctx, "VACUUM INTO ?", name); err != nil {
		return err
	}
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(w, f)
	return err
}
