package handlers

import (
	"context"

	"github.com/forumbot/forumbot/bot"
	"github.com/forumbot/forumbot/bot/ui"
)

// subscribe signs the chat up for news of new forums and announcements
// (the broadcasts that organizers send).
func (h *Router) subscribe(ctx context.Context, req *bot.Request) error {
	added, err := h.Store.Subscribe(ctx, req.ChatID, req.Lang())
	if err != nil {
		return err
	}
	msg := "subscribe_already"
	if added {
		msg = "subscribe_done"
	}
	return req.Reply.Show(ctx, req.T.T(msg), ui.Keys().Row(menuRow(req)))
}

func (h *Router) unsubscribe(ctx context.Context, req *bot.Request) error {
	removed, err := h.Store.Unsubscribe(ctx, req.ChatID)
	if err != nil {
		return err
	}
	msg := "unsubscribe_not"
	if removed {
		msg = "unsubscribe_done"
	}
	return req.Reply.Show(ctx, req.T.T(msg), ui.Keys().Row(menuRow(req)))
}
