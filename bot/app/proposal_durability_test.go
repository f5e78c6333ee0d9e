package app_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/forumbot/forumbot/bot/app"
	"github.com/forumbot/forumbot/bot/fakeapi"
	"github.com/forumbot/forumbot/storage"
	"github.com/forumbot/forumbot/storage/redistest"
)

// lockedBuffer collects a child's log while the test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// buildForumbot builds the real binary, as production runs it.
func buildForumbot(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "forumbot")
	out, err := exec.Command("go", "build", "-o", bin, "github.com/forumbot/forumbot/cmd/forumbot").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// child is `forumbot run` in a process of its own.
type child struct {
	cmd  *exec.Cmd
	log  *lockedBuffer
	done chan struct{}
}

func startChild(t *testing.T, bin string, env []string, log *lockedBuffer) *child {
	t.Helper()
	cmd := exec.Command(bin, "run")
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c := &child{cmd: cmd, log: log, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(c.done) }()
	t.Cleanup(func() { c.kill9() })
	return c
}

// kill9 ends the bot as a crash or the OOM killer would.
func (c *child) kill9() {
	_ = c.cmd.Process.Signal(syscall.SIGKILL)
	<-c.done
}

var numberRE = regexp.MustCompile(`AF-\d{4}-\d{6,}`)

