package live

import (
	"context"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/coder/websocket"

	"hoplab/internal/live/livetest"
	"hoplab/internal/scenario"
	"hoplab/internal/sim"
)

// TestLiveFrameMatchesEngine loads the default preset and checks the first
// frame against the engine: header, points, metrics, and every cell of
// every panel of both views (energy within the 12-bit quantisation, labels,
// support and unlabeled fractions exactly).
func TestLiveFrameMatchesEngine(t *testing.T) {
	s, url := startLive(t, scenario.Limits{})
	c := livetest.Dial(t, url)
	if c.Hello["protocol"] != float64(1) || c.Hello["defaultPreset"] != scenario.DefaultPreset {
		t.Fatalf("hello %v", c.Hello)
	}
	seq := c.Send(`{"type": "preset", "name": "clustered"}`)
	f := c.UntilSeq(seq)
	if c.State == nil || c.State.Seq != seq || c.State.T != 0 || c.State.Epoch != 1 || strings.Join(c.State.Views, ",") != "input,feature" {
		t.Fatalf("state %+v", c.State)
	}

	// The same scenario, straight from the engine.
	sc, err := scenario.Decode(c.State.Scenario)
	if err != nil {
		t.Fatalf("the state's scenario does not decode: %v", err)
	}
	sess := newSession(context.Background(), s.Server, nil, nil)
	p, err := sess.resolveLive(sc)
	if err != nil {
		t.Fatalf("the state's scenario is refused: %v", err)
	}
	run, err := p.Start()
	if err != nil {
		t.Fatal(err)
	}
	st := run.State(0)
	if f.Seq != seq || f.Epoch != 1 || f.T != 0 || f.Iterations != 0 || f.M != 8 || f.NX != 128 || f.NY != 128 {
		t.Fatalf("header %+v", f)
	}
	if f.Loss != st.Loss || f.DeltaMin != st.DeltaMin || f.MinAngleDeg != st.MinAngleDeg {
		t.Errorf("metrics %g %g %g, engine %g %g %g", f.Loss, f.DeltaMin, f.MinAngleDeg, st.Loss, st.DeltaMin, st.MinAngleDeg)
	}
	if math.Abs(f.MinAngleDeg-10) > 1e-9 {
		t.Errorf("min angle %g, want 10° for memories 10° apart", f.MinAngleDeg)
	}
	if !equalFloats(f.Input, run.Memories()) || !equalFloats(f.Feature, run.Features(nil, 0)) {
		t.Errorf("points differ: input %v feature %v", f.Input, f.Feature)
	}
	if len(f.Views) != 2 || f.Views[0].Space != 1 || f.Views[1].Space != 0 {
		t.Fatalf("views %+v", f.Views)
	}
	sess.plan, sess.run = p, run
	for vi, space := range []sim.Space{sim.InputSpace, sim.FeatureSpace} {
		var want sim.Frame
		if err := run.Render(&want, 0, sess.frameSettings(space), sim.Serial{}); err != nil {
			t.Fatal(err)
		}
		v := f.Views[vi]
		if v.XMin != want.XS[0] || v.XMax != want.XS[127] || v.YMin != want.YS[0] || v.YMax != want.YS[127] {
			t.Errorf("%v box %v %v %v %v", space, v.XMin, v.XMax, v.YMin, v.YMax)
		}
		for pi := range want.Panels {
			wp, gp := &want.Panels[pi], &v.Panels[pi]
			lo, hi := energyRange(wp.Energy)
			if gp.EnergyMin != lo || gp.EnergyMax != hi || gp.Unlabeled != wp.UnlabeledFraction() {
				t.Errorf("%v panel %d header %+v", space, pi, gp)
			}
			tol := (hi-lo)/(2*energyLevels) + 1e-12*math.Max(math.Abs(lo), math.Abs(hi))
			for c := range wp.Energy {
				if math.Abs(gp.Energy[c]-wp.Energy[c]) > tol {
					t.Fatalf("%v panel %d cell %d: energy %g, engine %g (tolerance %g)", space, pi, c, gp.Energy[c], wp.Energy[c], tol)
				}
				label := uint16(wp.Labels[c])
				switch wp.Labels[c] {
				case sim.LabelWhite:
					label = labelNone
				case sim.LabelUndefined:
					label = labelUndefined
				}
				if gp.Labels[c] != label || int32(gp.Support[c]) != wp.Support[c] {
					t.Fatalf("%v panel %d cell %d: label %d support %d, engine %d %d", space, pi, c, gp.Labels[c], gp.Support[c], wp.Labels[c], wp.Support[c])
				}
			}
		}
	}
	if f.CompressedBytes > 64<<10 {
		t.Errorf("the default frame takes %d bytes on the wire, more than 64 KiB", f.CompressedBytes)
	}
	t.Logf("default frame: %d bytes on the wire (%d decompressed)", f.CompressedBytes, f.DecompressedBytes)
}

