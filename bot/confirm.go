package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	tg "github.com/go-telegram/bot"
)

// confirmingClient is the HTTP client the poller talks to the Bot API
// through. A getUpdates call with offset N tells Telegram to forget every
// update below N; go-telegram/bot makes that call as soon as it has handed
// the previous batch over, before the batch is handled. This client holds
// the call back until every update below N has been handled, so a process
// killed at any moment loses no update Telegram still had: what was not
// handled is delivered again to the next process (and de-duplicated in
// Redis if it was half done). The price is that the poller fetches a new
// batch only when the previous one is finished; different chats in a batch
// still run concurrently.
//
// It also keeps the poller to Telegram's flood control: go-telegram/bot
// retries a failed getUpdates after its own backoff (0.1 s doubling to
// 5 s, enough for 5xx and timeouts) and ignores a 429's retry_after; the
// next getUpdates after a 429 waits here until retry_after has passed.
type confirmingClient struct {
	next tg.HttpClient
	seen *received
	disp *Dispatcher

	mu        sync.Mutex
	notBefore time.Time // no getUpdates before this (a 429's retry_after)
}

func (c *confirmingClient) Do(req *http.Request) (*http.Response, error) {
	if !strings.HasSuffix(req.URL.Path, "/getUpdates") || req.Body == nil {
		return c.next.Do(req)
	}
	body, err := io.ReadAll(req.Body)
	req.Body.Close()
	if err != nil {
		return nil, err
	}
	req.Body = io.NopCloser(bytes.NewReader(body))
	req.ContentLength = int64(len(body))
	req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }

	offset, err := formInt(req.Header.Get("Content-Type"), body, "offset")
	if err != nil {
		return nil, fmt.Errorf("getUpdates: %w", err)
	}
	// Every update below offset must have reached the dispatcher (the
	// library hands the last one over just before it polls again) and
	// then have been handled.
	if err := c.seen.waitFor(req.Context(), offset-1); err != nil {
		return nil, err
	}
	if err := c.disp.WaitIdle(req.Context()); err != nil {
		return nil, err
	}
	if err := c.waitFloodControl(req.Context()); err != nil {
		return nil, err
	}
	resp, err := c.next.Do(req)
	if err == nil && resp.StatusCode == http.StatusTooManyRequests {
		c.noteRetryAfter(resp)
	}
	return resp, err
}

// waitFloodControl waits out the retry_after of the last 429.
func (c *confirmingClient) waitFloodControl(ctx context.Context) error {
	c.mu.Lock()
	wait := time.Until(c.notBefore)
	c.mu.Unlock()
	if wait <= 0 {
		return nil
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// maxPollRetryAfter bounds a retry_after the poller honours, against a
// garbled answer stopping it for hours.
const maxPollRetryAfter = 5 * time.Minute

// noteRetryAfter reads a 429's parameters.retry_after and leaves the body
// for the library to read again.
func (c *confirmingClient) noteRetryAfter(resp *http.Response) {
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if err != nil {
		return
	}
	var answer struct {
		Parameters struct {
			RetryAfter int `json:"retry_after"`
		} `json:"parameters"`
	}
	if json.Unmarshal(body, &answer) != nil || answer.Parameters.RetryAfter <= 0 {
		return
	}
	wait := min(time.Duration(answer.Parameters.RetryAfter)*time.Second, maxPollRetryAfter)
	c.mu.Lock()
	c.notBefore = time.Now().Add(wait)
	c.mu.Unlock()
}

// formInt reads an integer field of a multipart form; 0 when absent.
func formInt(contentType string, body []byte, field string) (int64, error) {
	_, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return 0, err
	}
	mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return 0, nil
		}
		if err != nil {
			return 0, err
		}
		if p.FormName() != field {
			continue
		}
		v, err := io.ReadAll(p)
		if err != nil {
			return 0, err
		}
		return strconv.ParseInt(strings.TrimSpace(string(v)), 10, 64)
	}
}

// received is the highest update id the runner has queued.
type received struct {
	mu   sync.Mutex
	max  int64
	wake chan struct{} // closed and replaced whenever max grows
}

func newReceived() *received { return &received{wake: make(chan struct{})} }

func (r *received) add(id int64) {
	r.mu.Lock()
	if id > r.max {
		r.max = id
		close(r.wake)
		r.wake = make(chan struct{})
	}
	r.mu.Unlock()
}

// waitFor waits until an update with id ≥ id was queued.
func (r *received) waitFor(ctx context.Context, id int64) error {
	for {
		r.mu.Lock()
		if r.max >= id {
			r.mu.Unlock()
			return nil
		}
		wake := r.wake
		r.mu.Unlock()
		select {
		case <-wake:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}
