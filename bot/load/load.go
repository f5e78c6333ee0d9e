// Package load drives the real bot (app.New and Run, as in production)
// through the Bot API test double and a real redis-server with the mixed
// journeys of many simulated users, and measures it: updates per second,
// the latency from an update's delivery by getUpdates to the bot's reply
// for that chat arriving at the double, Redis commands and round trips per
// update, memory, and Bot API contract violations.
//
// Each simulated user has at most one update in flight: they send, wait
// for the reply, think, then take their next step (a button press needs
// the message the last reply left). A user goes through one journey at a
// time; then another user, in turn among all, starts the next one. The
// steps sent therefore follow the journeys' mix from the first second.
// Two ways to offer load:
//
//   - maximum throughput (Rate 0): InFlight users are waiting for a reply
//     at any time; as soon as one is answered the next step is sent,
//     without think time by default.
//   - fixed rate (Rate > 0): an open loop sends Rate updates per second on
//     a schedule, whatever the bot's latency, each the next step of a user
//     whose think time (1s by default) is over, or else the first step of
//     a new journey; InFlight only bounds the users waiting at once.
//
// Every run is bounded in updates and time and stops by itself; all
// traffic stays on 127.0.0.1.
package load

import (
	"container/heap"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"runtime/pprof"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/forumbot/forumbot/bot"
	"github.com/forumbot/forumbot/bot/app"
	"github.com/forumbot/forumbot/bot/fakeapi"
	"github.com/forumbot/forumbot/storage"
)

// Config is one load run.
type Config struct {
	// Users is the number of simulated users, with distinct ids and
	// Telegram languages kk, ru and en in turn. Default 10000.
	Users int
	// Duration is how long the measured phase sends updates. Default 20s.
	Duration time.Duration
	// MaxUpdates ends the measured phase after that many updates, if it
	// comes before Duration (0: Duration alone).
	MaxUpdates int
	// Rate is the offered load in updates per second; 0 sends as fast as
	// the bot answers (maximum throughput).
	Rate float64
	// InFlight bounds the users waiting for a reply at once. Default 128
	// at maximum throughput, Users at a fixed rate.
	InFlight int
	// Think is a user's mean pause between a reply and their next step
	// (each pause drawn between half and one and a half times it). Default
	// 0 at maximum throughput, 1s at a fixed rate, where it spreads the
	// load over many users at once, as people reading their screen do.
	// Negative: no pause.
	Think time.Duration
	// Warmup updates are sent (at maximum throughput, at most InFlight at
	// once) and answered before measuring, so that connections are open,
	// scripts and the catalog loaded. Default 500; negative: none.
	Warmup int
	// RedisAddr is a running Redis on a loopback address; "" starts a
	// redis-server (found on PATH) for the run.
	RedisAddr string
	// Prefix puts the run's keys apart (default "forumbot-load:<random>:");
	// they are deleted at the end when the Redis was not started here.
	Prefix string
	// Spec, when set, makes the double check every call against the Bot
	// API schema (strict); nil checks only Telegram's own rules.
	Spec *fakeapi.Spec
	// Workers is the bot's WORKERS (default: the bot's default, 32).
	Workers int
	// Log receives the bot's log from LogLevel up (as text, like
	// production's), at most 20 lines; nil discards it. Warnings and errors
	// are counted either way.
	Log      io.Writer
	LogLevel slog.Level
	// Seed varies the users' choices (buttons, search queries).
	Seed uint64
	// ReplyTimeout is how long the end of a phase waits for the replies
	// still due. Default 10s.
	ReplyTimeout time.Duration
	// OnMeasure, when set, is called on Run's goroutine with true just
	// before the measured phase and false just after its last reply (a
	// benchmark starts and stops its timer there).
	OnMeasure func(start bool)
}

