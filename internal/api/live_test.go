package api

import (
	"context"
	"math"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/coder/websocket"

	"hoplab/internal/scenario"
	"hoplab/internal/sim"
)

// TestLiveFrameMatchesEngine loads the default preset and checks the first
// frame against the engine: header, points, metrics, and every cell of
// every panel of both views (energy within the 12-bit quantisation, labels,
// support and unlabeled fractions exactly).
func TestLiveFrameMatchesEngine(t *testing.T) {
	s, url := startLive(t, scenario.Limits{})
	c := dialLive(t, url)
	if c.hello["protocol"] != float64(1) || c.hello["defaultPreset"] != scenario.DefaultPreset {
		t.Fatalf("hello %v", c.hello)
	}
	seq := c.send(`{"type": "preset", "name": "clustered"}`)
	f := c.untilSeq(seq)
	if c.state == nil || c.state.Seq != seq || c.state.T != 0 || c.state.Epoch != 1 || strings.Join(c.state.Views, ",") != "input,feature" {
		t.Fatalf("state %+v", c.state)
	}

	// The same scenario, straight from the engine.
	sc, err := scenario.Decode(c.state.Scenario)
	if err != nil {
		t.Fatalf("the state's scenario does not decode: %v", err)
	}
	sess := newSession(context.Background(), s, nil, nil)
	p, err := sess.resolveLive(sc)
	if err != nil {
		t.Fatalf("the state's scenario is refused: %v", err)
	}
	run, err := p.Start()
	if err != nil {
		t.Fatal(err)
	}
	st := run.State(0)
	if f.seq != seq || f.epoch != 1 || f.t != 0 || f.iterations != 0 || f.m != 8 || f.nx != 128 || f.ny != 128 {
		t.Fatalf("header %+v", f)
	}
	if f.loss != st.Loss || f.deltaMin != st.DeltaMin || f.minAngleDeg != st.MinAngleDeg {
		t.Errorf("metrics %g %g %g, engine %g %g %g", f.loss, f.deltaMin, f.minAngleDeg, st.Loss, st.DeltaMin, st.MinAngleDeg)
	}
	if math.Abs(f.minAngleDeg-10) > 1e-9 {
		t.Errorf("min angle %g, want 10° for memories 10° apart", f.minAngleDeg)
	}
	if !equalFloats(f.input, run.Memories()) || !equalFloats(f.feature, run.Features(nil, 0)) {
		t.Errorf("points differ: input %v feature %v", f.input, f.feature)
	}
	if len(f.views) != 2 || f.views[0].space != 1 || f.views[1].space != 0 {
		t.Fatalf("views %+v", f.views)
	}
	sess.plan, sess.run = p, run
	for vi, space := range []sim.Space{sim.InputSpace, sim.FeatureSpace} {
		var want sim.Frame
		if err := run.Render(&want, 0, sess.frameSettings(space), sim.Serial{}); err != nil {
			t.Fatal(err)
		}
		v := f.views[vi]
		if v.xmin != want.XS[0] || v.xmax != want.XS[127] || v.ymin != want.YS[0] || v.ymax != want.YS[127] {
			t.Errorf("%v box %v %v %v %v", space, v.xmin, v.xmax, v.ymin, v.ymax)
		}
		for pi := range want.Panels {
			wp, gp := &want.Panels[pi], &v.panels[pi]
			lo, hi := energyRange(wp.Energy)
			if gp.energyMin != lo || gp.energyMax != hi || gp.unlabeled != wp.UnlabeledFraction() {
				t.Errorf("%v panel %d header %+v", space, pi, gp)
			}
			tol := (hi-lo)/(2*energyLevels) + 1e-12*math.Max(math.Abs(lo), math.Abs(hi))
			for c := range wp.Energy {
				if math.Abs(gp.energy[c]-wp.Energy[c]) > tol {
					t.Fatalf("%v panel %d cell %d: energy %g, engine %g (tolerance %g)", space, pi, c, gp.energy[c], wp.Energy[c], tol)
				}
				label := byte(labelNone)
				if wp.Labels[c] >= 0 {
					label = byte(wp.Labels[c])
				}
				if gp.labels[c] != label || int32(gp.support[c]) != wp.Support[c] {
					t.Fatalf("%v panel %d cell %d: label %d support %d, engine %d %d", space, pi, c, gp.labels[c], gp.support[c], wp.Labels[c], wp.Support[c])
				}
			}
		}
	}
	if f.compressedBytes > 64<<10 {
		t.Errorf("the default frame takes %d bytes on the wire, more than 64 KiB", f.compressedBytes)
	}
	t.Logf("default frame: %d bytes on the wire (%d decompressed)", f.compressedBytes, f.decompressedBytes)
}

