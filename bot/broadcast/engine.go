// Package broadcast is the delivery engine: it sends the broadcast jobs
// stored in Redis (storage.NewBroadcast) to their recipients, as fast as
// Telegram allows and exactly once per recipient, give or take the sends in
// flight when a process dies.
//
// A job's recipients are fixed when it starts (storage.FillBroadcast) and
// each has a state in Redis. Any number of engines, in any number of
// processes, share the jobs: each claims a few recipients at a time with
// their send slots (storage.ClaimRecipients), which keep every process
// together within the global rate, one message a second to a chat and 20 a
// minute to a group; sends them on at most InFlight (≤ 3) goroutines; and
// records each outcome in Redis as soon as Telegram answers
// (storage.FinishRecipient). A process that dies leaves its claimed
// recipients to the others once its heartbeat expires
// (storage.ReclaimRecipients): those it had not sent are sent once, and
// those whose send was in flight (at most InFlight) may be sent twice.
package broadcast

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/forumbot/forumbot/bot/metrics"
	"github.com/forumbot/forumbot/bot/ui"
	"github.com/forumbot/forumbot/storage"
)

// API is what the engine needs of the Bot API; *bot.Bot has it.
type API interface {
	CopyMessage(ctx context.Context, params *tg.CopyMessageParams) (*models.MessageID, error)
	SendMessage(ctx context.Context, params *tg.SendMessageParams) (*models.Message, error)
	EditMessageText(ctx context.Context, params *tg.EditMessageTextParams) (*models.Message, error)
}

// Reporter writes what an organizer sees of a job: the progress message
// (with its Pause, Resume and Cancel buttons), the final report and the
// notice of a pause on errors. handlers implements it, in the organizer's
// language. A nil Reporter shows nothing.
type Reporter interface {
	Progress(job *storage.BroadcastJob, eta time.Duration) (text string, kb *ui.Keyboard)
	Final(job *storage.BroadcastJob, errs map[string]int64) string
	Paused(job *storage.BroadcastJob) string
}

// MaxInFlight is the most sends one engine has under way at once: the most
// recipients a kill -9 can make receive a message twice, per process.
const MaxInFlight = 3

// Config tunes an engine.
type Config struct {
	// Rate is the most messages a second over every job and process
	// (BROADCAST_RATE): 25 leaves room for the bot's answers under
	// Telegram's 30; paid broadcasts allow up to 1000.
	Rate float64
	// InFlight is how many sends this engine has under way at once, 1 to
	// MaxInFlight.
	InFlight int
	// ErrorLimit identical permanent errors in a row pause a job
	// (BROADCAST_ERROR_LIMIT).
	ErrorLimit int
	// MaxAttempts is how many times a recipient is tried on transient
	// errors (5xx, network) before it counts as failed.
	MaxAttempts int
	// Backoff is the wait before the first retry; it doubles each attempt.
	Backoff time.Duration
	// ProgressEvery is the least time between two edits of a progress
	// message.
	ProgressEvery time.Duration
	// Heartbeat is how long this engine counts as alive without renewing
	// its heartbeat; it renews it every third of that. Another engine takes
	// back the recipients of a dead one after it.
	Heartbeat time.Duration
	// Poll is how often an idle engine looks for jobs.
	Poll time.Duration
	// Keep is how long a finished job's recipients stay in Redis.
	Keep time.Duration
	// DefaultLang is the language of recipients the bot knows none for.
	DefaultLang string
	// ChatGap, GroupWindow and GroupLimit are Telegram's limits for one
	// chat: a message a second, 20 a minute to a group.
	ChatGap     time.Duration
	GroupWindow time.Duration
	GroupLimit  int
	// SendTimeout bounds one Bot API call.
	SendTimeout time.Duration
}

// DefaultConfig is the production configuration.
func DefaultConfig() Config {
	return Config{
		Rate: 25, InFlight: MaxInFlight, ErrorLimit: 5, MaxAttempts: 5, Backoff: 2 * time.Second,
		ProgressEvery: 5 * time.Second, Heartbeat: 15 * time.Second, Poll: time.Second,
		Keep: 30 * 24 * time.Hour, DefaultLang: "kk",
		ChatGap: time.Second, GroupWindow: time.Minute, GroupLimit: 20, SendTimeout: 30 * time.Second,
	}
}

