package app_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/forumbot/forumbot/bot"
	"github.com/forumbot/forumbot/bot/app"
	"github.com/forumbot/forumbot/bot/fakeapi"
	"github.com/forumbot/forumbot/bot/webhook"
	"github.com/forumbot/forumbot/storage"
	"github.com/forumbot/forumbot/storage/redistest"
)

const (
	testPublicURL = "https://bot.example.kz/telegram"
	testSecret    = "wh-Secret_0123456789"
)

// balancer stands for the load balancer that terminates TLS in front of
// the replicas: the double posts to PUBLIC_URL, the balancer passes each
// request to the next replica's LISTEN_ADDR, round robin. With no replica
// up the request fails, as behind a balancer with no healthy backend, and
// the double retries it.
type balancer struct {
	mu    sync.Mutex
	addrs []string
	next  int
}

func (b *balancer) target(url string) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.addrs) == 0 {
		return "http://127.0.0.1:1/telegram"
	}
	b.next = (b.next + 1) % len(b.addrs)
	return "http://" + b.addrs[b.next] + strings.TrimPrefix(url, "https://bot.example.kz")
}

func (b *balancer) set(addrs ...string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.addrs = slices.Clone(addrs)
}

// webhookAPI is the Bot API double with webhook delivery through lb.
func webhookAPI(t *testing.T, lb *balancer) *fakeapi.Server {
	api := fakeapi.New(fakeapi.Options{Spec: fakeapi.SpecForTest(t), Token: testToken, BotUsername: testUsername,
		WebhookTarget: lb.target, WebhookRetry: 50 * time.Millisecond, MaxHistory: 5000})
	t.Cleanup(api.Close)
	return api
}

