package live

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"hoplab/internal/live/livetest"
	"hoplab/internal/scenario"
	"hoplab/internal/workpool"
)

// jobLog is a workpool.Observer that keeps the end of every job, and lets
// tests wait for a condition on them.
type jobLog struct {
	mu       sync.Mutex
	changed  *sync.Cond
	queued   map[string]int
	finished map[string]int // "kind/outcome"
}

func newJobLog() *jobLog {
	l := &jobLog{queued: map[string]int{}, finished: map[string]int{}}
	l.changed = sync.NewCond(&l.mu)
	return l
}

func (l *jobLog) Queued(kind string, _ workpool.Priority) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.queued[kind]++
	l.changed.Broadcast()
}

func (l *jobLog) Started(string, workpool.Priority, time.Duration) {}

func (l *jobLog) Finished(kind string, _ workpool.Priority, o workpool.Outcome, _ bool, _ time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.finished[kind+"/"+o.String()]++
	l.changed.Broadcast()
}

// waitUntil waits until ok holds of the log (under its lock), or fails the
// test after livetest.Timeout (a guard against a hang, not a measure).
func (l *jobLog) waitUntil(t *testing.T, what string, ok func() bool) {
	t.Helper()
	stop := time.AfterFunc(livetest.Timeout, func() {
		l.mu.Lock()
		defer l.mu.Unlock()
		l.changed.Broadcast()
	})
	defer stop.Stop()
	deadline := time.Now().Add(livetest.Timeout)
	l.mu.Lock()
	defer l.mu.Unlock()
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %v; queued %v, finished %v", what, livetest.Timeout, l.queued, l.finished)
		}
		l.changed.Wait()
	}
}

// allEnded reports whether every queued job has finished; l.mu is held.
func (l *jobLog) allEnded() bool {
	q, f := 0, 0
	for _, n := range l.queued {
		q += n
	}
	for _, n := range l.finished {
		f += n
	}
	return q == f
}

// withJobLog gives the test server a pool whose jobs l observes.
func withJobLog(t *testing.T, l *jobLog) func(*testServer) {
	return func(s *testServer) {
		s.pool = workpool.New(2, workpool.WithObserver(l))
		t.Cleanup(s.pool.Close)
	}
}

// heavyLoad is a load message whose trajectory (400 steps of 16 memories
// with D_Φ = 64) is a trajectory job of many chunks.
func heavyLoad(tau float64) string {
	return fmt.Sprintf(`{"type": "load", "protocol": 1, "scenario": {"memories": [[1, 0], [0.9, 0.1], [0.8, 0.3], [0.7, 0.5],
		[0.5, 0.7], [0.3, 0.8], [0.1, 0.9], [0, 1], [-0.2, 0.9], [-0.5, 0.7], [-0.7, 0.5], [-0.9, 0.2], [-1, 0], [-0.8, -0.4], [-0.4, -0.8], [0.3, -0.9]],
		"featureMap": {"dim": 64, "init": "random", "affine": true}, "uhop": {"iterations": 400, "tau": %g}, "view": {"grid": {"nx": 32, "ny": 32}}}}`, tau)
}

// TestLiveDisconnectCancelsJobs holds a session's trajectory job in its
// 50th step and disconnects the client: the job is cancelled, no step is
// taken after it ended, and every job of the session ends.
func TestLiveDisconnectCancelsJobs(t *testing.T) {
	l := newJobLog()
	var held atomic.Bool
	var stepsAfterCancel atomic.Int64
	holding := make(chan struct{})
	_, url := startLiveWith(t, scenario.Limits{}, func(s *testServer) {
		withJobLog(t, l)(s)
		s.afterStep = func(ctx context.Context, it int) {
			if ctx.Err() != nil {
				stepsAfterCancel.Add(1)
			}
			if it == 50 && held.CompareAndSwap(false, true) {
				close(holding)
				<-ctx.Done() // until the job is cancelled
			}
		}
	})
	c := livetest.Dial(t, url)
	c.Send(heavyLoad(0.3))
	<-holding
	c.Conn.CloseNow()
	l.waitUntil(t, "the trajectory job cancelled and every job ended", func() bool {
		return l.finished["trajectory/cancelled"] == 1 && l.allEnded()
	})
	if n := stepsAfterCancel.Load(); n != 0 {
		t.Errorf("%d steps taken after the job was cancelled", n)
	}
	if l.finished["trajectory/done"] != 0 {
		t.Errorf("finished %v: the held trajectory completed", l.finished)
	}
}

