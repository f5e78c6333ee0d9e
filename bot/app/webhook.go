package app

import (
	"context"
	"fmt"
	"sync"
	"time"

	tg "github.com/go-telegram/bot"

	"github.com/forumbot/forumbot/bot"
	"github.com/forumbot/forumbot/bot/webhook"
	"github.com/forumbot/forumbot/storage"
)

// MODE=webhook: Telegram posts updates to PUBLIC_URL, a load balancer
// terminating TLS passes them to any replica's LISTEN_ADDR (the path of
// PUBLIC_URL), and the replica answers 200 once the update is queued in
// Redis (bot/webhook). Every replica's consumer takes chats off that queue
// and runs the same pipeline as polling.

// webhookWatch is how often a replica reads getWebhookInfo: it puts the
// webhook back when it was deleted or changed, logs Telegram's last
// delivery error, and keeps /readyz's Bot API check fresh while no update
// comes (a webhook replica calls the Bot API only to answer).
const webhookWatch = 30 * time.Second

// webhookMode is what MODE=webhook adds to the App: the queue as this
// instance sees it and the receiver, made on first use (the HTTP server
// is set up before runWebhook starts).
type webhookMode struct {
	once      sync.Once
	queue     *storage.WebhookQueue
	receiver  *webhook.Receiver
	heartbeat time.Duration // Options.WebhookHeartbeat
}

func (a *App) webhookQueue() *storage.WebhookQueue {
	a.webhook.once.Do(func() {
		a.webhook.queue = a.Store.WebhookQueue(a.instance)
		a.webhook.receiver = &webhook.Receiver{
			Secret: a.cfg.WebhookSecret,
			Queue:  a.webhook.queue,
			Ignore: a.runner.Pipeline.Process, // counts it as ignored
			Log:    a.Log,
		}
	})
	return a.webhook.queue
}

// webhookReceiver answers Telegram's POSTs on the path of PUBLIC_URL.
//
// It goes on queueing while the replica stops: the queue is in Redis, so
// an update taken then is as safe as any, and another replica (or the
// next start) handles it; a 503 would only make Telegram wait before it
// sends the update again. The listener closes when Run ends.
func (a *App) webhookReceiver() *webhook.Receiver {
	a.webhookQueue()
	return a.webhook.receiver
}

// runWebhook sets the webhook and handles the queued updates until ctx is
// cancelled; then it finishes the updates in hand within the shutdown
// timeout and returns how many it could not finish.
func (a *App) runWebhook(ctx context.Context) (int, error) {
	q := a.webhookQueue()
	if err := a.setWebhook(ctx); err != nil {
		return 0, err
	}
	a.metrics.WebhookQueue(func() (ready, claimed, pending float64, ok bool) {
		dctx, cancel := context.WithTimeout(context.Background(), readyPingTimeout)
		defer cancel()
		d, err := q.Depth(dctx)
		if err != nil {
			return 0, 0, 0, false
		}
		return float64(d.Ready), float64(d.Claimed), float64(d.Pending), true
	})
	a.Log.Info("webhook set; handling queued updates", "instance", q.Instance(), "path", a.cfg.WebhookPath())
	stopWatch := a.watchWebhook()
	defer stopWatch()
	c := &webhook.Consumer{
		Queue:        q,
		Handle:       a.runner.Pipeline.Process,
		Workers:      a.cfg.Workers,
		Log:          a.Log,
		HeartbeatTTL: a.webhook.heartbeat,
	}
	return c.Run(ctx, a.cfg.ShutdownTimeout)
}

// setWebhook points Telegram at PUBLIC_URL. Every replica calls it at
// start: the same parameters each time, so it is idempotent. Pending
// updates are never dropped. A refusal is retried a few times, then stops
// the start with the reason.
func (a *App) setWebhook(ctx context.Context) error {
	params := &tg.SetWebhookParams{
		URL:            a.cfg.PublicURL,
		SecretToken:    a.cfg.WebhookSecret,
		AllowedUpdates: bot.AllowedUpdates,
		MaxConnections: a.cfg.WebhookMaxConnections,
	}
	var err error
	for try := 0; try < 3; try++ {
		if try > 0 && !bot.Sleep(ctx, 2*time.Second) {
			break
		}
		if _, err = a.API.SetWebhook(ctx, params); err == nil {
			return nil
		}
		a.Log.Warn("setWebhook failed", "url", a.cfg.PublicURL, "err", err)
	}
	return fmt.Errorf("setWebhook to PUBLIC_URL=%s failed: %v", a.cfg.PublicURL, err)
}

// watchWebhook reads getWebhookInfo every webhookWatch until the function
// it returns is called.
func (a *App) watchWebhook() func() {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		lastErr := 0
		for bot.Sleep(ctx, webhookWatch) {
			info, err := a.API.GetWebhookInfo(ctx)
			if err != nil {
				a.Log.Warn("getWebhookInfo failed", "err", err)
				continue
			}
			if info.URL != a.cfg.PublicURL {
				a.Log.Warn("the webhook was changed or deleted: setting it again", "url", info.URL)
				if err := a.setWebhook(ctx); err != nil {
					a.Log.Error("cannot set the webhook again", "err", err)
				}
				continue
			}
			if info.LastErrorDate != lastErr {
				lastErr = info.LastErrorDate
				a.Log.Warn("Telegram could not deliver to the webhook", "at", time.Unix(int64(info.LastErrorDate), 0).UTC(),
					"error", info.LastErrorMessage, "pending", info.PendingUpdateCount)
			}
		}
	}()
	return func() { cancel(); <-done }
}
