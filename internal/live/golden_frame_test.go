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
	"hoplab/internal/sim/separation"
)

var update = flag.Bool("update", false, "rewrite the golden files of TestWriteGoldenFrame")

// Golden frame files: each frame's bytes (name.bin), and what a decoder
// must read from them (name.json). web/static/js/frame.test.js decodes the
// first and compares it with the second, so that the page's decoder and
// this encoder agree on one format (docs/protocol.md, "Frames").
var goldenFrames = []struct {
	name  string
	build func(t *testing.T) ([]byte, *goldenFrame)
}{
	// The engine's frame of a small scenario, both views, three maps.
	{"testdata/golden-frame", goldenFrameNow},
	// A frame no live session sends yet: M = 300, so that labels and
	// support exceed a byte, three tiles of different sizes and panel
	// counts, a 3-D point set, and the coarse flag.
	{"testdata/golden-frame-wide", goldenWideNow},
}

// goldenFrameScenario is small and deterministic: four memories, the
// three maps, both views, the input view on a 7×5 grid (odd, and not
// square, so that a decoder that swaps nx and ny fails) and the feature
// view on 6×4 (tiles of one frame may differ), β = 6: white cells in most
// panels, every memory's basin in one.
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

// goldenFrame is the JSON file: the frame's header fields, point sets and,
// per tile and panel, what the decoder must find. nx and ny are those of
// the first tile (the page's frame.nx, frame.ny). energy holds the exact
// energies (null at undefined cells), which the decoded ones match within
// energyTolerance = (energyMax − energyMin)/(2·(2^energyBits − 1)).
type goldenFrame struct {
	About       string           `json:"about"`
	Version     int              `json:"version"`
	Seq         uint32           `json:"seq"`
	Epoch       uint32           `json:"epoch"`
	T           int              `json:"t"`
	Iterations  int              `json:"iterations"`
	M           int              `json:"m"`
	NX          int              `json:"nx"`
	NY          int              `json:"ny"`
	Coarse      bool             `json:"coarse"`
	Loss        float64          `json:"loss"`
	DeltaMin    float64          `json:"deltaMin"`
	MinAngleDeg float64          `json:"minAngleDeg"`
	EnergyBits  int              `json:"energyBits"`
	PointSets   []goldenPointSet `json:"pointSets"`
	Views       []goldenView     `json:"views"`
}

type goldenPointSet struct {
	Space  string    `json:"space"`
	Dim    int       `json:"dim"`
	Points []float64 `json:"points"`
}

type goldenView struct {
	Space  string        `json:"space"`
	NX     int           `json:"nx"`
	NY     int           `json:"ny"`
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
	SeparationIndex   int        `json:"separationIndex"`
	EnergyMin         float64    `json:"energyMin"`
	EnergyMax         float64    `json:"energyMax"`
	EnergyTolerance   float64    `json:"energyTolerance"`
	UnlabeledFraction float64    `json:"unlabeledFraction"`
	Labels            []int      `json:"labels"`
	Support           []int      `json:"support"`
	Energy            []*float64 `json:"energy"`
}

// TestWriteGoldenFrame builds each of goldenFrames, encodes it with the
// live sessions' encoder and checks that testdata holds exactly these
// bytes and this JSON. With -update it writes them instead:
//
//	go test ./internal/live -run TestWriteGoldenFrame -update
func TestWriteGoldenFrame(t *testing.T) {
	for _, g := range goldenFrames {
		t.Run(filepath.Base(g.name), func(t *testing.T) {
			frame, want := g.build(t)
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

			files := map[string][]byte{g.name + ".bin": frame, g.name + ".json": wantJSON}
			if *update {
				for name, data := range files {
					if err := os.WriteFile(name, data, 0o644); err != nil {
						t.Fatal(err)
					}
				}
				t.Logf("wrote %s.bin (%d bytes) and .json", g.name, len(frame))
				return
			}
			for name, data := range files {
				committed, err := os.ReadFile(name)
				if err != nil {
					t.Fatalf("%v (write the golden files with -update)", err)
				}
				if !bytes.Equal(committed, data) {
					t.Errorf("%s differs from what the encoder writes now (%d bytes, now %d); if the change is meant, run go test ./internal/live -run TestWriteGoldenFrame -update and commit it",
						filepath.ToSlash(name), len(committed), len(data))
				}
			}
		})
	}
}