// Report is what a run measured. Counts cover the measured phase only.
type Report struct {
	Mode     string // "max throughput" or "fixed rate"
	Strict   bool
	Users    int
	Workers  int
	InFlight int

	Updates       int64         // updates sent
	Replies       int64         // of them answered
	Unanswered    int64         // not answered within ReplyTimeout
	ReplyCalls    int64         // successful reply calls (sendMessage, editMessageText...): one per update
	StrayReplies  int64         // reply calls for a chat with no update delivered and unanswered
	JourneyErrors int64         // press steps that found no fitting button
	Window        time.Duration // from the first send to the last reply
	UpdatesPerSec float64       // Replies / Window
	OfferedRate   float64       // Rate asked for (0: max)
	SentPerSec    float64       // updates sent per second of the sending time
	MaxLag        time.Duration // fixed rate: the worst delay of a send behind its schedule

	Latency     Percentiles            // delivery by getUpdates → reply call at the double
	FromEnqueue Percentiles            // update queued at the double → reply call
	QueueWait   Percentiles            // update queued → delivered by getUpdates
	ByKind      map[string]Percentiles // Latency by kind of step

	GetUpdates    int64   // getUpdates answers that delivered updates
	UpdatesPerGet float64 // updates per such answer
	APICalls      int64   // Bot API calls other than getUpdates
	APIErrors     int64   // calls the double answered with an error
	Violations    int     // Bot API contract violations over the whole run
	Unacked       int     // callback queries never answered, whole run
	BotProblems   int64   // warnings and errors the bot logged, whole run
	HTTPConns     int64   // TCP connections the bot opened to the double

	RedisCommands       int64
	RedisRoundTrips     int64
	RedisDials          int64 // connections the bot's Redis pool opened
	RedisHandshakeRT    int64 // round trips of those connections' handshakes (included above)
	CommandsPerUpdate   float64
	RedisSessionRT      int64   // round trips that touch a chat's session (Begin, Save)
	RoundTripsPerUpdate float64 // all the bot's round trips, handshakes and background jobs included
	SessionRTPerUpdate  float64 // RedisSessionRT per update

	// CPU time per update in the measured phase: this process (bot,
	// double and generator) and the Redis server. On a machine with few
	// cores it is the steadier figure when other work shares them.
	CPUPerUpdate      time.Duration
	RedisCPUPerUpdate time.Duration
	// MachineBusy is the share of all CPUs busy during the phase, OwnCPU
	// the share this process and Redis took: the rest went to other
	// programs, which take throughput from the bot.
	MachineBusy, OwnCPU float64
	// Capacity is the updates per second all CPUs would carry at
	// CPUPerUpdate plus RedisCPUPerUpdate, other programs absent: a
	// projection, steadier than UpdatesPerSec on a shared machine.
	Capacity float64

	HeapAlloc, HeapInuse, GoSys uint64 // Go runtime, after a GC at the end
	RSS, PeakRSS                uint64 // this process: bot, double and generator
	RedisRSS                    uint64

	NumCPU, GOMAXPROCS int
	GoVersion          string
}

const (
	loadToken    = "5005005005:load-test-token"
	loadUsername = "forumbot_load_bot"
	userIDBase   = 700_000_000
)

// hardLimit bounds a whole run beyond its Duration: start, warm-up,
// replies still due, shutdown.
const hardLimit = 3 * time.Minute

func (c *Config) defaults() error {
	if c.Users == 0 {
		c.Users = 10000
	}
	if c.Duration == 0 {
		c.Duration = 20 * time.Second
	}
	if c.InFlight == 0 {
		c.InFlight = 128
		if c.Rate > 0 {
			c.InFlight = c.Users
		}
	}
	if c.Warmup == 0 {
		c.Warmup = 500
	}
	if c.Think == 0 && c.Rate > 0 {
		c.Think = time.Second
	}
	if c.Think < 0 {
		c.Think = 0
	}
	if c.Warmup < 0 {
		c.Warmup = 0
	}
	if c.ReplyTimeout == 0 {
		c.ReplyTimeout = 10 * time.Second
	}
	switch {
	case c.Users < 1 || c.Users > 10_000_000:
		return fmt.Errorf("users %d: must be between 1 and 10000000", c.Users)
	case c.Duration < 0 || c.Duration > time.Hour:
		return fmt.Errorf("duration %v: must be positive and at most an hour", c.Duration)
	case c.MaxUpdates < 0:
		return fmt.Errorf("max updates %d: must not be negative", c.MaxUpdates)
	case c.Rate < 0 || c.Rate > 1e6:
		return fmt.Errorf("rate %v: must be between 0 (max) and 1000000", c.Rate)
	case c.InFlight < 1:
		return fmt.Errorf("in-flight %d: must be at least 1", c.InFlight)
	case c.Workers < 0:
		return fmt.Errorf("workers %d: must not be negative", c.Workers)
	}
	c.InFlight = min(c.InFlight, c.Users)
	if c.Prefix == "" {
		var b [6]byte
		if _, err := rand.Read(b[:]); err != nil {
			return err
		}
		c.Prefix = "forumbot-load:" + hex.EncodeToString(b[:]) + ":"
	}
	return nil
}

