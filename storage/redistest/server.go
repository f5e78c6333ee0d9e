package redistest

import (
	"net"
	"strconv"
	"sync"
	"syscall"
	"testing"
)

// Server is a redis-server of one test alone, for tests that stop, kill or
// restart Redis, which they cannot do to the shared one.
type Server struct {
	t    testing.TB
	bin  string
	dir  string
	aof  bool
	port int

	mu sync.Mutex
	p  *proc // nil or exited while stopped
}

// Start starts a redis-server on a free port with a directory of its own;
// with aof the append-only file is on and fsynced on every write, so
// whatever a client got acknowledged survives Kill and Restart. The server
// is killed when t ends.
func Start(t testing.TB, aof bool) *Server {
	t.Helper()
	bin, err := lookPath()
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{t: t, bin: bin, dir: t.TempDir(), aof: aof}
	p, err := launch(bin, s.dir, config{aof: aof}, 0)
	if err != nil {
		t.Fatalf("redistest: %v", err)
	}
	_, port, _ := net.SplitHostPort(p.addr)
	s.port, _ = strconv.Atoi(port)
	s.p = p
	// Registered after TempDir's cleanup, so it runs before the directory
	// is removed: the server never writes into a vanishing directory.
	t.Cleanup(s.Kill)
	return s
}

// Addr returns host:port; it stays the same across Restart.
func (s *Server) Addr() string {
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port))
}

// Dir returns the server's working directory (its AOF files are there).
func (s *Server) Dir() string { return s.dir }

// Stop shuts the server down with SIGTERM, as an orderly shutdown would,
// and waits for it to exit. Stopping a stopped server does nothing.
func (s *Server) Stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.p != nil {
		s.p.stop(syscall.SIGTERM)
		s.p = nil
	}
}

// Kill ends the server with SIGKILL, as a crash or the OOM killer would,
// and waits for it to exit.
func (s *Server) Kill() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.p != nil {
		s.p.kill()
		s.p = nil
	}
}

// Restart stops the server if it runs (SIGTERM) and starts it again on the
// same port and directory, so clients reconnect to the same address and,
// with AOF on, find their data. It fails the test when the server does not
// come back.
func (s *Server) Restart() {
	s.t.Helper()
	s.Stop()
	s.mu.Lock()
	defer s.mu.Unlock()
	p, err := launch(s.bin, s.dir, config{aof: s.aof}, s.port)
	if err != nil {
		s.t.Fatalf("redistest: restart: %v", err)
	}
	s.p = p
}

// Running reports whether the server process is up.
func (s *Server) Running() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.p != nil && s.p.running()
}
