package storage

import (
	"errors"
	"fmt"
	"net"
	"strings"
	"syscall"
	"testing"

	"github.com/forumbot/forumbot/storage/redistest"
	"github.com/redis/go-redis/v9"
)

func TestOpenWorks(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s, err := Open(ctx, Conn{URL: "redis://" + redistest.Addr() + "/0"}, Options{Prefix: redistest.Prefix(t)})
	if err != nil {
		t.Fatal(err)
	}
	sess, _, dup, err := s.Begin(ctx, 1, 1)
	if err != nil || dup || !sess.IsNew {
		t.Fatalf("Begin on an opened store: %+v dup=%v err=%v", sess, dup, err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Client().Ping(ctx).Err(); !errors.Is(err, redis.ErrClosed) {
		t.Fatalf("after Close, PING: %v; want the client Open made closed", err)
	}
}

func TestCloseLeavesCallersClientOpen(t *testing.T) {
	t.Parallel()
	rdb := redistest.Client(t)
	s := New(rdb, Options{})
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := rdb.Ping(t.Context()).Err(); err != nil {
		t.Fatalf("the caller's client was closed by Store.Close: %v", err)
	}
	if s.Client() != redis.UniversalClient(rdb) {
		t.Fatal("Client() is not the client given to New")
	}
}

// closedPort returns a loopback address nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

func TestOpenRefusedSaysWhatToDo(t *testing.T) {
	t.Parallel()
	addr := closedPort(t)
	_, err := Open(t.Context(), Conn{URL: "redis://:s3cr3t-pw@" + addr}, Options{})
	if err == nil {
		t.Fatal("Open of a closed port succeeded")
	}
	want := "cannot reach Redis at " + addr + ": connection refused; start redis-server or set REDIS_URL"
	if err.Error() != want {
		t.Fatalf("error\n%q\nwant\n%q", err, want)
	}
	if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("error does not wrap ECONNREFUSED: %#v", err)
	}
}

func TestOpenBadURLHidesPassword(t *testing.T) {
	t.Parallel()
	for _, u := range []string{
		"redis://user:s3cr3t-pw@ho st:6379",       // url.Parse fails
		"http://user:s3cr3t-pw@127.0.0.1:6379",    // wrong scheme
		"user:s3cr3t-pw@127.0.0.1:6379",           // no scheme
		"redis://user:s3cr3t-pw@127.0.0.1:6379/x", // bad db number
		"redis://user:s3cr3t-pw@127.0.0.1:6379?dial_timeout=s3cr3t-pw",
		"",
	} {
		_, err := Open(t.Context(), Conn{URL: u}, Options{})
		if err == nil {
			t.Fatalf("Open(%q) succeeded", u)
		}
		msg := err.Error()
		if strings.Contains(msg, "s3cr3t-pw") || strings.Contains(msg, "\n") {
			t.Fatalf("Open(%q) error shows the password or spans lines: %q", u, msg)
		}
		if !strings.Contains(msg, "REDIS_URL") {
			t.Fatalf("Open(%q) error %q does not name REDIS_URL", u, msg)
		}
	}
}

func TestOpenWrongPassword(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	srv := redistest.Start(t, false)
	admin := redis.NewClient(&redis.Options{Addr: srv.Addr()})
	t.Cleanup(func() { _ = admin.Close() })
	if err := admin.ConfigSet(ctx, "requirepass", "right-pw").Err(); err != nil {
		t.Fatal(err)
	}
	_, err := Open(ctx, Conn{URL: "redis://:wrong-pw@" + srv.Addr()}, Options{})
	if err == nil {
		t.Fatal("Open with a wrong password succeeded")
	}
	msg := err.Error()
	if strings.Contains(msg, "wrong-pw") || !strings.Contains(msg, "set the right user and password in REDIS_URL") ||
		!strings.HasPrefix(msg, "Redis at "+srv.Addr()+" refused the login") {
		t.Fatalf("error %q", msg)
	}
	s, err := Open(ctx, Conn{URL: "redis://:right-pw@" + srv.Addr()}, Options{})
	if err != nil {
		t.Fatalf("Open with the right password: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	if n, err := s.ChatCount(ctx); err != nil || n != 0 {
		t.Fatalf("ChatCount = %d, %v", n, err)
	}
}

func TestOpenUnknownHost(t *testing.T) {
	t.Parallel()
	_, err := Open(t.Context(), Conn{URL: "redis://no-such-host.invalid:6379"}, Options{})
	if err == nil {
		t.Fatal("Open of an unknown host succeeded")
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, "cannot reach Redis at no-such-host.invalid:6379: ") || !strings.Contains(msg, "REDIS_URL") {
		t.Fatalf("error %q", msg)
	}
}

func TestOpenErrorMessages(t *testing.T) {
	t.Parallel()
	at := target{where: "Redis at db:6379", setting: "REDIS_URL", fix: "start redis-server or set REDIS_URL", password: "pw-123"}
	for _, c := range []struct {
		err  error
		want string
	}{
		{&net.DNSError{Name: "db", Err: "no such host", IsNotFound: true}, "cannot reach Redis at db:6379: host db not found; fix the host in REDIS_URL"},
		{&net.OpError{Op: "dial", Err: timeoutErr{}}, "cannot reach Redis at db:6379: no answer within 3s; check the host and port in REDIS_URL and that Redis is up"},
		{fmt.Errorf("x: %w", errors.New("ERR unknown command 'SCRIPT', with args beginning with: pw-123")), "cannot use Redis at db:6379: x: ERR unknown command 'SCRIPT', with args beginning with: ***; check REDIS_URL"},
	} {
		if got := newOpenError(at, c.err).Error(); got != c.want {
			t.Errorf("for %v:\n got %q\nwant %q", c.err, got, c.want)
		}
	}
}

type timeoutErr struct{}

func (timeoutErr) Error() string   { return "i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }
