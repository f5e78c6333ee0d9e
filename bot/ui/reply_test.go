package ui_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"testing"
	"time"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/forumbot/forumbot/bot/fakeapi"
	"github.com/forumbot/forumbot/bot/ui"
)

const token = "4242:test-token"

// replyTo is a Reply to a message of u, over the strict double.
func replyTo(t *testing.T) (*fakeapi.Server, *ui.Reply, fakeapi.User) {
	t.Helper()
	api := fakeapi.New(fakeapi.Options{Spec: fakeapi.SpecForTest(t), Token: token})
	t.Cleanup(api.Close)
	t.Cleanup(func() {
		for _, v := range api.Violations() {
			t.Errorf("Bot API contract violated: %v", v)
		}
	})
	b, err := tg.New(token, tg.WithServerURL(api.URL()), tg.WithSkipGetMe())
	if err != nil {
		t.Fatal(err)
	}
	u := fakeapi.User{ID: 9001, FirstName: "Dana", LanguageCode: "en"}
	api.SendText(u, "hi") // the chat exists: the bot may write there
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	return api, ui.NewReply(b, log, &models.Update{}, u.ID), u
}

func sends(api *fakeapi.Server) (ok, failed int) {
	for _, c := range api.CallsTo("sendMessage") {
		if c.Err == nil {
			ok++
		} else {
			failed++
		}
	}
	return ok, failed
}

// Passing failures are retried: 5xx after a backoff, 429 after its
// retry_after; the message goes out once.
func TestReplyRetriesWhatPasses(t *testing.T) {
	t.Parallel()
	api, r, u := replyTo(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	api.Inject(fakeapi.Fault{Method: "sendMessage", Code: http.StatusBadGateway, Times: 2})
	api.Inject(fakeapi.Fault{Method: "sendMessage", Code: http.StatusTooManyRequests, RetryAfter: 1, Times: 1})
	if err := r.Send(ctx, "hello", nil); err != nil {
		t.Fatalf("Send after two 502s and a 429: %v", err)
	}
	if ok, failed := sends(api); ok != 1 || failed != 3 {
		t.Errorf("%d delivered, %d failed; want 1 and 3", ok, failed)
	}
	if n := len(api.Chat(u.ID)); n != 1 || r.Sent() != 1 {
		t.Errorf("%d messages in the chat, Sent() = %d; want 1", n, r.Sent())
	}
}

// What will not pass is not retried, and a retry_after beyond the budget
// is not waited for: the error comes back at once.
func TestReplyGivesUpOnWhatWillNotPass(t *testing.T) {
	t.Parallel()
	api, r, _ := replyTo(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	api.Inject(fakeapi.Fault{Method: "sendMessage", Code: http.StatusForbidden, Times: 1})
	if err := r.Send(ctx, "hello", nil); !errors.Is(err, tg.ErrorForbidden) {
		t.Fatalf("Send to a blocked bot: %v", err)
	}
	if _, failed := sends(api); failed != 1 {
		t.Errorf("403 tried %d times, want once", failed)
	}

	api.Inject(fakeapi.Fault{Method: "sendMessage", Code: http.StatusTooManyRequests, RetryAfter: 60, Times: 1})
	start := time.Now()
	var tooMany *tg.TooManyRequestsError
	if err := r.Send(ctx, "hello", nil); !errors.As(err, &tooMany) {
		t.Fatalf("Send under a 60 s flood wait: %v", err)
	}
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("a retry_after of 60 s beyond the budget was waited for (%s)", took)
	}
	if _, failed := sends(api); failed != 2 {
		t.Errorf("%d failed calls, want 2: the 429 was retried", failed)
	}

	// The end of the caller's context ends the retries.
	api.Inject(fakeapi.Fault{Method: "sendMessage", Code: http.StatusInternalServerError})
	short, cancelShort := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancelShort()
	if err := r.Send(short, "hello", nil); err == nil {
		t.Fatal("Send succeeded during an outage")
	}
	if short.Err() == nil {
		t.Error("Send returned before its context ended: it gave up on a 500 without retrying")
	}
}
