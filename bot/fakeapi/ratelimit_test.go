package fakeapi

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

// fakeNow is a clock tests move by hand.
type fakeNow struct {
	mu sync.Mutex
	t  time.Time
}

func (f *fakeNow) Now() time.Time { f.mu.Lock(); defer f.mu.Unlock(); return f.t }
func (f *fakeNow) Add(d time.Duration) {
	f.mu.Lock()
	f.t = f.t.Add(d)
	f.mu.Unlock()
}

func retryAfter(t *testing.T, err error) int {
	t.Helper()
	var tm *bot.TooManyRequestsError
	if !errors.As(err, &tm) {
		t.Fatalf("want a 429, got %v", err)
	}
	return tm.RetryAfter
}

func TestRateLimitsLikeTelegram(t *testing.T) {
	t.Parallel()
	srv := newStrict(t)
	c := newClient(t, srv)
	ctx := testCtx(t)
	clock := &fakeNow{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	lim := TelegramLimits()
	lim.Now = clock.Now
	srv.SetRateLimits(lim)
	var chats []models.Chat
	for i := int64(1); i <= 40; i++ {
		chats = append(chats, models.Chat{ID: i})
	}
	chats = append(chats, models.Chat{ID: -100500, Type: models.ChatTypeGroup})
	srv.AddChats(chats...)
	send := func(chat int64) error {
		_, err := c.SendMessage(ctx, &bot.SendMessageParams{ChatID: chat, Text: "hi"})
		return err
	}

	// 30 messages a second overall, the 31st waits.
	for i := int64(1); i <= 30; i++ {
		if err := send(i); err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
		clock.Add(10 * time.Millisecond)
	}
	if ra := retryAfter(t, send(31)); ra != 1 {
		t.Errorf("retry_after %d", ra)
	}
	// Edits and answers do not count.
	if _, err := c.SendChatAction(ctx, &bot.SendChatActionParams{ChatID: 32, Action: models.ChatActionTyping}); err != nil {
		t.Fatalf("chat action limited: %v", err)
	}
	clock.Add(time.Second)
	if err := send(31); err != nil {
		t.Fatalf("after a second: %v", err)
	}
	// One chat: a second message within a second is refused.
	clock.Add(500 * time.Millisecond)
	if err := send(31); err == nil {
		t.Fatal("two messages to one chat in half a second")
	} else if ra := retryAfter(t, err); ra != 1 {
		t.Errorf("chat retry_after %d", ra)
	}
	clock.Add(500 * time.Millisecond)
	if err := send(31); err != nil {
		t.Fatalf("a second later: %v", err)
	}
	// A group: 20 a minute.
	for i := 0; i < 20; i++ {
		clock.Add(1100 * time.Millisecond)
		if err := send(-100500); err != nil {
			t.Fatalf("group message %d: %v", i, err)
		}
	}
	clock.Add(1100 * time.Millisecond)
	if ra := retryAfter(t, send(-100500)); ra < 30 || ra > 60 {
		t.Errorf("group retry_after %d", ra)
	}
	if n := srv.RateLimited(); n != 3 {
		t.Errorf("RateLimited = %d, want 3", n)
	}
	if v := srv.Violations(); len(v) != 0 {
		t.Errorf("a 429 is not a violation: %v", v)
	}
	// Off again.
	srv.SetRateLimits(RateLimits{})
	for i := 0; i < 3; i++ {
		if err := send(1); err != nil {
			t.Fatalf("limits off: %v", err)
		}
	}
}

func TestRateLimitsScaledAndBurst(t *testing.T) {
	t.Parallel()
	srv := newStrict(t)
	c := newClient(t, srv)
	ctx := testCtx(t)
	clock := &fakeNow{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	lim := TelegramLimits().Scaled(2)
	lim.ChatBurst, lim.Now = 3, clock.Now
	srv.SetRateLimits(lim)
	srv.AddChats(models.Chat{ID: 7})
	for i := 0; i < 3; i++ {
		if _, err := c.SendMessage(ctx, &bot.SendMessageParams{ChatID: 7, Text: "burst"}); err != nil {
			t.Fatalf("burst message %d: %v", i, err)
		}
	}
	if _, err := c.SendMessage(ctx, &bot.SendMessageParams{ChatID: 7, Text: "burst"}); err == nil {
		t.Fatal("a fourth message in a burst of three")
	}
	if lim.Global != 60 {
		t.Fatalf("scaled global %d", lim.Global)
	}
}
