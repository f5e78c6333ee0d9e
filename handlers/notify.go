package handlers

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	tg "github.com/go-telegram/bot"

	"github.com/forumbot/forumbot/bot/proposal"
	"github.com/forumbot/forumbot/bot/ui"
	"github.com/forumbot/forumbot/locales"
	"github.com/forumbot/forumbot/storage"
)

// Notices tells proposals' authors of a new status or an official answer,
// in their language, in their chat, once each time.
//
// The notice is recorded in Redis by the very step that changes the status
// or stores the answer (storage/outbox.go), so nothing after that step can
// lose it. The organizer's handler then sends it at once (Tell), as before,
// and tells the organizer how it went; whatever that send could not finish
// — a Bot API outage longer than the reply's retries, a crash, Redis
// trouble — is left in the outbox for Run, which every process runs
// beside the broadcast engine: it claims due notices under a lease (per
// notice, so a dead process's are taken over when its lease ends), sends
// them with the same reply helper and records the outcome. 403 and 400
// drop a notice (counted); 429, 5xx and timeouts put it back with a
// growing backoff, without holding up the others.
//
// A notice is not a one-recipient broadcast job: a job's texts are fixed
// when it is created and have no buttons, its recipient gets marked an
// inactive subscriber on a 403, it fails for good after a few attempts,
// and it shows in the organizers' broadcast list with progress reports.
// The outbox keeps only the claim and lease pattern of the engine.
type Notices struct {
	store *storage.Store
	org   *Organizing
	log   *slog.Logger
	cfg   NoticeConfig

	hard  context.Context // cancelled by Crash only
	crash context.CancelFunc
	wake  chan struct{}
}

// NoticeConfig tunes the senders of notices; zero fields take the
// defaults of DefaultNoticeConfig.
type NoticeConfig struct {
	// Lease is how long a claimed notice is its sender's alone. Every send
	// is cut off at half of it, so a live sender has always recorded the
	// outcome before another may take the notice over.
	Lease time.Duration
	// Poll is how often an idle sender looks at the outbox.
	Poll time.Duration
	// Backoff is the wait after a first failed send; it doubles with each
	// claim, up to MaxBackoff (a 429's retry_after when longer).
	Backoff, MaxBackoff time.Duration
	// GiveUp drops a notice that still could not be sent this long after
	// it was recorded.
	GiveUp time.Duration
	// InFlight is how many notices one sender sends at once.
	InFlight int
}

// DefaultNoticeConfig is the production configuration: a lease of a
// minute leaves the reply helper its 15 s of retries with room to spare.
func DefaultNoticeConfig() NoticeConfig {
	return NoticeConfig{Lease: time.Minute, Poll: time.Second, Backoff: 5 * time.Second, MaxBackoff: 5 * time.Minute,
		GiveUp: 3 * 24 * time.Hour, InFlight: 4}
}

// NewNotices makes the sender of notices for the organizers' side o (its
// Reply writes to the author's chat, its DefaultLang is the language of
// authors the bot knows none for). Set it as o.Notices and start Run.
func NewNotices(store *storage.Store, o *Organizing, log *slog.Logger, cfg NoticeConfig) *Notices {
	d := DefaultNoticeConfig()
	cfg.Lease = positive(cfg.Lease, d.Lease)
	cfg.Poll = positive(cfg.Poll, d.Poll)
	cfg.Backoff = positive(cfg.Backoff, d.Backoff)
	cfg.MaxBackoff = positive(cfg.MaxBackoff, d.MaxBackoff)
	cfg.GiveUp = positive(cfg.GiveUp, d.GiveUp)
	cfg.InFlight = positive(cfg.InFlight, d.InFlight)
	hard, crash := context.WithCancel(context.Background())
	return &Notices{store: store, org: o, log: log, cfg: cfg, hard: hard, crash: crash, wake: make(chan struct{}, 1)}
}

func positive[T int | time.Duration](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}

