package fakeapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-telegram/bot"
)

const testToken = "123456:test-token"

var alice = User{ID: 1001, FirstName: "Alice", Username: "alice", LanguageCode: "en"}

func newStrict(t testing.TB) *Server {
	t.Helper()
	srv := New(Options{Spec: SpecForTest(t), Token: testToken})
	t.Cleanup(srv.Close)
	return srv
}

func newClient(t testing.TB, srv *Server) *bot.Bot {
	t.Helper()
	b, err := bot.New(testToken, bot.WithServerURL(srv.URL()), bot.WithSkipGetMe())
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func testCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// apiReply is a decoded Bot API answer.
type apiReply struct {
	Status      int
	OK          bool            `json:"ok"`
	Result      json.RawMessage `json:"result"`
	ErrorCode   int             `json:"error_code"`
	Description string          `json:"description"`
	Parameters  struct {
		RetryAfter      int   `json:"retry_after"`
		MigrateToChatID int64 `json:"migrate_to_chat_id"`
	} `json:"parameters"`
}

func doRaw(t testing.TB, srv *Server, token, method, contentType string, body io.Reader) apiReply {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, srv.URL()+"/bot"+token+"/"+method, body)
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	var r apiReply
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatalf("%s: undecodable answer %q: %v", method, data, err)
	}
	r.Status = resp.StatusCode
	return r
}

// postForm sends a multipart/form-data call the way go-telegram/bot does.
func postForm(t testing.TB, srv *Server, method string, fields map[string]string) apiReply {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range fields {
		if err := w.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return doRaw(t, srv, testToken, method, w.FormDataContentType(), &buf)
}

func postURLEncoded(t testing.TB, srv *Server, method string, vals url.Values) apiReply {
	t.Helper()
	return doRaw(t, srv, testToken, method, "application/x-www-form-urlencoded", strings.NewReader(vals.Encode()))
}

func postJSON(t testing.TB, srv *Server, method string, body string) apiReply {
	t.Helper()
	return doRaw(t, srv, testToken, method, "application/json", strings.NewReader(body))
}

// wantBad asserts a 400 whose description contains want, recorded as a
// violation of method.
func wantBad(t testing.TB, srv *Server, r apiReply, method, want string) {
	t.Helper()
	if r.OK || r.Status != http.StatusBadRequest || r.ErrorCode != http.StatusBadRequest {
		t.Fatalf("want 400 %q, got status %d ok=%v code=%d %q", want, r.Status, r.OK, r.ErrorCode, r.Description)
	}
	if !strings.HasPrefix(r.Description, "Bad Request: ") || !strings.Contains(r.Description, want) {
		t.Fatalf("description %q does not contain %q", r.Description, want)
	}
	wantViolation(t, srv, method, want)
}

func wantViolation(t testing.TB, srv *Server, method, want string) {
	t.Helper()
	for _, err := range srv.Violations() {
		var v *Violation
		if errors.As(err, &v) && v.Method == method && strings.Contains(v.Err.Description, want) {
			return
		}
	}
	t.Fatalf("no violation of %s containing %q in %v", method, want, srv.Violations())
}

// wantRefused checks a bad request that Telegram gives a correct bot too
// (an edit that changes nothing): an error, but no violation.
func wantRefused(t testing.TB, srv *Server, err error, method, want string) {
	t.Helper()
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("%s: want an error containing %q, got %v", method, want, err)
	}
	for _, v := range srv.Violations() {
		if strings.Contains(v.Error(), want) {
			t.Fatalf("%s: %q recorded as a violation", method, want)
		}
	}
}

func wantNoViolations(t testing.TB, srv *Server) {
	t.Helper()
	if v := srv.Violations(); len(v) != 0 {
		t.Fatalf("unexpected violations: %v", v)
	}
}

// fakeClock is a settable clock safe to share with the server goroutines.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock(t time.Time) *fakeClock { return &fakeClock{now: t} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}
