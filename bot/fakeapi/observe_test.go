package fakeapi

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

func TestWaitCall(t *testing.T) {
	srv := newStrict(t)
	b := newClient(t, srv)
	ctx := testCtx(t)
	srv.SendText(alice, "hi")
	send(t, b, ctx, alice.ID, "past")

	// a past call matches at once; pred may use the server (no lock held)
	c, err := srv.WaitCall(ctx, func(c Call) bool {
		return c.Method == "sendMessage" && len(srv.Chat(alice.ID)) == 1
	})
	if err != nil || c.Str("text") != "past" || c.Int("chat_id") != alice.ID || c.At.IsZero() {
		t.Fatalf("past call = %+v, %v", c, err)
	}
	// a future call
	go func() {
		time.Sleep(50 * time.Millisecond)
		send(t, b, context.Background(), alice.ID, "future")
	}()
	c, err = srv.WaitCall(ctx, func(c Call) bool { return c.Str("text") == "future" })
	if err != nil || c.Err != nil {
		t.Fatalf("future call = %+v, %v", c, err)
	}
	if got := srv.LastMessage(alice.ID); got.Text != "future" {
		t.Fatal("the call was visible before its effect")
	}
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if _, err := srv.WaitCall(short, func(c Call) bool { return false }); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("no match: %v", err)
	}
	go func() {
		time.Sleep(50 * time.Millisecond)
		srv.Close()
	}()
	if _, err := srv.WaitCall(ctx, func(c Call) bool { return false }); !errors.Is(err, ErrClosed) {
		t.Fatalf("after Close: %v", err)
	}
	if err := srv.WaitConfirmed(ctx, 1000); !errors.Is(err, ErrClosed) {
		t.Fatalf("WaitConfirmed after Close: %v", err)
	}
	// observations stay available after Close
	if n := len(srv.CallsTo("sendMessage")); n != 2 {
		t.Fatalf("%d calls after Close", n)
	}
}

func TestSubscribe(t *testing.T) {
	srv := newStrict(t)
	b := newClient(t, srv)
	ctx := testCtx(t)
	feed, cancel := srv.Subscribe()
	slow, cancelSlow := srv.Subscribe() // never read until the end: must not block the server
	srv.SendText(alice, "hi")
	for i := 0; i < 20; i++ {
		if err := send(t, b, ctx, alice.ID, fmt.Sprint("m", i)); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < 20; i++ {
		select {
		case c := <-feed:
			if c.Method != "sendMessage" || c.Str("text") != fmt.Sprint("m", i) {
				t.Fatalf("feed item %d = %s %v", i, c.Method, c.Params)
			}
		case <-time.After(3 * time.Second):
			t.Fatalf("feed stalled at %d", i)
		}
	}
	cancel()
	cancel() // idempotent
	if _, open := <-feed; open {
		t.Fatal("feed open after cancel")
	}
	if c := <-slow; c.Str("text") != "m0" {
		t.Fatalf("slow subscriber lost calls: %+v", c)
	}
	cancelSlow()
	srv.Close()
	late, lateCancel := srv.Subscribe()
	if _, open := <-late; open {
		t.Fatal("subscription after Close is open")
	}
	lateCancel()
}

func TestConcurrentChats(t *testing.T) {
	srv := newStrict(t)
	b := newClient(t, srv)
	ctx := testCtx(t)
	const users, perUser = 8, 25
	var wg sync.WaitGroup
	errs := make(chan error, users*perUser)
	for u := 0; u < users; u++ {
		user := User{ID: int64(5000 + u), FirstName: fmt.Sprint("U", u)}
		srv.SendText(user, "/start")
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < perUser; i++ {
				m, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: user.ID, Text: fmt.Sprint("n", i),
					ReplyMarkup: keyboard(models.InlineKeyboardButton{Text: "x", CallbackData: fmt.Sprint("cb", i)})})
				if err != nil {
					errs <- err
					return
				}
				if i%5 == 0 {
					srv.PressButton(user, m.ID, fmt.Sprint("cb", i))
					_ = srv.Chat(user.ID)
				}
			}
		}()
	}
	// a poller drains updates meanwhile
	pollCtx, stopPoll := context.WithCancel(ctx)
	polled := make(chan int)
	go func() {
		n, offset := 0, int64(0)
		for pollCtx.Err() == nil {
			ups, r := poll(t, srv, map[string]string{"offset": fmt.Sprint(offset), "timeout": "0"})
			if !r.OK {
				break
			}
			for _, u := range ups {
				offset = u.ID + 1
				n++
			}
			time.Sleep(time.Millisecond)
		}
		polled <- n
	}()
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond)
	stopPoll()
	if n := <-polled; n == 0 {
		t.Fatal("poller saw no updates")
	}
	for u := 0; u < users; u++ {
		chat := srv.Chat(int64(5000 + u))
		if len(chat) != perUser {
			t.Fatalf("user %d has %d messages", u, len(chat))
		}
		for i, m := range chat {
			if m.ID != i+2 || m.Text != fmt.Sprint("n", i) {
				t.Fatalf("user %d message %d = %+v", u, i, m)
			}
		}
	}
	if n := len(srv.CallsTo("sendMessage")); n != users*perUser {
		t.Fatalf("%d sendMessage calls", n)
	}
	wantNoViolations(t, srv)
}

