package load

import (
	"fmt"
	"io"
	"slices"
	"time"
)

// Write prints the report in a few lines.
func (r *Report) Write(w io.Writer) error {
	ew := &errWriter{w: w}
	mode := r.Mode
	if r.OfferedRate > 0 {
		mode = fmt.Sprintf("%s %.0f updates/s offered (%.0f/s sent, worst lag behind schedule %s)", r.Mode, r.OfferedRate, r.SentPerSec, ms(r.MaxLag))
	} else {
		mode = fmt.Sprintf("%s, %d users in flight", r.Mode, r.InFlight)
	}
	strict := "off (Telegram's rules only)"
	if r.Strict {
		strict = "on (every call checked against the Bot API schema)"
	}
	ew.printf("forumbot load: %s\n", mode)
	ew.printf("machine:        %d CPUs, GOMAXPROCS %d, %s; bot WORKERS %d, %d users; strict double %s\n",
		r.NumCPU, r.GOMAXPROCS, r.GoVersion, r.Workers, r.Users, strict)
	ew.printf("throughput:     %.0f updates/s (%d updates answered in %s); projected on %d otherwise idle CPUs: %.0f updates/s\n",
		r.UpdatesPerSec, r.Replies, r.Window.Round(time.Millisecond), r.NumCPU, r.Capacity)
	ew.printf("latency:        delivery by getUpdates → reply at the double: p50 %s  p90 %s  p99 %s  max %s\n",
		ms(r.Latency.P50), ms(r.Latency.P90), ms(r.Latency.P99), ms(r.Latency.Max))
	ew.printf("                queued at the double → reply:                 p50 %s  p90 %s  p99 %s  max %s\n",
		ms(r.FromEnqueue.P50), ms(r.FromEnqueue.P90), ms(r.FromEnqueue.P99), ms(r.FromEnqueue.Max))
	kinds := make([]string, 0, len(r.ByKind))
	for k := range r.ByKind {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	for _, k := range kinds {
		p := r.ByKind[k]
		ew.printf("    %-8s %6d  p50 %s  p99 %s\n", k, p.N, ms(p.P50), ms(p.P99))
	}
	ew.printf("redis:          %.3f round trips per update for the session (Begin, Save); in all %.3f commands and %.3f round trips per update (background jobs and %d handshake round trips of %d new connections included)\n",
		r.SessionRTPerUpdate, r.CommandsPerUpdate, r.RoundTripsPerUpdate, r.RedisHandshakeRT, r.RedisDials)
	ew.printf("bot api:        %.2f calls per update, %.1f updates per getUpdates, %d new HTTP connections; %d errors, %d contract violations, %d unanswered callback queries\n",
		perUpdate(r.APICalls, r.Updates), r.UpdatesPerGet, r.HTTPConns, r.APIErrors, r.Violations, r.Unacked)
	ew.printf("checks:         %d sent, %d answered, %d unanswered, %d reply calls, %d stray replies, %d journey errors, %d bot warnings/errors\n",
		r.Updates, r.Replies, r.Unanswered, r.ReplyCalls, r.StrayReplies, r.JourneyErrors, r.BotProblems)
	ew.printf("cpu:            %s per update in this process (bot, double, generator), %s in redis-server; all CPUs %.0f%% busy, %.0f%% by this run, %.0f%% by other programs\n",
		us(r.CPUPerUpdate), us(r.RedisCPUPerUpdate), 100*r.MachineBusy, 100*r.OwnCPU, 100*max(r.MachineBusy-r.OwnCPU, 0))
	ew.printf("memory:         RSS %s (peak %s; bot, double and generator in one process), Go heap %s in use, redis-server RSS %s\n",
		mib(r.RSS), mib(r.PeakRSS), mib(r.HeapInuse), mib(r.RedisRSS))
	return ew.err
}

func perUpdate(n, updates int64) float64 {
	if updates == 0 {
		return 0
	}
	return float64(n) / float64(updates)
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2fms", float64(d)/float64(time.Millisecond)) }

func us(d time.Duration) string { return fmt.Sprintf("%.0fµs", float64(d)/float64(time.Microsecond)) }

func mib(b uint64) string { return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20)) }

type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, a ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, a...)
	}
}
