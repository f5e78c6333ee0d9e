package bot

import (
	"context"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/forumbot/forumbot/bot/ui"
	"github.com/forumbot/forumbot/locales"
	"github.com/forumbot/forumbot/storage"
)

// Request is everything a handler gets for one update: who, where, in
// which language, the chat's session and the catalog as it is now.
type Request struct {
	Update  *models.Update
	ChatID  int64
	UserID  int64
	Private bool // a private chat with the user, not a group

	Session *storage.Session // saved by the pipeline after the handler
	T       *locales.Localizer
	Catalog *Snapshot
	Reply   *ui.Reply

	// Command is the command the message carries; HasCommand tells whether
	// there is one. Commands addressed to another bot never get here.
	Command    Command
	HasCommand bool

	Now         time.Time // in Asia/Almaty
	BotUsername string
}

// Lang is the language the bot speaks in this chat.
func (r *Request) Lang() string { return r.T.Lang() }

// SetLang switches the chat's language for this reply and the future.
func (r *Request) SetLang(lang string) {
	r.Session.Lang = lang
	r.T = locales.For(lang)
}

// Text is the message's text or caption, or "".
func (r *Request) Text() string {
	if m := r.Update.Message; m != nil {
		if m.Text != "" {
			return m.Text
		}
		return m.Caption
	}
	return ""
}

// Handler answers updates. handlers.Router is the bot's one Handler.
type Handler interface {
	Handle(ctx context.Context, req *Request) error
}
