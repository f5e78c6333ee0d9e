package load

import (
	"bytes"
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/forumbot/forumbot/bot/fakeapi"
	"github.com/forumbot/forumbot/storage/redistest"
)

func TestMain(m *testing.M) { redistest.Main(m) }

// checkReport checks that a run answered every update and that its
// numbers agree with each other. It checks no timing. A warm run (one with
// a warm-up) is long enough for every kind of step.
func checkReport(t *testing.T, r *Report, sent int64, warm bool) {
	t.Helper()
	var out bytes.Buffer
	if err := r.Write(&out); err != nil {
		t.Fatal(err)
	}
	t.Logf("report:\n%s", out.String())
	if r.Updates != sent {
		t.Errorf("sent %d updates, want %d", r.Updates, sent)
	}
	if r.Replies != r.Updates || r.Unanswered != 0 || r.ReplyCalls != r.Updates || r.StrayReplies != 0 {
		t.Errorf("sent %d, answered %d, unanswered %d, reply calls %d, stray %d: want one reply per update",
			r.Updates, r.Replies, r.Unanswered, r.ReplyCalls, r.StrayReplies)
	}
	if r.JourneyErrors != 0 || r.BotProblems != 0 || r.APIErrors != 0 || r.Violations != 0 || r.Unacked != 0 {
		t.Errorf("journey errors %d, bot warnings %d, API errors %d, violations %d, unanswered callbacks %d: want none",
			r.JourneyErrors, r.BotProblems, r.APIErrors, r.Violations, r.Unacked)
	}
	for name, p := range map[string]Percentiles{"latency": r.Latency, "from enqueue": r.FromEnqueue, "queue wait": r.QueueWait} {
		if int64(p.N) != r.Replies {
			t.Errorf("%s over %d updates, want %d", name, p.N, r.Replies)
		}
		if !(0 <= p.P50 && p.P50 <= p.P90 && p.P90 <= p.P99 && p.P99 <= p.Max) {
			t.Errorf("%s percentiles out of order: %+v", name, p)
		}
	}
	if r.FromEnqueue.Max < r.Latency.Max {
		t.Errorf("from enqueue max %v below from delivery max %v", r.FromEnqueue.Max, r.Latency.Max)
	}
	n := 0
	for _, k := range kindNames {
		p, ok := r.ByKind[k]
		if !ok && warm {
			t.Errorf("no %s step was taken", k)
		}
		n += p.N
	}
	if int64(n) != r.Replies {
		t.Errorf("latencies by kind count %d, want %d", n, r.Replies)
	}
	if r.Window <= 0 || r.UpdatesPerSec <= 0 || r.GetUpdates < 1 || r.UpdatesPerGet < 1 {
		t.Errorf("window %v, %v updates/s, %d getUpdates, %v updates each", r.Window, r.UpdatesPerSec, r.GetUpdates, r.UpdatesPerGet)
	}
	// A reply per update and an answer per button press at least.
	if r.APICalls < r.Updates || r.APICalls > 3*r.Updates {
		t.Errorf("%d Bot API calls for %d updates", r.APICalls, r.Updates)
	}
	// Redis: the counter's totals, the handshakes and the session's
	// round trips among them, and the session's two round trips per update
	// (Begin, Save) at most.
	if r.RedisCommands < r.RedisRoundTrips || r.RedisHandshakeRT+r.RedisSessionRT > r.RedisRoundTrips {
		t.Errorf("%d commands, %d round trips, %d of handshakes, %d of the session", r.RedisCommands, r.RedisRoundTrips, r.RedisHandshakeRT, r.RedisSessionRT)
	}
	if got := float64(r.RedisSessionRT) / float64(r.Updates); got != r.SessionRTPerUpdate {
		t.Errorf("session round trips per update %v, computed %v", r.SessionRTPerUpdate, got)
	}
	if r.SessionRTPerUpdate < 1 || r.SessionRTPerUpdate > 2 {
		t.Errorf("%.3f Redis round trips per update for the session, want 1 to 2", r.SessionRTPerUpdate)
	}
	if r.CPUPerUpdate <= 0 || r.Capacity <= 0 {
		t.Errorf("CPU per update %v, capacity %v", r.CPUPerUpdate, r.Capacity)
	}
	if r.RSS == 0 || r.HeapInuse == 0 || r.NumCPU < 1 || r.GOMAXPROCS < 1 {
		t.Errorf("machine figures missing: RSS %d, heap %d, CPUs %d, GOMAXPROCS %d", r.RSS, r.HeapInuse, r.NumCPU, r.GOMAXPROCS)
	}
	for _, want := range []string{"updates/s", "p99", "round trips per update", "GOMAXPROCS", "RSS"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the printed report lacks %q", want)
		}
	}
}

