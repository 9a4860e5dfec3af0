package api

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/coder/websocket"

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

// TestLivePanics makes a session panic while it handles a message, plays
// and renders (on a pool worker and on its own goroutine). Each time the
// client gets an error (code internal) for the message, the session is
// back to its state before, and it goes on working.
func TestLivePanics(t *testing.T) {
	for _, tc := range []struct {
		name    string
		pool    bool
		trigger string // the message that makes the session panic
		step    bool   // the panic is in the 7th U-Hop+ step, not in a rendering
		maxT    int    // with step: the session is back at t = 5 … maxT
	}{
		{"goto", true, `{"type": "goto", "t": 20}`, true, 5},
		{"play", true, `{"type": "play"}`, true, 6}, // back to the tick before
		{"rendering on a worker", true, `{"type": "move", "i": 0, "x": 0.5, "y": 0.5}`, false, 0},
		{"rendering without a pool", false, `{"type": "move", "i": 0, "x": 0.5, "y": 0.5}`, false, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var logs syncBuffer
			var stepArmed, renderArmed atomic.Bool
			_, url := startLiveWith(t, scenario.Limits{}, func(s *server) {
				s.log = slog.New(slog.NewTextHandler(&logs, nil))
				if !tc.pool {
					s.pool = nil
				}
				armPanics(s, &renderArmed, tc.pool)
				s.afterStep = func(_ context.Context, t int) {
					if t == 7 && stepArmed.CompareAndSwap(true, false) {
						panic("test panic at step 7")
					}
				}
			})
			c := dialLive(t, url)
			c.untilSeq(c.send(`{"type": "preset", "name": "clustered"}`))
			before := c.untilSeq(c.send(`{"type": "goto", "t": 5}`))

			if tc.step {
				stepArmed.Store(true)
			} else {
				renderArmed.Store(true)
			}
			seq := c.send(tc.trigger)
			if e := c.expectError(seq); e.Code != scenario.CodeInternal || e.Field != "" {
				t.Fatalf("error %+v, want code internal", e)
			}
			after := c.untilState(c.send(`{"type": "pause"}`))
			if tc.step && (after.T < 5 || after.T > tc.maxT || after.Epoch != before.epoch || after.Playing) {
				t.Errorf("after the panic: t %d epoch %d playing %v, want the state before: t 5 … %d, epoch %d, paused", after.T, after.Epoch, after.Playing, tc.maxT, before.epoch)
			}

			// The session goes on: a step shows t+1, with the same numbers
			// as the metrics, and the same energy as a session that never
			// panicked.
			f := c.untilSeq(c.send(`{"type": "step"}`))
			if f.t != after.T+1 || f.epoch != after.Epoch || f.loss != c.loss[f.t] {
				t.Errorf("a step after the panic: t %d epoch %d loss %g (metrics %g); want t %d epoch %d", f.t, f.epoch, f.loss, c.loss[f.t], after.T+1, after.Epoch)
			}
			if tc.step {
				ref := dialLive(t, url)
				ref.untilSeq(ref.send(`{"type": "preset", "name": "clustered"}`))
				want := ref.untilSeq(ref.send(fmt.Sprintf(`{"type": "goto", "t": %d}`, f.t)))
				if f.loss != want.loss || f.views[0].panels[0].energyMax != want.views[0].panels[0].energyMax {
					t.Errorf("after the rollback t = %d has loss %g, energy max %g; a fresh session %g, %g",
						f.t, f.loss, f.views[0].panels[0].energyMax, want.loss, want.views[0].panels[0].energyMax)
				}
			}
			out := logs.String()
			if n := strings.Count(out, "test panic"); n != 1 || !strings.Contains(out, "stack=") {
				t.Errorf("the panic is logged %d times, want once with its stack:\n%s", n, out)
			}
		})
	}
}

// TestLivePanicBeyondRepair makes the rollback itself fail (the run's
// rebuild panics too): the session closes with 1011, and the server serves
// a new one.
func TestLivePanicBeyondRepair(t *testing.T) {
	var armed atomic.Bool
	_, url := startLiveWith(t, scenario.Limits{}, func(s *server) {
		s.afterStep = func(_ context.Context, t int) {
			if armed.Load() && (t == 7 || t == 3) {
				panic("test panic")
			}
		}
	})
	c := dialLive(t, url)
	c.untilSeq(c.send(`{"type": "preset", "name": "clustered"}`))
	c.untilSeq(c.send(`{"type": "goto", "t": 5}`))
	armed.Store(true)
	c.send(`{"type": "goto", "t": 20}`)
	ctx, cancel := context.WithTimeout(context.Background(), liveTimeout)
	defer cancel()
	for {
		_, _, err := c.conn.Read(ctx)
		if err != nil {
			if websocket.CloseStatus(err) != websocket.StatusInternalError {
				t.Fatalf("the session ended with %v, want close status 1011", err)
			}
			break
		}
	}
	armed.Store(false)
	d := dialLive(t, url)
	d.untilSeq(d.send(`{"type": "preset", "name": "clustered"}`))
}

// TestEndOnPanic: a panic in a session's helper goroutine ends the session
// with 1011 and is logged with its stack.
func TestEndOnPanic(t *testing.T) {
	var logs syncBuffer
	s := newTestServer(t, scenario.Limits{})
	s.log = slog.New(slog.NewTextHandler(&logs, nil))
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer s.endOnPanic(cancel, "reader")
		panic("test panic in the reader")
	}()
	<-done
	if cc, ok := errors.AsType[*closeCause](context.Cause(ctx)); !ok || cc.status != websocket.StatusInternalError {
		t.Errorf("cause %v, want close 1011", context.Cause(ctx))
	}
	if out := logs.String(); !strings.Contains(out, "test panic in the reader") || !strings.Contains(out, "stack=") {
		t.Errorf("log:\n%s", out)
	}
}
