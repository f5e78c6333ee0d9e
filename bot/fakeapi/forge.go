package fakeapi

import (
	"github.com/go-telegram/bot/models"
)

// ForgeCallback enqueues a callback_query with arbitrary data on the bot's
// message messageID in the user's private chat, as a modified client or a
// button left over from an older version of the bot would send it. Unlike
// PressButton it does not check that the message has such a button: it is
// for testing that the bot refuses what it never offered.
func (s *Server) ForgeCallback(from User, messageID int, data string) int64 {
	return s.SendUpdate(models.Update{CallbackQuery: &models.CallbackQuery{
		From: from.model(),
		Message: models.MaybeInaccessibleMessage{
			Type: models.MaybeInaccessibleMessageTypeMessage,
			Message: &models.Message{
				ID:   messageID,
				Chat: models.Chat{ID: from.ID, Type: models.ChatTypePrivate, FirstName: from.FirstName},
				Date: int(s.clock().Unix()),
			},
		},
		ChatInstance: chatInstance(from.ID),
		Data:         data,
	}})
}
