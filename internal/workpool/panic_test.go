package workpool

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// goid returns the calling goroutine's id, read from its stack header
// ("goroutine 7 [running]:").
func goid() string {
	buf := make([]byte, 64)
	buf = buf[:runtime.Stack(buf, false)]
	return strings.Fields(string(buf))[1]
}

// TestPanicOnWorker makes a chunk panic on a pool worker, not on the
// caller: the caller's own chunk waits until the worker's chunk has
// panicked. Do must return the panic as a *PanicError with the worker's
// stack, and the worker must live on.
func TestPanicOnWorker(t *testing.T) {
	p := New(1)
	defer p.Close()

	caller := goid()
	workerPanicked := make(chan struct{})
	err := p.Do(context.Background(), 2, func(int) {
		if goid() == caller {
			<-workerPanicked // the other chunk runs on the worker
			return
		}
		defer close(workerPanicked)
		panic("boom on a worker")
	})
	pe, ok := errors.AsType[*PanicError](err)
	if !ok {
		t.Fatalf("Do = %v, want a *PanicError", err)
	}
	if pe.Value != "boom on a worker" || !strings.Contains(pe.Error(), "boom on a worker") {
		t.Errorf("PanicError value %v, message %q", pe.Value, pe.Error())
	}
	if st := string(pe.Stack); !strings.Contains(st, "TestPanicOnWorker") || !strings.Contains(st, "(*Pool).worker") {
		t.Errorf("the stack does not show the worker and the panicking chunk:\n%s", st)
	}
	checkPoolWorks(t, p)
}

// TestPanicOnCaller makes the first chunk panic on the calling goroutine,
// while the only worker is held elsewhere: Do returns the panic and skips
// the remaining chunks.
func TestPanicOnCaller(t *testing.T) {
	p := New(1)
	defer p.Close()
	release, held := holdWorkers(t, p)

	errBoom := errors.New("boom")
	var ran atomic.Int32
	err := p.Do(context.Background(), 10, func(i int) {
		ran.Add(1)
		if i == 2 {
			panic(errBoom)
		}
	})
	pe, ok := errors.AsType[*PanicError](err)
	if !ok || pe.Chunk != 2 || !errors.Is(err, errBoom) {
		t.Fatalf("Do = %#v, want a *PanicError of chunk 2 wrapping errBoom", err)
	}
	if n := ran.Load(); n != 3 {
		t.Errorf("%d chunks ran, want 3: those after the panic are skipped", n)
	}
	close(release)
	if err := <-held; err != nil {
		t.Errorf("holding batch: %v", err)
	}
	checkPoolWorks(t, p)
}

// TestPanicWinsOverCancel: a batch whose context is cancelled by the chunk
// that panics still reports the panic.
func TestPanicWinsOverCancel(t *testing.T) {
	p := New(2)
	defer p.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	err := p.Do(ctx, 4, func(i int) {
		cancel()
		panic(i)
	})
	if _, ok := errors.AsType[*PanicError](err); !ok {
		t.Errorf("Do = %v, want a *PanicError", err)
	}
}

// checkPoolWorks runs a batch in which every worker and the caller must
// run a chunk at the same time, so it finishes only if all workers are
// alive, and checks that every chunk ran.
func checkPoolWorks(t *testing.T, p *Pool) {
	t.Helper()
	n := p.Workers() + 1
	var all sync.WaitGroup
	all.Add(n)
	var ran atomic.Int32
	err := p.Do(context.Background(), n, func(int) {
		ran.Add(1)
		all.Done()
		all.Wait() // every goroutine holds one chunk: n goroutines alive
	})
	if err != nil || int(ran.Load()) != n {
		t.Errorf("after the panic: Do = %v, %d of %d chunks ran", err, ran.Load(), n)
	}
}