func webhookConfig(t testing.TB, api *fakeapi.Server, prefix string) bot.Config {
	cfg, err := bot.ConfigFromEnv(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	cfg.Token, cfg.APIURL = testToken, api.URL()
	cfg.RedisURL, cfg.RedisPrefix = "redis://"+redistest.Addr()+"/0", prefix
	cfg.Workers = 4
	cfg.ListenAddr = "127.0.0.1:0"
	cfg.Mode, cfg.PublicURL, cfg.WebhookSecret, cfg.WebhookMaxConnections = bot.ModeWebhook, testPublicURL, testSecret, 40
	return cfg
}

// hookReplica is one in-process bot in webhook mode.
type hookReplica struct {
	app  *app.App
	stop context.CancelFunc
	done chan error
}

func startHookReplica(t testing.TB, cfg bot.Config) *hookReplica {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if tt, ok := t.(*testing.T); ok {
		log = logger(tt)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	a, err := app.New(ctx, app.Options{Config: cfg, Log: log, Now: func() time.Time { return testNow },
		WebhookHeartbeat: time.Second})
	if err != nil {
		t.Fatalf("app.New: %v", err)
	}
	runCtx, stop := context.WithCancel(context.Background())
	r := &hookReplica{app: a, stop: stop, done: make(chan error, 1)}
	go func() { r.done <- a.Run(runCtx) }()
	t.Cleanup(func() {
		stop()
		select {
		case <-r.done:
		case <-time.After(30 * time.Second):
			t.Error("a replica did not stop within 30 s")
		}
	})
	return r
}

// webhookHarness is one webhook replica behind the balancer, with the
// harness's helpers for dialogs.
func webhookHarness(t *testing.T) (*harness, *balancer) {
	lb := &balancer{}
	api := webhookAPI(t, lb)
	cfg := webhookConfig(t, api, redistest.Prefix(t))
	h := &harness{t: t, api: api, cfg: cfg,
		store: storage.New(redistest.Client(t), storage.Options{Prefix: cfg.RedisPrefix})}
	t.Cleanup(func() {
		for _, v := range api.Violations() {
			t.Errorf("Bot API contract violated: %v", v)
		}
	})
	r := startHookReplica(t, cfg)
	lb.set(r.app.HTTPAddr())
	return h, lb
}

func TestWebhookModeAnswersAndRunsADialog(t *testing.T) {
	t.Parallel()
	h, lb := webhookHarness(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c, err := h.api.WaitCall(ctx, func(c fakeapi.Call) bool { return c.Method == "setWebhook" && c.Err == nil })
	if err != nil {
		t.Fatal(err)
	}
	if c.Str("url") != testPublicURL || c.Str("secret_token") != testSecret || c.Int("max_connections") != 40 ||
		fmt.Sprint(c.Params["allowed_updates"]) != "[message callback_query my_chat_member]" || c.Params["drop_pending_updates"] != nil {
		t.Fatalf("setWebhook params = %v", c.Params)
	}
	if n := len(h.api.CallsTo("getUpdates")) + len(h.api.CallsTo("deleteWebhook")); n != 0 {
		t.Fatalf("webhook mode polled or deleted the webhook (%d calls)", n)
	}

	u, w := user(71001, "en"), enWords
	h.say(u, "/start")
	if !slices.ContainsFunc(h.api.Chat(u.ID), func(m fakeapi.Message) bool { return strings.Contains(m.Plain, "civil forums bot") }) {
		t.Fatalf("/start not answered with the welcome: %v", h.api.Chat(u.ID))
	}
	h.consent(u, w)
	pv := h.toPreview(u, w, w.title, w.text)
	m := h.press(u, pv, w.send, "AF-2026-")
	if _, err := h.store.Proposal(ctx, numberRE.FindString(m.Plain)); err != nil {
		t.Fatalf("the proposal the user was told of: %v", err)
	}
	// The queue's depth is on /metrics: nothing left once all is handled.
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get("http://" + lb.addrs[0] + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if strings.Contains(string(body), "\nforumbot_webhook_pending_updates 0\n") &&
			strings.Contains(string(body), "\nforumbot_webhook_claimed_chats 0\n") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("/metrics without an empty webhook queue:\n%s", body)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// postHook sends body to the replica's webhook path as the balancer would.
func postHook(t *testing.T, addr, secret string, body string) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, "http://"+addr+"/telegram", bytes.NewReader([]byte(body)))
	if err != nil {
		t.Fatal(err)
	}
	if secret != "" {
		req.Header.Set(webhook.SecretHeader, secret)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestWebhookModeRefusesAWrongSecretAndQueuesOnce(t *testing.T) {
	t.Parallel()
	lb := &balancer{} // no replica behind it: the double's own delivery stays out of the way
	api := webhookAPI(t, lb)
	cfg := webhookConfig(t, api, redistest.Prefix(t))
	store := storage.New(redistest.Client(t), storage.Options{Prefix: cfg.RedisPrefix})
	r := startHookReplica(t, cfg)
	u := user(71101, "en")
	body := fmt.Sprintf(`{"update_id":900001,"message":{"message_id":1,"date":1,"chat":{"id":%d,"type":"private"},"from":{"id":%d,"is_bot":false,"first_name":"A"},"text":"/start"}}`, u.ID, u.ID)
	for _, s := range []string{"", "nope", testSecret + "0"} {
		if code := postHook(t, r.app.HTTPAddr(), s, body); code != http.StatusForbidden {
			t.Fatalf("secret %q: %d, want 403", s, code)
		}
	}
	d, err := store.WebhookQueue("probe").Depth(t.Context())
	if err != nil || d.Pending != 0 {
		t.Fatalf("after refused posts: %+v %v", d, err)
	}
	if got := api.Chat(u.ID); len(got) != 0 {
		t.Fatalf("a refused update was answered: %v", got)
	}
	// Telegram sends the same update twice (the first answer was lost):
	// it is handled once. The chat must exist in the double for the bot to
	// answer: the user writes once through the double, with no replica
	// behind the balancer yet.
	id := api.SendText(u, "/start")
	body = strings.Replace(body, "900001", fmt.Sprint(id), 1)
	for range 2 {
		if code := postHook(t, r.app.HTTPAddr(), testSecret, body); code != http.StatusOK {
			t.Fatalf("post with the secret: %d", code)
		}
	}
	deadline := time.Now().Add(20 * time.Second)
	for len(api.Chat(u.ID)) == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	// Handled: nothing queued, nothing held.
	for {
		d, err = store.WebhookQueue("probe").Depth(t.Context())
		if err == nil && d == (storage.WebhookDepth{}) || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if d != (storage.WebhookDepth{}) {
		t.Fatalf("queue after handling = %+v", d)
	}
	if got := len(api.CallsTo("sendMessage")); got != 1 {
		t.Fatalf("the update posted twice was answered %d times, want once", got)
	}
}

// TestWebreplicasKeepChatOrder: three replicas behind one URL, many
// users writing at once: every update answered exactly once, each chat's
// answers in the order its user wrote.
func TestWebhookReplicasKeepChatOrder(t *testing.T) {
	t.Parallel()
	lb := &balancer{}
	api := webhookAPI(t, lb)
	cfg := webhookConfig(t, api, redistest.Prefix(t))
	var addrs []string
	for range 3 {
		addrs = append(addrs, startHookReplica(t, cfg).app.HTTPAddr())
	}
	lb.set(addrs...)
	const users, perUser = 24, 8
	for i := range perUser {
		for u := range users {
			api.SendText(user(int64(72001+u), "en"), fmt.Sprintf("/search zq%dn%d", u, i))
		}
	}
	checkEchoes(t, api, 72001, users, perUser, 30*time.Second)
	for _, v := range api.Violations() {
		t.Errorf("Bot API contract violated: %v", v)
	}
}

// checkEchoes waits until every user's chat shows the answers to their
// searches "zq<u>n<i>", then checks each was answered exactly once, in
// order. It returns the users whose chat missed answers after the wait
// (nil when all came).
func checkEchoes(t *testing.T, api *fakeapi.Server, firstID int64, users, perUser int, wait time.Duration) {
	t.Helper()
	deadline := time.Now().Add(wait)
	for {
		missing := 0
		for u := range users {
			missing += perUser - len(echoes(api, firstID+int64(u), u))
		}
		if missing <= 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d searches not answered within %s", missing, wait)
		}
		time.Sleep(20 * time.Millisecond)
	}
	for u := range users {
		got := echoes(api, firstID+int64(u), u)
		want := make([]int, perUser)
		for i := range want {
			want[i] = i
		}
		if !slices.Equal(got, want) {
			t.Errorf("user %d: answers to searches %v, want %v once each, in order", u, got, want)
		}
	}
}

// echoes are the search numbers the bot's answers in a chat name, in the
// order the answers came.
func echoes(api *fakeapi.Server, chat int64, u int) []int {
	var out []int
	for _, m := range api.Chat(chat) {
		var uu, i int
		at := strings.Index(m.Plain, "zq")
		if at < 0 {
			continue
		}
		if _, err := fmt.Sscanf(m.Plain[at:], "zq%dn%d", &uu, &i); err == nil && uu == u {
			out = append(out, i)
		}
	}
	return out
}
