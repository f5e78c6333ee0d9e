package ui

import (
	"context"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

// Telegram asks a user for their own phone number only through a button of
// a reply keyboard (the keyboard that replaces the phone's one), never an
// inline button. These two calls are the only reply keyboard the bot shows:
// AskContact puts it up, SendClosingKeyboard takes it away.

// AskContact sends text (HTML) with a reply keyboard of two buttons: share,
// which sends the user's own contact, and back, which sends its label as a
// text message.
func (r *Reply) AskContact(ctx context.Context, text, share, back string) error {
	return r.sendMarkup(ctx, text, &models.ReplyKeyboardMarkup{
		Keyboard: [][]models.KeyboardButton{
			{{Text: share, RequestContact: true}},
			{{Text: back}},
		},
		ResizeKeyboard:  true,
		OneTimeKeyboard: true,
	})
}

// SendClosingKeyboard sends text (HTML) and removes the keyboard AskContact
// put up.
func (r *Reply) SendClosingKeyboard(ctx context.Context, text string) error {
	return r.sendMarkup(ctx, text, &models.ReplyKeyboardRemove{RemoveKeyboard: true})
}

func (r *Reply) sendMarkup(ctx context.Context, text string, markup models.ReplyMarkup) error {
	err := r.call(ctx, "sendMessage", func() error {
		_, err := r.api.SendMessage(ctx, &tg.SendMessageParams{
			ChatID: r.ChatID, Text: text, ParseMode: models.ParseModeHTML,
			ReplyMarkup: markup, LinkPreviewOptions: noPreview,
		})
		return err
	})
	if err == nil {
		r.sent++
	}
	return err
}
