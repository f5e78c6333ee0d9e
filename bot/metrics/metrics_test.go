package metrics

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/redis/go-redis/v9"
)

func TestNilRecordsNothing(t *testing.T) {
	var m *Metrics
	m.Update("message", UpdateOK, time.Second)
	m.Broadcast("sent")
	m.QueueDepth(func() int { return 1 })
	if !m.LastAPISuccess().IsZero() {
		t.Error("a nil Metrics saw a Bot API call")
	}
	if m.Transport(http.DefaultTransport) != http.DefaultTransport {
		t.Error("a nil Metrics wrapped the transport")
	}
}

// Two apps in one process have registries of their own.
func TestRegistriesDoNotCollide(t *testing.T) {
	a, b := New(), New()
	a.QueueDepth(func() int { return 3 })
	b.QueueDepth(func() int { return 4 })
	a.Update("message", UpdateOK, time.Millisecond)
	if got := testutil.ToFloat64(a.updates.WithLabelValues("message", UpdateOK)); got != 1 {
		t.Errorf("a: %v", got)
	}
	if got := testutil.ToFloat64(b.updates.WithLabelValues("message", UpdateOK)); got != 0 {
		t.Errorf("b counted a's update: %v", got)
	}
}

func TestMethodOf(t *testing.T) {
	for path, want := range map[string]string{
		"/bot123:abc/sendMessage":                "sendMessage",
		"/bot123:abc/getUpdates":                 "getUpdates",
		"/bot123:abc/":                           "other",
		"/file/bot123:abc/photos/1.jpg":          "other",
		"/bot123:abc/" + strings.Repeat("a", 41): "other",
		"/bot123:abc/send-message":               "other",
	} {
		if got := MethodOf(path); got != want {
			t.Errorf("MethodOf(%q) = %q, want %q", path, got, want)
		}
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestTransportOutcomes(t *testing.T) {
	m := New()
	status := 0
	var fail error
	tr := m.Transport(roundTripFunc(func(r *http.Request) (*http.Response, error) {
		if fail != nil {
			return nil, fail
		}
		return &http.Response{StatusCode: status, Body: io.NopCloser(strings.NewReader("{}"))}, nil
	}))
	call := func(ctx context.Context) {
		req := httptest.NewRequestWithContext(ctx, "POST", "http://api/bot1:secret/sendMessage", nil)
		if resp, err := tr.RoundTrip(req); err == nil {
			resp.Body.Close()
		}
	}
	for _, c := range []struct {
		status  int
		outcome string
	}{{200, "ok"}, {429, "429"}, {403, "403"}, {400, "400"}, {502, "5xx"}, {401, "other"}} {
		status = c.status
		call(context.Background())
		if got := testutil.ToFloat64(m.apiCalls.WithLabelValues("sendMessage", c.outcome)); got != 1 {
			t.Errorf("status %d: %s counted %v", c.status, c.outcome, got)
		}
	}
	if got := testutil.ToFloat64(m.floodWaits); got != 1 {
		t.Errorf("429s: %v", got)
	}
	if time.Since(m.LastAPISuccess()) > time.Minute {
		t.Error("the success was not noted")
	}
	fail = errors.New("connection refused")
	call(context.Background())
	if got := testutil.ToFloat64(m.apiCalls.WithLabelValues("sendMessage", "network")); got != 1 {
		t.Errorf("network: %v", got)
	}
	// A call the bot itself cancelled says nothing about the Bot API.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	fail = context.Canceled
	call(ctx)
	if got := testutil.ToFloat64(m.apiCalls.WithLabelValues("sendMessage", "network")); got != 1 {
		t.Errorf("a cancelled call counted as a network failure: %v", got)
	}
	if n := testutil.CollectAndCount(m.apiCalls); n != 7 {
		t.Errorf("%d series, want 7", n)
	}
}

func TestRedisErrors(t *testing.T) {
	mr := miniredis.RunT(t)
	rdb := redis.NewClient(&redis.Options{Addr: mr.Addr()})
	t.Cleanup(func() { rdb.Close() })
	m := New()
	rdb.AddHook(m.RedisHook())
	ctx := context.Background()
	if err := rdb.Get(ctx, "missing").Err(); !errors.Is(err, redis.Nil) {
		t.Fatal(err)
	}
	if got := testutil.ToFloat64(m.redisErrors); got != 0 {
		t.Errorf("a missing key counted as an error: %v", got)
	}
	rdb.Set(ctx, "s", "text", 0)
	if err := rdb.Incr(ctx, "s").Err(); err == nil {
		t.Fatal("INCR of text succeeded")
	}
	if got := testutil.ToFloat64(m.redisErrors); got != 1 {
		t.Errorf("redis errors: %v, want 1", got)
	}
	pipe := rdb.Pipeline()
	pipe.Get(ctx, "missing")
	pipe.Incr(ctx, "s")
	_, _ = pipe.Exec(ctx)
	if got := testutil.ToFloat64(m.redisErrors); got != 2 {
		t.Errorf("redis errors after a failed pipeline: %v, want 2", got)
	}
	mr.Close()
	_ = rdb.Ping(ctx).Err()
	if got := testutil.ToFloat64(m.redisErrors); got < 3 {
		t.Errorf("redis errors with Redis gone: %v", got)
	}
}

func TestHandlerServesTheRegistry(t *testing.T) {
	m := New()
	m.QueueDepth(func() int { return 7 })
	m.Broadcast("sent")
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body := rec.Body.String()
	for _, want := range []string{"forumbot_dispatcher_queue_depth 7", `forumbot_broadcast_sends_total{outcome="sent"} 1`, "go_goroutines"} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
}
