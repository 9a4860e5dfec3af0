//go:build !linux

package e2e

import "syscall"

// serverProcAttr has nothing to add outside Linux.
func serverProcAttr() *syscall.SysProcAttr { return nil }
