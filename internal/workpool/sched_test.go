package workpool

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// chunkLog records the order in which chunks run, by label.
type chunkLog struct {
	mu  sync.Mutex
	log []string
}

func (l *chunkLog) add(s string) {
	l.mu.Lock()
	l.log = append(l.log, s)
	l.mu.Unlock()
}

func (l *chunkLog) get() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.log)
}

// submit starts Do of job j with n chunks that log label in the
// background, and returns its error channel once the job is queued.
func submit(p *Pool, ctx context.Context, j Job, n int, l *chunkLog, label string) <-chan error {
	return submitFunc(p, ctx, j, n, func(int) { l.add(label) })
}

// submitFunc is submit with the chunks' function.
func submitFunc(p *Pool, ctx context.Context, j Job, n int, fn func(int)) <-chan error {
	ec := make(chan error, 1)
	queued := make(chan struct{})
	go func() {
		ec <- p.Do(ctx, j, n, fn)
	}()
	go func() { // wait until the pool has the job
		for {
			p.mu.Lock()
			has := false
			for pri := range p.queues {
				for _, oj := range p.queues[pri].owners {
					has = has || oj.owner == j.Owner
				}
			}
			p.mu.Unlock()
			if has {
				close(queued)
				return
			}
			time.Sleep(time.Millisecond)
		}
	}()
	<-queued
	return ec
}

func mustDone(t *testing.T, ecs ...<-chan error) {
	t.Helper()
	for _, ec := range ecs {
		if err := <-ec; err != nil {
			t.Fatal(err)
		}
	}
}

// TestInteractiveFirst queues background and interactive work behind a held
// worker: once it is free, every interactive chunk runs before any
// background one (the ageing limit is out of reach).
func TestInteractiveFirst(t *testing.T) {
	p := New(1, WithAgeing(time.Hour))
	defer p.Close()
	release, held := holdWorkers(t, p)
	var l chunkLog
	ctx := context.Background()
	bg := submit(p, ctx, Job{Owner: NewOwner("bg"), Priority: Background}, 5, &l, "B")
	in := submit(p, ctx, Job{Owner: NewOwner("in"), Priority: Interactive}, 5, &l, "I")
	close(release)
	mustDone(t, held, bg, in)
	if got := l.get(); !slices.Equal(got, []string{"I", "I", "I", "I", "I", "B", "B", "B", "B", "B"}) {
		t.Errorf("order %v, want the interactive chunks first", got)
	}
}

// TestOwnersTakeTurns queues a heavy owner's three big jobs before a light
// owner's small one behind a held worker, all of chunks that take about a
// millisecond: the owners then take turns, so the light job is done long
// before the heavy ones, where a queue in order of submission would run it
// last (95th of 95). Turns go by wall time charged, so with equal chunks
// the light job ends 10th; on a loaded machine one light chunk that was
// preempted is charged several heavy ones, so the bound is the first 40.
func TestOwnersTakeTurns(t *testing.T) {
	p := New(1)
	defer p.Close()
	release, held := holdWorkers(t, p)
	var l chunkLog
	ctx := context.Background()
	heavy := NewOwner("heavy")
	sleepy := func(label string) func(int) {
		return func(int) {
			l.add(label)
			time.Sleep(time.Millisecond)
		}
	}
	var ecs []<-chan error
	for range 3 {
		ecs = append(ecs, submitFunc(p, ctx, Job{Owner: heavy, Kind: "frame"}, 30, sleepy("H")))
	}
	ecs = append(ecs, submitFunc(p, ctx, Job{Owner: NewOwner("light"), Kind: "frame"}, 5, sleepy("L")))
	close(release)
	mustDone(t, append(ecs, held)...)
	got := l.get()
	last := -1
	for i, s := range got {
		if s == "L" {
			last = i
		}
	}
	if last < 0 || last >= 40 {
		t.Errorf("the light owner's last chunk ran %dth of %d (%v); want within the first 40", last+1, len(got), strings.Join(got[:45], ""))
	}
}

// TestBackgroundAges floods the pool with interactive jobs, one after the
// other, until a background job has finished: with ageing, it finishes
// while the flood goes on.
func TestBackgroundAges(t *testing.T) {
	p := New(1, WithAgeing(time.Millisecond))
	defer p.Close()
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	flooding := make(chan struct{})
	var floodJobs atomic.Int32
	go func() {
		defer close(flooding)
		for ctx.Err() == nil {
			p.Do(ctx, Job{Owner: NewOwner("flood")}, 100, func(int) { time.Sleep(50 * time.Microsecond) })
			floodJobs.Add(1)
		}
	}()
	for floodJobs.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	var ran atomic.Int32
	err := p.Do(context.Background(), Job{Owner: NewOwner("bg"), Priority: Background, Sequential: true}, 20, func(int) { ran.Add(1) })
	if err != nil || ran.Load() != 20 {
		t.Fatalf("background job: %v, %d of 20 chunks", err, ran.Load())
	}
	stop()
	<-flooding
}

// TestSequentialJob checks that a sequential job's chunks run one at a
// time, in order, on a pool of several workers.
func TestSequentialJob(t *testing.T) {
	p := New(4)
	defer p.Close()
	var running, maxRunning atomic.Int32
	var order []int
	err := p.Do(context.Background(), Job{Sequential: true}, 200, func(i int) {
		n := running.Add(1)
		if n > maxRunning.Load() {
			maxRunning.Store(n)
		}
		order = append(order, i) // safe only if chunks never overlap
		running.Add(-1)
	})
	if err != nil || maxRunning.Load() != 1 || len(order) != 200 || !slices.IsSorted(order) {
		t.Errorf("Do = %v; %d chunks at most at once, order sorted %v", err, maxRunning.Load(), slices.IsSorted(order))
	}
}

