// Package workpool is hoplab's shared CPU pool: a fixed set of workers that
// run the chunks of jobs, fairly across owners.
//
// A job is n chunks of work (a frame's rows, a run's training steps) with
// an owner (a live session, an HTTP request), a priority and a kind. Do
// submits it and waits. Workers take one chunk at a time:
//   - interactive jobs (live frames, probes) before background ones
//     (trajectories, /run), except that a background job that has waited
//     longer than the ageing limit gets the next chunk, so it always
//     finishes;
//   - within a priority, the owner that has used the least CPU time goes
//     first (start-time fair queueing: each owner has a virtual time, the
//     time its chunks have taken, and one that joins starts at the
//     queue's current virtual time less a burst allowance), so a heavy
//     owner whose chunks take long cannot make a light owner wait for one
//     of them per chunk of its own, and an owner that comes back after a
//     pause (a session that renders one frame when its user drags) may run
//     a burst of up to DefaultBurst of CPU time before the others; owners
//     whose chunks are alike and that stay busy take turns chunk by chunk;
//   - within an owner, its jobs in order of submission.
//
// A job is cancelled by its context: no chunk of it starts after the
// context is done, and Do returns once its running chunks have returned,
// so that the caller may reuse whatever the chunks write to. A panic in a
// chunk ends the job with a *PanicError instead of the process.
package workpool

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"
)

// Priority orders jobs: Interactive before Background.
type Priority uint8

const (
	// Interactive jobs are what a user waits for while interacting: live
	// frames and probes.
	Interactive Priority = iota
	// Background jobs are long computations: /run requests, /api/v1/jobs,
	// trajectory recomputations.
	Background
	numPriorities
)

// String names the priority as the metrics label it.
func (p Priority) String() string {
	if p == Interactive {
		return "interactive"
	}
	return "background"
}

// DefaultAgeing is how long a background job may wait for a chunk while
// interactive work is queued before it is served anyway.
const DefaultAgeing = 50 * time.Millisecond

// DefaultBurst is how much CPU time ahead of the busy owners an owner that
// joins the queue may run: about one interactive frame.
const DefaultBurst = 25 * time.Millisecond

// An Owner is whoever a job's work is charged to: a live session or an
// HTTP request. The pool shares its workers fairly among owners, by the
// time their chunks take. An owner belongs to one pool.
type Owner struct {
	name string
	// vtime is the owner's virtual time: the CPU time its chunks have
	// taken, from the queue's virtual time when it last joined. Guarded
	// by the pool's lock.
	vtime time.Duration
}

// NewOwner returns a new owner; name is for logs and tests.
func NewOwner(name string) *Owner { return &Owner{name: name} }

// String returns the owner's name.
func (o *Owner) String() string { return o.name }

// Job describes a job for Do.
type Job struct {
	// Owner the job is charged to; nil gives the job an owner of its own.
	Owner *Owner
	// Priority of the job.
	Priority Priority
	// Kind names the job in metrics ("frame", "probe", "trajectory", "run").
	Kind string
	// Sequential jobs run one chunk at a time, in order (training steps);
	// others may run their chunks concurrently.
	Sequential bool
	// Progress, if not nil, counts the chunks done (Progress.Add(1) after
	// each chunk that ran).
	Progress *Progress
}

// Progress counts work done out of a total. Its methods may be called
// concurrently.
type Progress struct {
	done, total atomic.Int64
}

// SetTotal sets the total.
func (p *Progress) SetTotal(n int64) { p.total.Store(n) }

// AddTotal adds n to the total.
func (p *Progress) AddTotal(n int64) { p.total.Add(n) }

// Add adds n to the work done.
func (p *Progress) Add(n int64) { p.done.Add(n) }

// Load returns the work done and the total.
func (p *Progress) Load() (done, total int64) { return p.done.Load(), p.total.Load() }

// Outcome is how a job ended.
type Outcome uint8

const (
	// Completed: every chunk ran.
	Completed Outcome = iota
	// Cancelled: the context ended the job first.
	Cancelled
	// Failed: a chunk panicked.
	Failed
)