func TestServersAreIndependent(t *testing.T) {
	a, b := newStrict(t), newStrict(t)
	if a.URL() == b.URL() {
		t.Fatal("same URL")
	}
	a.SendText(alice, "only on a")
	ca, cb := newClient(t, a), newClient(t, b)
	ctx := testCtx(t)
	if err := send(t, ca, ctx, alice.ID, "x"); err != nil {
		t.Fatal(err)
	}
	err := send(t, cb, ctx, alice.ID, "x")
	if !errors.Is(err, bot.ErrorBadRequest) || !strings.Contains(err.Error(), "chat not found") {
		t.Fatalf("b knows a's chat: %v", err)
	}
	a.Inject(Fault{Code: 500})
	if err := send(t, ca, ctx, alice.ID, "y"); err == nil {
		t.Fatal("fault not applied")
	}
	b.SendText(alice, "now on b")
	if err := send(t, cb, ctx, alice.ID, "y"); err != nil {
		t.Fatalf("a's fault leaked into b: %v", err)
	}
	if len(a.Violations()) != 0 || len(b.Violations()) != 1 {
		t.Fatalf("violations a=%v b=%v", a.Violations(), b.Violations())
	}
}

// The whole loop with the real bot: the user writes, presses a button, and
// sees the bot's edits; the bot answers the callback exactly once.
func TestEndToEndWithRealBot(t *testing.T) {
	srv := newStrict(t)
	menu := keyboard(models.InlineKeyboardButton{Text: "📅 Events", CallbackData: "events"}, models.InlineKeyboardButton{Text: "ℹ️ About", CallbackData: "about"})
	b, err := bot.New(testToken, bot.WithServerURL(srv.URL()), bot.WithDefaultHandler(func(ctx context.Context, b *bot.Bot, u *models.Update) {}))
	if err != nil {
		t.Fatal(err)
	}
	b.RegisterHandler(bot.HandlerTypeMessageText, "start", bot.MatchTypeCommandStartOnly, func(ctx context.Context, b *bot.Bot, u *models.Update) {
		b.SendMessage(ctx, &bot.SendMessageParams{ChatID: u.Message.Chat.ID, Text: "Hi <b>" + u.Message.From.FirstName + "</b>!", ParseMode: models.ParseModeHTML, ReplyMarkup: menu})
	})
	b.RegisterHandler(bot.HandlerTypeCallbackQueryData, "", bot.MatchTypePrefix, func(ctx context.Context, b *bot.Bot, u *models.Update) {
		cq := u.CallbackQuery
		b.AnswerCallbackQuery(ctx, &bot.AnswerCallbackQueryParams{CallbackQueryID: cq.ID})
		b.EditMessageText(ctx, &bot.EditMessageTextParams{ChatID: cq.Message.Message.Chat.ID, MessageID: cq.Message.Message.ID,
			Text: "You chose <i>" + cq.Data + "</i>", ParseMode: models.ParseModeHTML})
	})
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() { b.Start(ctx); close(stopped) }()
	defer func() { cancel(); <-stopped }()

	wctx := testCtx(t)
	srv.SendText(alice, "/start")
	if _, err := srv.WaitCall(wctx, func(c Call) bool { return c.Method == "sendMessage" }); err != nil {
		t.Fatal(err)
	}
	chat := srv.Chat(alice.ID)
	if len(chat) != 1 || chat[0].Plain != "Hi Alice!" || len(chat[0].Keyboard[0]) != 2 {
		t.Fatalf("after /start = %+v", chat)
	}
	srv.PressButton(alice, chat[0].ID, "events")
	if _, err := srv.WaitCall(wctx, func(c Call) bool { return c.Method == "editMessageText" }); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.WaitCall(wctx, func(c Call) bool { return c.Method == "answerCallbackQuery" }); err != nil {
		t.Fatal(err)
	}
	chat = srv.Chat(alice.ID)
	if len(chat) != 1 || chat[0].Plain != "You chose events" || !chat[0].Edited || chat[0].Keyboard != nil {
		t.Fatalf("after the press = %+v", chat)
	}
	if u := srv.UnansweredCallbacks(); len(u) != 0 {
		t.Fatalf("unanswered %v", u)
	}
	wantNoViolations(t, srv)
}

