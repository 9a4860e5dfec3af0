package live

import (
	"fmt"
	"hoplab/internal/live/livetest"
	"hoplab/internal/scenario"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// TestLiveDiverged: a live session that loads a diverging scenario shows
// its last finite iteration and says why; play, step and goto beyond it
// answer the same error; the session lives on. Before the fix the load
// killed the process.
func TestLiveDiverged(t *testing.T) {
	_, url := startLive(t, scenario.Limits{})
	c := livetest.Dial(t, url)
	sc := strings.Replace(divergentScenario(1000, 16, ""), `,"snapshots":[104]`, ``, 1)
	seq := c.Send(`{"type":"load","protocol":1,"scenario":` + sc + `}`)
	e := c.ExpectError(seq)
	if e.Code != scenario.CodeDiverged || e.Field != "uhop.lr" || e.Iteration == nil {
		t.Fatalf("load: error %+v, want diverged with an iteration", e)
	}
	at := *e.Iteration
	st := c.UntilSettled(seq)
	if st.T != at-1 || st.MaxT != at-1 || st.Playing {
		t.Fatalf("state t = %d, maxT = %d, playing %v; want t = maxT = %d, paused", st.T, st.MaxT, st.Playing, at-1)
	}
	// Iteration 0 is shown while the trajectory is computed; then the last
	// finite iteration.
	f := c.Until("the last finite iteration", func(f *livetest.Frame) bool { return f.Seq >= seq && f.T != 0 })
	if f.T != at-1 {
		t.Fatalf("frame at t = %d, want %d", f.T, at-1)
	}
	for i := range at {
		if _, ok := c.Metrics[i]; !ok {
			t.Fatalf("no metrics for iteration %d", i)
		}
	}
	if _, ok := c.Metrics[at]; ok {
		t.Fatalf("metrics hold the diverged iteration %d", at)
	}

	// At the last finite iteration W is huge: probes in both views get an
	// answer, whose overflowing steps are null, never an internal error.
	for _, space := range []string{"input", "feature"} {
		seq := c.Send(fmt.Sprintf(`{"type":"probe","space":%q,"x":0.5,"y":-0.25}`, space))
		deadline := time.Now().Add(livetest.Timeout)
		for len(c.Probes) == 0 || c.Probes[len(c.Probes)-1].Seq != seq {
			for _, e := range c.Errors {
				if e.Seq == seq {
					t.Fatalf("probe in the %s view: error %+v", space, e)
				}
			}
			if time.Now().After(deadline) {
				t.Fatalf("no probe answer in the %s view", space)
			}
			if typ, data := c.Read(); typ == websocket.MessageText {
				c.Record(data)
			}
		}
		for _, p := range c.Probes[len(c.Probes)-1].Paths {
			if p.Label < -2 || p.Label >= 3 {
				t.Errorf("probe in the %s view: label %d", space, p.Label)
			}
		}
	}

	for _, msg := range []string{`{"type":"play"}`, `{"type":"step"}`, fmt.Sprintf(`{"type":"goto","t":%d}`, at+3)} {
		seq := c.Send(msg)
		if e := c.ExpectError(seq); e.Code != scenario.CodeDiverged || e.Iteration == nil || *e.Iteration != at {
			t.Fatalf("%s: error %+v, want diverged at %d", msg, e, at)
		}
	}
	// The session lives on: going back works.
	seq = c.Send(`{"type":"goto","t":0}`)
	if st := c.UntilState(seq); st.T != 0 {
		t.Fatalf("goto 0: t = %d", st.T)
	}
	// Playing from 0 stops at the last finite iteration, with the error.
	seq = c.Send(`{"type":"speed","itersPerSecond":1000}`)
	c.UntilState(seq)
	c.Errors = nil
	seq = c.Send(`{"type":"play"}`)
	if st := c.UntilState(seq); !st.Playing {
		t.Fatalf("play from 0: not playing")
	}
	deadline := time.Now().Add(livetest.Timeout)
	for c.State.Playing {
		if time.Now().After(deadline) {
			t.Fatalf("still playing at t = %d after %v", c.State.T, livetest.Timeout)
		}
		if typ, data := c.Read(); typ == websocket.MessageText {
			c.Record(data)
		}
	}
	if c.State.T != at-1 {
		t.Fatalf("playing stopped at t = %d, want %d", c.State.T, at-1)
	}
	if e := c.ExpectError(seq); e.Code != scenario.CodeDiverged {
		t.Fatalf("playing into the divergence: error %+v, want diverged", e)
	}
}
