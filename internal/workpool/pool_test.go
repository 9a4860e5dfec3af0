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
				err := p.Do(context.Background(), Job{}, n, func(i int) {
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
		if err := p.Do(context.Background(), Job{}, 5, func(int) {}); err != nil {
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
			if err := p.Do(context.Background(), Job{}, n, func(i int) { got[i] = chunkValue(i) }); err != nil {
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
			errs[c] = p.Do(context.Background(), Job{}, n, func(i int) { counts[c][i].Add(1) })
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

// holdWorkers parks every worker of p inside a job of owner "holder" that
// waits on release, and returns once all of them are held.
func holdWorkers(t *testing.T, p *Pool) (release chan struct{}, errc <-chan error) {
	t.Helper()
	w := p.Workers()
	release = make(chan struct{})
	var started sync.WaitGroup
	started.Add(w)
	ec := make(chan error, 1)
	go func() {
		ec <- p.Do(context.Background(), Job{Owner: NewOwner("holder"), Kind: "hold"}, w, func(int) {
			started.Done()
			<-release
		})
	}()
	started.Wait()
	return release, ec
}

func TestDoAlreadyCancelled(t *testing.T) {
	p := New(2)
	defer p.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, n := range []int{0, 1, 50} {
		var ran atomic.Int32
		err := p.Do(ctx, Job{}, n, func(int) { ran.Add(1) })
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
	if err := p.Do(context.Background(), Job{}, 100, func(int) {}); err != nil {
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

func TestDoAfterCloseFails(t *testing.T) {
	p := New(2)
	p.Close()
	ran := false
	if err := p.Do(context.Background(), Job{}, 4, func(int) { ran = true }); err == nil || ran {
		t.Errorf("Do after Close = %v, ran %v; want an error and no chunk", err, ran)
	}
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
				if err := p.Do(ctx, Job{}, len(out), func(i int) { out[i] = float64(i) }); err != nil {
					b.Fatal(err)
				}
			}
			sink = out[len(out)-1]
		})
	}
}