// normalized fills every unset (zero or negative) field from
// DefaultConfig and keeps InFlight within 1..MaxInFlight.
func (c Config) normalized() Config {
	d := DefaultConfig()
	c.Rate = positiveOr(c.Rate, d.Rate)
	if c.InFlight <= 0 || c.InFlight > MaxInFlight {
		c.InFlight = MaxInFlight
	}
	c.ErrorLimit = positiveOr(c.ErrorLimit, d.ErrorLimit)
	c.MaxAttempts = positiveOr(c.MaxAttempts, d.MaxAttempts)
	c.Backoff = positiveOr(c.Backoff, d.Backoff)
	c.ProgressEvery = positiveOr(c.ProgressEvery, d.ProgressEvery)
	c.Heartbeat = positiveOr(c.Heartbeat, d.Heartbeat)
	c.Poll = positiveOr(c.Poll, d.Poll)
	c.Keep = positiveOr(c.Keep, d.Keep)
	if c.DefaultLang == "" {
		c.DefaultLang = d.DefaultLang
	}
	c.ChatGap = positiveOr(c.ChatGap, d.ChatGap)
	c.GroupWindow = positiveOr(c.GroupWindow, d.GroupWindow)
	c.GroupLimit = positiveOr(c.GroupLimit, d.GroupLimit)
	c.SendTimeout = positiveOr(c.SendTimeout, d.SendTimeout)
	return c
}

// positiveOr is v when it is set (positive), else def.
func positiveOr[T int | float64 | time.Duration](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}

// horizon is how far ahead an engine claims send slots.
const horizon = 500 * time.Millisecond

// maxBatch bounds the recipients claimed at once.
const maxBatch = 64

// Engine sends broadcast jobs. Create it with New and start it with Run.
type Engine struct {
	store    *storage.Store
	api      API
	cfg      Config
	log      *slog.Logger
	now      func() time.Time
	reporter Reporter
	instance string
	interval time.Duration

	hard  context.Context // cancelled by Crash only
	crash context.CancelFunc

	wake       chan struct{}
	pauseUntil atomic.Int64 // µs: flood control holds every sender until then
	lastBeat   atomic.Int64 // µs: the last heartbeat Redis took

	mu     sync.Mutex
	jobs   map[int64]*storage.BroadcastJob // content of the jobs being sent
	states map[int64]string                // latest known state of each job

	sent atomic.Int64 // messages delivered by this engine, for benchmarks

	// Metrics counts the outcomes this engine records (nil: nothing is
	// counted). Set it before Run.
	Metrics *metrics.Metrics
}

// New makes an engine. now is the clock (time.Now in production); the
// rate limiting waits on real timers measured with it.
func New(store *storage.Store, api API, cfg Config, reporter Reporter, log *slog.Logger, now func() time.Time) *Engine {
	if now == nil {
		now = time.Now
	}
	cfg = cfg.normalized()
	var b [6]byte
	_, _ = rand.Read(b[:])
	hard, crash := context.WithCancel(context.Background())
	return &Engine{
		store: store, api: api, cfg: cfg, log: log, now: now, reporter: reporter,
		instance: hex.EncodeToString(b[:]),
		interval: time.Duration(float64(time.Second) / cfg.Rate),
		hard:     hard, crash: crash,
		wake: make(chan struct{}, 1),
		jobs: map[int64]*storage.BroadcastJob{}, states: map[int64]string{},
	}
}

// Instance is the engine's id in Redis (its heartbeat and claims).
func (e *Engine) Instance() string { return e.instance }

// Sent is how many messages this engine delivered.
func (e *Engine) Sent() int64 { return e.sent.Load() }

// Wake makes an idle engine look for jobs now (a job was just created).
func (e *Engine) Wake() {
	select {
	case e.wake <- struct{}{}:
	default:
	}
}

// Crash stops the engine at once, as a kill -9 would: sends under way are
// cut off and nothing more is written to Redis, not even what became of
// them. For tests of recovery.
func (e *Engine) Crash() { e.crash() }

func (e *Engine) crashed() bool { return e.hard.Err() != nil }

// item is one recipient handed to a sender.
type item struct {
	job *storage.BroadcastJob
	r   storage.Claimed
}

// Run sends jobs until ctx is cancelled, then lets the sends under way
// finish, gives back the recipients it claimed and did not send, and
// returns. After Crash it returns at once.
func (e *Engine) Run(ctx context.Context) error {
	// Redis may be away at the start: wait for it rather than give up.
	for {
		err := e.store.EngineHeartbeat(ctx, e.instance, e.cfg.Heartbeat)
		if err == nil {
			e.lastBeat.Store(e.now().UnixMicro())
			break
		}
		if ctx.Err() != nil || e.crashed() {
			return nil
		}
		e.log.Warn("broadcast: Redis unreachable, the engine waits", "err", err)
		e.sleep(ctx, e.cfg.Poll, false)
	}
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	go func() {
		select {
		case <-e.hard.Done():
			stop()
		case <-ctx.Done():
		}
	}()
	var bg sync.WaitGroup
	bg.Add(3)
	go func() { defer bg.Done(); e.heartbeat(ctx) }()
	go func() { defer bg.Done(); e.watch(ctx) }()
	go func() { defer bg.Done(); e.progressLoop(ctx) }()

	work := make(chan item)
	var senders sync.WaitGroup
	for i := 0; i < e.cfg.InFlight; i++ {
		senders.Add(1)
		go func() { defer senders.Done(); e.sender(work) }()
	}
	e.loop(ctx, work)
	close(work)
	senders.Wait()
	bg.Wait()
	if !e.crashed() {
		// Gone for good: the others may take back at once whatever is left.
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := e.store.EngineStopped(sctx, e.instance); err != nil {
			e.log.Warn("broadcast: cannot remove the heartbeat", "err", err)
		}
	}
	return nil
}

func (e *Engine) heartbeat(ctx context.Context) {
	t := time.NewTicker(e.cfg.Heartbeat / 3)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := e.store.EngineHeartbeat(ctx, e.instance, e.cfg.Heartbeat); err != nil {
				if ctx.Err() == nil {
					e.log.Warn("broadcast: heartbeat failed", "err", err)
				}
			} else {
				e.lastBeat.Store(e.now().UnixMicro())
			}
		}
	}
}

// watch keeps the known job states and the flood-control pause fresh, so
// a pause or a cancel by an organizer, or a 429 seen by another process,
// stops this one's sends within a poll.
func (e *Engine) watch(ctx context.Context) {
	every := min(e.cfg.Poll, 250*time.Millisecond)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if until, err := e.store.BroadcastPausedUntil(ctx); err == nil {
			e.holdUntil(until)
		}
		e.mu.Lock()
		ids := make([]int64, 0, len(e.jobs))
		for id := range e.jobs {
			ids = append(ids, id)
		}
		e.mu.Unlock()
		for _, id := range ids {
			j, err := e.store.Broadcast(ctx, id)
			switch {
			case errors.Is(err, storage.ErrNoBroadcast):
				e.setState(id, "gone")
			case err == nil:
				e.setState(id, j.State)
			}
		}
	}
}

func (e *Engine) holdUntil(t time.Time) {
	us := t.UnixMicro()
	for {
		cur := e.pauseUntil.Load()
		if us <= cur || e.pauseUntil.CompareAndSwap(cur, us) {
			return
		}
	}
}

func (e *Engine) heldUntil() time.Time {
	us := e.pauseUntil.Load()
	if us == 0 {
		return time.Time{}
	}
	return time.UnixMicro(us)
}

func (e *Engine) setState(id int64, state string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.states[id] = state
	if state == storage.BroadcastDone || state == storage.BroadcastCancelled || state == "gone" {
		delete(e.jobs, id)
	}
}

func (e *Engine) state(id int64) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.states[id]
}

// job returns a job's content, read once.
func (e *Engine) job(ctx context.Context, id int64) (*storage.BroadcastJob, error) {
	e.mu.Lock()
	j := e.jobs[id]
	e.mu.Unlock()
	if j != nil {
		return j, nil
	}
	return e.refresh(ctx, id)
}

// sleep waits d, or less when ctx ends or the engine is woken (wakeable).
func (e *Engine) sleep(ctx context.Context, d time.Duration, wakeable bool) {
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	var wake chan struct{}
	if wakeable {
		wake = e.wake
	}
	select {
	case <-ctx.Done():
	case <-t.C:
	case <-wake:
	}
}

