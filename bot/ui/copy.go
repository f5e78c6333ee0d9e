package ui

import (
	"context"

	tg "github.com/go-telegram/bot"
)

// Copy sends a copy of message messageID of chat fromChat into the chat
// (copyMessage): text formatting, photos and documents with their captions
// arrive exactly as they were written. A broadcast's preview uses it.
func (r *Reply) Copy(ctx context.Context, fromChat int64, messageID int) error {
	err := r.call(ctx, "copyMessage", func() error {
		_, err := r.api.CopyMessage(ctx, &tg.CopyMessageParams{ChatID: r.ChatID, FromChatID: fromChat, MessageID: messageID})
		return err
	})
	if err == nil {
		r.sent++
	}
	return err
}

// EditID is the message a button press came from (the one Show edits), 0
// for any other update.
func (r *Reply) EditID() int { return r.editID }