// TestLiveTransport steps, goes back, jumps and resets, and checks that the
// metrics of an iteration are the same every time it is shown.
func TestLiveTransport(t *testing.T) {
	_, url := startLive(t, scenario.Limits{})
	c := livetest.Dial(t, url)
	c.UntilSeq(c.Send(`{"type": "preset", "name": "clustered"}`))

	var seen []*livetest.Frame
	for i := 1; i <= 3; i++ {
		f := c.UntilSeq(c.Send(`{"type": "step"}`))
		if f.T != i || f.Iterations != i || c.State.T != i {
			t.Fatalf("after %d steps: t %d iterations %d state t %d", i, f.T, f.Iterations, c.State.T)
		}
		seen = append(seen, f)
	}
	back := c.UntilSeq(c.Send(`{"type": "back"}`))
	if back.T != 2 || back.Iterations != 3 {
		t.Fatalf("back: t %d iterations %d", back.T, back.Iterations)
	}
	if back.Loss != seen[1].Loss || back.MinAngleDeg != seen[1].MinAngleDeg || back.Views[0].Panels[0].Unlabeled != seen[1].Views[0].Panels[0].Unlabeled {
		t.Errorf("back to t = 2 shows loss %g angle %g, first shown %g %g", back.Loss, back.MinAngleDeg, seen[1].Loss, seen[1].MinAngleDeg)
	}
	if c.Loss[2] != back.Loss || c.Metrics[2] != back.MinAngleDeg {
		t.Errorf("metrics message at t = 2: %g %g, frame %g %g", c.Loss[2], c.Metrics[2], back.Loss, back.MinAngleDeg)
	}
	f := c.UntilSeq(c.Send(`{"type": "goto", "t": 150}`))
	if f.T != 150 || f.Iterations != 150 || f.Epoch != 1 {
		t.Fatalf("goto 150: t %d iterations %d epoch %d", f.T, f.Iterations, f.Epoch)
	}
	if f.MinAngleDeg <= 20 {
		t.Errorf("150 U-Hop+ steps raised the minimum angle only from %g to %g", seen[0].MinAngleDeg, f.MinAngleDeg)
	}
	f = c.UntilSeq(c.Send(`{"type": "reset"}`))
	if f.T != 0 || f.Iterations != 0 || f.Epoch != 2 || math.Abs(f.MinAngleDeg-10) > 1e-9 {
		t.Fatalf("reset: t %d iterations %d epoch %d angle %g", f.T, f.Iterations, f.Epoch, f.MinAngleDeg)
	}
	f = c.UntilSeq(c.Send(`{"type": "reseed", "seed": 7}`))
	if f.T != 0 || f.Epoch != 3 || !strings.Contains(string(c.State.Scenario), `"init":"random","seed":7`) {
		t.Fatalf("reseed: t %d epoch %d scenario %s", f.T, f.Epoch, c.State.Scenario)
	}
}

