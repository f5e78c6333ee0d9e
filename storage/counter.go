package storage

import (
	"context"
	"net"
	"sync/atomic"

	"github.com/redis/go-redis/v9"
)

// Counter counts the commands a client sends and the round trips they
// take, for the benchmark "Redis round trips per update". Add its Hook to a
// client: client.AddHook(counter.Hook()).
//
// A command (a script call included) is one round trip; a pipeline or a
// MULTI/EXEC transaction is one round trip of all its commands (MULTI and
// EXEC included). An EVALSHA refused with NOSCRIPT and retried as EVAL
// counts two, as it costs two. The handshake of each new pooled connection
// (HELLO, CLIENT ..., go-redis 9.23 sends three round trips of them) passes
// the hooks too and is counted: it is real, but paid once per connection
// (pipelines have a pool of their own), so measure per-update figures on
// warm connections. Not counted: go-redis's
// own retries of a command after a network error, which happen below the
// hooks.
type Counter struct {
	roundTrips atomic.Int64
	commands   atomic.Int64
}

// NewCounter returns a Counter at zero.
func NewCounter() *Counter { return &Counter{} }

// Hook returns the redis.Hook that counts into c.
func (c *Counter) Hook() redis.Hook { return counterHook{c} }

// RoundTrips returns the round trips counted so far.
func (c *Counter) RoundTrips() int64 { return c.roundTrips.Load() }

// Commands returns the commands counted so far.
func (c *Counter) Commands() int64 { return c.commands.Load() }

type counterHook struct{ c *Counter }

func (h counterHook) DialHook(next redis.DialHook) redis.DialHook {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		return next(ctx, network, addr)
	}
}

func (h counterHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		h.c.roundTrips.Add(1)
		h.c.commands.Add(1)
		return next(ctx, cmd)
	}
}

func (h counterHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		if len(cmds) > 0 {
			h.c.roundTrips.Add(1)
			h.c.commands.Add(int64(len(cmds)))
		}
		return next(ctx, cmds)
	}
}
