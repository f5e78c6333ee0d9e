package webhook

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"
	"github.com/redis/go-redis/v9"

	"github.com/forumbot/forumbot/storage"
	"github.com/forumbot/forumbot/storage/redistest"
)

func TestMain(m *testing.M) { redistest.Main(m) }

const secret = "s3cret_T0ken-x"

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func newStore(t *testing.T, rdb redis.UniversalClient) *storage.Store {
	return storage.New(rdb, storage.Options{Prefix: redistest.Prefix(t)})
}

func updateJSON(id, chat int64) []byte {
	return fmt.Appendf(nil, `{"update_id":%d,"message":{"message_id":%d,"date":1,"chat":{"id":%d,"type":"private"},"from":{"id":%d,"is_bot":false,"first_name":"U"},"text":"hi"}}`,
		id, id, chat, chat)
}

func post(t *testing.T, h http.Handler, header string, body []byte) int {
	t.Helper()
	r := httptest.NewRequest(http.MethodPost, "/telegram", bytes.NewReader(body))
	if header != "" {
		r.Header.Set(SecretHeader, header)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w.Code
}

func depthOf(t *testing.T, q *storage.WebhookQueue) storage.WebhookDepth {
	t.Helper()
	d, err := q.Depth(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func receiver(q *storage.WebhookQueue, ignored *int) *Receiver {
	return &Receiver{Secret: secret, Queue: q, Log: quiet,
		Ignore: func(context.Context, *models.Update) { *ignored++ }}
}

func TestReceiverRefusesRequestsWithoutTheSecret(t *testing.T) {
	t.Parallel()
	q := newStore(t, redistest.Client(t)).WebhookQueue("a")
	var ignored int
	rc := receiver(q, &ignored)
	for _, h := range []string{"", "wrong", secret + "x", secret[:len(secret)-1]} {
		if code := post(t, rc, h, updateJSON(1, 5)); code != http.StatusForbidden {
			t.Fatalf("secret %q: %d, want 403", h, code)
		}
	}
	if d := depthOf(t, q); d != (storage.WebhookDepth{}) {
		t.Fatalf("a refused request was queued: %+v", d)
	}
	if code := post(t, rc, secret, updateJSON(1, 5)); code != http.StatusOK {
		t.Fatalf("with the secret: %d", code)
	}
	if d := depthOf(t, q); d.Pending != 1 || d.Ready != 1 {
		t.Fatalf("depth = %+v, want the update queued", d)
	}
}

func TestReceiverRefusesWhatIsNotAnUpdate(t *testing.T) {
	t.Parallel()
	q := newStore(t, redistest.Client(t)).WebhookQueue("a")
	var ignored int
	rc := receiver(q, &ignored)
	for _, body := range []string{"", "not json", `{"message":{}}`, `{"update_id":"7"}`, `[1,2]`, `{"update_id":0}`} {
		if code := post(t, rc, secret, []byte(body)); code != http.StatusBadRequest {
			t.Fatalf("body %q: %d, want 400", body, code)
		}
	}
	big := append(updateJSON(1, 5)[:0:0], `{"update_id":1,"x":"`...)
	big = append(big, strings.Repeat("a", MaxBody)...)
	big = append(big, `"}`...)
	if code := post(t, rc, secret, big); code != http.StatusRequestEntityTooLarge {
		t.Fatalf("a body over 1 MiB: %d, want 413", code)
	}
	r := httptest.NewRequest(http.MethodGet, "/telegram", nil)
	r.Header.Set(SecretHeader, secret)
	w := httptest.NewRecorder()
	rc.ServeHTTP(w, r)
	if w.Code != http.StatusMethodNotAllowed {
		t.Fatalf("GET: %d, want 405", w.Code)
	}
	if d := depthOf(t, q); d != (storage.WebhookDepth{}) {
		t.Fatalf("a refused request was queued: %+v", d)
	}
	// An update of no chat is not queued: the pipeline handles none.
	if code := post(t, rc, secret, []byte(`{"update_id":9,"poll":{"id":"1"}}`)); code != http.StatusOK || ignored != 1 {
		t.Fatalf("update without a chat: %d, ignored %d", code, ignored)
	}
	if d := depthOf(t, q); d != (storage.WebhookDepth{}) {
		t.Fatalf("an update of no chat was queued: %+v", d)
	}
}

// 200 means the update is in Redis: with Redis down the answer is 503 (and
// Telegram sends it again); after a restart the same update is taken, once.
func TestReceiverAnswers200OnlyOnceQueued(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t, true)
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr(), MaxRetries: -1})
	t.Cleanup(func() { _ = rdb.Close() })
	q := newStore(t, rdb).WebhookQueue("a")
	var ignored int
	rc := receiver(q, &ignored)

	srv.Kill()
	if code := post(t, rc, secret, updateJSON(1, 5)); code != http.StatusServiceUnavailable {
		t.Fatalf("Redis down: %d, want 503", code)
	}
	srv.Restart()
	if code := post(t, rc, secret, updateJSON(1, 5)); code != http.StatusOK {
		t.Fatalf("Redis back: %d, want 200", code)
	}
	if code := post(t, rc, secret, updateJSON(1, 5)); code != http.StatusOK {
		t.Fatalf("sent again: %d, want 200", code)
	}
	// Acknowledged writes survive a crash of Redis itself (appendfsync
	// always, as the test server and docker-compose.yml run it).
	srv.Kill()
	srv.Restart()
	if d := depthOf(t, q); d.Pending != 1 || d.Ready != 1 {
		t.Fatalf("depth after a Redis crash = %+v, want the one update, once", d)
	}
	h := newHandled(t)
	r := &Consumer{Queue: q, Handle: h.handle, Workers: 1, Log: quiet, HeartbeatTTL: time.Second}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _, _ = r.Run(ctx, 5*time.Second) }()
	defer func() { cancel(); <-done }()
	waitFor(t, "the update handled", func() bool { return h.count() == 1 })
}

