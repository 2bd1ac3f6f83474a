package loadtest

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"time"
)

// conn is one client's keep-alive connection, on which it writes a request
// and reads its answer, one at a time, as an HTTP/1.1 client does. It does
// the work of net/http's Transport without its pool, its two goroutines per
// connection and the channels between them: on a machine whose clients
// share the server's CPUs, every microsecond a client spends is one the
// server and the ceiling do not get, so the leaner the client, the truer
// both figures. The bytes on the wire are the same: Request.Write is what
// the Transport writes with.
type conn struct {
	nc   net.Conn
	r    *bufio.Reader
	w    *bufio.Writer
	body bytes.Buffer
}

// callTimeout bounds one call, as the real clients' own timeouts do: a
// server that stops answering fails the run instead of hanging it.
const callTimeout = 30 * time.Second

// do makes the client's next call and reads its whole answer. It returns
// the size of the answer's body and its Content-Type.
func (c *conn) do(ctx context.Context, next Client, judge bool) (n int, contentType string, err error) {
	call, err := next()
	if err != nil {
		return 0, "", err
	}
	req := call.Req
	resp, err := c.roundTrip(ctx, req)
	if err != nil {
		c.close()
		return 0, "", err
	}
	if resp.Close {
		c.close()
	}
	if resp.StatusCode != http.StatusOK {
		return 0, "", fmt.Errorf("%s %s: %s: %.200s", req.Method, req.URL.Path, resp.Status, c.body.Bytes())
	}
	if judge && call.Check != nil {
		if err := call.Check(resp, c.body.Bytes()); err != nil {
			return 0, "", fmt.Errorf("%s %s: %w", req.Method, req.URL.Path, err)
		}
	}
	return c.body.Len(), resp.Header.Get("Content-Type"), nil
}

// roundTrip writes req and reads its answer's head, and its body into
// c.body, dialling first if the client has no connection.
func (c *conn) roundTrip(ctx context.Context, req *http.Request) (*http.Response, error) {
	if c.nc == nil {
		d := net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}
		nc, err := d.DialContext(ctx, "tcp", req.URL.Host)
		if err != nil {
			return nil, err
		}
		c.nc = nc
		if c.r == nil {
			c.r, c.w = bufio.NewReaderSize(nc, 32<<10), bufio.NewWriterSize(nc, 4<<10)
		} else {
			c.r.Reset(nc)
			c.w.Reset(nc)
		}
	}
	// A cancelled run ends the call in flight at once. (nc, not c.nc: the
	// connection may be closed and forgotten while this runs.)
	nc := c.nc
	stop := context.AfterFunc(ctx, func() { nc.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	if err := nc.SetDeadline(time.Now().Add(callTimeout)); err != nil {
		return nil, err
	}
	if err := req.Write(c.w); err != nil {
		return nil, err
	}
	if err := c.w.Flush(); err != nil {
		return nil, err
	}
	resp, err := http.ReadResponse(c.r, req)
	if err != nil {
		return nil, err
	}
	c.body.Reset()
	_, err = c.body.ReadFrom(resp.Body)
	resp.Body.Close()
	return resp, err
}

func (c *conn) close() {
	if c.nc != nil {
		c.nc.Close()
		c.nc = nil
	}
}