// TestCancelWaitsForRunningChunks cancels a job while one of its chunks
// runs: Do returns the context's error only after that chunk has returned,
// and no other chunk starts.
func TestCancelWaitsForRunningChunks(t *testing.T) {
	p := New(2)
	defer p.Close()
	ctx, cancel := context.WithCancel(context.Background())
	started, release := make(chan struct{}), make(chan struct{})
	var chunkReturned, others atomic.Bool
	ec := make(chan error, 1)
	go func() {
		ec <- p.Do(ctx, Job{Sequential: true}, 10, func(i int) {
			if i > 0 {
				others.Store(true)
				return
			}
			close(started)
			<-release
			chunkReturned.Store(true)
		})
	}()
	<-started
	cancel()
	select {
	case err := <-ec:
		t.Fatalf("Do returned %v while its chunk was running", err)
	default:
	}
	close(release)
	if err := <-ec; !errors.Is(err, context.Canceled) || !chunkReturned.Load() || others.Load() {
		t.Errorf("Do = %v; chunk returned %v; later chunks ran %v", err, chunkReturned.Load(), others.Load())
	}
}

// TestCancelQueuedJob cancels a job that is queued behind a held worker:
// Do returns at once, while the worker is still held, and its chunks never
// run.
func TestCancelQueuedJob(t *testing.T) {
	p := New(1)
	defer p.Close()
	release, held := holdWorkers(t, p)
	ctx, cancel := context.WithCancel(context.Background())
	var l chunkLog
	ec := submit(p, ctx, Job{Owner: NewOwner("gone")}, 10, &l, "X")
	cancel()
	if err := <-ec; !errors.Is(err, context.Canceled) {
		t.Errorf("Do = %v, want context.Canceled", err)
	}
	close(release)
	mustDone(t, held)
	checkPoolWorks(t, p)
	if got := l.get(); len(got) != 0 {
		t.Errorf("%d chunks of the cancelled job ran", len(got))
	}
}

// recorder is an Observer that counts events.
type recorder struct {
	mu                        sync.Mutex
	queued, started, finished map[string]int
}

func (r *recorder) Queued(kind string, pri Priority) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.queued[kind+"/"+pri.String()]++
}

func (r *recorder) Started(kind string, pri Priority, wait time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.started[kind]++
}

func (r *recorder) Finished(kind string, pri Priority, o Outcome, started bool, total time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.finished[kind+"/"+o.String()]++
}

// TestObserverAndProgress checks the events of completed, cancelled and
// failed jobs, and the progress of a job.
func TestObserverAndProgress(t *testing.T) {
	rec := &recorder{queued: map[string]int{}, started: map[string]int{}, finished: map[string]int{}}
	p := New(2, WithObserver(rec))
	defer p.Close()
	var prog Progress
	prog.SetTotal(30)
	if err := p.Do(context.Background(), Job{Kind: "frame", Progress: &prog}, 30, func(int) {}); err != nil {
		t.Fatal(err)
	}
	if done, total := prog.Load(); done != 30 || total != 30 {
		t.Errorf("progress %d/%d, want 30/30", done, total)
	}
	ctx, cancel := context.WithCancel(context.Background())
	p.Do(ctx, Job{Kind: "run", Priority: Background, Sequential: true}, 5, func(i int) { cancel() })
	p.Do(context.Background(), Job{Kind: "probe"}, 1, func(int) { panic("x") })
	rec.mu.Lock()
	defer rec.mu.Unlock()
	wantQ := map[string]int{"frame/interactive": 1, "run/background": 1, "probe/interactive": 1}
	wantF := map[string]int{"frame/done": 1, "run/cancelled": 1, "probe/failed": 1}
	for k, v := range wantQ {
		if rec.queued[k] != v {
			t.Errorf("queued %v, want %v", rec.queued, wantQ)
		}
	}
	for k, v := range wantF {
		if rec.finished[k] != v {
			t.Errorf("finished %v, want %v", rec.finished, wantF)
		}
	}
}

// TestOwnersShareTime queues a heavy owner whose chunks take 2 ms and,
// behind it, a light owner whose chunks take next to nothing: fairness by
// time runs every light chunk after at most two heavy ones, where turns
// by chunk would interleave twenty.
func TestOwnersShareTime(t *testing.T) {
	p := New(1)
	defer p.Close()
	release, held := holdWorkers(t, p)
	var l chunkLog
	ctx := context.Background()
	heavy := make(chan error, 1)
	queued := make(chan struct{})
	go func() {
		heavy <- p.Do(ctx, Job{Owner: NewOwner("heavy")}, 40, func(int) {
			l.add("H")
			time.Sleep(2 * time.Millisecond)
		})
	}()
	go func() { // wait until the pool has the heavy job
		for {
			p.mu.Lock()
			n := len(p.queues[Interactive].owners)
			p.mu.Unlock()
			if n == 1 { // the heavy one (the holder's job has started its only chunk)
				close(queued)
				return
			}
			time.Sleep(time.Millisecond)
		}
	}()
	<-queued
	light := submit(p, ctx, Job{Owner: NewOwner("light")}, 20, &l, "L")
	close(release)
	mustDone(t, held, light, heavy)
	got := l.get()
	last := 0
	for i, s := range got {
		if s == "L" {
			last = i
		}
	}
	if h := slices.Index(got[last:], "H"); strings.Count(strings.Join(got[:last], ""), "H") > 2 || h < 0 {
		t.Errorf("order %v: more than two heavy chunks before the light job's last", strings.Join(got, ""))
	}
}
