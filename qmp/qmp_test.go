package qmp

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"net"
	"strings"
	"testing"
	"time"
)

const greeting = `{"QMP": {"version": {"qemu": {"micro": 22, "minor": 2, "major": 7}, "package": "Debian 1:7.2+dfsg-7"}, "capabilities": ["oob"]}}`

// fakeQEMU answers QMP on one end of a pipe: reply maps a command to the
// lines it sends back (with "ID" replaced by the command's id).
func fakeQEMU(t *testing.T, reply func(cmd string) []string) net.Conn {
	t.Helper()
	client, server := net.Pipe()
	go func() {
		defer server.Close()
		if _, err := server.Write([]byte(greeting + "\r\n")); err != nil {
			return
		}
		r := bufio.NewReader(server)
		for {
			line, err := r.ReadBytes('\n')
			if err != nil {
				return
			}
			var req struct {
				Execute string `json:"execute"`
				ID      string `json:"id"`
			}
			if err := json.Unmarshal(line, &req); err != nil {
				t.Errorf("client sent %q: %v", line, err)
				return
			}
			for _, out := range reply(req.Execute) {
				if out == "EOF" {
					return
				}
				out = strings.ReplaceAll(out, `"ID"`, `"`+req.ID+`"`)
				if _, err := server.Write([]byte(out + "\r\n")); err != nil {
					return
				}
			}
		}
	}()
	return client
}

// connect returns a Conn to a fake QEMU, closed when the test ends.
func connect(t *testing.T, reply func(cmd string) []string) *Conn {
	t.Helper()
	q, err := NewConn(context.Background(), fakeQEMU(t, reply))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { q.Close() })
	return q
}

func TestConnNegotiatesThenRunsCommands(t *testing.T) {
	var seen []string
	q := connect(t, func(cmd string) []string {
		seen = append(seen, cmd)
		switch cmd {
		case "query-status":
			return []string{`{"return": {"status": "running", "running": true}, "id": "ID"}`}
		default:
			return []string{`{"return": {}, "id": "ID"}`}
		}
	})
	ctx := context.Background()
	if q.Greeting.Version.QEMU.Major != 7 || q.Greeting.Version.QEMU.Minor != 2 {
		t.Errorf("greeting version = %+v", q.Greeting.Version.QEMU)
	}
	var st struct {
		Status  string `json:"status"`
		Running bool   `json:"running"`
	}
	if err := q.Execute(ctx, "query-status", nil, &st); err != nil {
		t.Fatal(err)
	}
	if st.Status != "running" || !st.Running {
		t.Errorf("query-status = %+v", st)
	}
	if strings.Join(seen, ",") != "qmp_capabilities,query-status" {
		t.Errorf("commands sent = %v, want capabilities negotiated first", seen)
	}
}

func TestConnReturnsErrorRepliesAndDeliversEvents(t *testing.T) {
	q := connect(t, func(cmd string) []string {
		switch cmd {
		case "system_powerdown":
			return []string{
				`{"timestamp": {"seconds": 1763900000, "microseconds": 250000}, "event": "POWERDOWN"}`,
				`{"return": {}, "id": "ID"}`,
			}
		case "bogus":
			return []string{`{"error": {"class": "CommandNotFound", "desc": "The command bogus has not been found"}, "id": "ID"}`}
		}
		return []string{`{"return": {}, "id": "ID"}`}
	})
	ctx := context.Background()
	err := q.Execute(ctx, "bogus", nil, nil)
	var qe *Error
	if !errors.As(err, &qe) || qe.Class != "CommandNotFound" {
		t.Fatalf("bogus command: got %v, want a CommandNotFound *Error", err)
	}
	if err := q.Execute(ctx, "system_powerdown", nil, nil); err != nil {
		t.Fatal(err)
	}
	select {
	case ev := <-q.Events():
		if ev.Name != "POWERDOWN" || !ev.Time.Equal(time.Unix(1763900000, 250000000)) {
			t.Errorf("event = %+v", ev)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no POWERDOWN event")
	}
}

func TestConnEndsWhenQEMUGoesAway(t *testing.T) {
	q := connect(t, func(cmd string) []string {
		if cmd == "quit" {
			return []string{`{"return": {}, "id": "ID"}`, `{"timestamp": {"seconds": 1, "microseconds": 0}, "event": "SHUTDOWN", "data": {"guest": false, "reason": "host-qmp-quit"}}`, "EOF"}
		}
		return []string{`{"return": {}, "id": "ID"}`}
	})
	ctx := context.Background()
	if err := q.Execute(ctx, "quit", nil, nil); err != nil {
		t.Fatal(err)
	}
	select {
	case <-q.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("connection did not end at EOF")
	}
	if q.Err() == nil {
		t.Error("Err is nil after the connection ended")
	}
	if err := q.Execute(ctx, "query-status", nil, nil); !errors.Is(err, ErrClosed) {
		t.Errorf("command after EOF: got %v, want ErrClosed", err)
	}
}

func TestNewConnRefusesAPeerThatIsNotQMP(t *testing.T) {
	client, server := net.Pipe()
	go func() {
		server.Write([]byte("SSH-2.0-OpenSSH_9.2\r\n"))
		server.Close()
	}()
	if _, err := NewConn(context.Background(), client); err == nil {
		t.Fatal("a peer that does not greet in QMP was accepted")
	}
}

func TestNewConnGivesUpWhenNoGreetingComes(t *testing.T) {
	client, server := net.Pipe()
	defer server.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := NewConn(ctx, client); err == nil {
		t.Fatal("NewConn without a greeting returned no error")
	}
}

func TestParseMessageKnowsEachKind(t *testing.T) {
	for _, tc := range []struct {
		line string
		ok   bool
	}{
		{greeting, true},
		{`{"return": {}}`, true},
		{`{"return": [], "id": "3"}`, true},
		{`{"error": {"class": "GenericError", "desc": "x"}}`, true},
		{`{"event": "SHUTDOWN", "data": {"guest": true}}`, true},
		{`{}`, false},
		{`{"return": {}, "event": "RESET"}`, false},
		{`[1,2]`, false},
		{`not json`, false},
	} {
		_, err := parseMessage([]byte(tc.line))
		if (err == nil) != tc.ok {
			t.Errorf("parseMessage(%s): err = %v, want ok=%v", tc.line, err, tc.ok)
		}
	}
}

func FuzzParseMessage(f *testing.F) {
	for _, s := range []string{greeting, `{"return": {}, "id": "1"}`, `{"error": {"class": "c", "desc": "d"}}`,
		`{"timestamp": {"seconds": 1, "microseconds": 2}, "event": "SHUTDOWN", "data": {"guest": true, "reason": "guest-shutdown"}}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		m, err := parseMessage(line)
		if err != nil {
			return
		}
		if m.Event != "" {
			ev := m.event()
			if ev.Name != m.Event {
				t.Fatalf("event name %q, want %q", ev.Name, m.Event)
			}
		}
	})
}

func FuzzConnRead(f *testing.F) {
	f.Add([]byte(`{"event": "RESET"}` + "\n" + `{"return": {}, "id": "1"}` + "\n"))
	f.Add([]byte("\n\n{\"return\"\n"))
	f.Fuzz(func(t *testing.T, stream []byte) {
		client, server := net.Pipe()
		go func() {
			server.Write([]byte(greeting + "\n"))
			server.Write(stream)
			server.Close()
		}()
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		q, err := NewConn(ctx, client)
		if err != nil {
			return
		}
		defer q.Close()
		<-q.Done()
	})
}
