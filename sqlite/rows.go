package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vmplane/vmplane"
	"golang.org/x/sync/errgroup"
)

// statements are the commit loop's, prepared on the driver's own
// connection (the write pool's only one) and run on it directly: the loop
// is their only user, and database/sql's work for each call (finding the
// statement for the transaction, converting and copying its arguments,
// wrapping its result) was a sixth of what the loop allocated.
type statements struct {
	conn                                                                                           any // the driver connection they were prepared on
	putAccount, deleteKeys, putKey, putInstance, putOperation, putSeq, putResource, deleteResource driver.Stmt

	args   [9]driver.NamedValue // one call's, reused: the driver copies what it binds
	record []byte               // one row's record, reused likewise
}

// on makes the statements ready on conn: prepared on it, unless they
// already are.
func (s *statements) on(ctx context.Context, conn any) error {
	if s.conn == conn {
		return nil
	}
	s.release(conn)
	c, ok := conn.(driver.ConnPrepareContext)
	if !ok {
		return fmt.Errorf("sqlite: driver connection %T cannot prepare with a context", conn)
	}
	s.conn = conn
	var err error
	prep := func(q string) driver.Stmt {
		if err != nil {
			return nil
		}
		var st driver.Stmt
		st, err = c.PrepareContext(ctx, q)
		return st
	}
	s.putAccount = prep(`INSERT INTO accounts (id, name, project_id, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET name = excluded.name, project_id = excluded.project_id`)
	s.deleteKeys = prep(`DELETE FROM access_keys WHERE account_id = ?`)
	s.putKey = prep(`INSERT INTO access_keys (access_key, secret_key, account_id) VALUES (?, ?, ?)`)
	// An instance's row is found by its sequence number first: the rowid,
	// where the row is anyway, without a search of the (cloud, id) index,
	// the most frequent write's one step saved. An instance seeded again
	// with the id of a deleted one has a new sequence number, and takes
	// the old row over through the second clause.
	s.putInstance = prep(`INSERT INTO instances (seq, cloud, id, account_id, name, power, record) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (seq) DO UPDATE SET account_id = excluded.account_id, name = excluded.name, power = excluded.power,
		record = excluded.record
		ON CONFLICT (cloud, id) DO UPDATE SET seq = excluded.seq, account_id = excluded.account_id, name = excluded.name,
		power = excluded.power, record = excluded.record`)
	s.putOperation = prep(`INSERT INTO operations (cloud, id, seq, job_id, account_id, instance_id, state, finished_at, record)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (cloud, id) DO UPDATE SET state = excluded.state, finished_at = excluded.finished_at, record = excluded.record`)
	s.putResource = prep(`INSERT INTO resources (cloud, kind, id, seq, account_id, name, attrs, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (cloud, kind, id) DO UPDATE SET name = excluded.name,
		attrs = excluded.attrs, updated_at = excluded.updated_at`)
	s.deleteResource = prep(`DELETE FROM resources WHERE cloud = ? AND kind = ? AND id = ?`)
	s.putSeq = prep(`INSERT INTO settings (key, value) VALUES ('seq', ?)
		ON CONFLICT (key) DO UPDATE SET value = max(CAST(value AS INTEGER), CAST(excluded.value AS INTEGER))`)
	if err != nil {
		s.release(conn)
	}
	return err
}

// release closes the statements if they were prepared on conn, and only
// forgets them if not: a new connection means database/sql closed the old
// one, and finalizing a statement of a closed connection crashes the
// driver.
func (s *statements) release(conn any) {
	if s.conn == conn {
		for _, st := range []driver.Stmt{s.putAccount, s.deleteKeys, s.putKey, s.putInstance, s.putOperation, s.putSeq, s.putResource, s.deleteResource} {
			if st != nil {
				st.Close()
			}
		}
	}
	*s = statements{}
}

// exec runs st with args, which are what the driver binds: strings,
// int64s, byte slices and nils.
func (s *statements) exec(ctx context.Context, st driver.Stmt, args ...any) error {
	for i, v := range args {
		s.args[i] = driver.NamedValue{Ordinal: i + 1, Value: v}
	}
	_, err := st.(driver.StmtExecContext).ExecContext(ctx, s.args[:len(args)])
	clear(s.args[:len(args)])
	return err
}

