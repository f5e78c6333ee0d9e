package broadcast

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
	"github.com/redis/go-redis/v9"

	"github.com/forumbot/forumbot/bot/fakeapi"
	"github.com/forumbot/forumbot/bot/ui"
	"github.com/forumbot/forumbot/storage"
	"github.com/forumbot/forumbot/storage/redistest"
)

func TestMain(m *testing.M) { redistest.Main(m) }

const testToken = "4242:engine-test"

// organizer is the chat the broadcast messages are copied from.
const organizer = int64(900001)

// env is one Redis prefix and one Bot API double shared by the engines of
// a test, as several bot processes share them in production.
type env struct {
	t      testing.TB
	api    *fakeapi.Server
	prefix string
	store  *storage.Store
	msg    storage.MessageRef
}

func newEnv(t testing.TB, strict bool) *env {
	t.Helper()
	opts := fakeapi.Options{Token: testToken}
	if strict {
		opts.Spec = fakeapi.SpecForTest(t)
	}
	api := fakeapi.New(opts)
	t.Cleanup(api.Close)
	e := &env{t: t, api: api, prefix: redistest.Prefix(t)}
	e.store = e.newStore()
	// The organizer writes the message to broadcast.
	api.SendMessage(fakeapi.User{ID: organizer, FirstName: "Org"}, models.Message{ID: 10, Text: "Форум ашылады!",
		Entities: []models.MessageEntity{{Type: models.MessageEntityTypeBold, Offset: 0, Length: 5}}})
	e.msg = storage.MessageRef{ChatID: organizer, MessageID: 10}
	return e
}

// newStore is a store on a client of its own, as another process has.
func (e *env) newStore() *storage.Store {
	rdb := redis.NewClient(&redis.Options{Addr: redistest.Addr(), PoolSize: 8})
	e.t.Cleanup(func() { _ = rdb.Close() })
	return storage.New(rdb, storage.Options{Prefix: e.prefix})
}

// subscribe makes n chats from base known to the double and subscribed to
// announcements.
func (e *env) subscribe(base int64, n int) {
	e.t.Helper()
	ctx := context.Background()
	chats := make([]models.Chat, 0, n)
	members := make([]any, 0, 1000)
	for i := 0; i < n; i++ {
		id := base + int64(i)
		chats = append(chats, models.Chat{ID: id})
		members = append(members, id)
		if len(members) == 1000 || i == n-1 {
			if err := e.store.Client().SAdd(ctx, e.prefix+"subscribers:news", members...).Err(); err != nil {
				e.t.Fatal(err)
			}
			members = members[:0]
		}
	}
	e.api.AddChats(chats...)
}

// client is a Bot API client with connections for the senders.
func (e *env) client() *tg.Bot {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 8
	e.t.Cleanup(tr.CloseIdleConnections)
	b, err := tg.New(testToken, tg.WithServerURL(e.api.URL()), tg.WithSkipGetMe(),
		tg.WithHTTPClient(time.Minute, &http.Client{Transport: tr}))
	if err != nil {
		e.t.Fatal(err)
	}
	return b
}

