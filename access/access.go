// Package access records what one API call did: which cloud and action it
// was, for which account, and how it ended. The server's middleware creates
// the record and turns it into an access log line and metrics; the cloud
// handlers fill it in.
package access

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"strings"
)

// Record is the account of one call.
type Record struct {
	// ID is the request's id; each cloud renders it in its own format.
	ID      [16]byte
	Cloud   string
	Action  string
	Account string
	// Code is the result: the cloud's own error code, or "ok".
	Code string
}

type ctxKey struct{}

// NewContext returns ctx carrying r.
func NewContext(ctx context.Context, r *Record) context.Context {
	return context.WithValue(ctx, ctxKey{}, r)
}

// From returns the record in ctx, or a throwaway one so callers never check.
func From(ctx context.Context) *Record {
	if r, ok := ctx.Value(ctxKey{}).(*Record); ok {
		return r
	}
	return &Record{}
}

// NewID returns a random request id.
func NewID() [16]byte {
	var id [16]byte
	_, _ = rand.Read(id[:])
	return id
}

// Hex renders the id as 32 lower-case hex digits.
func (r *Record) Hex() string { return hex.EncodeToString(r.ID[:]) }

// UUID renders the id as a lower-case RFC 4122 string.
func (r *Record) UUID() string {
	h := r.Hex()
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// UpperUUID renders the id as an upper-case RFC 4122 string.
func (r *Record) UpperUUID() string { return strings.ToUpper(r.UUID()) }

// LogHandler wraps h so that every line logged with a request's context
// carries its request id.
func LogHandler(h slog.Handler) slog.Handler { return logHandler{h} }

type logHandler struct{ slog.Handler }

func (h logHandler) Handle(ctx context.Context, rec slog.Record) error {
	if r, ok := ctx.Value(ctxKey{}).(*Record); ok {
		rec.AddAttrs(slog.String("request_id", r.Hex()))
	}
	return h.Handler.Handle(ctx, rec)
}

func (h logHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return logHandler{h.Handler.WithAttrs(attrs)}
}

func (h logHandler) WithGroup(name string) slog.Handler { return logHandler{h.Handler.WithGroup(name)} }
