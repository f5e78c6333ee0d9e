package bot

import (
	"context"
	"errors"
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

// busyRetryMax is the longest wait between two looks at an update another
// attempt holds: its "done" is seen within a second.
const busyRetryMax = time.Second

// finishTimeout bounds finish, which may run after the update's own time
// limit ran out (within storage.UpdateMargin).
const finishTimeout = 2 * time.Second

// timeout is the update's time limit after Begin.
func (p *Pipeline) timeout() time.Duration {
	if p.Timeout > 0 {
		return p.Timeout
	}
	return storage.DefaultUpdateTimeout
}

// begin runs Store.BeginAttempt until Redis answers or ctx ends (the
// process stops). While Redis is away the update is held, not dropped: in
// polling mode an update the pipeline gave up on would still be confirmed
// to Telegram and lost. Holding it keeps its chat's order, and the
// dispatcher's bounded queue stops the poller from taking more meanwhile.
//
// An update another attempt holds (busy) is held the same way: a live
// attempt (a leader handing over, a redelivery racing the first handling)
// ends with "done" within its time limit, and the update is a duplicate;
// a dead one's marker expires, and this attempt handles the update. The
// chat's order holds, as its worker waits, and in polling mode the update
// stays unconfirmed meanwhile.
func (p *Pipeline) begin(ctx context.Context, log *slog.Logger, updateID, chatID int64) (*storage.Session, int64, bool, error) {
	wait := redisRetryFirst
	var since, busySince time.Time
	// One token for every try: a try whose script ran but whose reply was
	// lost left the mark with this token, and the next try goes on.
	attempt := storage.NewAttempt(p.Instance)
	for {
		sess, ver, dup, err := p.Store.BeginAttempt(ctx, updateID, chatID, attempt, p.timeout())
		var busy *storage.BusyError
		switch {
		case err == nil:
			if !since.IsZero() {
				log.Info("Redis answers again: the held update goes on", "held", time.Since(since).Round(time.Millisecond))
			}
			if !busySince.IsZero() {
				log.Info("the other attempt at the update ended", "held", time.Since(busySince).Round(time.Millisecond), "duplicate", dup)
			}
			return sess, ver, dup, nil
		case errors.As(err, &busy):
			if busySince.IsZero() {
				busySince = time.Now()
				// Once per update: another attempt holds it.
				log.Warn("another attempt is handling the update: holding it until that one ends or its mark expires", "expires_in", busy.Wait)
			}
			if !Sleep(ctx, min(max(busy.Wait, time.Millisecond), busyRetryMax)) {
				return nil, 0, false, ctx.Err()
			}
			continue
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

// finish marks an update done that ends without a Save, so a redelivery
// skips it. It runs also when the update's time limit ran out (the
// handler was stuck): the handling ended all the same.
func (p *Pipeline) finish(ctx context.Context, log *slog.Logger, updateID int64) {
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), finishTimeout)
	defer cancel()
	if err := p.Store.FinishUpdate(fctx, updateID); err != nil {
		log.Error("cannot mark the update done: a redelivery after its mark expires would handle it again", "err", err)
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
