package webhook

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/forumbot/forumbot/bot"
	"github.com/forumbot/forumbot/storage"
)

// Defaults of Consumer.
const (
	DefaultHeartbeatTTL = 10 * time.Second
	DefaultBatch        = 16
	DefaultClaimWait    = time.Second
)

// redisTimeout bounds each queue command of a worker (the handling of an
// update has the pipeline's own timeout).
const redisTimeout = 5 * time.Second

// Consumer handles the queued updates in one replica: one goroutine claims
// chats (a blocking BLMOVE, so one connection waits, whatever the number of
// workers) and hands each to a free worker, which handles the chat's
// updates in order and acks each after handling it.
//
// Guarantees, with every replica running one:
//   - Order: a chat is held by one instance at a time, and its updates are
//     handled oldest first.
//   - Once: an update is acked only after it was handled, and the
//     pipeline's de-duplication by update_id (storage Begin) skips one
//     handled before, when it is run again after a takeover.
//   - Nothing queued is lost by a crash: the chats of an instance whose
//     heartbeat expired (HeartbeatTTL) go back to the ready list, taken
//     over by any live instance. An update whose handling a kill -9 cut
//     off is in progress in Redis (storage BeginAttempt): the instance that
//     takes the chat over waits, holding the chat (its heartbeat goes on),
//     until that mark expires (UPDATE_TIMEOUT + storage.UpdateMargin), then
//     handles it. A reply sent after the handler's last Bot API call and
//     before the final Save may thus be sent twice — at most one per
//     worker.
type Consumer struct {
	Queue   *storage.WebhookQueue
	Handle  func(context.Context, *models.Update) // bot.Pipeline.Process
	Workers int
	Log     *slog.Logger
	// HeartbeatTTL is how long the instance's heartbeat lives; it is
	// renewed five times in that time. After a crash, the instance's chats
	// wait up to this long for another instance (DefaultHeartbeatTTL).
	HeartbeatTTL time.Duration
	// Batch is how many updates of one chat a worker handles in a row
	// before the chat goes to the back of the ready list, so a chatty user
	// cannot hold a worker while others wait (DefaultBatch).
	Batch int
	// ClaimWait is how long one BLMOVE waits for a ready chat; a stop is
	// noticed within it (DefaultClaimWait, at most a fifth of the TTL and
	// 2 s).
	ClaimWait time.Duration

	busy     atomic.Int64 // workers handling a chat
	lastBeat atomic.Int64 // unix ns of the last heartbeat Redis acknowledged
	wait     atomic.Int64 // ClaimWait as the claimer shortened it (ns), for tests

	mu      sync.Mutex
	serving map[int64]bool // chats a worker holds now
}

func (c *Consumer) claimWait() time.Duration { return time.Duration(c.wait.Load()) }

// Busy is the number of workers holding a chat now.
func (c *Consumer) Busy() int { return int(c.busy.Load()) }

// Run claims and handles chats until ctx is cancelled; then it stops
// claiming, lets each worker finish the update in hand (within
// shutdownTimeout), gives every chat it holds back to the ready list and
// deletes its heartbeat. It returns how many workers were still handling
// an update when shutdownTimeout ran out.
func (c *Consumer) Run(ctx context.Context, shutdownTimeout time.Duration) (int, error) {
	c.defaults()
	if err := c.beat(ctx); err != nil {
		return 0, err
	}
	// Handling goes on after ctx ended, until the shutdown timeout.
	workCtx, stopWork := context.WithCancel(context.Background())
	defer stopWork()
	stopBeats := c.heartbeats()

	var wg sync.WaitGroup
	slots := make(chan struct{}, c.Workers)
	c.serving = map[int64]bool{}
	lastCheck, unsure := time.Now(), false
claiming:
	for {
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
			break claiming
		}
		// Before a claim: every chat claimed so far is in serving.
		if unsure || time.Since(lastCheck) > orphanCheck {
			c.releaseOrphans()
			lastCheck = time.Now()
		}
		var chat int64
		var ok bool
		chat, ok, unsure = c.claim(ctx)
		if !ok {
			<-slots
			continue
		}
		if ctx.Err() != nil {
			<-slots
			break claiming // what it claimed goes back with Leave below
		}
		wg.Add(1)
		c.busy.Add(1)
		c.mu.Lock()
		c.serving[chat] = true
		c.mu.Unlock()
		go func() {
			defer func() {
				c.mu.Lock()
				delete(c.serving, chat)
				c.mu.Unlock()
				c.busy.Add(-1)
				<-slots
				wg.Done()
			}()
			c.serveChat(ctx, workCtx, chat)
		}()
	}

	c.Log.Info("webhook consumer stopping, finishing the updates in hand", "busy", c.Busy())
	finished := make(chan struct{})
	go func() { wg.Wait(); close(finished) }()
	left := 0
	select {
	case <-finished:
	case <-time.After(shutdownTimeout):
		left = c.Busy()
		c.Log.Error("shutdown timeout: updates left unfinished", "left", left)
		stopWork()
	}
	stopBeats()
	lctx, cancel := context.WithTimeout(context.Background(), redisTimeout)
	defer cancel()
	if n, err := c.Queue.Leave(lctx); err != nil {
		// The heartbeat expires, and another instance gives them back.
		c.Log.Error("cannot give the held chats back; another instance will after the heartbeat expires", "err", err)
	} else if n > 0 {
		c.Log.Info("held chats given back", "chats", n)
	}
	return left, nil
}

