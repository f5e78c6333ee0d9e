package bot

import (
	"context"
	"errors"
	"sync"
)

// ErrClosed is returned by Submit once the dispatcher drains.
var ErrClosed = errors.New("dispatcher: closed")

// Dispatcher runs jobs on a bounded number of workers so that the jobs of
// one key (a chat) run strictly one after another in the order submitted,
// while different keys run concurrently. A busy chat never holds a worker
// hostage from the others: a worker takes a chat from the ready list,
// runs its jobs up to a small batch, and puts it back if more arrived.
//
// go-telegram/bot would run every update in a goroutine of its own, in no
// order; the bot's single poller submits here instead.
type Dispatcher struct {
	run     func(ctx context.Context, job any)
	maxJobs int

	mu      sync.Mutex
	cond    *sync.Cond // signalled when ready gets a chat, a job ends, or closing
	queues  map[int64]*chatQueue
	ready   []*chatQueue
	pending int // jobs submitted and not yet finished
	closed  bool
	idle    chan struct{} // closed when pending reaches 0; nil when nobody waits

	workers sync.WaitGroup
}

type chatQueue struct {
	key     int64
	jobs    []any
	running bool // on the ready list or held by a worker
}

// batch is how many jobs of one chat a worker runs before it lets other
// chats in.
const batch = 8

// NewDispatcher starts workers that call run for each job. maxJobs bounds
// the jobs waiting in memory: Submit blocks when it is reached, which slows
// the poller down instead of growing without limit. ctx is handed to run;
// cancel it only to abandon work (Drain first, to finish it).
func NewDispatcher(ctx context.Context, workers, maxJobs int, run func(ctx context.Context, job any)) *Dispatcher {
	if workers < 1 {
		workers = 1
	}
	if maxJobs < workers {
		maxJobs = workers
	}
	d := &Dispatcher{run: run, maxJobs: maxJobs, queues: map[int64]*chatQueue{}}
	d.cond = sync.NewCond(&d.mu)
	d.workers.Add(workers)
	for i := 0; i < workers; i++ {
		go d.work(ctx)
	}
	return d
}

// Submit queues job under key. It blocks while maxJobs jobs are pending,
// returns ErrClosed after Drain began and ctx's error when ctx ends first:
// a poller stopped while the queue is full (Redis down holds every worker)
// must be able to give its last update up, unqueued and so unconfirmed,
// rather than wait for room that may not come before the stop's deadline.
func (d *Dispatcher) Submit(ctx context.Context, key int64, job any) error {
	stop := context.AfterFunc(ctx, func() {
		d.mu.Lock()
		d.cond.Broadcast()
		d.mu.Unlock()
	})
	defer stop()
	d.mu.Lock()
	defer d.mu.Unlock()
	for d.pending >= d.maxJobs && !d.closed && ctx.Err() == nil {
		d.cond.Wait()
	}
	if d.closed {
		return ErrClosed
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	q := d.queues[key]
	if q == nil {
		q = &chatQueue{key: key}
		d.queues[key] = q
	}
	q.jobs = append(q.jobs, job)
	d.pending++
	if !q.running {
		q.running = true
		d.ready = append(d.ready, q)
		d.cond.Broadcast()
	}
	return nil
}

// Pending is the number of jobs submitted and not yet finished.
func (d *Dispatcher) Pending() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.pending
}

func (d *Dispatcher) work(ctx context.Context) {
	defer d.workers.Done()
	d.mu.Lock()
	for {
		for len(d.ready) == 0 && !(d.closed && d.pending == 0) {
			d.cond.Wait()
		}
		if len(d.ready) == 0 {
			d.mu.Unlock()
			return
		}
		q := d.ready[0]
		d.ready[0] = nil
		d.ready = d.ready[1:]
		for n := 0; n < batch && len(q.jobs) > 0; n++ {
			job := q.jobs[0]
			q.jobs[0] = nil
			q.jobs = q.jobs[1:]
			d.mu.Unlock()
			d.run(ctx, job)
			d.mu.Lock()
			d.pending--
			if d.pending == 0 && d.idle != nil {
				close(d.idle)
				d.idle = nil
			}
			d.cond.Broadcast()
		}
		if len(q.jobs) > 0 {
			d.ready = append(d.ready, q) // more came: back of the line
		} else {
			q.running = false
			delete(d.queues, q.key)
		}
	}
}

// WaitIdle waits until no job is pending, or until ctx ends.
func (d *Dispatcher) WaitIdle(ctx context.Context) error {
	d.mu.Lock()
	if d.pending == 0 {
		d.mu.Unlock()
		return nil
	}
	if d.idle == nil {
		d.idle = make(chan struct{})
	}
	ch := d.idle
	d.mu.Unlock()
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Drain stops accepting jobs and waits until every queued job has run, or
// until ctx ends. It returns the number of jobs left unfinished.
func (d *Dispatcher) Drain(ctx context.Context) int {
	d.mu.Lock()
	d.closed = true
	d.cond.Broadcast()
	d.mu.Unlock()

	done := make(chan struct{})
	go func() { d.workers.Wait(); close(done) }()
	select {
	case <-done:
		return 0
	case <-ctx.Done():
		return d.Pending()
	}
}