// handled records what the consumers did, and fails the test when two
// workers hold one chat at once.
type handled struct {
	t      *testing.T
	mu     sync.Mutex
	seen   map[int64][]int64 // chat -> update ids, in handling order
	active map[int64]bool
	total  int
	block  map[int64]chan struct{} // a chat whose handling waits
}

func newHandled(t *testing.T) *handled {
	return &handled{t: t, seen: map[int64][]int64{}, active: map[int64]bool{}, block: map[int64]chan struct{}{}}
}

func (h *handled) handle(ctx context.Context, upd *models.Update) {
	chat := upd.Message.Chat.ID
	h.mu.Lock()
	if h.active[chat] {
		h.t.Errorf("chat %d handled by two workers at once", chat)
	}
	h.active[chat] = true
	block := h.block[chat]
	h.mu.Unlock()
	if block != nil {
		select {
		case <-block:
		case <-ctx.Done():
		}
	}
	time.Sleep(time.Duration(rand.IntN(300)) * time.Microsecond)
	h.mu.Lock()
	h.active[chat] = false
	h.seen[chat] = append(h.seen[chat], upd.ID)
	h.total++
	h.mu.Unlock()
}

func (h *handled) count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.total
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

type replica struct {
	c    *Consumer
	stop context.CancelFunc
	done chan struct{} // closed when Run returned
	left int
}

func startReplica(t *testing.T, s *storage.Store, name string, h *handled, workers int) *replica {
	ctx, cancel := context.WithCancel(context.Background())
	r := &replica{c: &Consumer{Queue: s.WebhookQueue(name), Handle: h.handle, Workers: workers, Log: quiet,
		HeartbeatTTL: time.Second, Batch: 3}, stop: cancel, done: make(chan struct{})}
	go func() {
		defer close(r.done)
		var err error
		if r.left, err = r.c.Run(ctx, 10*time.Second); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}()
	t.Cleanup(func() { cancel(); <-r.done })
	return r
}

func TestReplicasKeepEachChatInOrderAndHandleEachUpdateOnce(t *testing.T) {
	t.Parallel()
	s := newStore(t, redistest.Client(t))
	h := newHandled(t)
	for i := range 3 {
		startReplica(t, s, fmt.Sprint("r", i), h, 4)
	}
	var ignored int
	rc := receiver(s.WebhookQueue("receiver"), &ignored)
	const chats, perChat = 30, 12
	id := int64(0)
	for range perChat {
		for c := int64(1); c <= chats; c++ {
			id++
			if code := post(t, rc, secret, updateJSON(id, c)); code != http.StatusOK {
				t.Fatalf("post: %d", code)
			}
			if id%7 == 0 { // Telegram sends some twice
				post(t, rc, secret, updateJSON(id, c))
			}
		}
	}
	waitFor(t, "every update handled", func() bool { return h.count() >= chats*perChat })
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.total != chats*perChat {
		t.Fatalf("handled %d updates, want %d", h.total, chats*perChat)
	}
	for c, ids := range h.seen {
		if len(ids) != perChat || !slices.IsSorted(ids) {
			t.Fatalf("chat %d handled %v: want %d updates, in order", c, ids, perChat)
		}
	}
	if d := depthOf(t, s.WebhookQueue("x")); d.Pending != 0 || d.Ready != 0 || d.Claimed != 0 {
		t.Fatalf("depth at the end = %+v", d)
	}
}