// TestLivePlay plays at 200 iterations per second and checks that frames
// keep coming with growing iterations; then pauses, and checks that the
// session stays at the iteration its pause state names (every frame that
// reflects the pause shows it) and that a step then shows exactly one
// iteration more, computed just then.
func TestLivePlay(t *testing.T) {
	_, url := startLive(t, scenario.Limits{})
	c := livetest.Dial(t, url)
	c.UntilSeq(c.Send(`{"type": "preset", "name": "clustered"}`))
	c.Send(`{"type": "speed", "itersPerSecond": 200}`)
	seq := c.Send(`{"type": "play"}`)
	first := c.UntilSeq(seq)
	f := c.Until("t ≥ 150", func(f *livetest.Frame) bool { return f.T >= 150 })
	if f.MinAngleDeg <= first.MinAngleDeg {
		t.Errorf("playing to t = %d did not raise the minimum angle: %g → %g", f.T, first.MinAngleDeg, f.MinAngleDeg)
	}
	pause := c.Send(`{"type": "pause"}`)
	st := c.UntilState(pause)
	paused := st.T
	if st.Playing || paused < f.T || st.Iterations != paused {
		t.Fatalf("state after pause: playing %v, t %d, iterations %d; want paused at t ≥ %d with iterations = t", st.Playing, paused, st.Iterations, f.T)
	}
	// Frames rendered before the pause was applied may still arrive, at
	// most at the paused iteration; those that reflect it show exactly it.
	step := c.Send(`{"type": "step"}`)
	g := c.Until("the step's frame", func(fr *livetest.Frame) bool {
		if fr.Seq < step && (fr.T > paused || fr.Seq >= pause && fr.T != paused) {
			t.Errorf("frame of seq %d shows t = %d; the session paused at %d (pause seq %d)", fr.Seq, fr.T, paused, pause)
		}
		return fr.Seq >= step
	})
	if g.Seq != step || g.T != paused+1 || g.Iterations != paused+1 {
		t.Errorf("step after pausing at t = %d: frame seq %d t %d iterations %d, want seq %d t = iterations = %d", paused, g.Seq, g.T, g.Iterations, step, paused+1)
	}
	if st := c.UntilState(step); st.T != paused+1 || st.Playing {
		t.Errorf("state after the step: t %d playing %v, want t = %d paused", st.T, st.Playing, paused+1)
	}
}

// TestLiveEdits moves, adds and removes memories and changes parameters.
func TestLiveEdits(t *testing.T) {
	_, url := startLive(t, scenario.Limits{})
	c := livetest.Dial(t, url)
	f0 := c.UntilSeq(c.Send(`{"type": "preset", "name": "clustered"}`))
	c.UntilSeq(c.Send(`{"type": "goto", "t": 5}`))

	f := c.UntilSeq(c.Send(`{"type": "move", "i": 0, "x": 0, "y": -1}`))
	if f.Epoch != 2 || f.T != 5 || f.Input[0] != 0 || f.Input[1] != -1 {
		t.Fatalf("move: epoch %d t %d first memory (%g, %g)", f.Epoch, f.T, f.Input[0], f.Input[1])
	}
	if f.Views[0].Panels[0].Unlabeled == f0.Views[0].Panels[0].Unlabeled && slices.Equal(f.Views[0].Panels[0].Labels, f0.Views[0].Panels[0].Labels) {
		t.Errorf("moving a memory did not change the basins")
	}
	f = c.UntilSeq(c.Send(`{"type": "add", "x": -1, "y": 0}`))
	if f.M != 9 || f.Input[16] != -1 || f.Input[17] != 0 {
		t.Fatalf("add: M %d last (%g, %g)", f.M, f.Input[16], f.Input[17])
	}
	f = c.UntilSeq(c.Send(`{"type": "remove", "i": 1}`))
	if f.M != 8 || f.Input[0] != 0 || f.Input[2] != math.Cos(20*math.Pi/180) {
		t.Fatalf("remove: M %d first %v", f.M, f.Input[:4])
	}
	// Drawing parameters keep the epoch; training parameters start a new one.
	f = c.UntilSeq(c.Send(`{"type": "patch", "scenario": {"beta": 5, "view": {"grid": {"nx": 64, "ny": 32}}}}`))
	if f.Epoch != 4 || f.NX != 64 || f.NY != 32 || !strings.Contains(string(c.State.Scenario), `"beta":5`) {
		t.Fatalf("patch beta and grid: epoch %d grid %d×%d", f.Epoch, f.NX, f.NY)
	}
	f = c.UntilSeq(c.Send(`{"type": "patch", "scenario": {"uhop": {"tau": 0.5}}}`))
	if f.Epoch != 5 || f.T != 5 {
		t.Fatalf("patch tau: epoch %d t %d", f.Epoch, f.T)
	}
	f = c.UntilSeq(c.Send(`{"type": "patch", "scenario": {"separations": ["sparsemax"]}}`))
	if len(f.Views[0].Panels) != 1 || strings.Join(c.State.Separations, ",") != "sparsemax" {
		t.Fatalf("patch separations: %d panels, state %v", len(f.Views[0].Panels), c.State.Separations)
	}
	f = c.UntilSeq(c.Send(`{"type": "views", "views": ["feature"]}`))
	if len(f.Views) != 1 || f.Views[0].Space != 0 || f.Input == nil {
		t.Fatalf("views feature: %d views, input points %v", len(f.Views), f.Input != nil)
	}
	// A null in a patch restores the default: without bounds the box is
	// fitted to the memories again.
	c.UntilSeq(c.Send(`{"type": "views", "views": ["input", "feature"]}`))
	f = c.UntilSeq(c.Send(`{"type": "patch", "scenario": {"view": {"grid": {"xmin": null, "xmax": null, "ymin": null, "ymax": null, "margin": 0}}}}`))
	xmin, xmax := math.Inf(1), math.Inf(-1)
	for i := 0; i < len(f.Input); i += 2 {
		xmin, xmax = math.Min(xmin, f.Input[i]), math.Max(xmax, f.Input[i])
	}
	if f.Views[0].XMin != xmin || f.Views[0].XMax != xmax {
		t.Errorf("fitted box x %g … %g, memories %g … %g", f.Views[0].XMin, f.Views[0].XMax, xmin, xmax)
	}
}

