package api

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"slices"
	"sync"
	"time"

	"hoplab/internal/scenario"
	"hoplab/internal/workpool"
)

// jobState is a job's state, as GET /api/v1/jobs/{id} shows it. A job is
// queued, then running, then ends done, failed or cancelled; a queued job
// may end without running.
type jobState string

const (
	jobQueued    jobState = "queued"    // accepted, waiting for one of MaxRunningJobs places
	jobRunning   jobState = "running"   // computing
	jobDone      jobState = "done"      // its endpoint's answer is kept: status and result
	jobFailed    jobState = "failed"    // no answer: error says why (timeout, shutting_down, internal, …)
	jobCancelled jobState = "cancelled" // DELETE stopped it; nothing is kept
)

// Error codes of jobs, besides those of their requests.
const (
	codeJobNotFound    = "job_not_found"    // 404: no such job, or forgotten after JobRetention
	codeResultTooLarge = "result_too_large" // a failed job's error: its result alone exceeds MaxKeptJobBytes
)

// errJobCancelled is the cause of a job stopped by DELETE.
var errJobCancelled = errors.New("api: the job was cancelled")

// errJobPanicked is the error of a job whose goroutine panicked outside a
// chunk of the pool; the panic has been logged.
var errJobPanicked = errors.New("api: the job panicked")

// A job is one accepted POST /api/v1/jobs.
type job struct {
	id, kind string
	addr     string   // the client address, for MaxJobsPerAddr
	work     *jobWork // nil once the job has ended
	shared   bool     // its answer's bytes are the server's anyway (jobWork.shared)
	owner    *workpool.Owner
	prog     workpool.Progress
	created  time.Time
	done     chan struct{} // closed once the job has ended

	// Guarded by jobStore.mu.
	state     jobState
	started   time.Time               // zero while queued
	ended     time.Time               // zero until the job ends
	cancel    context.CancelCauseFunc // while running
	status    int                     // done: the status of the endpoint's answer
	result    []byte                  // done: its body, without the final newline
	err       *scenario.Error         // failed: why
	keptBytes int64                   // ended: what MaxKeptJobBytes counts for it
	forgotten bool                    // ended and forgotten before the jobs that ended earlier (maxEndedJobsPerAddr)
}

// maxEndedJobsPerAddr bounds the ended jobs kept for one client address:
// beyond it, that address's own first ended job is forgotten, so that one
// address cannot make the server forget the jobs of others by ending jobs
// of its own (a job of a known figure is accepted done at once, beyond
// the limits on jobs queued or running). docs/api.md, "Jobs".
const maxEndedJobsPerAddr = 64

// jobStore keeps the jobs: it queues them, runs at most MaxRunningJobs at
// once, each on a goroutine of its own, and forgets them JobRetention after
// their end or when the ended ones exceed MaxKeptJobBytes. Every map and
// list in it is bounded: the jobs not ended by MaxJobs, the ended ones by
// MaxKeptJobBytes (JobRecordBytes each at least).
type jobStore struct {
	lim scenario.Limits
	log *slog.Logger
	// draining is done once the server shuts down (CancelRuns): running
	// jobs are cancelled, queued ones fail, new ones are refused.
	draining context.Context
	// now is the clock of the timestamps and of retention (a test hook).
	now func() time.Time

	mu        sync.Mutex
	byID      map[string]*job   // every job kept: not ended, or ended and not yet forgotten
	queue     []*job            // the queued jobs, in the order they were accepted
	running   int               // jobs running: their goroutines
	unended   int               // jobs queued or running
	perAddr   map[string]int    // jobs queued or running by client address; no zero entries
	ended     []*job            // the ended jobs, in the order they ended: those kept, and those forgotten early (job.forgotten)
	early     int               // the jobs in ended forgotten early
	endedBy   map[string][]*job // the ended jobs kept by client address, in the order they ended; no empty entries
	keptBytes int64             // Σ keptBytes of ended
	sweep     *time.Timer       // forgets the expired jobs at ended[0]'s expiry; nil when not armed
	drained   bool              // draining has been seen: nothing starts any more
	stopped   bool              // stop was called: no timer is armed any more
}

func newJobStore(lim scenario.Limits, log *slog.Logger, draining context.Context) *jobStore {
	st := &jobStore{lim: lim, log: log, draining: draining, now: time.Now,
		byID: map[string]*job{}, perAddr: map[string]int{}, endedBy: map[string][]*job{}}
	context.AfterFunc(draining, st.drain)
	return st
}