// Run starts Redis (unless given), the double and the bot, warms up,
// measures one phase and stops everything it started.
func Run(ctx context.Context, cfg Config) (rep *Report, err error) {
	if err := cfg.defaults(); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, cfg.Duration+hardLimit)
	defer cancel()

	addr := cfg.RedisAddr
	var own *Redis
	if addr == "" {
		if own, err = StartRedis(ctx); err != nil {
			return nil, err
		}
		defer own.Stop()
		addr = own.Addr
	} else if err := checkLoopback(addr); err != nil {
		return nil, err
	} else {
		defer func() {
			// The keys of a run on someone else's Redis go with it.
			if _, derr := deleteKeys(context.WithoutCancel(ctx), addr, cfg.Prefix, 10_000_000, time.Minute); derr != nil && err == nil {
				err = fmt.Errorf("deleting the run's keys: %w", derr)
			}
		}()
	}

	// The bot's store, opened as production opens it, with the counters on
	// its client.
	var store *storage.Store
	as("bot", func() {
		store, err = storage.Open(ctx, storage.Conn{URL: "redis://" + addr + "/0"}, storage.Options{Prefix: cfg.Prefix})
	})
	if err != nil {
		return nil, err
	}
	defer store.Close()
	counter := storage.NewCounter()
	tally := &redisTally{prefix: cfg.Prefix}
	store.Client().AddHook(counter.Hook())
	store.Client().AddHook(tally)

	var api *fakeapi.Server
	var g *gen
	var tp *tap
	as("double", func() {
		api = fakeapi.New(fakeapi.Options{Spec: cfg.Spec, Token: loadToken, BotUsername: loadUsername, MaxCalls: 4096, MaxHistory: 16})
		g = newGen(api, cfg)
		tp, err = newTap(api, g.delivered)
	})
	defer api.Close()
	if err != nil {
		return nil, err
	}
	defer tp.Close()

	var calls <-chan fakeapi.Call
	var unsubscribe func()
	consumed := make(chan struct{})
	as("generator", func() {
		calls, unsubscribe = api.Subscribe()
		go func() { defer close(consumed); g.consume(calls) }()
	})
	defer func() { unsubscribe(); <-consumed }()

	bcfg, err := bot.ConfigFromEnv(func(string) string { return "" })
	if err != nil {
		return nil, err
	}
	bcfg.Token = loadToken
	bcfg.APIURL = tp.URL()
	bcfg.RedisURL = "redis://" + addr + "/0"
	bcfg.RedisPrefix = cfg.Prefix
	bcfg.ListenAddr = "" // the load tool measures; no probes
	if cfg.Workers > 0 {
		bcfg.Workers = cfg.Workers
	}
	log, problems := newBotLog(cfg.Log, cfg.LogLevel, 20)
	var a *app.App
	runCtx, stopBot := context.WithCancel(context.Background())
	defer stopBot()
	botDone := make(chan error, 1)
	as("bot", func() {
		if a, err = app.New(ctx, app.Options{Config: bcfg, Log: log, Store: store}); err == nil {
			go func() { botDone <- a.Run(runCtx) }()
		}
	})
	if err != nil {
		return nil, err
	}
	stopped := false
	stop := func() error {
		if stopped {
			return nil
		}
		stopped = true
		stopBot()
		select {
		case err := <-botDone:
			return err
		case <-time.After(bcfg.ShutdownTimeout + 20*time.Second):
			return errors.New("the bot did not stop")
		}
	}
	defer stop()

	rg := &rig{cfg: cfg, g: g, tp: tp, api: api, counter: counter, tally: tally, addr: addr, workers: bcfg.Workers, problems: problems, stop: stop}
	as("generator", func() { rep, err = rg.measure(ctx) })
	return rep, err
}

// rig is a started run: the bot, the double behind the tap, the
// generator and the counters.
type rig struct {
	cfg      Config
	g        *gen
	tp       *tap
	api      *fakeapi.Server
	counter  *storage.Counter
	tally    *redisTally
	addr     string
	workers  int
	problems *atomic.Int64
	stop     func() error // stops the bot, draining its queue
}

// as runs f with the profiler label side=name, which the goroutines f
// starts inherit: a CPU profile of a run tells the bot's time from the
// double's and the generator's (go tool pprof -tagfocus side=bot).
func as(name string, f func()) {
	pprof.Do(context.Background(), pprof.Labels("side", name), func(context.Context) { f() })
}

// measure warms up, runs the measured phase and reports on it.
func (rg *rig) measure(ctx context.Context) (*Report, error) {
	cfg, g, tp, counter, tally, addr := rg.cfg, rg.g, rg.tp, rg.counter, rg.tally, rg.addr
	// Warm-up: connections, scripts, the catalog snapshot, the pools.
	if cfg.Warmup > 0 {
		g.startPhase()
		g.drive(ctx, cfg.Warmup, cfg.Duration+time.Minute, 0, cfg.InFlight)
		if err := g.settle(ctx, cfg.ReplyTimeout); err != nil {
			return nil, fmt.Errorf("warm-up: %w", err)
		}
		quiesce(ctx, counter)
	}

	// The measured phase.
	cmd0, rt0 := counter.Commands(), counter.RoundTrips()
	dial0, hs0, ses0 := tally.dials.Load(), tally.handshakes.Load(), tally.session.Load()
	conns0 := tp.conns.Load()
	cpu0, rcpu0 := cpuTime(), redisCPU(ctx, addr)
	busy0, total0 := machineCPU()
	wall0 := time.Now()
	if cfg.OnMeasure != nil {
		cfg.OnMeasure(true)
	}
	ph := g.startPhase()
	sending, lag := g.drive(ctx, cfg.MaxUpdates, cfg.Duration, cfg.Rate, cfg.InFlight)
	settleErr := g.settle(ctx, cfg.ReplyTimeout)
	if cfg.OnMeasure != nil {
		cfg.OnMeasure(false)
	}
	// Stopping drains the bot's queue: every Save of the phase is counted.
	if err := rg.stop(); err != nil {
		return nil, err
	}
	cpu1, rcpu1 := cpuTime(), redisCPU(ctx, addr)
	busy1, total1 := machineCPU()
	wall := time.Since(wall0)
	cmd1, rt1 := counter.Commands(), counter.RoundTrips()
	dial1, hs1, ses1 := tally.dials.Load(), tally.handshakes.Load(), tally.session.Load()
	// Every call the tap served is recorded by the double: wait for the
	// feed to bring them all, so the counts of calls are complete.
	g.waitSeen(tp.served.Load(), 5*time.Second)

	g.mu.Lock()
	defer g.mu.Unlock()
	r := &Report{
		Mode: "max throughput", Strict: cfg.Spec != nil, Users: cfg.Users, Workers: rg.workers, InFlight: cfg.InFlight,
		Updates: ph.sent, Replies: ph.replied, Unanswered: int64(ph.busy), ReplyCalls: ph.replyCalls,
		StrayReplies: ph.stray, JourneyErrors: ph.journeyErrors, OfferedRate: cfg.Rate, MaxLag: lag,
		GetUpdates: ph.deliveries, APICalls: ph.apiCalls, APIErrors: ph.apiErrors,
		Violations: len(rg.api.Violations()), Unacked: len(rg.api.UnansweredCallbacks()), BotProblems: rg.problems.Load(),
		HTTPConns:       tp.conns.Load() - conns0,
		RedisCommands:   cmd1 - cmd0,
		RedisRoundTrips: rt1 - rt0, RedisDials: dial1 - dial0, RedisHandshakeRT: hs1 - hs0,
		RedisSessionRT: ses1 - ses0,
		NumCPU:         runtime.NumCPU(), GOMAXPROCS: runtime.GOMAXPROCS(0), GoVersion: runtime.Version(),
	}
	if cfg.Rate > 0 {
		r.Mode = "fixed rate"
	}
	if ph.lastReply > 0 {
		r.Window = time.Duration(ph.lastReply - ph.start)
	}
	if r.Window > 0 {
		r.UpdatesPerSec = float64(r.Replies) / r.Window.Seconds()
	}
	if sending > 0 {
		r.SentPerSec = float64(r.Updates) / sending.Seconds()
	}
	if total1 > total0 {
		r.MachineBusy = float64(busy1-busy0) / float64(total1-total0)
	}
	if wall > 0 && r.NumCPU > 0 {
		r.OwnCPU = float64((cpu1-cpu0)+(rcpu1-rcpu0)) / float64(wall) / float64(r.NumCPU)
	}
	if ph.deliveries > 0 {
		r.UpdatesPerGet = float64(ph.delivered) / float64(ph.deliveries)
	}
	if r.Updates > 0 {
		n := float64(r.Updates)
		r.CommandsPerUpdate = float64(r.RedisCommands) / n
		r.RoundTripsPerUpdate = float64(r.RedisRoundTrips) / n
		r.SessionRTPerUpdate = float64(r.RedisSessionRT) / n
		r.CPUPerUpdate = (cpu1 - cpu0) / time.Duration(r.Updates)
		r.RedisCPUPerUpdate = (rcpu1 - rcpu0) / time.Duration(r.Updates)
		if per := r.CPUPerUpdate + r.RedisCPUPerUpdate; per > 0 {
			r.Capacity = float64(r.NumCPU) * float64(time.Second) / float64(per)
		}
	}
	r.Latency = percentiles(ph.lat)
	r.FromEnqueue = percentiles(ph.fromEnqueue)
	r.QueueWait = percentiles(ph.queueWait)
	r.ByKind = map[string]Percentiles{}
	for k := range numKinds {
		if len(ph.byKind[k]) > 0 {
			r.ByKind[k.String()] = percentiles(ph.byKind[k])
		}
	}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	r.HeapAlloc, r.HeapInuse, r.GoSys = ms.HeapAlloc, ms.HeapInuse, ms.Sys
	r.RSS, r.PeakRSS = procMemory(0)
	r.RedisRSS = redisRSS(ctx, addr)
	if settleErr != nil {
		return r, settleErr
	}
	return r, nil
}