// TestLiveErrors sends bad messages and checks that each gets an error
// naming the problem, and that the session still works afterwards.
func TestLiveErrors(t *testing.T) {
	_, url := startLive(t, scenario.Limits{})
	c := livetest.Dial(t, url)

	before := c.Send(`{"type": "play"}`)
	if e := c.ExpectError(before); e.Code != codeNotLoaded {
		t.Errorf("play before load: %+v", e)
	}
	c.UntilSeq(c.Send(`{"type": "preset", "name": "clustered"}`))
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
		seq := c.Send(tc.msg)
		e := c.ExpectError(seq)
		if e.Code != tc.code || e.Field != tc.field || !strings.Contains(e.Message, tc.text) {
			t.Errorf("%s: got %+v, want code %s field %q message containing %q", tc.msg, e, tc.code, tc.field, tc.text)
		}
	}
	for _, raw := range []string{`not json`, `{"type": "step"} {"type": "step"}`, `[1]`, `{"seq": -1, "type": "step"}`} {
		c.SendRaw(raw)
	}
	if err := c.Conn.Write(context.Background(), websocket.MessageBinary, []byte{1, 2, 3}); err != nil {
		t.Fatal(err)
	}
	// The session still answers, and nothing changed: t = 0, epoch 1.
	f := c.UntilSeq(c.Send(`{"type": "step"}`))
	if f.T != 1 || f.Epoch != 1 || f.M != 8 {
		t.Errorf("after the errors a step shows t %d epoch %d M %d", f.T, f.Epoch, f.M)
	}
	codes := map[string]int{}
	for _, e := range c.Errors {
		codes[e.Code]++
	}
	if codes[scenario.CodeInvalidJSON] < 4 {
		t.Errorf("bad JSON and a binary message gave %d invalid_json errors, want at least 4 (%v)", codes[scenario.CodeInvalidJSON], c.Errors)
	}
}