// TestLiveNewerPatchCancelsRecomputation holds the recomputation of a
// loaded scenario and sends a patch of τ: the older recomputation is
// cancelled, the newer one completes, and the session shows the patched
// scenario at its iteration, in one new epoch. Meanwhile the state reports
// the progress.
func TestLiveNewerPatchCancelsRecomputation(t *testing.T) {
	l := newJobLog()
	var held atomic.Bool
	holding := make(chan struct{})
	_, url := startLiveWith(t, scenario.Limits{}, func(s *testServer) {
		withJobLog(t, l)(s)
		s.afterStep = func(ctx context.Context, it int) {
			if it == 100 && held.CompareAndSwap(false, true) {
				close(holding)
				<-ctx.Done()
			}
		}
	})
	c := livetest.Dial(t, url)
	c.UntilSeq(c.Send(`{"type": "preset", "name": "antipodal"}`))
	load := c.Send(heavyLoad(0.3))
	<-holding
	st := c.UntilState(load)
	if st.Computing == nil || st.Computing.T != 400 || !st.Computing.Rebuild || st.Computing.Total < 2 {
		t.Errorf("state while recomputing: computing %+v, want t 400 of a rebuild in chunks", st.Computing)
	}
	patch := c.Send(`{"type": "patch", "scenario": {"uhop": {"tau": 0.25}}}`)
	f := c.UntilSeq(patch)
	if f.T != 400 || f.Iterations != 400 {
		t.Errorf("frame after the patch: t %d iterations %d, want 400", f.T, f.Iterations)
	}
	st = c.UntilState(patch)
	if st.Computing != nil || st.T != 400 || string(st.Scenario) == "" || !strings.Contains(string(st.Scenario), `"tau":0.25`) {
		t.Errorf("state after the patch: computing %+v t %d scenario %s", st.Computing, st.T, st.Scenario)
	}
	l.waitUntil(t, "one recomputation cancelled and one done", func() bool {
		return l.finished["trajectory/cancelled"] == 1 && l.finished["trajectory/done"] >= 1
	})
}

// TestLiveTrainingPatchWhilePlaying changes τ while playing, then pauses
// and steps: the new trajectory is computed to its end (pausing stops only
// the shown run's steps), no message gets an internal error, and the
// session goes on. Before the fix the pause showed a run not yet started.
func TestLiveTrainingPatchWhilePlaying(t *testing.T) {
	_, url := startLive(t, scenario.Limits{})
	c := livetest.Dial(t, url)
	c.UntilSeq(c.Send(`{"type": "preset", "name": "clustered"}`))
	c.Send(`{"type": "speed", "itersPerSecond": 1000}`)
	c.Send(`{"type": "play"}`)
	c.Until("playing past t = 20", func(f *livetest.Frame) bool { return f.T > 20 })
	c.Send(`{"type": "patch", "scenario": {"uhop": {"tau": 0.45}}}`)
	pause := c.Send(`{"type": "pause"}`)
	st := c.UntilSettled(pause)
	step := c.Send(`{"type": "step"}`)
	after := c.UntilSettled(step)
	if after.T != st.T+1 || after.Playing || !strings.Contains(string(after.Scenario), `"tau":0.45`) {
		t.Errorf("after pause at t %d and a step: t %d playing %v scenario %s", st.T, after.T, after.Playing, after.Scenario)
	}
	for _, e := range c.Errors {
		t.Errorf("error %+v", e)
	}
}

// TestLiveCoarseWhileDragging drags a memory with a coarse budget every
// full frame exceeds: the frames during the drag are coarse (flagged, on a
// smaller grid), and once the input rests the full grid arrives, with the
// same cells as a session that loads the dragged scenario afresh.
func TestLiveCoarseWhileDragging(t *testing.T) {
	_, url := startLiveWith(t, scenario.Limits{}, func(s *testServer) { s.coarseBudget = time.Nanosecond })
	c := livetest.Dial(t, url)
	first := c.UntilSeq(c.Send(`{"type": "preset", "name": "clustered"}`))
	if first.Coarse || first.NX != 128 {
		t.Fatalf("the first frame: coarse %v, %d×%d", first.Coarse, first.NX, first.NY)
	}
	var last uint32
	for k := range 6 {
		last = c.Send(fmt.Sprintf(`{"type": "move", "i": 0, "x": %g, "y": 0.3}`, 0.5+0.05*float64(k)))
	}
	coarse := c.Until("a coarse frame", func(f *livetest.Frame) bool { return f.Coarse })
	if coarse.NX >= 128 || coarse.NY >= 128 || coarse.NX < minCoarseSide {
		t.Errorf("coarse frame of %d×%d, want smaller than 128×128 and at least %d", coarse.NX, coarse.NY, minCoarseSide)
	}
	full := c.Until("the full frame at rest", func(f *livetest.Frame) bool { return f.Seq >= last && !f.Coarse })
	if full.NX != 128 || full.NY != 128 {
		t.Fatalf("the frame at rest is %d×%d", full.NX, full.NY)
	}
	st := c.UntilSettled(last)
	d := livetest.Dial(t, url)
	want := d.UntilSeq(d.Send(`{"type": "load", "protocol": 1, "scenario": ` + string(st.Scenario) + `}`))
	if len(want.Views) != len(full.Views) {
		t.Fatalf("%d views, a fresh session %d", len(full.Views), len(want.Views))
	}
	for v := range want.Views {
		for p := range want.Views[v].Panels {
			a, b := full.Views[v].Panels[p], want.Views[v].Panels[p]
			if !slices.Equal(a.Labels, b.Labels) || !slices.Equal(a.Support, b.Support) || !slices.Equal(a.Energy, b.Energy) {
				t.Fatalf("view %d panel %d: the frame at rest differs from a fresh session's", v, p)
			}
		}
	}
}