// loop claims recipients and hands them to the senders at their slots.
func (e *Engine) loop(ctx context.Context, work chan<- item) {
	batch := max(1, min(maxBatch, int(e.cfg.Rate*horizon.Seconds())))
	lastReclaim := time.Time{}
	var last time.Time // the last hand-off
	next := 0          // round robin over the running jobs
	for ctx.Err() == nil {
		ids, err := e.store.ActiveBroadcasts(ctx)
		if err != nil {
			e.log.Warn("broadcast: cannot list jobs", "err", err)
			e.sleep(ctx, e.cfg.Poll, true)
			continue
		}
		now := e.now()
		if now.Sub(lastReclaim) >= e.cfg.Heartbeat/2 {
			lastReclaim = now
			for _, id := range ids {
				if n, err := e.store.ReclaimRecipients(ctx, id, now); err != nil {
					e.log.Warn("broadcast: reclaim failed", "job", id, "err", err)
				} else if n > 0 {
					e.log.Info("broadcast: took back recipients of a stopped process", "job", id, "recipients", n)
				}
			}
		}
		var running []*storage.BroadcastJob
		for _, id := range ids {
			j, err := e.job(ctx, id)
			if err != nil {
				continue
			}
			switch e.state(id) {
			case storage.BroadcastPreparing:
				e.prepare(ctx, j)
				j, err = e.refresh(ctx, id)
				if err != nil || j.State != storage.BroadcastRunning {
					continue
				}
				running = append(running, j)
			case storage.BroadcastRunning:
				running = append(running, j)
			}
		}
		if len(running) == 0 {
			e.sleep(ctx, e.cfg.Poll, true)
			continue
		}
		idle := true
		var wait time.Duration = e.cfg.Poll
		for k := 0; k < len(running) && ctx.Err() == nil; k++ {
			j := running[(next+k)%len(running)]
			if until := e.heldUntil(); until.After(e.now()) {
				wait = min(wait, until.Sub(e.now()))
				break
			}
			c, err := e.store.ClaimRecipients(ctx, j.ID, storage.ClaimParams{
				Now: e.now(), Max: batch, Interval: e.interval, Horizon: horizon, Instance: e.instance,
				ChatGap: e.cfg.ChatGap, GroupWindow: e.cfg.GroupWindow, GroupLimit: e.cfg.GroupLimit,
			})
			if err != nil {
				if ctx.Err() == nil {
					e.log.Warn("broadcast: claim failed", "job", j.ID, "err", err)
				}
				continue
			}
			switch {
			case len(c.Recipients) > 0:
				idle = false
				next = (next + k + 1) % len(running)
				last = e.dispatch(ctx, work, j, c.Recipients, last)
			case !c.PauseUntil.IsZero():
				e.holdUntil(c.PauseUntil)
				wait = min(wait, c.PauseUntil.Sub(e.now()))
			case c.Wait > 0:
				wait = min(wait, c.Wait)
			case c.State != "":
				e.setState(j.ID, c.State)
			default:
				// Nothing due now: recipients wait in the retry set.
				wait = min(wait, 50*time.Millisecond)
			}
			if !idle {
				break
			}
		}
		if idle {
			e.sleep(ctx, max(wait, time.Millisecond), true)
		}
	}
}

// refresh re-reads a job (after its state changed).
func (e *Engine) refresh(ctx context.Context, id int64) (*storage.BroadcastJob, error) {
	j, err := e.store.Broadcast(ctx, id)
	if err != nil {
		return nil, err
	}
	e.mu.Lock()
	e.jobs[id] = j
	e.states[id] = j.State
	e.mu.Unlock()
	return j, nil
}

// prepare fixes a job's recipients, unless another process is at it.
func (e *Engine) prepare(ctx context.Context, j *storage.BroadcastJob) {
	ok, err := e.store.BroadcastLock(ctx, j.ID, "fill", e.instance, 30*time.Second)
	if err != nil || !ok {
		return
	}
	cursor := "0"
	added := 0
	for ctx.Err() == nil {
		next, n, stopped, err := e.store.FillBroadcast(ctx, j.ID, j.Audience, cursor, 500, e.cfg.DefaultLang)
		if err != nil {
			e.log.Warn("broadcast: fixing recipients failed", "job", j.ID, "err", err)
			return
		}
		if stopped {
			return
		}
		added += n
		if cursor = next; cursor == "0" {
			break
		}
	}
	if ctx.Err() != nil {
		return
	}
	state, total, err := e.store.StartBroadcast(ctx, j.ID, e.now())
	if err != nil {
		e.log.Warn("broadcast: start failed", "job", j.ID, "err", err)
		return
	}
	e.log.Info("broadcast: recipients fixed", "job", j.ID, "total", total, "state", state)
	if state == storage.BroadcastDone {
		e.report(ctx, j.ID)
	}
}