// String names the outcome as the metrics label it.
func (o Outcome) String() string {
	switch o {
	case Completed:
		return "done"
	case Cancelled:
		return "cancelled"
	}
	return "failed"
}

// An Observer is told of every job's life, for metrics. Its methods are
// called with the pool's lock held: they must be quick and must not call
// the pool.
type Observer interface {
	// Queued: Do accepted a job.
	Queued(kind string, pri Priority)
	// Started: the job's first chunk starts, wait after Queued.
	Started(kind string, pri Priority, wait time.Duration)
	// Finished: the job ended, total after Queued; started tells whether
	// Started was called.
	Finished(kind string, pri Priority, outcome Outcome, started bool, total time.Duration)
}

// PanicError reports a panic in a chunk.
type PanicError struct {
	Chunk int    // the chunk that panicked
	Value any    // the value passed to panic
	Stack []byte // the panicking goroutine's stack
}

func (e *PanicError) Error() string {
	return fmt.Sprintf("workpool: chunk %d panicked: %v", e.Chunk, e.Value)
}

// Unwrap returns the panic value if it is an error.
func (e *PanicError) Unwrap() error {
	err, _ := e.Value.(error)
	return err
}

// Pool runs jobs on a fixed number of worker goroutines.
type Pool struct {
	workers int
	ageing  time.Duration
	burst   time.Duration
	obs     Observer

	mu       sync.Mutex
	work     *sync.Cond // signalled when a chunk may have become available, or on Close
	closed   bool
	queues   [numPriorities]queue
	lastBgAt time.Time // when a background chunk last started
	running  int       // chunks running
	done     sync.WaitGroup
}

// queue is the runnable jobs of one priority, by owner.
type queue struct {
	owners []*ownerJobs
	// vclock is the queue's virtual time: the least virtual time of an
	// owner served last. An owner that joins starts no earlier.
	vclock time.Duration
}

// ownerJobs is one owner's runnable jobs of one priority, in order.
type ownerJobs struct {
	owner *Owner
	jobs  []*job
}

// job is a submitted Job.
type job struct {
	Job
	ctx      context.Context
	fn       func(int)
	n        int
	next     int // the next chunk to start
	running  int
	ended    bool // no chunk starts any more
	finished bool // done is closed
	started  bool
	outcome  Outcome
	panicked *PanicError
	queuedAt time.Time
	// est is the expected time of its next chunk: the mean of those run
	// so far. A chunk is charged est to its owner when it starts, and
	// the difference to its real time when it ends.
	est  time.Duration
	ran  int
	done chan struct{}
}

// Option configures a Pool.
type Option func(*Pool)

// WithObserver reports every job's life to o.
func WithObserver(o Observer) Option { return func(p *Pool) { p.obs = o } }

// WithAgeing sets how long a background job may wait while interactive
// work is queued (DefaultAgeing).
func WithAgeing(d time.Duration) Option { return func(p *Pool) { p.ageing = d } }

// WithBurst sets how much CPU time ahead of the busy owners an owner that
// joins may run (DefaultBurst); 0 makes the pool strictly fair by time.
func WithBurst(d time.Duration) Option { return func(p *Pool) { p.burst = max(d, 0) } }

// New starts a pool of max(workers, 1) workers.
func New(workers int, opts ...Option) *Pool {
	p := &Pool{workers: max(workers, 1), ageing: DefaultAgeing, burst: DefaultBurst}
	for _, o := range opts {
		o(p)
	}
	p.work = sync.NewCond(&p.mu)
	p.done.Add(p.workers)
	for range p.workers {
		go p.worker()
	}
	return p
}

// Workers returns the number of workers.
func (p *Pool) Workers() int { return p.workers }

