package storage

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/redis/go-redis/v9"
)

// RouteClientLog sends go-redis's own log lines (pool dial failures and
// the like, printed to stderr by default) to log at debug level. Open
// already turns a failure into one line that says what to fix; the
// client's retries would otherwise add their own lines around it.
func RouteClientLog(log *slog.Logger) {
	redis.SetLogger(clientLog{log})
}

type clientLog struct{ log *slog.Logger }

func (c clientLog) Printf(ctx context.Context, format string, v ...any) {
	c.log.DebugContext(ctx, "redis client", "msg", fmt.Sprintf(format, v...))
}