func (c *Consumer) defaults() {
	if c.Workers < 1 {
		c.Workers = 1
	}
	if c.HeartbeatTTL <= 0 {
		c.HeartbeatTTL = DefaultHeartbeatTTL
	}
	if c.Batch < 1 {
		c.Batch = DefaultBatch
	}
	if c.ClaimWait <= 0 {
		c.ClaimWait = min(DefaultClaimWait, c.HeartbeatTTL/5)
	}
	// A blocking command must return within the Redis client's read
	// timeout (seconds by default; claim halves the wait when it does not).
	c.ClaimWait = min(c.ClaimWait, 2*time.Second)
	c.wait.Store(int64(c.ClaimWait))
}

// beat renews the heartbeat once.
func (c *Consumer) beat(ctx context.Context) error {
	bctx, cancel := context.WithTimeout(ctx, c.HeartbeatTTL/5)
	defer cancel()
	// The time before the call: the key expires no earlier than TTL after.
	sent := time.Now()
	if err := c.Queue.Alive(bctx, c.HeartbeatTTL); err != nil {
		return err
	}
	c.lastBeat.Store(sent.UnixNano())
	return nil
}

// heartbeats renews the heartbeat and reaps dead instances five times per
// TTL, until the function it returns is called.
func (c *Consumer) heartbeats() func() {
	done, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		t := time.NewTicker(c.HeartbeatTTL / 5)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
			}
			if err := c.beat(context.Background()); err != nil {
				c.Log.Warn("webhook heartbeat failed", "err", err)
				continue
			}
			rctx, cancel := context.WithTimeout(context.Background(), redisTimeout)
			chats, instances, err := c.Queue.Reap(rctx)
			cancel()
			if err != nil {
				c.Log.Warn("cannot check the other instances' heartbeats", "err", err)
			} else if instances > 0 {
				c.Log.Warn("took back the chats of instances whose heartbeat expired", "instances", instances, "chats", chats)
			}
		}
	}()
	return func() { close(done); <-stopped }
}

// orphanCheck is how often the claimer looks for chats in its claimed
// list that no worker serves, besides after every failed claim.
const orphanCheck = 30 * time.Second

// releaseOrphans gives back the chats in this instance's claimed list that
// no worker serves: a BLMOVE whose answer was lost (a timeout, a broken
// connection) may have moved a chat there all the same, and nothing else
// would give it back while the instance lives. Only the claimer calls it,
// before a claim, so no chat is on its way from a claim to a worker.
func (c *Consumer) releaseOrphans() {
	rctx, cancel := context.WithTimeout(context.Background(), redisTimeout)
	defer cancel()
	held, err := c.Queue.Held(rctx)
	if err != nil {
		c.Log.Warn("cannot list the held chats", "err", err)
		return
	}
	for _, chat := range held {
		c.mu.Lock()
		serving := c.serving[chat]
		c.mu.Unlock()
		if !serving {
			c.Log.Warn("a chat claimed without a worker given back", "chat_id", chat)
			c.release(c.Log.With("chat_id", chat), chat)
		}
	}
}

