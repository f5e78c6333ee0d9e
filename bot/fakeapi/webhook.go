package fakeapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"
)

// Webhook delivery, as Telegram does it once setWebhook set a URL: every
// queued update (SendText and the rest) is POSTed to the URL as JSON with
// the X-Telegram-Bot-Api-Secret-Token header, up to max_connections
// requests at a time; an update leaves the queue only when the answer is
// 2xx, and any other answer, a network error or a timeout is retried with
// a growing wait and shows in getWebhookInfo's last_error_date and
// last_error_message. An update of a chat is not posted while an earlier
// update of that chat is unanswered: in-chat order as Telegram keeps it
// (updates of different chats go in parallel).
//
// Telegram posts only to https on ports 443, 80, 88 and 8443; a test
// serves plain http on a loopback port behind that URL, as a load balancer
// terminating TLS would: Options.WebhookTarget maps one to the other.
// Without it the double posts nothing (a test never reaches the network):
// the updates stay queued, as with a webhook Telegram cannot reach.

// webhookPostTimeout is how long the double waits for the bot's answer.
const webhookPostTimeout = 30 * time.Second

// Defaults of the delivery's retries.
const (
	defaultWebhookRetry = time.Second
	webhookRetryMax     = 8 // the wait doubles up to this many times the first
)

// webhookDelivery is the state of delivery, under Server.mu.
type webhookDelivery struct {
	started   bool
	secret    string
	inflight  map[*queuedUpdate]bool
	retryAt   map[*queuedUpdate]time.Time
	tries     map[*queuedUpdate]int
	chatOf    map[*queuedUpdate]int64
	lastError time.Time
	lastMsg   string
	client    *http.Client
	closing   context.Context // ended by Close: posts in flight end at once
}

// webhookSetLocked is called by setWebhook with the new webhook in place:
// it keeps the secret and starts delivering.
func (s *Server) webhookSetLocked(secret string) {
	d := &s.delivery
	d.secret = secret
	if d.started || s.closed || s.webhookTarget == nil {
		return
	}
	d.started = true
	d.inflight = map[*queuedUpdate]bool{}
	d.retryAt = map[*queuedUpdate]time.Time{}
	d.tries = map[*queuedUpdate]int{}
	d.chatOf = map[*queuedUpdate]int64{}
	d.client = &http.Client{Timeout: webhookPostTimeout}
	var cancel context.CancelFunc
	d.closing, cancel = context.WithCancel(context.Background())
	go func() { <-s.done; cancel() }()
	s.inflight.Add(1) // Close waits for the loop
	go s.deliverLoop()
}

// webhookErrorLocked is getWebhookInfo's last_error_date (unix s) and
// last_error_message; zero and "" before any failed delivery.
func (s *Server) webhookErrorLocked() (int, string) {
	if s.delivery.lastError.IsZero() {
		return 0, ""
	}
	return int(s.delivery.lastError.Unix()), s.delivery.lastMsg
}

func (s *Server) deliverLoop() {
	defer s.inflight.Done()
	for {
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			return
		}
		next := s.dispatchWebhookLocked()
		if s.updWake == nil {
			s.updWake = make(chan struct{})
		}
		wake := s.updWake
		s.mu.Unlock()
		var retry <-chan time.Time
		var t *time.Timer
		if !next.IsZero() {
			t = time.NewTimer(time.Until(next))
			retry = t.C
		}
		select {
		case <-wake:
		case <-retry:
		case <-s.done:
		}
		if t != nil {
			t.Stop()
		}
	}
}

