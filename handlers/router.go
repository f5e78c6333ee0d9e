// Package handlers is what the bot does for its users: the menu, forum
// lists and cards, search, awards, sharing, calendar files and
// subscriptions. It gets each update as a bot.Request, already
// de-duplicated, ordered within its chat and with its session loaded, and
// answers through req.Reply.
package handlers

import (
	"context"
	"log/slog"
	"strings"
	"unicode/utf8"

	"github.com/go-telegram/bot/models"

	"github.com/forumbot/forumbot/bot"
	"github.com/forumbot/forumbot/bot/proposal"
	"github.com/forumbot/forumbot/storage"
)

// Dialog steps kept in the session.
const (
	// stepSearch: the bot asked for a search query; the next text is one.
	stepSearch = "search"
)

// maxQueryRunes bounds a search query; longer text gets a clear message
// rather than a slow search.
const maxQueryRunes = 200

// Router is the bot's bot.Handler.
type Router struct {
	Store *storage.Store
	Log   *slog.Logger
	// ProposalLimit is how many proposals a user may send in 24 hours
	// (PROPOSAL_LIMIT); proposal.DefaultDailyLimit when 0.
	ProposalLimit int
	// Broadcast configures broadcasts and schedules for organizers
	// (broadcast.go); nil turns them off.
	Broadcast *Broadcasts
	// Organizing configures the organizers' side of proposals: roles,
	// inbox, answers, export, audit (organizer.go).
	Organizing *Organizing
}

// command is one slash command's handler.
type command func(ctx context.Context, req *bot.Request) error

func (h *Router) commands() map[string]command {
	return map[string]command{
		"start":       h.start,
		"menu":        func(ctx context.Context, req *bot.Request) error { return h.menu(ctx, req, "") },
		"help":        h.help,
		"lang":        h.langMenu,
		"language":    h.langMenu,
		"upcoming":    func(ctx context.Context, req *bot.Request) error { return h.upcoming(ctx, req, 0) },
		"past":        func(ctx context.Context, req *bot.Request) error { return h.past(ctx, req, 0) },
		"regions":     h.regions,
		"years":       h.years,
		"awards":      func(ctx context.Context, req *bot.Request) error { return h.awardsOverview(ctx, req, 0) },
		"search":      h.searchCommand,
		"subscribe":   h.subscribe,
		"unsubscribe": h.unsubscribe,
		"propose":     h.propose,
		"myproposals": func(ctx context.Context, req *bot.Request) error { return h.myProposals(ctx, req, 0) },
		"privacy":     h.privacy,
		"forgetme":    h.forgetAsk,
		"cancel":      h.cancel,
		"broadcast":   h.broadcastCommand,
		"schedules":   h.schedulesCommand,
		"announce":    h.announceCommand,
		"proposals":   h.organizerCommand(h.proposalsCommand),
		"audit":       h.organizerCommand(h.auditCommand),
		"grant":       h.adminCommand(h.grantCommand),
		"revoke":      h.adminCommand(h.revokeCommand),
	}
}

// Handle routes one update.
func (h *Router) Handle(ctx context.Context, req *bot.Request) error {
	if req.Session.Expired {
		req.Session.ClearDialog()
		if err := req.Reply.Send(ctx, req.T.T("dialog_expired"), nil); err != nil {
			return err
		}
	}
	switch upd := req.Update; {
	case upd.CallbackQuery != nil:
		return h.callback(ctx, req, upd.CallbackQuery.Data)
	case upd.Message != nil:
		return h.message(ctx, req, upd.Message)
	case upd.MyChatMember != nil:
		return h.chatMember(ctx, req, upd.MyChatMember)
	}
	return nil
}