// quiesce waits until the bot's Redis traffic stops (the last updates'
// Save follows their reply), at most a second.
func quiesce(ctx context.Context, c *storage.Counter) {
	last, still := c.RoundTrips(), 0
	for i := 0; i < 100 && still < 3 && ctx.Err() == nil; i++ {
		time.Sleep(10 * time.Millisecond)
		if n := c.RoundTrips(); n == last {
			still++
		} else {
			last, still = n, 0
		}
	}
}

// gen is the load generator: the users, their updates in flight, and the
// phase's measurements.
type gen struct {
	api   *fakeapi.Server
	cfg   Config
	epoch time.Time
	users []user
	fresh chan int32    // users in no journey, in turn
	wake  chan struct{} // a user became ready
	deliv chan delivery // from the tap, in order
	gone  chan struct{} // closed when consume returns
	seen  atomic.Int64  // calls the feed brought

	mu       sync.Mutex
	byUpdate map[int64]int32 // update in flight → its user
	ready    readyHeap       // users amid a journey, by when they take their next step
	ph       *phase
	stickers int64
}

type delivery struct {
	ids []int64
	at  int64
}

// phase is what one phase measured (guarded by gen.mu).
type phase struct {
	start, lastReply int64
	sent, replied    int64
	busy             int
	replyCalls       int64
	stray            int64
	journeyErrors    int64
	apiCalls         int64
	apiErrors        int64
	deliveries       int64
	delivered        int64
	slots            chan struct{} // one per user waiting for a reply

	lat, fromEnqueue, queueWait []int64
	byKind                      [numKinds][]int64
}

func newGen(api *fakeapi.Server, cfg Config) *gen {
	g := &gen{
		api:      api,
		cfg:      cfg,
		epoch:    time.Now(),
		users:    newUsers(cfg.Users, userIDBase, cfg.Seed),
		fresh:    make(chan int32, cfg.Users),
		wake:     make(chan struct{}, 1),
		deliv:    make(chan delivery, 4096),
		gone:     make(chan struct{}),
		byUpdate: map[int64]int32{},
		ph:       &phase{},
	}
	order := make([]int32, cfg.Users)
	for i := range order {
		order[i] = int32(i)
	}
	// Interleave the users so that consecutive sends come from different
	// journeys and languages, in a fixed order.
	rnd := splitmix(cfg.Seed ^ 0x5eed)
	for i := len(order) - 1; i > 0; i-- {
		rnd = splitmix(rnd)
		j := int(rnd % uint64(i+1))
		order[i], order[j] = order[j], order[i]
	}
	for _, i := range order {
		g.fresh <- i
	}
	return g
}

func (g *gen) now() int64 { return int64(time.Since(g.epoch)) }