// claim takes one ready chat, waiting up to ClaimWait; false when none
// came, or when the instance may not claim now. unsure is true when the
// claim failed in a way that may have moved a chat all the same.
func (c *Consumer) claim(ctx context.Context) (chat int64, ok, unsure bool) {
	// A chat is claimed only while the heartbeat is fresh: the BLMOVE then
	// lands (a quarter of the TTL to spare) before the heartbeat can
	// expire, so no reaper has forgotten this instance by then and every
	// chat it claims is found after a crash.
	if time.Since(time.Unix(0, c.lastBeat.Load())) > c.HeartbeatTTL*3/4-c.ClaimWait {
		bot.Sleep(ctx, c.HeartbeatTTL/10)
		return 0, false, false
	}
	cctx, cancel := context.WithTimeout(context.Background(), c.ClaimWait+redisTimeout)
	defer cancel()
	chat, ok, err := c.Queue.Claim(cctx, c.ClaimWait)
	if err != nil {
		unsure = true
		var netErr net.Error
		if errors.As(err, &netErr) && netErr.Timeout() && c.ClaimWait > 100*time.Millisecond {
			// The client's read timeout (REDIS_URL's read_timeout) is
			// shorter than the wait: wait less from now on.
			c.ClaimWait /= 2
			c.wait.Store(int64(c.ClaimWait))
			c.Log.Warn("BLMOVE timed out before its wait ended: waiting less", "wait", c.ClaimWait)
			return 0, false, unsure
		}
		c.Log.Warn("cannot claim a chat", "err", err)
		bot.Sleep(ctx, c.HeartbeatTTL/10)
		return 0, false, unsure
	}
	return chat, ok, false
}

// serveChat handles the updates of a chat this instance holds, oldest
// first, until the chat is empty, yielded to others, lost, or the
// consumer stops (then the chat goes back to the ready list).
func (c *Consumer) serveChat(ctx, workCtx context.Context, chat int64) {
	log := c.Log.With("chat_id", chat)
	for n := 1; ; n++ {
		if ctx.Err() != nil {
			c.release(log, chat)
			return
		}
		hctx, cancel := context.WithTimeout(workCtx, redisTimeout)
		id, raw, ok, err := c.Queue.Head(hctx, chat)
		cancel()
		if err != nil {
			log.Warn("cannot read the chat's queue", "err", err)
			bot.Sleep(ctx, time.Second)
			continue
		}
		if !ok {
			// Held with nothing queued: the invariant says it cannot
			// happen; let it go rather than hold it for ever.
			log.Warn("held chat with no queued update released")
			c.release(log, chat)
			return
		}
		var upd models.Update
		if err := json.Unmarshal(raw, &upd); err != nil {
			// The receiver queued only what decoded; never the content.
			log.Error("queued update does not decode: dropped", "update_id", id, "err", err)
		} else {
			c.Handle(workCtx, &upd)
		}
		if workCtx.Err() != nil {
			// The shutdown timeout cut the handling off, maybe before it
			// began (waiting for Redis, or for another attempt at the
			// update): no ack, the chat goes back with Leave and the
			// pipeline skips the update next time if it was done.
			log.Warn("update cut off by the shutdown timeout: left queued", "update_id", id)
			return
		}
		switch c.ack(ctx, log, chat, id, n%c.Batch == 0) {
		case storage.AckMore:
		case storage.AckLost:
			log.Warn("chat taken over by another instance (this one's heartbeat expired)", "update_id", id)
			return
		default:
			return
		}
	}
}

// ack acks the handled update, retrying while Redis fails; when the
// consumer stops meanwhile it gives up (AckLost): the chat stays held and
// goes back with Leave, and the pipeline skips the update when it is run
// again.
func (c *Consumer) ack(ctx context.Context, log *slog.Logger, chat, id int64, yield bool) int {
	for {
		actx, cancel := context.WithTimeout(context.Background(), redisTimeout)
		res, err := c.Queue.Ack(actx, chat, id, yield)
		cancel()
		if err == nil {
			return res
		}
		log.Warn("cannot ack a handled update", "update_id", id, "err", err)
		if !bot.Sleep(ctx, time.Second) {
			return storage.AckLost
		}
	}
}

func (c *Consumer) release(log *slog.Logger, chat int64) {
	rctx, cancel := context.WithTimeout(context.Background(), redisTimeout)
	defer cancel()
	if err := c.Queue.Release(rctx, chat); err != nil {
		log.Warn("cannot give the chat back; Leave or the reaper will", "err", err)
	}
}
