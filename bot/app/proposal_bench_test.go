package app_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/forumbot/forumbot/bot"
	"github.com/forumbot/forumbot/bot/app"
	"github.com/forumbot/forumbot/bot/fakeapi"
	"github.com/forumbot/forumbot/storage"
	"github.com/forumbot/forumbot/storage/redistest"
)

// BenchmarkProposalDialog measures complete proposal dialogs end to end:
// the bot as in production (app.New and Run) against the Bot API double
// and the package's real redis-server. One op is one new user's whole
// dialog, ten updates each answered before the next is sent: /propose,
// accept the terms, forum, category, region, title, text, no attachments,
// anonymous, Send. Users run concurrently; it reports dialogs/s and
// updates/s, and checks that every dialog registered its proposal.
//
//	go test -run '^$' -bench ProposalDialog -benchtime 2000x ./bot/app/
func BenchmarkProposalDialog(b *testing.B) {
	for _, users := range []int{1, 64} {
		b.Run(fmt.Sprintf("users=%d", users), func(b *testing.B) { benchDialogs(b, users) })
	}
}

func benchDialogs(b *testing.B, concurrent int) {
	api := fakeapi.New(fakeapi.Options{Token: testToken, BotUsername: testUsername, MaxCalls: 10000})
	b.Cleanup(api.Close)
	cfg, err := bot.ConfigFromEnv(func(string) string { return "" })
	if err != nil {
		b.Fatal(err)
	}
	cfg.Token, cfg.APIURL = testToken, api.URL()
	cfg.RedisURL = "redis://" + redistest.Addr() + "/0"
	cfg.RedisPrefix = redistest.Prefix(b)
	cfg.Workers = 32
	cfg.ProposalLimit = 1000
	cfg.ListenAddr = "" // no probes in a benchmark
	a, err := app.New(b.Context(), app.Options{Config: cfg, Log: logger(nil), PollTimeout: time.Second, MaxQueued: 1024, Now: func() time.Time { return testNow }})
	if err != nil {
		b.Fatal(err)
	}
	runCtx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(runCtx) }()
	b.Cleanup(func() { stop(); <-done })

	// Replies, routed to the user waiting for them.
	var mu sync.Mutex
	waiting := map[int64]chan struct{}{}
	calls, unsubscribe := api.Subscribe()
	b.Cleanup(unsubscribe)
	go func() {
		for c := range calls {
			if c.Err != nil || (c.Method != "sendMessage" && c.Method != "editMessageText") {
				continue
			}
			mu.Lock()
			ch := waiting[c.Int("chat_id")]
			mu.Unlock()
			if ch != nil {
				ch <- struct{}{}
			}
		}
	}()

	var next atomic.Int64
	dialog := func(id int64) error {
		u := fakeapi.User{ID: id, FirstName: "Bench", LanguageCode: "ru"}
		replied := make(chan struct{}, 4)
		mu.Lock()
		waiting[id] = replied
		mu.Unlock()
		defer func() { mu.Lock(); delete(waiting, id); mu.Unlock() }()
		wait := func(step string) error {
			select {
			case <-replied:
				return nil
			case <-time.After(20 * time.Second):
				return fmt.Errorf("user %d: no reply to %s", id, step)
			}
		}
		say := func(text string) error { api.SendText(u, text); return wait(text) }
		press := func(prefix string) error {
			m := api.LastMessage(id)
			for _, row := range m.Keyboard {
				for _, btn := range row {
					if strings.HasPrefix(btn.CallbackData, prefix) {
						api.PressButton(u, m.ID, btn.CallbackData)
						return wait(prefix)
					}
				}
			}
			return fmt.Errorf("user %d: no button %s under %q", id, prefix, m.Plain)
		}
		steps := []func() error{
			func() error { return say("/propose") },
			func() error { return press("cy") },
			func() error { return press("pf:general") },
			func() error { return press("pc:ecology") },
			func() error { return press("pr:jambyl") },
			func() error { return say(fmt.Sprintf("Предложение %d", id)) },
			func() error {
				return say(fmt.Sprintf("Предлагаю высадить деревья вдоль улиц района номер %d и поставить скамейки.", id))
			},
			func() error { return press("pd") },
			func() error { return press("pan") },
			func() error { return press("ps:") },
		}
		for _, s := range steps {
			if err := s(); err != nil {
				return err
			}
		}
		return nil
	}

	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	errs := make(chan error, concurrent)
	for w := 0; w < concurrent; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1)
				if i > int64(b.N) {
					return
				}
				if err := dialog(700000 + i); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
	store := storage.New(redistest.Client(b), storage.Options{Prefix: cfg.RedisPrefix})
	if n, total, err := store.ProposalsWithStatus(context.Background(), "registered", 0, 1); err != nil || total != int64(b.N) {
		b.Fatalf("%d proposals registered for %d dialogs (%v, %v)", total, b.N, n, err)
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "dialogs/s")
	b.ReportMetric(float64(10*b.N)/elapsed.Seconds(), "updates/s")
	b.ReportMetric(0, "ns/op")
}