// TestLiveTransport steps, goes back, jumps and resets, and checks that the
// metrics of an iteration are the same every time it is shown.
func TestLiveTransport(t *testing.T) {
	_, url := startLive(t, scenario.Limits{})
	c := dialLive(t, url)
	c.untilSeq(c.send(`{"type": "preset", "name": "clustered"}`))

	var seen []*wireFrame
	for i := 1; i <= 3; i++ {
		f := c.untilSeq(c.send(`{"type": "step"}`))
		if f.t != i || f.iterations != i || c.state.T != i {
			t.Fatalf("after %d steps: t %d iterations %d state t %d", i, f.t, f.iterations, c.state.T)
		}
		seen = append(seen, f)
	}
	back := c.untilSeq(c.send(`{"type": "back"}`))
	if back.t != 2 || back.iterations != 3 {
		t.Fatalf("back: t %d iterations %d", back.t, back.iterations)
	}
	if back.loss != seen[1].loss || back.minAngleDeg != seen[1].minAngleDeg || back.views[0].panels[0].unlabeled != seen[1].views[0].panels[0].unlabeled {
		t.Errorf("back to t = 2 shows loss %g angle %g, first shown %g %g", back.loss, back.minAngleDeg, seen[1].loss, seen[1].minAngleDeg)
	}
	if c.loss[2] != back.loss || c.metrics[2] != back.minAngleDeg {
		t.Errorf("metrics message at t = 2: %g %g, frame %g %g", c.loss[2], c.metrics[2], back.loss, back.minAngleDeg)
	}
	f := c.untilSeq(c.send(`{"type": "goto", "t": 150}`))
	if f.t != 150 || f.iterations != 150 || f.epoch != 1 {
		t.Fatalf("goto 150: t %d iterations %d epoch %d", f.t, f.iterations, f.epoch)
	}
	if f.minAngleDeg <= 20 {
		t.Errorf("150 U-Hop+ steps raised the minimum angle only from %g to %g", seen[0].minAngleDeg, f.minAngleDeg)
	}
	f = c.untilSeq(c.send(`{"type": "reset"}`))
	if f.t != 0 || f.iterations != 0 || f.epoch != 2 || math.Abs(f.minAngleDeg-10) > 1e-9 {
		t.Fatalf("reset: t %d iterations %d epoch %d angle %g", f.t, f.iterations, f.epoch, f.minAngleDeg)
	}
	f = c.untilSeq(c.send(`{"type": "reseed", "seed": 7}`))
	if f.t != 0 || f.epoch != 3 || !strings.Contains(string(c.state.Scenario), `"init":"random","seed":7`) {
		t.Fatalf("reseed: t %d epoch %d scenario %s", f.t, f.epoch, c.state.Scenario)
	}
}

// TestLivePlay plays at 200 iterations per second and checks that frames
// keep coming with growing iterations; then pauses, and checks that the
// session stays at the iteration its pause state names (every frame that
// reflects the pause shows it) and that a step then shows exactly one
// iteration more, computed just then.
func TestLivePlay(t *testing.T) {
	_, url := startLive(t, scenario.Limits{})
	c := dialLive(t, url)
	c.untilSeq(c.send(`{"type": "preset", "name": "clustered"}`))
	c.send(`{"type": "speed", "itersPerSecond": 200}`)
	seq := c.send(`{"type": "play"}`)
	first := c.untilSeq(seq)
	f := c.until("t ≥ 150", func(f *wireFrame) bool { return f.t >= 150 })
	if f.minAngleDeg <= first.minAngleDeg {
		t.Errorf("playing to t = %d did not raise the minimum angle: %g → %g", f.t, first.minAngleDeg, f.minAngleDeg)
	}
	pause := c.send(`{"type": "pause"}`)
	st := c.untilState(pause)
	paused := st.T
	if st.Playing || paused < f.t || st.Iterations != paused {
		t.Fatalf("state after pause: playing %v, t %d, iterations %d; want paused at t ≥ %d with iterations = t", st.Playing, paused, st.Iterations, f.t)
	}
	// Frames rendered before the pause was applied may still arrive, at
	// most at the paused iteration; those that reflect it show exactly it.
	step := c.send(`{"type": "step"}`)
	g := c.until("the step's frame", func(fr *wireFrame) bool {
		if fr.seq < step && (fr.t > paused || fr.seq >= pause && fr.t != paused) {
			t.Errorf("frame of seq %d shows t = %d; the session paused at %d (pause seq %d)", fr.seq, fr.t, paused, pause)
		}
		return fr.seq >= step
	})
	if g.seq != step || g.t != paused+1 || g.iterations != paused+1 {
		t.Errorf("step after pausing at t = %d: frame seq %d t %d iterations %d, want seq %d t = iterations = %d", paused, g.seq, g.t, g.iterations, step, paused+1)
	}
	if st := c.untilState(step); st.T != paused+1 || st.Playing {
		t.Errorf("state after the step: t %d playing %v, want t = %d paused", st.T, st.Playing, paused+1)
	}
}

