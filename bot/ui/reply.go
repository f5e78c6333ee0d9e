package ui

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"strings"
	"time"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

// Reply answers one update. It knows the chat and, for a button press,
// the message the button sits on, so Show can edit that message in place.
// Every call goes through call(), which waits out 429s and retries 5xx
// and timeouts within a budget.
type Reply struct {
	api    *tg.Bot
	log    *slog.Logger
	ChatID int64

	editID     int    // message to edit in place (a button press), or 0
	callbackID string // callback query to answer, or ""
	answered   bool
	sent       int // messages sent or edited, so the pipeline knows the user got an answer
}

// NewReply makes the reply helper for one update.
func NewReply(api *tg.Bot, log *slog.Logger, upd *models.Update, chatID int64) *Reply {
	r := &Reply{api: api, log: log, ChatID: chatID}
	if cq := upd.CallbackQuery; cq != nil {
		r.callbackID = cq.ID
		if m := cq.Message.Message; m != nil {
			r.editID = m.ID
		}
	}
	return r
}

// Sent reports how many messages this reply has sent or edited.
func (r *Reply) Sent() int { return r.sent }

// IsCallback reports whether the update is a button press.
func (r *Reply) IsCallback() bool { return r.callbackID != "" }

// noPreview keeps cards and links compact.
var noPreview = &models.LinkPreviewOptions{IsDisabled: tg.True()}

// Show puts text (HTML) and kb on screen: for a button press it edits the
// message the button sits on, otherwise it sends a new one. When the old
// message can no longer be edited (too old, deleted) it sends a new one.
func (r *Reply) Show(ctx context.Context, text string, kb *Keyboard) error {
	if r.editID == 0 {
		return r.Send(ctx, text, kb)
	}
	err := r.call(ctx, "editMessageText", func() error {
		_, err := r.api.EditMessageText(ctx, &tg.EditMessageTextParams{
			ChatID: r.ChatID, MessageID: r.editID, Text: text,
			ParseMode: models.ParseModeHTML, ReplyMarkup: kb.Markup(), LinkPreviewOptions: noPreview,
		})
		return err
	})
	switch {
	case err == nil:
		r.sent++
		return nil
	case isAPIError(err, "message is not modified"):
		// The same screen pressed twice: nothing to change.
		r.sent++
		return nil
	case isAPIError(err, "message to edit not found"), isAPIError(err, "message can't be edited"):
		r.editID = 0
		return r.Send(ctx, text, kb)
	}
	return err
}

// Send sends text (HTML) with kb as a new message.
func (r *Reply) Send(ctx context.Context, text string, kb *Keyboard) error {
	err := r.call(ctx, "sendMessage", func() error {
		_, err := r.api.SendMessage(ctx, &tg.SendMessageParams{
			ChatID: r.ChatID, Text: text, ParseMode: models.ParseModeHTML,
			ReplyMarkup: kb.Markup(), LinkPreviewOptions: noPreview,
		})
		return err
	})
	if err == nil {
		r.sent++
	}
	return err
}

// Notify answers a button press with a short notice over the chat (a
// toast); for any other update it sends text as a message.
func (r *Reply) Notify(ctx context.Context, text string) error {
	if r.callbackID == "" {
		return r.Send(ctx, text, nil)
	}
	return r.answer(ctx, text)
}

// Ack stops the button's loading spinner if nothing answered it yet. The
// pipeline calls it after every handler.
func (r *Reply) Ack(ctx context.Context) error {
	if r.callbackID == "" || r.answered {
		return nil
	}
	return r.answer(ctx, "")
}

func (r *Reply) answer(ctx context.Context, text string) error {
	if r.answered {
		return nil
	}
	r.answered = true
	return r.call(ctx, "answerCallbackQuery", func() error {
		_, err := r.api.AnswerCallbackQuery(ctx, &tg.AnswerCallbackQueryParams{CallbackQueryID: r.callbackID, Text: text})
		return err
	})
}

// Document sends a file.
func (r *Reply) Document(ctx context.Context, name string, data []byte, caption string) error {
	err := r.call(ctx, "sendDocument", func() error {
		_, err := r.api.SendDocument(ctx, &tg.SendDocumentParams{
			ChatID:    r.ChatID,
			Document:  &models.InputFileUpload{Filename: name, Data: bytes.NewReader(data)},
			Caption:   caption,
			ParseMode: models.ParseModeHTML,
		})
		return err
	})
	if err == nil {
		r.sent++
	}
	return err
}

// retryBudget caps the waits of one call's retries, flood control and
// outages together: the chat's later updates queue behind it, and a user
// kept waiting longer has left anyway.
const retryBudget = 15 * time.Second

// Backoff after a 5xx, a timeout or a network error: from the first wait,
// doubling to the last, each with jitter so that the workers that failed
// together do not all come back in the same instant.
const (
	retryFirst = 500 * time.Millisecond
	retryMax   = 4 * time.Second
)

// call runs one Bot API request and retries what may pass on: a 429 after
// its retry_after, a 5xx, a timeout or a network error after a growing
// backoff, for retryBudget at most. What will not pass — a blocked bot
// (403), a bad request (400), a migrated group, a bad token — and the end
// of ctx are returned at once.
func (r *Reply) call(ctx context.Context, method string, do func() error) error {
	backoff := retryFirst
	var waited time.Duration
	for {
		err := do()
		if err == nil || ctx.Err() != nil {
			return err
		}
		var tooMany *tg.TooManyRequestsError
		var migrate *tg.MigrateError
		var wait time.Duration
		switch {
		case errors.As(err, &tooMany):
			wait = time.Duration(tooMany.RetryAfter) * time.Second
		case errors.Is(err, tg.ErrorForbidden), errors.Is(err, tg.ErrorBadRequest), errors.As(err, &migrate),
			errors.Is(err, tg.ErrorUnauthorized), errors.Is(err, tg.ErrorNotFound):
			return err
		default:
			wait = backoff/2 + rand.N(backoff/2+1)
			backoff = min(2*backoff, retryMax)
		}
		if waited+wait > retryBudget {
			return err
		}
		waited += wait
		r.log.Warn("bot api call failed, retrying", "method", method, "chat_id", r.ChatID, "wait", wait, "err", err)
		select {
		case <-ctx.Done():
			return err
		case <-time.After(wait):
		}
	}
}

// isAPIError reports whether err is a Bot API error whose description
// contains text (Telegram tells edit failures apart only by text).
func isAPIError(err error, text string) bool {
	return err != nil && strings.Contains(err.Error(), text)
}