// Told is what became of a notice sent at once (Tell), for the organizer.
type Told struct {
	// Outcome is one of storage's final outcomes (NoticeSent, ...), or
	// NoticeRetry: the notice waits in the outbox and will be sent later.
	Outcome string
	Lang    string // the language it was written in, when sent
}

// Tell sends the notice id the caller has just recorded, unless another
// sender has it already.
func (n *Notices) Tell(ctx context.Context, id string) Told {
	notice, ok, err := n.store.ClaimNotice(ctx, id, n.cfg.Lease)
	if err != nil {
		n.log.Warn("notice: cannot claim it, left to the senders", "notice", id, "err", err)
		return Told{Outcome: storage.NoticeRetry}
	}
	if !ok {
		return Told{Outcome: storage.NoticeRetry} // another sender has it
	}
	return n.send(ctx, notice)
}

// Wake makes an idle Run look at the outbox now.
func (n *Notices) Wake() {
	select {
	case n.wake <- struct{}{}:
	default:
	}
}

// Crash stops every send at once, as a kill -9 would, and nothing more is
// written to Redis, not even what became of the sends. For tests of
// recovery.
func (n *Notices) Crash() { n.crash() }

func (n *Notices) crashed() bool { return n.hard.Err() != nil }

// stopGrace is how long the sends under way may go on after Run is told to
// stop, before they are cut off and their notices left for later.
const stopGrace = 5 * time.Second

// Run sends the notices of the outbox until ctx ends; the sends under way
// then get stopGrace to finish. After Crash it returns at once.
func (n *Notices) Run(ctx context.Context) error {
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	context.AfterFunc(n.hard, stop)
	// Sends outlive runCtx by stopGrace, and end with a crash at once.
	sendCtx, cutSends := context.WithCancel(n.hard)
	defer cutSends()
	context.AfterFunc(runCtx, func() {
		t := time.AfterFunc(stopGrace, cutSends)
		context.AfterFunc(sendCtx, func() { t.Stop() })
	})

	var wg sync.WaitGroup
	defer wg.Wait()
	slots := make(chan struct{}, n.cfg.InFlight)
	for runCtx.Err() == nil {
		free := n.cfg.InFlight - len(slots)
		var claimed []storage.Notice
		if free > 0 {
			var err error
			claimed, err = n.store.ClaimNotices(runCtx, free, n.cfg.Lease)
			if err != nil && runCtx.Err() == nil {
				n.log.Warn("notice: cannot claim notices, will retry", "err", err)
			}
		}
		for _, notice := range claimed {
			slots <- struct{}{}
			wg.Add(1)
			go func() {
				defer wg.Done()
				n.send(sendCtx, notice)
				<-slots
				n.Wake() // a slot is free
			}()
		}
		if len(claimed) == 0 || len(claimed) == free {
			n.sleep(runCtx, n.cfg.Poll)
		}
	}
	return nil
}

// sleep waits d, or less when ctx ends or Wake is called.
func (n *Notices) sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	case <-n.wake:
	}
}

// send delivers a claimed notice and records the outcome.
func (n *Notices) send(ctx context.Context, notice storage.Notice) Told {
	told, delay := n.deliver(ctx, notice)
	if n.crashed() {
		return Told{Outcome: storage.NoticeRetry} // dead: nothing reaches Redis
	}
	if told.Outcome == storage.NoticeRetry && time.Since(notice.Created) > n.cfg.GiveUp {
		told.Outcome = storage.NoticeExpired
	}
	n.record(notice, told.Outcome, delay)
	switch told.Outcome {
	case storage.NoticeSent:
	case storage.NoticeRetry:
		n.log.Info("notice: not sent yet, will retry", "notice", notice.ID, "number", notice.Number, "tries", notice.Tries, "wait", delay)
	default:
		n.log.Warn("notice: dropped", "notice", notice.ID, "number", notice.Number, "outcome", told.Outcome)
	}
	return told
}

