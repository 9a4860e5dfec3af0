package workpool

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// TestPanicInChunk makes a chunk panic: Do returns the panic as a
// *PanicError with the worker's stack, the job's later chunks do not
// start, and the worker lives on.
func TestPanicInChunk(t *testing.T) {
	p := New(1)
	defer p.Close()
	errBoom := errors.New("boom")
	var ran atomic.Int32
	err := p.Do(context.Background(), Job{Sequential: true}, 10, func(i int) {
		ran.Add(1)
		if i == 2 {
			panic(errBoom)
		}
	})
	pe, ok := errors.AsType[*PanicError](err)
	if !ok || pe.Chunk != 2 || !errors.Is(err, errBoom) || !strings.Contains(pe.Error(), "boom") {
		t.Fatalf("Do = %#v, want a *PanicError of chunk 2 wrapping errBoom", err)
	}
	if st := string(pe.Stack); !strings.Contains(st, "TestPanicInChunk") || !strings.Contains(st, "(*Pool).worker") {
		t.Errorf("the stack does not show the worker and the panicking chunk:\n%s", st)
	}
	if n := ran.Load(); n != 3 {
		t.Errorf("%d chunks ran, want 3: those after the panic do not start", n)
	}
	checkPoolWorks(t, p)
}

func TestPanicWinsOverCancel(t *testing.T) {
	p := New(2)
	defer p.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	err := p.Do(ctx, Job{}, 4, func(i int) {
		cancel()
		panic(i)
	})
	if _, ok := errors.AsType[*PanicError](err); !ok {
		t.Errorf("Do = %v, want a *PanicError", err)
	}
}

// checkPoolWorks runs a job whose chunks all wait for each other: it
// completes only if every worker is alive.
func checkPoolWorks(t *testing.T, p *Pool) {
	t.Helper()
	n := p.Workers()
	var all sync.WaitGroup
	all.Add(n)
	var ran atomic.Int32
	err := p.Do(context.Background(), Job{}, n, func(int) {
		ran.Add(1)
		all.Done()
		all.Wait() // every worker holds one chunk
	})
	if err != nil || int(ran.Load()) != n {
		t.Errorf("after the panic: Do = %v, %d of %d chunks ran", err, ran.Load(), n)
	}
}
