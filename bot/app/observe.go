package app

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/forumbot/forumbot/bot"
	"github.com/forumbot/forumbot/bot/metrics"
	"github.com/forumbot/forumbot/storage"
)

// The HTTP server of LISTEN_ADDR, for the operator's probes and
// Prometheus:
//
//	/healthz  200 while the process serves at all (liveness)
//	/readyz   200 when Redis answers a PING and the Bot API answered a
//	          call with success within the ready window (2 minutes);
//	          503 with the reason otherwise, and once a stop began
//	/metrics  the app's own registry (bot/metrics)

// readyPingTimeout bounds /readyz's PING: a probe must answer quickly.
const readyPingTimeout = 2 * time.Second

// Handler serves /healthz, /readyz and /metrics (what LISTEN_ADDR serves).
func (a *App) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if reason := a.notReady(r.Context()); reason != "" {
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintln(w, reason)
			return
		}
		fmt.Fprintln(w, "ready")
	})
	mux.Handle("GET /metrics", a.metrics.Handler())
	if a.cfg.Mode == bot.ModeWebhook {
		mux.Handle("POST "+a.cfg.WebhookPath(), a.webhookReceiver()) // webhook.go
	}
	return mux
}

// notReady says why the bot cannot serve now, or "" when it can.
func (a *App) notReady(ctx context.Context) string {
	if a.stopping.Load() {
		return "shutting down"
	}
	pctx, cancel := context.WithTimeout(ctx, readyPingTimeout)
	defer cancel()
	if err := a.Store.Client().Ping(pctx).Err(); err != nil {
		// The error says host and port at most, never the password.
		return "redis does not answer PING"
	}
	last := a.metrics.LastAPISuccess()
	if last.IsZero() {
		return "no successful Bot API call yet"
	}
	if ago := time.Since(last); ago > a.readyWindow {
		return fmt.Sprintf("no successful Bot API call for %s", ago.Round(time.Second))
	}
	return ""
}

// serve starts the HTTP server on the listener New bound (nothing when
// LISTEN_ADDR is off) and marks the app as stopping when ctx ends. The
// function it returns shuts the server down, after the updates in hand are
// finished, so the probes answer through the whole stop.
func (a *App) serve(ctx context.Context) func() {
	stopWatch := context.AfterFunc(ctx, func() { a.stopping.Store(true) })
	if a.listener == nil {
		return func() { stopWatch() }
	}
	srv := &http.Server{Handler: a.Handler(), ReadHeaderTimeout: 5 * time.Second}
	served := make(chan struct{})
	ln := a.listener
	go func() {
		defer close(served)
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			a.Log.Error("the HTTP server of LISTEN_ADDR stopped", "err", err)
		}
	}()
	a.Log.Info("serving /healthz, /readyz and /metrics", "addr", ln.Addr().String())
	return func() {
		stopWatch()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := srv.Shutdown(sctx); err != nil {
			_ = srv.Close()
		}
		<-served
	}
}

// HTTPAddr is the address the probes and metrics are served on ("" when
// LISTEN_ADDR is off); with port 0 in LISTEN_ADDR, the port the system
// chose.
func (a *App) HTTPAddr() string {
	if a.listener == nil {
		return ""
	}
	return a.listener.Addr().String()
}

// Metrics is the app's instrumentation (its registry is what /metrics
// serves).
func (a *App) Metrics() *metrics.Metrics { return a.metrics }

// readBacklog reads, at each scrape, the work in Redis every replica
// shares: the unfinished broadcasts (a few at a time: one read each) and
// the notices waiting for their authors. ok is false when Redis did not
// answer within the probe's time.
func (a *App) readBacklog() (metrics.Backlog, bool) {
	ctx, cancel := context.WithTimeout(context.Background(), readyPingTimeout)
	defer cancel()
	b := metrics.Backlog{Jobs: map[string]int{}}
	ids, err := a.Store.ActiveBroadcasts(ctx)
	if err != nil {
		return b, false
	}
	for _, id := range ids {
		j, err := a.Store.Broadcast(ctx, id)
		if errors.Is(err, storage.ErrNoBroadcast) {
			continue // finished and cleaned up between the two reads
		}
		if err != nil {
			return b, false
		}
		b.Jobs[j.State]++
		b.Remaining += j.Remaining
	}
	if b.Notices, err = a.Store.PendingNotices(ctx); err != nil {
		return b, false
	}
	return b, true
}
