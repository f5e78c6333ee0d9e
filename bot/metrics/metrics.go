// Package metrics is the bot's instrumentation for Prometheus: updates
// handled, handler latency, Bot API calls, broadcast sends, the
// dispatcher's queue and Redis errors, on a registry of the app's own (so
// tests and several apps in one process never collide).
//
// No metric carries a chat id, a user id or any text: labels are the
// update's type, an outcome, a Bot API method name (checked to look like
// one) and nothing else, which bounds both cardinality and personal data.
package metrics

import (
	"context"
	"errors"
	"net"
	"net/http"
	"path"
	"strings"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/redis/go-redis/v9"
)

// Outcomes of an update.
const (
	UpdateOK        = "ok"
	UpdateDuplicate = "duplicate"
	UpdateError     = "error"
	UpdatePanic     = "panic"
	UpdateIgnored   = "ignored" // no chat, or a command for another bot
)

// Metrics holds the collectors of one app. A nil *Metrics is valid and
// records nothing, so code under test may run without it.
type Metrics struct {
	Registry *prometheus.Registry

	updates     *prometheus.CounterVec
	latency     *prometheus.HistogramVec
	apiCalls    *prometheus.CounterVec
	floodWaits  prometheus.Counter
	broadcast   *prometheus.CounterVec
	redisErrors prometheus.Counter

	lastAPIOK atomic.Int64 // unix nanoseconds of the last Bot API call answered 2xx
}

// New makes the collectors and registers them, with Go's runtime and the
// process's own, on a new registry.
func New() *Metrics {
	m := &Metrics{
		Registry: prometheus.NewRegistry(),
		updates: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "forumbot_updates_total",
			Help: "Updates handled, by type (message, callback_query, my_chat_member, other) and outcome (ok, duplicate, error, panic, ignored).",
		}, []string{"type", "outcome"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "forumbot_update_duration_seconds",
			Help:    "Time to handle one update (Redis and Bot API calls included), by type; duplicates and ignored updates are not observed.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"type"}),
		apiCalls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "forumbot_bot_api_calls_total",
			Help: "Bot API requests, by method and outcome (ok, 429, 403, 400, 5xx, network, other).",
		}, []string{"method", "outcome"}),
		floodWaits: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "forumbot_bot_api_429_total",
			Help: "Bot API requests answered 429 Too Many Requests (flood control).",
		}),
		broadcast: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "forumbot_broadcast_sends_total",
			Help: "Broadcast deliveries recorded by this process, by outcome (sent, blocked, failed, retry, limited, migrate).",
		}, []string{"outcome"}),
		redisErrors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "forumbot_redis_errors_total",
			Help: "Redis commands, pipelines and connections that failed (a missing key is not an error).",
		}),
	}
	m.Registry.MustRegister(m.updates, m.latency, m.apiCalls, m.floodWaits, m.broadcast, m.redisErrors,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Handler serves the registry in Prometheus' exposition format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{Registry: m.Registry})
}

// QueueDepth exports depth (the updates queued or being handled) as the
// gauge forumbot_dispatcher_queue_depth, read at each scrape.
func (m *Metrics) QueueDepth(depth func() int) {
	if m == nil {
		return
	}
	m.Registry.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "forumbot_dispatcher_queue_depth",
		Help: "Updates received and not yet finished (queued in the dispatcher or being handled).",
	}, func() float64 { return float64(depth()) }))
}

// PollLeader exports leading (whether this process holds the poll lease
// and polls) as the gauge forumbot_poll_leader, read at each scrape: of
// several replicas exactly one should say 1.
func (m *Metrics) PollLeader(leading func() bool) {
	if m == nil {
		return
	}
	m.Registry.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "forumbot_poll_leader",
		Help: "1 while this process holds the poll lease and polls for updates, 0 while it stands by.",
	}, func() float64 {
		if leading() {
			return 1
		}
		return 0
	}))
}

// WebhookQueue exports the webhook's queue in Redis (shared by every
// replica), read once per scrape: forumbot_webhook_ready_chats,
// forumbot_webhook_claimed_chats and forumbot_webhook_pending_updates.
// depth returns ok false when Redis did not answer (nothing is exported).
func (m *Metrics) WebhookQueue(depth func() (ready, claimed, pending float64, ok bool)) {
	if m == nil {
		return
	}
	m.Registry.MustRegister(webhookCollector(depth))
}

var (
	webhookReadyDesc = prometheus.NewDesc("forumbot_webhook_ready_chats",
		"Chats with webhook updates queued in Redis that no replica holds yet.", nil, nil)
	webhookClaimedDesc = prometheus.NewDesc("forumbot_webhook_claimed_chats",
		"Chats held by replicas (handling their updates, or held by a crashed replica until its heartbeat expires).", nil, nil)
	webhookPendingDesc = prometheus.NewDesc("forumbot_webhook_pending_updates",
		"Webhook updates answered 200 to Telegram and not yet handled.", nil, nil)
)

type webhookCollector func() (ready, claimed, pending float64, ok bool)