// TestProposalsSurviveKill9AndRedisRestart: users press Send together; the
// bot is killed with SIGKILL right after the first confirmation goes out;
// then redis-server is killed too and restarted from its append-only file;
// a new bot starts and Telegram delivers every update again. Each proposal
// a user was told the number of is stored exactly once, under that number,
// with every index entry; no Send is lost (one the kill cut off is handled
// again once its in-progress mark expires), and users who were not told
// their number press Send again and get the same proposal, never two. The
// bots' logs hold no personal data.
//
// Redis runs with appendonly yes and appendfsync always (redistest.Start
// with aof): a write is on disk before Redis acknowledges it, so a
// proposal whose number the user saw survives a crash of Redis itself.
func TestProposalsSurviveKill9AndRedisRestart(t *testing.T) {
	t.Parallel()
	bin := buildForumbot(t)
	rs := redistest.Start(t, true)
	api := fakeapi.New(fakeapi.Options{Spec: fakeapi.SpecForTest(t), Token: testToken, BotUsername: testUsername})
	t.Cleanup(api.Close)
	prefix := redistest.Prefix(t)
	rdb := redis.NewClient(&redis.Options{Addr: rs.Addr()})
	t.Cleanup(func() { _ = rdb.Close() })
	store := storage.New(rdb, storage.Options{Prefix: prefix})
	h := &harness{t: t, api: api, store: store}
	t.Cleanup(func() {
		for _, v := range api.Violations() {
			// The kill may come after the killed bot answered a button
			// press and before it recorded the update done: the next bot
			// handles the press again and answers it again, and Telegram
			// refuses the second answer with this error, which the bot
			// logs and goes on (the answer the user saw was the first).
			if strings.Contains(v.Error(), "answerCallbackQuery: Bad Request: query is too old") {
				t.Logf("after the kill: %v", v)
				continue
			}
			t.Errorf("Bot API contract violated: %v", v)
		}
	})
	env := []string{
		"TELEGRAM_BOT_TOKEN=" + testToken, "TELEGRAM_API_URL=" + api.URL(),
		"REDIS_URL=redis://" + rs.Addr() + "/0", "REDIS_PREFIX=" + prefix,
		"WORKERS=4", "LOG_LEVEL=debug", "SHUTDOWN_TIMEOUT=2s", "LISTEN_ADDR=127.0.0.1:0",
		// The killed bot's poll lease outlives it; the new bot polls once
		// it expires.
		"POLL_LEASE=2s",
		// A Send the kill cut off is handled again within seconds.
		"UPDATE_TIMEOUT=2s",
	}
	logs := &lockedBuffer{}
	bot1 := startChild(t, bin, env, logs)

	const users = 8
	w := enWords
	var us []fakeapi.User
	previews := map[int64]fakeapi.Message{}
	personal := []string{"Айгерім", "Сейітова", "7011234567"}
	for i := 0; i < users; i++ {
		u := user(int64(50001+i), "en")
		us = append(us, u)
		title := fmt.Sprintf("Durable proposal %d", i)
		text := fmt.Sprintf("Proposal number %d: benches and shade in the courtyards of district %d.", i, i)
		personal = append(personal, title, text)
		h.consent(u, w)
		h.toTitle(u, w)
		h.say(u, title, w.textQ)
		m := h.say(u, text, w.attachQ)
		m = h.press(u, m, "➡️", w.contactQ)
		if i%2 == 0 {
			previews[u.ID] = h.press(u, m, "🙈", w.preview)
		} else {
			h.press(u, m, w.share, w.shareAsk)
			previews[u.ID] = h.send(u, contactMsg(u.ID), w.preview)
		}
	}

	// Everyone presses Send at once; the bot dies right after the first
	// confirmation is out.
	var lastID int64
	for _, u := range us {
		pv := previews[u.ID]
		lastID = api.PressButton(u, pv.ID, button(t, pv, w.send).CallbackData)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if _, err := api.WaitCall(ctx, func(c fakeapi.Call) bool {
		return c.Method == "editMessageText" && c.Err == nil && strings.Contains(c.Str("text"), "registered under number")
	}); err != nil {
		t.Fatalf("no confirmation: %v", err)
	}
	bot1.kill9()

	// What each user was told before the crash.
	told := func() map[int64]map[string]bool {
		out := map[int64]map[string]bool{}
		for _, c := range api.Calls() {
			if c.Err != nil {
				continue
			}
			var text string
			switch c.Method {
			case "editMessageText", "sendMessage":
				if !strings.Contains(c.Str("text"), "registered under number") {
					continue
				}
				text = c.Str("text")
			case "answerCallbackQuery":
				text = c.Str("text") // "Already sent: AF-..."
			default:
				continue
			}
			if n := numberRE.FindString(text); n != "" {
				chat := c.Int("chat_id")
				if chat == 0 {
					continue // a toast: matched to its user below, by number
				}
				if out[chat] == nil {
					out[chat] = map[string]bool{}
				}
				out[chat][n] = true
			}
		}
		return out
	}
	before := told()
	confirmedBefore := 0
	for _, nums := range before {
		confirmedBefore += len(nums)
	}
	bg := context.Background()
	loc, _ := time.LoadLocation(app.Zone)
	year := strconv.Itoa(time.Now().In(loc).Year()) // the child runs on the real clock
	stored := func() int64 { return rdb.ZCard(bg, prefix+"proposals:year:"+year).Val() }
	storedAtCrash := stored()
	t.Logf("bot killed after the first confirmation: %d users told their number, %d proposals in Redis", confirmedBefore, storedAtCrash)

	// Redis crashes too, and comes back from its append-only file.
	rs.Kill()
	rs.Restart()
	if got := stored(); got != storedAtCrash {
		t.Fatalf("after the Redis restart %d proposals, before %d", got, storedAtCrash)
	}

	// A new bot; Telegram delivers every update again.
	bot2 := startChild(t, bin, env, logs)
	for id := int64(1); id <= lastID; id++ {
		api.Redeliver(id)
	}
	// A barrier per user: a chat is handled in order.
	for _, u := range us {
		h.say(u, "/myproposals", "You ha")
	}
	// No Send was lost: the redelivery alone registered every proposal,
	// those whose handling the kill cut off included (they were handled
	// again once their in-progress mark expired).
	for _, u := range us {
		if n, _, err := store.UserProposals(bg, u.ID, 0, 10); err != nil || n != 1 {
			t.Errorf("user %d has %d proposals after the redelivery (%v), want 1: no Send may be lost", u.ID, n, err)
		}
	}
	// Those whose Send was lost send again, from the same preview.
	for _, u := range us {
		if len(told()[u.ID]) > 0 {
			continue
		}
		msgs := api.Chat(u.ID)
		var pv fakeapi.Message
		for _, m := range msgs {
			if m.ID == previews[u.ID].ID {
				pv = m
			}
		}
		if !strings.Contains(pv.Plain, w.preview) {
			// Registered and saved, but killed before the confirmation was
			// out: the user looks in "My proposals" instead.
			continue
		}
		mk := h.mark(u.ID)
		before := len(api.CallsTo("answerCallbackQuery"))
		api.PressButton(u, pv.ID, button(t, pv, w.send).CallbackData)
		deadline := time.Now().Add(10 * time.Second)
		for time.Now().Before(deadline) {
			if m, _ := h.last(u.ID); m.ID != mk.id || m.Plain != mk.plain || len(api.CallsTo("answerCallbackQuery")) > before {
				break
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	_ = bot2

	// Each user: exactly one proposal, under the number they were told.
	after := told()
	total := 0
	for _, u := range us {
		n, list, err := store.UserProposals(bg, u.ID, 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		total += n
		if n != 1 {
			t.Errorf("user %d has %d proposals, want exactly 1", u.ID, n)
			continue
		}
		for num := range before[u.ID] {
			if num != list[0].Number {
				t.Errorf("user %d was told %s before the crash, but has %s", u.ID, num, list[0].Number)
			}
		}
		for num := range after[u.ID] {
			if num != list[0].Number {
				t.Errorf("user %d was told %s, but has %s", u.ID, num, list[0].Number)
			}
		}
		p, err := store.Proposal(bg, list[0].Number)
		if err != nil || !strings.HasPrefix(p.Title, "Durable proposal") {
			t.Errorf("user %d: body %+v %v", u.ID, p, err)
		}
		if _, ok, _ := store.ProposalAuthor(bg, list[0].Number); !ok {
			t.Errorf("user %d: no author", u.ID)
		}
	}
	seq, _ := rdb.Get(bg, prefix+"proposals:seq:"+year).Int()
	registered := rdb.ZCard(bg, prefix+"proposals:status:registered").Val()
	if total != users || stored() != users || seq != users || registered != users {
		t.Errorf("users %d, user lists %d, year list %d, sequence %d, registered %d: all must be %d",
			users, total, stored(), seq, registered, users)
	}
	t.Logf("after the restarts and re-delivery: %d proposals for %d users, numbers 1..%d, none twice", stored(), users, seq)

	// The logs of both bots hold no personal data.
	log := logs.String()
	if !strings.Contains(log, "proposal registered") {
		t.Errorf("the bots logged no registration:\n%s", log)
	}
	for _, p := range personal {
		if strings.Contains(log, p) {
			t.Errorf("the log contains personal data %q", p)
		}
	}
}