// goldenFrameNow renders goldenFrameScenario at t = 3 of 5 computed
// iterations, marks three cells undefined (as the engine does where numbers
// overflow: label −2, energy NaN, support 0), encodes the frame and returns
// its bytes and the values a decoder must read. The rendered numbers are
// rounded to float32 before encoding, so that the few-ulp differences
// between CPU architectures (README, "Correctness and determinism") do not
// change the files.
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
		fs := sess.frameSettings(space)
		if space == sim.FeatureSpace {
			fs.Grid.NX, fs.Grid.NY = 6, 4
		}
		if err := run.Render(views[i], shown, fs, sim.Serial{}); err != nil {
			t.Fatal(err)
		}
	}
	// Undefined cells: two in the input view's sparsemax panel (a corner
	// and the middle), one in the feature view's softmax panel (the last).
	for _, u := range []struct{ view, panel, cell int }{{0, 2, 0}, {0, 2, 2*7 + 3}, {1, 0, 3*6 + 5}} {
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
	points := []pointSet{
		{space: sim.InputSpace, dim: 2, xs: f32s(run.Memories())},
		{space: sim.FeatureSpace, dim: 2, xs: f32s(run.Features(nil, shown))},
	}
	frame, want := encodeGolden(t, h, points, views)
	white, undefined := 0, 0
	for _, v := range want.Views {
		for _, p := range v.Panels {
			for _, l := range p.Labels {
				white += b2i(l == labelNone)
				undefined += b2i(l == labelUndefined)
			}
		}
	}
	if white == 0 || undefined != 3 {
		t.Fatalf("the golden frame has %d white and %d undefined cells; want some white and 3 undefined", white, undefined)
	}
	return frame, want
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// goldenWideNow builds a frame of M = 300 memories by hand: an input tile
// of 9×4 cells with three panels, a feature tile of 5×7 with one, and a
// second input tile of 3×2 with two (a tile's panels are the first of the
// state's separations, in order),
// labels up to 299 with white and undefined cells, support up to 300, a
// 2-D input point set and a 3-D feature point set, marked coarse. Every
// number is a float32, exact in JSON and in any decoder.
func goldenWideNow(t *testing.T) ([]byte, *goldenFrame) {
	t.Helper()
	const m = 300
	seps := []separation.Map{separation.Softmax(), separation.Entmax15(), separation.Sparsemax()}
	tile := func(space sim.Space, nx, ny int, xmin, xmax, ymin, ymax float64, sepIdx ...int) *sim.Frame {
		f := &sim.Frame{Space: space, XS: make([]float64, nx), YS: make([]float64, ny)}
		for j := range nx {
			f.XS[j] = xmin + float64(j)*(xmax-xmin)/float64(nx-1)
		}
		f.XS[nx-1] = xmax
		for i := range ny {
			f.YS[i] = ymin + float64(i)*(ymax-ymin)/float64(ny-1)
		}
		f.YS[ny-1] = ymax
		for k, si := range sepIdx {
			p := sim.Panel{Separation: seps[si], Energy: make([]float64, nx*ny), Labels: make([]int32, nx*ny), Support: make([]int32, nx*ny)}
			for c := range nx * ny {
				i, j := c/nx, c%nx
				p.Energy[c] = float64(float32(-3 + 0.25*float64(i*i) - 0.125*float64(j) + 0.5*float64(k)))
				p.Labels[c] = int32((c*97 + 41*k + 250) % m)
				p.Support[c] = int32(1 + (c*53+k)%m)
				switch (c + k) % 7 {
				case 3:
					p.Labels[c] = sim.LabelWhite
					p.Unlabeled++
				case 5:
					if c%2 == 0 {
						p.Labels[c], p.Energy[c], p.Support[c] = sim.LabelUndefined, math.NaN(), 0
						p.Undefined++
					}
				}
			}
			p.Support[0] = m // the largest support there is
			f.Panels = append(f.Panels, p)
		}
		return f
	}
	tiles := []*sim.Frame{
		tile(sim.InputSpace, 9, 4, -2, 1.5, -1, 0.75, 0, 1, 2),
		tile(sim.FeatureSpace, 5, 7, -1.25, 1.25, -1.25, 1.25, 0),
		tile(sim.InputSpace, 3, 2, 0.5, 1, 0.25, 0.5, 0, 1),
	}
	input, feature := make([]float64, 2*m), make([]float64, 3*m)
	for mu := range m {
		a := 2 * math.Pi * float64(mu) / m
		input[2*mu], input[2*mu+1] = float64(float32(1.5*math.Cos(a))), float64(float32(1.5*math.Sin(a)))
		for k := range 3 {
			feature[3*mu+k] = float64(float32(math.Sin(a*float64(k+1) + float64(k))))
		}
	}
	h := frameHeader{seq: 4294967295, epoch: 9, t: 1234, iterations: 5000, m: m, coarse: true,
		loss: 0.25, deltaMin: 0.0078125, minAngleDeg: 1.2}
	points := []pointSet{
		{space: sim.InputSpace, dim: 2, xs: input},
		{space: sim.FeatureSpace, dim: 3, xs: feature},
	}
	frame, want := encodeGolden(t, h, points, tiles)
	above := 0
	for _, v := range want.Views {
		for _, p := range v.Panels {
			for c, l := range p.Labels {
				above += b2i(l > 255 && l < m) + b2i(p.Support[c] > 255)
			}
		}
	}
	if above == 0 {
		t.Fatal("the wide golden frame has no label or support above 255")
	}
	return frame, want
}

// encodeGolden encodes a frame with the live sessions' encoder and returns
// its bytes and what a decoder must read from them.
func encodeGolden(t *testing.T, h frameHeader, points []pointSet, tiles []*sim.Frame) ([]byte, *goldenFrame) {
	t.Helper()
	var enc frameEncoder
	frame, err := enc.encode(nil, h, points, tiles, sim.Serial{})
	if err != nil {
		t.Fatal(err)
	}
	want := &goldenFrame{
		About: "The frame of the .bin file of the same name as a decoder must read it (docs/protocol.md, \"Frames\"); both written by " +
			"TestWriteGoldenFrame in internal/live (go test ./internal/live -run TestWriteGoldenFrame -update). " +
			"nx, ny: those of the first tile. labels: 65535 white, 65534 undefined. " +
			"energy: the exact energies, null at undefined cells; decoded energies are within energyTolerance of them.",
		Version: frameVersion, Seq: h.seq, Epoch: h.epoch, T: h.t, Iterations: h.iterations, M: h.m, Coarse: h.coarse,
		Loss: h.loss, DeltaMin: h.deltaMin, MinAngleDeg: h.minAngleDeg, EnergyBits: energyBits,
	}
	for _, p := range points {
		want.PointSets = append(want.PointSets, goldenPointSet{Space: p.space.String(), Dim: p.dim, Points: p.xs})
	}
	for _, f := range tiles {
		nx, ny := len(f.XS), len(f.YS)
		if want.NX == 0 {
			want.NX, want.NY = nx, ny
		}
		v := goldenView{Space: f.Space.String(), NX: nx, NY: ny, Box: goldenBox{f.XS[0], f.XS[nx-1], f.YS[0], f.YS[ny-1]}}
		for pi := range f.Panels {
			pn := &f.Panels[pi]
			lo, hi := energyRange(pn.Energy)
			gp := goldenPanel{Separation: pn.Separation.Name(), SeparationIndex: pi, EnergyMin: lo, EnergyMax: hi,
				EnergyTolerance: (hi - lo) / (2 * energyLevels), UnlabeledFraction: pn.UnlabeledFraction()}
			for c, l := range pn.Labels {
				switch l {
				case sim.LabelWhite:
					gp.Labels = append(gp.Labels, labelNone)
				case sim.LabelUndefined:
					gp.Labels = append(gp.Labels, labelUndefined)
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
	return frame, want
}

// checkGoldenFrame compares a frame decoded by the tests' own reader with
// the golden values.
func checkGoldenFrame(t *testing.T, got *livetest.Frame, want *goldenFrame) {
	t.Helper()
	if got.Seq != want.Seq || got.Epoch != want.Epoch || got.T != want.T || got.Iterations != want.Iterations ||
		got.M != want.M || got.NX != want.NX || got.NY != want.NY || got.Coarse != want.Coarse || got.EnergyBits != want.EnergyBits ||
		got.Loss != want.Loss || got.DeltaMin != want.DeltaMin || got.MinAngleDeg != want.MinAngleDeg || got.Skipped != 0 {
		t.Errorf("header %+v, want %+v", got, want)
	}
	if len(got.PointSets) != len(want.PointSets) {
		t.Fatalf("%d point sets, want %d", len(got.PointSets), len(want.PointSets))
	}
	for i, wp := range want.PointSets {
		gp := got.PointSets[i]
		if spaceName(gp.Space) != wp.Space || gp.Dim != wp.Dim || !equalFloats(gp.Points, wp.Points) {
			t.Errorf("point set %d: %s dim %d %v, want %+v", i, spaceName(gp.Space), gp.Dim, gp.Points, wp)
		}
	}
	if len(got.Views) != len(want.Views) {
		t.Fatalf("%d views, want %d", len(got.Views), len(want.Views))
	}
	for vi, wv := range want.Views {
		gv := got.Views[vi]
		if spaceName(gv.Space) != wv.Space || gv.NX != wv.NX || gv.NY != wv.NY ||
			gv.XMin != wv.Box.XMin || gv.XMax != wv.Box.XMax || gv.YMin != wv.Box.YMin || gv.YMax != wv.Box.YMax {
			t.Errorf("view %d: %s %d×%d box %g %g %g %g, want %+v", vi, spaceName(gv.Space), gv.NX, gv.NY, gv.XMin, gv.XMax, gv.YMin, gv.YMax, wv)
		}
		if len(gv.Panels) != len(wv.Panels) {
			t.Fatalf("view %d: %d panels, want %d", vi, len(gv.Panels), len(wv.Panels))
		}
		for pi, wp := range wv.Panels {
			gp := gv.Panels[pi]
			if gp.Separation != wp.SeparationIndex || gp.EnergyMin != wp.EnergyMin || gp.EnergyMax != wp.EnergyMax || gp.Unlabeled != wp.UnlabeledFraction {
				t.Errorf("%s %s: header %d %g %g %g, want %d %g %g %g", wv.Space, wp.Separation, gp.Separation, gp.EnergyMin, gp.EnergyMax, gp.Unlabeled,
					wp.SeparationIndex, wp.EnergyMin, wp.EnergyMax, wp.UnlabeledFraction)
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

// spaceName names a frame's space byte as sim.Space.String does.
func spaceName(b byte) string {
	return map[byte]string{spaceFeature: sim.FeatureSpace.String(), spaceInput: sim.InputSpace.String()}[b]
}
