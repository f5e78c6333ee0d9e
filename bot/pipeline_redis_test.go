package bot_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
	"github.com/redis/go-redis/v9"

	"github.com/forumbot/forumbot/bot"
	"github.com/forumbot/forumbot/bot/fakeapi"
	"github.com/forumbot/forumbot/storage"
	"github.com/forumbot/forumbot/storage/redistest"
)

// While Redis is down an update is held, not dropped nor apologized for:
// it is handled once Redis is back; a stop ends the wait without an
// answer, so the update, never confirmed, comes again to the next process.
func TestUpdateIsHeldWhileRedisIsDown(t *testing.T) {
	t.Parallel()
	rs := redistest.Start(t, false)
	rdb := redis.NewClient(&redis.Options{Addr: rs.Addr(), MaxRetries: -1})
	t.Cleanup(func() { _ = rdb.Close() })
	store := storage.New(rdb, storage.Options{Prefix: redistest.Prefix(t)})
	p, api, logs := newPipeline(t, store, handlerFunc(func(ctx context.Context, req *bot.Request) error {
		return req.Reply.Send(ctx, "handled", nil)
	}))
	u := fakeapi.User{ID: 21, FirstName: "A", LanguageCode: "en"}
	api.SendText(u, "hello") // the chat exists at the double
	update := func(id int64) *models.Update {
		return &models.Update{ID: id, Message: &models.Message{ID: int(id), Text: "hello",
			Chat: models.Chat{ID: u.ID, Type: models.ChatTypePrivate}, From: &models.User{ID: u.ID, FirstName: "A", LanguageCode: "en"}}}
	}
	waitLog := func(what string, n int) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for strings.Count(logs.String(), what) < n {
			if time.Now().After(deadline) {
				t.Fatalf("no %q in the log:\n%s", what, logs.String())
			}
			time.Sleep(10 * time.Millisecond)
		}
	}

	rs.Stop()
	done := make(chan struct{})
	go func() { p.Process(context.Background(), update(1)); close(done) }()
	waitLog("holding the update", 1)
	if n := len(api.CallsTo("sendMessage")); n != 0 {
		t.Fatalf("%d messages sent while Redis is down, want none (no apology: the update is held)", n)
	}
	rs.Restart()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("the held update was not handled within 20 s of Redis's restart")
	}
	if msgs := api.Chat(u.ID); len(msgs) != 1 || msgs[0].Plain != "handled" {
		t.Fatalf("after Redis came back the chat holds %+v, want the handler's one answer", msgs)
	}

	// A stop during the outage: no answer, the update left for redelivery.
	rs.Stop()
	ctx, stop := context.WithCancel(context.Background())
	done = make(chan struct{})
	go func() { p.Process(ctx, update(2)); close(done) }()
	waitLog("holding the update", 2)
	stop()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("a stop did not end the wait for Redis")
	}
	if n := len(api.Chat(u.ID)); n != 1 {
		t.Errorf("%d messages after a stop during the outage, want still 1", n)
	}
	waitLog("left for redelivery", 1)
	for _, v := range api.Violations() {
		t.Errorf("Bot API contract violated: %v", v)
	}
}

// newPipeline is a pipeline on store with handler, talking to a strict
// Bot API double; logs is what it logged.
func newPipeline(t *testing.T, store *storage.Store, handler bot.Handler) (p *bot.Pipeline, api *fakeapi.Server, logs *bytesLog) {
	t.Helper()
	api = fakeapi.New(fakeapi.Options{Spec: fakeapi.SpecForTest(t), Token: "1:t"})
	t.Cleanup(api.Close)
	client, err := tg.New("1:t", tg.WithServerURL(api.URL()), tg.WithSkipGetMe())
	if err != nil {
		t.Fatal(err)
	}
	logs = &bytesLog{}
	loc, _ := time.LoadLocation("Asia/Almaty")
	p = &bot.Pipeline{
		Store: store, API: client, Catalogs: bot.NewCatalogs(store), Log: slog.New(slog.NewTextHandler(logs, nil)),
		DefaultLang: "en", BotUsername: "forumbot_test_bot", Location: loc, Now: time.Now, Timeout: 10 * time.Second,
		Handler: handler,
	}
	return p, api, logs
}
