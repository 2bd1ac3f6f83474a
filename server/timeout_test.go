package server_test

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/vmplane/vmplane/server"
	"github.com/vmplane/vmplane/vmplanetest"
)

// A client that stops midway through a request, or leaves its connection
// idle, does not hold the server's goroutine and socket for ever: the
// server closes the connection.
func TestConnectionsAbandonedMidwayOrIdleAreClosed(t *testing.T) {
	const limit = 200 * time.Millisecond
	defer server.SetTimeouts(limit, limit, limit)()
	srv := vmplanetest.NewServer(t, vmplanetest.Options{NoListener: true})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Shutdown(t.Context()) })

	for name, send := range map[string]string{
		"headers unfinished": "POST /vserver/v2/getServerInstanceList HTTP/1.1\r\nHost: x\r\n",
		"body unfinished":    "POST /vserver/v2/getServerInstanceList HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nregionCode=KR",
		"idle after a call":  "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n",
	} {
		t.Run(name, func(t *testing.T) {
			c, err := net.Dial("tcp", l.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if _, err := io.WriteString(c, send); err != nil {
				t.Fatal(err)
			}
			// Far longer than the limit: reaching it means the server kept
			// the connection.
			c.SetReadDeadline(time.Now().Add(50 * limit))
			r := bufio.NewReader(c)
			if name == "idle after a call" {
				resp, err := http.ReadResponse(r, nil)
				if err != nil || resp.StatusCode != 200 {
					t.Fatalf("healthz: %v %v", resp, err)
				}
				io.Copy(io.Discard, resp.Body)
			}
			_, err = io.Copy(io.Discard, r)
			if errors.Is(err, os.ErrDeadlineExceeded) {
				t.Fatal("the server kept the connection open")
			}
		})
	}
}