func quiet(t testing.TB) *slog.Logger {
	if testing.Verbose() {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// fastConfig is the production configuration with the rate set and the
// waits of a test shortened.
func fastConfig(rate float64) Config {
	c := DefaultConfig()
	c.Rate = rate
	c.Heartbeat = time.Second
	c.Poll = 50 * time.Millisecond
	c.Backoff = 50 * time.Millisecond
	c.ProgressEvery = 200 * time.Millisecond
	return c
}

// running is an engine started in the background.
type running struct {
	eng  *Engine
	stop context.CancelFunc
	done chan struct{}
}

func (e *env) start(cfg Config, rep Reporter) *running {
	eng := New(e.newStore(), e.client(), cfg, rep, quiet(e.t), nil)
	ctx, stop := context.WithCancel(context.Background())
	r := &running{eng: eng, stop: stop, done: make(chan struct{})}
	go func() {
		defer close(r.done)
		if err := eng.Run(ctx); err != nil {
			e.t.Errorf("engine: %v", err)
		}
	}()
	e.t.Cleanup(r.halt)
	return r
}

// halt stops the engine as SIGTERM would and waits for it.
func (r *running) halt() {
	r.stop()
	select {
	case <-r.done:
	case <-time.After(30 * time.Second):
		panic("engine did not stop")
	}
}

// crash stops it as kill -9 would.
func (r *running) crash() {
	r.eng.Crash()
	<-r.done
}

func (e *env) create(n storage.NewBroadcast) int64 {
	e.t.Helper()
	if n.Kind == "" {
		n.Kind = storage.KindCopy
		n.Copies = map[string]storage.MessageRef{storage.AnyLang: e.msg}
	}
	if n.Audience.Kind == "" {
		n.Audience = storage.Audience{Kind: storage.AudienceAll}
	}
	id, _, err := e.store.CreateBroadcast(context.Background(), n, time.Now())
	if err != nil {
		e.t.Fatal(err)
	}
	return id
}

// wait waits until job id is in state, or fails after d.
func (e *env) wait(id int64, state string, d time.Duration) *storage.BroadcastJob {
	e.t.Helper()
	deadline := time.Now().Add(d)
	for {
		j, err := e.store.Broadcast(context.Background(), id)
		if err != nil {
			e.t.Fatal(err)
		}
		if j.State == state {
			return j
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("job %d: state %s after %v (want %s): %+v", id, j.State, d, state, j)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// deliveries counts the successful sends of method to each chat.
func (e *env) deliveries(method string) map[int64]int {
	out := map[int64]int{}
	for _, c := range e.api.CallsTo(method) {
		if c.Err == nil {
			out[c.Int("chat_id")]++
		}
	}
	return out
}

// checkOnce checks that every chat of base..base+n got exactly one message,
// allowing up to doubles chats a second one, and returns how many got two.
func checkOnce(t testing.TB, got map[int64]int, base int64, n, doubles int) int {
	t.Helper()
	twice, missing := 0, 0
	for i := 0; i < n; i++ {
		switch c := got[base+int64(i)]; {
		case c == 0:
			missing++
		case c == 2:
			twice++
		case c > 2:
			t.Errorf("chat %d got %d copies", base+int64(i), c)
		}
	}
	if missing > 0 {
		t.Errorf("%d of %d recipients got nothing", missing, n)
	}
	if twice > doubles {
		t.Errorf("%d recipients got the message twice, at most %d may", twice, doubles)
	}
	return twice
}

// recorder is a Reporter that keeps what it was asked to show.
type recorder struct {
	mu       sync.Mutex
	progress int
	finals   []string
	paused   []string
}

func (r *recorder) Progress(j *storage.BroadcastJob, eta time.Duration) (string, *ui.Keyboard) {
	r.mu.Lock()
	r.progress++
	r.mu.Unlock()
	return fmt.Sprintf("#%d %s sent %d blocked %d failed %d left %d eta %v", j.ID, j.State, j.Sent, j.Blocked, j.Failed, j.Remaining, eta.Round(time.Second)),
		ui.Keys().Row(ui.Button("pause", "bcp:"+strconv.FormatInt(j.ID, 10)))
}

func (r *recorder) Final(j *storage.BroadcastJob, errs map[string]int64) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := fmt.Sprintf("report #%d: sent %d blocked %d failed %d %v", j.ID, j.Sent, j.Blocked, j.Failed, errs)
	r.finals = append(r.finals, s)
	return s
}

func (r *recorder) Paused(j *storage.BroadcastJob) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := fmt.Sprintf("paused #%d: %s", j.ID, j.ReasonDetail)
	r.paused = append(r.paused, s)
	return s
}

func (r *recorder) counts() (progress, finals, paused int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.progress, len(r.finals), len(r.paused)
}

// TestBroadcastWithinTelegramLimits: 2,000 recipients, every one reached
// exactly once, and not one 429 from a double that enforces Telegram's
// limits. The engine runs 20 times the default rate (500/s) against a
// double 20 times as lenient overall (600/s; one message a second per chat
// as Telegram), so the test takes seconds instead of 80; the same ratio of
// 25 to 30 at the real rates runs with -tags slowtests
// (TestBroadcastAtTheDefaultRate).
func TestBroadcastWithinTelegramLimits(t *testing.T) {
	t.Parallel()
	e := newEnv(t, true)
	const n, base = 2000, 100000
	e.subscribe(base, n)
	e.api.SetRateLimits(fakeapi.TelegramLimits().Scaled(20))
	rep := &recorder{}
	e.api.SendText(fakeapi.User{ID: 555, FirstName: "Owner"}, "/start")
	id := e.create(storage.NewBroadcast{Owner: 555, OwnerChat: 555, OwnerLang: "en", Notify: true})
	start := time.Now()
	e.start(fastConfig(500), rep)
	j := e.wait(id, storage.BroadcastDone, 60*time.Second)
	took := time.Since(start)
	if j.Total != n || j.Sent != n || j.Blocked != 0 || j.Failed != 0 {
		t.Fatalf("counters: %+v", j)
	}
	checkOnce(t, e.deliveries("copyMessage"), base, n, 0)
	if r := e.api.RateLimited(); r != 0 {
		t.Errorf("the double answered %d calls with 429", r)
	}
	if took < 3*time.Second {
		t.Errorf("2000 messages at 500/s took %v: the rate limit is not applied", took)
	}
	// The organizer got a progress message, edited, and a final report.
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, finals, _ := rep.counts(); finals == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no final report")
		}
		time.Sleep(10 * time.Millisecond)
	}
	msgs := e.api.Chat(555)
	if len(msgs) < 2 || !msgs[0].Edited || msgs[len(msgs)-1].Plain != rep.finals[0] {
		t.Fatalf("organizer's chat: %+v", msgs)
	}
	if v := e.api.Violations(); len(v) > 0 {
		t.Fatalf("violations: %v", v)
	}
	t.Logf("2000 recipients in %v", took)
}

// TestCrashLosesNobody: an engine dies (kill -9: nothing more reaches
// Redis, sends under way are cut off) in the middle of a 10,000-recipient
// broadcast (3,000 under the race detector); a new one on the same Redis
// finishes it. Nobody is left out, and at most MaxInFlight recipients get
// the message twice. (bot/app's TestKillNineChildProcess, -tags
// slowtests, does it to a real forumbot process.)
func TestCrashLosesNobody(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false)
	n, base := 10000, int64(200000)
	if raceOn {
		n = 3000
	}
	e.subscribe(base, n)
	id := e.create(storage.NewBroadcast{})
	first := e.start(fastConfig(1e5), nil)
	for {
		j, _ := e.store.Broadcast(context.Background(), id)
		if j.Sent >= int64(n/3) {
			break
		}
		time.Sleep(time.Millisecond)
	}
	first.crash()
	mid := e.deliveries("copyMessage")
	if len(mid) >= n {
		t.Fatalf("the broadcast ended before the crash (%d sent)", len(mid))
	}
	e.start(fastConfig(1e5), nil)
	j := e.wait(id, storage.BroadcastDone, 60*time.Second)
	twice := checkOnce(t, e.deliveries("copyMessage"), base, n, MaxInFlight)
	if j.Sent != int64(n-twice) && j.Sent != int64(n) {
		t.Errorf("sent %d of %d (%d twice)", j.Sent, n, twice)
	}
	t.Logf("crashed after %d of %d; %d recipients got it twice", len(mid), n, twice)
}

