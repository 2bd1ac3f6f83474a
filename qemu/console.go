package qemu

import (
	"bytes"
	"io"
	"os"
	"strconv"
)

// consoleLimit is how much of a console log is read: the guest's init
// reports within its first lines, whatever a shell prints afterwards.
const consoleLimit = 64 << 10

// Report is what a guest said about itself on its serial console during
// its last boot (see guest/mkguest.sh: lines that start with "VMPROBE").
type Report struct {
	// VCPU is the number of processors the guest sees (nproc).
	VCPU int `json:"vcpu,omitempty"`
	// MemTotalKiB is the guest kernel's MemTotal.
	MemTotalKiB int64 `json:"memTotalKiB,omitempty"`
	// Ready is set once the guest handles the ACPI power button.
	Ready bool `json:"ready"`
}

// parseConsole reads a guest's console output. It is fed bytes a guest
// wrote, so it trusts nothing: unknown or malformed lines are ignored.
func parseConsole(b []byte) Report {
	var r Report
	for len(b) > 0 {
		line := b
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			line, b = b[:i], b[i+1:]
		} else {
			b = nil
		}
		i := bytes.Index(line, []byte("VMPROBE "))
		if i < 0 {
			continue
		}
		fields := bytes.Fields(line[i+len("VMPROBE "):])
		for j, f := range fields {
			switch {
			case bytes.Equal(f, []byte("ready")) && j == 0:
				r.Ready = true
			case bytes.HasPrefix(f, []byte("nproc=")):
				if n, err := strconv.Atoi(string(f[len("nproc="):])); err == nil && n > 0 {
					r.VCPU = n
				}
			case bytes.Equal(f, []byte("MemTotal:")) && j+1 < len(fields):
				if n, err := strconv.ParseInt(string(fields[j+1]), 10, 64); err == nil && n > 0 {
					r.MemTotalKiB = n
				}
			}
		}
	}
	return r
}

// readConsole parses the console log at path; a missing log is an empty report.
func readConsole(path string) Report {
	f, err := os.Open(path)
	if err != nil {
		return Report{}
	}
	defer f.Close()
	b, _ := io.ReadAll(io.LimitReader(f, consoleLimit))
	return parseConsole(b)
}
