//go:build slowtests

package broadcast

import (
	"testing"
	"time"

	"github.com/forumbot/forumbot/bot/fakeapi"
	"github.com/forumbot/forumbot/storage"
)

// TestBroadcastAtTheDefaultRate: 2,000 recipients at the default 25
// messages a second against a double enforcing Telegram's own limits (30 a
// second, one a second per chat): no 429, everyone once. It takes 80 s,
// hence the build tag:
//
//	go test -tags slowtests -run TestBroadcastAtTheDefaultRate -v ./bot/broadcast/
//
// TestBroadcastWithinTelegramLimits runs the same ratio twenty times
// faster in every `go test`.
func TestBroadcastAtTheDefaultRate(t *testing.T) {
	e := newEnv(t, true)
	const n, base = 2000, 700000
	e.subscribe(base, n)
	e.api.SetRateLimits(fakeapi.TelegramLimits())
	cfg := fastConfig(DefaultConfig().Rate)
	start := time.Now()
	r := e.start(cfg, nil)
	id := e.create(storage.NewBroadcast{})
	r.eng.Wake()
	j := e.wait(id, storage.BroadcastDone, 3*time.Minute)
	took := time.Since(start)
	if j.Sent != n {
		t.Fatalf("sent %d of %d", j.Sent, n)
	}
	checkOnce(t, e.deliveries("copyMessage"), base, n, 0)
	if r := e.api.RateLimited(); r != 0 {
		t.Errorf("%d answers 429", r)
	}
	if rate := float64(n) / took.Seconds(); rate > 25.5 || rate < 24 {
		t.Errorf("achieved %.2f messages a second", rate)
	}
	t.Logf("2000 recipients in %v", took)
}
