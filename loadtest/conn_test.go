package loadtest

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// countConns counts the connections a test server accepts.
func countConns(srv *httptest.Server) *atomic.Int64 {
	var n atomic.Int64
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			n.Add(1)
		}
	}
	return &n
}

func TestConnKeepsOneConnectionAcrossCalls(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		io.WriteString(w, strings.ToUpper(string(body)))
	}))
	conns := countConns(srv)
	srv.Start()
	defer srv.Close()

	var c conn
	defer c.close()
	post := func() (Call, error) {
		req, err := http.NewRequest("POST", srv.URL+"/", strings.NewReader("abc"))
		return Call{Req: req}, err
	}
	for range 5 {
		n, _, err := c.do(context.Background(), post, true)
		if err != nil || n != 3 || c.body.String() != "ABC" {
			t.Fatalf("answer %q (%d bytes), %v", c.body.String(), n, err)
		}
	}
	if got := conns.Load(); got != 1 {
		t.Fatalf("five calls on %d connections, want 1", got)
	}
}

func TestConnDialsAgainWhenTheServerCloses(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Connection", "close")
		io.WriteString(w, "bye")
	}))
	conns := countConns(srv)
	srv.Start()
	defer srv.Close()

	var c conn
	defer c.close()
	for range 3 {
		if _, _, err := c.do(context.Background(), get(srv.URL+"/", nil), true); err != nil {
			t.Fatal(err)
		}
	}
	if got := conns.Load(); got != 3 {
		t.Fatalf("three calls, each closed by the server, on %d connections, want 3", got)
	}
}

func TestConnCallEndsWhenTheRunIsCancelled(t *testing.T) {
	hung := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-hung }))
	defer srv.Close()
	defer close(hung)

	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	var c conn
	defer c.close()
	go func() {
		_, _, err := c.do(ctx, get(srv.URL+"/", nil), true)
		errc <- err
	}()
	cancel()
	select {
	case err := <-errc:
		if err == nil {
			t.Fatal("a call to a server that never answers succeeded")
		}
	case <-time.After(callTimeout / 2):
		t.Fatal("the call outlived its run")
	}
}
