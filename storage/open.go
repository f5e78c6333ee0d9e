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

// Conn says where the store's Redis is: REDIS_URL alone for one server;
// with SentinelAddrs, the master the sentinels name SentinelMaster; with
// ClusterAddrs, the Redis Cluster those nodes belong to. Behind Sentinel or
// Cluster REDIS_URL still gives the user, password, database (Sentinel
// only: a cluster has database 0 alone) and TLS (rediss://), and its host
// is not used.
type Conn struct {
	URL            string   // REDIS_URL
	SentinelMaster string   // REDIS_SENTINEL_MASTER
	SentinelAddrs  []string // REDIS_SENTINEL_ADDRS
	ClusterAddrs   []string // REDIS_CLUSTER_ADDRS
}

// Open connects to the Redis conn names, checks it answers within a few
// seconds and loads the scripts, so that even the first update costs one
// round trip per call. Its errors are one line that says what to fix and
// never contain the password, e.g.
//
//	cannot reach Redis at 127.0.0.1:6379: connection refused; start redis-server or set REDIS_URL
//
// On a Redis Cluster the keys get the hash tag of the prefix (see
// taggedPrefix in keys.go). Close closes the connection Open made.
func Open(ctx context.Context, conn Conn, opts Options) (*Store, error) {
	ropts, err := parseURL(conn.URL)
	if err != nil {
		return nil, err
	}
	pctx, cancel := context.WithTimeout(ctx, pingTimeout)
	defer cancel()
	var rdb redis.UniversalClient
	var at target
	switch {
	case len(conn.SentinelAddrs) > 0:
		if at, err = askSentinels(pctx, conn, ropts); err != nil {
			return nil, err
		}
		u := universal(ropts, conn.SentinelAddrs)
		u.MasterName = conn.SentinelMaster
		rdb = redis.NewFailoverClient(u.Failover())
	case len(conn.ClusterAddrs) > 0:
		if ropts.DB != 0 {
			return nil, fmt.Errorf("REDIS_URL selects database %d, but a Redis Cluster has database 0 alone; drop /%d from REDIS_URL", ropts.DB, ropts.DB)
		}
		at = target{
			where:   "the Redis Cluster at " + strings.Join(conn.ClusterAddrs, ", "),
			setting: "REDIS_CLUSTER_ADDRS", fix: "start the cluster's nodes or set REDIS_CLUSTER_ADDRS",
		}
		rdb = redis.NewClusterClient(universal(ropts, conn.ClusterAddrs).Cluster())
	default:
		at = target{where: "Redis at " + ropts.Addr, setting: "REDIS_URL", fix: "start redis-server or set REDIS_URL", unix: ropts.Network == "unix"}
		rdb = redis.NewClient(ropts)
	}
	at.password = ropts.Password
	err = rdb.Ping(pctx).Err()
	s := New(rdb, opts)
	if err == nil {
		err = s.loadScripts(pctx)
	}
	if _, cluster := rdb.(*redis.ClusterClient); cluster && err == nil {
		// PING and SCRIPT LOAD go to any node; a key of the store's slot
		// shows that the slot is served (CLUSTERDOWN otherwise).
		err = rdb.Exists(pctx, s.k.chats()).Err()
	}
	if err != nil {
		_ = rdb.Close()
		return nil, newOpenError(at, err)
	}
	s.owned = true
	return s, nil
}

// universal carries what REDIS_URL gives, besides its host, to the options
// of a Sentinel or Cluster client with addrs.
func universal(ro *redis.Options, addrs []string) *redis.UniversalOptions {
	return &redis.UniversalOptions{
		Addrs:           addrs,
		ClientName:      ro.ClientName,
		DB:              ro.DB,
		Protocol:        ro.Protocol,
		Username:        ro.Username,
		Password:        ro.Password,
		MaxRetries:      ro.MaxRetries,
		MinRetryBackoff: ro.MinRetryBackoff,
		MaxRetryBackoff: ro.MaxRetryBackoff,
		DialTimeout:     ro.DialTimeout,
		ReadTimeout:     ro.ReadTimeout,
		WriteTimeout:    ro.WriteTimeout,
		PoolSize:        ro.PoolSize,
		PoolTimeout:     ro.PoolTimeout,
		MinIdleConns:    ro.MinIdleConns,
		MaxIdleConns:    ro.MaxIdleConns,
		ConnMaxIdleTime: ro.ConnMaxIdleTime,
		ConnMaxLifetime: ro.ConnMaxLifetime,
		TLSConfig:       ro.TLSConfig,
	}
}