func (c webhookCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- webhookReadyDesc
	ch <- webhookClaimedDesc
	ch <- webhookPendingDesc
}

func (c webhookCollector) Collect(ch chan<- prometheus.Metric) {
	ready, claimed, pending, ok := c()
	if !ok {
		return
	}
	ch <- prometheus.MustNewConstMetric(webhookReadyDesc, prometheus.GaugeValue, ready)
	ch <- prometheus.MustNewConstMetric(webhookClaimedDesc, prometheus.GaugeValue, claimed)
	ch <- prometheus.MustNewConstMetric(webhookPendingDesc, prometheus.GaugeValue, pending)
}

// Update records one handled update: its type, outcome and how long it
// took.
func (m *Metrics) Update(kind, outcome string, took time.Duration) {
	if m == nil {
		return
	}
	m.updates.WithLabelValues(kind, outcome).Inc()
	if outcome != UpdateDuplicate && outcome != UpdateIgnored {
		m.latency.WithLabelValues(kind).Observe(took.Seconds())
	}
}

// Broadcast records the outcome of one broadcast delivery.
func (m *Metrics) Broadcast(outcome string) {
	if m == nil {
		return
	}
	m.broadcast.WithLabelValues(outcome).Inc()
}

// LastAPISuccess is when a Bot API call was last answered with success
// (zero if never).
func (m *Metrics) LastAPISuccess() time.Time {
	if m == nil {
		return time.Time{}
	}
	n := m.lastAPIOK.Load()
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n)
}

// Transport counts every Bot API request that passes through next — the
// poller's getUpdates, the handlers' replies, the broadcasts — by method
// and outcome, and notes the time of the last success.
func (m *Metrics) Transport(next http.RoundTripper) http.RoundTripper {
	if m == nil {
		return next
	}
	return &transport{m: m, next: next}
}

type transport struct {
	m    *Metrics
	next http.RoundTripper
}

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(req)
	method := MethodOf(req.URL.Path)
	var outcome string
	switch {
	case err != nil:
		if req.Context().Err() != nil {
			// Cancelled by the bot itself (a stop, a timeout of its own):
			// says nothing about the Bot API.
			if errors.Is(req.Context().Err(), context.Canceled) {
				return resp, err
			}
		}
		outcome = "network"
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		outcome = "ok"
		t.m.lastAPIOK.Store(time.Now().UnixNano())
	case resp.StatusCode == http.StatusTooManyRequests:
		outcome = "429"
		t.m.floodWaits.Inc()
	case resp.StatusCode == http.StatusForbidden:
		outcome = "403"
	case resp.StatusCode == http.StatusBadRequest:
		outcome = "400"
	case resp.StatusCode >= 500:
		outcome = "5xx"
	default:
		outcome = "other"
	}
	t.m.apiCalls.WithLabelValues(method, outcome).Inc()
	return resp, err
}

// MethodOf is the Bot API method of a request path (/bot<token>/sendMessage
// → sendMessage), or "other" when the last element does not look like a
// method name: the label never carries the token or anything unbounded.
func MethodOf(p string) string {
	m := path.Base(p)
	if len(m) == 0 || len(m) > 40 {
		return "other"
	}
	for _, r := range m {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return "other"
		}
	}
	return m
}

// RedisHook counts failed Redis commands, pipelines and dials. Add it to
// the store's client: client.AddHook(m.RedisHook()).
func (m *Metrics) RedisHook() redis.Hook { return redisHook{m} }

type redisHook struct{ m *Metrics }

func (h redisHook) count(err error) {
	if h.m == nil || err == nil || errors.Is(err, redis.Nil) || errors.Is(err, context.Canceled) {
		return
	}
	// A script not cached yet is loaded and run again by go-redis: not a
	// failure.
	if strings.HasPrefix(err.Error(), "NOSCRIPT") {
		return
	}
	h.m.redisErrors.Inc()
}

func (h redisHook) DialHook(next redis.DialHook) redis.DialHook {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := next(ctx, network, addr)
		h.count(err)
		return c, err
	}
}

// handshake reports whether cmd is part of a new connection's handshake,
// whose refusals go-redis expects and ignores (CLIENT SETINFO before Redis
// 7.2, HELLO before Redis 6).
func handshake(cmd redis.Cmder) bool {
	switch strings.ToLower(cmd.Name()) {
	case "client", "hello":
		return true
	}
	return false
}

func (h redisHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		err := next(ctx, cmd)
		if !handshake(cmd) {
			h.count(err)
		}
		return err
	}
}

func (h redisHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		err := next(ctx, cmds)
		if err != nil {
			// One count for the round trip, if a command failed (not
			// a missing key, not the handshake), or the connection did.
			var failed error
			anyCmdErr := false
			for _, c := range cmds {
				if c.Err() == nil {
					continue
				}
				anyCmdErr = true
				if !handshake(c) && !errors.Is(c.Err(), redis.Nil) {
					failed = c.Err()
					break
				}
			}
			if !anyCmdErr {
				failed = err
			}
			h.count(failed)
		}
		return err
	}
}
