package bot

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"time"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/forumbot/forumbot/bot/metrics"
	"github.com/forumbot/forumbot/bot/ui"
	"github.com/forumbot/forumbot/locales"
	"github.com/forumbot/forumbot/storage"
)

// Pipeline handles one update from start to end: de-duplication and the
// session in one Redis round trip, the handler under panic recovery, the
// session saved in one more round trip.
type Pipeline struct {
	Store       *storage.Store
	API         *tg.Bot
	Handler     Handler
	Catalogs    *Catalogs
	Log         *slog.Logger
	DefaultLang string
	BotUsername string
	Location    *time.Location
	Now         func() time.Time
	// Timeout bounds one update's work after Begin, Save included, so a
	// stuck call cannot hold a chat's queue for ever
	// (storage.DefaultUpdateTimeout when 0). The update's in-progress
	// marker outlives it by storage.UpdateMargin: a live handling always
	// ends before another can take the update over.
	Timeout time.Duration
	// Metrics counts updates by type and outcome and times them (nil:
	// nothing is recorded).
	Metrics *metrics.Metrics
	// Instance names this process in the attempts' tokens (its alive key,
	// kept by the app: see storage.NewAttempt); "" for none.
	Instance string
}

// ChatKey is the chat an update belongs to (its ordering key), and the user
// who sent it. Updates without a chat get 0 and are not handled.
func ChatKey(upd *models.Update) (chatID, userID int64) {
	switch {
	case upd.Message != nil:
		m := upd.Message
		if m.From != nil {
			userID = m.From.ID
		}
		return m.Chat.ID, userID
	case upd.CallbackQuery != nil:
		cq := upd.CallbackQuery
		switch {
		case cq.Message.Message != nil:
			chatID = cq.Message.Message.Chat.ID
		case cq.Message.InaccessibleMessage != nil:
			chatID = cq.Message.InaccessibleMessage.Chat.ID
		default:
			chatID = cq.From.ID
		}
		return chatID, cq.From.ID
	case upd.MyChatMember != nil:
		return upd.MyChatMember.Chat.ID, upd.MyChatMember.From.ID
	}
	return 0, 0
}

// kind names the update's type for logs (never its content: personal data
// stays out of logs).
func kind(upd *models.Update) string {
	switch {
	case upd.Message != nil:
		return "message"
	case upd.CallbackQuery != nil:
		return "callback_query"
	case upd.MyChatMember != nil:
		return "my_chat_member"
	}
	return "other"
}

