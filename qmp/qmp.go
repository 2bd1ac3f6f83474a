// Package qmp is a client of the QEMU Machine Protocol: JSON objects, one
// per line, over a socket. A Conn runs one command at a time and hands out
// the asynchronous events QEMU sends in between.
package qmp

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"
)

// maxLine bounds one message; QEMU's replies to the commands a driver
// sends are a few kilobytes.
const maxLine = 1 << 20

// ErrClosed is returned by a command on a connection that has ended, which
// for a QMP socket of a QEMU process means the process is exiting.
var ErrClosed = errors.New("qmp: connection closed")

// Error is an error reply from QEMU.
type Error struct {
	Class string `json:"class"`
	Desc  string `json:"desc"`
}

func (e *Error) Error() string { return "qmp: " + e.Class + ": " + e.Desc }

// Greeting is what QEMU says when a client connects.
type Greeting struct {
	Version struct {
		QEMU struct {
			Major int `json:"major"`
			Minor int `json:"minor"`
			Micro int `json:"micro"`
		} `json:"qemu"`
		Package string `json:"package"`
	} `json:"version"`
	Capabilities []string `json:"capabilities"`
}

// Event is an asynchronous message from QEMU, such as SHUTDOWN.
type Event struct {
	Name string
	Data json.RawMessage
	// Time is when QEMU emitted the event (zero if it did not say).
	Time time.Time
}

// message is any line QEMU sends.
type message struct {
	QMP       *Greeting       `json:"QMP"`
	Return    json.RawMessage `json:"return"`
	Error     *Error          `json:"error"`
	Event     string          `json:"event"`
	Data      json.RawMessage `json:"data"`
	ID        json.RawMessage `json:"id"`
	Timestamp *struct {
		Seconds      int64 `json:"seconds"`
		Microseconds int64 `json:"microseconds"`
	} `json:"timestamp"`
}

// parseMessage decodes one line from QEMU.
func parseMessage(line []byte) (message, error) {
	var m message
	if err := json.Unmarshal(line, &m); err != nil {
		return message{}, fmt.Errorf("qmp: bad message: %w", err)
	}
	kinds := 0
	for _, set := range []bool{m.QMP != nil, m.Return != nil, m.Error != nil, m.Event != ""} {
		if set {
			kinds++
		}
	}
	if kinds != 1 {
		return message{}, fmt.Errorf("qmp: message is not exactly one of greeting, return, error or event: %.200q", line)
	}
	return m, nil
}

func (m *message) event() Event {
	e := Event{Name: m.Event, Data: m.Data}
	if ts := m.Timestamp; ts != nil && ts.Seconds > 0 && ts.Microseconds >= 0 && ts.Microseconds < 1e6 {
		e.Time = time.Unix(ts.Seconds, ts.Microseconds*1000)
	}
	return e
}

// Conn is a QMP connection in command mode. Its methods are safe for
// concurrent use; commands run one at a time.
type Conn struct {
	Greeting Greeting

	conn    net.Conn
	cmd     sync.Mutex // held while a command is in flight
	seq     int
	replies chan message
	events  chan Event
	done    chan struct{}
	err     error // why the connection ended; set before done is closed
}

// Dial connects to the QMP socket at path, reads the greeting and enters
// command mode. Paths too long for a socket address are reached through
// their directory.
func Dial(ctx context.Context, path string) (*Conn, error) {
	var d net.Dialer
	// sun_path holds 108 bytes; deep data directories exceed it, so the
	// directory is opened and named through /proc/self/fd instead.
	if len(path) >= 100 {
		dir, err := os.Open(filepath.Dir(path))
		if err != nil {
			return nil, err
		}
		defer dir.Close()
		path = "/proc/self/fd/" + strconv.Itoa(int(dir.Fd())) + "/" + filepath.Base(path)
	}
	c, err := d.DialContext(ctx, "unix", path)
	if err != nil {
		return nil, err
	}
	q, err := NewConn(ctx, c)
	if err != nil {
		c.Close()
		return nil, err
	}
	return q, nil
}

