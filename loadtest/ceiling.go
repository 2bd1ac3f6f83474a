package loadtest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/vmplane/vmplane/sqlite"
)

// CeilingBanner starts the line an HTTP ceiling prints once it listens.
const CeilingBanner = "ceiling listening on "

// ServeCeiling is the HTTP ceiling: a bare net/http server that reads each
// request and answers 200 with a fixed body of size bytes, doing nothing
// else. It is what a machine can do over HTTP with the load tool's client;
// no server can answer faster. It prints CeilingBanner and its URL to
// stdout, and serves until ctx is done.
func ServeCeiling(ctx context.Context, listen string, size int, contentType string, stdout io.Writer) error {
	body := []byte(strings.Repeat("x", size))
	length := strconv.Itoa(size)
	l, err := net.Listen("tcp", listen)
	if err != nil {
		return err
	}
	srv := &http.Server{
		ReadHeaderTimeout: 10 * time.Second,
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			io.Copy(io.Discard, r.Body)
			h := w.Header()
			h["Content-Type"] = []string{contentType}
			h["Content-Length"] = []string{length}
			w.Write(body)
		}),
	}
	fmt.Fprintf(stdout, "%shttp://%s\n", CeilingBanner, l.Addr())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(l) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		return srv.Shutdown(sctx)
	}
}

// ceilingRowSize is the size of the row the storage ceiling rewrites: about
// what an operation's row holds.
const ceilingRowSize = 320

// storageCeiling measures raw SQLite transactions that each update one row,
// with vmplane's own connection settings (sqlite.DSN: WAL, synchronous=FULL,
// BEGIN IMMEDIATE) and, like vmplane's writer, one connection, from clients
// concurrent clients. It is what the disk allows one transaction at a time;
// vmplane groups concurrent commits, so it may go past it.
func storageCeiling(ctx context.Context, dir string, clients int, warmup, duration time.Duration) (*Result, error) {
	db, err := sql.Open("sqlite", sqlite.DSN(filepath.Join(dir, "ceiling.db")))
	if err != nil {
		return nil, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS ceiling (id INTEGER PRIMARY KEY, n INTEGER NOT NULL, body TEXT NOT NULL) STRICT`); err != nil {
		return nil, err
	}
	body := strings.Repeat("x", ceilingRowSize)
	for i := range clients {
		if _, err := db.ExecContext(ctx, `INSERT OR REPLACE INTO ceiling (id, n, body) VALUES (?, 0, ?)`, i, body); err != nil {
			return nil, err
		}
	}
	return measure(ctx, clients, 0, warmup, duration, func(i int) (int, error) {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return 0, err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE ceiling SET n = n + 1, body = ? WHERE id = ?`, body, i); err != nil {
			return 0, errors.Join(err, tx.Rollback())
		}
		return 0, tx.Commit()
	}), nil
}
