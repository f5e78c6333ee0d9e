package bot

import (
	"context"
	"log/slog"
	"time"

	"github.com/forumbot/forumbot/storage"
)

// How the pipeline waits for Redis: from the first retry's wait to the
// longest, doubling. Short at first, so a blip (a failover, a restart)
// costs little; capped, so the updates held during an outage go on within
// two seconds of Redis coming back, without hammering it meanwhile.
const (
	redisRetryFirst = 100 * time.Millisecond
	redisRetryMax   = 2 * time.Second
	// saveAttempts bounds the retries of Save: the handler has answered
	// already, so the user is not kept waiting; a session lost to a long
	// outage costs at most the step of a dialog.
	saveAttempts = 4
)

// begin runs Store.Begin until Redis answers or ctx ends (the process
// stops). While Redis is away the update is held, not dropped: in polling
// mode an update the pipeline gave up on would still be confirmed to
// Telegram and lost. Holding it keeps its chat's order, and the
// dispatcher's bounded queue stops the poller from taking more meanwhile.
func (p *Pipeline) begin(ctx context.Context, log *slog.Logger, updateID, chatID int64) (*storage.Session, int64, bool, error) {
	wait := redisRetryFirst
	var since time.Time
	// One token for every try: a try whose script ran but whose reply was
	// lost left the mark with this token, and the next try goes on.
	attempt := storage.NewAttempt()
	for {
		sess, ver, dup, err := p.Store.BeginAttempt(ctx, updateID, chatID, attempt)
		if err == nil {
			if !since.IsZero() {
				log.Info("Redis answers again: the held update goes on", "held", time.Since(since).Round(time.Millisecond))
			}
			return sess, ver, dup, nil
		}
		if ctx.Err() != nil {
			return nil, 0, false, ctx.Err()
		}
		if since.IsZero() {
			since = time.Now()
			// Once per update and outage: the workers are few, so is this.
			log.Warn("Redis does not answer: holding the update until it does", "err", err)
		}
		if !Sleep(ctx, wait) {
			return nil, 0, false, ctx.Err()
		}
		wait = min(2*wait, redisRetryMax)
	}
}

// save runs Store.Save, retrying briefly when Redis fails.
func (p *Pipeline) save(ctx context.Context, log *slog.Logger, sess *storage.Session) error {
	wait := redisRetryFirst
	var err error
	for attempt := 1; ; attempt++ {
		if err = p.Store.Save(ctx, sess); err == nil || attempt == saveAttempts || ctx.Err() != nil {
			return err
		}
		log.Warn("cannot save the session, retrying", "err", err, "attempt", attempt)
		if !Sleep(ctx, wait) {
			return err
		}
		wait = min(2*wait, redisRetryMax)
	}
}

// Sleep waits d; false when ctx ended first. The one wait of the bot's
// retry loops (the pipeline's, the webhook consumer's and watcher's).
func Sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
