// Package demo lets a person chat with the real bot in a terminal: the bot
// runs on an embedded Redis (miniredis) against the in-process Bot API test
// double, and the terminal plays the Telegram app. Type text to send it;
// type a button's number to press it.
package demo

import (
	"bufio"
	"context"
	"fmt"
	"html"
	"io"
	"log/slog"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/forumbot/forumbot/bot"
	"github.com/forumbot/forumbot/bot/app"
	"github.com/forumbot/forumbot/bot/fakeapi"
	"github.com/forumbot/forumbot/storage"
)

const (
	token    = "123456:demo-token"
	username = "forumbot_demo_bot"
)

// Run runs the demo until in ends or ctx is cancelled. lang is the
// Telegram language of the demo user ("kk", "ru", "en").
func Run(ctx context.Context, in io.Reader, out io.Writer, log *slog.Logger, lang string) error {
	mr, err := miniredis.Run()
	if err != nil {
		return fmt.Errorf("embedded redis: %w", err)
	}
	defer mr.Close()
	rdb := redis.NewClient(&redis.Options{Addr: mr.Addr()})
	defer rdb.Close()

	var spec *fakeapi.Spec
	if path := fakeapi.FindSpec(); path != "" {
		// With shared/ at hand the double is strict, as in the tests.
		if spec, err = fakeapi.LoadSpec(path); err != nil {
			return err
		}
	}
	api := fakeapi.New(fakeapi.Options{Spec: spec, Token: token, BotUsername: username})
	defer api.Close()

	cfg, err := bot.ConfigFromEnv(func(string) string { return "" })
	if err != nil {
		return err
	}
	cfg.Token, cfg.APIURL, cfg.Workers = token, api.URL(), 4
	cfg.ListenAddr = "" // a terminal chat needs no probes or metrics
	store := storage.New(rdb, storage.Options{Prefix: "forumbot:"})
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	a, err := app.New(ctx, app.Options{Config: cfg, Store: store, Log: log, PollTimeout: 2 * time.Second})
	if err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()

	t := &terminal{out: out, api: api, user: fakeapi.User{ID: 700001, FirstName: "Demo", Username: "demo_user", LanguageCode: lang}}
	calls, unsubscribe := api.Subscribe()
	defer unsubscribe()
	go t.show(calls)

	fmt.Fprintf(out, "forumbot demo: you are chatting with @%s.\nType text or a /command and press Enter; type a button's number to press it; Ctrl-D quits.\nTry /start.\n\n", username)
	sc := bufio.NewScanner(in)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		before := t.eventCount()
		if t.input(line) {
			t.settle(before)
		}
	}
	cancel()
	return <-done
}

// terminal renders what the bot sends and turns typed lines into updates.
type terminal struct {
	out  io.Writer
	api  *fakeapi.Server
	user fakeapi.User

	mu       sync.Mutex
	buttons  []fakeapi.Button // the last keyboard shown, numbered from 1
	buttonOf int              // the message those buttons sit on
	lastSeen time.Time
	events   int // bot actions seen in this chat
}

// input acts on a typed line; it reports whether the bot was sent
// something to answer.
func (t *terminal) input(line string) bool {
	if n, err := strconv.Atoi(line); err == nil {
		t.mu.Lock()
		var b fakeapi.Button
		ok := n >= 1 && n <= len(t.buttons)
		if ok {
			b = t.buttons[n-1]
		}
		msg := t.buttonOf
		t.mu.Unlock()
		switch {
		case !ok:
			fmt.Fprintf(t.out, "(no button %d)\n", n)
			return false
		case b.URL != "":
			fmt.Fprintf(t.out, "(opens %s)\n", b.URL)
			return false
		}
		fmt.Fprintf(t.out, "you pressed: %s\n", b.Text)
		t.api.PressButton(t.user, msg, b.CallbackData)
		return true
	}
	t.api.SendText(t.user, line)
	return true
}

// settle waits for the bot's answer to what was just typed (its first
// call to this chat, up to 10 s on a busy machine), then until the bot has
// been quiet for a moment, so the next prompt comes after the answer.
func (t *terminal) settle(before int) {
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		t.mu.Lock()
		answered := t.events > before
		quiet := time.Since(t.lastSeen) > 250*time.Millisecond
		t.mu.Unlock()
		if answered && quiet {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// eventCount is how many bot actions the terminal has shown so far.
func (t *terminal) eventCount() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.events
}

func (t *terminal) show(calls <-chan fakeapi.Call) {
	for c := range calls {
		if c.Err != nil || c.Method == "getUpdates" {
			continue
		}
		// Only what reaches this chat: a callback answer (it has no
		// chat_id) or a call to the user's chat. Start-up calls such as
		// setMyCommands are not an answer to anything typed.
		chat, _ := c.Params["chat_id"].(string)
		if c.Method != "answerCallbackQuery" && chat != strconv.FormatInt(t.user.ID, 10) {
			continue
		}
		t.mu.Lock()
		t.lastSeen = time.Now()
		t.events++
		t.mu.Unlock()
		switch c.Method {
		case "sendMessage", "editMessageText":
			t.render(c)
		case "sendDocument":
			if f, ok := c.Params["document"].(fakeapi.FileParam); ok {
				fmt.Fprintf(t.out, "\nbot sent a file: %s (%d bytes)\n", f.Name, f.Size)
			}
			if cap, _ := c.Params["caption"].(string); cap != "" {
				fmt.Fprintln(t.out, plain(cap))
			}
		case "answerCallbackQuery":
			if text, _ := c.Params["text"].(string); text != "" {
				fmt.Fprintf(t.out, "(notice: %s)\n", text)
			}
		}
	}
}

func (t *terminal) render(c fakeapi.Call) {
	msgs := t.api.Chat(t.user.ID)
	if len(msgs) == 0 {
		return
	}
	// The message the call produced or edited.
	m := msgs[len(msgs)-1]
	if c.Method == "editMessageText" {
		if id, err := strconv.Atoi(fmt.Sprint(c.Params["message_id"])); err == nil {
			for _, x := range msgs {
				if x.ID == id {
					m = x
				}
			}
		}
	}
	prefix := "bot:"
	if c.Method == "editMessageText" {
		prefix = "bot (updated the message above):"
	}
	fmt.Fprintf(t.out, "\n%s\n%s\n", prefix, plain(m.Text))
	var buttons []fakeapi.Button
	for _, row := range m.Keyboard {
		var cells []string
		for _, b := range row {
			buttons = append(buttons, b)
			cells = append(cells, fmt.Sprintf("[%d] %s", len(buttons), b.Text))
		}
		fmt.Fprintln(t.out, "  "+strings.Join(cells, "   "))
	}
	if len(buttons) > 0 {
		t.mu.Lock()
		t.buttons, t.buttonOf = buttons, m.ID
		t.mu.Unlock()
	}
}

var tagRE = regexp.MustCompile(`<[^>]*>`)

// plain turns Telegram HTML into terminal text.
func plain(s string) string { return html.UnescapeString(tagRE.ReplaceAllString(s, "")) }
