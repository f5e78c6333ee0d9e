package bot

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"sync"

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
type confirmingClient struct {
	next tg.HttpClient
	seen *received
	disp *Dispatcher
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
	return c.next.Do(req)
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
