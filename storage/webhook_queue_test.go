package storage

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/forumbot/forumbot/storage/redistest"
)

func enqueue(t *testing.T, q *WebhookQueue, updateID, chatID int64) bool {
	t.Helper()
	queued, err := q.Enqueue(t.Context(), updateID, chatID, fmt.Appendf(nil, `{"update_id":%d}`, updateID))
	if err != nil {
		t.Fatalf("enqueue %d: %v", updateID, err)
	}
	return queued
}

func claim(t *testing.T, q *WebhookQueue) (int64, bool) {
	t.Helper()
	chat, ok, err := q.Claim(t.Context(), 10*time.Millisecond)
	if err != nil {
		t.Fatalf("claim: %v", err)
	}
	return chat, ok
}

func ack(t *testing.T, q *WebhookQueue, chatID, updateID int64, yield bool) int {
	t.Helper()
	n, err := q.Ack(t.Context(), chatID, updateID, yield)
	if err != nil {
		t.Fatalf("ack %d: %v", updateID, err)
	}
	return n
}

func list(t *testing.T, s *Store, key string) []string {
	t.Helper()
	v, err := s.rdb.LRange(t.Context(), key, 0, -1).Result()
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func depth(t *testing.T, q *WebhookQueue) WebhookDepth {
	t.Helper()
	d, err := q.Depth(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestWebhookQueueKeepsEachChatInOrderAndOnce(t *testing.T) {
	t.Parallel()
	s := newStore(t, Options{})
	q := s.WebhookQueue("a")
	if err := q.Alive(t.Context(), time.Minute); err != nil {
		t.Fatal(err)
	}
	for _, u := range [][2]int64{{1, 100}, {2, 100}, {3, 200}, {4, 100}} {
		if !enqueue(t, q, u[0], u[1]) {
			t.Fatalf("update %d not queued", u[0])
		}
	}
	if enqueue(t, q, 2, 100) {
		t.Fatal("update 2 sent again was queued twice")
	}
	if got := list(t, s, s.k.webhookReady()); !slices.Equal(got, []string{"100", "200"}) {
		t.Fatalf("ready = %v, want each chat once, in arrival order", got)
	}
	if d := depth(t, q); d != (WebhookDepth{Ready: 2, Pending: 4}) {
		t.Fatalf("depth = %+v", d)
	}

	chat, ok := claim(t, q)
	if !ok || chat != 100 {
		t.Fatalf("claim = %d, %v; want chat 100", chat, ok)
	}
	var seen []int64
	for {
		id, raw, ok, err := q.Head(t.Context(), chat)
		if err != nil || !ok {
			t.Fatalf("head: %v %v", ok, err)
		}
		if want := fmt.Sprintf(`{"update_id":%d}`, id); string(raw) != want {
			t.Fatalf("head JSON = %s, want %s", raw, want)
		}
		seen = append(seen, id)
		if ack(t, q, chat, id, false) == AckEmpty {
			break
		}
	}
	if !slices.Equal(seen, []int64{1, 2, 4}) {
		t.Fatalf("chat 100 handled %v, want 1 2 4", seen)
	}
	if got := list(t, s, s.k.webhookClaimed("a")); len(got) != 0 {
		t.Fatalf("claimed after the chat was emptied = %v", got)
	}
	if d := depth(t, q); d != (WebhookDepth{Ready: 1, Pending: 1}) {
		t.Fatalf("depth = %+v", d)
	}
	// An ack repeated (its reply was lost) drops nothing more.
	if n := ack(t, q, chat, 4, false); n != AckLost {
		t.Fatalf("second ack of a released chat = %d, want AckLost", n)
	}
}

func TestWebhookQueueReadiesAChatEmptiedWhileHeld(t *testing.T) {
	t.Parallel()
	s := newStore(t, Options{})
	q := s.WebhookQueue("a")
	enqueue(t, q, 1, 7)
	chat, _ := claim(t, q)
	// A new update arrives while the chat is held: the holder keeps it.
	enqueue(t, q, 2, 7)
	if got := list(t, s, s.k.webhookReady()); len(got) != 0 {
		t.Fatalf("a held chat was made ready again: %v", got)
	}
	if n := ack(t, q, chat, 1, false); n != AckMore {
		t.Fatalf("ack = %d, want AckMore", n)
	}
	if n := ack(t, q, chat, 2, false); n != AckEmpty {
		t.Fatalf("ack = %d, want AckEmpty", n)
	}
	// Emptied and released in one step: the next update makes it ready.
	enqueue(t, q, 3, 7)
	if got := list(t, s, s.k.webhookReady()); !slices.Equal(got, []string{"7"}) {
		t.Fatalf("ready = %v, want the chat again", got)
	}
}

func TestWebhookQueueYieldsABusyChat(t *testing.T) {
	t.Parallel()
	s := newStore(t, Options{})
	q := s.WebhookQueue("a")
	enqueue(t, q, 1, 1)
	enqueue(t, q, 2, 1)
	enqueue(t, q, 3, 2)
	chat, _ := claim(t, q)
	if n := ack(t, q, chat, 1, true); n != AckYielded {
		t.Fatalf("ack with yield = %d, want AckYielded", n)
	}
	if got := list(t, s, s.k.webhookReady()); !slices.Equal(got, []string{"2", "1"}) {
		t.Fatalf("ready = %v, want the busy chat behind the other", got)
	}
	if got := list(t, s, s.k.webhookClaimed("a")); len(got) != 0 {
		t.Fatalf("claimed after a yield = %v", got)
	}
}

func TestWebhookQueueReapsOnlyExpiredInstances(t *testing.T) {
	t.Parallel()
	s := newStore(t, Options{})
	dead, alive, reaper := s.WebhookQueue("dead"), s.WebhookQueue("alive"), s.WebhookQueue("reaper")
	if err := dead.Alive(t.Context(), 50*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if err := alive.Alive(t.Context(), time.Minute); err != nil {
		t.Fatal(err)
	}
	for i := int64(1); i <= 3; i++ {
		enqueue(t, dead, i, i)
	}
	c1, _ := claim(t, dead)
	c2, _ := claim(t, dead)
	c3, _ := claim(t, alive)

	deadline := time.Now().Add(10 * time.Second)
	for {
		chats, instances, err := reaper.Reap(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if instances > 0 {
			if chats != 2 || instances != 1 {
				t.Fatalf("reaped %d chats of %d instances, want 2 of 1", chats, instances)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the expired instance was never reaped")
		}
		time.Sleep(20 * time.Millisecond)
	}
	// Given back at the head, in the order the dead instance claimed them.
	if got := list(t, s, s.k.webhookReady()); !slices.Equal(got, []string{fmt.Sprint(c1), fmt.Sprint(c2)}) {
		t.Fatalf("ready = %v, want %d %d", got, c1, c2)
	}
	if got := list(t, s, s.k.webhookClaimed("alive")); !slices.Equal(got, []string{fmt.Sprint(c3)}) {
		t.Fatalf("the live instance lost its chat: %v", got)
	}
	// The dead instance, should it wake up, touches nothing.
	if n := ack(t, dead, c1, c1, false); n != AckLost {
		t.Fatalf("ack by a reaped instance = %d, want AckLost", n)
	}
	if d := depth(t, reaper); d.Pending != 3 {
		t.Fatalf("pending = %d, want 3 (nothing dropped by the reaped ack)", d.Pending)
	}
	// Someone else takes the chat over and finds the update in place.
	chat, _ := claim(t, reaper)
	if id, _, ok, _ := reaper.Head(t.Context(), chat); !ok || id != chat {
		t.Fatalf("head after the takeover = %d %v", id, ok)
	}
}

func TestWebhookQueueLeaveAndReleaseGiveChatsBack(t *testing.T) {
	t.Parallel()
	s := newStore(t, Options{})
	q := s.WebhookQueue("a")
	if err := q.Alive(t.Context(), time.Minute); err != nil {
		t.Fatal(err)
	}
	enqueue(t, q, 1, 1)
	enqueue(t, q, 2, 2)
	enqueue(t, q, 3, 3)
	claim(t, q)
	c2, _ := claim(t, q)
	if err := q.Release(t.Context(), c2); err != nil {
		t.Fatal(err)
	}
	if got := list(t, s, s.k.webhookReady()); !slices.Equal(got, []string{"2", "3"}) {
		t.Fatalf("ready after a release = %v, want the released chat first", got)
	}
	n, err := q.Leave(t.Context())
	if err != nil || n != 1 {
		t.Fatalf("leave = %d, %v; want the one chat held", n, err)
	}
	if got := list(t, s, s.k.webhookReady()); !slices.Equal(got, []string{"1", "2", "3"}) {
		t.Fatalf("ready after leave = %v", got)
	}
	if ok, _ := s.rdb.SIsMember(t.Context(), s.k.webhookInstances(), "a").Result(); ok {
		t.Fatal("an instance that left is still listed")
	}
	if n, _ := s.rdb.Exists(t.Context(), s.k.webhookAlive("a")).Result(); n != 0 {
		t.Fatal("an instance that left still has a heartbeat")
	}
}

// Every script gets every key it touches in KEYS: on Redis Cluster, with
// the prefix a hash tag, the whole queue works in one slot.
func TestWebhookQueueOnRedisCluster(t *testing.T) {
	t.Parallel()
	c := redistest.StartCluster(t)
	s := storeOn(t, c.Client(t), Options{Prefix: "{forumbot}:"})
	q, reaper := s.WebhookQueue("a"), s.WebhookQueue("b")
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	if err := q.Alive(ctx, 50*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	enqueue(t, q, 1, 5)
	enqueue(t, q, 2, 5)
	chat, ok := claim(t, q)
	if !ok || chat != 5 {
		t.Fatalf("claim = %d %v", chat, ok)
	}
	if n := ack(t, q, chat, 1, false); n != AckMore {
		t.Fatalf("ack = %d", n)
	}
	for {
		_, instances, err := reaper.Reap(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if instances == 1 {
			break
		}
		if ctx.Err() != nil {
			t.Fatal("never reaped")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := reaper.Release(ctx, 5); err != nil {
		t.Fatal(err)
	}
	chat, ok = claim(t, reaper)
	if id, _, _, err := reaper.Head(ctx, chat); !ok || id != 2 || err != nil {
		t.Fatalf("head after the takeover = %d %v %v", id, ok, err)
	}
	if n := ack(t, reaper, chat, 2, false); n != AckEmpty {
		t.Fatalf("ack = %d", n)
	}
	if d := depth(t, reaper); d != (WebhookDepth{}) {
		t.Fatalf("depth at the end = %+v", d)
	}
}
