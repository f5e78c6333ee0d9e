//go:build !linux

package load

import "syscall"

// sysProcAttr: outside Linux there is no death signal; Stop is what ends
// redis-server.
func sysProcAttr() *syscall.SysProcAttr { return nil }
