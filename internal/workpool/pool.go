// Package workpool bounds the CPU work of the whole server: every caller that
// wants a computation split over cores borrows the same fixed set of workers.
//
// A call to Do splits its work into n independent chunks. The calling
// goroutine always works on its own chunks, and idle pool workers join in,
// so a saturated pool slows callers down but never deadlocks them and never
// queues work without bound: at most one pending help request per worker is
// buffered, and a request nobody picks up is simply done by its caller.
//
// A chunk that panics never takes a worker, or the process, down with it:
// Do recovers the panic wherever the chunk ran, skips the chunks not yet
// started and returns the panic to its caller as a *PanicError.
package workpool

import (
	"context"
	"fmt"
	"runtime/debug"
	"sync"
	"sync/atomic"
)

// PanicError is the error Do returns when a chunk panicked: the value
// passed to panic and the stack of the goroutine that panicked (a pool
// worker's or the caller's), as debug.Stack formats it.
type PanicError struct {
	Chunk int    // the chunk that panicked
	Value any    // the value passed to panic
	Stack []byte // the panicking goroutine's stack
}

func (e *PanicError) Error() string {
	return fmt.Sprintf("workpool: chunk %d panicked: %v", e.Chunk, e.Value)
}

// Unwrap returns the panic's value when it is an error.
func (e *PanicError) Unwrap() error {
	err, _ := e.Value.(error)
	return err
}

// Pool is a fixed set of worker goroutines shared by all callers.
// It is safe for concurrent use. The zero value is not usable; call New.
type Pool struct {
	help    chan *batch // help requests; capacity = number of workers
	workers int

	closeOnce sync.Once
	done      sync.WaitGroup // running worker goroutines
}

// batch is one call to Do: chunks [0, n) handed out through next.
type batch struct {
	ctx      context.Context
	n        int64
	next     atomic.Int64  // next chunk index to hand out
	finished atomic.Int64  // chunks run or skipped
	allDone  chan struct{} // closed when finished reaches n
	fn       func(chunk int)
	// panicked holds the first chunk's panic; later chunks are skipped.
	panicked atomic.Pointer[PanicError]
}

// New starts a pool of workers goroutines (at least 1). Close stops them.
func New(workers int) *Pool {
	if workers < 1 {
		workers = 1
	}
	p := &Pool{help: make(chan *batch, workers), workers: workers}
	p.done.Add(workers)
	for range workers {
		go p.worker()
	}
	return p
}

// Workers reports the number of worker goroutines.
func (p *Pool) Workers() int { return p.workers }

func (p *Pool) worker() {
	defer p.done.Done()
	for b := range p.help {
		b.work() // a request picked up after its batch ended finds no chunk left
	}
}

// work claims chunks until none are left. Every claimed chunk is either run
// or, once the batch's context is done or a chunk has panicked, skipped;
// both count as finished.
func (b *batch) work() {
	for {
		i := b.next.Add(1) - 1
		if i >= b.n {
			return
		}
		if b.ctx.Err() == nil && b.panicked.Load() == nil {
			b.run(int(i))
		}
		if b.finished.Add(1) == b.n {
			close(b.allDone)
		}
	}
}

// run calls fn(i) and records a panic instead of letting it unwind the
// goroutine.
func (b *batch) run(i int) {
	defer func() {
		if v := recover(); v != nil {
			b.panicked.CompareAndSwap(nil, &PanicError{Chunk: i, Value: v, Stack: debug.Stack()})
		}
	}()
	b.fn(i)
}

// Do calls fn(i) once for every i in [0, n), on the calling goroutine and on
// idle pool workers, and returns when every call has returned. fn must be
// safe to call concurrently for different i and must not call Do on the same
// pool. When ctx is done, chunks not yet started are skipped and Do returns
// ctx.Err(); the results are then incomplete.
//
// A panic in fn, on whichever goroutine, is recovered: the chunks not yet
// started are skipped, Do waits for those running and returns a *PanicError
// holding the first panic's value and stack (it takes precedence over
// ctx.Err()). The pool's workers live on. The caller should treat the
// results as incomplete and report the panic, for example as a 500.
//
// Which goroutine runs which chunk varies from call to call, so fn must write
// only to places owned by its chunk for results to be deterministic.
func (p *Pool) Do(ctx context.Context, n int, fn func(chunk int)) error {
	if n <= 0 {
		return ctx.Err()
	}
	b := &batch{ctx: ctx, n: int64(n), fn: fn, allDone: make(chan struct{})}
	for range min(n-1, p.workers) {
		select {
		case p.help <- b:
		default: // every worker has a request queued: the caller does the work
		}
	}
	b.work()
	<-b.allDone
	if pe := b.panicked.Load(); pe != nil {
		return pe
	}
	return ctx.Err()
}

// Close stops the workers after the help requests already queued. Calls to
// Do after Close panic; Close itself may be called more than once.
func (p *Pool) Close() {
	p.closeOnce.Do(func() { close(p.help) })
	p.done.Wait()
}