// TestLiveEdits moves, adds and removes memories and changes parameters.
func TestLiveEdits(t *testing.T) {
	_, url := startLive(t, scenario.Limits{})
	c := dialLive(t, url)
	f0 := c.untilSeq(c.send(`{"type": "preset", "name": "clustered"}`))
	c.untilSeq(c.send(`{"type": "goto", "t": 5}`))

	f := c.untilSeq(c.send(`{"type": "move", "i": 0, "x": 0, "y": -1}`))
	if f.epoch != 2 || f.t != 5 || f.input[0] != 0 || f.input[1] != -1 {
		t.Fatalf("move: epoch %d t %d first memory (%g, %g)", f.epoch, f.t, f.input[0], f.input[1])
	}
	if f.views[0].panels[0].unlabeled == f0.views[0].panels[0].unlabeled && string(f.views[0].panels[0].labels) == string(f0.views[0].panels[0].labels) {
		t.Errorf("moving a memory did not change the basins")
	}
	f = c.untilSeq(c.send(`{"type": "add", "x": -1, "y": 0}`))
	if f.m != 9 || f.input[16] != -1 || f.input[17] != 0 {
		t.Fatalf("add: M %d last (%g, %g)", f.m, f.input[16], f.input[17])
	}
	f = c.untilSeq(c.send(`{"type": "remove", "i": 1}`))
	if f.m != 8 || f.input[0] != 0 || f.input[2] != math.Cos(20*math.Pi/180) {
		t.Fatalf("remove: M %d first %v", f.m, f.input[:4])
	}
	// Drawing parameters keep the epoch; training parameters start a new one.
	f = c.untilSeq(c.send(`{"type": "patch", "scenario": {"beta": 5, "view": {"grid": {"nx": 64, "ny": 32}}}}`))
	if f.epoch != 4 || f.nx != 64 || f.ny != 32 || !strings.Contains(string(c.state.Scenario), `"beta":5`) {
		t.Fatalf("patch beta and grid: epoch %d grid %d×%d", f.epoch, f.nx, f.ny)
	}
	f = c.untilSeq(c.send(`{"type": "patch", "scenario": {"uhop": {"tau": 0.5}}}`))
	if f.epoch != 5 || f.t != 5 {
		t.Fatalf("patch tau: epoch %d t %d", f.epoch, f.t)
	}
	f = c.untilSeq(c.send(`{"type": "patch", "scenario": {"separations": ["sparsemax"]}}`))
	if len(f.views[0].panels) != 1 || strings.Join(c.state.Separations, ",") != "sparsemax" {
		t.Fatalf("patch separations: %d panels, state %v", len(f.views[0].panels), c.state.Separations)
	}
	f = c.untilSeq(c.send(`{"type": "views", "views": ["feature"]}`))
	if len(f.views) != 1 || f.views[0].space != 0 || f.input == nil {
		t.Fatalf("views feature: %d views, input points %v", len(f.views), f.input != nil)
	}
	// A null in a patch restores the default: without bounds the box is
	// fitted to the memories again.
	c.untilSeq(c.send(`{"type": "views", "views": ["input", "feature"]}`))
	f = c.untilSeq(c.send(`{"type": "patch", "scenario": {"view": {"grid": {"xmin": null, "xmax": null, "ymin": null, "ymax": null, "margin": 0}}}}`))
	xmin, xmax := math.Inf(1), math.Inf(-1)
	for i := 0; i < len(f.input); i += 2 {
		xmin, xmax = math.Min(xmin, f.input[i]), math.Max(xmax, f.input[i])
	}
	if f.views[0].xmin != xmin || f.views[0].xmax != xmax {
		t.Errorf("fitted box x %g … %g, memories %g … %g", f.views[0].xmin, f.views[0].xmax, xmin, xmax)
	}
}

