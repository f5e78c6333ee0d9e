package bot_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	tg "github.com/go-telegram/bot"

	"github.com/forumbot/forumbot/bot"
	"github.com/forumbot/forumbot/bot/fakeapi"
	"github.com/forumbot/forumbot/storage"
	"github.com/forumbot/forumbot/storage/redistest"
)

func TestMain(m *testing.M) { redistest.Main(m) }

// handlerFunc adapts a function to bot.Handler.
type handlerFunc func(ctx context.Context, req *bot.Request) error

func (f handlerFunc) Handle(ctx context.Context, req *bot.Request) error { return f(ctx, req) }

// runPipeline runs a real polling pipeline with handler h against the strict
// double and the package's redis-server.
func runPipeline(t *testing.T, h bot.Handler) (*fakeapi.Server, *bytesLog) {
	t.Helper()
	api := fakeapi.New(fakeapi.Options{Spec: fakeapi.SpecForTest(t), Token: "1:t"})
	t.Cleanup(api.Close)
	store := storage.New(redistest.Client(t), storage.Options{Prefix: redistest.Prefix(t)})
	logs := &bytesLog{}
	log := slog.New(slog.NewTextHandler(logs, nil))
	loc, _ := time.LoadLocation("Asia/Almaty")
	p := &bot.Pipeline{
		Store: store, Handler: h, Catalogs: bot.NewCatalogs(store), Log: log,
		DefaultLang: "kk", BotUsername: "forumbot_test_bot", Location: loc, Now: time.Now, Timeout: 10 * time.Second,
	}
	workCtx, stopWork := context.WithCancel(context.Background())
	r := &bot.Runner{Dispatcher: bot.NewDispatcherFor(workCtx, p, 4, 16), Pipeline: p, Log: log, ShutdownTimeout: 5 * time.Second}
	opts := append(bot.PollingOptions(r, &http.Client{Timeout: 5 * time.Second}, time.Second),
		tg.WithServerURL(api.URL()), tg.WithSkipGetMe(), tg.WithErrorsHandler(func(error) {}))
	api2, err := tg.New("1:t", opts...)
	if err != nil {
		t.Fatal(err)
	}
	p.API = api2
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int)
	go func() { done <- r.Run(ctx, api2) }()
	t.Cleanup(func() {
		cancel()
		if left := <-done; left != 0 {
			t.Errorf("%d updates left at shutdown", left)
		}
		stopWork()
		for _, v := range api.Violations() {
			t.Errorf("Bot API contract violated: %v", v)
		}
	})
	return api, logs
}

// bytesLog collects log output for assertions.
type bytesLog struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *bytesLog) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *bytesLog) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func waitMessage(t *testing.T, api *fakeapi.Server, chat int64, want string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		for _, m := range api.Chat(chat) {
			if strings.Contains(m.Plain, want) {
				return
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("chat %d never showed %q; it has %+v", chat, want, api.Chat(chat))
}

func TestPanicIsRecoveredWithALocalizedApology(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	api, logs := runPipeline(t, handlerFunc(func(ctx context.Context, req *bot.Request) error {
		if calls.Add(1) == 1 {
			var m map[string]int
			m["boom"]++ // a nil map write: a real bug, not a staged panic() call
		}
		return req.Reply.Send(ctx, "ok "+req.Lang(), nil)
	}))
	u := fakeapi.User{ID: 11, FirstName: "A", LanguageCode: "ru"}
	api.SendText(u, "first")
	waitMessage(t, api, u.ID, "Извините, что-то пошло не так")
	api.SendText(u, "second")
	waitMessage(t, api, u.ID, "ok ru") // the process and the chat live on
	if l := logs.String(); !strings.Contains(l, "handler panicked") || !strings.Contains(l, "update_id=") {
		t.Errorf("the panic was not logged with its update: %s", l)
	}
	if strings.Contains(logs.String(), "first") {
		t.Error("the log holds the user's text")
	}
}

func TestLanguageFromTelegramOnFirstContact(t *testing.T) {
	t.Parallel()
	api, _ := runPipeline(t, handlerFunc(func(ctx context.Context, req *bot.Request) error {
		return req.Reply.Send(ctx, "lang="+req.Lang(), nil)
	}))
	for _, c := range []struct {
		id   int64
		code string
		want string
	}{{21, "ru-RU", "ru"}, {22, "en", "en"}, {23, "kk", "kk"}, {24, "de", "kk"}, {25, "", "kk"}} {
		api.SendText(fakeapi.User{ID: c.id, FirstName: "A", LanguageCode: c.code}, "hi")
		waitMessage(t, api, c.id, "lang="+c.want)
	}
}

func TestCallbackIsAlwaysAnswered(t *testing.T) {
	t.Parallel()
	api, _ := runPipeline(t, handlerFunc(func(ctx context.Context, req *bot.Request) error {
		if req.Update.CallbackQuery == nil {
			return req.Reply.Send(ctx, "menu", nil)
		}
		return nil // a handler that forgets the callback
	}))
	u := fakeapi.User{ID: 31, FirstName: "A"}
	api.SendText(u, "hi")
	waitMessage(t, api, u.ID, "menu")
	api.ForgeCallback(u, api.Chat(u.ID)[0].ID, "x")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := api.WaitCall(ctx, func(c fakeapi.Call) bool { return c.Method == "answerCallbackQuery" }); err != nil {
		t.Fatal("the button's spinner was never stopped")
	}
}
