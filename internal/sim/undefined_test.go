package sim

import (
	"math"
	"testing"

	"hoplab/internal/sim/separation"
)

// checkCells checks the documented cell contract of every panel of f for a
// run with m memories: a label is a memory, LabelWhite or LabelUndefined;
// undefined cells, and only they, have energy NaN, and their support is 0;
// other energies are finite; the counts match the labels; the grid
// coordinates are finite and ordered. It returns the number of undefined
// cells.
func checkCells(t *testing.T, f *Frame, m int) int {
	t.Helper()
	for _, xs := range [][]float64{f.XS, f.YS} {
		for j, v := range xs {
			if !finite(v) || j > 0 && v < xs[j-1] {
				t.Fatalf("grid coordinates %v are not finite and ordered", xs)
			}
		}
	}
	total := 0
	for _, p := range f.Panels {
		white, undefined := 0, 0
		for i, label := range p.Labels {
			e, s := p.Energy[i], p.Support[i]
			switch {
			case label == LabelUndefined:
				undefined++
				if !math.IsNaN(e) || s != 0 {
					t.Fatalf("%s cell %d: undefined with energy %v, support %d; want NaN, 0", p.Separation.Name(), i, e, s)
				}
			case label == LabelWhite || label >= 0 && int(label) < m:
				if label == LabelWhite {
					white++
				}
				if !finite(e) || s < 0 || int(s) > m {
					t.Fatalf("%s cell %d: label %d with energy %v, support %d", p.Separation.Name(), i, label, e, s)
				}
			default:
				t.Fatalf("%s cell %d: label %d", p.Separation.Name(), i, label)
			}
		}
		if p.Unlabeled != white || p.Undefined != undefined {
			t.Fatalf("%s: counts %d white, %d undefined; the labels have %d, %d", p.Separation.Name(), p.Unlabeled, p.Undefined, white, undefined)
		}
		total += undefined
	}
	return total
}

// checkProbes probes every cell of f and checks that each path reports
// the cell's label, and its energy where the cell is defined.
func checkProbes(t *testing.T, r *Run, it int, fs FrameSettings, f *Frame) {
	t.Helper()
	for i, y := range f.YS {
		for j, x := range f.XS {
			paths, err := r.Probe(it, fs, x, y)
			if err != nil {
				t.Fatalf("probe (%g, %g): %v", x, y, err)
			}
			for pi, path := range paths {
				p := &f.Panels[pi]
				cell := i*len(f.XS) + j
				if int32(path.Label) != p.Labels[cell] {
					t.Fatalf("%s (%g, %g): probe label %d, grid %d", p.Separation.Name(), x, y, path.Label, p.Labels[cell])
				}
				if p.Labels[cell] != LabelUndefined && path.Energy[0] != p.Energy[cell] {
					t.Fatalf("%s (%g, %g): probe energy %v, grid %v", p.Separation.Name(), x, y, path.Energy[0], p.Energy[cell])
				}
				for _, e := range path.Energy {
					if math.IsInf(e, 0) {
						t.Fatalf("%s (%g, %g): probe energy %v, want NaN for an overflow", p.Separation.Name(), x, y, e)
					}
				}
			}
		}
	}
}

func undefinedMaps(t testing.TB) []separation.Map {
	return []separation.Map{mustMap(t, "softmax"), mustMap(t, "entmax15"), mustMap(t, "sparsemax"), mustMap(t, "entmax:1.3")}
}

// TestUndefinedCells renders finite snapshots whose cells overflow: the
// scores (a huge W in the input view), and the energy alone (a subnormal β
// makes Ψ*/β overflow while scores and states stay finite). Such cells are
// undefined: label -2, energy NaN, support 0, counted in Undefined and not
// in Unlabeled. Before, entmax15 panicked on the NaN scores, and the other
// cells got ±Inf energies and ordinary labels. Probes agree with the grid.
func TestUndefinedCells(t *testing.T) {
	mem := [][]float64{{1, 0}, {0, 1}, {-1, 0.2}}
	cases := []struct {
		name      string
		w         float64
		space     Space
		beta      float64
		bounds    Rect
		undefined int // per panel; -1: some but not all
	}{
		{"scores overflow everywhere", 1e200, InputSpace, 20, Rect{-1, 1, -1, 1}, 35},
		{"scores overflow away from the origin", 1e100, InputSpace, 20, Rect{-1e110, 1e110, -1e110, 1e110}, -1},
		{"energy overflows", 1, FeatureSpace, 1e-310, Rect{-1, 1, -1, 1}, 35},
		{"grid beyond the largest difference", 1, FeatureSpace, 20, Rect{-math.MaxFloat64, math.MaxFloat64, -1, 1}, -1},
		{"ordinary", 1, InputSpace, 20, Rect{-1, 1, -1, 1}, 0},
	}
	for _, c := range cases {
		r, err := New(Settings{Memories: mem, NormalizeMemories: true,
			FeatureMap: FeatureMapSettings{W: [][]float64{{c.w, 0}, {0, c.w}}},
			UHop:       UHopSettings{Optimizer: Adam, LR: 0.1, Tau: 1}})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		fs := FrameSettings{Space: c.space, Beta: c.beta, Separations: undefinedMaps(t), Steps: 4, Tolerance: 1e-3, SupportEps: 0.01,
			Grid: GridSpec{NX: 7, NY: 5, Bounds: &c.bounds}}
		var f Frame
		if err := r.Render(&f, 0, fs, Serial{}); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		checkCells(t, &f, len(mem))
		for _, p := range f.Panels {
			if c.undefined >= 0 && p.Undefined != c.undefined || c.undefined < 0 && (p.Undefined == 0 || p.Undefined == 35) {
				t.Errorf("%s, %s: %d undefined cells, want %d (-1: some)", c.name, p.Separation.Name(), p.Undefined, c.undefined)
			}
		}
		checkProbes(t, r, 0, fs, &f)
	}
}