// TestLiveErrors sends bad messages and checks that each gets an error
// naming the problem, and that the session still works afterwards.
func TestLiveErrors(t *testing.T) {
	_, url := startLive(t, scenario.Limits{})
	c := dialLive(t, url)

	before := c.send(`{"type": "play"}`)
	if e := c.expectError(before); e.Code != codeNotLoaded {
		t.Errorf("play before load: %+v", e)
	}
	c.untilSeq(c.send(`{"type": "preset", "name": "clustered"}`))
	for _, tc := range []struct {
		msg, code, field, text string
	}{
		{`{"type": "warp"}`, codeUnknownType, "type", "want one of"},
		{`{"type": "move", "i": 0, "x": 1}`, scenario.CodeInvalidField, "y", "required"},
		{`{"type": "move", "i": 8, "x": 1, "y": 0}`, scenario.CodeInvalidField, "i", "0 … 7"},
		{`{"type": "move", "I": 0, "x": 1, "y": 0}`, scenario.CodeUnknownField, "I", `did you mean "i"`},
		{`{"type": "move", "i": 0, "x": "1", "y": 0}`, scenario.CodeInvalidField, "x", "must be a number"},
		{`{"type": "move", "i": 0, "x": 1e7, "y": 0}`, scenario.CodeLimitExceeded, "memories[0][0]", "absolute values"},
		{`{"type": "move", "i": 0, "x": 0, "y": 0}`, scenario.CodeInvalidField, "memories[0]", ""},
		{`{"type": "remove", "i": -1}`, scenario.CodeInvalidField, "i", ""},
		{`{"type": "patch", "scenario": {"beta": -1}}`, scenario.CodeInvalidField, "beta", ""},
		{`{"type": "patch", "scenario": {"Beta": 3}}`, scenario.CodeUnknownField, "Beta", "beta"},
		{`{"type": "patch", "scenario": {"view": {"grid": {"nx": 300}}}}`, scenario.CodeLimitExceeded, "view.grid.nx", "in a live session"},
		{`{"type": "patch", "scenario": []}`, scenario.CodeInvalidField, "scenario", "object"},
		{`{"type": "load", "protocol": 2, "scenario": {}}`, codeProtocolMismatch, "protocol", "protocol 1"},
		{`{"type": "load", "protocol": 1, "scenario": {}}`, scenario.CodeInvalidField, "memories", "required"},
		{`{"type": "goto", "t": 10001}`, scenario.CodeInvalidField, "t", ""},
		{`{"type": "speed", "itersPerSecond": 5000}`, scenario.CodeLimitExceeded, "itersPerSecond", "iterations per second"},
		{`{"type": "views", "views": []}`, scenario.CodeInvalidField, "views", ""},
		{`{"type": "views", "views": ["input", "input"]}`, scenario.CodeInvalidField, "views[1]", "twice"},
		{`{"type": "probe", "space": "hyper", "x": 0, "y": 0}`, scenario.CodeInvalidField, "space", ""},
		{`{"type": "preset", "name": "nope"}`, scenario.CodeInvalidField, "name", "clustered"},
	} {
		seq := c.send(tc.msg)
		e := c.expectError(seq)
		if e.Code != tc.code || e.Field != tc.field || !strings.Contains(e.Message, tc.text) {
			t.Errorf("%s: got %+v, want code %s field %q message containing %q", tc.msg, e, tc.code, tc.field, tc.text)
		}
	}
	for _, raw := range []string{`not json`, `{"type": "step"} {"type": "step"}`, `[1]`, `{"seq": -1, "type": "step"}`} {
		c.sendRaw(raw)
	}
	if err := c.conn.Write(context.Background(), websocket.MessageBinary, []byte{1, 2, 3}); err != nil {
		t.Fatal(err)
	}
	// The session still answers, and nothing changed: t = 0, epoch 1.
	f := c.untilSeq(c.send(`{"type": "step"}`))
	if f.t != 1 || f.epoch != 1 || f.m != 8 {
		t.Errorf("after the errors a step shows t %d epoch %d M %d", f.t, f.epoch, f.m)
	}
	codes := map[string]int{}
	for _, e := range c.errors {
		codes[e.Code]++
	}
	if codes[scenario.CodeInvalidJSON] < 4 {
		t.Errorf("bad JSON and a binary message gave %d invalid_json errors, want at least 4 (%v)", codes[scenario.CodeInvalidJSON], c.errors)
	}
}