// TestLiveProbe checks a probe reply against the frame's grid cell.
func TestLiveProbe(t *testing.T) {
	_, url := startLive(t, scenario.Limits{})
	c := livetest.Dial(t, url)
	f := c.UntilSeq(c.Send(`{"type": "preset", "name": "antipodal"}`))
	v := f.Views[0]
	j, i := 90, 64
	x := v.XMin + float64(j)*(v.XMax-v.XMin)/float64(f.NX-1)
	y := v.YMin + float64(i)*(v.YMax-v.YMin)/float64(f.NY-1)
	seq := c.Send(`{"type": "probe", "space": "input", "x": ` + jsonFloat(x) + `, "y": ` + jsonFloat(y) + `}`)
	p := c.UntilProbe(seq)
	if p.Seq != seq || p.Space != "input" || len(p.Paths) != 3 {
		t.Fatalf("probe %+v", p)
	}
	for pi, path := range p.Paths {
		cell := i*f.NX + j
		if len(path.Points) != 6 || path.Points[0] != [2]float64{x, y} {
			t.Errorf("%s: path %v", path.Separation, path.Points)
		}
		label := uint16(labelNone)
		if path.Label >= 0 {
			label = uint16(path.Label)
		}
		if label != v.Panels[pi].Labels[cell] || uint16(path.Support[len(path.Support)-1]) != v.Panels[pi].Support[cell] {
			t.Errorf("%s: label %d support %v, grid %d %d", path.Separation, path.Label, path.Support, v.Panels[pi].Labels[cell], v.Panels[pi].Support[cell])
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
	c := livetest.Dial(t, url)
	c.UntilSeq(c.Send(`{"type": "preset", "name": "clustered"}`))
	const moves = 200
	var last uint32
	for k := range moves {
		a := float64(k) * 2 * math.Pi / moves
		last = c.Send(`{"type": "move", "i": 0, "x": ` + jsonFloat(math.Cos(a)) + `, "y": ` + jsonFloat(math.Sin(a)) + `}`)
	}
	start := c.Frames
	f := c.UntilSeq(last)
	a := float64(moves-1) * 2 * math.Pi / moves
	if f.Input[0] != math.Cos(a) || f.Input[1] != math.Sin(a) {
		t.Errorf("the frame of the last move shows memory 0 at (%g, %g)", f.Input[0], f.Input[1])
	}
	if n := c.Frames - start; n >= moves/2 {
		t.Errorf("%d moves gave %d frames; the session should coalesce them", moves, n)
	} else {
		t.Logf("%d moves gave %d frames", moves, n)
	}
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

// TestLiveViewsFallBack checks that frames always carry a view: when the
// views asked for are none of those the dimensions allow (the input view
// asked for, then memories of d = 3 loaded), the frames carry all the
// available views, and the asked-for choice returns with d = 2.
func TestLiveViewsFallBack(t *testing.T) {
	_, url := startLive(t, scenario.Limits{})
	c := livetest.Dial(t, url)
	c.UntilSeq(c.Send(`{"type": "preset", "name": "basins"}`))
	f := c.UntilSeq(c.Send(`{"type": "views", "views": ["input"]}`))
	if len(f.Views) != 1 || f.Views[0].Space != 1 {
		t.Fatalf("views input: %d views", len(f.Views))
	}
	f = c.UntilSeq(c.Send(`{"type": "load", "protocol": 1, "scenario": {"memories": [[1,0,0],[0,1,0],[0,0,1]], "featureMap": {"dim": 2, "init": "random"}}}`))
	if len(f.Views) != 1 || f.Views[0].Space != 0 || strings.Join(c.State.Views, ",") != "feature" {
		t.Fatalf("d = 3 after views input: %d views in the frame, state views %v", len(f.Views), c.State.Views)
	}
	f = c.UntilSeq(c.Send(`{"type": "views", "views": ["input"]}`))
	if len(f.Views) != 1 || f.Views[0].Space != 0 || strings.Join(c.State.Views, ",") != "feature" {
		t.Fatalf("views input at d = 3: %d views in the frame, state views %v", len(f.Views), c.State.Views)
	}
	f = c.UntilSeq(c.Send(`{"type": "preset", "name": "basins"}`))
	if len(f.Views) != 1 || f.Views[0].Space != 1 || strings.Join(c.State.Views, ",") != "input" {
		t.Fatalf("back to d = 2: %d views in the frame, state views %v", len(f.Views), c.State.Views)
	}
}
