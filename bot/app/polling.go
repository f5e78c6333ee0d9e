package app

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	tg "github.com/go-telegram/bot"

	"github.com/forumbot/forumbot/bot"
)

// pollLease names the lease of the update poller in Redis.
const pollLease = "poll"

// conflictPause is how long the poller waits after a 409 Conflict before
// the library's own pause (0.1 s, doubling up to 5 s): two processes
// polling with one token then do not take turns knocking each other out
// several times a second.
const conflictPause = time.Second

// runPolling takes updates with getUpdates until ctx is cancelled and
// returns how many queued updates were left unfinished.
//
// Several replicas may run; Telegram keeps one getUpdates per bot and
// answers 409 to the older of two, so only the holder of the poll lease
// polls (bot.Leader). The others stand by and take over within the lease
// after the leader dies, at their next try after it stops. Their
// dispatchers keep working whatever the lease: updates in hand when the
// lease is lost are finished, not dropped.
//
// Why the long poll (50 s) may outlast the lease (10 s): the leader's
// getUpdates runs under the lease's context, which ends a tenth of the
// lease before the lease could expire in Redis when it could not be
// renewed, and cancelling it aborts the HTTP request at once. A leader cut
// off from Redis but not from Telegram therefore stops polling before a
// standby can take the lease; the standby's first getUpdates then finds
// the old long poll gone, or ends it (Telegram answers the older call with
// 409, on a connection nobody reads any more). The one overlap left is a
// Redis that loses the lease's last write (a failover, a restart without
// persistence): the old leader learns it at its next renewal, at most a
// third of the lease later, and until then the two pollers may meet a few
// 409s, slowed down by conflictPause. Updates are never lost to a change
// of leader: an update counts as delivered only when a later getUpdates
// carries a higher offset (see bot.Runner), so what the old leader had not
// handled comes again to the new one, and Redis drops the duplicates.
func (a *App) runPolling(ctx context.Context) (int, error) {
	if _, err := a.API.DeleteWebhook(ctx, &tg.DeleteWebhookParams{}); err != nil {
		// Polling cannot start while a webhook is set; say so, but try.
		a.Log.Warn("deleteWebhook failed", "err", err)
	}
	leader := bot.NewLeader(a.Store, pollLease, a.instance, a.cfg.PollLease, a.Log)
	a.leader.Store(leader)
	a.metrics.PollLeader(leader.Leading)
	stopProbe := a.standbyProbe(leader)
	leader.Run(ctx, func(term context.Context) { a.poll(term, leader) })
	stopProbe()
	return a.runner.Finish(), nil
}

// PollLeader is the poller's lease holder (nil before Run starts polling;
// tests crash it).
func (a *App) PollLeader() *bot.Leader { return a.leader.Load() }

// poll runs one term of leadership: getUpdates until term ends. Each term
// has a poller of its own: go-telegram/bot remembers the last update id it
// took, even one it did not hand over when stopped in the middle of a
// batch, so a reused poller would confirm that update without handling it.
// A new one starts from the first update Telegram still has.
func (a *App) poll(term context.Context, leader *bot.Leader) {
	opts := append(slices.Clip(a.pollOptions), tg.WithErrorsHandler(func(err error) {
		if !errors.Is(err, tg.ErrorConflict) {
			a.apiError(err)
			return
		}
		a.Log.Warn("getUpdates: 409 Conflict, another process polls with this token; checking the poll lease")
		leader.Check()
		t := time.NewTimer(conflictPause)
		defer t.Stop()
		select {
		case <-term.Done():
		case <-t.C:
		}
	}))
	poller, err := tg.New(a.cfg.Token, opts...)
	if err != nil { // tg.New fails only on an empty token, checked by New
		a.Log.Error("cannot make the poller", "err", err)
		<-term.Done()
		return
	}
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		poller.Start(term)
	}()
	<-term.Done()
	// getUpdates ends with term at once (its request is cancelled), and so
	// does the hand-over of the last update taken when the queue is full
	// (Redis down holds every worker): Dispatcher.Submit gives it up with
	// term, unconfirmed, and Telegram delivers it again.
	<-stopped
}

// apiError is go-telegram/bot's errors handler: what the library cannot
// return to a caller, mostly failed getUpdates calls, which it retries.
func (a *App) apiError(err error) {
	if strings.Contains(err.Error(), "some updates lost, ctx done") {
		// The library stopped mid-batch. Nothing is lost: the rest of the
		// batch was never confirmed (see bot.Runner) and Telegram delivers
		// it again to the next poller.
		a.Log.Info("polling stopped in the middle of a batch; the rest will be delivered again")
		return
	}
	a.Log.Warn("bot api", "err", err)
}

// standbyProbe calls getMe now and then while this process stands by:
// /readyz wants a recent successful Bot API call, and a standby, which
// does not poll, would otherwise look cut off from Telegram and be taken
// out of a rolling deployment.
func (a *App) standbyProbe(leader *bot.Leader) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(max(a.readyWindow/4, time.Second))
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			if leader.Leading() {
				continue
			}
			cctx, ccancel := context.WithTimeout(ctx, 10*time.Second)
			if _, err := a.API.GetMe(cctx); err != nil && ctx.Err() == nil {
				a.Log.Warn("standby: getMe failed", "err", err)
			}
			ccancel()
		}
	}()
	return func() { cancel(); <-done }
}