// TestLiveProbe checks a probe reply against the frame's grid cell.
func TestLiveProbe(t *testing.T) {
	_, url := startLive(t, scenario.Limits{})
	c := dialLive(t, url)
	f := c.untilSeq(c.send(`{"type": "preset", "name": "antipodal"}`))
	v := f.views[0]
	j, i := 90, 64
	x := v.xmin + float64(j)*(v.xmax-v.xmin)/float64(f.nx-1)
	y := v.ymin + float64(i)*(v.ymax-v.ymin)/float64(f.ny-1)
	seq := c.send(`{"type": "probe", "space": "input", "x": ` + jsonFloat(x) + `, "y": ` + jsonFloat(y) + `}`)
	c.untilState(c.send(`{"type": "pause"}`))
	p := c.probes[0]
	if p.Seq != seq || p.Space != "input" || len(p.Paths) != 3 {
		t.Fatalf("probe %+v", p)
	}
	for pi, path := range p.Paths {
		cell := i*f.nx + j
		if len(path.Points) != 6 || path.Points[0] != [2]float64{x, y} {
			t.Errorf("%s: path %v", path.Separation, path.Points)
		}
		label := byte(labelNone)
		if path.Label >= 0 {
			label = byte(path.Label)
		}
		if label != v.panels[pi].labels[cell] || byte(path.Support[len(path.Support)-1]) != v.panels[pi].support[cell] {
			t.Errorf("%s: label %d support %v, grid %d %d", path.Separation, path.Label, path.Support, v.panels[pi].labels[cell], v.panels[pi].support[cell])
		}
		if path.Label != 0 {
			t.Errorf("%s: (%.2f, %.2f) is retrieved to %d, want memory 0 at (1, 0)", path.Separation, x, y, path.Label)
		}
	}
}

// TestLiveNewestWins sends a burst of moves without reading and checks that
// the session coalesces them: fewer frames than moves, and the last frame
// shows the last move.
func TestLiveNewestWins(t *testing.T) {
	_, url := startLive(t, scenario.Limits{})
	c := dialLive(t, url)
	c.untilSeq(c.send(`{"type": "preset", "name": "clustered"}`))
	const moves = 200
	var last uint32
	for k := range moves {
		a := float64(k) * 2 * math.Pi / moves
		last = c.send(`{"type": "move", "i": 0, "x": ` + jsonFloat(math.Cos(a)) + `, "y": ` + jsonFloat(math.Sin(a)) + `}`)
	}
	start := c.frames
	f := c.untilSeq(last)
	a := float64(moves-1) * 2 * math.Pi / moves
	if f.input[0] != math.Cos(a) || f.input[1] != math.Sin(a) {
		t.Errorf("the frame of the last move shows memory 0 at (%g, %g)", f.input[0], f.input[1])
	}
	if n := c.frames - start; n >= moves/2 {
		t.Errorf("%d moves gave %d frames; the session should coalesce them", moves, n)
	} else {
		t.Logf("%d moves gave %d frames", moves, n)
	}
}

