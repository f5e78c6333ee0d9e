// Package webhook takes updates from Telegram's webhook: the Receiver
// answers Telegram's POSTs, queueing each update in Redis before it says
// 200, and the Consumer, in every replica, takes chats off that queue and
// handles their updates in order (storage.WebhookQueue holds the queue and
// its invariant: a chat with updates waiting is held by one instance at
// most).
//
// What 200 means: the update is in Redis (on disk, when Redis runs
// appendonly yes with appendfsync always), so a crash of any replica after
// it loses nothing Telegram was told was received. Any other answer makes
// Telegram send the update again later.
package webhook

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/forumbot/forumbot/bot"
	"github.com/forumbot/forumbot/storage"
)

// SecretHeader carries setWebhook's secret_token in every POST Telegram
// makes.
const SecretHeader = "X-Telegram-Bot-Api-Secret-Token"

// MaxBody bounds a POST's body: an update is a few kilobytes, and a long
// message with entities well under this.
const MaxBody = 1 << 20

// enqueueTimeout bounds the Redis write behind one answer: Telegram waits
// for the answer, and a stuck Redis should turn into a 503 (a retry later),
// not a connection held open.
const enqueueTimeout = 10 * time.Second

// Receiver answers the webhook's POSTs.
type Receiver struct {
	Secret string // WEBHOOK_SECRET: a POST without it is refused (403)
	Queue  *storage.WebhookQueue
	// Ignore is called, instead of queueing, for an update that belongs to
	// no chat (bot.ChatKey 0): the pipeline handles none of those, so it
	// only counts them.
	Ignore func(context.Context, *models.Update)
	Log    *slog.Logger
}

// ServeHTTP answers one POST: 403 without the right secret, 413 for a body
// over MaxBody, 400 for a body that is not an update, 503 when Redis did
// not take it (Telegram retries), 200 once it is queued or was queued
// before.
func (rc *Receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "POST only", http.StatusMethodNotAllowed)
		return
	}
	// Constant time: the comparison must not tell how much of a guess was
	// right.
	if subtle.ConstantTimeCompare([]byte(r.Header.Get(SecretHeader)), []byte(rc.Secret)) != 1 {
		rc.Log.Warn("webhook request without the right secret token refused", "remote", r.RemoteAddr)
		http.Error(w, "forbidden", http.StatusForbidden)
		return
	}
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			rc.Log.Warn("webhook body over the limit refused", "limit", MaxBody)
			http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "cannot read the body", http.StatusBadRequest)
		return
	}
	var upd models.Update
	if err := json.Unmarshal(raw, &upd); err != nil || upd.ID <= 0 {
		// Never the content: it may hold a user's message.
		rc.Log.Warn("webhook body is not an update", "bytes", len(raw))
		http.Error(w, "not an update", http.StatusBadRequest)
		return
	}
	chatID, _ := bot.ChatKey(&upd)
	if chatID == 0 {
		rc.Ignore(r.Context(), &upd)
		w.WriteHeader(http.StatusOK)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), enqueueTimeout)
	defer cancel()
	queued, err := rc.Queue.Enqueue(ctx, upd.ID, chatID, raw)
	if err != nil {
		rc.Log.Error("cannot queue a webhook update: answered 503, Telegram will send it again",
			"update_id", upd.ID, "err", err)
		http.Error(w, "try again later", http.StatusServiceUnavailable)
		return
	}
	if !queued {
		rc.Log.Info("webhook update sent again, queued before", "update_id", upd.ID)
	}
	w.WriteHeader(http.StatusOK)
}
