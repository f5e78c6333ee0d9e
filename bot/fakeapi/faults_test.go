package fakeapi

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

func send(t *testing.T, b *bot.Bot, ctx context.Context, chatID int64, text string) error {
	t.Helper()
	_, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: chatID, Text: text})
	return err
}

func TestFaultTooManyRequests(t *testing.T) {
	srv := newStrict(t)
	b := newClient(t, srv)
	ctx := testCtx(t)
	srv.SendText(alice, "hi")
	srv.Inject(Fault{Method: "sendMessage", Code: 429, RetryAfter: 7, Times: 1})
	err := send(t, b, ctx, alice.ID, "flood")
	var tooMany *bot.TooManyRequestsError
	if !errors.As(err, &tooMany) || tooMany.RetryAfter != 7 || !strings.Contains(tooMany.Message, "Too Many Requests: retry after 7") {
		t.Fatalf("429: %#v", err)
	}
	if err := send(t, b, ctx, alice.ID, "again"); err != nil {
		t.Fatalf("Times: 1 fault applied twice: %v", err)
	}
	calls := srv.CallsTo("sendMessage")
	if e := calls[0].Err; e == nil || e.Code != 429 || e.RetryAfter != 7 {
		t.Fatalf("recorded Err = %+v", e)
	}
	wantNoViolations(t, srv) // injected faults are not bot bugs

	srv.Inject(Fault{Code: 429, RetryAfter: 3, Times: 1})
	r := postForm(t, srv, "sendMessage", map[string]string{"chat_id": "1001", "text": "raw"})
	if r.Status != 429 || r.ErrorCode != 429 || r.Parameters.RetryAfter != 3 || r.Description != "Too Many Requests: retry after 3" {
		t.Fatalf("raw 429 = %+v", r)
	}
}

func TestFaultForbiddenPerChat(t *testing.T) {
	srv := newStrict(t)
	b := newClient(t, srv)
	ctx := testCtx(t)
	bob := User{ID: 2002, FirstName: "Bob"}
	srv.SendText(alice, "hi")
	srv.SendText(bob, "hi")
	srv.Inject(Fault{ChatID: alice.ID, Code: http.StatusForbidden})
	for i := 0; i < 2; i++ {
		err := send(t, b, ctx, alice.ID, "x")
		if !errors.Is(err, bot.ErrorForbidden) || !strings.Contains(err.Error(), "Forbidden: bot was blocked by the user") {
			t.Fatalf("blocked chat, call %d: %v", i, err)
		}
	}
	if err := send(t, b, ctx, bob.ID, "x"); err != nil {
		t.Fatalf("other chat affected: %v", err)
	}
	srv.ClearFaults()
	if err := send(t, b, ctx, alice.ID, "x"); err != nil {
		t.Fatalf("after ClearFaults: %v", err)
	}
}

func TestFaultMigrate(t *testing.T) {
	srv := newStrict(t)
	b := newClient(t, srv)
	srv.SendText(alice, "hi")
	srv.Inject(Fault{Method: "sendmessage", Code: 400, MigrateTo: -1001234567890, Times: 1})
	err := send(t, b, testCtx(t), alice.ID, "x")
	var mig *bot.MigrateError
	if !errors.As(err, &mig) || mig.MigrateToChatID != -1001234567890 || !strings.Contains(mig.Message, "group chat was upgraded to a supergroup chat") {
		t.Fatalf("migrate: %#v", err)
	}
	wantNoViolations(t, srv)
}

func TestFaultServerErrors(t *testing.T) {
	srv := newStrict(t)
	b := newClient(t, srv)
	ctx := testCtx(t)
	srv.SendText(alice, "hi")
	for _, code := range []int{500, 502, 503} {
		srv.Inject(Fault{Code: code, Times: 1})
		err := send(t, b, ctx, alice.ID, "x")
		if err == nil || !strings.Contains(err.Error(), http.StatusText(code)) || errors.Is(err, bot.ErrorBadRequest) {
			t.Fatalf("%d: %v", code, err)
		}
	}
	srv.Inject(Fault{Code: 502, Description: "Bad Gateway: upstream down", Times: 1})
	r := postForm(t, srv, "sendMessage", map[string]string{"chat_id": "1001", "text": "x"})
	if r.Status != 502 || r.ErrorCode != 502 || r.Description != "Bad Gateway: upstream down" || r.OK {
		t.Fatalf("raw 502 = %+v", r)
	}
}

