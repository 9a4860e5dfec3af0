package workpool

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestDoRunsEveryChunkOnce checks that Do calls fn exactly once for every
// chunk index, for empty, tiny, odd and large n and several pool sizes.
func TestDoRunsEveryChunkOnce(t *testing.T) {
	for _, workers := range []int{1, 2, 3, 4} {
		for _, n := range []int{0, 1, 7, 1000} {
			t.Run(fmt.Sprintf("workers=%d/n=%d", workers, n), func(t *testing.T) {
				p := New(workers)
				defer p.Close()
				if got := p.Workers(); got != workers {
					t.Fatalf("Workers() = %d, want %d", got, workers)
				}

				counts := make([]atomic.Int32, n)
				var outOfRange atomic.Int32
				err := p.Do(context.Background(), n, func(i int) {
					if i < 0 || i >= n {
						outOfRange.Add(1)
						return
					}
					counts[i].Add(1)
				})
				if err != nil {
					t.Fatalf("Do: %v", err)
				}
				if c := outOfRange.Load(); c != 0 {
					t.Fatalf("fn called %d times with an index outside [0, %d)", c, n)
				}
				for i := range counts {
					if c := counts[i].Load(); c != 1 {
						t.Errorf("chunk %d ran %d times, want 1", i, c)
					}
				}
			})
		}
	}
}

func TestNewClampsWorkers(t *testing.T) {
	for _, workers := range []int{-3, 0} {
		p := New(workers)
		if got := p.Workers(); got != 1 {
			t.Errorf("New(%d).Workers() = %d, want 1", workers, got)
		}
		if err := p.Do(context.Background(), 5, func(int) {}); err != nil {
			t.Errorf("New(%d).Do: %v", workers, err)
		}
		p.Close()
	}
}

// chunkValue is a deterministic, chunk-local computation whose result would
// differ if a chunk were run with the wrong index or its output misplaced.
func chunkValue(i int) float64 {
	x := float64(i) + 0.5
	s := 0.0
	for k := 1; k <= 50; k++ {
		s += x / float64(k*k+i)
	}
	return s
}

// TestDoMatchesSerialLoop checks that results written per chunk are
// bit-identical to a plain serial loop, on every run.
func TestDoMatchesSerialLoop(t *testing.T) {
	const n = 777
	want := make([]float64, n)
	for i := range want {
		want[i] = chunkValue(i)
	}
	for _, workers := range []int{1, 2, 3, 4} {
		p := New(workers)
		for rep := range 5 {
			got := make([]float64, n)
			if err := p.Do(context.Background(), n, func(i int) { got[i] = chunkValue(i) }); err != nil {
				t.Fatalf("workers=%d rep=%d: Do: %v", workers, rep, err)
			}
			for i := range want {
				if got[i] != want[i] {
					t.Fatalf("workers=%d rep=%d: chunk %d = %v, serial loop gives %v", workers, rep, i, got[i], want[i])
				}
			}
		}
		p.Close()
	}
}

// TestDoSaturatedPoolDoesNotDeadlock holds every worker busy inside a slow
// batch, then issues many concurrent Do calls. They must all complete while
// the workers are still held: each caller finishes its own chunks itself.
func TestDoSaturatedPoolDoesNotDeadlock(t *testing.T) {
	p := New(3)
	defer p.Close()

	release, slowErr := holdWorkers(t, p)

	// The new callers' help requests land in the queue (until it is full)
	// where no worker can take them yet: each caller must do all of its
	// chunks itself, and the stale requests are drained after release.
	const callers = 32
	const n = 50
	var wg sync.WaitGroup
	errs := make([]error, callers)
	ran := make([][]int32, callers)
	for c := range callers {
		ran[c] = make([]int32, n)
		wg.Go(func() {
			errs[c] = p.Do(context.Background(), n, func(i int) { ran[c][i]++ })
		})
	}
	allDone := make(chan struct{})
	go func() { wg.Wait(); close(allDone) }()

	select {
	case <-allDone:
	case <-time.After(30 * time.Second): // a guard against a hang, not a wait
		close(release)
		t.Fatal("concurrent Do calls did not complete while the pool was saturated")
	}

	for c := range callers {
		if errs[c] != nil {
			t.Errorf("caller %d: Do: %v", c, errs[c])
		}
		for i, k := range ran[c] {
			if k != 1 {
				t.Errorf("caller %d: chunk %d ran %d times, want 1", c, i, k)
			}
		}
	}

	close(release)
	if err := <-slowErr; err != nil {
		t.Errorf("slow batch: Do: %v", err)
	}
}

// TestDoManyConcurrentCallers runs many concurrent Do calls on a free pool;
// every chunk of every call runs exactly once.
func TestDoManyConcurrentCallers(t *testing.T) {
	p := New(4)
	defer p.Close()

	const callers = 64
	const n = 100
	var wg sync.WaitGroup
	errs := make([]error, callers)
	counts := make([][]atomic.Int32, callers)
	for c := range callers {
		counts[c] = make([]atomic.Int32, n)
		wg.Go(func() {
			errs[c] = p.Do(context.Background(), n, func(i int) { counts[c][i].Add(1) })
		})
	}
	wg.Wait()
	for c := range callers {
		if errs[c] != nil {
			t.Errorf("caller %d: Do: %v", c, errs[c])
		}
		for i := range counts[c] {
			if k := counts[c][i].Load(); k != 1 {
				t.Errorf("caller %d: chunk %d ran %d times, want 1", c, i, k)
			}
		}
	}
}