// dispatchWebhookLocked starts the posts that may start now and returns
// when the earliest waiting retry is due (zero: none waits).
func (s *Server) dispatchWebhookLocked() time.Time {
	d := &s.delivery
	if s.webhook.url == "" {
		return time.Time{}
	}
	allowed := map[string]bool{}
	for _, k := range s.webhook.allowed {
		allowed[k] = true
	}
	target := s.webhookTarget(s.webhook.url)
	now := time.Now()
	var next time.Time
	blocked := map[int64]bool{} // chats with an earlier update unanswered
	kept := s.queue[:0]
	for _, q := range s.queue {
		if len(allowed) > 0 && !allowed[q.kind] || len(allowed) == 0 && optInKinds[q.kind] {
			continue // Telegram drops what allowed_updates leaves out
		}
		kept = append(kept, q)
		chat, known := d.chatOf[q]
		if !known {
			chat = chatOfUpdate(q)
			d.chatOf[q] = chat
		}
		if chat != 0 && blocked[chat] {
			continue
		}
		blocked[chat] = chat != 0
		if d.inflight[q] {
			continue
		}
		if at := d.retryAt[q]; at.After(now) {
			if next.IsZero() || at.Before(next) {
				next = at
			}
			continue
		}
		if len(d.inflight) >= s.webhook.maxConnections {
			continue
		}
		d.inflight[q] = true
		q.delivered = true
		s.inflight.Add(1)
		go s.post(q, target, d.secret)
	}
	clear(s.queue[len(kept):])
	s.queue = kept
	return next
}

// post delivers one update and records the outcome.
func (s *Server) post(q *queuedUpdate, target, secret string) {
	defer s.inflight.Done()
	failure := ""
	// Close ends the post at once.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stop := context.AfterFunc(s.delivery.closing, cancel)
	defer stop()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(q.raw))
	if err == nil {
		req.Header.Set("Content-Type", "application/json")
		if secret != "" {
			req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
		}
		var resp *http.Response
		resp, err = s.delivery.client.Do(req)
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			_ = resp.Body.Close()
			if resp.StatusCode/100 != 2 {
				failure = "Wrong response from the webhook: " + resp.Status
			}
		}
	}
	if err != nil {
		failure = "Connection failed: " + err.Error()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d := &s.delivery
	delete(d.inflight, q)
	if failure == "" {
		s.dropQueuedLocked(q)
	} else {
		d.tries[q]++
		wait := s.webhookRetry << min(d.tries[q]-1, 3)
		d.retryAt[q] = time.Now().Add(min(wait, webhookRetryMax*s.webhookRetry))
		d.lastError, d.lastMsg = time.Now(), failure
	}
	s.wakePollersLocked() // the loop: a slot and maybe a chat are free
}

// dropQueuedLocked removes a delivered update from the queue.
func (s *Server) dropQueuedLocked(q *queuedUpdate) {
	d := &s.delivery
	delete(d.retryAt, q)
	delete(d.tries, q)
	delete(d.chatOf, q)
	for i, e := range s.queue {
		if e == q {
			s.queue = append(s.queue[:i], s.queue[i+1:]...)
			return
		}
	}
}

// chatOfUpdate is the chat an update belongs to (0: none), as the bot
// orders them.
func chatOfUpdate(q *queuedUpdate) int64 {
	type chat struct {
		Chat struct{ ID int64 } `json:"chat"`
	}
	var u struct {
		Message       *chat `json:"message"`
		EditedMessage *chat `json:"edited_message"`
		CallbackQuery *struct {
			From    struct{ ID int64 } `json:"from"`
			Message *chat              `json:"message"`
		} `json:"callback_query"`
		MyChatMember *chat `json:"my_chat_member"`
		ChatMember   *chat `json:"chat_member"`
	}
	if err := json.Unmarshal(q.raw, &u); err != nil {
		panic(fmt.Sprintf("fakeapi: queued update %d does not decode: %v", q.id, err))
	}
	switch {
	case u.Message != nil:
		return u.Message.Chat.ID
	case u.EditedMessage != nil:
		return u.EditedMessage.Chat.ID
	case u.CallbackQuery != nil && u.CallbackQuery.Message != nil:
		return u.CallbackQuery.Message.Chat.ID
	case u.CallbackQuery != nil:
		return u.CallbackQuery.From.ID
	case u.MyChatMember != nil:
		return u.MyChatMember.Chat.ID
	case u.ChatMember != nil:
		return u.ChatMember.Chat.ID
	}
	return 0
}
