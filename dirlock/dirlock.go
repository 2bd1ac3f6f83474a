// Package dirlock keeps a directory for one process at a time: the data
// directory for one server, the machine directory for one qemu driver.
package dirlock

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// Take locks dir (through a file named "lock" in it) until the returned
// file is closed or the process ends; what holds it is named in the error.
func Take(dir, what string) (*os.File, error) {
	f, err := os.OpenFile(filepath.Join(dir, "lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil, fmt.Errorf("%s %s is in use by another vmplane", what, dir)
	}
	return f, nil
}