// dispatch hands claimed recipients to the senders, each at its slot. What
// it cannot hand out (a stop, a pause, flood control) goes back to the
// queue. It returns the time of the last hand-off.
func (e *Engine) dispatch(ctx context.Context, work chan<- item, j *storage.BroadcastJob, rs []storage.Claimed, last time.Time) time.Time {
	sort.Slice(rs, func(a, b int) bool { return rs[a].Slot.Before(rs[b].Slot) })
	for i, r := range rs {
		at := r.Slot
		if next := last.Add(e.interval); next.After(at) {
			at = next
		}
		e.sleep(ctx, at.Sub(e.now()), false)
		held := e.heldUntil()
		st := e.state(j.ID)
		if ctx.Err() != nil || held.After(e.now()) || (st != "" && st != storage.BroadcastRunning) {
			e.release(j, rs[i:], held)
			return last
		}
		if e.now().Sub(time.UnixMicro(e.lastBeat.Load())) > e.cfg.Heartbeat/2 {
			// Redis has not heard from this process for a while: others may
			// take these recipients back and send them. Hand out no more.
			e.log.Warn("broadcast: heartbeat overdue, claimed recipients left to the others", "job", j.ID, "left", len(rs)-i)
			e.release(j, rs[i:], held)
			return last
		}
		select {
		case work <- item{job: j, r: r}:
			// The next send keeps its distance from this one: from its
			// planned time under the usual jitter (so the rate does not drift
			// below the limit), from the real one after a stall (so sends
			// held up do not go out in a burst).
			last = at
			if now := e.now(); now.Sub(at) > e.interval/4 {
				last = now
			}
		case <-ctx.Done():
			e.release(j, rs[i:], held)
			return last
		}
	}
	return last
}

