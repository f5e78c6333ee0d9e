package redistest

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

func TestMain(m *testing.M) { Main(m) }

func TestSharedServerAnswers(t *testing.T) {
	t.Parallel()
	c := Client(t)
	if err := c.Set(context.Background(), Prefix(t)+"k", "v", 0).Err(); err != nil {
		t.Fatal(err)
	}
	if got := c.Get(context.Background(), Prefix(t)+"k").Val(); got != "" {
		t.Fatalf("a second Prefix of the same test must not see the first one's key, got %q", got)
	}
	if Addr() == "" || !strings.HasPrefix(Addr(), "127.0.0.1:") {
		t.Fatalf("Addr() = %q, want a loopback address", Addr())
	}
}

func TestPrefixIsUniqueAndSafe(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for i := 0; i < 100; i++ {
		p := Prefix(t)
		if seen[p] {
			t.Fatalf("Prefix repeated %q", p)
		}
		seen[p] = true
		if !strings.HasPrefix(p, "t:TestPrefixIsUniqueAndSafe:") || !strings.HasSuffix(p, ":") {
			t.Fatalf("Prefix = %q, want t:<name>:<rand>:", p)
		}
	}
	if got := keySafe("TestX/sub case*[a]?"); got != "TestX/sub_case__a__" {
		t.Fatalf("keySafe = %q", got)
	}
}

func TestServerRestartKeepsAOFData(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := Start(t, true)
	c := redis.NewClient(&redis.Options{Addr: s.Addr(), MaxRetries: -1})
	t.Cleanup(func() { _ = c.Close() })

	if err := c.Set(ctx, "before-kill", "1", 0).Err(); err != nil {
		t.Fatal(err)
	}
	// SIGKILL right after the write: appendfsync always must have it on disk.
	s.Kill()
	if s.Running() {
		t.Fatal("Running() after Kill")
	}
	if err := c.Ping(ctx).Err(); err == nil {
		t.Fatal("PING answered after Kill")
	}
	s.Restart()
	if !s.Running() {
		t.Fatal("not Running() after Restart")
	}
	if got, err := c.Get(ctx, "before-kill").Result(); err != nil || got != "1" {
		t.Fatalf("after Kill+Restart GET = %q, %v; want the AOF to keep it", got, err)
	}

	if err := c.Set(ctx, "before-stop", "2", 0).Err(); err != nil {
		t.Fatal(err)
	}
	s.Restart() // SIGTERM path
	if got, err := c.Get(ctx, "before-stop").Result(); err != nil || got != "2" {
		t.Fatalf("after Restart GET = %q, %v", got, err)
	}
	if _, err := os.Stat(s.Dir() + "/appendonlydir"); err != nil {
		t.Fatalf("no AOF directory in the server's dir: %v", err)
	}
}

func TestServerWithoutAOFForgetsOnRestart(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := Start(t, false)
	c := redis.NewClient(&redis.Options{Addr: s.Addr()})
	t.Cleanup(func() { _ = c.Close() })
	if err := c.Set(ctx, "k", "v", 0).Err(); err != nil {
		t.Fatal(err)
	}
	addr := s.Addr()
	s.Restart()
	if s.Addr() != addr {
		t.Fatalf("Restart moved the server from %s to %s", addr, s.Addr())
	}
	if err := c.Get(ctx, "k").Err(); !errors.Is(err, redis.Nil) {
		t.Fatalf("GET after restart without persistence: err = %v, want redis.Nil", err)
	}
}

func TestServerStopIsFinal(t *testing.T) {
	t.Parallel()
	s := Start(t, false)
	s.Stop()
	s.Stop() // twice is harmless
	if s.Running() {
		t.Fatal("Running() after Stop")
	}
	if err := ping(s.Addr()); err == nil {
		t.Fatal("a stopped server answered PING")
	}
}

func TestCleanupKillsServer(t *testing.T) {
	t.Parallel()
	var addr string
	var pid int
	t.Run("inner", func(t *testing.T) {
		s := Start(t, false)
		addr = s.Addr()
		pid = s.p.cmd.Process.Pid
	})
	// The subtest's cleanups have run: the process must be gone (reaped,
	// so signal 0 fails) and the port must refuse connections.
	deadline := time.Now().Add(5 * time.Second)
	for ping(addr) == nil {
		if time.Now().After(deadline) {
			t.Fatalf("redis-server %d on %s still answers after its test ended", pid, addr)
		}
		time.Sleep(pollEvery)
	}
	if p, err := os.FindProcess(pid); err == nil {
		if err := p.Signal(syscall.Signal(0)); err == nil {
			t.Fatalf("process %d still exists", pid)
		}
	}
}

// TestMainFailsWithoutRedisServer runs this test binary again with a PATH
// that has no redis-server: Main must fail loudly, never skip.
func TestMainFailsWithoutRedisServer(t *testing.T) {
	t.Parallel()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "PATH="+t.TempDir())
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("exit = %v, want status 1; output:\n%s", err, out)
	}
	if !strings.Contains(string(out), notFound) {
		t.Fatalf("output %q does not say %q", out, notFound)
	}
}

// TestSharedServerLeavesNoDirectory: Main removes the server's directory
// once it is up, so no run, however it ends, leaves one in the temp dir.
func TestSharedServerLeavesNoDirectory(t *testing.T) {
	t.Parallel()
	c := Client(t)
	dir, err := c.ConfigGet(context.Background(), "dir").Result()
	if err != nil {
		t.Fatal(err)
	}
	// Redis answers with getcwd(), which fails for a removed directory
	// and leaves the answer empty; a path, if any, must not exist.
	if d := dir["dir"]; d != "" {
		if _, err := os.Stat(d); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("the shared server's directory %s exists (err %v)", d, err)
		}
	}
}
