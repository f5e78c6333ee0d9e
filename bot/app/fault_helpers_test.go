package app_test

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/forumbot/forumbot/bot/fakeapi"
	"github.com/forumbot/forumbot/storage/redistest"
)

// The fault tests run the real binary (buildForumbot, startChild) against
// a redis-server of their own and the Bot API double, under a steady
// stream of messages from many users, and break one of them mid-stream.

// faultRig is one child bot's surroundings.
type faultRig struct {
	t      *testing.T
	bin    string
	api    *fakeapi.Server
	rs     *redistest.Server
	prefix string
	env    []string
}

func newFaultRig(t *testing.T, extraEnv ...string) *faultRig {
	t.Helper()
	r := &faultRig{t: t, bin: buildForumbot(t), rs: redistest.Start(t, true), prefix: redistest.Prefix(t)}
	r.api = fakeapi.New(fakeapi.Options{Spec: fakeapi.SpecForTest(t), Token: testToken, BotUsername: testUsername})
	t.Cleanup(r.api.Close)
	t.Cleanup(func() {
		for _, v := range r.api.Violations() {
			t.Errorf("Bot API contract violated: %v", v)
		}
	})
	r.env = append([]string{
		"TELEGRAM_BOT_TOKEN=" + testToken, "TELEGRAM_API_URL=" + r.api.URL(),
		"REDIS_URL=redis://" + r.rs.Addr() + "/0", "REDIS_PREFIX=" + r.prefix,
		"WORKERS=4", "LOG_LEVEL=info", "SHUTDOWN_TIMEOUT=5s", "LISTEN_ADDR=127.0.0.1:0",
	}, extraEnv...)
	return r
}

func (r *faultRig) start(log *lockedBuffer) *child {
	r.t.Helper()
	return startChild(r.t, r.bin, r.env, log)
}

// alive fails the test if the child has exited.
func (c *child) alive(t *testing.T, when string) {
	t.Helper()
	select {
	case <-c.done:
		t.Fatalf("the bot exited %s (code %d); its log:\n%s", when, c.cmd.ProcessState.ExitCode(), c.log.String())
	default:
	}
}

// streamed is one message of the stream: a token the bot's answer quotes
// (plain text is searched, and the answer names the query “zq…”).
type streamed struct {
	token    string
	chat     int64
	updateID int64
	at       time.Time
}

// stream is users each sending a message every interval, whether or not
// the bot answers, as people do.
type stream struct {
	api  *fakeapi.Server
	mu   sync.Mutex
	sent []streamed
	quit chan struct{}
	wg   sync.WaitGroup
}

func startStream(api *fakeapi.Server, firstUser int64, users int, every time.Duration) *stream {
	s := &stream{api: api, quit: make(chan struct{})}
	for i := 0; i < users; i++ {
		u := user(firstUser+int64(i), "en")
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			tick := time.NewTicker(every)
			defer tick.Stop()
			for n := 0; ; n++ {
				token := fmt.Sprintf("zq%dn%d", u.ID, n)
				id := api.SendText(u, token)
				s.mu.Lock()
				s.sent = append(s.sent, streamed{token: token, chat: u.ID, updateID: id, at: time.Now()})
				s.mu.Unlock()
				select {
				case <-s.quit:
					return
				case <-tick.C:
				}
			}
		}()
	}
	return s
}

// halt stops sending; what was sent stays.
func (s *stream) halt() {
	select {
	case <-s.quit:
	default:
		close(s.quit)
	}
	s.wg.Wait()
}

func (s *stream) messages() []streamed {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]streamed(nil), s.sent...)
}

var quotedToken = regexp.MustCompile(`“(zq\d+n\d+)”`)

// answer is when a token was first answered and how many times.
type answer struct {
	first time.Time
	times int
}

// answers are the messages the bot delivered (the double accepted them),
// by the token they quote.
func answers(api *fakeapi.Server) map[string]answer {
	out := map[string]answer{}
	for _, c := range api.CallsTo("sendMessage") {
		if c.Err != nil {
			continue
		}
		m := quotedToken.FindStringSubmatch(c.Str("text"))
		if m == nil {
			continue
		}
		a := out[m[1]]
		if a.times == 0 {
			a.first = c.At
		}
		a.times++
		out[m[1]] = a
	}
	return out
}

// waitAnswered waits until every message in msgs has an answer and
// returns the answers.
func waitAnswered(t *testing.T, api *fakeapi.Server, msgs []streamed, within time.Duration) map[string]answer {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		got := answers(api)
		missing := 0
		for _, m := range msgs {
			if got[m.token].times == 0 {
				missing++
			}
		}
		if missing == 0 {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d messages still unanswered after %s", missing, len(msgs), within)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// answeredOnce fails for a message answered more than once and returns
// the messages not answered at all.
func answeredOnce(t *testing.T, msgs []streamed, got map[string]answer) (missing []streamed) {
	t.Helper()
	for _, m := range msgs {
		switch n := got[m.token].times; {
		case n == 0:
			missing = append(missing, m)
		case n > 1:
			t.Errorf("%s (update %d) answered %d times", m.token, m.updateID, n)
		}
	}
	return missing
}

// answeredAfterKill is answeredOnce for a test that kills a process with
// SIGKILL mid-handling: no message may be lost (an update cut off stays in
// progress in Redis until its mark expires, then the next process handles
// it), but one the killed process had answered before its final Save is
// answered again. It returns those answered twice, for the test to bound.
func answeredAfterKill(t *testing.T, msgs []streamed, got map[string]answer) (twice []streamed) {
	t.Helper()
	for _, m := range msgs {
		switch n := got[m.token].times; {
		case n == 0:
			t.Errorf("%s (update %d, sent %s) never answered", m.token, m.updateID, m.at.Format("15:04:05.000"))
		case n == 2:
			twice = append(twice, m)
		case n > 2:
			t.Errorf("%s (update %d) answered %d times", m.token, m.updateID, n)
		}
	}
	return twice
}

// waitCount waits until at least n messages of the stream are answered.
func waitCount(t *testing.T, api *fakeapi.Server, n int, within time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), within)
	defer cancel()
	for len(answers(api)) < n {
		select {
		case <-ctx.Done():
			t.Fatalf("only %d messages answered within %s, want %d", len(answers(api)), within, n)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// getUpdatesBetween counts the getUpdates calls that reached the double
// in [from, to).
func getUpdatesBetween(api *fakeapi.Server, from, to time.Time) int {
	n := 0
	for _, c := range api.CallsTo("getUpdates") {
		if !c.At.Before(from) && c.At.Before(to) {
			n++
		}
	}
	return n
}

var probeAddrRE = regexp.MustCompile(`serving /healthz, /readyz and /metrics" addr=(\S+)`)

// httpAddr waits for the child to say where it serves its probes.
func (c *child) httpAddr(t *testing.T) string {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		if m := probeAddrRE.FindStringSubmatch(c.log.String()); m != nil {
			return m[1]
		}
		if time.Now().After(deadline) {
			t.Fatalf("the bot did not say where it serves /readyz; its log:\n%s", c.log.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitProbe waits until GET path at addr answers code.
func waitProbe(t *testing.T, addr, path string, code int, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	got := 0
	for time.Now().Before(deadline) {
		if resp, err := http.Get("http://" + addr + path); err == nil {
			got = resp.StatusCode
			_ = resp.Body.Close()
			if got == code {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s answered %d for %s, want %d", path, got, within, code)
}