// release gives back recipients claimed and not sent.
func (e *Engine) release(j *storage.BroadcastJob, rs []storage.Claimed, notBefore time.Time) {
	if e.crashed() {
		return
	}
	if notBefore.IsZero() || notBefore.Before(e.now()) {
		notBefore = e.now()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, r := range rs {
		if _, err := e.store.FinishRecipient(ctx, j.ID, r.Entry, storage.Outcome{Kind: storage.OutcomeRelease, NotBefore: notBefore}, e.doneParams()); err != nil {
			e.log.Warn("broadcast: cannot give back a recipient", "job", j.ID, "err", err)
		}
	}
}

func (e *Engine) doneParams() storage.DoneParams {
	return storage.DoneParams{Instance: e.instance, ErrorLimit: e.cfg.ErrorLimit, MaxAttempts: e.cfg.MaxAttempts, Now: e.now(), Keep: e.cfg.Keep}
}

// sender sends what it is handed and records each outcome.
func (e *Engine) sender(work <-chan item) {
	for it := range work {
		out := e.deliver(it)
		if e.crashed() {
			continue // dead: nothing more reaches Redis
		}
		e.record(it, out)
	}
}

// pick chooses the version of a job for a recipient's language: its own,
// else the one for every language, else Kazakh, Russian, English.
func pick[V any](m map[string]V, lang string) (V, bool) {
	for _, l := range []string{lang, storage.AnyLang, "kk", "ru", "en"} {
		if v, ok := m[l]; ok {
			return v, true
		}
	}
	var zero V
	return zero, false
}

var noPreview = &models.LinkPreviewOptions{IsDisabled: tg.True()}

// deliver makes one Bot API call and says what became of the recipient.
func (e *Engine) deliver(it item) storage.Outcome {
	ctx, cancel := context.WithTimeout(e.hard, e.cfg.SendTimeout)
	defer cancel()
	var err error
	switch it.job.Kind {
	case storage.KindCopy:
		ref, ok := pick(it.job.Copies, it.r.Lang)
		if !ok {
			return storage.Outcome{Kind: storage.OutcomeFailed, Detail: "no message to send"}
		}
		_, err = e.api.CopyMessage(ctx, &tg.CopyMessageParams{ChatID: it.r.ChatID, FromChatID: ref.ChatID, MessageID: ref.MessageID})
	default:
		text, ok := pick(it.job.Texts, it.r.Lang)
		if !ok {
			return storage.Outcome{Kind: storage.OutcomeFailed, Detail: "no text to send"}
		}
		_, err = e.api.SendMessage(ctx, &tg.SendMessageParams{ChatID: it.r.ChatID, Text: text, ParseMode: models.ParseModeHTML, LinkPreviewOptions: noPreview})
	}
	return e.classify(it, err)
}

// classify turns a Bot API answer into an outcome.
func (e *Engine) classify(it item, err error) storage.Outcome {
	if err == nil {
		e.sent.Add(1)
		return storage.Outcome{Kind: storage.OutcomeSent}
	}
	var tooMany *tg.TooManyRequestsError
	var migrate *tg.MigrateError
	switch {
	case errors.As(err, &tooMany):
		wait := time.Duration(max(tooMany.RetryAfter, 1)) * time.Second
		until := e.now().Add(wait)
		e.holdUntil(until)
		e.log.Warn("broadcast: flood control, every sender pauses", "retry_after", tooMany.RetryAfter)
		return storage.Outcome{Kind: storage.OutcomeLimited, NotBefore: until}
	case errors.As(err, &migrate):
		return storage.Outcome{Kind: storage.OutcomeMigrate, Detail: strconv.FormatInt(int64(migrate.MigrateToChatID), 10)}
	case errors.Is(err, tg.ErrorForbidden):
		return storage.Outcome{Kind: storage.OutcomeBlocked}
	case errors.Is(err, tg.ErrorBadRequest):
		return storage.Outcome{Kind: storage.OutcomeFailed, Detail: description(err)}
	}
	if e.crashed() {
		return storage.Outcome{Kind: storage.OutcomeRelease}
	}
	backoff := e.cfg.Backoff << min(it.r.Attempts, 6)
	e.log.Warn("broadcast: send failed, will retry", "job", it.job.ID, "attempt", it.r.Attempts+1, "wait", backoff, "err", err)
	return storage.Outcome{Kind: storage.OutcomeRetry, Detail: "network or server error", NotBefore: e.now().Add(backoff)}
}

// description is the Bot API's error text without go-telegram/bot's
// prefix: "Bad Request: can't parse entities: ...".
func description(err error) string {
	s := err.Error()
	if _, rest, ok := strings.Cut(s, "bad request, "); ok {
		s = rest
	}
	if len(s) > 200 {
		s = s[:200]
	}
	return s
}

// maxRecordWait bounds how long a sender insists on recording an outcome
// while Redis is away. Past it the recipient stays in flight under this
// process, and another takes it back when this one is gone: a delivered
// message may then go out twice, like a send cut off by a crash.
const maxRecordWait = time.Minute

// record writes an outcome to Redis, insisting while Redis is away: a
// recipient left in flight would wait for this process to die.
func (e *Engine) record(it item, out storage.Outcome) {
	ctx := e.hard
	switch out.Kind {
	case storage.OutcomeBlocked:
		if _, err := e.store.SetSubscriberActive(ctx, it.r.ChatID, false, e.now()); err != nil {
			e.log.Warn("broadcast: cannot mark a subscriber inactive", "err", err)
		}
	case storage.OutcomeMigrate:
		newID, _ := strconv.ParseInt(out.Detail, 10, 64)
		if _, err := e.store.MigrateSubscriber(ctx, it.r.ChatID, newID); err != nil {
			e.log.Warn("broadcast: cannot move a migrated group's subscription", "err", err)
		}
	}
	var p storage.Progress
	var err error
	give := time.Now().Add(maxRecordWait)
	for wait := 50 * time.Millisecond; ; wait = min(2*wait, 5*time.Second) {
		p, err = e.store.FinishRecipient(ctx, it.job.ID, it.r.Entry, out, e.doneParams())
		if err == nil || e.crashed() || time.Now().After(give) {
			break
		}
		e.log.Warn("broadcast: cannot record an outcome, retrying", "job", it.job.ID, "err", err)
		e.sleep(ctx, wait, false)
	}
	if err != nil {
		e.log.Error("broadcast: an outcome could not be recorded", "job", it.job.ID, "outcome", out.Kind, "err", err)
		return
	}
	if out.Kind != storage.OutcomeRelease {
		e.Metrics.Broadcast(out.Kind)
	}
	e.setState(it.job.ID, p.State)
	switch p.Result {
	case "paused":
		e.log.Warn("broadcast: paused on repeated errors", "job", it.job.ID)
		e.notifyPaused(ctx, it.job.ID)
	case "finished":
		e.report(ctx, it.job.ID)
	}
}

func (e *Engine) notifyPaused(ctx context.Context, id int64) {
	if e.reporter == nil {
		return
	}
	j, err := e.store.Broadcast(ctx, id)
	if err != nil || !j.Notify || j.OwnerChat == 0 {
		return
	}
	e.showProgress(ctx, j)
	e.notify(ctx, j.OwnerChat, e.reporter.Paused(j))
}

// report shows a finished job's final state and sends its report.
func (e *Engine) report(ctx context.Context, id int64) {
	e.setState(id, storage.BroadcastDone)
	if e.reporter == nil {
		return
	}
	j, err := e.store.Broadcast(ctx, id)
	if err != nil || !j.Notify || j.OwnerChat == 0 {
		return
	}
	errs, _ := e.store.BroadcastErrors(ctx, id)
	e.showProgress(ctx, j)
	e.notify(ctx, j.OwnerChat, e.reporter.Final(j, errs))
}

func (e *Engine) notify(ctx context.Context, chatID int64, text string) {
	if text == "" {
		return
	}
	if _, err := e.api.SendMessage(ctx, &tg.SendMessageParams{ChatID: chatID, Text: text, ParseMode: models.ParseModeHTML, LinkPreviewOptions: noPreview}); err != nil {
		e.log.Warn("broadcast: cannot notify the organizer", "err", err)
	}
}

// progressLoop edits the progress messages of the active jobs, each at most
// every ProgressEvery, one process at a time.
func (e *Engine) progressLoop(ctx context.Context) {
	if e.reporter == nil {
		return
	}
	t := time.NewTicker(max(e.cfg.ProgressEvery/4, 100*time.Millisecond))
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		ids, err := e.store.ActiveBroadcasts(ctx)
		if err != nil {
			continue
		}
		for _, id := range ids {
			ok, err := e.store.BroadcastLock(ctx, id, "progress", e.instance, e.cfg.ProgressEvery)
			if err != nil || !ok {
				continue
			}
			j, err := e.store.Broadcast(ctx, id)
			if err != nil || !j.Notify || j.OwnerChat == 0 || j.State == storage.BroadcastPreparing {
				continue
			}
			e.showProgress(ctx, j)
		}
	}
}