// startPhase begins a new set of measurements.
func (g *gen) startPhase() *phase {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.ph = &phase{start: g.now()}
	return g.ph
}

// drive sends up to n updates (0: no limit) for at most d, at rate per
// second (0: as fast as replies free users), with at most inflight users
// waiting at once. Each update is the next step of a user amid a journey
// whose think time is over, or else the first step of a user who starts
// one: so the steps sent follow the journeys' mix from the start. It
// returns how long it sent and, at a fixed rate, the worst delay behind
// the schedule.
func (g *gen) drive(ctx context.Context, n int, d time.Duration, rate float64, inflight int) (time.Duration, time.Duration) {
	g.mu.Lock()
	ph := g.ph
	ph.slots = make(chan struct{}, inflight)
	g.mu.Unlock()
	start := time.Now()
	deadline := start.Add(d)
	timer := time.NewTimer(d)
	defer timer.Stop()
	var interval time.Duration
	if rate > 0 {
		interval = time.Duration(float64(time.Second) / rate)
	}
	var lag time.Duration
	for i := 0; n == 0 || i < n; i++ {
		if rate > 0 {
			due := start.Add(time.Duration(i) * interval)
			if wait := time.Until(due); wait > 0 {
				if !sleep(ctx, wait, deadline) {
					break
				}
			} else {
				lag = max(lag, -wait)
			}
		}
		if !time.Now().Before(deadline) {
			break
		}
		select {
		case ph.slots <- struct{}{}:
		case <-timer.C:
			return time.Since(start), lag
		case <-ctx.Done():
			return time.Since(start), lag
		}
		ui, ok := g.next(ctx, timer.C)
		if !ok {
			<-ph.slots
			return time.Since(start), lag
		}
		g.send(ui)
	}
	return time.Since(start), lag
}

// next is the user to send the next update: the one amid a journey who
// has been ready longest, else one who starts a journey; it waits for one
// until end fires or ctx ends.
func (g *gen) next(ctx context.Context, end <-chan time.Time) (int32, bool) {
	for {
		now := g.now()
		g.mu.Lock()
		wait := time.Duration(-1)
		if len(g.ready) > 0 {
			at := g.ready[0].at
			if at <= now {
				ui := heap.Pop(&g.ready).(readyUser).user
				g.mu.Unlock()
				return ui, true
			}
			wait = time.Duration(at - now)
		}
		g.mu.Unlock()
		select {
		case ui := <-g.fresh:
			return ui, true
		default:
		}
		var soon <-chan time.Time
		var t *time.Timer
		if wait > 0 {
			t = time.NewTimer(wait)
			soon = t.C
		}
		ui, got, over := int32(0), false, false
		select {
		case ui = <-g.fresh:
			got = true
		case <-g.wake:
		case <-soon:
		case <-end:
			over = true
		case <-ctx.Done():
			over = true
		}
		if t != nil {
			t.Stop()
		}
		if got || over {
			return ui, got
		}
	}
}

// readyUser is a user amid a journey, to take their next step at at.
type readyUser struct {
	at   int64
	user int32
}

// readyHeap orders users by when they are ready (container/heap).
type readyHeap []readyUser