// newJobID returns 128 random bits in hex: a job's id is its capability,
// so it cannot be guessed from others.
func newJobID() string {
	var b [16]byte
	rand.Read(b[:]) // never fails (crypto/rand)
	return hex.EncodeToString(b[:])
}

// jobSnapshot is a job as one request sees it: its JSON members, and the
// result of a done job.
type jobSnapshot struct {
	view   jobJSON
	result []byte
}

// create accepts a job of kind for the client address addr, or refuses it
// with 503 (busy, with Retry-After, or shutting_down). The snapshot shows
// the job as accepted: queued, nothing done; or, when its answer is known
// already (work.ready), done, every chunk counted, started and ended when
// it was created.
func (st *jobStore) create(kind, addr string, work *jobWork) (jobSnapshot, *scenario.Error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.sweepExpired()
	switch {
	case st.drained || st.draining.Err() != nil:
		return jobSnapshot{}, shuttingDownJobs
	case work.ready != nil:
		// Never queued nor running: the limits on those do not apply.
	case st.unended >= st.lim.MaxJobs:
		return jobSnapshot{}, &scenario.Error{Status: http.StatusServiceUnavailable, Code: codeBusy,
			Message: fmt.Sprintf("the server has %d jobs queued or running, its limit; retry when fewer are", st.unended)}
	case st.lim.MaxJobsPerAddr > 0 && st.perAddr[addr] >= st.lim.MaxJobsPerAddr:
		return jobSnapshot{}, &scenario.Error{Status: http.StatusServiceUnavailable, Code: codeBusy,
			Message: fmt.Sprintf("your address has %d jobs queued or running, the limit per address; retry when one of them has ended", st.perAddr[addr])}
	}
	j := &job{id: newJobID(), kind: kind, addr: addr, work: work, shared: work.shared, created: st.now(), state: jobQueued, done: make(chan struct{})}
	j.owner = workpool.NewOwner("job " + j.id[:8])
	j.prog.SetTotal(work.chunks)
	st.byID[j.id] = j
	st.unended++
	st.perAddr[addr]++
	if a := work.ready; a != nil {
		j.prog.Add(work.chunks)
		j.started = j.created
		st.finish(j, jobDone, a.status, a.body, nil)
		return st.snapshot(j), nil
	}
	st.queue = append(st.queue, j)
	snap := st.snapshot(j)
	st.startQueued()
	return snap, nil
}

// shuttingDownJobs refuses a job while the server shuts down.
var shuttingDownJobs = &scenario.Error{Status: http.StatusServiceUnavailable, Code: codeShuttingDown,
	Message: "the server is shutting down and accepts no jobs; retry once it is back"}

// get returns the job with this id, if it is kept.
func (st *jobStore) get(id string) (jobSnapshot, bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.sweepExpired()
	j, ok := st.byID[id]
	if !ok {
		return jobSnapshot{}, false
	}
	return st.snapshot(j), true
}

