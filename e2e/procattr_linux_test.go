package e2e

import "syscall"

// serverProcAttr makes the kernel kill the server when the test binary dies
// without stopping it (a panic, or go test's -timeout), so no server is
// left behind.
func serverProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
