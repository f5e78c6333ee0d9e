//go:build !linux

package redistest

import "os/exec"

// setDeathSignal has no portable equivalent outside Linux; there the
// cleanups and the signal handler in track are what stop the servers.
func setDeathSignal(cmd *exec.Cmd) {}
