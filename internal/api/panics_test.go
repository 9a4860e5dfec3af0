package api

import (
	"log/slog"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"hoplab/internal/scenario"
	"hoplab/internal/sim"
)

// goid returns the calling goroutine's id, read from its stack header
// ("goroutine 7 [running]:").
func goid() string {
	buf := make([]byte, 64)
	buf = buf[:runtime.Stack(buf, false)]
	return strings.Fields(string(buf))[1]
}

// panicRunner wraps a runner; while armed, its next task panics once in a
// chunk. With onWorker, the panic happens on a pool worker, never on the
// goroutine that asked for the rendering: the caller's chunks wait until
// a worker's chunk has panicked.
type panicRunner struct {
	inner    sim.Runner
	caller   string // goid of the goroutine that made the runner
	armed    *atomic.Bool
	onWorker bool
}

func (r panicRunner) Run(n int, task sim.Task) error {
	if n < 2 || !r.armed.CompareAndSwap(true, false) {
		return r.inner.Run(n, task)
	}
	var once sync.Once
	panicked := make(chan struct{})
	return r.inner.Run(n, chunkFunc(func(i int) {
		if r.onWorker && goid() == r.caller {
			<-panicked
			return
		}
		defer once.Do(func() { close(panicked) })
		panic("test panic in a chunk")
	}))
}

type chunkFunc func(int)

func (f chunkFunc) RunChunk(i int) { f(i) }

// armPanics makes s's renderings panic once in a chunk whenever armed is
// set.
func armPanics(s *server, armed *atomic.Bool, onWorker bool) {
	s.wrapRunner = func(r sim.Runner) sim.Runner {
		return panicRunner{inner: r, caller: goid(), armed: armed, onWorker: onWorker}
	}
}

// TestRunChunkPanic makes a chunk of a /run's rendering panic on a pool
// worker: the request gets 500 internal, the panic is logged once with its
// stack, and the server goes on serving.
func TestRunChunkPanic(t *testing.T) {
	var logs syncBuffer
	s := newTestServer(t, scenario.Limits{})
	s.log = slog.New(slog.NewTextHandler(&logs, nil))
	var armed atomic.Bool
	armPanics(s, &armed, true)
	h := s.routes(nil)
	const body = `{"memories": [[1, 0], [0, 1], [-1, 0.2]], "uhop": {"iterations": 2}, "view": {"grid": {"nx": 16, "ny": 16}}}`

	armed.Store(true)
	rec := postRun(h, body)
	if rec.Code != 500 {
		t.Fatalf("status %d, want 500; body %s", rec.Code, rec.Body)
	}
	if e := errorOf(t, rec); e.Code != scenario.CodeInternal {
		t.Errorf("error %+v, want code internal", e)
	}
	out := logs.String()
	if n := strings.Count(out, "test panic in a chunk"); n != 1 || !strings.Contains(out, "stack=") || !strings.Contains(out, "(*Pool).worker") {
		t.Errorf("the panic is logged %d times, want once with the worker's stack:\n%s", n, out)
	}
	resultOf(t, postRun(h, body))
}
