// Package ui is the one way the bot talks back: Reply sends or edits a
// message, answers a button press or sends a file; Keyboard builds inline
// keyboards. Handlers use nothing else to reach the Bot API.
package ui

import "github.com/go-telegram/bot/models"

// Keyboard is an inline keyboard under construction.
type Keyboard struct {
	rows [][]models.InlineKeyboardButton
}

// Keys starts an empty keyboard.
func Keys() *Keyboard { return &Keyboard{} }

// Row adds a row of buttons; an empty row is skipped.
func (k *Keyboard) Row(buttons ...models.InlineKeyboardButton) *Keyboard {
	if len(buttons) > 0 {
		k.rows = append(k.rows, buttons)
	}
	return k
}

// Rows is the number of rows so far.
func (k *Keyboard) Rows() int { return len(k.rows) }

// Markup returns the keyboard for a Bot API call, or nil when it is empty
// (Telegram rejects an empty inline_keyboard on some methods).
func (k *Keyboard) Markup() models.ReplyMarkup {
	if k == nil || len(k.rows) == 0 {
		return nil
	}
	return &models.InlineKeyboardMarkup{InlineKeyboard: k.rows}
}

// Button is a button that sends data back as a callback query. data must
// be at most 64 bytes (Telegram's limit); handlers build it with their
// callback codec, which keeps to that.
func Button(text, data string) models.InlineKeyboardButton {
	return models.InlineKeyboardButton{Text: text, CallbackData: data}
}

// URLButton is a button that opens url.
func URLButton(text, url string) models.InlineKeyboardButton {
	return models.InlineKeyboardButton{Text: text, URL: url}
}
