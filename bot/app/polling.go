package app

import (
	"context"

	tg "github.com/go-telegram/bot"
)

// runPolling takes updates with getUpdates until ctx is cancelled and
// returns how many queued updates were left unfinished.
func (a *App) runPolling(ctx context.Context) (int, error) {
	if _, err := a.API.DeleteWebhook(ctx, &tg.DeleteWebhookParams{}); err != nil {
		// Polling cannot start while a webhook is set; say so, but try.
		a.Log.Warn("deleteWebhook failed", "err", err)
	}
	return a.runner.Run(ctx, a.API), nil
}