func TestFaultDelayHonoursCancel(t *testing.T) {
	srv := newStrict(t)
	b := newClient(t, srv)
	srv.SendText(alice, "hi")
	srv.Inject(Fault{Method: "sendMessage", Delay: 30 * time.Second})
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := send(t, b, ctx, alice.ID, "slow")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("slow answer: %v", err)
	}
	if el := time.Since(start); el > 2*time.Second {
		t.Fatalf("cancel took %v", el)
	}
	// the server stops waiting too, and nothing was sent
	c, err := srv.WaitCall(testCtx(t), func(c Call) bool { return c.Method == "sendMessage" && c.Str("text") == "slow" })
	if err != nil || c.Err == nil || c.Err.Code != 499 {
		t.Fatalf("recorded = %+v, %v", c, err)
	}
	if len(srv.Chat(alice.ID)) != 0 {
		t.Fatal("a cancelled slow call still sent the message")
	}
	srv.ClearFaults()

	// Code 0 with a delay: slow but successful
	srv.Inject(Fault{Method: "sendMessage", Delay: 300 * time.Millisecond, Times: 1})
	start = time.Now()
	if err := send(t, b, testCtx(t), alice.ID, "late"); err != nil {
		t.Fatal(err)
	}
	if el := time.Since(start); el < 300*time.Millisecond {
		t.Fatalf("answered after %v", el)
	}
	if got := srv.LastMessage(alice.ID); got == nil || got.Text != "late" {
		t.Fatalf("slow send lost: %+v", got)
	}
	wantNoViolations(t, srv)
}

func TestFaultMatching(t *testing.T) {
	srv := newStrict(t)
	b := newClient(t, srv)
	ctx := testCtx(t)
	srv.SendText(alice, "hi")
	// Method "" spares getUpdates
	srv.Inject(Fault{Code: 500})
	if _, r := poll(t, srv, nil); !r.OK {
		t.Fatalf("getUpdates hit by a method-less fault: %+v", r)
	}
	if err := send(t, b, ctx, alice.ID, "x"); err == nil {
		t.Fatal("sendMessage spared")
	}
	srv.ClearFaults()
	srv.Inject(Fault{Method: "getUpdates", Code: 502, Times: 1})
	if _, r := poll(t, srv, nil); r.OK || r.Status != 502 {
		t.Fatalf("explicit getUpdates fault: %+v", r)
	}
	if _, r := poll(t, srv, nil); !r.OK {
		t.Fatal("getUpdates fault outlived Times")
	}
	// the first matching fault decides
	srv.Inject(Fault{Method: "answerCallbackQuery", Code: 400, Description: "Bad Request: not this one"})
	srv.Inject(Fault{ChatID: alice.ID, Code: 429, RetryAfter: 2, Times: 2})
	srv.Inject(Fault{Code: 403})
	var tooMany *bot.TooManyRequestsError
	if err := send(t, b, ctx, alice.ID, "x"); !errors.As(err, &tooMany) {
		t.Fatalf("first match: %v", err)
	}
	// a call breaking the schema is a violation first; the fault is not consumed by it
	if r := postForm(t, srv, "sendMessage", map[string]string{"chat_id": "1001", "text": "x", "parse": "HTML"}); r.Status != 400 {
		t.Fatalf("invalid call during a fault: %+v", r)
	}
	if err := send(t, b, ctx, alice.ID, "x"); !errors.As(err, &tooMany) {
		t.Fatalf("second 429: %v", err)
	}
	if err := send(t, b, ctx, alice.ID, "x"); !errors.Is(err, bot.ErrorForbidden) {
		t.Fatalf("after the 429s ran out: %v", err)
	}
	if n := len(srv.Violations()); n != 1 {
		t.Fatalf("violations = %v", srv.Violations())
	}
}

// The real bot's poll loop survives getUpdates faults and keeps going.
func TestFaultOnPollingClient(t *testing.T) {
	srv := newStrict(t)
	got := make(chan string, 4)
	b, _ := bot.New(testToken, bot.WithServerURL(srv.URL()), bot.WithSkipGetMe(), bot.WithErrorsHandler(func(error) {}),
		bot.WithDefaultHandler(func(ctx context.Context, b *bot.Bot, u *models.Update) { got <- u.Message.Text }))
	srv.Inject(Fault{Method: "getUpdates", Code: 502, Times: 2})
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() { b.Start(ctx); close(stopped) }()
	defer func() { cancel(); <-stopped }()
	srv.SendText(alice, "through the outage")
	select {
	case text := <-got:
		if text != "through the outage" {
			t.Fatal(text)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("update never arrived after the outage")
	}
	fails := 0
	for _, c := range srv.CallsTo("getUpdates") {
		if c.Err != nil && c.Err.Code == 502 {
			fails++
		}
	}
	if fails != 2 {
		t.Fatalf("%d failed polls", fails)
	}
}
