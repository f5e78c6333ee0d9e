package app_test

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/forumbot/forumbot/bot/fakeapi"
	"github.com/forumbot/forumbot/storage/redistest"
)

// BenchmarkWebhookReplicas runs 1, 2 and 3 bots in webhook mode (app.New
// and Run, in this process, 8 workers each) behind one URL, against the
// Bot API double (its webhook delivery: 40 connections, one update of a
// chat at a time) and the package's real redis-server. 128 users write
// b.N messages at once; one op is one update, from its POST to the bot's
// answer at the double. It reports updates/s end to end.
//
//	go test -run '^$' -bench WebhookReplicas -benchtime 3000x ./bot/app/
//
// Every replica, the double and redis-server share this machine's CPUs
// (GOMAXPROCS is reported): on a machine with few cores, more replicas
// add coordination, not CPU. So it runs twice: with the double answering
// at once (api=0s: CPU-bound, what one machine can do) and with every
// sendMessage taking 50 ms (api=50ms: a Bot API round trip from a server
// in Kazakhstan to Telegram's data centre is of that order or longer),
// where a replica's workers wait on the network and replicas add
// throughput until the CPUs run out.
func BenchmarkWebhookReplicas(b *testing.B) {
	for _, latency := range []time.Duration{0, 50 * time.Millisecond} {
		for _, n := range []int{1, 2, 3} {
			b.Run(fmt.Sprintf("api=%s/replicas=%d", latency, n), func(b *testing.B) { benchWebhook(b, n, latency) })
		}
	}
}

func benchWebhook(b *testing.B, replicas int, latency time.Duration) {
	const users = 128
	lb := &balancer{}
	api := fakeapi.New(fakeapi.Options{Token: testToken, BotUsername: testUsername, WebhookTarget: lb.target,
		WebhookRetry: 50 * time.Millisecond, MaxHistory: 100, MaxCalls: 1000})
	b.Cleanup(api.Close)
	cfg := webhookConfig(b, api, redistest.Prefix(b))
	cfg.Workers = 8
	var addrs []string
	for range replicas {
		addrs = append(addrs, startHookReplica(b, cfg).app.HTTPAddr())
	}
	lb.set(addrs...)
	calls, stop := api.Subscribe()
	defer stop()
	answered := func(n int, within time.Duration) {
		timeout := time.After(within)
		for got := 0; got < n; {
			select {
			case c := <-calls:
				if c.Method == "sendMessage" && c.Err == nil {
					got++
				}
			case <-timeout:
				b.Fatalf("%d of %d answers within %s", got, n, within)
			}
		}
	}
	// Warm-up: every user's chat and session exist, connections are open.
	for u := range users {
		api.SendText(user(int64(90001+u), "en"), fmt.Sprintf("zq%dw", u))
	}
	answered(users, time.Minute)
	if latency > 0 {
		api.Inject(fakeapi.Fault{Method: "sendMessage", Delay: latency})
	}

	b.ResetTimer()
	start := time.Now()
	for i := range b.N {
		u := i % users
		api.SendText(user(int64(90001+u), "en"), fmt.Sprintf("zq%dn%d", u, i))
	}
	answered(b.N, 10*time.Minute)
	took := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(b.N)/took.Seconds(), "updates/s")
	b.ReportMetric(float64(runtime.GOMAXPROCS(0)), "cpus")
}
