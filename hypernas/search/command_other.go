//go:build !unix

package search

import "os/exec"

// killGroup leaves cmd as it is: a cancel kills the command's process.
func killGroup(*exec.Cmd) {}
