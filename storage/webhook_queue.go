package storage

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// The webhook's queue: updates Telegram posted, kept per chat in Redis
// until an instance handled them (see keys.go for the layout and its
// invariant). bot/webhook receives and consumes through it.

var (
	webhookEnqueueScript = newScript("webhook_enqueue")
	webhookAckScript     = newScript("webhook_ack")
	webhookReleaseScript = newScript("webhook_release")
	webhookAliveScript   = newScript("webhook_alive")
	webhookReapScript    = newScript("webhook_reap")
)

func init() {
	allScripts = append(allScripts, webhookEnqueueScript, webhookAckScript, webhookReleaseScript,
		webhookAliveScript, webhookReapScript)
}

// Results of WebhookQueue.Ack.
const (
	AckLost    = -1 // the instance no longer holds the chat: stop
	AckEmpty   = 0  // the chat's list is empty: the chat was released
	AckMore    = 1  // more updates wait; the instance keeps the chat
	AckYielded = 2  // more wait; the chat went back to the ready list
)

// itemIDSplit ends the update id at the start of a queued item, so that
// webhook_ack checks which update it drops without decoding JSON.
const itemIDSplit = ':'

// WebhookQueue is one instance's view of the webhook's queue: the updates
// it enqueues can be handled by any instance; the chats it claims are its
// own until it acks them empty, releases them or its heartbeat expires.
type WebhookQueue struct {
	s        *Store
	instance string
}

// WebhookQueue returns the queue as instance sees it. instance must be
// unique among the running processes (a new one at every start) and made
// of characters safe in a key.
func (s *Store) WebhookQueue(instance string) *WebhookQueue {
	return &WebhookQueue{s: s, instance: instance}
}

// Instance is the instance id the queue was made with.
func (q *WebhookQueue) Instance() string { return q.instance }

// Enqueue stores the update's JSON at the tail of its chat's list, unless
// the update was queued before (within the dedup TTL): queued tells which.
// A nil error means Redis acknowledged the write.
func (q *WebhookQueue) Enqueue(ctx context.Context, updateID, chatID int64, raw []byte) (queued bool, err error) {
	k := q.s.k
	item := make([]byte, 0, 21+len(raw))
	item = strconv.AppendInt(item, updateID, 10)
	item = append(item, itemIDSplit)
	item = append(item, raw...)
	n, err := webhookEnqueueScript.Run(ctx, q.s.rdb,
		[]string{k.webhookSeen(updateID), k.webhookChat(chatID), k.webhookReady(), k.webhookPending()},
		ms(q.s.dedupTTL), item, chatID).Int()
	if err != nil {
		return false, fmt.Errorf("webhook enqueue: %w", err)
	}
	return n == 1, nil
}

// Alive renews the instance's heartbeat for ttl and lists the instance.
// Call it before the first Claim and well within ttl after.
func (q *WebhookQueue) Alive(ctx context.Context, ttl time.Duration) error {
	k := q.s.k
	err := webhookAliveScript.Run(ctx, q.s.rdb, []string{k.webhookAlive(q.instance), k.webhookInstances()},
		ms(ttl), q.instance).Err()
	if err != nil {
		return fmt.Errorf("webhook heartbeat: %w", err)
	}
	return nil
}

// Claim moves the chat at the head of the ready list to the instance's
// claimed list, waiting up to wait for one; ok is false when none came.
// The move is one BLMOVE, so a chat is never in neither list.
func (q *WebhookQueue) Claim(ctx context.Context, wait time.Duration) (chatID int64, ok bool, err error) {
	k := q.s.k
	// BLMOVE through Do: go-redis's BLMove rounds the wait to whole
	// seconds (up to 1 s), and Redis takes fractions. The wait must stay
	// under the client's read timeout (5 s by default), which Do applies.
	v, err := q.s.rdb.Do(ctx, "BLMOVE", k.webhookReady(), k.webhookClaimed(q.instance), "LEFT", "RIGHT",
		strconv.FormatFloat(wait.Seconds(), 'f', 3, 64)).Text()
	if errors.Is(err, redis.Nil) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("webhook claim: %w", err)
	}
	chatID, err = strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, false, fmt.Errorf("webhook claim: bad chat id %q in the ready list", v)
	}
	return chatID, true, nil
}

// Held lists the chats in the instance's claimed list.
func (q *WebhookQueue) Held(ctx context.Context) ([]int64, error) {
	vs, err := q.s.rdb.LRange(ctx, q.s.k.webhookClaimed(q.instance), 0, -1).Result()
	if err != nil {
		return nil, fmt.Errorf("webhook held: %w", err)
	}
	out := make([]int64, 0, len(vs))
	for _, v := range vs {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("webhook held: bad chat id %q", v)
		}
		out = append(out, id)
	}
	return out, nil
}

