package bot

import (
	"context"
	"log/slog"
	"sync"
	"time"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

// Runner connects go-telegram/bot's long polling to the Dispatcher and
// the Pipeline.
//
// The library is set up with one receiving goroutine, synchronous
// handlers and an unbuffered updates channel (see PollingOptions), so it
// hands updates over strictly in the order Telegram sent them. Our OnUpdate
// only queues; the Dispatcher keeps each chat in order; and the HTTP client
// of PollingOptions confirms a batch to Telegram only once it is handled
// (see confirmingClient).
//
// An update whose handler was cut off by a kill -9 is in progress in Redis
// (storage BeginAttempt) and, never confirmed, comes again to the next
// process, which handles it once its mark expires (Pipeline.Timeout +
// storage.UpdateMargin after it began): nothing is lost. Limit of the
// guarantee: an answer the handler sent before the final Save is sent
// again, at most one update per worker; none on a graceful stop, which
// drains the queue.
type Runner struct {
	Dispatcher      *Dispatcher
	Pipeline        *Pipeline
	Log             *slog.Logger
	ShutdownTimeout time.Duration

	seenOnce sync.Once
	seen     *received
}

func (r *Runner) received() *received {
	r.seenOnce.Do(func() { r.seen = newReceived() })
	return r.seen
}

// AllowedUpdates are the update types the bot handles: what polling asks
// getUpdates for and what webhook mode gives setWebhook.
var AllowedUpdates = []string{"message", "callback_query", "my_chat_member"}

// PollingOptions are the go-telegram/bot options Runner relies on; client
// is the HTTP client to the Bot API and pollTimeout getUpdates' long-poll
// time.
func PollingOptions(r *Runner, client tg.HttpClient, pollTimeout time.Duration) []tg.Option {
	return []tg.Option{
		tg.WithHTTPClient(pollTimeout, &confirmingClient{next: client, seen: r.received(), disp: r.Dispatcher}),
		tg.WithDefaultHandler(r.OnUpdate),
		tg.WithNotAsyncHandlers(),
		tg.WithWorkers(1),
		tg.WithUpdatesChannelCap(0),
		tg.WithAllowedUpdates(AllowedUpdates),
	}
}

// OnUpdate is the library's default handler: it queues the update under
// its chat.
func (r *Runner) OnUpdate(ctx context.Context, _ *tg.Bot, upd *models.Update) {
	chatID, _ := ChatKey(upd)
	// ctx is the poller's: when polling stops, an update still waiting for
	// room is given up, unconfirmed, and Telegram delivers it again.
	if err := r.Dispatcher.Submit(ctx, chatID, upd); err != nil {
		r.Log.Warn("update not queued: polling stopped", "update_id", upd.ID)
		return
	}
	r.received().add(upd.ID)
}

// NewDispatcherFor makes the dispatcher that runs p for each update.
func NewDispatcherFor(ctx context.Context, p *Pipeline, workers, maxQueued int) *Dispatcher {
	return NewDispatcher(ctx, workers, maxQueued, func(ctx context.Context, job any) {
		p.Process(ctx, job.(*models.Update))
	})
}

// Run polls until ctx is cancelled, then stops polling and finishes the
// queued updates within ShutdownTimeout. It returns how many were left.
func (r *Runner) Run(ctx context.Context, api *tg.Bot) int {
	api.Start(ctx)
	return r.Finish()
}

// Finish finishes the queued updates within ShutdownTimeout, once polling
// has stopped for good (it drains the dispatcher), and returns how many
// were left. Run ends with it; polling under a lease (bot/app) calls it
// after the last term.
func (r *Runner) Finish() int {
	r.Log.Info("polling stopped, finishing queued updates", "queued", r.Dispatcher.Pending())
	dctx, cancel := context.WithTimeout(context.Background(), r.ShutdownTimeout)
	defer cancel()
	left := r.Dispatcher.Drain(dctx)
	if left > 0 {
		r.Log.Error("shutdown timeout: updates left unfinished", "left", left)
	}
	return left
}