// A replica that crashed leaves its claimed chats behind with a heartbeat
// that expires: a live replica takes them over and handles their updates.
func TestCrashedReplicasChatsAreTakenOver(t *testing.T) {
	t.Parallel()
	s := newStore(t, redistest.Client(t))
	crashed := s.WebhookQueue("crashed")
	if err := crashed.Alive(t.Context(), 300*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	for c := int64(1); c <= 3; c++ {
		for i := int64(0); i < 2; i++ {
			if _, err := crashed.Enqueue(t.Context(), c*10+i, c, updateJSON(c*10+i, c)); err != nil {
				t.Fatal(err)
			}
		}
		if _, ok, err := crashed.Claim(t.Context(), time.Millisecond); !ok || err != nil {
			t.Fatalf("claim: %v %v", ok, err)
		}
	}
	h := newHandled(t)
	startReplica(t, s, "live", h, 2)
	waitFor(t, "the crashed replica's chats handled", func() bool { return h.count() == 6 })
	h.mu.Lock()
	for c := int64(1); c <= 3; c++ {
		if want := []int64{c * 10, c*10 + 1}; !slices.Equal(h.seen[c], want) {
			t.Errorf("chat %d: %v, want %v", c, h.seen[c], want)
		}
	}
	h.mu.Unlock()
}

// While a replica is alive, its chats stay its own, however long an update
// takes; on a stop it finishes the update in hand and gives the rest back.
func TestStopFinishesTheUpdateInHandAndGivesTheChatBack(t *testing.T) {
	t.Parallel()
	s := newStore(t, redistest.Client(t))
	h := newHandled(t)
	h.block[1] = make(chan struct{})
	release := h.block[1]
	a := startReplica(t, s, "a", h, 2)
	q := s.WebhookQueue("receiver")
	for i := int64(1); i <= 3; i++ {
		if _, err := q.Enqueue(t.Context(), i, 1, updateJSON(i, 1)); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "the chat claimed", func() bool { return a.c.Busy() == 1 })
	b := startReplica(t, s, "b", h, 2)
	// Three heartbeat TTLs: the live replica's chat is not taken over.
	time.Sleep(3 * time.Second)
	if b.c.Busy() != 0 || h.count() != 0 {
		t.Fatalf("a live replica's chat was taken over (b busy %d, handled %d)", b.c.Busy(), h.count())
	}
	b.stop()
	<-b.done
	a.stop() // synchronous: a sees it when the update in hand ends
	close(release)
	<-a.done
	if a.left != 0 {
		t.Fatalf("left = %d", a.left)
	}
	h.mu.Lock()
	got := slices.Clone(h.seen[1])
	h.mu.Unlock()
	if !slices.Equal(got, []int64{1}) {
		t.Fatalf("handled %v during the stop, want only the update in hand", got)
	}
	if d := depthOf(t, q); d != (storage.WebhookDepth{Ready: 1, Pending: 2}) {
		t.Fatalf("depth after the stop = %+v, want the chat ready with its 2 updates", d)
	}
	h.mu.Lock()
	h.block[1] = nil
	h.mu.Unlock()
	startReplica(t, s, "c", h, 1)
	waitFor(t, "the rest handled by the next replica", func() bool { return h.count() == 3 })
}

// A Redis client whose read timeout is shorter than the claim's wait
// (REDIS_URL's read_timeout): the consumer waits less and goes on.
func TestClaimWaitShrinksToTheClientsReadTimeout(t *testing.T) {
	t.Parallel()
	rdb := redis.NewClient(&redis.Options{Addr: redistest.Addr(), ReadTimeout: 300 * time.Millisecond})
	t.Cleanup(func() { _ = rdb.Close() })
	s := newStore(t, rdb)
	h := newHandled(t)
	c := &Consumer{Queue: s.WebhookQueue("a"), Handle: h.handle, Workers: 1, Log: quiet, HeartbeatTTL: 10 * time.Second}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _, _ = c.Run(ctx, 5*time.Second) }()
	defer func() { cancel(); <-done }()
	// Let the first BLMOVE of a second time out on an empty queue.
	waitFor(t, "a shorter wait", func() bool { return c.claimWait() < time.Second })
	if _, err := s.WebhookQueue("r").Enqueue(t.Context(), 1, 9, updateJSON(1, 9)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the update handled", func() bool { return h.count() == 1 })
}

// A chat in the claimed list that no worker serves (a BLMOVE whose answer
// was lost moved it all the same) goes back to the ready list; a chat a
// worker serves stays.
func TestOrphanedClaimIsGivenBack(t *testing.T) {
	t.Parallel()
	s := newStore(t, redistest.Client(t))
	q := s.WebhookQueue("a")
	for chat := int64(1); chat <= 2; chat++ {
		if _, err := q.Enqueue(t.Context(), chat, chat, updateJSON(chat, chat)); err != nil {
			t.Fatal(err)
		}
		if _, ok, err := q.Claim(t.Context(), 10*time.Millisecond); !ok || err != nil {
			t.Fatalf("claim: %v %v", ok, err)
		}
	}
	c := &Consumer{Queue: q, Log: quiet, serving: map[int64]bool{1: true}}
	c.releaseOrphans()
	held, err := q.Held(t.Context())
	if err != nil || !slices.Equal(held, []int64{1}) {
		t.Fatalf("held after the check = %v, %v; want the served chat only", held, err)
	}
	if d := depthOf(t, q); d.Ready != 1 {
		t.Fatalf("depth = %+v, want the orphan ready again", d)
	}
}
