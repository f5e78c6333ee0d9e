package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/forumbot/forumbot/bot"
	"github.com/forumbot/forumbot/bot/fakeapi"
	"github.com/forumbot/forumbot/storage"
	"github.com/forumbot/forumbot/storage/redistest"
)

// An update another attempt holds is held, not skipped nor handled twice:
// when that attempt was cut off (its marker expires) this one handles the
// update; when it ends ("done"), this one skips it. Every way out of a
// handling without a Save (a panic, a command for another bot) marks the
// update done all the same.
func TestPipelineHoldsAnUpdateAnotherAttemptHolds(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	store := storage.New(redistest.Client(t), storage.Options{Prefix: redistest.Prefix(t)})
	p, api, logs := newPipeline(t, store, handlerFunc(func(ctx context.Context, req *bot.Request) error {
		if req.Update.Message.Text == "panic" {
			panic("handler bug")
		}
		return req.Reply.Send(ctx, "handled", nil)
	}))
	u := fakeapi.User{ID: 22, FirstName: "A", LanguageCode: "en"}
	api.SendText(u, "hello") // the chat exists at the double
	update := func(id int64, text string) *models.Update {
		return &models.Update{ID: id, Message: &models.Message{ID: int(id), Text: text,
			Chat: models.Chat{ID: u.ID, Type: models.ChatTypePrivate}, From: &models.User{ID: u.ID, FirstName: "A", LanguageCode: "en"}}}
	}
	process := func(upd *models.Update) chan struct{} {
		done := make(chan struct{})
		go func() { p.Process(ctx, upd); close(done) }()
		return done
	}
	waitLog := func(what string, n int) {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for strings.Count(logs.String(), what) < n {
			if time.Now().After(deadline) {
				t.Fatalf("no %q in the log:\n%s", what, logs.String())
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	wait := func(done chan struct{}, what string) {
		t.Helper()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			t.Fatalf("%s: Process did not return within 30 s", what)
		}
	}
	const busyLine = "another attempt is handling the update"

	// A dead attempt (a process killed mid-handling): its marker lives its
	// limit (1 ms here) and the margin, then this attempt handles it.
	if _, _, _, err := store.BeginAttempt(ctx, 31, u.ID, storage.NewAttempt(""), time.Millisecond); err != nil {
		t.Fatal(err)
	}
	done := process(update(31, "hello"))
	waitLog(busyLine, 1)
	if n := len(api.Chat(u.ID)); n != 0 {
		t.Fatalf("%d answers while the other attempt's mark lives, want none", n)
	}
	wait(done, "after the dead attempt's mark expired")
	if msgs := api.Chat(u.ID); len(msgs) != 1 || msgs[0].Plain != "handled" {
		t.Fatalf("after the dead attempt's mark expired the chat holds %+v, want one answer", msgs)
	}
	if n := strings.Count(logs.String(), busyLine); n != 1 {
		t.Errorf("the busy wait was logged %d times, want once per update", n)
	}

	// A live attempt that ends with its Save: this one skips the update.
	other, _, _, err := store.BeginAttempt(ctx, 32, u.ID, storage.NewAttempt(""), 30*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	done = process(update(32, "hello"))
	waitLog(busyLine, 2)
	if err := store.Save(ctx, other); err != nil {
		t.Fatal(err)
	}
	wait(done, "after the other attempt's Save")
	waitLog("duplicate update skipped", 1)
	if n := len(api.Chat(u.ID)); n != 1 {
		t.Fatalf("%d answers after the other attempt finished the update, want still 1", n)
	}

	// Ways out without a Save mark the update done too.
	for id, text := range map[int64]string{33: "panic", 34: "/start@another_bot"} {
		p.Process(ctx, update(id, text))
		if _, _, dup, err := store.Begin(ctx, id, u.ID); err != nil || !dup {
			t.Errorf("update %q after its handling: dup=%v err=%v, want done (a duplicate)", text, dup, err)
		}
	}
	for _, v := range api.Violations() {
		t.Errorf("Bot API contract violated: %v", v)
	}
}