func countKeys(t *testing.T, prefix string) int {
	t.Helper()
	c := redistest.Client(t)
	keys, err := c.Keys(context.Background(), redisGlobEscape(prefix)+"*").Result()
	if err != nil {
		t.Fatal(err)
	}
	return len(keys)
}

func TestMaxThroughputAnswersEveryUpdate(t *testing.T) {
	var marks []bool
	prefix := redistest.Prefix(t)
	r, err := Run(context.Background(), Config{
		Users: 90, MaxUpdates: 600, Duration: time.Minute, InFlight: 24, Warmup: 60,
		RedisAddr: redistest.Addr(), Prefix: prefix, Seed: 1,
		OnMeasure: func(start bool) { marks = append(marks, start) },
	})
	if err != nil {
		t.Fatal(err)
	}
	checkReport(t, r, 600, true)
	if r.Mode != "max throughput" || r.Strict || r.InFlight != 24 || r.Users != 90 {
		t.Errorf("report of the wrong run: %+v", r)
	}
	if len(marks) != 2 || !marks[0] || marks[1] {
		t.Errorf("OnMeasure calls %v, want [true false]", marks)
	}
	if n := countKeys(t, prefix); n != 0 {
		t.Errorf("%d keys of the run left in Redis", n)
	}
}

func TestFixedRateStrict(t *testing.T) {
	spec := fakeapi.SpecForTest(t)
	r, err := Run(context.Background(), Config{
		Users: 45, MaxUpdates: 150, Duration: time.Minute, Rate: 300, Warmup: 30,
		RedisAddr: redistest.Addr(), Prefix: redistest.Prefix(t), Spec: spec, Seed: 2,
	})
	if err != nil {
		t.Fatal(err)
	}
	checkReport(t, r, 150, true)
	if r.Mode != "fixed rate" || !r.Strict || r.OfferedRate != 300 || r.InFlight != 45 {
		t.Errorf("report of the wrong run: %+v", r)
	}
}

func TestStartsItsOwnRedis(t *testing.T) {
	var log bytes.Buffer
	r, err := Run(context.Background(), Config{Users: 30, MaxUpdates: 60, Duration: time.Minute, InFlight: 8, Warmup: -1, Log: &log})
	if err != nil {
		t.Fatal(err)
	}
	checkReport(t, r, 60, false)
	if r.RedisRSS == 0 {
		t.Error("no memory figure from the started redis-server")
	}
	// Without a warm-up the pool's first connections open in the phase:
	// their handshakes are counted apart.
	if r.RedisDials == 0 || r.RedisHandshakeRT == 0 {
		t.Errorf("%d dials, %d handshake round trips: the cold start was not seen", r.RedisDials, r.RedisHandshakeRT)
	}
	if !strings.Contains(log.String(), "bot started") {
		t.Errorf("the bot's log was not passed on:\n%s", log.String())
	}
}

func TestRedisMissingSaysWhatToDo(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	_, err := Run(context.Background(), Config{Users: 1, MaxUpdates: 1})
	if !errors.Is(err, errNoRedis) || !strings.Contains(err.Error(), "apt-get install -y redis-server") {
		t.Fatalf("err = %v, want the install hint", err)
	}
}

func TestRefusesRedisOffThisMachine(t *testing.T) {
	for _, addr := range []string{"10.1.2.3:6379", "192.168.0.5:6379", "example.com:6379", "8.8.8.8:6379", "nonsense"} {
		if _, err := Run(context.Background(), Config{Users: 1, MaxUpdates: 1, RedisAddr: addr}); err == nil {
			t.Errorf("%s accepted", addr)
		}
	}
	for _, addr := range []string{"127.0.0.1:6379", "127.3.4.5:1", "localhost:6379", "[::1]:6379"} {
		if err := checkLoopback(addr); err != nil {
			t.Errorf("%s refused: %v", addr, err)
		}
	}
}

func TestBadConfigIsRefused(t *testing.T) {
	for _, c := range []Config{{Users: -1}, {Rate: -5}, {Duration: -time.Second}, {MaxUpdates: -1}, {InFlight: -2}, {Workers: -1}} {
		if _, err := Run(context.Background(), c); err == nil {
			t.Errorf("%+v accepted", c)
		}
	}
}

