package live

import (
	"context"
	"fmt"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/coder/websocket"

	"hoplab/internal/live/livetest"
	"hoplab/internal/scenario"
)

// msgReader reads a client's messages on a goroutine of its own, so that
// a test can wait for them with a timeout (a websocket read whose context
// ends closes the connection). After it starts, only it reads c.
type msgReader struct {
	c    *livetest.Client
	msgs chan readMsg
}

type readMsg struct {
	typ  websocket.MessageType
	data []byte
}

func startReader(t *testing.T, c *livetest.Client) *msgReader {
	r := &msgReader{c: c, msgs: make(chan readMsg, 1024)}
	go func() {
		defer close(r.msgs)
		for {
			typ, data, err := c.Conn.Read(context.Background())
			if err != nil {
				return
			}
			r.msgs <- readMsg{typ, data}
		}
	}()
	return r
}

// framesWithin takes the messages that arrive within d, recording the
// text ones, and returns how many frames arrived.
func (r *msgReader) framesWithin(t *testing.T, d time.Duration) int {
	t.Helper()
	return r.frames(t, d, -1)
}

// frames takes the messages that arrive within d, recording the text
// ones, until want frames have arrived (never, for want < 0), and returns
// how many frames arrived.
func (r *msgReader) frames(t *testing.T, d time.Duration, want int) int {
	t.Helper()
	timer := time.NewTimer(d)
	defer timer.Stop()
	n := 0
	for n != want {
		select {
		case m, ok := <-r.msgs:
			if !ok {
				t.Fatalf("the connection ended")
			}
			if m.typ == websocket.MessageBinary {
				n++
				r.c.Frames++
				continue
			}
			r.c.Record(m.data)
		case <-timer.C:
			return n
		}
	}
	return n
}

// TestLiveAckWindow plays fast: a client that acknowledges frames gets at
// most frameWindow unacknowledged ones, and more once it acknowledges
// them; a client that never acknowledges gets frames as the connection
// takes them, as before.
func TestLiveAckWindow(t *testing.T) {
	_, url := startLive(t, scenario.Limits{})

	free := livetest.Dial(t, url)
	free.UntilSeq(free.Send(`{"type": "preset", "name": "random"}`))
	free.Send(`{"type": "speed", "itersPerSecond": 1000}`)
	free.Send(`{"type": "play"}`)
	if n := startReader(t, free).frames(t, livetest.Timeout, frameWindow+3); n < frameWindow+3 {
		t.Fatalf("a client that does not acknowledge got %d frames while playing, want more than %d", n, frameWindow)
	}

	c := livetest.Dial(t, url)
	c.UntilSeq(c.Send(`{"type": "preset", "name": "random"}`))
	c.Send(fmt.Sprintf(`{"type": "ack", "frames": %d}`, c.Frames))
	acked := c.Frames
	c.Send(`{"type": "speed", "itersPerSecond": 1000}`)
	c.Send(`{"type": "play"}`)
	r := startReader(t, c)
	n := r.frames(t, livetest.Timeout, 1)
	n += r.framesWithin(t, 700*time.Millisecond)
	if n < 1 || c.Frames-acked > frameWindow {
		t.Fatalf("after acknowledging %d frames: %d more arrived unacknowledged while playing, want 1 … %d", acked, c.Frames-acked, frameWindow)
	}
	for range 3 {
		acked = c.Frames
		c.Send(fmt.Sprintf(`{"type": "ack", "frames": %d}`, acked))
		r.frames(t, livetest.Timeout, 1)
		r.framesWithin(t, 300*time.Millisecond)
		if got := c.Frames - acked; got < 1 || got > frameWindow {
			t.Fatalf("after acknowledging %d frames: %d more, want 1 … %d", acked, got, frameWindow)
		}
	}
	for _, e := range c.Errors {
		t.Errorf("error %+v", e)
	}
}

// TestLiveAckRefused: an acknowledgement of more frames than were sent,
// one that counts down, or one that is not a count is an error naming
// "frames", and the session goes on.
func TestLiveAckRefused(t *testing.T) {
	_, url := startLive(t, scenario.Limits{})
	c := livetest.Dial(t, url)
	c.UntilSeq(c.Send(`{"type": "preset", "name": "random"}`))
	sent := c.Frames
	for _, tc := range []struct{ msg, code string }{
		{fmt.Sprintf(`{"type": "ack", "frames": %d}`, sent+5), scenario.CodeInvalidField},
		{`{"type": "ack", "frames": -1}`, scenario.CodeInvalidField},
		{`{"type": "ack", "frames": 1.5}`, scenario.CodeInvalidField},
		{`{"type": "ack", "frames": "1"}`, scenario.CodeInvalidField},
		{`{"type": "ack"}`, ""},
	} {
		e := c.ExpectError(c.Send(tc.msg))
		if (tc.code != "" && e.Code != tc.code) || e.Field != "frames" {
			t.Errorf("%s: error %+v, want code %q on field frames", tc.msg, e, tc.code)
		}
	}
	c.Send(fmt.Sprintf(`{"type": "ack", "frames": %d}`, sent))
	e := c.ExpectError(c.Send(`{"type": "ack", "frames": 0}`))
	if e.Code != scenario.CodeInvalidField || e.Field != "frames" {
		t.Errorf("an acknowledgement counting down: %+v", e)
	}
	// The session lives on.
	c.Send(fmt.Sprintf(`{"type": "ack", "frames": %d}`, c.Frames))
	if f := c.UntilSeq(c.Send(`{"type": "step"}`)); f.T != 1 {
		t.Errorf("after the refused acknowledgements a step shows t = %d", f.T)
	}
}