// TestLiveLimits checks the session limit, the message size limit and
// the shutdown: 503 beyond MaxLiveSessions, 1009 for a large message, 1001
// when the server closes its sessions, and no goroutine left behind. It
// waits on conditions only: the open sessions reaching 0, every handler
// call returning and the worker pool closing; after them no goroutine
// started during the test may still run the server's code or the
// websocket library's.
func TestLiveLimits(t *testing.T) {
	before := goroutineStacks()
	lim := scenario.DefaultLimits()
	lim.MaxLiveSessions = 1
	lim.MaxMessageBytes = 1 << 10
	s := newTestServer(t, lim)
	// handlers counts the handler calls in flight: a live session's
	// goroutines are all joined before its handler returns.
	var handlers sync.WaitGroup
	routes := s.routes(nil)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		handlers.Add(1)
		defer handlers.Done()
		routes.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	t.Cleanup(s.live.closeAll)
	url := "ws" + strings.TrimPrefix(ts.URL, "http") + livePath
	c := dialLive(t, url)

	ctx, cancel := context.WithTimeout(context.Background(), liveTimeout)
	defer cancel()
	_, resp, err := websocket.Dial(ctx, url, nil)
	if err == nil || resp == nil || resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("a second session: err %v, response %v; want 503", err, resp)
	}

	c.sendRaw(`{"type": "patch", "scenario": {"ui": {"note": "` + strings.Repeat("x", 2<<10) + `"}}}`)
	_, _, err = c.conn.Read(ctx)
	if websocket.CloseStatus(err) != websocket.StatusMessageTooBig {
		t.Errorf("a message over the limit: %v, want close 1009", err)
	}

	// The first session has ended, so a new one may open; a shutdown
	// closes it with 1001.
	if err := s.live.waitOpen(ctx, 0); err != nil {
		t.Fatal(err)
	}
	d := dialLive(t, url)
	s.live.closeAll()
	_, _, err = d.conn.Read(ctx)
	if websocket.CloseStatus(err) != websocket.StatusGoingAway {
		t.Errorf("shutdown: %v, want close 1001", err)
	}
	if err := s.live.wait(ctx); err != nil {
		t.Fatalf("sessions did not end: %v", err)
	}
	if n := s.live.sessionsOpen(); n != 0 {
		t.Fatalf("%d sessions open after they all ended", n)
	}
	d.conn.CloseNow()
	c.conn.CloseNow()
	returned := make(chan struct{})
	go func() {
		handlers.Wait()
		close(returned)
	}()
	select {
	case <-returned:
	case <-ctx.Done():
		t.Fatalf("handler calls still running after the sessions ended:\n%s", stacksOf(goroutineStacks()))
	}
	s.pool.Close()
	ts.Close()

	var leaked []string
	for id, stack := range goroutineStacks() {
		if _, old := before[id]; !old && runsOwnCode(stack) {
			leaked = append(leaked, stack)
		}
	}
	if len(leaked) > 0 {
		t.Errorf("%d goroutines of the server or the websocket library outlive the sessions:\n\n%s", len(leaked), strings.Join(leaked, "\n\n"))
	}
}

// goroutineStacks returns the stack of every goroutine by its header's
// "goroutine N".
func goroutineStacks() map[string]string {
	buf := make([]byte, 1<<16)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	out := map[string]string{}
	for _, g := range strings.Split(strings.TrimSpace(string(buf)), "\n\n") {
		id, _, _ := strings.Cut(g, " [")
		out[id] = g
	}
	return out
}

func stacksOf(m map[string]string) string {
	var all []string
	for _, s := range m {
		all = append(all, s)
	}
	return strings.Join(all, "\n\n")
}

// runsOwnCode reports whether a goroutine's stack (runtime.Stack's text)
// has a frame, or was created by a function, of hoplab outside its tests,
// or of coder/websocket: a goroutine the server or the library started or
// still runs in. Each function line is followed by its file line.
func runsOwnCode(stack string) bool {
	lines := strings.Split(stack, "\n")
	for i := 1; i+1 < len(lines); i++ {
		fn := strings.TrimPrefix(lines[i], "created by ")
		file := strings.TrimSpace(lines[i+1])
		if strings.HasPrefix(fn, "github.com/coder/websocket") ||
			strings.HasPrefix(fn, "hoplab/") && !strings.Contains(file, "_test.go:") {
			return true
		}
	}
	return false
}

// TestEnergyRange checks the quantisation range: the least and greatest
// finite energy, with infinities and NaN ignored, and (0, 0) without any.
func TestEnergyRange(t *testing.T) {
	inf, nan := math.Inf(1), math.NaN()
	for _, c := range []struct {
		energy []float64
		lo, hi float64
	}{
		{nil, 0, 0},
		{[]float64{nan, inf, -inf}, 0, 0},
		{[]float64{3}, 3, 3},
		{[]float64{2, -1, 5, 0.5}, -1, 5},
		{[]float64{-inf, 1, nan, -2, inf, 4, nan}, -2, 4},
		{[]float64{-1e308, 1e308}, -1e308, 1e308},
	} {
		if lo, hi := energyRange(c.energy); lo != c.lo || hi != c.hi {
			t.Errorf("energyRange(%v) = %v, %v, want %v, %v", c.energy, lo, hi, c.lo, c.hi)
		}
	}
}
