package sim

import (
	"math"
	"testing"

	"hoplab/internal/sim/separation"
)

// TestProbeMatchesGrid checks that a probe at a grid point retrieves what
// the grid's cell says: the same energy at q₀, the same label and the same
// support of the last update, in both views, for every map, with paths of
// Steps+1 points.
func TestProbeMatchesGrid(t *testing.T) {
	mem := [][]float64{{1, 0.2}, {0.3, 1}, {-1, 0.1}, {0.2, -0.9}, {0.8, 0.7}}
	r, err := New(Settings{Memories: mem, NormalizeMemories: true,
		FeatureMap: FeatureMapSettings{Dim: 2, Affine: true, Init: InitRandom, Seed: 3},
		UHop:       UHopSettings{Optimizer: Adam, LR: 0.1, Tau: 1}})
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		r.Step()
	}
	for _, space := range []Space{FeatureSpace, InputSpace} {
		fs := FrameSettings{Space: space, Beta: 8, Steps: 4, Tolerance: 1e-2, SupportEps: 0.01,
			Separations: []separation.Map{mustMap(t, "softmax"), mustMap(t, "entmax15"), mustMap(t, "sparsemax"), mustMap(t, "entmax:1.3")},
			Grid:        GridSpec{NX: 9, NY: 7, Margin: 0.2}}
		var f Frame
		if err := r.Render(&f, 2, fs, Serial{}); err != nil {
			t.Fatal(err)
		}
		for i, y := range f.YS {
			for j, x := range f.XS {
				paths, err := r.Probe(2, fs, x, y)
				if err != nil {
					t.Fatal(err)
				}
				for pi, path := range paths {
					cell := i*len(f.XS) + j
					p := &f.Panels[pi]
					if path.Separation != p.Separation || len(path.Points) != fs.Steps+1 || len(path.Energy) != fs.Steps+1 || len(path.Support) != fs.Steps {
						t.Fatalf("%v %s: path shape %d points, %d energies, %d supports", space, p.Separation.Name(), len(path.Points), len(path.Energy), len(path.Support))
					}
					if path.Points[0] != [2]float64{x, y} {
						t.Errorf("%v %s: q₀ = %v, want (%g, %g)", space, p.Separation.Name(), path.Points[0], x, y)
					}
					if path.Energy[0] != p.Energy[cell] {
						t.Errorf("%v %s cell (%d,%d): energy %g, grid %g", space, p.Separation.Name(), i, j, path.Energy[0], p.Energy[cell])
					}
					if int32(path.Label) != p.Labels[cell] {
						t.Errorf("%v %s cell (%d,%d): label %d, grid %d", space, p.Separation.Name(), i, j, path.Label, p.Labels[cell])
					}
					if int32(path.Support[fs.Steps-1]) != p.Support[cell] {
						t.Errorf("%v %s cell (%d,%d): support %d, grid %d", space, p.Separation.Name(), i, j, path.Support[fs.Steps-1], p.Support[cell])
					}
				}
			}
		}
	}
}

// TestProbeAntipodal follows one softmax update by hand: two antipodal
// memories ±e₁ in the feature view, query (0.5, 0): q₁ = tanh(β·0.5)·e₁.
func TestProbeAntipodal(t *testing.T) {
	r, err := New(Settings{Memories: [][]float64{{1, 0}, {-1, 0}}, NormalizeMemories: true, UHop: UHopSettings{Optimizer: Adam, LR: 0.1, Tau: 1}})
	if err != nil {
		t.Fatal(err)
	}
	fs := FrameSettings{Space: FeatureSpace, Beta: 2, Steps: 1, Tolerance: 1e-3, Separations: []separation.Map{mustMap(t, "softmax")}}
	paths, err := r.Probe(0, fs, 0.5, 0)
	if err != nil {
		t.Fatal(err)
	}
	got := paths[0].Points[1]
	want := math.Tanh(2 * 0.5)
	if math.Abs(got[0]-want) > 1e-15 || got[1] != 0 {
		t.Errorf("q₁ = %v, want (%g, 0)", got, want)
	}
	// E(q) = ½‖q‖² − β⁻¹ log(e^{βq₁} + e^{−βq₁})
	if e, want := paths[0].Energy[0], 0.125-math.Log(2*math.Cosh(1))/2; math.Abs(e-want) > 1e-15 {
		t.Errorf("E(q₀) = %g, want %g", e, want)
	}
	if paths[0].Label != -1 {
		t.Errorf("label %d, want -1 (one step from the middle does not reach a memory)", paths[0].Label)
	}
	if _, err := r.Probe(0, fs, math.NaN(), 0); err == nil {
		t.Error("a NaN query was accepted")
	}
	if _, err := r.Probe(1, fs, 0, 0); err == nil {
		t.Error("an iteration beyond the run was accepted")
	}
}