func (h *Router) message(ctx context.Context, req *bot.Request, m *models.Message) error {
	// A proposal dialog takes every message of its chat, of any content.
	if handled, err := h.proposalMessage(ctx, req, m); handled {
		return err
	}
	// So does the broadcast composer (and a group's migration notice).
	if handled, err := h.broadcastMessage(ctx, req, m); handled {
		return err
	}
	// And an organizer's answer, or a user to grant or revoke.
	if handled, err := h.organizerMessage(ctx, req, m); handled {
		return err
	}
	if req.HasCommand {
		req.Session.ClearDialog()
		if c, ok := h.commands()[req.Command.Name]; ok {
			return c(ctx, req)
		}
		if !req.Private {
			return nil // another bot's command in a group, most likely
		}
		return h.menu(ctx, req, req.T.T("unknown_command", "Command", esc("/"+req.Command.Name)))
	}
	if !req.Private {
		// In groups the bot answers commands only: it must not chime in on
		// every message of a conversation.
		return nil
	}
	if m.Text == "" {
		// A sticker, photo, voice message, file, contact...
		return h.menu(ctx, req, req.T.T("unsupported_content"))
	}
	text := strings.TrimSpace(m.Text)
	if n := utf8.RuneCountInString(text); n > maxQueryRunes {
		return req.Reply.Send(ctx, req.T.T("text_too_long", "Len", n, "Max", maxQueryRunes), nil)
	}
	// Whether or not the bot asked for a query, plain text is a question
	// about forums: answered when it asks for a fact, searched for when not.
	req.Session.ClearDialog()
	return h.question(ctx, req, text)
}

func (h *Router) callback(ctx context.Context, req *bot.Request, data string) error {
	a, err := DecodeAction(data)
	if err != nil {
		h.Log.Warn("callback data refused", "update_id", req.Update.ID, "chat_id", req.ChatID, "len", len(data))
		if err := req.Reply.Notify(ctx, req.T.T("stale_button")); err != nil {
			return err
		}
		// A fresh menu below, rather than over the message the button sat
		// on: that message may be the menu already.
		return req.Reply.Send(ctx, req.T.T("menu_title"), menuKeyboard(req))
	}
	if isProposalVerb(a.Verb) || proposal.IsDialog(req.Session.Dialog) {
		return h.proposalCallback(ctx, req, a)
	}
	if broadcastVerbs[a.Verb] {
		return h.broadcastCallback(ctx, req, a)
	}
	if organizerVerbs[a.Verb] {
		return h.organizerCallback(ctx, req, a)
	}
	req.Session.ClearDialog()
	switch a.Verb {
	case VerbMenu:
		return h.menu(ctx, req, "")
	case VerbHelp:
		return h.help(ctx, req)
	case VerbLangMenu:
		return h.langMenu(ctx, req)
	case VerbLang:
		return h.setLang(ctx, req, a.Arg)
	case VerbUpcoming:
		return h.upcoming(ctx, req, a.Page)
	case VerbPast:
		return h.past(ctx, req, a.Page)
	case VerbRegions:
		return h.regions(ctx, req)
	case VerbRegion:
		return h.region(ctx, req, a.Arg, a.Page)
	case VerbYears:
		return h.years(ctx, req)
	case VerbYear:
		return h.year(ctx, req, a.Arg, a.Page)
	case VerbForum:
		return h.card(ctx, req, a.Arg)
	case VerbCalendar:
		return h.calendar(ctx, req, a.Arg)
	case VerbShare:
		return h.share(ctx, req, a.Arg)
	case VerbAwards:
		if a.Arg == "" {
			return h.awardsOverview(ctx, req, a.Page)
		}
		return h.awardsOfForum(ctx, req, a.Arg)
	case VerbAwardsY:
		return h.awardsOfYear(ctx, req, a.Arg)
	case VerbSearch:
		req.Session.SetDialog(stepSearch, nil)
		return req.Reply.Send(ctx, req.T.T("search_prompt"), nil)
	case VerbSubscribe, VerbSubScreen, VerbSubTopic, VerbSubRegion, VerbSubSetReg, VerbSubForums, VerbSubForum, VerbSubNone:
		return h.subscriptionCallback(ctx, req, a)
	}
	return nil
}
