//go:build unix

package search

import (
	"os/exec"
	"syscall"
)

// killGroup runs cmd in a process group of its own and makes a cancel kill
// the whole group: a training script's data-loading children included.
func killGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
}