// record writes an outcome, insisting for a while when Redis is away: the
// claim holds the notice meanwhile, and should the lease run out first
// another sender sends it again.
func (n *Notices) record(notice storage.Notice, outcome string, delay time.Duration) {
	ctx, cancel := context.WithTimeout(n.hard, n.cfg.Lease/2)
	defer cancel()
	for wait := 50 * time.Millisecond; ; wait = min(2*wait, 2*time.Second) {
		_, err := n.store.FinishNotice(ctx, notice, outcome, delay)
		if err == nil {
			return
		}
		if ctx.Err() != nil {
			n.log.Error("notice: outcome not recorded; it may be sent again", "notice", notice.ID, "outcome", outcome, "err", err)
			return
		}
		select {
		case <-ctx.Done():
		case <-time.After(wait):
		}
	}
}

// deliver sends a notice and says what became of it, with the wait before
// the next try when it is to be retried.
func (n *Notices) deliver(ctx context.Context, notice storage.Notice) (Told, time.Duration) {
	ctx, cancel := context.WithTimeout(ctx, n.cfg.Lease/2)
	defer cancel()
	stop := context.AfterFunc(n.hard, cancel)
	defer stop()
	backoff := min(n.cfg.Backoff<<min(max(notice.Tries-1, 0), 20), n.cfg.MaxBackoff)

	chat, err := n.store.NoticeAuthorChat(ctx, notice.Number)
	if err != nil {
		return Told{Outcome: storage.NoticeRetry}, backoff
	}
	if chat != notice.ChatID {
		// The author used /forgetme since: their chat is not to be written to.
		return Told{Outcome: storage.NoticeForgotten}, 0
	}
	p, err := n.store.Proposal(ctx, notice.Number)
	if errors.Is(err, storage.ErrProposalNotFound) {
		return Told{Outcome: storage.NoticeFailed}, 0
	}
	if err != nil {
		return Told{Outcome: storage.NoticeRetry}, backoff
	}
	lang := n.langOf(notice)
	t := locales.For(lang)
	kb := ui.Keys().Row(button(t.T("btn_org_notify_open"), actArg(VerbPropOpen, p.Number)))
	err = n.org.Reply(notice.ChatID).Send(ctx, noticeText(t, notice, p), kb)
	var tooMany *tg.TooManyRequestsError
	switch {
	case err == nil:
		return Told{Outcome: storage.NoticeSent, Lang: lang}, 0
	case errors.Is(err, tg.ErrorForbidden):
		return Told{Outcome: storage.NoticeBlocked}, 0
	case errors.Is(err, tg.ErrorBadRequest):
		n.log.Warn("notice: refused by the Bot API", "notice", notice.ID, "err", err)
		return Told{Outcome: storage.NoticeFailed}, 0
	case errors.As(err, &tooMany):
		return Told{Outcome: storage.NoticeRetry}, max(backoff, time.Duration(tooMany.RetryAfter)*time.Second)
	}
	// 5xx, a timeout, the network, or the send cut off at half the lease.
	return Told{Outcome: storage.NoticeRetry}, backoff
}

// langOf is the language to write to an author in: their chat's, else the
// proposal's (as the step that recorded the notice found them), else the
// default.
func (n *Notices) langOf(notice storage.Notice) string {
	if locales.IsSupported(notice.Lang) {
		return notice.Lang
	}
	if locales.IsSupported(n.org.DefaultLang) {
		return n.org.DefaultLang
	}
	return locales.Default
}

// noticeText is what the author is told, in t's language.
func noticeText(t *locales.Localizer, notice storage.Notice, p *proposal.Proposal) string {
	if notice.Kind == storage.NoticeAnswer {
		return t.T("org_notify_answer", "Number", p.Number, "Title", esc(p.Title)) + "\n\n" + esc(p.Answer)
	}
	return t.T("org_notify_status", "Number", p.Number, "Title", esc(p.Title), "Status", esc(t.T("prop_status_"+string(notice.Status))))
}