// apply writes one set of changes, inside the transaction the loop began.
func (s *statements) apply(ctx context.Context, c *vmplane.Changes) error {
	for _, a := range c.Accounts {
		if err := s.exec(ctx, s.putAccount, a.ID, a.Name, a.ProjectID, unix(a.CreatedAt)); err != nil {
			return err
		}
		if err := s.exec(ctx, s.deleteKeys, a.ID); err != nil {
			return err
		}
		for _, k := range a.Keys {
			if err := s.exec(ctx, s.putKey, k.AccessKey, k.SecretKey, a.ID); err != nil {
				return err
			}
		}
	}
	for i := range c.Instances {
		in := &c.Instances[i]
		s.record = appendInstance(s.record[:0], in)
		if err := s.exec(ctx, s.putInstance, in.Seq, in.Cloud, in.ID, in.Account, in.Name, string(in.Power), s.record); err != nil {
			return err
		}
	}
	for i := range c.Operations {
		op := &c.Operations[i]
		s.record = appendOperation(s.record[:0], op)
		err := s.exec(ctx, s.putOperation, op.Cloud, op.ID, op.Seq, op.JobID, op.Account, op.InstanceID, string(op.State),
			nullUnix(op.FinishedAt), s.record)
		if err != nil {
			return err
		}
	}
	for _, r := range c.Resources {
		var err error
		if r.Deleted {
			err = s.exec(ctx, s.deleteResource, r.Cloud, r.Kind, r.ID)
		} else {
			err = s.exec(ctx, s.putResource, r.Cloud, r.Kind, r.ID, r.Seq, r.Account, r.Name,
				jsonOrNull(r.Attrs), unix(r.CreatedAt), unix(r.UpdatedAt))
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// putSeqAtLeast records that sequence numbers up to seq were handed out. It only
// grows the one kept, so a batch writes it once, with its highest.
func (s *statements) putSeqAtLeast(ctx context.Context, seq int64) error {
	if seq <= 0 {
		return nil
	}
	return s.exec(ctx, s.putSeq, strconv.FormatInt(seq, 10))
}

// Load reads everything the core needs to resume.
func (db *DB) Load(ctx context.Context) (*vmplane.Snapshot, error) {
	snap := &vmplane.Snapshot{}
	if v, err := db.Setting(ctx, "seq"); err != nil {
		return nil, err
	} else if v != "" {
		if snap.Seq, err = strconv.ParseInt(v, 10, 64); err != nil {
			return nil, err
		}
	}
	var err error
	if snap.Accounts, err = db.loadAccounts(ctx); err != nil {
		return nil, err
	}
	if snap.Instances, err = db.loadInstances(ctx); err != nil {
		return nil, err
	}
	if snap.Resources, err = db.loadResources(ctx); err != nil {
		return nil, err
	}
	if snap.Operations, err = db.queryOperations(ctx, "WHERE state = 'running' ORDER BY seq"); err != nil || len(snap.Operations) == 0 {
		return snap, err
	}
	// In one query, through the job index (which SQLite, left to itself,
	// passes over for a scan): a restart with 20,000 jobs running asked for
	// each job's operations on its own, a second's worth of queries.
	snap.JobOperations, err = db.queryOperations(ctx,
		"INDEXED BY operations_job WHERE (cloud, job_id) IN "+runningJobs+" AND state <> 'running' ORDER BY seq")
	return snap, err
}

func (db *DB) loadResources(ctx context.Context) ([]vmplane.Resource, error) {
	rows, err := db.read.QueryContext(ctx, "SELECT cloud, kind, id, seq, account_id, name, attrs, created_at, updated_at FROM resources ORDER BY seq")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []vmplane.Resource
	for rows.Next() {
		var r vmplane.Resource
		var attrs sql.NullString
		var created, updated int64
		if err := rows.Scan(&r.Cloud, &r.Kind, &r.ID, &r.Seq, &r.Account, &r.Name, &attrs, &created, &updated); err != nil {
			return nil, err
		}
		r.CreatedAt, r.UpdatedAt = fromUnix(created), fromUnix(updated)
		if err := unmarshalNull(attrs, &r.Attrs); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func (db *DB) loadAccounts(ctx context.Context) ([]vmplane.Account, error) {
	rows, err := db.read.QueryContext(ctx, "SELECT id, name, project_id, created_at FROM accounts ORDER BY id")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []vmplane.Account
	index := make(map[string]int)
	for rows.Next() {
		var a vmplane.Account
		var created int64
		if err := rows.Scan(&a.ID, &a.Name, &a.ProjectID, &created); err != nil {
			return nil, err
		}
		a.CreatedAt = fromUnix(created)
		index[a.ID] = len(out)
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	krows, err := db.read.QueryContext(ctx, "SELECT access_key, secret_key, account_id FROM access_keys ORDER BY rowid")
	if err != nil {
		return nil, err
	}
	defer krows.Close()
	for krows.Next() {
		var k vmplane.Key
		var acct string
		if err := krows.Scan(&k.AccessKey, &k.SecretKey, &acct); err != nil {
			return nil, err
		}
		if i, ok := index[acct]; ok {
			out[i].Keys = append(out[i].Keys, k)
		}
	}
	return out, krows.Err()
}

// loadInstances reads the live instances in creation order. A large table is
// read in ranges of the sequence, side by side, one connection each: the
// scan is CPU-bound in the driver, and restarts must be quick.
func (db *DB) loadInstances(ctx context.Context) ([]*vmplane.Instance, error) {
	var lo, hi sql.NullInt64
	if err := db.read.QueryRowContext(ctx, "SELECT min(seq), max(seq) FROM instances").Scan(&lo, &hi); err != nil || !lo.Valid {
		return nil, err
	}
	parts := min(max(1, runtime.GOMAXPROCS(0)), maxReaders)
	if hi.Int64-lo.Int64 < 50_000 {
		parts = 1
	}
	step := (hi.Int64-lo.Int64)/int64(parts) + 1
	results := make([][]*vmplane.Instance, parts)
	var g errgroup.Group
	for p := range parts {
		from := lo.Int64 + int64(p)*step
		g.Go(func() (err error) {
			results[p], err = db.loadInstanceRange(ctx, from, from+step-1)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return slices.Concat(results...), nil
}

// loadInstanceRange decodes the live instances whose sequence is in
// [from, to].
func (db *DB) loadInstanceRange(ctx context.Context, from, to int64) ([]*vmplane.Instance, error) {
	rows, err := db.read.QueryContext(ctx, "SELECT record FROM instances WHERE seq BETWEEN ? AND ? AND power <> 'deleted' ORDER BY seq", from, to)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*vmplane.Instance
	intern := newInterner()
	var record sql.RawBytes
	for rows.Next() {
		if err := rows.Scan(&record); err != nil {
			return nil, err
		}
		in := new(vmplane.Instance)
		if err := decodeInstance(record, in, intern); err != nil {
			return nil, err
		}
		out = append(out, in)
	}
	return out, rows.Err()
}

// runningJobs are the jobs with an operation running, read from the partial
// index of running operations.
const runningJobs = `(SELECT cloud, job_id FROM operations WHERE state = 'running')`

// A prune deletes in chunks of the primary key, each in a transaction of
// its own, so that commits wait for one chunk at most: in one transaction,
// a prune of 300,000 operations held every commit for 0.9 s.
const (
	pruneChunk = 2_000
	// pruneLast is the last key when the prune starts: operations added
	// later are too recent to prune.
	pruneLast = `SELECT cloud, id FROM operations ORDER BY cloud DESC, id DESC LIMIT 1`
	// pruneChunkEnd is the key pruneChunk keys after (?, ?), if it is not
	// past the last.
	pruneChunkEnd = `SELECT cloud, id FROM operations WHERE (cloud, id) > (?, ?) AND (cloud, id) <= (?, ?)
		ORDER BY cloud, id LIMIT 1 OFFSET ?`
	// pruneRunningJobs lists the jobs still running once, as JSON, for
	// every chunk: a job running when the prune starts is kept whole, even
	// if it ends while the prune goes on.
	pruneRunningJobs = `SELECT json_group_array(json_array(cloud, job_id)) FROM ` + runningJobs
	pruneOperations  = `DELETE FROM operations WHERE (cloud, id) > (?, ?) AND (cloud, id) <= (?, ?)
		AND state <> 'running' AND finished_at < ?
		AND (cloud, job_id) NOT IN (SELECT value ->> 0, value ->> 1 FROM json_each(?))`
)

// PruneOperations deletes the operations that finished before
// finishedBefore, but none of a job that still runs (a job is shown whole).
// It reads the whole table (no index orders operations by their end, which
// every change would pay for), a chunk at a time, while commits go on.
func (db *DB) PruneOperations(ctx context.Context, finishedBefore time.Time) (int, error) {
	var lastCloud, lastID string
	err := db.read.QueryRowContext(ctx, pruneLast).Scan(&lastCloud, &lastID)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	} else if err != nil {
		return 0, err
	}
	var running string
	if err := db.read.QueryRowContext(ctx, pruneRunningJobs).Scan(&running); err != nil {
		return 0, err
	}
	// The first chunk starts after ("", ""): before every key, as every
	// cloud has a name.
	fromCloud, fromID := "", ""
	pruned := 0
	for {
		toCloud, toID := lastCloud, lastID
		err := db.read.QueryRowContext(ctx, pruneChunkEnd, fromCloud, fromID, lastCloud, lastID, pruneChunk-1).Scan(&toCloud, &toID)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return pruned, err
		}
		res, err := db.write.ExecContext(ctx, pruneOperations, fromCloud, fromID, toCloud, toID, unix(finishedBefore), running)
		if err != nil {
			return pruned, err
		}
		n, err := res.RowsAffected()
		pruned += int(n)
		if err != nil || (toCloud == lastCloud && toID == lastID) {
			return pruned, err
		}
		fromCloud, fromID = toCloud, toID
	}
}

// FindOperations returns operations, oldest first.
func (db *DB) FindOperations(ctx context.Context, f vmplane.OperationFilter) ([]vmplane.Operation, error) {
	q, args := operationQuery(f)
	return db.queryOperations(ctx, q, args...)
}

// operationQuery is the tail of FindOperations' query, and its arguments.
func operationQuery(f vmplane.OperationFilter) (string, []any) {
	var where []string
	var args []any
	add := func(cond string, v any) {
		where = append(where, cond)
		args = append(args, v)
	}
	if f.Cloud != "" {
		add("cloud = ?", f.Cloud)
	}
	if f.Account != "" {
		add("account_id = ?", f.Account)
	}
	if f.JobID != "" {
		add("job_id = ?", f.JobID)
	}
	if f.InstanceID != "" {
		add("instance_id = ?", f.InstanceID)
	}
	if !f.FinishedBefore.IsZero() {
		add("finished_at < ?", unix(f.FinishedBefore))
	}
	q := ""
	if f.Cloud != "" && f.JobID != "" {
		// A job's few operations, through the job index: left to itself,
		// SQLite reads every operation of the cloud by the primary key
		// (over a hundred times as long among 100,000).
		q = "INDEXED BY operations_job "
	}
	if len(where) > 0 {
		q += "WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY seq"
	if f.Limit > 0 {
		q += " LIMIT " + strconv.Itoa(f.Limit)
	}
	return q, args
}

func (db *DB) queryOperations(ctx context.Context, tail string, args ...any) ([]vmplane.Operation, error) {
	rows, err := db.read.QueryContext(ctx, "SELECT record FROM operations "+tail, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []vmplane.Operation
	intern := newInterner()
	var record sql.RawBytes
	for rows.Next() {
		if err := rows.Scan(&record); err != nil {
			return nil, err
		}
		out = append(out, vmplane.Operation{})
		if err := decodeOperation(record, &out[len(out)-1], intern); err != nil {
			return nil, err
		}
	}
	return out, rows.Err()
}

// Times are stored as Unix nanoseconds, in UTC.
func unix(t time.Time) int64 { return t.UnixNano() }

func nullUnix(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixNano()
}

func fromUnix(n int64) time.Time { return time.Unix(0, n).UTC() }

func jsonOrNull[T any](v T) any {
	b, err := json.Marshal(v)
	if err != nil || string(b) == "null" {
		return nil
	}
	return string(b)
}

func unmarshalNull[T any](s sql.NullString, v *T) error {
	if !s.Valid {
		return nil
	}
	if err := json.Unmarshal([]byte(s.String), v); err != nil {
		return errors.Join(errors.New("sqlite: corrupt JSON column"), err)
	}
	return nil
}
