// Package app wires the bot together: configuration, Redis, the Bot API
// client, the pipeline and the handlers. cmd/forumbot, the demo, the
// end-to-end tests and the load tool all start the bot through it, so they
// run the same thing.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"time"
	_ "time/tzdata" // Asia/Almaty must load on machines without a tz database

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/forumbot/forumbot/bot"
	"github.com/forumbot/forumbot/bot/broadcast"
	"github.com/forumbot/forumbot/bot/catalog"
	"github.com/forumbot/forumbot/bot/metrics"
	"github.com/forumbot/forumbot/bot/proposal"
	"github.com/forumbot/forumbot/bot/schedule"
	"github.com/forumbot/forumbot/bot/ui"
	"github.com/forumbot/forumbot/handlers"
	"github.com/forumbot/forumbot/locales"
	"github.com/forumbot/forumbot/storage"
)

// Zone is where every forum happens.
const Zone = "Asia/Almaty"

// Options are what the caller may provide instead of the defaults.
type Options struct {
	Config bot.Config
	Log    *slog.Logger
	// Store, when set, is used instead of opening Config.RedisURL (the demo
	// passes one on an embedded Redis).
	Store *storage.Store
	// PollTimeout is getUpdates' long-poll time; tests shorten it.
	PollTimeout time.Duration
	// Now is the clock; tests fix it.
	Now func() time.Time
	// MaxQueued bounds the updates waiting in memory (see bot.Runner).
	MaxQueued int
	// Broadcast, when set, replaces the delivery engine's configuration
	// built from Config (tests shorten its waits).
	Broadcast *broadcast.Config
	// ScheduleClock is the scheduler's clock (schedule.RealClock when nil).
	ScheduleClock schedule.Clock
	// Digest is the organizers' digest source: when nil, the proposals
	// (new, due soon, overdue; handlers.ProposalDigest).
	Digest schedule.DigestSource
	// ReadyWindow is how recent the last successful Bot API call must be
	// for /readyz to answer 200 (2 minutes when zero; tests shorten it).
	ReadyWindow time.Duration
	// Notices, when set, replaces the configuration of the sender of
	// notices to proposals' authors (tests shorten its lease and waits).
	Notices *handlers.NoticeConfig
	// WebhookHeartbeat is how long a webhook replica's heartbeat lives:
	// after a crash its chats wait this long for another replica
	// (webhook.DefaultHeartbeatTTL when zero; tests shorten it).
	WebhookHeartbeat time.Duration
}

// App is a bot ready to run.
type App struct {
	API      *tg.Bot
	Store    *storage.Store
	Username string
	Log      *slog.Logger

	cfg        bot.Config
	instance   string // this process among the replicas (bot.InstanceID)
	runner     *bot.Runner
	engine     *broadcast.Engine
	scheduler  *schedule.Scheduler
	notices    *handlers.Notices // tells proposals' authors (handlers/notify.go)
	transport  *http.Transport
	stopWork   context.CancelFunc
	ownedStore bool

	metrics     *metrics.Metrics
	readyWindow time.Duration
	listener    net.Listener // of /healthz, /readyz, /metrics; nil when LISTEN_ADDR is off
	stopping    atomic.Bool  // Run's context ended: /readyz says so
	webhook     webhookMode  // MODE=webhook's receiver and queue (webhook.go)

	pollOptions []tg.Option                // a poller's options: polling.go makes one per lease term
	leader      atomic.Pointer[bot.Leader] // the poll lease (polling.go)
}

