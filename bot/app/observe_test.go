package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/go-telegram/bot/models"

	"github.com/forumbot/forumbot/bot"
	"github.com/forumbot/forumbot/bot/app"
	"github.com/forumbot/forumbot/bot/fakeapi"
	"github.com/forumbot/forumbot/storage/redistest"
)

// get fetches path from the app's LISTEN_ADDR server.
func (h *harness) get(path string) (int, string) {
	h.t.Helper()
	resp, err := http.Get("http://" + h.app.HTTPAddr() + path)
	if err != nil {
		h.t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		h.t.Fatalf("GET %s: %v", path, err)
	}
	return resp.StatusCode, string(body)
}

// scrape reads /metrics as Prometheus would.
func (h *harness) scrape() (map[string]*dto.MetricFamily, string) {
	h.t.Helper()
	code, body := h.get("/metrics")
	if code != http.StatusOK {
		h.t.Fatalf("/metrics answered %d: %s", code, body)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(strings.NewReader(body))
	if err != nil {
		h.t.Fatalf("/metrics is not Prometheus' text format: %v", err)
	}
	return fams, body
}

// metric sums the samples of the counter or gauge name whose labels
// include labels.
func metric(fams map[string]*dto.MetricFamily, name string, labels ...string) float64 {
	fam, ok := fams[name]
	if !ok {
		return 0
	}
	var sum float64
next:
	for _, m := range fam.GetMetric() {
		for i := 0; i+1 < len(labels); i += 2 {
			found := false
			for _, lp := range m.GetLabel() {
				if lp.GetName() == labels[i] && lp.GetValue() == labels[i+1] {
					found = true
				}
			}
			if !found {
				continue next
			}
		}
		switch {
		case m.Counter != nil:
			sum += m.GetCounter().GetValue()
		case m.Gauge != nil:
			sum += m.GetGauge().GetValue()
		case m.Histogram != nil:
			sum += float64(m.GetHistogram().GetSampleCount())
		}
	}
	return sum
}

// waitMetric scrapes until name (with labels) reaches at least want.
func (h *harness) waitMetric(want float64, name string, labels ...string) map[string]*dto.MetricFamily {
	h.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		fams, _ := h.scrape()
		got := metric(fams, name, labels...)
		if got >= want {
			return fams
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("%s%v is %v, want %v", name, labels, got, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitStatus polls path until it answers code, and returns the body.
func (h *harness) waitStatus(path string, code int, within time.Duration) string {
	h.t.Helper()
	deadline := time.Now().Add(within)
	for {
		got, body := h.get(path)
		if got == code {
			return body
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("%s answered %d (%q) for %s, want %d", path, got, strings.TrimSpace(body), within, code)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// The probes and the metrics, end to end: the real app on the strict
// double and redis-server, scraped over HTTP.
func TestProbesAndMetrics(t *testing.T) {
	h := newHarness(t)
	h.readyWindow = 3 * time.Second
	h.start()

	if code, body := h.get("/healthz"); code != http.StatusOK || strings.TrimSpace(body) != "ok" {
		t.Fatalf("/healthz: %d %q", code, body)
	}
	// getMe at the start reached the Bot API and Redis answers.
	h.waitStatus("/readyz", http.StatusOK, 5*time.Second)

	before, _ := h.scrape()
	base := metric(before, "forumbot_updates_total", "type", "message")
	const n = 5
	users := make([]fakeapi.User, n)
	for i := range users {
		users[i] = user(int64(610001+i), "en")
		h.say(users[i], "/start", "")
	}
	fams := h.waitMetric(base+n, "forumbot_updates_total", "type", "message", "outcome", "ok")
	if got := metric(fams, "forumbot_updates_total", "type", "message"); got != base+n {
		t.Errorf("updates_total of messages went from %v to %v after %d messages", base, got, n)
	}
	if got := metric(fams, "forumbot_update_duration_seconds", "type", "message"); got < n {
		t.Errorf("the latency histogram observed %v messages, want at least %d", got, n)
	}
	if got := metric(fams, "forumbot_bot_api_calls_total", "method", "sendMessage", "outcome", "ok"); got < n {
		t.Errorf("sendMessage ok calls: %v, want at least %d", got, n)
	}
	if got := metric(fams, "forumbot_bot_api_calls_total", "method", "getUpdates", "outcome", "ok"); got < 1 {
		t.Errorf("getUpdates ok calls: %v", got)
	}
	if _, ok := fams["forumbot_dispatcher_queue_depth"]; !ok {
		t.Error("no forumbot_dispatcher_queue_depth gauge")
	}
	for _, name := range []string{"forumbot_broadcast_jobs", "forumbot_broadcast_recipients_remaining", "forumbot_notices_pending"} {
		if _, ok := fams[name]; !ok {
			t.Errorf("no %s gauge", name)
		}
	}
	if got := metric(fams, "forumbot_redis_errors_total"); got != 0 {
		t.Errorf("redis errors: %v on a healthy Redis", got)
	}

	// A re-delivered update counts as a duplicate, not as handled twice.
	id := h.api.SendText(users[0], "/help")
	h.waitMetric(base+n+1, "forumbot_updates_total", "type", "message")
	h.api.Redeliver(id)
	h.waitMetric(1, "forumbot_updates_total", "type", "message", "outcome", "duplicate")

	// A 429 the reply waits out shows in the 429 counter.
	limited := metric(fams, "forumbot_bot_api_429_total")
	h.api.Inject(fakeapi.Fault{Method: "sendMessage", Code: 429, RetryAfter: 1, Times: 1})
	h.say(users[1], "/help", "")
	fams = h.waitMetric(limited+1, "forumbot_bot_api_429_total")
	if got := metric(fams, "forumbot_bot_api_calls_total", "method", "sendMessage", "outcome", "429"); got != 1 {
		t.Errorf("sendMessage calls answered 429: %v, want 1", got)
	}

	// No label carries a chat id, a user id or a token.
	_, body := h.scrape()
	for _, u := range users {
		if strings.Contains(body, strconv.FormatInt(u.ID, 10)) {
			t.Errorf("/metrics holds user id %d", u.ID)
		}
	}
	if strings.Contains(body, testToken) || strings.Contains(body, "test-token") {
		t.Error("/metrics holds the bot token")
	}

	// The Bot API fails (every getUpdates answered 502): not ready once
	// the window passes without a success, ready again when it recovers.
	h.api.Inject(fakeapi.Fault{Method: "getUpdates", Code: 502})
	reason := h.waitStatus("/readyz", http.StatusServiceUnavailable, 10*time.Second)
	if !strings.Contains(reason, "Bot API") {
		t.Errorf("/readyz's reason: %q", reason)
	}
	if code, _ := h.get("/healthz"); code != http.StatusOK {
		t.Errorf("/healthz answered %d while the Bot API fails: the process is alive", code)
	}
	fams, _ = h.scrape()
	if got := metric(fams, "forumbot_bot_api_calls_total", "method", "getUpdates", "outcome", "5xx"); got < 1 {
		t.Errorf("getUpdates answered 5xx: %v", got)
	}
	h.api.ClearFaults()
	h.waitStatus("/readyz", http.StatusOK, 15*time.Second)
	h.say(users[2], "/help", "") // and the bot answers again

	// A stop: not ready any more, then the server is gone.
	addr := h.app.HTTPAddr()
	if err := h.stop(); err != nil {
		t.Fatal(err)
	}
	if _, err := http.Get("http://" + addr + "/healthz"); err == nil {
		t.Error("the HTTP server still answers after Run returned")
	}
}

// A broadcast's deliveries show in the broadcast counters.
func TestBroadcastMetrics(t *testing.T) {
	t.Parallel()
	h := newHarness(t, withOrganizer).startFast()
	fams, _ := h.scrape()
	if got := metric(fams, "forumbot_broadcast_sends_total"); got != 0 {
		t.Fatalf("broadcast sends before any broadcast: %v", got)
	}
	a, b, c := user(2201, "en"), user(2202, "en"), user(2203, "en")
	for _, u := range []fakeapi.User{a, b, c} {
		h.subscribeAnnouncements(u, "Your subscriptions", "Announcements of organizers", "Saved.")
	}
	h.api.Inject(fakeapi.Fault{Method: "copyMessage", ChatID: c.ID, Code: 403, Times: 1}) // c blocked the bot
	org := fakeapi.User{ID: organizerID, FirstName: "Org", LanguageCode: "en"}
	h.say(org, "/broadcast", "Send me the message to broadcast")
	m := h.bcSend(org, models.Message{Text: "Metrics are counted"}, "New broadcast")
	mk := h.mark(org.ID)
	h.api.PressButton(org, m.ID, button(t, m, "All subscribers").CallbackData)
	preview := h.waitAfter(org.ID, mk, "3 recipients", "Send it now")
	h.press(org, preview, "Send now", "Broadcast #1")
	h.waitText(org.ID, "Broadcast #1 is finished")

	fams = h.waitMetric(2, "forumbot_broadcast_sends_total", "outcome", "sent")
	if got := metric(fams, "forumbot_broadcast_sends_total", "outcome", "sent"); got != 2 {
		t.Errorf("sent: %v, want 2", got)
	}
	if got := metric(fams, "forumbot_broadcast_sends_total", "outcome", "blocked"); got != 1 {
		t.Errorf("blocked: %v, want 1", got)
	}
	if got := metric(fams, "forumbot_bot_api_calls_total", "method", "copyMessage", "outcome", "403"); got != 1 {
		t.Errorf("copyMessage answered 403: %v, want 1", got)
	}
}

// lines are the JSON log lines written to a buffer.
func jsonLines(t *testing.T, raw string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(raw), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("a log line is not JSON: %q: %v", line, err)
		}
		out = append(out, rec)
	}
	return out
}

// A run's logs in JSON (LOG_FORMAT=json, at debug level, with the Bot API
// failing now and then) never hold the bot token or what users wrote.
func TestJSONLogsHoldNoTokenOrText(t *testing.T) {
	h := newHarness(t)
	logs := &lockedBuffer{}
	h.log = slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	h.start()

	u := user(620001, "ru")
	secrets := []string{testToken, strings.SplitN(testToken, ":", 2)[1]}
	h.say(u, "/start", "")
	for i, text := range []string{"Тараз секретный вопрос", "когда форум в Алматы приватно", "/search конфиденциально"} {
		if i == 1 {
			// Failures make the bot log errors around this text.
			h.api.Inject(fakeapi.Fault{Method: "sendMessage", Code: 502, Times: 1})
		}
		if i == 2 {
			h.api.Inject(fakeapi.Fault{Method: "sendMessage", Code: 400, Description: "Bad Request: chat not found", Times: 1})
		}
		mk := h.mark(u.ID)
		h.api.SendText(u, text)
		if i < 2 {
			h.waitAfter(u.ID, mk)
		} else {
			h.waitMetric(1, "forumbot_updates_total", "outcome", "error")
		}
		secrets = append(secrets, text, strings.Fields(text)[1])
	}
	if err := h.stop(); err != nil {
		t.Fatal(err)
	}
	raw := logs.String()
	recs := jsonLines(t, raw)
	if len(recs) < 5 {
		t.Fatalf("only %d log lines", len(recs))
	}
	warned := false
	for _, r := range recs {
		if r["level"] == "WARN" || r["level"] == "ERROR" {
			warned = true
		}
		for _, k := range []string{"time", "level", "msg"} {
			if _, ok := r[k]; !ok {
				t.Errorf("a log line without %q: %v", k, r)
			}
		}
	}
	if !warned {
		t.Error("the failures were not logged: the test did not look at error lines")
	}
	for _, s := range secrets {
		if strings.Contains(raw, s) {
			i := strings.Index(raw, s)
			t.Errorf("the log holds %q: …%s…", s, raw[max(0, i-200):min(len(raw), i+len(s)+50)])
		}
	}
	// And JSON escaping hides nothing: the same check on decoded values.
	var decoded bytes.Buffer
	for _, r := range recs {
		fmt.Fprintln(&decoded, r)
	}
	for _, s := range secrets {
		if strings.Contains(decoded.String(), s) {
			t.Errorf("a decoded log value holds %q", s)
		}
	}
}

// A LISTEN_ADDR in use stops the start with one line that names it; off,
// there is no server.
func TestListenAddrInUseAndOff(t *testing.T) {
	t.Parallel()
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	h := newHarness(t, func(c *bot.Config) { c.ListenAddr = busy.Addr().String() })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err = app.New(ctx, app.Options{Config: h.cfg, Log: logger(t), PollTimeout: 2 * time.Second})
	if err == nil || !strings.Contains(err.Error(), "LISTEN_ADDR="+busy.Addr().String()) {
		t.Fatalf("app.New with LISTEN_ADDR in use: %v", err)
	}

	off := newHarness(t, func(c *bot.Config) { c.ListenAddr = "" }).start()
	if addr := off.app.HTTPAddr(); addr != "" {
		t.Errorf("LISTEN_ADDR off, yet serving on %s", addr)
	}
	off.say(user(630001, "en"), "/start", "")
	if err := off.stop(); err != nil {
		t.Fatal(err)
	}
}

// /readyz follows Redis: 503 while it is down (and the failures counted),
// 200 again once it is back, and the bot answers again.
func TestReadyzFollowsRedis(t *testing.T) {
	t.Parallel()
	rs := redistest.Start(t, false)
	h := newHarness(t, func(c *bot.Config) { c.RedisURL = "redis://" + rs.Addr() + "/0" }).start()
	h.waitStatus("/readyz", http.StatusOK, 5*time.Second)

	rs.Stop()
	if reason := h.waitStatus("/readyz", http.StatusServiceUnavailable, 10*time.Second); !strings.Contains(reason, "redis does not answer PING") {
		t.Errorf("/readyz's reason: %q", reason)
	}
	if code, _ := h.get("/healthz"); code != http.StatusOK {
		t.Errorf("/healthz answered %d while Redis is down", code)
	}
	h.waitMetric(1, "forumbot_redis_errors_total")

	rs.Restart()
	h.waitStatus("/readyz", http.StatusOK, 15*time.Second)
	h.say(user(640001, "en"), "/start", "")
}