// NewConn speaks QMP over c: it reads the greeting, negotiates
// capabilities, and from then on reads replies and events. Closing the
// Conn closes c.
func NewConn(ctx context.Context, c net.Conn) (*Conn, error) {
	q := &Conn{
		conn:    c,
		replies: make(chan message, 1),
		events:  make(chan Event, 64),
		done:    make(chan struct{}),
	}
	r := bufio.NewReaderSize(c, 4096)
	if dl, ok := ctx.Deadline(); ok {
		c.SetReadDeadline(dl)
	}
	stop := context.AfterFunc(ctx, func() { c.SetReadDeadline(time.Unix(1, 0)) })
	line, err := readLine(r)
	stop()
	c.SetReadDeadline(time.Time{})
	if err != nil {
		return nil, fmt.Errorf("qmp: greeting: %w", errors.Join(ctx.Err(), err))
	}
	m, err := parseMessage(line)
	if err != nil {
		return nil, err
	}
	if m.QMP == nil {
		return nil, fmt.Errorf("qmp: expected a greeting, got %.200q", line)
	}
	q.Greeting = *m.QMP
	go q.read(r)
	if err := q.Execute(ctx, "qmp_capabilities", nil, nil); err != nil {
		q.Close()
		return nil, err
	}
	return q, nil
}

// readLine returns the next line without its end, refusing lines over maxLine.
func readLine(r *bufio.Reader) ([]byte, error) {
	var line []byte
	for {
		chunk, err := r.ReadSlice('\n')
		line = append(line, chunk...)
		if len(line) > maxLine {
			return nil, fmt.Errorf("qmp: message longer than %d bytes", maxLine)
		}
		switch {
		case err == nil:
			return bytes.TrimRight(line, "\r\n"), nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case errors.Is(err, io.EOF) && len(bytes.TrimSpace(line)) > 0:
			return nil, io.ErrUnexpectedEOF
		default:
			return nil, err
		}
	}
}

func (q *Conn) read(r *bufio.Reader) {
	var err error
	defer func() {
		q.err = err
		close(q.done)
		close(q.events)
	}()
	for {
		var line []byte
		if line, err = readLine(r); err != nil {
			return
		}
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		m, perr := parseMessage(line)
		switch {
		case perr != nil:
			err = perr
			q.conn.Close()
			return
		case m.Event != "":
			select {
			case q.events <- m.event():
			default: // nobody listens: drop rather than stall replies
			}
		case m.QMP != nil:
			// A second greeting cannot happen on one connection; ignore it.
		default:
			select {
			case q.replies <- m:
			case <-time.After(time.Second):
				// A reply nobody waits for (its caller gave up); drop it.
			}
		}
	}
}

// Execute runs command with args (nil for none) and decodes its return
// value into out (nil to ignore it). An error reply is an *Error.
func (q *Conn) Execute(ctx context.Context, command string, args, out any) error {
	q.cmd.Lock()
	defer q.cmd.Unlock()
	q.seq++
	id := strconv.Itoa(q.seq)
	req := struct {
		Execute   string `json:"execute"`
		Arguments any    `json:"arguments,omitempty"`
		ID        string `json:"id"`
	}{command, args, id}
	b, err := json.Marshal(req)
	if err != nil {
		return err
	}
	// Drain a stale reply left by a caller that gave up.
	select {
	case <-q.replies:
	default:
	}
	if dl, ok := ctx.Deadline(); ok {
		q.conn.SetWriteDeadline(dl)
		defer q.conn.SetWriteDeadline(time.Time{})
	}
	if _, err := q.conn.Write(append(b, '\n')); err != nil {
		select {
		case <-q.done:
			return ErrClosed
		default:
			return fmt.Errorf("qmp: %s: %w", command, err)
		}
	}
	for {
		select {
		case m := <-q.replies:
			if string(m.ID) != strconv.Quote(id) {
				continue // the reply to an abandoned command
			}
			return m.decode(command, out)
		case <-q.done:
			// The reader queues a reply before it ends, and QEMU answers
			// quit and then closes at once: both can be ready here, and
			// select picks at random. A reply that came is the answer.
			select {
			case m := <-q.replies:
				if string(m.ID) == strconv.Quote(id) {
					return m.decode(command, out)
				}
			default:
			}
			return ErrClosed
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// decode is the outcome of command that m answers, its return value
// decoded into out (nil to ignore it).
func (m *message) decode(command string, out any) error {
	if m.Error != nil {
		return m.Error
	}
	if out != nil {
		if err := json.Unmarshal(m.Return, out); err != nil {
			return fmt.Errorf("qmp: %s: decode reply: %w", command, err)
		}
	}
	return nil
}

// Events delivers QEMU's events until the connection ends, then is closed.
// Events that arrive while the channel is full are dropped.
func (q *Conn) Events() <-chan Event { return q.events }

// Done is closed when the connection has ended.
func (q *Conn) Done() <-chan struct{} { return q.done }

// Err says why the connection ended (io.EOF when QEMU closed it); nil
// while it is open.
func (q *Conn) Err() error {
	select {
	case <-q.done:
		return q.err
	default:
		return nil
	}
}

// Close ends the connection. QEMU goes on running and accepts the next client.
func (q *Conn) Close() error { return q.conn.Close() }