// Do runs fn(i) for every chunk i in [0, n) on the pool as job j, and
// returns when the job has ended: nil when every chunk ran, the first
// chunk's panic as a *PanicError, or ctx's error once ctx is done (chunks
// not started by then never start). It returns only after every chunk it
// started has returned. Do on a closed pool returns an error at once.
func (p *Pool) Do(ctx context.Context, j Job, n int, fn func(chunk int)) error {
	if err := ctx.Err(); err != nil || n <= 0 {
		return err
	}
	if j.Owner == nil {
		j.Owner = &Owner{name: "anonymous"}
	}
	jb := &job{Job: j, ctx: ctx, fn: fn, n: n, done: make(chan struct{})}
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return errClosed
	}
	jb.queuedAt = time.Now()
	p.queues[j.Priority].add(jb, p.burst)
	if p.obs != nil {
		p.obs.Queued(j.Kind, j.Priority)
	}
	if j.Sequential {
		p.work.Signal()
	} else {
		p.work.Broadcast()
	}
	p.mu.Unlock()

	select {
	case <-jb.done:
	case <-ctx.Done():
		p.mu.Lock()
		p.end(jb, Cancelled)
		p.mu.Unlock()
		<-jb.done
	}
	if jb.panicked != nil {
		return jb.panicked
	}
	if jb.outcome == Cancelled {
		if err := ctx.Err(); err != nil {
			return err
		}
		return errClosed
	}
	return nil
}

var errClosed = errors.New("workpool: the pool is closed")

// Close stops the workers once the chunks that are running have returned.
// Jobs still queued end as cancelled.
func (p *Pool) Close() {
	p.mu.Lock()
	if !p.closed {
		p.closed = true
		for pri := range p.queues {
			for _, oj := range p.queues[pri].owners {
				for _, jb := range append([]*job(nil), oj.jobs...) {
					p.end(jb, Cancelled)
				}
			}
		}
		p.work.Broadcast()
	}
	p.mu.Unlock()
	p.done.Wait()
}

// Running returns the number of chunks running now.
func (p *Pool) Running() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.running
}

func (p *Pool) worker() {
	defer p.done.Done()
	p.mu.Lock()
	for {
		jb, i := p.pick()
		if jb == nil {
			if p.closed {
				p.mu.Unlock()
				return
			}
			p.work.Wait()
			continue
		}
		p.running++
		p.mu.Unlock()

		start := time.Now()
		ran, panicked := p.runChunk(jb, i)
		took := time.Since(start)
		// The workers are as many as the cores: let the goroutines that
		// serve the network (session loops, readers, writers) run before
		// the next chunk, rather than after the scheduler preempts it.
		runtime.Gosched()

		p.mu.Lock()
		p.running--
		jb.running--
		jb.Owner.vtime += took - jb.est // charged jb.est when it started
		if ran {
			jb.ran++
			jb.est += (took - jb.est) / time.Duration(jb.ran)
		}
		if jb.Progress != nil && ran && panicked == nil {
			jb.Progress.Add(1)
		}
		switch {
		case !ran:
			p.end(jb, Cancelled) // its context is done
		case panicked != nil:
			if jb.panicked == nil {
				jb.panicked = panicked
			}
			p.end(jb, Failed)
		case jb.next == jb.n && jb.running == 0:
			p.end(jb, Completed)
		case jb.Sequential && !jb.ended:
			p.work.Signal() // its next chunk may start
		}
		p.maybeFinish(jb)
	}
}

// runChunk runs chunk i of jb unless its context is done, and returns
// whether it ran and its panic.
func (p *Pool) runChunk(jb *job, i int) (ran bool, pe *PanicError) {
	if jb.ctx.Err() != nil {
		return false, nil
	}
	ran = true
	defer func() {
		if v := recover(); v != nil {
			pe = &PanicError{Chunk: i, Value: v, Stack: debug.Stack()}
		}
	}()
	jb.fn(i)
	return ran, nil
}

