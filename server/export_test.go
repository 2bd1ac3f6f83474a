package server

import "time"

// SetTimeouts sets the connection limits for a test, and returns what
// restores them.
func SetTimeouts(header, read, idle time.Duration) (restore func()) {
	h, r, i := readHeaderTimeout, readTimeout, idleTimeout
	readHeaderTimeout, readTimeout, idleTimeout = header, read, idle
	return func() { readHeaderTimeout, readTimeout, idleTimeout = h, r, i }
}
