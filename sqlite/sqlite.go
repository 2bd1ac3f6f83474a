// Package sqlite is vmplane's Store on SQLite (WAL mode, full fsync), through
// the pure-Go modernc.org/sqlite driver so that no C toolchain is needed.
//
// Commits are grouped: concurrent Commit calls are applied in one
// transaction, so a burst of requests costs one fsync, while each commit
// still fails or succeeds on its own.
package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/vmplane/vmplane"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

//go:embed migrations/*.sql
var migrations embed.FS

var _ vmplane.Store = (*DB)(nil)

const (
	// maxBatch bounds how many commits share one transaction.
	maxBatch = 256
	// maxReaders bounds the read connections.
	maxReaders = 4
)

// DB is a vmplane.Store in one SQLite file.
type DB struct {
	file  string
	write *sql.DB // one connection: SQLite has one writer
	read  *sql.DB
	stmts statements

	commits chan *commit
	stop    chan struct{}
	done    chan struct{}
	closing sync.Once
}

type commit struct {
	ctx     context.Context
	changes *vmplane.Changes
	err     chan error
}

// DSN returns the connection string vmplane writes a database file with:
// the pragmas every connection needs, in the form the driver reads them.
func DSN(file string) string { return dsn(file, 64<<10) }

// dsn is DSN with a page cache of cacheKiB. The driver runs a PRAGMA given
// twice only once, so a connection that wants another cache needs its own.
func dsn(file string, cacheKiB int) string {
	return "file:" + file + "?_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=foreign_keys(1)" +
		"&_pragma=busy_timeout(10000)&_pragma=cache_size(-" + strconv.Itoa(cacheKiB) + ")&_pragma=temp_store(2)&_txlock=immediate"
}

// Open opens (creating if needed) the database at file and migrates it.
func Open(ctx context.Context, file string) (*DB, error) {
	write, err := sql.Open("sqlite", DSN(file))
	if err != nil {
		return nil, err
	}
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxLifetime(0)
	// Readers scan (a restart) or look up a few rows (old jobs): a small
	// page cache each serves them as well, and a large one would stay
	// resident for nothing once a restart has read the whole table.
	read, err := sql.Open("sqlite", dsn(file, 2<<10)+"&mode=ro")
	if err != nil {
		write.Close()
		return nil, err
	}
	read.SetMaxOpenConns(maxReaders)
	db := &DB{file: file, write: write, read: read, commits: make(chan *commit, maxBatch), stop: make(chan struct{}), done: make(chan struct{})}
	if err := db.migrate(ctx); err != nil {
		db.write.Close()
		db.read.Close()
		return nil, fmt.Errorf("migrate %s: %w", file, err)
	}
	go db.commitLoop()
	return db, nil
}

// File is the database's file name.
func (db *DB) File() string { return db.file }

// Pragma reads a pragma on the write connection, for tests and diagnostics.
func (db *DB) Pragma(ctx context.Context, name string) (string, error) {
	var v string
	err := db.write.QueryRowContext(ctx, "PRAGMA "+name).Scan(&v)
	return v, err
}

// Close finishes pending commits and closes the database.
func (db *DB) Close() error {
	db.closing.Do(func() { close(db.stop) })
	<-db.done
	err := db.raw(context.Background(), func(conn any) error {
		db.stmts.release(conn)
		return nil
	})
	return errors.Join(err, db.read.Close(), db.write.Close())
}

// migrate runs, each in its own transaction, the embedded migrations newer
// than the database's user_version.
func (db *DB) migrate(ctx context.Context) error {
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	var version int
	if err := db.write.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return err
	}
	for _, name := range names {
		n, err := strconv.Atoi(strings.SplitN(path.Base(name), "_", 2)[0])
		if err != nil {
			return fmt.Errorf("migration %s: bad name", name)
		}
		if n <= version {
			continue
		}
		body, err := migrations.ReadFile(name)
		if err != nil {
			return err
		}
		tx, err := db.write.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, string(body)); err != nil {
			tx.Rollback()
			return fmt.Errorf("migration %s: %w", name, err)
		}
		if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", n)); err != nil {
			tx.Rollback()
			return err
		}
		if err := tx.Commit(); err != nil {
			return err
		}
	}
	return nil
}

