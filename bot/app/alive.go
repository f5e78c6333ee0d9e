package app

import (
	"context"
	"time"

	"github.com/forumbot/forumbot/bot"
	"github.com/forumbot/forumbot/storage"
)

// keepAlive keeps this process's alive key in Redis (storage.AliveTTL,
// renewed every fifth of it) until the function it returns is called,
// which deletes the key. The attempts of this process carry its instance
// (bot.Pipeline.Instance), so once the key is gone — the process was
// killed, or stopped leaving updates unfinished — another process takes
// those updates over at once instead of waiting out their time limit.
func (a *App) keepAlive() func() {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	renew := func() {
		rctx, rcancel := context.WithTimeout(ctx, storage.AliveTTL/5)
		defer rcancel()
		if err := a.Store.Alive(rctx, a.instance); err != nil && ctx.Err() == nil {
			a.Log.Warn("cannot renew this process's alive key", "err", err)
		}
	}
	renew()
	go func() {
		defer close(done)
		for bot.Sleep(ctx, storage.AliveTTL/5) {
			renew()
		}
	}()
	return func() {
		cancel()
		<-done
		gctx, gcancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer gcancel()
		if err := a.Store.Gone(gctx, a.instance); err != nil {
			a.Log.Warn("cannot delete this process's alive key; it expires by itself", "err", err)
		}
	}
}