func TestDeleteKeysRemovesOnlyThePrefix(t *testing.T) {
	ctx := context.Background()
	c := redistest.Client(t)
	prefix := redistest.Prefix(t)
	other := redistest.Prefix(t)
	for i := range 2500 {
		c.Set(ctx, prefix+"k"+strconv.Itoa(i), 1, time.Minute)
	}
	c.Set(ctx, other+"keep", 1, time.Minute)
	n, err := deleteKeys(ctx, redistest.Addr(), prefix, 1_000_000, time.Minute)
	if err != nil || n != 2500 {
		t.Fatalf("deleted %d, err %v; want 2500", n, err)
	}
	if countKeys(t, prefix) != 0 || countKeys(t, other) != 1 {
		t.Error("wrong keys deleted")
	}
	if _, err := deleteKeys(ctx, redistest.Addr(), "", 10, time.Second); err == nil {
		t.Error("deleting without a prefix accepted")
	}
	_ = c.Del(ctx, other+"keep")
}

func TestUpdateIDs(t *testing.T) {
	body := []byte(`{"ok":true,"result":[{"update_id":7,"message":{"text":"{\"update_id\":99}"}},{"update_id":12345678901,"callback_query":{}}]}`)
	got := updateIDs(body, nil)
	if len(got) != 2 || got[0] != 7 || got[1] != 12345678901 {
		t.Errorf("ids %v", got)
	}
	if got := updateIDs([]byte(`{"ok":true,"result":[]}`), nil); len(got) != 0 {
		t.Errorf("ids in an empty answer: %v", got)
	}
}

func TestPercentiles(t *testing.T) {
	ns := make([]int64, 0, 1000)
	for i := 1000; i >= 1; i-- {
		ns = append(ns, int64(i)*int64(time.Millisecond))
	}
	p := percentiles(ns)
	if p.N != 1000 || p.P50 != 500*time.Millisecond || p.P90 != 900*time.Millisecond || p.P99 != 990*time.Millisecond || p.Max != time.Second {
		t.Errorf("percentiles %+v", p)
	}
	if p := percentiles([]int64{5}); p.P50 != 5 || p.P99 != 5 || p.Max != 5 {
		t.Errorf("one value: %+v", p)
	}
	if p := percentiles(nil); p != (Percentiles{}) {
		t.Errorf("no values: %+v", p)
	}
}

func TestUsersAreMixed(t *testing.T) {
	us := newUsers(3000, 100, 0)
	ids := map[int64]bool{}
	langs := map[string]int{}
	starts := map[int]int{}
	for _, u := range us {
		ids[u.tg.ID] = true
		langs[u.tg.LanguageCode]++
		starts[u.journey]++
	}
	if len(ids) != 3000 {
		t.Errorf("%d distinct ids for 3000 users", len(ids))
	}
	if langs["kk"] != 1000 || langs["ru"] != 1000 || langs["en"] != 1000 {
		t.Errorf("languages %v", langs)
	}
	if len(starts) != NumJourneys {
		t.Errorf("users start %d of the %d journeys", len(starts), NumJourneys)
	}
	for j, steps := range journeys {
		if steps[0].kind == KindPress {
			t.Errorf("journey %d starts with a press: it needs a fresh message", j)
		}
	}
}

func TestPickFollowsPrefixesInOrder(t *testing.T) {
	u := newUsers(1, 1, 0)[0]
	msg := &fakeapi.Message{ID: 4, Keyboard: [][]fakeapi.Button{
		{{Text: "a", CallbackData: "f:one"}, {Text: "b", CallbackData: "f:two"}},
		{{Text: "link", URL: "https://t.me/x"}},
		{{Text: "menu", CallbackData: "m"}},
	}}
	for range 20 {
		d, err := u.pick(msg, []string{"aw:", "f:"})
		if err != nil || (d != "f:one" && d != "f:two") {
			t.Fatalf("pick = %q, %v", d, err)
		}
	}
	if d, err := u.pick(msg, []string{"m"}); d != "m" || err != nil {
		t.Errorf("pick = %q, %v", d, err)
	}
	if _, err := u.pick(msg, []string{"zz"}); err == nil {
		t.Error("no fitting button, no error")
	}
	if _, err := u.pick(nil, []string{"m"}); err == nil {
		t.Error("no message, no error")
	}
}
