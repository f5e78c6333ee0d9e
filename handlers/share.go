package handlers

import (
	"context"
	"net/url"

	"github.com/forumbot/forumbot/bot"
	"github.com/forumbot/forumbot/bot/ui"
)

// DeepLink is the t.me link that opens a forum's card in the bot.
func DeepLink(botUsername, forumID string) string {
	return "https://t.me/" + botUsername + "?start=forum_" + forumID
}

// share sends the forum's deep link as a new message, easy to forward,
// with a button that opens Telegram's own "share to a chat" screen.
func (h *Router) share(ctx context.Context, req *bot.Request, id string) error {
	f, err := h.forum(ctx, req, id)
	if f == nil {
		return err
	}
	title := f.Title.In(req.Lang())
	link := DeepLink(req.BotUsername, f.ID)
	shareURL := "https://t.me/share/url?url=" + url.QueryEscape(link) + "&text=" + url.QueryEscape(title)
	kb := ui.Keys().Row(ui.URLButton(req.T.T("btn_share_to_chat"), shareURL))
	return req.Reply.Send(ctx, req.T.T("share_text", "Title", esc(title), "Link", esc(link)), kb)
}

// calendar sends the forum as an .ics file, when its day is known.
func (h *Router) calendar(ctx context.Context, req *bot.Request, id string) error {
	f, err := h.forum(ctx, req, id)
	if f == nil {
		return err
	}
	data, ok := ICS(f, req.Lang(), DeepLink(req.BotUsername, f.ID), req.Now)
	if !ok {
		return req.Reply.Notify(ctx, req.T.T("ics_unavailable"))
	}
	caption := req.T.T("ics_caption", "Title", esc(f.Title.In(req.Lang())))
	return req.Reply.Document(ctx, "forum-"+f.ID+".ics", data, caption)
}
