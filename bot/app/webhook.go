package app

import (
	"context"
	"errors"
)

// runWebhook serves the webhook until ctx is cancelled.
func (a *App) runWebhook(ctx context.Context) (int, error) {
	return 0, errors.New("MODE=webhook is not available yet")
}
