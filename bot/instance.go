package bot

import (
	"crypto/rand"
	"encoding/hex"
	"os"
	"strconv"
	"strings"
)

// InstanceID names this process among the replicas (in the poll lease and
// the webhook queue's keys): the host (a pod's name) and the pid, for an
// operator reading Redis, and random bytes, so a restart that gets the same
// pid is another instance. Characters other than letters, digits, '-' and
// '.' in the host name become '_', so the id is safe inside a key.
func InstanceID() string {
	host, _ := os.Hostname()
	host = strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '.' {
			return r
		}
		return '_'
	}, host)
	var b [4]byte
	_, _ = rand.Read(b[:])
	return host + "-" + strconv.Itoa(os.Getpid()) + "-" + hex.EncodeToString(b[:])
}