// askSentinels asks each sentinel in turn for the master, so that Open can
// tell sentinels it cannot reach from a master name they do not know, and
// returns the target to blame when the master itself then fails.
func askSentinels(ctx context.Context, conn Conn, ro *redis.Options) (target, error) {
	sentinels := target{
		where:    "the Redis sentinels at " + strings.Join(conn.SentinelAddrs, ", "),
		setting:  "REDIS_SENTINEL_ADDRS",
		fix:      "start the sentinels or set REDIS_SENTINEL_ADDRS",
		password: ro.Password,
	}
	var first error
	for _, addr := range conn.SentinelAddrs {
		sc := redis.NewSentinelClient(&redis.Options{Addr: addr, TLSConfig: ro.TLSConfig, DialTimeout: ro.DialTimeout, MaxRetries: -1})
		master, err := sc.GetMasterAddrByName(ctx, conn.SentinelMaster).Result()
		_ = sc.Close()
		switch {
		case err == nil:
			return target{
				where:   fmt.Sprintf("the Redis master %q at %s (named by the sentinel at %s)", conn.SentinelMaster, net.JoinHostPort(master[0], master[1]), addr),
				setting: "the sentinels' configuration", fix: "start it or wait for the sentinels to fail over",
			}, nil
		case errors.Is(err, redis.Nil):
			return target{}, fmt.Errorf("the Redis sentinel at %s knows no master named %q; set REDIS_SENTINEL_MASTER to the name in its \"sentinel monitor\" line", addr, conn.SentinelMaster)
		case first == nil:
			first = err
		}
	}
	return target{}, newOpenError(sentinels, first)
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

// target is what Open talks to, for its messages: where it is, the
// setting that names it and what to do when it refuses connections.
type target struct {
	where, setting, fix string
	password            string // removed from messages
	unix                bool   // a unix socket
}

func newOpenError(at target, err error) error {
	var msg string
	var dnsErr *net.DNSError
	var rerr redis.Error
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		msg = "cannot reach " + at.where + ": connection refused; " + at.fix
	case errors.Is(err, os.ErrNotExist) && at.unix:
		msg = "cannot reach " + at.where + ": no such socket; " + at.fix
	case errors.As(err, &dnsErr):
		msg = "cannot reach " + at.where + ": host " + dnsErr.Name + " not found; fix the host in " + at.setting
	case errors.Is(err, context.DeadlineExceeded) || isTimeout(err):
		msg = fmt.Sprintf("cannot reach %s: no answer within %v; check the host and port in %s and that Redis is up", at.where, pingTimeout, at.setting)
	case errors.Is(err, context.Canceled):
		msg = "cannot reach " + at.where + ": cancelled"
	case errors.As(err, &rerr) && isAuthError(rerr.Error()):
		msg = at.where + " refused the login (" + firstLine(rerr.Error()) + "); set the right user and password in REDIS_URL"
	case errors.As(err, &rerr) && strings.HasPrefix(rerr.Error(), "CLUSTERDOWN"):
		msg = at.where + " is down (" + firstLine(rerr.Error()) + "); wait until CLUSTER INFO says cluster_state:ok on its nodes"
	case errors.As(err, &rerr) && strings.Contains(rerr.Error(), "cluster support disabled"):
		msg = at.where + " is not a cluster (" + firstLine(rerr.Error()) + "); name cluster nodes in " + at.setting + " or unset it"
	default:
		msg = "cannot use " + at.where + ": " + firstLine(err.Error()) + "; check " + at.setting
	}
	if at.password != "" {
		msg = strings.ReplaceAll(msg, at.password, "***")
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