// cancel cancels the job with this id: a queued job ends at once; a
// running one is cancelled, and cancel waits until it has ended (its
// running chunks have returned) or ctx is done. A job that has ended
// already is left as it is. It returns the job as it then is.
func (st *jobStore) cancel(ctx context.Context, id string) (jobSnapshot, bool) {
	st.mu.Lock()
	st.sweepExpired()
	j, ok := st.byID[id]
	if !ok {
		st.mu.Unlock()
		return jobSnapshot{}, false
	}
	switch j.state {
	case jobQueued:
		st.dequeue(j)
		st.finish(j, jobCancelled, 0, nil, nil)
	case jobRunning:
		j.cancel(errJobCancelled)
	}
	st.mu.Unlock()

	select {
	case <-j.done:
	case <-ctx.Done():
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.snapshot(j), true
}

// wait waits until no job is running, or ctx is done, and stops the
// timer that forgets ended jobs. After draining (CancelRuns) the running
// jobs end within a chunk and no job starts.
func (st *jobStore) wait(ctx context.Context) error {
	for {
		st.mu.Lock()
		var running *job
		for _, j := range st.byID {
			if j.state == jobRunning {
				running = j
				break
			}
		}
		if running == nil {
			st.stopped = true
			if st.sweep != nil {
				st.sweep.Stop()
				st.sweep = nil
			}
			st.mu.Unlock()
			return nil
		}
		st.mu.Unlock()
		select {
		case <-running.done:
		case <-ctx.Done():
			return fmt.Errorf("jobs still running: %w", ctx.Err())
		}
	}
}

// drain runs once draining is done: queued jobs fail with shutting_down
// and running ones are cancelled with that cause.
func (st *jobStore) drain() {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.drained = true
	for _, j := range st.queue {
		st.finish(j, jobFailed, 0, nil, shuttingDown)
	}
	clear(st.queue)
	st.queue = nil
	for _, j := range st.byID {
		if j.state == jobRunning {
			j.cancel(errShuttingDown)
		}
	}
}

// startQueued starts queued jobs, in order, while fewer than
// MaxRunningJobs run. st.mu is held.
func (st *jobStore) startQueued() {
	for !st.drained && st.running < max(st.lim.MaxRunningJobs, 1) && len(st.queue) > 0 {
		j := st.queue[0]
		st.queue[0] = nil
		st.queue = st.queue[1:]
		ctx, cancel := context.WithCancelCause(context.Background())
		ctx, stopTimeout := context.WithTimeout(ctx, st.lim.JobTimeout)
		j.state, j.started, j.cancel = jobRunning, st.now(), cancel
		st.running++
		go st.execute(ctx, j, func() {
			stopTimeout()
			cancel(nil)
		})
	}
}

// execute runs j under ctx, records how it ended and starts the next
// queued job; release frees ctx's resources.
func (st *jobStore) execute(ctx context.Context, j *job, release func()) {
	status, body, err := st.runRecovered(ctx, j)
	state, e := jobDone, (*scenario.Error)(nil)
	if err != nil {
		state, e = st.failure(ctx, j, err)
		status, body = 0, nil
	}
	release()
	st.mu.Lock()
	defer st.mu.Unlock()
	st.running--
	st.finish(j, state, status, body, e)
	st.startQueued()
}

// runRecovered runs j's work; a panic on this goroutine (outside the
// pool's chunks, which recover their own) is logged and becomes
// errJobPanicked.
func (st *jobStore) runRecovered(ctx context.Context, j *job) (status int, body []byte, err error) {
	defer func() {
		if v := recover(); v != nil {
			logPanic(st.log, "panic in a job", v, debug.Stack(), "job", j.id[:8], "kind", j.kind)
			status, body, err = 0, nil, errJobPanicked
		}
	}()
	return j.work.run(ctx, j.owner, &j.prog)
}

// failure is how a job whose work returned err ends: cancelled by DELETE,
// or failed, with the error that its endpoint would have answered.
func (st *jobStore) failure(ctx context.Context, j *job, err error) (jobState, *scenario.Error) {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		switch cause := context.Cause(ctx); {
		case errors.Is(cause, errJobCancelled):
			return jobCancelled, nil
		case errors.Is(cause, errShuttingDown):
			return jobFailed, shuttingDown
		case errors.Is(cause, context.DeadlineExceeded):
			return jobFailed, &scenario.Error{Status: http.StatusServiceUnavailable, Code: codeTimeout,
				Message: fmt.Sprintf("the job took longer than %v and was stopped; ask for less work", st.lim.JobTimeout)}
		}
	}
	e := scenario.AsError(err)
	if e.Status >= 500 && !errors.Is(err, errJobPanicked) {
		logFailure(st.log, "job failed", err, "job", j.id[:8], "kind", j.kind)
	}
	return jobFailed, e
}

// finish ends j: it records the outcome (a done job's result only if it
// fits within MaxKeptJobBytes; a cancelled job keeps nothing), keeps j
// until it expires and forgets the oldest ended jobs beyond
// MaxKeptJobBytes. st.mu is held.
func (st *jobStore) finish(j *job, state jobState, status int, body []byte, e *scenario.Error) {
	body = bytes.TrimSuffix(body, []byte("\n"))
	if state == jobDone && int64(len(body)) > st.lim.MaxKeptJobBytes-scenario.JobRecordBytes {
		state, e = jobFailed, &scenario.Error{Status: http.StatusInsufficientStorage, Code: codeResultTooLarge,
			Message: fmt.Sprintf("the result has %d bytes, more than the server keeps (%s); ask for less output (fewer snapshots, a smaller grid)",
				len(body), formatBytes(st.lim.MaxKeptJobBytes))}
	}
	if state != jobDone {
		status, body = 0, nil
	}
	j.state, j.ended, j.cancel = state, st.now(), nil
	j.work = nil // its plan may hold megabytes
	j.status, j.result, j.err = status, body, e
	st.unended--
	if st.perAddr[j.addr]--; st.perAddr[j.addr] <= 0 {
		delete(st.perAddr, j.addr)
	}
	j.keptBytes = scenario.JobRecordBytes
	if !j.shared {
		j.keptBytes += int64(cap(body)) // the memory it holds, spare capacity included
	}
	st.keptBytes += j.keptBytes
	st.ended = append(st.ended, j)
	st.endedBy[j.addr] = append(st.endedBy[j.addr], j)
	if len(st.endedBy[j.addr]) > maxEndedJobsPerAddr {
		st.forgetEarly(st.endedBy[j.addr][0])
	}
	for st.keptBytes > st.lim.MaxKeptJobBytes && len(st.ended) > 0 {
		st.forgetOldest()
	}
	close(j.done)
	st.log.Info("job ended", "job", j.id[:8], "kind", j.kind, "state", string(state), "status", status,
		"bytes", len(body), "duration", j.ended.Sub(j.created))
	st.arm()
}

