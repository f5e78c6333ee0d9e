package storage

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"
)

// pingTimeout bounds Open's first contact: a bot that cannot reach Redis
// should say so at once, not hang for the client's retries.
const pingTimeout = 3 * time.Second

// Open connects to the Redis at redisURL (REDIS_URL: redis://, rediss:// or
// unix://), checks it answers within a few seconds and loads the scripts,
// so that even the first update costs one round trip per call. Its errors
// are one line that says what to fix and never contain the password, e.g.
//
//	cannot reach Redis at 127.0.0.1:6379: connection refused; start redis-server or set REDIS_URL
//
// Close closes the connection Open made.
func Open(ctx context.Context, redisURL string, opts Options) (*Store, error) {
	ropts, err := parseURL(redisURL)
	if err != nil {
		return nil, err
	}
	rdb := redis.NewClient(ropts)
	pctx, cancel := context.WithTimeout(ctx, pingTimeout)
	defer cancel()
	err = rdb.Ping(pctx).Err()
	s := New(rdb, opts)
	if err == nil {
		err = s.loadScripts(pctx)
	}
	if err != nil {
		_ = rdb.Close()
		return nil, newOpenError(ropts, err)
	}
	s.owned = true
	return s, nil
}

// parseURL parses REDIS_URL without ever echoing it: url.Parse quotes the
// whole URL, password included, in its errors.
func parseURL(redisURL string) (*redis.Options, error) {
	const expect = "; expected redis://[user:password@]host:port[/db]"
	if strings.TrimSpace(redisURL) == "" {
		return nil, errors.New("REDIS_URL is empty" + expect)
	}
	u, err := url.Parse(redisURL)
	if err != nil {
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err
		}
		return nil, fmt.Errorf("REDIS_URL is not a valid URL (%v)%s", err, expect)
	}
	switch u.Scheme {
	case "redis", "rediss", "unix":
	default:
		return nil, errors.New("REDIS_URL must start with redis://, rediss:// or unix://" + expect)
	}
	ropts, err := redis.ParseURL(redisURL)
	if err != nil {
		return nil, fmt.Errorf("REDIS_URL is not usable (%s)%s", redact(err.Error(), u), expect)
	}
	return ropts, nil
}

// openError is a failed first contact explained in one line; it wraps the
// client's error for errors.Is.
type openError struct {
	msg string
	err error
}

func (e *openError) Error() string { return e.msg }
func (e *openError) Unwrap() error { return e.err }

func newOpenError(ropts *redis.Options, err error) error {
	where := "Redis at " + ropts.Addr
	var msg string
	var dnsErr *net.DNSError
	var rerr redis.Error
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		msg = "cannot reach " + where + ": connection refused; start redis-server or set REDIS_URL"
	case errors.Is(err, os.ErrNotExist) && ropts.Network == "unix":
		msg = "cannot reach " + where + ": no such socket; start redis-server or set REDIS_URL"
	case errors.As(err, &dnsErr):
		msg = "cannot reach " + where + ": host " + dnsErr.Name + " not found; fix the host in REDIS_URL"
	case errors.Is(err, context.DeadlineExceeded) || isTimeout(err):
		msg = fmt.Sprintf("cannot reach %s: no answer within %v; check the host and port in REDIS_URL and that Redis is up", where, pingTimeout)
	case errors.Is(err, context.Canceled):
		msg = "cannot reach " + where + ": cancelled"
	case errors.As(err, &rerr) && isAuthError(rerr.Error()):
		msg = where + " refused the login (" + firstLine(rerr.Error()) + "); set the right user and password in REDIS_URL"
	default:
		msg = "cannot use " + where + ": " + firstLine(err.Error()) + "; check REDIS_URL"
	}
	if ropts.Password != "" {
		msg = strings.ReplaceAll(msg, ropts.Password, "***")
	}
	return &openError{msg: msg, err: err}
}

func isTimeout(err error) bool {
	var nerr net.Error
	return errors.As(err, &nerr) && nerr.Timeout()
}

func isAuthError(msg string) bool {
	for _, p := range []string{"NOAUTH", "WRONGPASS", "ERR AUTH", "ERR invalid password", "NOPERM"} {
		if strings.HasPrefix(msg, p) {
			return true
		}
	}
	return false
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

// redact removes the URL's password from a message.
func redact(msg string, u *url.URL) string {
	if u.User == nil {
		return msg
	}
	if p, ok := u.User.Password(); ok && p != "" {
		msg = strings.ReplaceAll(msg, p, "***")
	}
	return msg
}
