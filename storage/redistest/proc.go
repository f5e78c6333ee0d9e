package redistest

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// notFound is the line printed when redis-server is missing. It says how to
// fix it, because a developer seeing it has no other hint: the tests never
// skip, so CI and a laptop without Redis fail the same visible way.
const notFound = "redis-server not found: install it with `apt-get install -y redis-server`"

// Bounds of waiting for redis-server. Startup on a loaded CI machine can take
// a while (and an AOF reload longer), but a hung server must fail the test,
// not the 10-minute go test timeout.
const (
	readyTimeout = 15 * time.Second
	stopTimeout  = 10 * time.Second
	pollEvery    = 10 * time.Millisecond
	portAttempts = 5
)

// proc is one running redis-server.
type proc struct {
	cmd  *exec.Cmd
	addr string
	done chan struct{} // closed when the process has been reaped
}

// live holds every process started by this package, so that an interrupted
// test binary (Ctrl-C, go test's timeout) can still kill them: a leaked
// redis-server would keep its port and its temp dir forever.
var live = struct {
	sync.Mutex
	procs    map[*proc]struct{}
	watching bool
}{procs: map[*proc]struct{}{}}

func track(p *proc) {
	live.Lock()
	defer live.Unlock()
	live.procs[p] = struct{}{}
	if !live.watching {
		live.watching = true
		ch := make(chan os.Signal, 1)
		signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
		go func() {
			sig := <-ch
			live.Lock()
			for p := range live.procs {
				_ = p.cmd.Process.Kill()
			}
			live.Unlock()
			fmt.Fprintf(os.Stderr, "redistest: %v: killed redis-server processes\n", sig)
			os.Exit(1)
		}()
	}
}

func untrack(p *proc) {
	live.Lock()
	delete(live.procs, p)
	live.Unlock()
}

// spawns carries process starts to the spawner goroutine.
var (
	spawnOnce sync.Once
	spawns    chan func()
)

// start runs cmd.Start on one goroutine locked to its OS thread for the life
// of the test binary. Linux delivers the death signal (see setDeathSignal)
// when the thread that forked the child exits, not the process, and Go may
// end a thread whose locked goroutine returns: forking from a thread that
// never exits keeps redis-server alive exactly as long as the test binary.
func start(cmd *exec.Cmd) error {
	spawnOnce.Do(func() {
		spawns = make(chan func())
		go func() {
			runtime.LockOSThread()
			for f := range spawns {
				f()
			}
		}()
	})
	errc := make(chan error, 1)
	spawns <- func() { errc <- cmd.Start() }
	return <-errc
}

// lookPath finds redis-server or returns the error tests print as is.
func lookPath() (string, error) {
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		return "", errors.New(notFound)
	}
	return bin, nil
}

// freePort asks the kernel for a free loopback port. The port is free only
// until someone else takes it, so launch retries with a new one when
// redis-server cannot bind.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// config is what a redis-server is started with besides its port.
type config struct {
	// aof turns the append-only file on, fsynced on every write.
	aof bool
	// file, when set, is written to dir as redis.conf and given to the
	// server first (a sentinel needs a config file it can rewrite).
	file string
	// extra are more command-line options (e.g. --cluster-enabled yes).
	extra []string
}

// launch starts redis-server in dir and waits until it answers PING. With
// port 0 it picks a free port and retries on a lost race for it; with a
// fixed port (a restart) it retries the same port, which the previous
// process may need a moment to release.
func launch(bin, dir string, cfg config, port int) (*proc, error) {
	var lastErr error
	for attempt := 0; attempt < portAttempts; attempt++ {
		p := port
		if p == 0 {
			var err error
			if p, err = freePort(); err != nil {
				return nil, fmt.Errorf("pick a free port: %w", err)
			}
		}
		pr, err := launchOnce(bin, dir, cfg, p)
		if err == nil {
			return pr, nil
		}
		lastErr = err
		if !errors.Is(err, errAddrInUse) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	return nil, lastErr
}

var errAddrInUse = errors.New("address already in use")

func launchOnce(bin, dir string, cfg config, port int) (*proc, error) {
	var args []string
	if cfg.file != "" {
		conf := filepath.Join(dir, "redis.conf")
		if err := os.WriteFile(conf, []byte(cfg.file), 0o644); err != nil {
			return nil, err
		}
		args = append(args, conf)
	}
	args = append(args,
		"--port", strconv.Itoa(port),
		"--bind", "127.0.0.1",
		"--save", "",
		"--dir", dir,
		"--daemonize", "no",
	)
	if cfg.aof {
		// fsync on every write: a durability test that kills the server
		// right after a write must find that write after Restart.
		args = append(args, "--appendonly", "yes", "--appendfsync", "always")
	} else {
		args = append(args, "--appendonly", "no")
	}
	args = append(args, cfg.extra...)
	logPath := filepath.Join(dir, "redis.log")
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	defer logFile.Close() // the child has its own copy of the descriptor
	logStart, _ := logFile.Seek(0, 2)

	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Stdout = logFile
	cmd.Stderr = logFile
	setDeathSignal(cmd)
	if err := start(cmd); err != nil {
		return nil, fmt.Errorf("start redis-server: %w", err)
	}
	p := &proc{cmd: cmd, addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), done: make(chan struct{})}
	track(p)
	go func() {
		_ = cmd.Wait()
		untrack(p)
		close(p.done)
	}()

	deadline := time.Now().Add(readyTimeout)
	for time.Now().Before(deadline) {
		select {
		case <-p.done:
			tail := logTail(logPath, logStart)
			if strings.Contains(strings.ToLower(tail), "address already in use") {
				return nil, fmt.Errorf("redis-server on port %d: %w", port, errAddrInUse)
			}
			return nil, fmt.Errorf("redis-server on port %d exited at startup (%v); its log:\n%s", port, cmd.ProcessState, tail)
		default:
		}
		if ping(p.addr) == nil {
			return p, nil
		}
		time.Sleep(pollEvery)
	}
	p.kill()
	return nil, fmt.Errorf("redis-server on port %d did not answer PING within %v; its log:\n%s", port, readyTimeout, logTail(logPath, logStart))
}

// ping sends an inline PING and expects +PONG. It stays below go-redis so a
// server that is up but still loading its AOF (-LOADING) counts as not ready.
func ping(addr string) error {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(time.Second))
	if _, err := c.Write([]byte("PING\r\n")); err != nil {
		return err
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return err
	}
	if strings.TrimSpace(line) != "+PONG" {
		return fmt.Errorf("PING answered %q", strings.TrimSpace(line))
	}
	return nil
}

// logTail returns what redis-server logged since offset, shortened to the
// last lines, for error messages.
func logTail(path string, offset int64) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return "(no log: " + err.Error() + ")"
	}
	if offset > int64(len(b)) {
		offset = 0
	}
	lines := strings.Split(strings.TrimRight(string(b[offset:]), "\n"), "\n")
	if len(lines) > 20 {
		lines = lines[len(lines)-20:]
	}
	return strings.Join(lines, "\n")
}

// stop sends sig and waits for the process to be reaped, escalating to
// SIGKILL when a SIGTERM is not obeyed in time.
func (p *proc) stop(sig os.Signal) {
	_ = p.cmd.Process.Signal(sig)
	select {
	case <-p.done:
		return
	case <-time.After(stopTimeout):
	}
	_ = p.cmd.Process.Kill()
	<-p.done
}

func (p *proc) kill() { p.stop(os.Kill) }

func (p *proc) running() bool {
	select {
	case <-p.done:
		return false
	default:
		return true
	}
}
