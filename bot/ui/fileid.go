package ui

import (
	"context"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

// SendStored sends again a file Telegram keeps, by its file id: a photo
// (sendPhoto) when photo is set, else a document (sendDocument), with a
// caption (HTML). Organizers get a proposal's attachments this way.
func (r *Reply) SendStored(ctx context.Context, photo bool, fileID, caption string) error {
	var err error
	if photo {
		err = r.call(ctx, "sendPhoto", func() error {
			_, err := r.api.SendPhoto(ctx, &tg.SendPhotoParams{
				ChatID: r.ChatID, Photo: &models.InputFileString{Data: fileID}, Caption: caption, ParseMode: models.ParseModeHTML,
			})
			return err
		})
	} else {
		err = r.call(ctx, "sendDocument", func() error {
			_, err := r.api.SendDocument(ctx, &tg.SendDocumentParams{
				ChatID: r.ChatID, Document: &models.InputFileString{Data: fileID}, Caption: caption, ParseMode: models.ParseModeHTML,
			})
			return err
		})
	}
	if err == nil {
		r.sent++
	}
	return err
}
