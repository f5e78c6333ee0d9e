package bot

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

type job struct {
	chat int64
	seq  int
}

func TestDispatcherKeepsPerChatOrder(t *testing.T) {
	t.Parallel()
	const chats, perChat = 50, 200
	var mu sync.Mutex
	seen := map[int64][]int{}
	var running, maxRunning atomic.Int32
	d := NewDispatcher(context.Background(), 4, 64, func(_ context.Context, j any) {
		n := running.Add(1)
		for {
			m := maxRunning.Load()
			if n <= m || maxRunning.CompareAndSwap(m, n) {
				break
			}
		}
		jb := j.(job)
		mu.Lock()
		seen[jb.chat] = append(seen[jb.chat], jb.seq)
		mu.Unlock()
		time.Sleep(10 * time.Microsecond)
		running.Add(-1)
	})
	for i := 0; i < perChat; i++ {
		for c := int64(0); c < chats; c++ {
			if err := d.Submit(context.Background(), c, job{c, i}); err != nil {
				t.Fatal(err)
			}
		}
	}
	if left := d.Drain(context.Background()); left != 0 {
		t.Fatalf("%d jobs left", left)
	}
	for c := int64(0); c < chats; c++ {
		got := seen[c]
		if len(got) != perChat {
			t.Fatalf("chat %d ran %d jobs, want %d", c, len(got), perChat)
		}
		for i, s := range got {
			if s != i {
				t.Fatalf("chat %d: job %d ran at position %d", c, s, i)
			}
		}
	}
	if m := maxRunning.Load(); m > 4 || m < 2 {
		t.Errorf("max concurrent jobs %d, want 2..4 (bounded, but concurrent)", m)
	}
}

func TestDispatcherOneChatAtATime(t *testing.T) {
	t.Parallel()
	var inChat atomic.Int32
	var overlap atomic.Bool
	d := NewDispatcher(context.Background(), 8, 100, func(context.Context, any) {
		if inChat.Add(1) > 1 {
			overlap.Store(true)
		}
		time.Sleep(50 * time.Microsecond)
		inChat.Add(-1)
	})
	for i := 0; i < 300; i++ {
		_ = d.Submit(context.Background(), 42, i)
	}
	d.Drain(context.Background())
	if overlap.Load() {
		t.Fatal("two jobs of one chat ran at once")
	}
}

func TestDispatcherBusyChatDoesNotStarveOthers(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	otherDone := make(chan struct{})
	d := NewDispatcher(context.Background(), 2, 1000, func(_ context.Context, j any) {
		switch j.(job).chat {
		case 1:
			<-release // chat 1 is stuck on a slow job
		case 2:
			close(otherDone)
		}
	})
	_ = d.Submit(context.Background(), 1, job{1, 0})
	for i := 1; i < 20; i++ {
		_ = d.Submit(context.Background(), 1, job{1, i})
	}
	_ = d.Submit(context.Background(), 2, job{2, 0})
	select {
	case <-otherDone:
	case <-time.After(5 * time.Second):
		t.Fatal("chat 2 waited behind chat 1")
	}
	close(release)
	d.Drain(context.Background())
}

func TestDispatcherDrainFinishesQueuedWorkThenRefuses(t *testing.T) {
	t.Parallel()
	var done atomic.Int32
	d := NewDispatcher(context.Background(), 2, 1000, func(context.Context, any) {
		time.Sleep(time.Millisecond)
		done.Add(1)
	})
	for i := 0; i < 100; i++ {
		_ = d.Submit(context.Background(), int64(i%5), i)
	}
	if left := d.Drain(context.Background()); left != 0 {
		t.Fatalf("left %d", left)
	}
	if done.Load() != 100 {
		t.Fatalf("ran %d of 100", done.Load())
	}
	if err := d.Submit(context.Background(), 1, 1); err != ErrClosed {
		t.Fatalf("Submit after Drain: %v", err)
	}
}

func TestDispatcherDrainTimeout(t *testing.T) {
	t.Parallel()
	block := make(chan struct{})
	d := NewDispatcher(context.Background(), 1, 10, func(context.Context, any) { <-block })
	_ = d.Submit(context.Background(), 1, 1)
	_ = d.Submit(context.Background(), 1, 2)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if left := d.Drain(ctx); left != 2 {
		t.Fatalf("left %d, want 2", left)
	}
	close(block)
}

func TestDispatcherBackpressure(t *testing.T) {
	t.Parallel()
	block := make(chan struct{})
	d := NewDispatcher(context.Background(), 1, 3, func(context.Context, any) { <-block })
	for i := 0; i < 3; i++ {
		_ = d.Submit(context.Background(), int64(i), i)
	}
	submitted := make(chan struct{})
	go func() { _ = d.Submit(context.Background(), 9, 9); close(submitted) }()
	select {
	case <-submitted:
		t.Fatal("Submit did not block at maxJobs")
	case <-time.After(50 * time.Millisecond):
	}
	close(block)
	<-submitted
	d.Drain(context.Background())
}

func TestDispatcherWaitIdle(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	var done atomic.Int32
	d := NewDispatcher(context.Background(), 2, 100, func(context.Context, any) {
		<-release
		done.Add(1)
	})
	if err := d.WaitIdle(context.Background()); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 10; i++ {
		_ = d.Submit(context.Background(), int64(i), i)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if err := d.WaitIdle(ctx); err == nil {
		t.Fatal("WaitIdle returned while jobs were pending")
	}
	close(release)
	if err := d.WaitIdle(context.Background()); err != nil {
		t.Fatal(err)
	}
	if done.Load() != 10 {
		t.Fatalf("idle after %d of 10 jobs", done.Load())
	}
	d.Drain(context.Background())
}

// A Submit waiting for room gives up when its context ends (the poller
// stopped): the job is not queued and the others are untouched.
func TestDispatcherSubmitGivesUpWithItsContext(t *testing.T) {
	t.Parallel()
	block := make(chan struct{})
	var ran atomic.Int32
	d := NewDispatcher(context.Background(), 1, 2, func(context.Context, any) { <-block; ran.Add(1) })
	for i := 0; i < 2; i++ {
		if err := d.Submit(context.Background(), int64(i), i); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- d.Submit(ctx, 9, 9) }()
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("Submit after its context ended: %v, want context.Canceled", err)
	}
	if n := d.Pending(); n != 2 {
		t.Fatalf("%d jobs pending, want the 2 queued before", n)
	}
	close(block)
	d.Drain(context.Background())
	if ran.Load() != 2 {
		t.Fatalf("%d jobs ran, want 2", ran.Load())
	}
}