// pick takes the next chunk to run, or nil if none may start; p.mu is held.
// Interactive work goes first unless background work has waited beyond the
// ageing limit.
func (p *Pool) pick() (*job, int) {
	now := time.Now()
	order := [numPriorities]Priority{Interactive, Background}
	if since, ok := p.queues[Background].waitingSince(); ok && now.Sub(later(since, p.lastBgAt)) > p.ageing {
		order = [numPriorities]Priority{Background, Interactive}
	}
	for _, pri := range order {
		jb := p.queues[pri].take()
		if jb == nil {
			continue
		}
		if pri == Background {
			p.lastBgAt = now
		}
		i := jb.next
		jb.next++
		jb.running++
		jb.Owner.vtime += jb.est
		if !jb.started {
			jb.started = true
			if p.obs != nil {
				p.obs.Started(jb.Kind, jb.Priority, now.Sub(jb.queuedAt))
			}
		}
		if jb.next == jb.n {
			p.queues[pri].remove(jb)
		}
		return jb, i
	}
	return nil, 0
}

// end ends jb with outcome unless it has ended: no chunk of it starts any
// more. p.mu is held.
func (p *Pool) end(jb *job, outcome Outcome) {
	if jb.ended {
		return
	}
	jb.ended, jb.outcome = true, outcome
	p.queues[jb.Priority].remove(jb)
	p.maybeFinish(jb)
}

// maybeFinish closes jb.done once jb has ended and its chunks have
// returned. p.mu is held.
func (p *Pool) maybeFinish(jb *job) {
	if !jb.ended || jb.running > 0 || jb.finished {
		return
	}
	jb.finished = true
	if p.obs != nil {
		p.obs.Finished(jb.Kind, jb.Priority, jb.outcome, jb.started, time.Since(jb.queuedAt))
	}
	close(jb.done)
}

// available reports whether a chunk of jb may start now.
func (jb *job) available() bool {
	return !jb.ended && jb.next < jb.n && (!jb.Sequential || jb.running == 0)
}

// add appends jb to its owner's jobs, adding the owner if it has none
// queued, at no earlier a virtual time than the queue's less burst.
func (q *queue) add(jb *job, burst time.Duration) {
	for _, oj := range q.owners {
		if oj.owner == jb.Owner {
			oj.jobs = append(oj.jobs, jb)
			return
		}
	}
	jb.Owner.vtime = max(jb.Owner.vtime, q.vclock-burst)
	q.owners = append(q.owners, &ownerJobs{owner: jb.Owner, jobs: []*job{jb}})
}

// waitingSince returns the earliest submission time of the queue's jobs
// that have a chunk available, and whether there is one.
func (q *queue) waitingSince() (time.Time, bool) {
	var since time.Time
	ok := false
	for _, oj := range q.owners {
		for _, jb := range oj.jobs {
			if jb.available() && (!ok || jb.queuedAt.Before(since)) {
				since, ok = jb.queuedAt, true
			}
		}
	}
	return since, ok
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// take returns the first available job of the owner with the least
// virtual time among those that have one (the earliest to join on ties),
// and advances the queue's virtual time to that owner's.
func (q *queue) take() *job {
	var best *job
	var bestOwner *Owner
	for _, oj := range q.owners {
		if bestOwner != nil && oj.owner.vtime >= bestOwner.vtime {
			continue
		}
		for _, jb := range oj.jobs {
			if jb.available() {
				best, bestOwner = jb, oj.owner
				break
			}
		}
	}
	if best != nil {
		q.vclock = max(q.vclock, bestOwner.vtime)
	}
	return best
}

// remove takes jb out of the queue, and its owner if it has no job left.
func (q *queue) remove(jb *job) {
	for at, oj := range q.owners {
		if oj.owner != jb.Owner {
			continue
		}
		for k, x := range oj.jobs {
			if x == jb {
				oj.jobs = append(oj.jobs[:k], oj.jobs[k+1:]...)
				break
			}
		}
		if len(oj.jobs) == 0 {
			q.owners = append(q.owners[:at], q.owners[at+1:]...)
		}
		return
	}
}

// Runner runs the chunks of a computation (a sim.Task) as Job on Pool
// under Ctx; it implements sim.Runner.
type Runner struct {
	Pool *Pool
	Ctx  context.Context
	Job  Job
}

// Run implements sim.Runner: Pool.Do of the task's chunks.
func (r Runner) Run(n int, task interface{ RunChunk(i int) }) error {
	return r.Pool.Do(r.Ctx, r.Job, n, task.RunChunk)
}
