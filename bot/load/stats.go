package load

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// Percentiles of a set of latencies (nearest rank).
type Percentiles struct {
	N                  int
	P50, P90, P99, Max time.Duration
}

// percentiles sorts ns in place and reads the percentiles off it.
func percentiles(ns []int64) Percentiles {
	if len(ns) == 0 {
		return Percentiles{}
	}
	slices.Sort(ns)
	at := func(q float64) time.Duration {
		i := int(q*float64(len(ns))+0.999999999) - 1
		return time.Duration(ns[min(max(i, 0), len(ns)-1)])
	}
	return Percentiles{N: len(ns), P50: at(0.50), P90: at(0.90), P99: at(0.99), Max: time.Duration(ns[len(ns)-1])}
}

// redisTally counts what storage.Counter does not tell apart: the
// connections opened and the round trips of their handshakes (HELLO,
// CLIENT SETINFO...), which pass the hooks like any command; and the round
// trips that touch a chat's session (storage's Begin and Save), as opposed
// to the rest: other handlers' reads and writes, and the background jobs
// (broadcast engine, scheduler) that share the client.
type redisTally struct {
	prefix     string // the store's key prefix
	dials      atomic.Int64
	handshakes atomic.Int64
	session    atomic.Int64
}

// touchesSession reports whether cmd names a session key,
// <prefix>chat:<chat_id>:session (storage/keys.go).
func (t *redisTally) touchesSession(cmd redis.Cmder) bool {
	for _, a := range cmd.Args() {
		if k, ok := a.(string); ok && strings.HasSuffix(k, ":session") && strings.HasPrefix(k, t.prefix+"chat:") {
			return true
		}
	}
	return false
}

func isHandshake(cmd redis.Cmder) bool {
	switch strings.ToLower(cmd.Name()) {
	case "hello", "client", "auth", "select", "readonly":
		return true
	}
	return false
}

func (t *redisTally) DialHook(next redis.DialHook) redis.DialHook {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		t.dials.Add(1)
		return next(ctx, network, addr)
	}
}

func (t *redisTally) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		switch {
		case isHandshake(cmd):
			t.handshakes.Add(1)
		case t.touchesSession(cmd):
			t.session.Add(1)
		}
		return next(ctx, cmd)
	}
}

func (t *redisTally) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		switch {
		case slices.ContainsFunc(cmds, isHandshake):
			t.handshakes.Add(1)
		case slices.ContainsFunc(cmds, t.touchesSession):
			t.session.Add(1)
		}
		return next(ctx, cmds)
	}
}

// botLog is the bot's slog handler under load: a text handler as in
// production, writing at most maxLines lines, and counting the warnings and
// errors, which a healthy run has none of. Without a writer it still
// formats at info level, so that the bot pays for its log as it does in
// production.
type botLog struct {
	inner    slog.Handler
	problems *atomic.Int64
}

func newBotLog(w io.Writer, level slog.Level, maxLines int) (*slog.Logger, *atomic.Int64) {
	if w == nil {
		w, level = io.Discard, slog.LevelInfo
	} else {
		w = &lineLimit{w: w, left: maxLines}
	}
	n := new(atomic.Int64)
	return slog.New(&botLog{inner: slog.NewTextHandler(w, &slog.HandlerOptions{Level: level}), problems: n}), n
}

func (h *botLog) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= slog.LevelWarn || h.inner.Enabled(ctx, l)
}

func (h *botLog) Handle(ctx context.Context, r slog.Record) error {
	if r.Level >= slog.LevelWarn {
		h.problems.Add(1)
	}
	if !h.inner.Enabled(ctx, r.Level) {
		return nil
	}
	return h.inner.Handle(ctx, r)
}

func (h *botLog) WithAttrs(as []slog.Attr) slog.Handler {
	return &botLog{inner: h.inner.WithAttrs(as), problems: h.problems}
}

func (h *botLog) WithGroup(name string) slog.Handler {
	return &botLog{inner: h.inner.WithGroup(name), problems: h.problems}
}

// lineLimit passes on the first left lines and drops the rest.
type lineLimit struct {
	mu   sync.Mutex
	w    io.Writer
	left int
}

func (l *lineLimit) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.left <= 0 {
		return len(p), nil
	}
	l.left -= bytes.Count(p, []byte{'\n'})
	if l.left <= 0 {
		p = append(slices.Clone(p), "(further bot log lines are not shown)\n"...)
	}
	_, err := l.w.Write(p)
	return len(p), err
}

// procMemory reads a process's resident set and its peak from
// /proc/PID/status (pid 0: this process); zeros where there is no /proc.
func procMemory(pid int) (rss, peak uint64) {
	path := "/proc/self/status"
	if pid > 0 {
		path = "/proc/" + strconv.Itoa(pid) + "/status"
	}
	f, err := os.Open(path)
	if err != nil {
		return 0, 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, val, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		kb := func() uint64 {
			n, _ := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(val), " kB"), 10, 64)
			return n << 10
		}
		switch name {
		case "VmRSS":
			rss = kb()
		case "VmHWM":
			peak = kb()
		}
	}
	return rss, peak
}

// redisRSS asks a Redis for its resident set (INFO memory).
func redisRSS(ctx context.Context, addr string) uint64 {
	c := redis.NewClient(&redis.Options{Addr: addr})
	defer c.Close()
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	info, err := c.Info(ctx, "memory").Result()
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(info, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "used_memory_rss:"); ok {
			n, _ := strconv.ParseUint(v, 10, 64)
			return n
		}
	}
	return 0
}

// redisCPU asks a Redis for the CPU time it has used (INFO cpu).
func redisCPU(ctx context.Context, addr string) time.Duration {
	c := redis.NewClient(&redis.Options{Addr: addr})
	defer c.Close()
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	info, err := c.Info(ctx, "cpu").Result()
	if err != nil {
		return 0
	}
	var total float64
	for _, line := range strings.Split(info, "\n") {
		name, v, ok := strings.Cut(strings.TrimSpace(line), ":")
		if ok && (name == "used_cpu_sys" || name == "used_cpu_user") {
			f, _ := strconv.ParseFloat(v, 64)
			total += f
		}
	}
	return time.Duration(total * float64(time.Second))
}

// machineCPU reads /proc/stat's totals: the time all CPUs were busy and
// the time in all, in clock ticks (zeros where there is no /proc).
func machineCPU() (busy, total uint64) {
	data, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, 0
	}
	line, _, _ := strings.Cut(string(data), "\n")
	fields := strings.Fields(line)
	if len(fields) < 5 || fields[0] != "cpu" {
		return 0, 0
	}
	for i, f := range fields[1:] {
		n, _ := strconv.ParseUint(f, 10, 64)
		total += n
		if i != 3 && i != 4 { // idle, iowait
			busy += n
		}
	}
	return busy, total
}