// TestLiveCoarseWhilePlaying plays with a coarse budget every full frame
// exceeds: the frames while playing are coarse, and after pause the full
// grids of the paused iteration arrive, the same cells as a session that
// loads that iteration afresh.
func TestLiveCoarseWhilePlaying(t *testing.T) {
	_, url := startLiveWith(t, scenario.Limits{}, func(s *testServer) { s.coarseBudget = time.Nanosecond })
	c := livetest.Dial(t, url)
	first := c.UntilSeq(c.Send(`{"type": "preset", "name": "clustered"}`))
	if first.Coarse || first.NX != 128 {
		t.Fatalf("the first frame: coarse %v, %d×%d", first.Coarse, first.NX, first.NY)
	}
	c.Send(`{"type": "speed", "itersPerSecond": 50}`)
	c.Send(`{"type": "play"}`)
	coarse := c.Until("a coarse frame while playing", func(f *livetest.Frame) bool { return f.Coarse && f.T > 0 })
	if coarse.NX >= 128 || coarse.NX < minCoarseSide {
		t.Errorf("coarse frame of %d×%d while playing", coarse.NX, coarse.NY)
	}
	pause := c.Send(`{"type": "pause"}`)
	full := c.Until("the full frame after pause", func(f *livetest.Frame) bool { return f.Seq >= pause && !f.Coarse })
	st := c.UntilSettled(pause)
	if full.NX != 128 || full.NY != 128 || full.T != st.T || st.Playing {
		t.Fatalf("after pause: frame %d×%d at t %d, state t %d playing %v", full.NX, full.NY, full.T, st.T, st.Playing)
	}
	d := livetest.Dial(t, url)
	// A first load shows iteration 0 at once, then the iteration it asks for.
	load := d.Send(`{"type": "load", "protocol": 1, "scenario": ` + string(st.Scenario) + `}`)
	want := d.Until("the fresh session at the paused iteration", func(f *livetest.Frame) bool { return f.Seq >= load && f.T == full.T })
	if want.T != full.T || len(want.Views) != len(full.Views) {
		t.Fatalf("a fresh session: t %d, %d views; the paused one t %d, %d views", want.T, len(want.Views), full.T, len(full.Views))
	}
	for v := range want.Views {
		for p := range want.Views[v].Panels {
			a, b := full.Views[v].Panels[p], want.Views[v].Panels[p]
			if !slices.Equal(a.Labels, b.Labels) || !slices.Equal(a.Support, b.Support) || !slices.Equal(a.Energy, b.Energy) {
				t.Fatalf("view %d panel %d: the frame after pause differs from a fresh session's", v, p)
			}
		}
	}
}

// TestCoarseScaleBudgets: the coarse grid follows the slower of the
// server's rendering and, for a client that acknowledges frames, the
// client's part; a client that does not acknowledge is judged by the
// server alone, and input at rest gets full grids.
func TestCoarseScaleBudgets(t *testing.T) {
	const full = 2 * 128 * 128
	perCell := func(d time.Duration) float64 { return d.Seconds() / full }
	for _, tc := range []struct {
		name           string
		server, client time.Duration // the expected times of a full frame
		flow, playing  bool
		want           float64 // the sides' factor; 1: full grids
	}{
		{"server within budget, no acks", 4 * time.Millisecond, time.Second, false, true, 1},
		{"server over budget", 32 * time.Millisecond, 0, false, true, 0.5},
		{"client over its budget", 4 * time.Millisecond, 4 * clientBudget, true, true, 0.5},
		{"client slower than the server", 32 * time.Millisecond, 16 * clientBudget, true, true, 0.25},
		{"the server slower than the client", 128 * time.Millisecond, 4 * clientBudget, true, true, 0.25},
		{"both within budget", 4 * time.Millisecond, clientBudget / 2, true, true, 1},
		{"at rest", 128 * time.Millisecond, 16 * clientBudget, true, false, 1},
	} {
		s := &session{srv: &Server{coarseBudget: 8 * time.Millisecond}, playing: tc.playing, flow: tc.flow,
			cellCost: perCell(tc.server), clientCost: perCell(tc.client)}
		f, coarse := s.coarseScale(full)
		if coarse != (tc.want < 1) || math.Abs(f-tc.want) > 1e-9 {
			t.Errorf("%s: factor %v, coarse %v; want %v", tc.name, f, coarse, tc.want)
		}
	}
}