// ETA estimates the time left: the remaining recipients at the rate the
// job has achieved, or at the configured rate while it has none yet.
func (e *Engine) ETA(j *storage.BroadcastJob) time.Duration {
	rate := e.cfg.Rate
	done := j.Sent + j.Blocked + j.Failed
	if el := e.now().Sub(j.Started); !j.Started.IsZero() && done > 0 && el > time.Second {
		rate = min(rate, float64(done)/el.Seconds())
	}
	return time.Duration(float64(j.Remaining) / rate * float64(time.Second))
}

// showProgress puts the job's progress on screen: a new message the first
// time, then edits of it.
func (e *Engine) showProgress(ctx context.Context, j *storage.BroadcastJob) {
	text, kb := e.reporter.Progress(j, e.ETA(j))
	if j.ProgressMsg == 0 {
		m, err := e.api.SendMessage(ctx, &tg.SendMessageParams{ChatID: j.OwnerChat, Text: text, ParseMode: models.ParseModeHTML, ReplyMarkup: kb.Markup(), LinkPreviewOptions: noPreview})
		if err != nil {
			e.log.Warn("broadcast: cannot send the progress message", "job", j.ID, "err", err)
			return
		}
		if err := e.store.SetBroadcastProgressMessage(ctx, j.ID, m.ID); err != nil {
			e.log.Warn("broadcast: cannot remember the progress message", "job", j.ID, "err", err)
		}
		return
	}
	_, err := e.api.EditMessageText(ctx, &tg.EditMessageTextParams{ChatID: j.OwnerChat, MessageID: j.ProgressMsg, Text: text,
		ParseMode: models.ParseModeHTML, ReplyMarkup: kb.Markup(), LinkPreviewOptions: noPreview})
	if err != nil && !strings.Contains(err.Error(), "message is not modified") {
		e.log.Warn("broadcast: cannot edit the progress message", "job", j.ID, "err", err)
	}
}
