package live

import (
	"context"
	"errors"
	"fmt"
	"hoplab/internal/live/livetest"
	"hoplab/internal/scenario"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/coder/websocket"
)

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
			_, url := startLiveWith(t, scenario.Limits{}, func(s *testServer) {
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
			c := livetest.Dial(t, url)
			c.UntilSeq(c.Send(`{"type": "preset", "name": "clustered"}`))
			before := c.UntilSeq(c.Send(`{"type": "goto", "t": 5}`))

			if tc.step {
				stepArmed.Store(true)
			} else {
				renderArmed.Store(true)
			}
			seq := c.Send(tc.trigger)
			if e := c.ExpectError(seq); e.Code != scenario.CodeInternal || e.Field != "" {
				t.Fatalf("error %+v, want code internal", e)
			}
			after := c.UntilState(c.Send(`{"type": "pause"}`))
			if tc.step && (after.T < 5 || after.T > tc.maxT || after.Epoch != before.Epoch || after.Playing) {
				t.Errorf("after the panic: t %d epoch %d playing %v, want the state before: t 5 … %d, epoch %d, paused", after.T, after.Epoch, after.Playing, tc.maxT, before.Epoch)
			}

			// The session goes on: a step shows t+1, with the same numbers
			// as the metrics, and the same energy as a session that never
			// panicked.
			f := c.UntilSeq(c.Send(`{"type": "step"}`))
			if f.T != after.T+1 || f.Epoch != after.Epoch || f.Loss != c.Loss[f.T] {
				t.Errorf("a step after the panic: t %d epoch %d loss %g (metrics %g); want t %d epoch %d", f.T, f.Epoch, f.Loss, c.Loss[f.T], after.T+1, after.Epoch)
			}
			if tc.step {
				ref := livetest.Dial(t, url)
				ref.UntilSeq(ref.Send(`{"type": "preset", "name": "clustered"}`))
				want := ref.UntilSeq(ref.Send(fmt.Sprintf(`{"type": "goto", "t": %d}`, f.T)))
				if f.Loss != want.Loss || f.Views[0].Panels[0].EnergyMax != want.Views[0].Panels[0].EnergyMax {
					t.Errorf("after the rollback t = %d has loss %g, energy max %g; a fresh session %g, %g",
						f.T, f.Loss, f.Views[0].Panels[0].EnergyMax, want.Loss, want.Views[0].Panels[0].EnergyMax)
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
	_, url := startLiveWith(t, scenario.Limits{}, func(s *testServer) {
		s.afterStep = func(_ context.Context, t int) {
			if armed.Load() && (t == 7 || t == 3) {
				panic("test panic")
			}
		}
	})
	c := livetest.Dial(t, url)
	c.UntilSeq(c.Send(`{"type": "preset", "name": "clustered"}`))
	c.UntilSeq(c.Send(`{"type": "goto", "t": 5}`))
	armed.Store(true)
	c.Send(`{"type": "goto", "t": 20}`)
	ctx, cancel := context.WithTimeout(context.Background(), livetest.Timeout)
	defer cancel()
	for {
		_, _, err := c.Conn.Read(ctx)
		if err != nil {
			if websocket.CloseStatus(err) != websocket.StatusInternalError {
				t.Fatalf("the session ended with %v, want close status 1011", err)
			}
			break
		}
	}
	armed.Store(false)
	d := livetest.Dial(t, url)
	d.UntilSeq(d.Send(`{"type": "preset", "name": "clustered"}`))
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