func (h readyHeap) Len() int           { return len(h) }
func (h readyHeap) Less(i, j int) bool { return h[i].at < h[j].at }
func (h readyHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *readyHeap) Push(x any)        { *h = append(*h, x.(readyUser)) }
func (h *readyHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// sleep waits d unless ctx ends or deadline comes first.
func sleep(ctx context.Context, d time.Duration, deadline time.Time) bool {
	if until := time.Until(deadline); until < d {
		return false
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// send makes user ui take their next step: one update queued at the
// double. The generator's lock is held while the double queues it, so the
// tap's delivery and the reply always find it registered.
func (g *gen) send(ui int32) {
	u := &g.users[ui]
	s := u.current()
	var msgID int
	var data string
	if s.kind == KindPress {
		m := g.api.LastMessage(u.tg.ID)
		var err error
		if data, err = u.pick(m, s.prefixes); err != nil {
			g.mu.Lock()
			g.ph.journeyErrors++
			g.mu.Unlock()
			u.restart()
			s = u.current() // a journey never starts with a press
		} else {
			msgID = m.ID
		}
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	at := g.now()
	var id int64
	switch s.kind {
	case KindPress:
		id = g.api.PressButton(u.tg, msgID, data)
	case KindSticker:
		g.stickers++
		id = g.api.SendMessage(u.tg, stickerMessage(g.stickers))
	default:
		id = g.api.SendText(u.tg, s.text)
	}
	u.advance()
	u.busy, u.updateID, u.kind, u.enqueuedAt, u.deliveredAt = true, id, s.kind, at, 0
	g.byUpdate[id] = ui
	g.ph.sent++
	g.ph.busy++
}

// delivered is the tap's report of a getUpdates answer leaving the double.
func (g *gen) delivered(ids []int64, at time.Time) {
	select {
	case g.deliv <- delivery{ids: slices.Clone(ids), at: int64(at.Sub(g.epoch))}:
	case <-g.gone:
	}
}

func (g *gen) applyDelivery(d delivery) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.ph.deliveries++
	for _, id := range d.ids {
		ui, ok := g.byUpdate[id]
		if !ok {
			continue
		}
		delete(g.byUpdate, id)
		if u := &g.users[ui]; u.busy && u.updateID == id && u.deliveredAt == 0 {
			u.deliveredAt = d.at
			g.ph.delivered++
		}
	}
}

// replyMethods are the calls that answer a user: each update of the
// journeys gets exactly one.
var replyMethods = map[string]bool{
	"sendMessage": true, "editMessageText": true, "editMessageCaption": true,
	"editMessageReplyMarkup": true, "sendDocument": true, "sendPhoto": true, "copyMessage": true,
}

// consume reads the double's feed of calls until it closes, and the tap's
// deliveries: a reply completes its user's update.
func (g *gen) consume(calls <-chan fakeapi.Call) {
	defer close(g.gone)
	for {
		select {
		case d := <-g.deliv:
			g.applyDelivery(d)
		case c, ok := <-calls:
			if !ok {
				return
			}
			g.call(c)
			g.seen.Add(1)
		}
	}
}

func (g *gen) call(c fakeapi.Call) {
	if c.Method == "getUpdates" {
		return
	}
	reply := c.Err == nil && replyMethods[c.Method]
	if reply {
		// The update was delivered before the bot could answer it, so its
		// delivery is in the channel already: take it first.
		for drained := false; !drained; {
			select {
			case d := <-g.deliv:
				g.applyDelivery(d)
			default:
				drained = true
			}
		}
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	ph := g.ph
	ph.apiCalls++
	if c.Err != nil {
		ph.apiErrors++
		return
	}
	if !reply {
		return
	}
	ph.replyCalls++
	idx := c.Int("chat_id") - userIDBase
	if idx < 0 || idx >= int64(len(g.users)) {
		ph.stray++
		return
	}
	u := &g.users[idx]
	if !u.busy || u.deliveredAt == 0 {
		ph.stray++
		return
	}
	at := int64(c.At.Sub(g.epoch))
	u.busy = false
	ph.busy--
	ph.replied++
	ph.lastReply = max(ph.lastReply, at)
	ph.lat = append(ph.lat, at-u.deliveredAt)
	ph.fromEnqueue = append(ph.fromEnqueue, at-u.enqueuedAt)
	ph.queueWait = append(ph.queueWait, u.deliveredAt-u.enqueuedAt)
	ph.byKind[u.kind] = append(ph.byKind[u.kind], at-u.deliveredAt)
	if ph.slots != nil {
		select {
		case <-ph.slots:
		default:
		}
	}
	if u.step == 0 {
		// The journey is over: the user waits for their turn to start
		// the next one.
		g.fresh <- int32(idx)
		return
	}
	heap.Push(&g.ready, readyUser{at: at + u.think(g.cfg.Think), user: int32(idx)})
	select {
	case g.wake <- struct{}{}:
	default:
	}
}

// settle waits until every update sent has its reply, at most timeout.
func (g *gen) settle(ctx context.Context, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		g.mu.Lock()
		busy := g.ph.busy
		g.mu.Unlock()
		if busy == 0 {
			return nil
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return fmt.Errorf("%d updates got no reply within %v", busy, timeout)
		}
		time.Sleep(time.Millisecond)
	}
}

// waitSeen waits until the feed brought n calls in all, at most
// timeout.
func (g *gen) waitSeen(n int64, timeout time.Duration) {
	deadline := time.Now().Add(timeout)
	for g.seen.Load() < n && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
}