// New connects to Redis and the Bot API and checks both: a wrong token or
// an unreachable Redis fails here with one line that says what to fix.
func New(ctx context.Context, o Options) (*App, error) {
	cfg := o.Config
	log := o.Log
	if log == nil {
		log = slog.Default()
	}
	if o.PollTimeout == 0 {
		o.PollTimeout = 50 * time.Second
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.MaxQueued == 0 {
		o.MaxQueued = 4 * cfg.Workers
	}
	if o.ReadyWindow == 0 {
		o.ReadyWindow = 2 * time.Minute
	}
	if strings.TrimSpace(cfg.Token) == "" {
		return nil, errors.New("TELEGRAM_BOT_TOKEN is not set: create a bot with @BotFather and export its token")
	}
	loc, err := time.LoadLocation(Zone)
	if err != nil {
		return nil, fmt.Errorf("time zone %s: %w", Zone, err)
	}

	a := &App{Store: o.Store, Log: log, cfg: cfg, instance: bot.InstanceID(), metrics: metrics.New(), readyWindow: o.ReadyWindow}
	if a.Store == nil {
		a.Store, err = storage.Open(ctx, RedisConn(cfg), storage.Options{Prefix: cfg.RedisPrefix, SessionTTL: cfg.SessionTTL})
		if err != nil {
			a.close()
			return nil, err
		}
		a.ownedStore = true
	}
	a.Store.Client().AddHook(a.metrics.RedisHook())
	bcasts := &handlers.Broadcasts{Organizers: cfg.AdminIDs, Location: loc, DefaultLang: cfg.DefaultLang, Rate: cfg.BroadcastRate}
	// The organizers' side: roles, inbox, answers (told to the author, in
	// another chat: the reply helper is made once the Bot API client is).
	organizing := &handlers.Organizing{
		Admins:      cfg.AdminIDs,
		Calendar:    proposal.NewCalendar(cfg.Holidays, cfg.AnswerDays, loc),
		DefaultLang: cfg.DefaultLang,
		Reply:       func(chatID int64) *ui.Reply { return ui.NewReply(a.API, log, &models.Update{}, chatID) },
	}
	ncfg := handlers.DefaultNoticeConfig()
	if o.Notices != nil {
		ncfg = *o.Notices
	}
	a.notices = handlers.NewNotices(a.Store, organizing, log, ncfg)
	organizing.Notices = a.notices
	pipeline := &bot.Pipeline{
		Store: a.Store,
		Handler: &handlers.Router{Store: a.Store, Log: log, ProposalLimit: cfg.ProposalLimit, Broadcast: bcasts,
			Organizing: organizing},
		Catalogs:    bot.NewCatalogs(a.Store),
		Log:         log,
		DefaultLang: cfg.DefaultLang,
		Location:    loc,
		Now:         o.Now,
		Timeout:     cfg.UpdateTimeout,
		Metrics:     a.metrics,
		Instance:    a.instance,
	}
	workCtx, stopWork := context.WithCancel(context.Background())
	a.stopWork = stopWork
	a.runner = &bot.Runner{
		Dispatcher:      bot.NewDispatcherFor(workCtx, pipeline, cfg.Workers, o.MaxQueued),
		Pipeline:        pipeline,
		Log:             log,
		ShutdownTimeout: cfg.ShutdownTimeout,
	}
	a.metrics.QueueDepth(a.runner.Dispatcher.Pending)
	a.webhook.heartbeat = o.WebhookHeartbeat
	a.transport = apiTransport(cfg.Workers)
	// Every Bot API call (getUpdates, replies, broadcasts) is counted by
	// method and outcome, and the last success feeds /readyz.
	httpClient := &http.Client{Timeout: o.PollTimeout + 10*time.Second, Transport: a.metrics.Transport(a.transport)}
	opts := append(bot.PollingOptions(a.runner, httpClient, o.PollTimeout),
		tg.WithServerURL(cfg.APIURL),
		tg.WithSkipGetMe(),
		tg.WithErrorsHandler(a.apiError), // polling.go
	)
	a.pollOptions = opts
	a.API, err = tg.New(cfg.Token, opts...)
	if err != nil {
		a.close()
		return nil, err
	}
	pipeline.API = a.API

	me, err := a.API.GetMe(ctx)
	if err != nil {
		a.close()
		return nil, explainGetMe(cfg.APIURL, err)
	}
	a.Username = me.Username
	pipeline.BotUsername = me.Username

	// Broadcasts and schedules: the delivery engine and the scheduler run
	// beside the update pipeline (started and stopped by Run).
	view := &handlers.BroadcastView{Store: a.Store, Location: loc, Reply: func(chatID int64) *ui.Reply {
		return ui.NewReply(a.API, log, &models.Update{}, chatID)
	}}
	bcfg := broadcast.DefaultConfig()
	bcfg.Rate, bcfg.ErrorLimit, bcfg.DefaultLang = cfg.BroadcastRate, cfg.BroadcastErrorLimit, cfg.DefaultLang
	if o.Broadcast != nil {
		bcfg = *o.Broadcast
	}
	a.engine = broadcast.New(a.Store, a.API, bcfg, view, log, nil) // real time: it paces sends
	a.engine.Metrics = a.metrics
	a.metrics.Backlog(a.readBacklog) // observe.go
	digest := o.Digest
	if digest == nil {
		digest = &handlers.ProposalDigest{Store: a.Store, Calendar: organizing.Calendar}
	}
	a.scheduler = schedule.New(a.Store, schedule.Config{Location: loc, Grace: cfg.ScheduleGrace, Organizers: cfg.AdminIDs,
		OrganizerIDs: func(ctx context.Context) []int64 { return a.Store.OrganizerIDs(ctx, cfg.AdminIDs) }},
		o.ScheduleClock, view, view, digest, log)
	a.scheduler.Wake = a.engine.Wake
	bcasts.Wake, bcasts.Kick = a.engine.Wake, a.scheduler.Kick

	if seeded, err := a.Store.SeedCatalog(ctx, catalog.Builtin()); err != nil {
		a.close()
		return nil, fmt.Errorf("cannot store the built-in catalog: %w", err)
	} else if seeded {
		log.Info("no catalog in Redis: loaded the built-in one", "forums", len(catalog.Builtin().Forums))
	}
	if cfg.ListenAddr != "" {
		// Bound here, so a port in use stops the start like the other
		// problems New reports; served by Run.
		if a.listener, err = net.Listen("tcp", cfg.ListenAddr); err != nil {
			a.close()
			return nil, fmt.Errorf("cannot listen on LISTEN_ADDR=%s for /healthz, /readyz and /metrics: %v", cfg.ListenAddr, err)
		}
	}
	return a, nil
}

// apiTransport keeps a connection to the Bot API open for each worker and
// the poller between calls. Go's default keeps only two idle connections
// per host: with more workers than that, almost every call would open (and
// against Telegram, TLS-handshake) a connection of its own and close it.
func apiTransport(workers int) *http.Transport {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = workers + 1
	tr.MaxIdleConns = max(tr.MaxIdleConns, workers+1)
	return tr
}

// explainGetMe turns a failed getMe into the one line an operator needs.
func explainGetMe(apiURL string, err error) error {
	var netErr net.Error
	switch {
	case errors.Is(err, tg.ErrorUnauthorized), errors.Is(err, tg.ErrorNotFound):
		return errors.New("the Bot API rejected TELEGRAM_BOT_TOKEN: check the token @BotFather gave you")
	case errors.As(err, &netErr):
		return fmt.Errorf("cannot reach the Bot API at %s: check the network or TELEGRAM_API_URL", apiURL)
	}
	return fmt.Errorf("the Bot API at %s did not answer getMe: %v", apiURL, err)
}

// Run takes updates (by polling or from the webhook, Config.Mode) until
// ctx is cancelled, then finishes the updates in hand within the shutdown
// timeout and closes what it opened.
func (a *App) Run(ctx context.Context) error {
	defer a.close()
	// First: every attempt of this process names it (alive.go).
	stopAlive := a.keepAlive()
	a.SetCommands(ctx)
	a.Log.Info("bot started", "username", a.Username, "workers", a.cfg.Workers, "mode", a.cfg.Mode)
	stopServer := a.serve(ctx)
	stopBackground := a.startBackground()
	var left int
	var err error
	if a.cfg.Mode == bot.ModeWebhook {
		left, err = a.runWebhook(ctx) // webhook.go
	} else {
		left, err = a.runPolling(ctx) // polling.go
	}
	stopBackground()
	stopServer()
	stopAlive()
	if err != nil {
		return err
	}
	if left > 0 {
		return fmt.Errorf("%d updates were not finished within %s", left, a.cfg.ShutdownTimeout)
	}
	a.Log.Info("bot stopped")
	return nil
}

// startBackground starts the delivery engine and the scheduler; the
// function it returns stops them and waits: the engine lets its sends in
// flight finish and gives back what it claimed and did not send.
func (a *App) startBackground() func() {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{}, 3)
	go func() {
		defer func() { done <- struct{}{} }()
		if err := a.engine.Run(ctx); err != nil && ctx.Err() == nil {
			a.Log.Error("broadcast engine stopped", "err", err)
		}
	}()
	go func() {
		defer func() { done <- struct{}{} }()
		if err := a.scheduler.Run(ctx); err != nil && ctx.Err() == nil {
			a.Log.Error("scheduler stopped", "err", err)
		}
	}()
	go func() {
		defer func() { done <- struct{}{} }()
		_ = a.notices.Run(ctx) // notices to proposals' authors left by their handlers
	}()
	return func() {
		cancel()
		<-done
		<-done
		<-done
	}
}

