//go:build !linux

package load

import (
	"syscall"
	"time"
)

// sysProcAttr: outside Linux there is no death signal; Stop is what ends
// redis-server.
func sysProcAttr() *syscall.SysProcAttr { return nil }

// cpuTime is not measured outside Linux (0).
func cpuTime() time.Duration { return 0 }
