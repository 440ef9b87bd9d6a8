//go:build unix

package storage

import (
	"errors"
	"os"
	"strings"
	"syscall"
)

// pidAlive reports whether a process of this machine is running (or may
// be: a process of another user counts as alive).
func pidAlive(pid int) bool {
	if pid <= 0 {
		return false
	}
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// hostID names this machine for as long as it runs: its host name and boot
// id, so that a process id is only compared with those of the same boot.
func hostID() string {
	boot, err := os.ReadFile("/proc/sys/kernel/random/boot_id")
	if err != nil {
		return hostname()
	}
	return hostname() + "#" + strings.TrimSpace(string(boot))
}
