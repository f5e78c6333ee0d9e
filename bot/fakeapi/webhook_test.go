package fakeapi

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

// hook is a webhook endpoint that records what it got and answers with
// what fail says.
type hook struct {
	mu       sync.Mutex
	got      []models.Update
	secrets  []string
	inflight map[int64]bool // by chat
	maxPar   int            // most requests in flight at once
	par      int
	fail     func(models.Update, int) int // status for the n-th attempt of an update; 0 = 200
	attempts map[int64]int
	hold     time.Duration
	errs     []string
}

func newHook(t *testing.T) (*hook, *httptest.Server) {
	h := &hook{inflight: map[int64]bool{}, attempts: map[int64]int{}}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return h, srv
}

func (h *hook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	var u models.Update
	if err := json.Unmarshal(body, &u); err != nil || r.Header.Get("Content-Type") != "application/json" {
		http.Error(w, "bad", http.StatusBadRequest)
		return
	}
	chat := u.Message.Chat.ID
	h.mu.Lock()
	if h.inflight[chat] {
		h.errs = append(h.errs, "two updates of one chat posted at once")
	}
	h.inflight[chat] = true
	h.par++
	h.maxPar = max(h.maxPar, h.par)
	h.attempts[u.ID]++
	n := h.attempts[u.ID]
	h.mu.Unlock()
	time.Sleep(h.hold)
	code := http.StatusOK
	if h.fail != nil {
		if c := h.fail(u, n); c != 0 {
			code = c
		}
	}
	h.mu.Lock()
	h.inflight[chat] = false
	h.par--
	if code == http.StatusOK {
		h.got = append(h.got, u)
		h.secrets = append(h.secrets, r.Header.Get("X-Telegram-Bot-Api-Secret-Token"))
	}
	h.mu.Unlock()
	w.WriteHeader(code)
}

func (h *hook) delivered() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.got)
}

func webhookServer(t *testing.T, target string) *Server {
	srv := New(Options{Spec: SpecForTest(t), Token: testToken, WebhookRetry: 20 * time.Millisecond,
		WebhookTarget: func(url string) string {
			if url != "https://bot.example.com/hook" {
				t.Errorf("delivery to %s", url)
			}
			return target
		}})
	t.Cleanup(srv.Close)
	return srv
}

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestWebhookDeliversInChatOrderWithinMaxConnections(t *testing.T) {
	t.Parallel()
	h, target := newHook(t)
	h.hold = 5 * time.Millisecond
	srv := webhookServer(t, target.URL)
	b := newClient(t, srv)
	ctx := testCtx(t)
	users := []User{{ID: 1, FirstName: "A"}, {ID: 2, FirstName: "B"}, {ID: 3, FirstName: "C"}, {ID: 4, FirstName: "D"}}
	const perUser = 10
	for i := range perUser {
		for _, u := range users {
			srv.SendText(u, strings.Repeat("x", i+1))
		}
	}
	if _, err := b.SetWebhook(ctx, &bot.SetWebhookParams{URL: "https://bot.example.com/hook", SecretToken: "s3cr3t-_",
		MaxConnections: 2, AllowedUpdates: []string{"message"}}); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "every update delivered", func() bool { return h.delivered() == perUser*len(users) })
	waitUntil(t, "the queue emptied", func() bool { return srv.PendingUpdates() == 0 })
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.errs) > 0 {
		t.Fatal(h.errs)
	}
	if h.maxPar > 2 || h.maxPar < 2 {
		t.Fatalf("at most %d requests in flight, want max_connections 2", h.maxPar)
	}
	byChat := map[int64][]int64{}
	for i, u := range h.got {
		byChat[u.Message.Chat.ID] = append(byChat[u.Message.Chat.ID], u.ID)
		if h.secrets[i] != "s3cr3t-_" {
			t.Fatalf("secret header %q", h.secrets[i])
		}
	}
	for chat, ids := range byChat {
		if len(ids) != perUser || !slices.IsSorted(ids) {
			t.Fatalf("chat %d got %v, want %d updates in order", chat, ids, perUser)
		}
	}
}

func TestWebhookRetriesUntil2xxAndReportsTheLastError(t *testing.T) {
	t.Parallel()
	h, target := newHook(t)
	var failing sync.Mutex
	down := true
	h.fail = func(u models.Update, n int) int {
		failing.Lock()
		defer failing.Unlock()
		if down {
			return http.StatusServiceUnavailable
		}
		return 0
	}
	srv := webhookServer(t, target.URL)
	b := newClient(t, srv)
	ctx := testCtx(t)
	first := srv.SendText(alice, "one")
	srv.SendText(alice, "two")
	if _, err := b.SetWebhook(ctx, &bot.SetWebhookParams{URL: "https://bot.example.com/hook"}); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "three attempts of the first update", func() bool {
		h.mu.Lock()
		defer h.mu.Unlock()
		return h.attempts[first] >= 3
	})
	info, err := b.GetWebhookInfo(ctx)
	if err != nil || info.PendingUpdateCount != 2 || info.LastErrorDate == 0 ||
		info.LastErrorMessage != "Wrong response from the webhook: 503 Service Unavailable" {
		t.Fatalf("webhook info while failing = %+v, %v", info, err)
	}
	h.mu.Lock()
	if h.attempts[first+1] != 0 {
		t.Fatal("the chat's second update was posted before the first was answered 200")
	}
	h.mu.Unlock()
	failing.Lock()
	down = false
	failing.Unlock()
	waitUntil(t, "both delivered", func() bool { return h.delivered() == 2 })
	waitUntil(t, "the queue emptied", func() bool { return srv.PendingUpdates() == 0 })
	if info, _ := b.GetWebhookInfo(ctx); info.PendingUpdateCount != 0 {
		t.Fatalf("pending after delivery = %d", info.PendingUpdateCount)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.got[0].ID != first || h.got[1].ID != first+1 {
		t.Fatalf("delivered %d %d, want %d then %d", h.got[0].ID, h.got[1].ID, first, first+1)
	}
}

func TestWebhookRetriesAnUnreachableTarget(t *testing.T) {
	t.Parallel()
	h, target := newHook(t)
	var mu sync.Mutex
	addr := "http://127.0.0.1:1/hook" // nothing listens there
	srv := New(Options{Spec: SpecForTest(t), Token: testToken, WebhookRetry: 20 * time.Millisecond,
		WebhookTarget: func(string) string { mu.Lock(); defer mu.Unlock(); return addr }})
	t.Cleanup(srv.Close)
	b := newClient(t, srv)
	ctx := testCtx(t)
	srv.SendText(alice, "hello")
	if _, err := b.SetWebhook(ctx, &bot.SetWebhookParams{URL: "https://bot.example.com/hook"}); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "a failed delivery reported", func() bool {
		info, err := b.GetWebhookInfo(ctx)
		return err == nil && strings.HasPrefix(info.LastErrorMessage, "Connection failed")
	})
	mu.Lock()
	addr = target.URL
	mu.Unlock()
	waitUntil(t, "delivery once the target answers", func() bool { return h.delivered() == 1 })
	wantNoViolations(t, srv)
}
