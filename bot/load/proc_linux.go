package load

import "syscall"

// sysProcAttr makes the kernel kill redis-server when the load tool dies,
// even by SIGKILL, when no cleanup of ours gets to run.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
