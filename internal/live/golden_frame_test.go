package live

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"math"
	"os"
	"path/filepath"
	"testing"

	"hoplab/internal/live/livetest"
	"hoplab/internal/scenario"
	"hoplab/internal/sim"
)

var update = flag.Bool("update", false, "rewrite the golden files of TestWriteGoldenFrame")

// Golden frame files: the frame's bytes, and what a decoder must read from
// them. web/static/js/frame.test.js decodes the first and compares it with
// the second, so that the page's decoder and this encoder agree on one
// format (docs/protocol.md, "Frames").
const (
	goldenFrameBin  = "testdata/golden-frame.bin"
	goldenFrameJSON = "testdata/golden-frame.json"
)

// goldenFrameScenario is small and deterministic: four memories, the
// three maps, both views on a 7×5 grid (odd, and not square, so that a
// decoder that swaps nx and ny fails), β = 6: white cells in most panels,
// every memory's basin in one.
const goldenFrameScenario = `{
	"memories": [[1, 0], [0.6, 0.8], [-0.8, 0.6], [0.1, -1]],
	"normalizeMemories": true,
	"beta": 6,
	"separations": ["softmax", "entmax15", "sparsemax"],
	"featureMap": {"dim": 2, "affine": true, "init": "random", "seed": 3},
	"uhop": {"iterations": 5, "optimizer": "adam", "lr": 0.05, "tau": 0.5, "loss": "pairs"},
	"retrieval": {"steps": 3},
	"view": {"grid": {"nx": 7, "ny": 5, "xmin": -1.5, "xmax": 1.25, "ymin": -1.2, "ymax": 1}}
}`

// goldenFrame is the JSON file: the frame's header fields, points and,
// per view and panel, what the decoder must find. energy holds the exact
// energies (null at undefined cells), which the decoded ones match within
// energyTolerance = (energyMax − energyMin)/(2·(2^energyBits − 1)).
type goldenFrame struct {
	About         string       `json:"about"`
	Seq           uint32       `json:"seq"`
	Epoch         uint32       `json:"epoch"`
	T             int          `json:"t"`
	Iterations    int          `json:"iterations"`
	M             int          `json:"m"`
	NX            int          `json:"nx"`
	NY            int          `json:"ny"`
	Loss          float64      `json:"loss"`
	DeltaMin      float64      `json:"deltaMin"`
	MinAngleDeg   float64      `json:"minAngleDeg"`
	EnergyBits    int          `json:"energyBits"`
	InputPoints   []float64    `json:"inputPoints"`
	FeaturePoints []float64    `json:"featurePoints"`
	Views         []goldenView `json:"views"`
}

type goldenView struct {
	Space  string        `json:"space"`
	Box    goldenBox     `json:"box"`
	Panels []goldenPanel `json:"panels"`
}

type goldenBox struct {
	XMin float64 `json:"xmin"`
	XMax float64 `json:"xmax"`
	YMin float64 `json:"ymin"`
	YMax float64 `json:"ymax"`
}

type goldenPanel struct {
	Separation        string     `json:"separation"`
	EnergyMin         float64    `json:"energyMin"`
	EnergyMax         float64    `json:"energyMax"`
	EnergyTolerance   float64    `json:"energyTolerance"`
	UnlabeledFraction float64    `json:"unlabeledFraction"`
	Labels            []int      `json:"labels"`
	Support           []int      `json:"support"`
	Energy            []*float64 `json:"energy"`
}

