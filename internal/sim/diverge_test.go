package sim

import (
	"errors"
	"math"
	"testing"
)

// TestDivergence runs the divergent scenario of issue 8 §1 (SGD with lr
// 1000 and momentum 1000 or 10): the momentum buffer grows geometrically
// until W overflows. The run must diverge at a definite iteration without
// panicking, keep only the finite states before it, bit for bit those of
// the same run stopped earlier, and ignore further steps. Its last finite
// state renders.
func TestDivergence(t *testing.T) {
	for _, c := range []struct {
		momentum float64
		at       int
	}{{1000, 104}, {10, 307}} {
		r := issueRun(t, c.momentum)
		for range 400 {
			r.Step()
		}
		at, ok := r.Diverged()
		if !ok || at != c.at {
			t.Fatalf("momentum %g: Diverged() = %d, %v; want %d, true", c.momentum, at, ok, c.at)
		}
		if r.Iterations() != at-1 {
			t.Fatalf("momentum %g: Iterations() = %d, want %d", c.momentum, r.Iterations(), at-1)
		}
		r.Step()
		if again, ok := r.Diverged(); !ok || again != at || r.Iterations() != at-1 {
			t.Fatalf("momentum %g: a step after divergence moved the run: Diverged() = %d, %v, Iterations() = %d", c.momentum, again, ok, r.Iterations())
		}

		// The prefix is finite and is the run stopped one step earlier.
		short := issueRun(t, c.momentum)
		for range at - 1 {
			short.Step()
		}
		if _, ok := short.Diverged(); ok || short.Iterations() != at-1 {
			t.Fatalf("momentum %g: the run stopped at t = %d diverged", c.momentum, at-1)
		}
		for it := 0; it < at; it++ {
			st, want := r.State(it), short.State(it)
			values := append(append([]float64{st.Loss, st.DeltaMin, st.MinAngleDeg}, st.W...), st.B...)
			wantValues := append(append([]float64{want.Loss, want.DeltaMin, want.MinAngleDeg}, want.W...), want.B...)
			for i, v := range values {
				if !finite(v) || math.Float64bits(v) != math.Float64bits(wantValues[i]) {
					t.Fatalf("momentum %g, t = %d: value %d is %v, the shorter run has %v", c.momentum, it, i, v, wantValues[i])
				}
			}
		}
		// The next step from the last finite state is indeed not finite.
		short.Step()
		if d, ok := short.Diverged(); !ok || d != at {
			t.Errorf("momentum %g: the shorter run diverged at %d, %v", c.momentum, d, ok)
		}

		fs := standardFrameSettings(t)
		fs.Grid = GridSpec{NX: 16, NY: 16, Margin: 0.1}
		for _, space := range []Space{FeatureSpace, InputSpace} {
			fs.Space = space
			var f Frame
			if err := r.Render(&f, at-1, fs, Serial{}); err != nil {
				t.Errorf("momentum %g, %v view: rendering the last finite state: %v", c.momentum, space, err)
			}
			if err := r.Render(&f, at, fs, Serial{}); err == nil {
				t.Errorf("momentum %g: the diverged iteration %d was rendered", c.momentum, at)
			}
		}
		if _, err := r.Probe(at-1, fs, 0.5, 0.5); err != nil {
			t.Errorf("momentum %g: probing the last finite state: %v", c.momentum, err)
		}
	}
}

// TestNewDiverged checks that an initial state that is not finite, which
// only settings far beyond the API's limits can give, is refused with a
// *DivergedError at iteration 0.
func TestNewDiverged(t *testing.T) {
	cases := []struct {
		name string
		s    Settings
	}{
		{"features overflow", Settings{Memories: [][]float64{{1e10, 1e10}, {1, 0}},
			FeatureMap: FeatureMapSettings{W: [][]float64{{1e300, 1e300}, {0, 1}}},
			UHop:       UHopSettings{Optimizer: Adam, LR: 0.1, Tau: 1}}},
		{"one memory, features overflow", Settings{Memories: [][]float64{{1e10, 1e10}},
			FeatureMap: FeatureMapSettings{W: [][]float64{{1e300, 1e300}, {0, 1}}},
			UHop:       UHopSettings{Optimizer: Adam, LR: 0.1, Tau: 1}}},
		{"bias and features overflow", Settings{Memories: [][]float64{{1, 0}, {0, 1}},
			FeatureMap: FeatureMapSettings{Affine: true, W: [][]float64{{math.MaxFloat64, 0}, {0, 1}}, B: []float64{math.MaxFloat64, 0}},
			UHop:       UHopSettings{Optimizer: Adam, LR: 0.1, Tau: 1}}},
		{"the loss overflows", Settings{Memories: [][]float64{{1, 0}, {1, 0.1}, {0, 1}}, NormalizeMemories: true,
			UHop: UHopSettings{Optimizer: Adam, LR: 0.1, Tau: 1e-310}}},
	}
	for _, c := range cases {
		r, err := New(c.s)
		var de *DivergedError
		if !errors.As(err, &de) || de.Iteration != 0 || r != nil {
			t.Errorf("%s: New = %v, %v; want nil, *DivergedError at 0", c.name, r, err)
			continue
		}
		if want := "sim: the state at iteration 0 is not finite (W, b, the features or the loss overflowed)"; err.Error() != want {
			t.Errorf("%s: error %q, want %q", c.name, err, want)
		}
		if c.s.Check() != nil {
			t.Errorf("%s: Check refused the settings: %v", c.name, c.s.Check())
		}
	}
}