// TestTwoProcessesSendEachRecipientOnce: two engines on one Redis share a
// job: each recipient gets one message, and both did part of the work.
func TestTwoProcessesSendEachRecipientOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false)
	const n, base = 1500, 300000
	e.subscribe(base, n)
	a := e.start(fastConfig(3000), nil)
	b := e.start(fastConfig(3000), nil)
	id := e.create(storage.NewBroadcast{})
	a.eng.Wake()
	b.eng.Wake()
	e.wait(id, storage.BroadcastDone, 60*time.Second)
	checkOnce(t, e.deliveries("copyMessage"), base, n, 0)
	if a.eng.Sent() == 0 || b.eng.Sent() == 0 || a.eng.Sent()+b.eng.Sent() != n {
		t.Errorf("engines sent %d and %d of %d", a.eng.Sent(), b.eng.Sent(), n)
	}
}

// TestFloodControlPausesEverySender: a 429 with retry_after 1 holds every
// sender for a second; the recipient is sent again after it.
func TestFloodControlPausesEverySender(t *testing.T) {
	t.Parallel()
	e := newEnv(t, true)
	const n, base = 60, 400000
	e.subscribe(base, n)
	e.api.Inject(fakeapi.Fault{Method: "copyMessage", ChatID: base + 10, Code: 429, RetryAfter: 1, Times: 1})
	id := e.create(storage.NewBroadcast{})
	e.start(fastConfig(100), nil)
	e.start(fastConfig(100), nil)
	e.wait(id, storage.BroadcastDone, 30*time.Second)
	checkOnce(t, e.deliveries("copyMessage"), base, n, 0)
	var limitedAt time.Time
	var after []time.Time
	for _, c := range e.api.CallsTo("copyMessage") {
		if c.Err != nil && c.Err.Code == 429 {
			limitedAt = c.At
		} else if !limitedAt.IsZero() {
			after = append(after, c.At)
		}
	}
	if limitedAt.IsZero() || len(after) == 0 {
		t.Fatal("no 429 seen, or nothing after it")
	}
	// A send already handed out when the 429 came may still go (at most the
	// sends in flight of the two engines); the rest wait out retry_after.
	early := 0
	for _, at := range after {
		if at.Sub(limitedAt) < 900*time.Millisecond {
			early++
		}
	}
	if early > 2*MaxInFlight {
		t.Errorf("%d sends within the second after a 429", early)
	}
}

