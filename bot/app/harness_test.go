package app_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/forumbot/forumbot/bot"
	"github.com/forumbot/forumbot/bot/app"
	"github.com/forumbot/forumbot/bot/fakeapi"
	"github.com/forumbot/forumbot/storage"
	"github.com/forumbot/forumbot/storage/redistest"
)

func TestMain(m *testing.M) { redistest.Main(m) }

const (
	testToken    = "4242:test-token"
	testUsername = "forumbot_test_bot"
)

// testNow is the bot's clock in these tests: 2026-11-21 noon in Almaty.
var testNow = time.Date(2026, 11, 21, 7, 0, 0, 0, time.UTC)

// harness is one bot, as in production, against the strict Bot API double
// and the package's real redis-server, under a key prefix of its own.
type harness struct {
	t     *testing.T
	api   *fakeapi.Server
	cfg   bot.Config
	store *storage.Store // a second handle, for looking into Redis

	cancel context.CancelFunc
	done   chan error
	app    *app.App

	// Set before start: the bot's logger (else logger(t)) and /readyz's
	// window (else the app's 2 minutes).
	log         *slog.Logger
	readyWindow time.Duration
}

func newHarness(t *testing.T, configure ...func(*bot.Config)) *harness {
	t.Helper()
	api := fakeapi.New(fakeapi.Options{Spec: fakeapi.SpecForTest(t), Token: testToken, BotUsername: testUsername})
	t.Cleanup(api.Close)
	cfg, err := bot.ConfigFromEnv(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	cfg.Token = testToken
	cfg.APIURL = api.URL()
	cfg.RedisURL = "redis://" + redistest.Addr() + "/0"
	cfg.RedisPrefix = redistest.Prefix(t)
	cfg.Workers = 8
	cfg.ListenAddr = "127.0.0.1:0" // probes and metrics on a free port
	for _, c := range configure {
		c(&cfg)
	}
	h := &harness{t: t, api: api, cfg: cfg}
	h.store = storage.New(redistest.Client(t), storage.Options{Prefix: cfg.RedisPrefix, SessionTTL: cfg.SessionTTL})
	t.Cleanup(func() {
		h.stop()
		for _, v := range api.Violations() {
			t.Errorf("Bot API contract violated: %v", v)
		}
	})
	return h
}

// logger writes the bot's log to the test log when -v, else nowhere.
func logger(t *testing.T) *slog.Logger {
	if testing.Verbose() {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// start runs the bot in the background.
func (h *harness) start() *harness {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	log := h.log
	if log == nil {
		log = logger(h.t)
	}
	a, err := app.New(ctx, app.Options{
		Config: h.cfg, Log: log, PollTimeout: 2 * time.Second,
		Now: func() time.Time { return testNow }, ReadyWindow: h.readyWindow,
	})
	if err != nil {
		h.t.Fatalf("app.New: %v", err)
	}
	h.app = a
	runCtx, stop := context.WithCancel(context.Background())
	h.cancel = stop
	h.done = make(chan error, 1)
	go func() { h.done <- a.Run(runCtx) }()
	return h
}

// stop stops the bot as SIGTERM would and returns what Run returned.
func (h *harness) stop() error {
	if h.cancel == nil {
		return nil
	}
	h.cancel()
	h.cancel = nil
	select {
	case err := <-h.done:
		return err
	case <-time.After(30 * time.Second):
		h.t.Fatal("the bot did not stop within 30 s")
		return nil
	}
}

func user(id int64, lang string) fakeapi.User {
	return fakeapi.User{ID: id, FirstName: "Айгерім", Username: "user" + lang, LanguageCode: lang}
}

// last is the newest bot message in the chat.
func (h *harness) last(chatID int64) (fakeapi.Message, bool) {
	msgs := h.api.Chat(chatID)
	if len(msgs) == 0 {
		return fakeapi.Message{}, false
	}
	return msgs[len(msgs)-1], true
}

// waitLast waits until the newest bot message in the chat (sent or edited)
// satisfies ok.
func (h *harness) waitLast(chatID int64, what string, ok func(fakeapi.Message) bool) fakeapi.Message {
	h.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if m, found := h.last(chatID); found && ok(m) {
			return m
		}
		time.Sleep(5 * time.Millisecond)
	}
	m, _ := h.last(chatID)
	h.t.Fatalf("chat %d: waited for %s; the last message is %q", chatID, what, m.Plain)
	return m
}

// mark remembers the chat's newest message, so a wait can tell a new
// answer from one already on screen.
type mark struct {
	id    int
	plain string
}

func (h *harness) mark(chatID int64) mark {
	m, _ := h.last(chatID)
	return mark{m.ID, m.Plain}
}

// waitText waits until the newest message shows all of parts.
func (h *harness) waitText(chatID int64, parts ...string) fakeapi.Message {
	h.t.Helper()
	return h.waitAfter(chatID, mark{id: -1}, parts...)
}

// waitAfter waits until the chat shows a message, new or edited since mk,
// with all of parts.
func (h *harness) waitAfter(chatID int64, mk mark, parts ...string) fakeapi.Message {
	h.t.Helper()
	return h.waitLast(chatID, strings.Join(parts, " & "), func(m fakeapi.Message) bool {
		if m.ID == mk.id && m.Plain == mk.plain {
			return false
		}
		for _, p := range parts {
			if !strings.Contains(m.Plain, p) {
				return false
			}
		}
		return true
	})
}

// say sends text and waits for an answer showing all of parts.
func (h *harness) say(u fakeapi.User, text string, parts ...string) fakeapi.Message {
	h.t.Helper()
	mk := h.mark(u.ID)
	h.api.SendText(u, text)
	return h.waitAfter(u.ID, mk, parts...)
}

// button finds the button labelled label, or else the first whose label
// contains it.
func button(t *testing.T, m fakeapi.Message, label string) fakeapi.Button {
	t.Helper()
	for _, row := range m.Keyboard {
		for _, b := range row {
			if b.Text == label {
				return b
			}
		}
	}
	for _, row := range m.Keyboard {
		for _, b := range row {
			if strings.Contains(b.Text, label) {
				return b
			}
		}
	}
	t.Fatalf("no button %q under %q; buttons: %v", label, m.Plain, m.Keyboard)
	return fakeapi.Button{}
}

// press presses the button labelled label on m and waits for an answer
// showing all of parts.
func (h *harness) press(u fakeapi.User, m fakeapi.Message, label string, parts ...string) fakeapi.Message {
	h.t.Helper()
	b := button(h.t, m, label)
	mk := h.mark(u.ID)
	h.api.PressButton(u, m.ID, b.CallbackData)
	return h.waitAfter(u.ID, mk, parts...)
}

// calls counts the calls of method to chatID.
func (h *harness) calls(method string, chatID int64) int {
	n := 0
	for _, c := range h.api.CallsTo(method) {
		if c.Int("chat_id") == chatID && c.Err == nil {
			n++
		}
	}
	return n
}
