package vmplanetest

import (
	"bytes"
	"sync"
)

// LogBuffer collects logs written from many goroutines (a server's, a
// driver's), for a test to read: give it to slog.NewTextHandler or
// slog.NewJSONHandler as their writer.
type LogBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *LogBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// String is everything written so far.
func (l *LogBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