// Process handles one update. It never panics and never returns an error:
// failures are logged and, where the user is waiting, answered with an
// apology in their language. While Redis is down it waits for Redis (see
// begin) and returns unanswered only when ctx ends first.
func (p *Pipeline) Process(ctx context.Context, upd *models.Update) {
	start := time.Now()
	outcome := metrics.UpdateOK
	defer func() { p.Metrics.Update(kind(upd), outcome, time.Since(start)) }()
	chatID, userID := ChatKey(upd)
	log := p.Log.With("update_id", upd.ID, "chat_id", chatID, "kind", kind(upd))
	if chatID == 0 {
		outcome = metrics.UpdateIgnored
		log.Debug("update without a chat ignored")
		return
	}

	// Begin waits for Redis, and for another attempt at the same update,
	// as long as it takes (see begin); the update's time limit starts once
	// it is in hand.
	sess, catalogVersion, dup, err := p.begin(ctx, log, upd.ID, chatID)
	if err != nil {
		// Only a stop ends the wait: the update stays unconfirmed to
		// Telegram (see confirmingClient) and comes again to the next
		// process, so it is neither answered nor apologized for here.
		outcome = metrics.UpdateError
		log.Warn("stopped while waiting for Redis: the update is left for redelivery", "err", err)
		return
	}
	if dup {
		outcome = metrics.UpdateDuplicate
		log.Info("duplicate update skipped")
		return
	}
	// From here on the update is ours: every way out marks it done, by the
	// final Save or by finish, so an update handled to the end is never
	// handled again; only a crash, or a stop that cuts the handling off,
	// leaves it to the next delivery.
	stopping := ctx
	ctx, cancel := context.WithTimeout(ctx, p.timeout())
	defer cancel()
	snap, err := p.Catalogs.At(ctx, catalogVersion)
	if err != nil {
		log.Warn("catalog reload failed, serving the previous one", "err", err)
	}

	if sess.Lang == "" {
		// First contact: speak the user's Telegram language if we have it.
		sess.Lang = p.langOf(upd, "")
	}
	req := &Request{
		Update:      upd,
		ChatID:      chatID,
		UserID:      userID,
		Private:     isPrivate(upd),
		Session:     sess,
		T:           locales.For(sess.Lang),
		Catalog:     snap,
		Reply:       ui.NewReply(p.API, log, upd, chatID),
		Now:         p.Now().In(p.Location),
		BotUsername: p.BotUsername,
	}
	if m := upd.Message; m != nil && m.Text != "" {
		req.Command, req.HasCommand = ParseCommand(m.Text, p.BotUsername)
		if !req.HasCommand && req.Command.Name != "" {
			outcome = metrics.UpdateIgnored
			log.Debug("command for another bot ignored")
			p.finish(ctx, log, upd.ID)
			return
		}
	}

	panicked, failed := p.run(ctx, log, req)
	if stopping.Err() != nil {
		// The stop cut the handling off (its shutdown timeout ran out), as
		// a crash would: nothing is saved nor marked done, and the update's
		// next delivery handles it once its mark expires. Were the handler
		// done already, its answer is sent twice: the window between the
		// last Bot API call and the Save.
		outcome = metrics.UpdateError
		log.Warn("the stop cut the update off: left for its next delivery")
		return
	}
	if panicked {
		// The session may be half changed: keep the stored one.
		outcome = metrics.UpdatePanic
		p.finish(ctx, log, upd.ID)
		return
	}
	if failed {
		outcome = metrics.UpdateError
	}
	if err := req.Reply.Ack(ctx); err != nil {
		log.Warn("cannot answer the callback query", "err", err)
	}
	if err := p.save(ctx, log, sess); err != nil {
		outcome = metrics.UpdateError
		log.Error("cannot save the session", "err", err)
		if stopping.Err() == nil {
			p.finish(ctx, log, upd.ID)
		}
	}
	log.Debug("update handled", "took", time.Since(start))
}

// run calls the handler, turning a panic into a log line and an apology.
func (p *Pipeline) run(ctx context.Context, log *slog.Logger, req *Request) (panicked, failed bool) {
	defer func() {
		if v := recover(); v != nil {
			panicked = true
			log.Error("handler panicked", "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			p.apologize(ctx, log, req.Update, req.ChatID, req.Lang())
		}
	}()
	if err := p.Handler.Handle(ctx, req); err != nil {
		log.Error("handler failed", "err", err)
		if req.Reply.Sent() == 0 {
			p.apologize(ctx, log, req.Update, req.ChatID, req.Lang())
		}
		return false, true
	}
	return false, false
}

func (p *Pipeline) apologize(ctx context.Context, log *slog.Logger, upd *models.Update, chatID int64, lang string) {
	r := ui.NewReply(p.API, log, upd, chatID)
	_ = r.Ack(ctx)
	if err := r.Send(ctx, locales.For(lang).T("error_apology"), nil); err != nil {
		log.Error("cannot send the apology", "err", err)
	}
}

// langOf picks the language of a user the bot knows nothing about: their
// Telegram language when the bot speaks it, else the default.
func (p *Pipeline) langOf(upd *models.Update, known string) string {
	if known != "" {
		return known
	}
	var code string
	switch {
	case upd.Message != nil && upd.Message.From != nil:
		code = upd.Message.From.LanguageCode
	case upd.CallbackQuery != nil:
		code = upd.CallbackQuery.From.LanguageCode
	}
	if l := locales.Match(code); l != "" {
		return l
	}
	return p.DefaultLang
}

func isPrivate(upd *models.Update) bool {
	switch {
	case upd.Message != nil:
		return upd.Message.Chat.Type == models.ChatTypePrivate
	case upd.CallbackQuery != nil && upd.CallbackQuery.Message.Message != nil:
		return upd.CallbackQuery.Message.Message.Chat.Type == models.ChatTypePrivate
	}
	return false
}
