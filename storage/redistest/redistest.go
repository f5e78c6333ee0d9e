// Package redistest runs integration tests against a real redis-server.
//
// A test package calls Main from its TestMain: one server, on a free
// loopback port, is shared by every test of the package (starting one per
// test would cost CI time for nothing), and tests stay apart by putting
// every key under their own Prefix. Tests that stop or restart Redis start
// their own Server instead.
//
// Tests never skip when redis-server is missing: they fail with a line that
// says how to install it, so a green run always means Redis was exercised.
package redistest

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"
)

// shared is the address of the server started by Main, "" outside Main.
var shared string

// Main starts the package's shared redis-server, runs the tests and stops
// the server. It does not return: it exits with the tests' code, or 1 when
// the server cannot be started.
func Main(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	bin, err := lookPath()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	dir, err := os.MkdirTemp("", "redistest-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "redistest:", err)
		return 1
	}
	p, err := launch(bin, dir, config{}, 0)
	// The server persists nothing, and its log matters only while it starts
	// (launch quotes it in the error): remove the directory now, so that a
	// test binary killed by its timeout or a signal leaves nothing behind.
	// The server keeps its open log file and its working directory.
	_ = os.RemoveAll(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "redistest:", err)
		return 1
	}
	// Nothing in it is worth a clean shutdown: no persistence is on.
	defer p.kill()
	shared = p.addr
	return m.Run()
}

// Addr returns the shared server's host:port. It panics outside Main, where
// there is no server to return.
func Addr() string {
	if shared == "" {
		panic("redistest: no shared redis-server: call redistest.Main(m) from TestMain")
	}
	return shared
}

// Client returns a new client of the shared server, closed when t ends.
// Each call gives its own connection pool, as a separate process would have.
func Client(t testing.TB) *redis.Client {
	t.Helper()
	if shared == "" {
		t.Fatal("redistest: no shared redis-server: call redistest.Main(m) from TestMain")
	}
	c := redis.NewClient(&redis.Options{Addr: shared})
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// Prefix returns a key prefix no other test (nor another run of this test,
// with -count) shares: "t:<test name>:<random>:". The name is there so a
// key left on the server tells which test wrote it.
func Prefix(t testing.TB) string {
	t.Helper()
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatalf("redistest: random prefix: %v", err)
	}
	return "t:" + keySafe(t.Name()) + ":" + hex.EncodeToString(b[:]) + ":"
}

// keySafe keeps a test name readable in redis-cli and glob patterns: the
// characters SCAN MATCH treats specially, and blanks, become '_'.
func keySafe(name string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '/', r == '-', r == '_', r == '.':
			return r
		}
		return '_'
	}, name)
}