func TestMaxCalls(t *testing.T) {
	srv := New(Options{Spec: SpecForTest(t), Token: testToken, MaxCalls: 10})
	defer srv.Close()
	b := newClient(t, srv)
	ctx := testCtx(t)
	srv.SendText(alice, "hi")
	waited := make(chan Call, 1)
	go func() {
		c, _ := srv.WaitCall(ctx, func(c Call) bool { return c.Str("text") == "n45" })
		waited <- c
	}()
	for i := 0; i < 50; i++ {
		if err := send(t, b, ctx, alice.ID, fmt.Sprint("n", i)); err != nil {
			t.Fatal(err)
		}
	}
	calls := srv.Calls()
	if len(calls) < 10 || len(calls) >= 20 {
		t.Fatalf("kept %d calls", len(calls))
	}
	if last := calls[len(calls)-1]; last.Str("text") != "n49" {
		t.Fatalf("newest call = %v", last.Params)
	}
	if c := <-waited; c.Str("text") != "n45" {
		t.Fatalf("WaitCall across trimming = %+v", c)
	}
	if c, err := srv.WaitCall(ctx, func(c Call) bool { return c.Str("text") == "n48" }); err != nil || c.Str("text") != "n48" {
		t.Fatalf("WaitCall on kept calls = %+v, %v", c, err)
	}
	if n := len(srv.Chat(alice.ID)); n != 50 {
		t.Fatalf("chat keeps %d messages", n)
	}
}

func TestMaxHistoryBoundsChatsAndUpdates(t *testing.T) {
	srv := New(Options{Spec: SpecForTest(t), Token: testToken, MaxHistory: 3})
	defer srv.Close()
	u := User{ID: 77, FirstName: "A"}
	for i := 0; i < 10; i++ {
		srv.SendText(u, fmt.Sprintf("m%d", i))
	}
	b := newClient(t, srv)
	for i := 0; i < 10; i++ {
		if _, err := b.SendMessage(t.Context(), &bot.SendMessageParams{ChatID: u.ID, Text: fmt.Sprintf("r%d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	msgs := srv.Chat(u.ID)
	if len(msgs) > 3 || len(msgs) == 0 || msgs[len(msgs)-1].Text != "r9" {
		t.Fatalf("chat keeps %d messages, last %+v; want at most 3, the newest", len(msgs), msgs)
	}
	srv.mu.Lock()
	kept := len(srv.history)
	srv.mu.Unlock()
	if kept > 3 {
		t.Errorf("%d updates kept for Redeliver, want at most 3", kept)
	}
}