// TestProbeHuge probes far outside the grid, at (1e308, −1e308), in both
// views: the scores overflow, and the probe reports an undefined label
// instead of panicking.
func TestProbeHuge(t *testing.T) {
	r := standardRun(t)
	for _, space := range []Space{FeatureSpace, InputSpace} {
		fs := FrameSettings{Space: space, Beta: 20, Separations: undefinedMaps(t), Steps: 3, Tolerance: 1e-3}
		paths, err := r.Probe(0, fs, 1e308, -1e308)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range paths {
			if p.Label != LabelUndefined || !math.IsNaN(p.Energy[0]) || p.Support[0] != 0 {
				t.Errorf("%v %s: label %d, energy %v, support %v; want undefined, NaN, 0", space, p.Separation.Name(), p.Label, p.Energy[0], p.Support)
			}
		}
	}
}

// FuzzRender drives arbitrary memories, maps, β and grid boxes, and a few
// U-Hop+ steps, through Render and Probe in both views. Settings the engine
// refuses are skipped; for the others nothing may panic, every cell must
// keep the contract of checkCells, and probes must agree with the grid.
func FuzzRender(f *testing.F) {
	f.Add(1.0, 0.0, 0.0, 1.0, -1.0, 0.3, 1.0, 0.0, 0.0, 1.0, 0.0, 0.0, 20.0, -1.2, 1.2, -1.2, 1.2, uint8(0))
	f.Add(1.0, 0.0, 0.9, 0.3, 0.8, -0.4, 1e200, 0.0, 0.0, 1e200, 0.0, 0.0, 20.0, -1.0, 1.0, -1.0, 1.0, uint8(1))
	f.Add(1.0, 0.0, 0.0, 1.0, -1.0, 0.3, 1e100, 3.0, -2.0, 1e100, 1e300, 0.0, 20.0, -1e110, 1e110, -1e110, 1e110, uint8(2))
	f.Add(3e-162, 0.0, 0.0, 1.0, -1.0, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0, 0.0, 1e-310, 1e308, math.MaxFloat64, -1e308, 1.0, uint8(3))
	f.Add(1e300, -1e300, 1e-300, 5e-324, -math.MaxFloat64, 0.0, 1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 1e6, -5.0, 5.0, -5.0, 5.0, uint8(7))
	f.Add(1.0, 0.0, 1.0, 0.0, 1.0, 1e-17, 1.0, 0.0, 0.0, 1.0, 0.0, 0.0, 1e300, 0.99, 1.01, -0.01, 0.01, uint8(4))
	maps := undefinedMaps(f)
	f.Fuzz(func(t *testing.T, x0, y0, x1, y1, x2, y2, w00, w01, w10, w11, b0, b1, beta, xmin, xmax, ymin, ymax float64, flags uint8) {
		s := Settings{Memories: [][]float64{{x0, y0}, {x1, y1}, {x2, y2}}, NormalizeMemories: flags&1 != 0,
			FeatureMap: FeatureMapSettings{Affine: true, W: [][]float64{{w00, w01}, {w10, w11}}, B: []float64{b0, b1}},
			UHop:       UHopSettings{Optimizer: Adam, LR: 0.1, Tau: 1}}
		r, err := New(s)
		if err != nil {
			return // refused settings, or an initial state that is not finite
		}
		for range int(flags>>2) & 3 {
			r.Step()
		}
		it := r.Iterations()
		fs := FrameSettings{Beta: beta, Separations: maps, Steps: 3, Tolerance: 1e-3, SupportEps: 0.01,
			Grid: GridSpec{NX: 5, NY: 3, Margin: 0.1}}
		if flags&2 != 0 {
			fs.Grid.Bounds = &Rect{xmin, xmax, ymin, ymax}
		}
		for _, space := range []Space{FeatureSpace, InputSpace} {
			fs.Space = space
			if r.CheckFrame(it, &fs) != nil {
				return // β or the box out of the domain
			}
			var fr Frame
			if err := r.Render(&fr, it, fs, Serial{}); err != nil {
				t.Fatal(err)
			}
			checkCells(t, &fr, 3)
			checkProbes(t, r, it, fs, &fr)
		}
	})
}