// TestDoCancelSkipsLaterChunks makes the order deterministic: the only
// worker is held by another batch, so the caller runs its chunks one by one
// in index order. Chunk 3 cancels the context; chunks 4.. must be skipped.
func TestDoCancelSkipsLaterChunks(t *testing.T) {
	p := New(1)
	defer p.Close()

	release, slowErr := holdWorkers(t, p)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	const n = 10
	const cancelAt = 3
	ran := make([]bool, n)
	err := p.Do(ctx, n, func(i int) {
		ran[i] = true
		if i == cancelAt {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Do after cancel = %v, want context.Canceled", err)
	}
	for i, r := range ran {
		if want := i <= cancelAt; r != want {
			t.Errorf("chunk %d ran = %v, want %v", i, r, want)
		}
	}

	close(release)
	if err := <-slowErr; err != nil {
		t.Errorf("holding batch: Do: %v", err)
	}
}

// holdWorkers parks every worker of p inside a batch that waits on release
// and returns once all of them are held. Until release, help requests from
// later Do calls stay queued, so those calls run on their caller alone, in
// chunk order.
func holdWorkers(t *testing.T, p *Pool) (release chan struct{}, errc <-chan error) {
	t.Helper()
	w := p.Workers()
	release = make(chan struct{})
	var started sync.WaitGroup
	started.Add(w + 1) // the holding caller and every worker
	ec := make(chan error, 1)
	go func() {
		ec <- p.Do(context.Background(), w+1, func(int) {
			started.Done()
			<-release
		})
	}()
	started.Wait()
	return release, ec
}

// TestDoCancelConcurrent cancels mid-batch on a pool whose workers are free,
// so which goroutine runs which chunk is nondeterministic. Chunk 0 is always
// claimed first and cancels; every other chunk that starts waits for the
// cancel, so each goroutine can have started at most one chunk before all
// later claims see the cancelled context and skip.
func TestDoCancelConcurrent(t *testing.T) {
	const workers = 4
	p := New(workers)
	defer p.Close()

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	const n = 1000
	var ran atomic.Int32
	err := p.Do(ctx, n, func(i int) {
		ran.Add(1)
		if i == 0 {
			cancel()
		}
		<-ctx.Done()
	})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Do = %v, want context.Canceled", err)
	}
	if r := ran.Load(); r < 1 || r > workers+1 {
		t.Errorf("%d of %d chunks ran, want between 1 and %d (one per goroutine)", r, n, workers+1)
	}
}

func TestDoAlreadyCancelled(t *testing.T) {
	p := New(2)
	defer p.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, n := range []int{0, 1, 50} {
		var ran atomic.Int32
		err := p.Do(ctx, n, func(int) { ran.Add(1) })
		if !errors.Is(err, context.Canceled) {
			t.Errorf("n=%d: Do = %v, want context.Canceled", n, err)
		}
		if r := ran.Load(); r != 0 {
			t.Errorf("n=%d: %d chunks ran on a cancelled context, want 0", n, r)
		}
	}
}

// TestCloseStopsWorkers checks that no worker goroutine outlives Close.
func TestCloseStopsWorkers(t *testing.T) {
	before := runtime.NumGoroutine()
	p := New(8)
	if err := p.Do(context.Background(), 100, func(int) {}); err != nil {
		t.Fatalf("Do: %v", err)
	}
	p.Close()
	// Close waits for the workers to signal they are done, but a goroutine
	// that has signalled may not have exited yet; poll, bounded.
	after := runtime.NumGoroutine()
	for deadline := time.Now().Add(10 * time.Second); after > before && time.Now().Before(deadline); {
		runtime.Gosched()
		after = runtime.NumGoroutine()
	}
	if after > before {
		t.Errorf("goroutines: %d before New, %d after Close", before, after)
	}
}

func TestCloseTwice(t *testing.T) {
	p := New(3)
	p.Close()
	p.Close() // must neither panic nor block
}

func TestDoAfterClosePanics(t *testing.T) {
	p := New(2)
	p.Close()
	defer func() {
		if recover() == nil {
			t.Error("Do after Close did not panic")
		}
	}()
	_ = p.Do(context.Background(), 4, func(int) {})
}

// sink keeps benchmark results alive so the work is not optimised away.
var sink float64

// BenchmarkDo measures the pool's overhead for 64 trivial chunks.
func BenchmarkDo(b *testing.B) {
	for _, workers := range []int{1, runtime.GOMAXPROCS(0)} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			p := New(workers)
			defer p.Close()
			out := make([]float64, 64)
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				if err := p.Do(ctx, len(out), func(i int) { out[i] = float64(i) }); err != nil {
					b.Fatal(err)
				}
			}
			sink = out[len(out)-1]
		})
	}
}
