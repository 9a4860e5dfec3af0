package separation

import (
	"math"
	"math/rand/v2"
	"testing"
)

// checkPair reports a difference, bit for bit, between SepPair of (z0, z1)
// and Sep/SepPsi of each, for wantPsi false and true.
func checkPair(t *testing.T, m Map, z0, z1 []float64) {
	t.Helper()
	n := len(z0)
	ws0, ws1, ws := NewWorkspace(n), NewWorkspace(n), NewWorkspace(n)
	want0, want1 := make([]float64, n), make([]float64, n)
	got0, got1 := make([]float64, n), make([]float64, n)
	for _, wantPsi := range []bool{false, true} {
		wpsi0, wpsi1 := m.sep(want0, z0, ws, wantPsi), m.sep(want1, z1, ws, wantPsi)
		psi0, psi1 := m.SepPair(got0, z0, ws0, got1, z1, ws1, wantPsi)
		same := math.Float64bits(psi0) == math.Float64bits(wpsi0) && math.Float64bits(psi1) == math.Float64bits(wpsi1)
		for i := range n {
			same = same && math.Float64bits(got0[i]) == math.Float64bits(want0[i]) &&
				math.Float64bits(got1[i]) == math.Float64bits(want1[i])
		}
		if !same {
			t.Fatalf("%s, wantPsi %v, z0 = %v, z1 = %v:\nSepPair p0 = %v, p1 = %v, Ψ* = %v, %v\nSep     p0 = %v, p1 = %v, Ψ* = %v, %v",
				m.Name(), wantPsi, z0, z1, got0, got1, psi0, psi1, want0, want1, wpsi0, wpsi1)
		}
	}
}

// TestSepPairMatchesSep checks that SepPair returns exactly, bit for bit,
// what two Sep or SepPsi calls return, for every map, on random scores of
// lengths 1 to 40 (longer than insertion sort's limit), with ties, at
// scales from 1e-3 to 1e3 (softmax underflows to exact zeros at the top),
// and on extreme values.
func TestSepPairMatchesSep(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 32))
	for _, m := range allMaps(t) {
		for range 400 {
			n := 1 + rng.IntN(12)
			if rng.IntN(8) == 0 {
				n = 1 + rng.IntN(40)
			}
			scale := math.Pow(10, -3+6*rng.Float64())
			z0 := randScores(rng, n, scale, rng.IntN(2) == 0)
			z1 := randScores(rng, n, scale*math.Pow(10, rng.Float64()-0.5), rng.IntN(2) == 0)
			checkPair(t, m, z0, z1)
		}
		big := math.MaxFloat64
		for _, c := range [][2][]float64{
			{{0}, {-5}},
			{{1, 1, 1}, {0, -1, -2}},
			{{big, -big}, {-big, -big}},
			{{0, -700, -800, -1e300}, {0, -1, -1, -1}},
			{{5e-324, 0, -5e-324}, {1e-300, 2e-300, 3e-300}},
			{{0, -1, -2, -0.5}, {3, 3, 2.999999999999999, 1}},
		} {
			checkPair(t, m, c[0], c[1])
			checkPair(t, m, c[1], c[0])
		}
	}
}

func TestSepPairPanics(t *testing.T) {
	defer func() {
		if r, want := recover(), "separation: SepPair of vectors of different lengths"; r != want {
			t.Errorf("panic %v, want %q", r, want)
		}
	}()
	Softmax().SepPair(make([]float64, 2), make([]float64, 2), NewWorkspace(3), make([]float64, 3), make([]float64, 3), NewWorkspace(3), false)
}

func TestSepPairPanicsLikeSep(t *testing.T) {
	for _, m := range []Map{Softmax(), Sparsemax(), Entmax15(), {}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: SepPair with a small workspace did not panic", m.Name())
				}
			}()
			m.SepPair(make([]float64, 3), make([]float64, 3), NewWorkspace(3), make([]float64, 3), make([]float64, 3), NewWorkspace(2), false)
		}()
	}
}

func TestSepPairNoAllocs(t *testing.T) {
	for _, m := range allMaps(t) {
		for _, n := range []int{8, 512} {
			rng := rand.New(rand.NewPCG(17, 18))
			z0, z1 := randScores(rng, n, 0.2, false), randScores(rng, n, 0.2, false)
			p0, p1 := make([]float64, n), make([]float64, n)
			ws0, ws1 := NewWorkspace(n), NewWorkspace(n)
			if a := testing.AllocsPerRun(50, func() { sink, _ = m.SepPair(p0, z0, ws0, p1, z1, ws1, true) }); a != 0 {
				t.Errorf("%s.SepPair, n=%d: %v allocs/op, want 0", m.Name(), n, a)
			}
		}
	}
}

// BenchmarkSepPair is two vectors per op, to compare with twice BenchmarkSep.
func BenchmarkSepPair(b *testing.B) {
	z0 := benchScores()
	z1 := make([]float64, len(z0))
	for i, v := range z0 {
		z1[len(z1)-1-i] = v
	}
	for _, m := range benchMaps(b) {
		b.Run(m.Name(), func(b *testing.B) {
			p0, p1 := make([]float64, len(z0)), make([]float64, len(z0))
			ws0, ws1 := NewWorkspace(len(z0)), NewWorkspace(len(z0))
			for b.Loop() {
				m.SepPair(p0, z0, ws0, p1, z1, ws1, false)
			}
			sink = p0[0] + p1[0]
		})
	}
}