// TestWriteGoldenFrame renders goldenFrameScenario at t = 3 of 5 computed
// iterations, marks three cells undefined (as the engine does where numbers
// overflow: label −2, energy NaN, support 0), encodes the frame with the
// live sessions' encoder and checks that testdata holds exactly these
// bytes and this JSON. With -update it writes them instead:
//
//	go test ./internal/live -run TestWriteGoldenFrame -update
//
// The rendered numbers are rounded to float32 before encoding, so that the
// few-ulp differences between CPU architectures (README, "Correctness and
// determinism") do not change the files.
func TestWriteGoldenFrame(t *testing.T) {
	frame, want := goldenFrameNow(t)
	wantJSON, err := json.MarshalIndent(want, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	wantJSON = append(wantJSON, '\n')

	// The Go side reads the frame as the JS test must.
	got, err := livetest.DecodeFrame(frame)
	if err != nil {
		t.Fatal(err)
	}
	checkGoldenFrame(t, got, want)

	if *update {
		for name, data := range map[string][]byte{goldenFrameBin: frame, goldenFrameJSON: wantJSON} {
			if err := os.WriteFile(name, data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		t.Logf("wrote %s (%d bytes) and %s", goldenFrameBin, len(frame), goldenFrameJSON)
		return
	}
	for name, data := range map[string][]byte{goldenFrameBin: frame, goldenFrameJSON: wantJSON} {
		committed, err := os.ReadFile(name)
		if err != nil {
			t.Fatalf("%v (write the golden files with -update)", err)
		}
		if !bytes.Equal(committed, data) {
			t.Errorf("%s differs from what the encoder writes now (%d bytes, now %d); if the change is meant, run go test ./internal/live -run TestWriteGoldenFrame -update and commit it",
				filepath.ToSlash(name), len(committed), len(data))
		}
	}
}

// goldenFrameNow renders and encodes the golden frame and returns its
// bytes and the values a decoder must read.
func goldenFrameNow(t *testing.T) ([]byte, *goldenFrame) {
	t.Helper()
	s := newTestServer(t, scenario.Limits{})
	sc, err := scenario.Decode([]byte(goldenFrameScenario))
	if err != nil {
		t.Fatal(err)
	}
	sess := newSession(context.Background(), s.Server, nil, nil)
	p, err := sess.resolveLive(sc)
	if err != nil {
		t.Fatal(err)
	}
	run, err := p.Start()
	if err != nil {
		t.Fatal(err)
	}
	for run.Iterations() < p.Iterations {
		run.Step()
	}
	sess.plan, sess.run = p, run
	const shown = 3
	views := []*sim.Frame{new(sim.Frame), new(sim.Frame)}
	for i, space := range []sim.Space{sim.InputSpace, sim.FeatureSpace} {
		if err := run.Render(views[i], shown, sess.frameSettings(space), sim.Serial{}); err != nil {
			t.Fatal(err)
		}
	}
	// Undefined cells: two in the input view's sparsemax panel (a corner
	// and the middle), one in the feature view's softmax panel.
	for _, u := range []struct{ view, panel, cell int }{{0, 2, 0}, {0, 2, 2*7 + 3}, {1, 0, 4*7 + 6}} {
		pn := &views[u.view].Panels[u.panel]
		if pn.Labels[u.cell] == sim.LabelWhite {
			pn.Unlabeled--
		}
		pn.Labels[u.cell], pn.Energy[u.cell], pn.Support[u.cell] = sim.LabelUndefined, math.NaN(), 0
		pn.Undefined++
	}
	f32 := func(v float64) float64 { return float64(float32(v)) }
	f32s := func(vs []float64) []float64 {
		out := make([]float64, len(vs))
		for i, v := range vs {
			out[i] = f32(v)
		}
		return out
	}
	for _, f := range views {
		for pi := range f.Panels {
			e := f.Panels[pi].Energy
			copy(e, f32s(e))
		}
	}
	st := run.State(shown)
	h := frameHeader{seq: 7, epoch: 2, t: shown, iterations: run.Iterations(), m: 4,
		loss: f32(st.Loss), deltaMin: f32(st.DeltaMin), minAngleDeg: f32(st.MinAngleDeg)}
	input, feature := f32s(run.Memories()), f32s(run.Features(nil, shown))
	var enc frameEncoder
	frame, err := enc.encode(nil, h, input, feature, views, sim.Serial{})
	if err != nil {
		t.Fatal(err)
	}

	want := &goldenFrame{
		About: "The frame golden-frame.bin as a decoder must read it (docs/protocol.md, \"Frames\"); both written by " +
			"TestWriteGoldenFrame in internal/live (go test ./internal/live -run TestWriteGoldenFrame -update). " +
			"energy: the exact energies, null at undefined cells; decoded energies are within energyTolerance of them.",
		Seq: h.seq, Epoch: h.epoch, T: h.t, Iterations: h.iterations, M: h.m, NX: 7, NY: 5,
		Loss: h.loss, DeltaMin: h.deltaMin, MinAngleDeg: h.minAngleDeg, EnergyBits: energyBits,
		InputPoints: input, FeaturePoints: feature,
	}
	white, undefined := 0, 0
	for _, f := range views {
		nx, ny := len(f.XS), len(f.YS)
		v := goldenView{Space: f.Space.String(), Box: goldenBox{f.XS[0], f.XS[nx-1], f.YS[0], f.YS[ny-1]}}
		for pi := range f.Panels {
			pn := &f.Panels[pi]
			lo, hi := energyRange(pn.Energy)
			gp := goldenPanel{Separation: pn.Separation.Name(), EnergyMin: lo, EnergyMax: hi,
				EnergyTolerance: (hi - lo) / (2 * energyLevels), UnlabeledFraction: pn.UnlabeledFraction()}
			for c, l := range pn.Labels {
				switch l {
				case sim.LabelWhite:
					gp.Labels = append(gp.Labels, labelNone)
					white++
				case sim.LabelUndefined:
					gp.Labels = append(gp.Labels, labelUndefined)
					undefined++
				default:
					gp.Labels = append(gp.Labels, int(l))
				}
				gp.Support = append(gp.Support, int(pn.Support[c]))
				if e := pn.Energy[c]; math.IsNaN(e) {
					gp.Energy = append(gp.Energy, nil)
				} else {
					gp.Energy = append(gp.Energy, &e)
				}
			}
			v.Panels = append(v.Panels, gp)
		}
		want.Views = append(want.Views, v)
	}
	if white == 0 || undefined != 3 {
		t.Fatalf("the golden frame has %d white and %d undefined cells; want some white and 3 undefined", white, undefined)
	}
	return frame, want
}

// checkGoldenFrame compares a frame decoded by the tests' own reader with
// the golden values.
func checkGoldenFrame(t *testing.T, got *livetest.Frame, want *goldenFrame) {
	t.Helper()
	if got.Seq != want.Seq || got.Epoch != want.Epoch || got.T != want.T || got.Iterations != want.Iterations ||
		got.M != want.M || got.NX != want.NX || got.NY != want.NY ||
		got.Loss != want.Loss || got.DeltaMin != want.DeltaMin || got.MinAngleDeg != want.MinAngleDeg {
		t.Errorf("header %+v, want %+v", got, want)
	}
	if !equalFloats(got.Input, want.InputPoints) || !equalFloats(got.Feature, want.FeaturePoints) {
		t.Errorf("points %v %v, want %v %v", got.Input, got.Feature, want.InputPoints, want.FeaturePoints)
	}
	if len(got.Views) != len(want.Views) {
		t.Fatalf("%d views, want %d", len(got.Views), len(want.Views))
	}
	for vi, wv := range want.Views {
		gv := got.Views[vi]
		if space := map[byte]string{0: "feature", 1: "input"}[gv.Space]; space != wv.Space ||
			gv.XMin != wv.Box.XMin || gv.XMax != wv.Box.XMax || gv.YMin != wv.Box.YMin || gv.YMax != wv.Box.YMax {
			t.Errorf("view %d: %s box %g %g %g %g, want %+v", vi, space, gv.XMin, gv.XMax, gv.YMin, gv.YMax, wv)
		}
		for pi, wp := range wv.Panels {
			gp := gv.Panels[pi]
			if gp.EnergyMin != wp.EnergyMin || gp.EnergyMax != wp.EnergyMax || gp.Unlabeled != wp.UnlabeledFraction {
				t.Errorf("%s %s: header %g %g %g, want %g %g %g", wv.Space, wp.Separation, gp.EnergyMin, gp.EnergyMax, gp.Unlabeled, wp.EnergyMin, wp.EnergyMax, wp.UnlabeledFraction)
			}
			for c := range wp.Labels {
				if int(gp.Labels[c]) != wp.Labels[c] || int(gp.Support[c]) != wp.Support[c] {
					t.Errorf("%s %s cell %d: label %d support %d, want %d %d", wv.Space, wp.Separation, c, gp.Labels[c], gp.Support[c], wp.Labels[c], wp.Support[c])
				}
				e := wp.Energy[c]
				if e == nil {
					if gp.Energy[c] != wp.EnergyMin {
						t.Errorf("%s %s undefined cell %d: energy %g, want energyMin %g (q = 0)", wv.Space, wp.Separation, c, gp.Energy[c], wp.EnergyMin)
					}
				} else if d := math.Abs(gp.Energy[c] - *e); d > wp.EnergyTolerance+1e-12*math.Max(math.Abs(wp.EnergyMin), math.Abs(wp.EnergyMax)) {
					t.Errorf("%s %s cell %d: energy %g, want %g within %g", wv.Space, wp.Separation, c, gp.Energy[c], *e, wp.EnergyTolerance)
				}
			}
		}
	}
}