// TestOutcomes: 403 marks the subscriber inactive without retry; a group
// that migrated gets the message under its new id and keeps its
// subscription there; a 5xx is retried; identical 400s pause the job and
// tell the organizer, who resumes it.
func TestOutcomes(t *testing.T) {
	t.Parallel()
	e := newEnv(t, true)
	const base = 500000
	e.subscribe(base, 20)
	ctx := context.Background()
	group, super := int64(-4001), int64(-1004001)
	e.api.AddChats(models.Chat{ID: group, Type: models.ChatTypeGroup}, models.Chat{ID: super, Type: models.ChatTypeSupergroup})
	if _, err := e.store.SetSubscription(ctx, storage.Subscription{ChatID: group, Lang: "ru", Announcements: true, Group: true}, time.Now()); err != nil {
		t.Fatal(err)
	}
	e.api.Inject(fakeapi.Fault{Method: "copyMessage", ChatID: base + 1, Code: 403})
	e.api.Inject(fakeapi.Fault{Method: "copyMessage", ChatID: group, Code: 400, MigrateTo: super})
	e.api.Inject(fakeapi.Fault{Method: "copyMessage", ChatID: base + 2, Code: 502, Times: 2})
	for i := int64(10); i < 13; i++ {
		e.api.Inject(fakeapi.Fault{Method: "copyMessage", ChatID: base + i, Code: 400, Description: "Bad Request: can't parse entities"})
	}
	rep := &recorder{}
	e.api.SendText(fakeapi.User{ID: 556, FirstName: "Owner"}, "/start")
	cfg := fastConfig(200)
	cfg.ErrorLimit = 3
	cfg.InFlight = 1 // the three identical errors come in a row
	e.start(cfg, rep)
	id := e.create(storage.NewBroadcast{Owner: 556, OwnerChat: 556, Notify: true})
	j := e.wait(id, storage.BroadcastPaused, 30*time.Second)
	if j.Reason != "errors" || j.ReasonDetail != "Bad Request: can't parse entities" {
		t.Fatalf("paused for %q %q", j.Reason, j.ReasonDetail)
	}
	deadline := time.Now().Add(5 * time.Second)
	for _, _, p := rep.counts(); p == 0; _, _, p = rep.counts() {
		if time.Now().After(deadline) {
			t.Fatal("the organizer was not told of the pause")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if r, _, err := e.store.ControlBroadcast(ctx, id, storage.ActionResume, 556, time.Now()); err != nil || r != "ok" {
		t.Fatalf("resume: %s %v", r, err)
	}
	j = e.wait(id, storage.BroadcastDone, 30*time.Second)
	if j.Blocked != 1 || j.Failed != 3 || j.Sent != j.Total-4 {
		t.Fatalf("counters %+v", j)
	}
	got := e.deliveries("copyMessage")
	if got[super] != 1 || got[group] != 0 {
		t.Errorf("migrated group: old %d new %d", got[group], got[super])
	}
	if got[base+2] != 1 {
		t.Errorf("5xx recipient got %d", got[base+2])
	}
	if sub, _ := e.store.GetSubscription(ctx, base+1); sub.Active {
		t.Error("a user who blocked the bot is still active")
	}
	if sub, _ := e.store.GetSubscription(ctx, super); !sub.Announcements || sub.Lang != "ru" {
		t.Errorf("subscription not moved to the supergroup: %+v", sub)
	}
	blockedCalls := 0
	for _, c := range e.api.CallsTo("copyMessage") {
		if c.Int("chat_id") == base+1 {
			blockedCalls++
		}
	}
	if blockedCalls != 1 {
		t.Errorf("a blocked user was tried %d times", blockedCalls)
	}
	// A later broadcast skips the inactive user.
	e.api.ClearFaults()
	id2 := e.create(storage.NewBroadcast{})
	j2 := e.wait(id2, storage.BroadcastDone, 30*time.Second)
	if j2.Total != j.Total-1 {
		t.Errorf("second broadcast total %d, first %d", j2.Total, j.Total)
	}
}

// TestOrganizerPausesAndCancels: a paused job sends nothing more until
// resumed; a cancelled one never again.
func TestOrganizerPausesAndCancels(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false)
	const n, base = 400, 600000
	e.subscribe(base, n)
	ctx := context.Background()
	id := e.create(storage.NewBroadcast{})
	e.start(fastConfig(200), nil)
	for j, _ := e.store.Broadcast(ctx, id); j.Sent < 20; j, _ = e.store.Broadcast(ctx, id) {
		time.Sleep(5 * time.Millisecond)
	}
	if r, _, _ := e.store.ControlBroadcast(ctx, id, storage.ActionPause, 1, time.Now()); r != "ok" {
		t.Fatal("pause refused")
	}
	time.Sleep(500 * time.Millisecond) // sends already handed out finish
	before := len(e.api.CallsTo("copyMessage"))
	time.Sleep(500 * time.Millisecond)
	if after := len(e.api.CallsTo("copyMessage")); after != before {
		t.Fatalf("%d sends while paused", after-before)
	}
	e.store.ControlBroadcast(ctx, id, storage.ActionResume, 1, time.Now())
	for j, _ := e.store.Broadcast(ctx, id); j.Sent < 150; j, _ = e.store.Broadcast(ctx, id) {
		time.Sleep(5 * time.Millisecond)
	}
	if r, st, _ := e.store.ControlBroadcast(ctx, id, storage.ActionCancel, 1, time.Now()); r != "ok" || st != storage.BroadcastCancelled {
		t.Fatalf("cancel: %s %s", r, st)
	}
	time.Sleep(500 * time.Millisecond)
	sent := len(e.deliveries("copyMessage"))
	time.Sleep(300 * time.Millisecond)
	if again := len(e.deliveries("copyMessage")); again != sent || sent >= n {
		t.Fatalf("after cancel: %d then %d of %d", sent, again, n)
	}
	checkOnce(t, e.deliveries("copyMessage"), base, 0, 0)
}

// TestTextJobInEachLanguage: the bot's own texts go to each recipient in
// their language.
func TestTextJobInEachLanguage(t *testing.T) {
	t.Parallel()
	e := newEnv(t, true)
	ctx := context.Background()
	e.api.AddChats(models.Chat{ID: 71}, models.Chat{ID: 72}, models.Chat{ID: 73})
	for id, lang := range map[int64]string{71: "kk", 72: "ru", 73: "en"} {
		if _, err := e.store.SetSubscription(ctx, storage.Subscription{ChatID: id, Lang: lang, Awards: true}, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	id := e.create(storage.NewBroadcast{Kind: storage.KindText, Audience: storage.Audience{Kind: storage.AudienceAwards},
		Texts: map[string]string{"kk": "<b>Жеңімпаз</b>", "ru": "<b>Победитель</b>", "en": "<b>Winner</b>"}})
	e.start(fastConfig(100), nil)
	e.wait(id, storage.BroadcastDone, 30*time.Second)
	for id, want := range map[int64]string{71: "Жеңімпаз", 72: "Победитель", 73: "Winner"} {
		if m := e.api.LastMessage(id); m == nil || m.Plain != want {
			t.Errorf("chat %d: %+v", id, m)
		}
	}
}

// TestOverdueHeartbeatHandsOutNothing: a process whose heartbeat Redis has
// not taken for half its lifetime may be taken for dead, and its claimed
// recipients sent by another; it hands out none of them and gives them
// back.
func TestOverdueHeartbeatHandsOutNothing(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false)
	e.subscribe(800000, 5)
	ctx := context.Background()
	id := e.create(storage.NewBroadcast{})
	if _, _, _, err := e.store.FillBroadcast(ctx, id, storage.Audience{Kind: storage.AudienceAll}, "0", 100, "kk"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.store.StartBroadcast(ctx, id, time.Now()); err != nil {
		t.Fatal(err)
	}
	eng := New(e.store, e.client(), fastConfig(100), nil, quiet(t), nil)
	c, err := e.store.ClaimRecipients(ctx, id, storage.ClaimParams{Now: time.Now(), Max: 10, Interval: time.Millisecond,
		Horizon: time.Second, Instance: eng.Instance(), ChatGap: time.Second, GroupWindow: time.Minute, GroupLimit: 20})
	if err != nil || len(c.Recipients) != 5 {
		t.Fatalf("claim %+v %v", c, err)
	}
	j, _ := e.store.Broadcast(ctx, id)
	work := make(chan item)
	done := make(chan struct{})
	go func() {
		defer close(done)
		eng.dispatch(ctx, work, j, c.Recipients, time.Time{}) // lastBeat never set
	}()
	select {
	case it := <-work:
		t.Fatalf("handed out %s with the heartbeat overdue", it.r.Entry)
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("dispatch hung")
	}
	states, _ := e.store.BroadcastRecipients(ctx, id)
	for chat, st := range states {
		if st != "r0" {
			t.Errorf("chat %d left %q, want given back (r0)", chat, st)
		}
	}
}