// dequeue takes the queued j out of the queue. st.mu is held.
func (st *jobStore) dequeue(j *job) {
	for i, q := range st.queue {
		if q == j {
			st.queue = append(st.queue[:i], st.queue[i+1:]...)
			return
		}
	}
}

// sweepExpired forgets the ended jobs whose retention is over. st.mu is
// held.
func (st *jobStore) sweepExpired() {
	now := st.now()
	for len(st.ended) > 0 && !now.Before(st.expiry(st.ended[0])) {
		st.forgetOldest()
	}
}

// expiry is when the ended j is forgotten.
func (st *jobStore) expiry(j *job) time.Time { return j.ended.Add(st.lim.JobRetention) }

// forgetOldest forgets the job that ended first. st.mu is held.
func (st *jobStore) forgetOldest() {
	st.forget(st.popEnded())
	st.trimEnded()
}

// trimEnded drops the jobs forgotten early from the front of ended, so
// that ended[0], if any, is kept. st.mu is held.
func (st *jobStore) trimEnded() {
	for len(st.ended) > 0 && st.ended[0].forgotten {
		st.popEnded()
		st.early--
	}
}

// popEnded takes the first job out of ended. st.mu is held.
func (st *jobStore) popEnded() *job {
	j := st.ended[0]
	st.ended[0] = nil
	st.ended = st.ended[1:]
	return j
}

// forget forgets the ended job j, the first ended of its address. st.mu
// is held.
func (st *jobStore) forget(j *job) {
	by := st.endedBy[j.addr]
	by[0] = nil
	if by = by[1:]; len(by) == 0 {
		delete(st.endedBy, j.addr)
	} else {
		st.endedBy[j.addr] = by
	}
	delete(st.byID, j.id)
	st.keptBytes -= j.keptBytes
	j.result = nil
}

// forgetEarly forgets the ended job j, the first ended of its address,
// before the jobs that ended earlier: it stays in ended, marked, until
// they are forgotten, or ended is compacted once the marked ones are half
// of it (so ended stays bounded by twice the jobs kept). st.mu is held.
func (st *jobStore) forgetEarly(j *job) {
	st.forget(j)
	j.forgotten = true
	st.early++
	st.trimEnded()
	if st.early > len(st.ended)/2 {
		st.ended = slices.DeleteFunc(st.ended, func(j *job) bool { return j.forgotten })
		st.early = 0
	}
}

// arm makes sure that the ended jobs are forgotten when they expire, even
// if no request comes to sweep them: a timer fires at the first expiry.
// st.mu is held.
func (st *jobStore) arm() {
	if st.sweep != nil || st.stopped || len(st.ended) == 0 {
		return
	}
	st.sweep = time.AfterFunc(max(st.expiry(st.ended[0]).Sub(st.now()), 0), func() {
		st.mu.Lock()
		defer st.mu.Unlock()
		st.sweep = nil
		st.sweepExpired()
		st.arm()
	})
}

// snapshot returns j as it is now. st.mu is held.
func (st *jobStore) snapshot(j *job) jobSnapshot {
	done, total := j.prog.Load()
	v := jobJSON{
		ID: j.id, Kind: j.kind, State: j.state,
		Progress:  progressJSON{Done: done, Total: total},
		CreatedAt: formatTime(j.created),
		StartedAt: optionalTime(j.started),
		EndedAt:   optionalTime(j.ended),
	}
	if !j.ended.IsZero() {
		v.ExpiresAt = optionalTime(st.expiry(j))
	}
	switch j.state {
	case jobDone:
		v.Status = j.status
	case jobFailed:
		d := detail(j.err)
		v.Error = &d
	}
	return jobSnapshot{view: v, result: j.result}
}