// Commit durably applies c, grouped with whatever other commits are waiting.
func (db *DB) Commit(ctx context.Context, c *vmplane.Changes) error {
	req := &commit{ctx: ctx, changes: c, err: make(chan error, 1)}
	select {
	case db.commits <- req:
	case <-db.stop:
		return errors.New("sqlite: store closed")
	}
	return <-req.err
}

func (db *DB) commitLoop() {
	defer close(db.done)
	for {
		var first *commit
		select {
		case first = <-db.commits:
		case <-db.stop:
			// Drain what was queued before the stop, then quit.
			for {
				select {
				case c := <-db.commits:
					db.commitBatch([]*commit{c})
				default:
					return
				}
			}
		}
		batch := []*commit{first}
	more:
		for len(batch) < maxBatch {
			select {
			case c := <-db.commits:
				batch = append(batch, c)
			default:
				break more
			}
		}
		db.commitBatch(batch)
	}
}

// commitBatch applies the commits of a batch in one transaction, with one
// fsync. Commits rarely fail (the core resolves conflicts before it
// commits), so the batch is tried whole first; if any part of it fails, each
// commit is retried in a transaction of its own, so that it succeeds or
// fails on its own merits.
func (db *DB) commitBatch(batch []*commit) {
	if len(batch) > 1 {
		if err := db.commitTx(batch); err == nil {
			for _, c := range batch {
				c.err <- nil
			}
			return
		}
	}
	for _, c := range batch {
		c.err <- db.commitTx([]*commit{c})
	}
}

func (db *DB) commitTx(batch []*commit) error {
	ctx := context.Background()
	return db.raw(ctx, func(conn any) error {
		if err := db.stmts.on(ctx, conn); err != nil {
			return err
		}
		tx, err := conn.(driver.ConnBeginTx).BeginTx(ctx, driver.TxOptions{})
		if err != nil {
			return err
		}
		var seq int64
		for _, c := range batch {
			if err := db.stmts.apply(ctx, c.changes); err != nil {
				tx.Rollback()
				return formatError(err)
			}
			seq = max(seq, c.changes.Seq)
		}
		if err := db.stmts.putSeqAtLeast(ctx, seq); err != nil {
			tx.Rollback()
			return err
		}
		return tx.Commit()
	})
}

// raw runs f with the write connection's driver connection, held for f
// alone.
func (db *DB) raw(ctx context.Context, f func(conn any) error) error {
	c, err := db.write.Conn(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	return c.Raw(f)
}

// formatError maps a constraint violation to the domain error it stands for.
func formatError(err error) error {
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return &vmplane.Error{Code: vmplane.EBUSY, Message: "A conflicting change was committed first."}
		}
	}
	return err
}

// Setting returns a named value, or "" when unset.
func (db *DB) Setting(ctx context.Context, key string) (string, error) {
	var v string
	err := db.read.QueryRowContext(ctx, "SELECT value FROM settings WHERE key = ?", key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return v, err
}

// PutSetting stores a named value.
func (db *DB) PutSetting(ctx context.Context, key, value string) error {
	_, err := db.write.ExecContext(ctx, "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", key, value)
	return err
}

// Reset deletes every account, instance and operation.
func (db *DB) Reset(ctx context.Context) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	// The clock's state survives a reset; the sequence starts again.
	for _, q := range []string{"DELETE FROM operations", "DELETE FROM instances", "DELETE FROM resources", "DELETE FROM access_keys",
		"DELETE FROM accounts", "DELETE FROM settings WHERE key = 'seq'"} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	return tx.Commit()
}
