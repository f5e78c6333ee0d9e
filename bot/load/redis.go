package load

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// Redis is a redis-server the load tool started for itself: no
// persistence, loopback only, killed by Stop (and by the kernel should the
// tool die first, on Linux).
type Redis struct {
	Addr string
	cmd  *exec.Cmd
	dir  string
	done chan struct{}
}

// errNoRedis says what to do when redis-server is not installed.
var errNoRedis = errors.New("redis-server not found on PATH: install it (apt-get install -y redis-server) or pass the address of a running one with -redis HOST:PORT")

const (
	redisReadyTimeout = 15 * time.Second
	redisPortAttempts = 5
)

// StartRedis starts redis-server on a free 127.0.0.1 port with
// --save "" --appendonly no and waits until it answers PING.
func StartRedis(ctx context.Context) (*Redis, error) {
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		return nil, errNoRedis
	}
	var last error
	for range redisPortAttempts {
		r, err := launchRedis(ctx, bin)
		if err == nil {
			return r, nil
		}
		last = err
		if ctx.Err() != nil {
			break
		}
	}
	return nil, last
}

func launchRedis(ctx context.Context, bin string) (*Redis, error) {
	port, err := freePort()
	if err != nil {
		return nil, fmt.Errorf("redis-server: no free port: %w", err)
	}
	dir, err := os.MkdirTemp("", "forumbot-load-redis-")
	if err != nil {
		return nil, fmt.Errorf("redis-server: %w", err)
	}
	var log bytes.Buffer
	cmd := exec.Command(bin,
		"--port", strconv.Itoa(port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--dir", dir,
		"--daemonize", "no", "--protected-mode", "yes", "--loglevel", "warning")
	cmd.Stdout, cmd.Stderr = &log, &log
	cmd.SysProcAttr = sysProcAttr()
	if err := cmd.Start(); err != nil {
		_ = os.RemoveAll(dir)
		return nil, fmt.Errorf("redis-server: %w", err)
	}
	r := &Redis{Addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), cmd: cmd, dir: dir, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(r.done) }()

	client := redis.NewClient(&redis.Options{Addr: r.Addr, MaxRetries: -1, DialTimeout: time.Second})
	defer client.Close()
	deadline := time.Now().Add(redisReadyTimeout)
	for {
		pctx, cancel := context.WithTimeout(ctx, time.Second)
		err := client.Ping(pctx).Err()
		cancel()
		if err == nil {
			return r, nil
		}
		select {
		case <-r.done:
			r.Stop()
			return nil, fmt.Errorf("redis-server exited at start: %s", strings.TrimSpace(log.String()))
		case <-ctx.Done():
			r.Stop()
			return nil, ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			r.Stop()
			return nil, fmt.Errorf("redis-server did not answer within %v: %v", redisReadyTimeout, err)
		}
	}
}

// Stop kills the server and removes its directory.
func (r *Redis) Stop() {
	if r == nil || r.cmd == nil {
		return
	}
	_ = r.cmd.Process.Kill()
	select {
	case <-r.done:
	case <-time.After(10 * time.Second):
	}
	_ = os.RemoveAll(r.dir)
	r.cmd = nil
}

// Pid is the server's process id, for reading its memory.
func (r *Redis) Pid() int {
	if r == nil || r.cmd == nil {
		return 0
	}
	return r.cmd.Process.Pid
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// checkLoopback refuses a Redis address off this machine: the load goes
// to 127.0.0.0/8 or ::1 only.
func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("redis address %q: %w", addr, err)
	}
	if host == "localhost" {
		return nil
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("redis address %q is not a loopback address: the load tool only sends traffic to 127.0.0.1", addr)
	}
	return nil
}

// deleteKeys removes every key under prefix (a run on a Redis it did not
// start leaves nothing behind). It stops after limit keys or timeout.
func deleteKeys(ctx context.Context, addr, prefix string, limit int, timeout time.Duration) (int, error) {
	if prefix == "" {
		return 0, errors.New("refusing to delete keys without a prefix")
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	c := redis.NewClient(&redis.Options{Addr: addr})
	defer c.Close()
	var cursor uint64
	deleted := 0
	for deleted < limit {
		keys, next, err := c.Scan(ctx, cursor, redisGlobEscape(prefix)+"*", 1000).Result()
		if err != nil {
			return deleted, err
		}
		if len(keys) > 0 {
			if err := c.Unlink(ctx, keys...).Err(); err != nil {
				return deleted, err
			}
			deleted += len(keys)
		}
		if next == 0 {
			return deleted, nil
		}
		cursor = next
	}
	return deleted, nil
}

func redisGlobEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '*', '?', '[', ']', '\\':
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}