// Notices is the sender of notices to proposals' authors (tests crash it).
func (a *App) Notices() *handlers.Notices { return a.notices }

// Engine is the broadcast delivery engine (tests crash it).
func (a *App) Engine() *broadcast.Engine { return a.engine }

// Scheduler is the schedules' runner.
func (a *App) Scheduler() *schedule.Scheduler { return a.scheduler }

func (a *App) close() {
	if a.stopWork != nil {
		a.stopWork()
	}
	if a.transport != nil {
		a.transport.CloseIdleConnections()
	}
	if a.listener != nil {
		_ = a.listener.Close() // Run never served it, or already shut it down
	}
	if a.ownedStore && a.Store != nil {
		_ = a.Store.Close()
	}
}

// commandNames are the commands shown in Telegram's menu, in order.
var commandNames = []string{
	"start", "upcoming", "past", "search", "awards", "propose", "myproposals",
	"subscribe", "unsubscribe", "lang", "privacy", "forgetme", "cancel", "help",
}

// SetCommands publishes the command list in every language (and in the
// default language for everyone else). A failure is logged, not fatal:
// the bot works without the menu.
func (a *App) SetCommands(ctx context.Context) {
	set := func(lang, code string) {
		t := locales.For(lang)
		cmds := make([]models.BotCommand, 0, len(commandNames))
		for _, c := range commandNames {
			cmds = append(cmds, models.BotCommand{Command: c, Description: t.T("cmd_" + c)})
		}
		if _, err := a.API.SetMyCommands(ctx, &tg.SetMyCommandsParams{Commands: cmds, LanguageCode: code}); err != nil {
			a.Log.Warn("setMyCommands failed", "lang", code, "err", err)
		}
	}
	for _, l := range locales.Supported {
		set(l, l)
	}
	set(a.cfg.DefaultLang, "")
}

// RedisConn is where cfg says Redis is: REDIS_URL, and Sentinel or Cluster
// when their addresses are set.
func RedisConn(cfg bot.Config) storage.Conn {
	return storage.Conn{
		URL:            cfg.RedisURL,
		SentinelMaster: cfg.RedisSentinelMaster,
		SentinelAddrs:  cfg.RedisSentinelAddrs,
		ClusterAddrs:   cfg.RedisClusterAddrs,
	}
}
