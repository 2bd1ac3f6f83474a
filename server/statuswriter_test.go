package server

import (
	"net/http/httptest"
	"testing"
)

// A status net/http refuses panics before anything is written: the writer
// must not count it as written, so that the recovery still answers 500.
func TestARefusedStatusLeavesNothingWritten(t *testing.T) {
	rec := httptest.NewRecorder()
	sw := &statusWriter{ResponseWriter: rec}
	func() {
		defer func() { _ = recover() }()
		sw.WriteHeader(-1)
	}()
	if sw.wrote {
		t.Fatal("a refused status counts as written: the client would get an empty 200")
	}
	sw.WriteHeader(500)
	if rec.Code != 500 || sw.status != 500 {
		t.Fatalf("then 500: recorded %d, status %d", rec.Code, sw.status)
	}
}