// Head returns the oldest update of a chat (its id and JSON); ok is false
// when the chat has none.
func (q *WebhookQueue) Head(ctx context.Context, chatID int64) (updateID int64, raw []byte, ok bool, err error) {
	v, err := q.s.rdb.LIndex(ctx, q.s.k.webhookChat(chatID), 0).Bytes()
	if errors.Is(err, redis.Nil) {
		return 0, nil, false, nil
	}
	if err != nil {
		return 0, nil, false, fmt.Errorf("webhook head: %w", err)
	}
	i := bytes.IndexByte(v, itemIDSplit)
	if i > 0 {
		updateID, err = strconv.ParseInt(string(v[:i]), 10, 64)
	}
	if i <= 0 || err != nil {
		return 0, nil, false, fmt.Errorf("webhook head: malformed item in chat %d", chatID)
	}
	return updateID, v[i+1:], true, nil
}

// Ack drops the handled update updateID from the head of the chat's list
// and says what became of the chat (AckLost, AckEmpty, AckMore,
// AckYielded); with yield, a chat with more updates goes back to the tail
// of the ready list. Acking the same update twice drops it once.
func (q *WebhookQueue) Ack(ctx context.Context, chatID, updateID int64, yield bool) (int, error) {
	k := q.s.k
	y := "0"
	if yield {
		y = "1"
	}
	n, err := webhookAckScript.Run(ctx, q.s.rdb,
		[]string{k.webhookChat(chatID), k.webhookClaimed(q.instance), k.webhookReady(), k.webhookPending()},
		chatID, strconv.FormatInt(updateID, 10)+string(itemIDSplit), y).Int()
	if err != nil {
		return 0, fmt.Errorf("webhook ack: %w", err)
	}
	return n, nil
}

// Release gives a chat the instance holds back to the head of the ready
// list (a stop: its updates wait for another instance).
func (q *WebhookQueue) Release(ctx context.Context, chatID int64) error {
	k := q.s.k
	err := webhookReleaseScript.Run(ctx, q.s.rdb,
		[]string{k.webhookChat(chatID), k.webhookClaimed(q.instance), k.webhookReady()}, chatID).Err()
	if err != nil {
		return fmt.Errorf("webhook release: %w", err)
	}
	return nil
}

// Reap gives back the chats of every other instance whose heartbeat
// expired; it returns how many chats and instances it took over.
func (q *WebhookQueue) Reap(ctx context.Context) (chats, instances int, err error) {
	ids, err := q.s.rdb.SMembers(ctx, q.s.k.webhookInstances()).Result()
	if err != nil {
		return 0, 0, fmt.Errorf("webhook reap: %w", err)
	}
	for _, id := range ids {
		if id == q.instance {
			continue
		}
		n, err := q.reap(ctx, id, false)
		if err != nil {
			return chats, instances, err
		}
		if n >= 0 {
			chats += n
			instances++
		}
	}
	return chats, instances, nil
}

// Leave gives back every chat the instance holds and deletes its
// heartbeat: the last step of a stop. It returns how many chats.
func (q *WebhookQueue) Leave(ctx context.Context) (int, error) {
	return q.reap(ctx, q.instance, true)
}

func (q *WebhookQueue) reap(ctx context.Context, instance string, self bool) (int, error) {
	k := q.s.k
	force := "0"
	if self {
		force = "1"
	}
	n, err := webhookReapScript.Run(ctx, q.s.rdb,
		[]string{k.webhookAlive(instance), k.webhookClaimed(instance), k.webhookReady(), k.webhookInstances()},
		instance, force).Int()
	if err != nil {
		return 0, fmt.Errorf("webhook reap %s: %w", instance, err)
	}
	return n, nil
}

// WebhookDepth is the queue's size, for the metrics.
type WebhookDepth struct {
	Ready   int64 // chats waiting for an instance
	Claimed int64 // chats held by instances (alive or not yet reaped)
	Pending int64 // updates queued and not yet handled
}

// Depth reads the queue's size: a few reads, not one atomic step (a
// gauge needs no more).
func (q *WebhookQueue) Depth(ctx context.Context) (WebhookDepth, error) {
	k := q.s.k
	var d WebhookDepth
	var err error
	if d.Ready, err = q.s.rdb.LLen(ctx, k.webhookReady()).Result(); err != nil {
		return d, fmt.Errorf("webhook depth: %w", err)
	}
	if d.Pending, err = q.s.rdb.Get(ctx, k.webhookPending()).Int64(); err != nil && !errors.Is(err, redis.Nil) {
		return d, fmt.Errorf("webhook depth: %w", err)
	}
	ids, err := q.s.rdb.SMembers(ctx, k.webhookInstances()).Result()
	if err != nil {
		return d, fmt.Errorf("webhook depth: %w", err)
	}
	for _, id := range ids {
		n, err := q.s.rdb.LLen(ctx, k.webhookClaimed(id)).Result()
		if err != nil {
			return d, fmt.Errorf("webhook depth: %w", err)
		}
		d.Claimed += n
	}
	return d, nil
}
