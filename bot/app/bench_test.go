package app_test

import (
	"testing"
	"time"

	"github.com/forumbot/forumbot/bot/fakeapi"
	"github.com/forumbot/forumbot/bot/load"
	"github.com/forumbot/forumbot/storage/redistest"
)

// BenchmarkUpdates runs the bot as in production (app.New and Run) against
// the Bot API double and the package's real redis-server, with the mixed
// journeys of 10,000 simulated users (package bot/load); one op is one
// update, answered. It reports updates/s, the p50 and p99 latency from an
// update's delivery by getUpdates to the bot's reply at the double, and
// Redis round trips per update: all of the bot's (redis-rt, background jobs
// included) and those that touch the chat's session (session-rt: Begin and
// Save). Connections are warm: a warm-up of 500 updates comes first.
//
//	go test -run '^$' -bench Updates -benchtime 20000x ./bot/app/
//
// max: as many updates as the bot answers, 128 users waiting at once;
// max-strict: the same with every call checked against the Bot API
// schema; rate1000: 1,000 updates/s offered on a fixed schedule, for the
// latency at that load.
func BenchmarkUpdates(b *testing.B) {
	b.Run("max", func(b *testing.B) { benchUpdates(b, load.Config{InFlight: 128}) })
	b.Run("max-strict", func(b *testing.B) {
		benchUpdates(b, load.Config{InFlight: 128, Spec: fakeapi.SpecForTest(b)})
	})
	b.Run("rate1000", func(b *testing.B) { benchUpdates(b, load.Config{Rate: 1000}) })
}

func benchUpdates(b *testing.B, cfg load.Config) {
	cfg.Users = 10000
	cfg.MaxUpdates = b.N
	cfg.Duration = 10 * time.Minute // a bound: b.N updates end the run
	cfg.RedisAddr = redistest.Addr()
	cfg.Prefix = redistest.Prefix(b)
	cfg.OnMeasure = func(start bool) {
		if start {
			b.ResetTimer()
		} else {
			b.StopTimer()
		}
	}
	r, err := load.Run(b.Context(), cfg)
	if err != nil {
		b.Fatal(err)
	}
	if r.Replies != int64(b.N) || r.ReplyCalls != r.Replies || r.Violations != 0 || r.APIErrors != 0 || r.JourneyErrors != 0 || r.BotProblems != 0 {
		b.Fatalf("%d of %d updates answered, %d reply calls, %d violations, %d API errors, %d journey errors, %d bot warnings",
			r.Replies, b.N, r.ReplyCalls, r.Violations, r.APIErrors, r.JourneyErrors, r.BotProblems)
	}
	b.ReportMetric(r.UpdatesPerSec, "updates/s")
	b.ReportMetric(float64(r.Latency.P50)/float64(time.Millisecond), "p50-ms")
	b.ReportMetric(float64(r.Latency.P99)/float64(time.Millisecond), "p99-ms")
	b.ReportMetric(r.RoundTripsPerUpdate, "redis-rt/update")
	b.ReportMetric(r.SessionRTPerUpdate, "session-rt/update")
	b.ReportMetric(r.CommandsPerUpdate, "redis-cmd/update")
	// On a shared machine the figures above depend on what else runs:
	// the CPU per update, and the share of the CPUs other programs took.
	b.ReportMetric(float64(r.CPUPerUpdate+r.RedisCPUPerUpdate)/float64(time.Microsecond), "cpu-µs/update")
	b.ReportMetric(100*max(r.MachineBusy-r.OwnCPU, 0), "others-%cpu")
}
