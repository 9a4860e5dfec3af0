package separation

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/floats"
)

func mustEntmax(t testing.TB, alpha float64) Map {
	t.Helper()
	m, err := Entmax(alpha)
	if err != nil {
		t.Fatalf("Entmax(%v): %v", alpha, err)
	}
	return m
}

// testMaps returns the four kinds, with bisection at several α ≤ 3,
// including the specialised exponents (α = 1.5, 2, 3) and generic ones.
func testMaps(t testing.TB) []Map {
	return []Map{
		Softmax(), Sparsemax(), Entmax15(),
		mustEntmax(t, 1.1), mustEntmax(t, 1.3), mustEntmax(t, 1.5),
		mustEntmax(t, 2), mustEntmax(t, 3),
	}
}

// steepMaps are bisection maps with large α. There p_j = t_j^{1/(α−1)} is
// only Hölder continuous at the edge of the support, so an entry whose exact
// value is below about ε^{1/(α−1)} (2e-3 at α = 7, 0.09 at α = 16) can come
// out anywhere in [0, ε^{1/(α−1)}]: p is exact only for scores perturbed by
// a few ulps. Tests that compare p directly use testMaps only.
func steepMaps(t testing.TB) []Map {
	return []Map{mustEntmax(t, 5), mustEntmax(t, 7), mustEntmax(t, MaxAlpha)}
}

func allMaps(t testing.TB) []Map { return append(testMaps(t), steepMaps(t)...) }

// uniformEntropy is H_α(uniform_n) = (1 − n^{1−α})/(α(α−1)), log n for α = 1.
func uniformEntropy(alpha float64, n int) float64 {
	if alpha == 1 {
		return math.Log(float64(n))
	}
	return (1 - math.Pow(float64(n), 1-alpha)) / (alpha * (alpha - 1))
}

func dot(a, b []float64) float64 {
	var s float64
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

func maxAbsDiff(a, b []float64) float64 {
	var d float64
	for i := range a {
		d = math.Max(d, math.Abs(a[i]-b[i]))
	}
	return d
}

// checkSimplex reports a problem with p, or "" if p ≥ 0 and |Σp − 1| ≤ tol.
func checkSimplex(p []float64, tol float64) string {
	var s float64
	for j, v := range p {
		if !(v >= 0) { // also catches NaN
			return fmt.Sprintf("p[%d] = %v < 0", j, v)
		}
		s += v
	}
	if math.Abs(s-1) > tol {
		return fmt.Sprintf("Σp = %.17g, want 1 ± %g", s, tol)
	}
	return ""
}

// randScores returns n scores uniform in [−scale, scale], some of them tied
// when ties is set.
func randScores(rng *rand.Rand, n int, scale float64, ties bool) []float64 {
	z := make([]float64, n)
	for i := range z {
		z[i] = scale * (2*rng.Float64() - 1)
		if ties && i > 0 && rng.IntN(3) == 0 {
			z[i] = z[rng.IntN(i)]
		}
	}
	return z
}

// randSimplex returns a random point of the simplex, with some exact zeros.
func randSimplex(rng *rand.Rand, n int) []float64 {
	q := make([]float64, n)
	var s float64
	for i := range q {
		if rng.IntN(4) != 0 || i == 0 {
			q[i] = rng.ExpFloat64()
		}
		s += q[i]
	}
	for i := range q {
		q[i] /= s
	}
	return q
}

// sizes are the vector lengths of the random tests: 1..20, plus lengths
// above insertionMax for the slices.Sort path.
var sizes = []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 33, 64, 512}

var scales = []float64{0.1, 0.5, 1, 3, 10, 50}

func TestAnalytic(t *testing.T) {
	s7 := math.Sqrt(7)
	cases := []struct {
		name    string
		maps    []Map // the exact map and its bisection twin
		z       []float64
		wantP   []float64
		wantPsi float64
	}{
		// Σ exp = 1 + 2 = 3.
		{"softmax (0, log 2)", []Map{Softmax()}, []float64{0, math.Ln2}, []float64{1.0 / 3, 2.0 / 3}, math.Log(3)},
		// τ = (0.5 + 0 − 1)/2 = −0.25; Ψ* = 0.375 − ½(0.5625 + 0.0625) + ½.
		{"sparsemax (0.5, 0)", []Map{Sparsemax(), mustEntmax(t, 2)}, []float64{0.5, 0}, []float64{0.75, 0.25}, 0.5625},
		{"sparsemax (1, 0)", []Map{Sparsemax(), mustEntmax(t, 2)}, []float64{1, 0}, []float64{1, 0}, 1},
		{"sparsemax (3, 1, 0)", []Map{Sparsemax(), mustEntmax(t, 2)}, []float64{3, 1, 0}, []float64{1, 0, 0}, 3},
		{"sparsemax ties (1, 1, 0)", []Map{Sparsemax(), mustEntmax(t, 2)}, []float64{1, 1, 0}, []float64{0.5, 0.5, 0}, 1 + 0.25},
		// Ψ* = H_1.5(½, ½) = (1 − 2·2^{−3/2})/0.75.
		{"entmax15 (0, 0)", []Map{Entmax15(), mustEntmax(t, 1.5)}, []float64{0, 0}, []float64{0.5, 0.5}, (1 - math.Sqrt(0.5)) / 0.75},
		// y = (½, 0), both in the support: (½ − τ)² + τ² = 1 ⇒ 2τ² − τ − ¾ = 0
		// ⇒ τ = (1 − √7)/4, p = ((1 + √7)²/16, (√7 − 1)²/16) = ((4 + √7)/8, (4 − √7)/8);
		// Σ p^{1.5} = ((1 + √7)³ + (√7 − 1)³)/64 = 20√7/64 = 5√7/16.
		{"entmax15 (1, 0)", []Map{Entmax15(), mustEntmax(t, 1.5)}, []float64{1, 0}, []float64{(4 + s7) / 8, (4 - s7) / 8}, (4+s7)/8 + (1-5*s7/16)/0.75},
		// y = (1.5, 0.5, 0) − 1.5: both others at y ≤ −1, outside the support.
		{"entmax15 (3, 1, 0)", []Map{Entmax15(), mustEntmax(t, 1.5)}, []float64{3, 1, 0}, []float64{1, 0, 0}, 3},
		// Large scores: softmax p = (e, 1, 0)/(1 + e), Ψ* = 1e6 + log(1 + e⁻¹).
		{"softmax huge", []Map{Softmax()}, []float64{1e6, 1e6 - 1, -1e6}, []float64{math.E / (1 + math.E), 1 / (1 + math.E), 0}, 1e6 + math.Log1p(1/math.E)},
		{"sparsemax huge", []Map{Sparsemax(), mustEntmax(t, 2)}, []float64{-1e6 + 0.5, -1e6, 1e-300}, []float64{0, 0, 1}, 1e-300},
		{"entmax15 extremes", []Map{Entmax15(), mustEntmax(t, 1.5)}, []float64{math.MaxFloat64, -math.MaxFloat64, 0}, []float64{1, 0, 0}, math.MaxFloat64},
	}
	for _, c := range cases {
		for _, m := range c.maps {
			p := make([]float64, len(c.z))
			psi := m.SepPsi(p, c.z, NewWorkspace(len(c.z)))
			if d := maxAbsDiff(p, c.wantP); d > 1e-14 {
				t.Errorf("%s, %s: p = %v, want %v", c.name, m.Name(), p, c.wantP)
			}
			if math.Abs(psi-c.wantPsi) > 1e-14*math.Max(1, math.Abs(c.wantPsi)) {
				t.Errorf("%s, %s: Ψ* = %.17g, want %.17g", c.name, m.Name(), psi, c.wantPsi)
			}
		}
	}
}

// TestBisectReference compares bisection maps with references computed in
// 60-digit arithmetic (mpmath: 400 halvings of f(τ) = Σ[y − τ]_+^{1/(α−1)} − 1
// on the exact binary values of z, then Ψ* = ⟨p, z⟩ + H_α(p)). The steep
// cases have support entries with t_j = y_j − τ far below the spacing of
// float64 near τ (t = 1.4e-18 for the 0.00106 at α = 7, t ≈ 6e-32 for the
// 0.0083 at α = 16), which no float64 τ resolves, so p is only checked to
// ε^{1/(α−1)}; Ψ*, evaluated from the dual, is still exact to rounding.
func TestBisectReference(t *testing.T) {
	cases := []struct {
		alpha   float64
		z       []float64
		wantP   []float64
		wantPsi float64
		pTol    float64
	}{
		{1.3, []float64{2, 1, 0.5, -1}, []float64{0.731571567414923, 0.1930209524184923, 0.07540722716426387, 2.5300232085127897e-07}, 2.1588568202818736, 1e-14},
		{3, []float64{1, 0.5, 0, -2}, []float64{1, 0, 0, 0}, 1, 1e-15},
		{5, []float64{0.3, -0.1, 0.25, 0.05, -0.4}, []float64{0.6775947287941151, 0, 0.32240527120588497, 0, 0}, 0.32656355934881337, 1e-13},
		{7, []float64{20, 14.142135623730951, 0, -14.142135623730951}, []float64{1, 0, 0, 0}, 20, 1e-15},
		{7, []float64{0.13326797093402265, 0.2988781276771709, -0.2007372031012129, 0.047232920388776356},
			[]float64{0.0010593113155026364, 0.9989406886844974, 0, 0}, 0.29887868676938767, 3e-3},
		{16, []float64{-0.039582665162865176, -0.06697559275432988, -0.03418262465649107, 0.011504608003906826, -0.03418262465649107, -0.03418262465649107},
			[]float64{0, 0, 0.008292577340361113, 0.9751222679789167, 0.008292577340361113, 0.008292577340361113}, 0.01175026506907025, 0.3},
		{16, []float64{0.07702676439049172, 0.05293503114146583, 0.05293503114146583, 0.04726445905438077, 0.05293503114146583},
			[]float64{0.9343952463257417, 0.021868251224752774, 0.021868251224752774, 0, 0.021868251224752774}, 0.07820594876779276, 0.3},
	}
	for _, c := range cases {
		m := mustEntmax(t, c.alpha)
		p := make([]float64, len(c.z))
		psi := m.SepPsi(p, c.z, NewWorkspace(len(c.z)))
		if d := maxAbsDiff(p, c.wantP); d > c.pTol {
			t.Errorf("%s, z = %v: p = %v, want %v (|Δ| = %g > %g)", m.Name(), c.z, p, c.wantP, d, c.pTol)
		}
		if d := math.Abs(psi - c.wantPsi); d > 4e-16*math.Max(1, math.Abs(c.wantPsi)) {
			t.Errorf("%s, z = %v: Ψ* = %.17g, want %.17g (|Δ| = %g)", m.Name(), c.z, psi, c.wantPsi, d)
		}
	}
}

func TestSingleEntry(t *testing.T) {
	// n = 1: p = (1) and Ψ*(c) = c + H(1) = c.
	ws := NewWorkspace(1)
	for _, m := range allMaps(t) {
		for _, c := range []float64{-3, 0, 7.5, 1e6, -1e300} {
			p := []float64{0.5}
			psi := m.SepPsi(p, []float64{c}, ws)
			if p[0] != 1 || math.Abs(psi-c) > 1e-15*math.Max(1, math.Abs(c)) {
				t.Errorf("%s: z = (%v): p = %v, Ψ* = %v, want (1), %v", m.Name(), c, p, psi, c)
			}
		}
	}
}

func TestAllEqual(t *testing.T) {
	// z = c·1: p uniform, Ψ* = c + H_α(uniform) = c + (1 − n^{1−α})/(α(α−1)).
	for _, m := range allMaps(t) {
		for _, n := range []int{1, 2, 3, 5, 8, 100} {
			for _, c := range []float64{0, -2.5, 40, 1e6} {
				z := make([]float64, n)
				for i := range z {
					z[i] = c
				}
				p := make([]float64, n)
				psi := m.SepPsi(p, z, NewWorkspace(n))
				for j, v := range p {
					if math.Abs(v-1/float64(n)) > 1e-15 {
						t.Errorf("%s, n=%d, c=%v: p[%d] = %v, want 1/n", m.Name(), n, c, j, v)
					}
				}
				// H_α(p) = (1 − Σ p^α)/(α(α−1)) cancels ~ n·ε/(α(α−1)).
				hu := uniformEntropy(m.Alpha(), n)
				want := c + hu
				if math.Abs(psi-want) > 2e-15*math.Max(1, math.Abs(want)) {
					t.Errorf("%s, n=%d, c=%v: Ψ* = %.17g, want %.17g", m.Name(), n, c, psi, want)
				}
				if h := m.Entropy(p); math.Abs(h-hu) > 1e-13*hu {
					t.Errorf("%s, n=%d: H(uniform) = %.17g, want %.17g", m.Name(), n, h, uniformEntropy(m.Alpha(), n))
				}
			}
		}
	}
}

func TestSoftmaxPsiIsLogSumExp(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	m := Softmax()
	for _, n := range sizes {
		for _, scale := range scales {
			z := randScores(rng, n, scale, false)
			p := make([]float64, n)
			psi := m.SepPsi(p, z, NewWorkspace(n))
			if want := floats.LogSumExp(z); math.Abs(psi-want) > 1e-13*math.Max(1, math.Abs(want)) {
				t.Errorf("n=%d, scale=%v: Ψ* = %.17g, want logsumexp %.17g", n, scale, psi, want)
			}
		}
	}
}

func TestEntropy(t *testing.T) {
	cases := []struct {
		m    Map
		p    []float64
		want float64
	}{
		{Softmax(), []float64{1, 0, 0}, 0},
		{Softmax(), []float64{0.5, 0.5}, math.Ln2},
		{Softmax(), []float64{0.25, 0.75}, -0.25*math.Log(0.25) - 0.75*math.Log(0.75)},
		{Sparsemax(), []float64{0.5, 0.5}, 0.25},                 // (1 − ½)/2
		{Sparsemax(), []float64{0.75, 0.25, 0}, 0.1875},          // (1 − 0.625)/2
		{Entmax15(), []float64{0.25, 0.25, 0.25, 0.25}, 2.0 / 3}, // (1 − 4/8)/0.75
		{mustEntmax(t, 3), []float64{0.5, 0.5}, 0.125},           // (1 − ¼)/6
		{mustEntmax(t, 1.25), []float64{1, 0}, 0},
		{mustEntmax(t, 1.25), []float64{0.5, 0.5}, (1 - 2*math.Pow(0.5, 1.25)) / (1.25 * 0.25)},
	}
	for _, c := range cases {
		if got := c.m.Entropy(c.p); math.Abs(got-c.want) > 1e-15 {
			t.Errorf("%s.Entropy(%v) = %.17g, want %.17g", c.m.Name(), c.p, got, c.want)
		}
	}
}

func TestPowSpecialCases(t *testing.T) {
	// The multiplications used for α = 1.5, 2, 3 match math.Pow within 1e-15.
	rng := rand.New(rand.NewPCG(3, 4))
	for range 10000 {
		v := rng.Float64()
		for _, a := range []float64{1.5, 2, 3} {
			if got, want := powAlpha(v, a), math.Pow(v, a); math.Abs(got-want) > 1e-15 {
				t.Errorf("powAlpha(%v, %v) = %.17g, want %.17g", v, a, got, want)
			}
		}
		for _, c := range []struct {
			e  float64
			ek int
		}{{1, expOne}, {2, expTwo}, {0.5, expHalf}} {
			if got, want := powExp(v, c.e, c.ek), math.Pow(v, c.e); math.Abs(got-want) > 1e-15 {
				t.Errorf("powExp(%v, %v) = %.17g, want %.17g", v, c.e, got, want)
			}
		}
	}
}

// TestIdentities checks, over seeded random scores, that p is in the
// simplex, that Sep and SepPsi agree, that Ψ*(z) = ⟨p, z⟩ + H(p) and that
// max z ≤ Ψ*(z) ≤ max z + H(uniform).
func TestIdentities(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	steep := len(testMaps(t))
	for im, m := range allMaps(t) {
		for _, n := range sizes {
			ws := NewWorkspace(n)
			p, p2 := make([]float64, n), make([]float64, n)
			for _, scale := range scales {
				for trial := range 20 {
					z := randScores(rng, n, scale, trial%2 == 1)
					psi := m.SepPsi(p, z, ws)
					m.Sep(p2, z, ws)
					if msg := checkSimplex(p, 1e-12); msg != "" {
						t.Fatalf("%s, z = %v: %s", m.Name(), z, msg)
					}
					if !slices.Equal(p, p2) {
						t.Fatalf("%s, z = %v: Sep = %v, SepPsi = %v", m.Name(), z, p2, p)
					}
					// ⟨p,z⟩ + H(p) ≤ Ψ* always (Fenchel–Young); equality needs
					// an accurate p, which steep maps do not give at the edge of
					// the support (see steepMaps and TestSteepReference).
					primal := dot(p, z) + m.Entropy(p)
					if d := psi - primal; d < -1e-12*scale || (im < steep && d > 1e-12*scale) {
						t.Errorf("%s, z = %v: Ψ* = %.17g, ⟨p,z⟩ + H(p) = %.17g", m.Name(), z, psi, primal)
					}
					mz := floats.Max(z)
					if tol := 1e-13 * scale; !(mz-tol <= psi && psi <= mz+uniformEntropy(m.Alpha(), n)+tol) {
						t.Errorf("%s, z = %v: Ψ* = %v not in [max z, max z + H(uniform)]", m.Name(), z, psi)
					}
				}
			}
		}
	}
}

func TestShiftInvariance(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	steep := len(testMaps(t))
	for im, m := range allMaps(t) {
		for _, n := range sizes {
			ws := NewWorkspace(n)
			p, ps := make([]float64, n), make([]float64, n)
			zs := make([]float64, n)
			for _, scale := range scales {
				z := randScores(rng, n, scale, false)
				psi := m.SepPsi(p, z, ws)
				for _, c := range []float64{-100, 0.37, 1e3} {
					for i := range z {
						zs[i] = z[i] + c
					}
					psis := m.SepPsi(ps, zs, ws)
					// z + c is rounded to the spacing of float64 at |c|.
					tol := 1e-12 * math.Max(1, math.Abs(c))
					if d := maxAbsDiff(p, ps); d > tol && im < steep {
						t.Errorf("%s, n=%d, c=%v: |Sep(z+c) − Sep(z)| = %g", m.Name(), n, c, d)
					}
					if d := math.Abs(psis - (psi + c)); d > tol*math.Max(1, scale) {
						t.Errorf("%s, n=%d, c=%v: Ψ*(z+c) − Ψ*(z) − c = %g", m.Name(), n, c, d)
					}
				}
			}
		}
	}
}

// TestFenchelYoung checks that Ψ* is the maximum: ⟨q, z⟩ + H(q) ≤ Ψ*(z) for
// random q in the simplex, including the vertices.
func TestFenchelYoung(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for _, m := range allMaps(t) {
		for _, n := range sizes {
			ws := NewWorkspace(n)
			p := make([]float64, n)
			for _, scale := range scales {
				z := randScores(rng, n, scale, false)
				psi := m.SepPsi(p, z, ws)
				tol := 1e-12 * math.Max(1, scale)
				for range 20 {
					q := randSimplex(rng, n)
					if v := dot(q, z) + m.Entropy(q); v > psi+tol {
						t.Errorf("%s, z = %v, q = %v: ⟨q,z⟩ + H(q) = %.17g > Ψ* = %.17g", m.Name(), z, q, v, psi)
					}
				}
				if mz := floats.Max(z); mz > psi+tol { // vertex e_argmax
					t.Errorf("%s, z = %v: max z = %v > Ψ* = %v", m.Name(), z, mz, psi)
				}
			}
		}
	}
}

// TestGradient checks ∇Ψ* = Sep (Danskin) by central finite differences.
func TestGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	settings := &fd.Settings{Formula: fd.Central, Step: 1e-6}
	maps := []Map{Softmax(), Sparsemax(), Entmax15(), mustEntmax(t, 1.3), mustEntmax(t, 3), mustEntmax(t, 1.5), mustEntmax(t, 2)}
	for _, m := range maps {
		for _, n := range []int{1, 2, 3, 5, 8, 13, 20} {
			ws := NewWorkspace(n)
			p, scratch := make([]float64, n), make([]float64, n)
			psi := func(z []float64) float64 { return m.SepPsi(scratch, z, ws) }
			for _, scale := range scales {
				z := randScores(rng, n, scale, false)
				m.Sep(p, z, ws)
				g := fd.Gradient(nil, psi, z, settings)
				if d := maxAbsDiff(g, p); d > 1e-6 {
					t.Errorf("%s, z = %v: |∇Ψ* − Sep| = %g\n∇Ψ* = %v\nSep  = %v", m.Name(), z, d, g, p)
				}
			}
		}
	}
}

// TestExactMatchesBisection compares the sort-based sparsemax and 1.5-entmax
// with bisection at the same α.
func TestExactMatchesBisection(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	pairs := [][2]Map{{Sparsemax(), mustEntmax(t, 2)}, {Entmax15(), mustEntmax(t, 1.5)}}
	for _, pair := range pairs {
		exact, bis := pair[0], pair[1]
		for _, n := range sizes {
			ws := NewWorkspace(n)
			pe, pb := make([]float64, n), make([]float64, n)
			for _, scale := range scales {
				for trial := range 20 {
					z := randScores(rng, n, scale, trial%2 == 1)
					psiE := exact.SepPsi(pe, z, ws)
					psiB := bis.SepPsi(pb, z, ws)
					if d := maxAbsDiff(pe, pb); d > 1e-9 {
						t.Errorf("n=%d, z = %v: |%s − %s| = %g", n, z, exact.Name(), bis.Name(), d)
					}
					if d := math.Abs(psiE - psiB); d > 1e-9 {
						t.Errorf("n=%d, z = %v: Ψ* %s − %s = %g", n, z, exact.Name(), bis.Name(), d)
					}
					for j := range pe { // same support, exact zeros included
						if (pe[j] == 0) != (pb[j] == 0) && math.Max(pe[j], pb[j]) > 1e-9 {
							t.Errorf("n=%d, z = %v: supports differ at %d: %v vs %v", n, z, j, pe[j], pb[j])
						}
					}
				}
			}
		}
	}
}

func TestSortDesc(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 16))
	for n := range 100 {
		for _, ties := range []bool{false, true} {
			c := randScores(rng, n, 1, ties)
			want := slices.Clone(c)
			slices.Sort(want)
			slices.Reverse(want)
			sortDesc(c)
			if !slices.Equal(c, want) {
				t.Errorf("n=%d: sortDesc = %v, want %v", n, c, want)
			}
		}
	}
}

func TestParseName(t *testing.T) {
	cases := []struct {
		m         Map
		name      string
		alpha     float64
		isSoftmax bool
	}{
		{Softmax(), "softmax", 1, true},
		{Entmax15(), "entmax15", 1.5, false},
		{Sparsemax(), "sparsemax", 2, false},
		{mustEntmax(t, 1.25), "entmax:1.25", 1.25, false},
		{mustEntmax(t, 1.5), "entmax:1.5", 1.5, false},
		{mustEntmax(t, 2), "entmax:2", 2, false},
		{mustEntmax(t, 3), "entmax:3", 3, false},
		{mustEntmax(t, MaxAlpha), "entmax:16", 16, false},
		{mustEntmax(t, 1.3000000000000003), "entmax:1.3000000000000003", 1.3000000000000003, false},
		{mustEntmax(t, MinAlpha), "entmax:1.001", MinAlpha, false},
	}
	for _, c := range cases {
		if got := c.m.Name(); got != c.name {
			t.Errorf("Name() = %q, want %q", got, c.name)
		}
		if got := c.m.Alpha(); got != c.alpha {
			t.Errorf("%s: Alpha() = %v, want %v", c.name, got, c.alpha)
		}
		if got := c.m.IsSoftmax(); got != c.isSoftmax {
			t.Errorf("%s: IsSoftmax() = %v, want %v", c.name, got, c.isSoftmax)
		}
		back, err := Parse(c.name)
		if err != nil || back != c.m {
			t.Errorf("Parse(%q) = %+v, %v, want %+v, nil", c.name, back, err, c.m)
		}
	}
	if Entmax15() == mustEntmax(t, 1.5) || Sparsemax() == mustEntmax(t, 2) {
		t.Error("exact and bisection maps compare equal")
	}
	// Other spellings of α parse to the same map and name.
	for _, s := range []string{"entmax:1.250", "entmax:125e-2", "entmax:+1.25"} {
		if m, err := Parse(s); err != nil || m.Name() != "entmax:1.25" {
			t.Errorf("Parse(%q) = %v, %v, want entmax:1.25", s, m.Name(), err)
		}
	}
	if got := (Map{}).Name(); got != "invalid" {
		t.Errorf("zero Map Name() = %q, want invalid", got)
	}
}

func TestParseErrors(t *testing.T) {
	cases := []struct {
		name, want string
	}{
		{"", `separation: unknown map "": want softmax, entmax15, sparsemax or entmax:<alpha> with 1.001 <= alpha <= 16`},
		{"softmaxx", `separation: unknown map "softmaxx": want softmax, entmax15, sparsemax or entmax:<alpha> with 1.001 <= alpha <= 16`},
		{"Softmax", `separation: unknown map "Softmax": want softmax, entmax15, sparsemax or entmax:<alpha> with 1.001 <= alpha <= 16`},
		{"entmax", `separation: unknown map "entmax": want softmax, entmax15, sparsemax or entmax:<alpha> with 1.001 <= alpha <= 16`},
		{"entmax:", `separation: bad alpha in "entmax:": want entmax:<alpha> with alpha a finite number, 1.001 <= alpha <= 16`},
		{"entmax:abc", `separation: bad alpha in "entmax:abc": want entmax:<alpha> with alpha a finite number, 1.001 <= alpha <= 16`},
		{"entmax: 1.5", `separation: bad alpha in "entmax: 1.5": want entmax:<alpha> with alpha a finite number, 1.001 <= alpha <= 16`},
		{"entmax:NaN", `separation: bad alpha in "entmax:NaN": want entmax:<alpha> with alpha a finite number, 1.001 <= alpha <= 16`},
		{"entmax:inf", `separation: bad alpha in "entmax:inf": want entmax:<alpha> with alpha a finite number, 1.001 <= alpha <= 16`},
		{"entmax:1e400", `separation: bad alpha in "entmax:1e400": want entmax:<alpha> with alpha a finite number, 1.001 <= alpha <= 16`},
		{"entmax:1", `separation: alpha out of range in "entmax:1": want entmax:<alpha> with 1.001 <= alpha <= 16 (closer to 1, use softmax)`},
		{"entmax:0.5", `separation: alpha out of range in "entmax:0.5": want entmax:<alpha> with 1.001 <= alpha <= 16 (closer to 1, use softmax)`},
		{"entmax:-2", `separation: alpha out of range in "entmax:-2": want entmax:<alpha> with 1.001 <= alpha <= 16 (closer to 1, use softmax)`},
		{"entmax:16.000001", `separation: alpha out of range in "entmax:16.000001": want entmax:<alpha> with 1.001 <= alpha <= 16 (closer to 1, use softmax)`},
	}
	for _, c := range cases {
		m, err := Parse(c.name)
		if err == nil {
			t.Errorf("Parse(%q) = %s, want error", c.name, m.Name())
			continue
		}
		if err.Error() != c.want {
			t.Errorf("Parse(%q) error = %q, want %q", c.name, err, c.want)
		}
		if m != (Map{}) {
			t.Errorf("Parse(%q) returned %+v with the error, want the zero Map", c.name, m)
		}
	}
}

func TestEntmaxErrors(t *testing.T) {
	for _, a := range []float64{1, 0.5, 0, -2, math.NaN(), math.Inf(1), math.Inf(-1), math.Nextafter(MaxAlpha, 20)} {
		m, err := Entmax(a)
		if err == nil {
			t.Errorf("Entmax(%v) = %s, want error", a, m.Name())
			continue
		}
		if msg := err.Error(); !strings.HasPrefix(msg, "separation: entmax alpha ") || !strings.Contains(msg, "1.001 <= alpha <= 16") {
			t.Errorf("Entmax(%v) error = %q", a, msg)
		}
	}
}

func TestPanics(t *testing.T) {
	cases := []struct {
		name string
		f    func()
		want string
	}{
		{"zero Map", func() { Map{}.Sep(make([]float64, 2), make([]float64, 2), NewWorkspace(2)) }, "separation: zero Map; use a constructor"},
		{"zero Map entropy", func() { Map{}.Entropy([]float64{1}) }, "separation: zero Map; use a constructor"},
		{"empty", func() { Softmax().Sep(nil, nil, NewWorkspace(2)) }, "separation: empty score vector"},
		{"lengths", func() { Softmax().Sep(make([]float64, 3), make([]float64, 2), NewWorkspace(3)) }, "separation: len(p) != len(z)"},
		{"small workspace", func() { Sparsemax().Sep(make([]float64, 3), make([]float64, 3), NewWorkspace(2)) }, "separation: workspace too small"},
		{"nil workspace", func() { Softmax().SepPsi(make([]float64, 3), make([]float64, 3), nil) }, "separation: workspace too small"},
		{"negative workspace", func() { NewWorkspace(-1) }, "separation: negative workspace size"},
	}
	for _, c := range cases {
		func() {
			defer func() {
				if r := recover(); r != c.want {
					t.Errorf("%s: panic %v, want %q", c.name, r, c.want)
				}
			}()
			c.f()
		}()
	}
}

func TestNoAllocs(t *testing.T) {
	for _, m := range allMaps(t) {
		for _, n := range []int{8, 512} {
			z := randScores(rand.New(rand.NewPCG(17, 18)), n, 0.2, false) // all candidates: sorts all n
			p := make([]float64, n)
			ws := NewWorkspace(n)
			if a := testing.AllocsPerRun(50, func() { m.Sep(p, z, ws) }); a != 0 {
				t.Errorf("%s.Sep, n=%d: %v allocs/op, want 0", m.Name(), n, a)
			}
			if a := testing.AllocsPerRun(50, func() { sink = m.SepPsi(p, z, ws) }); a != 0 {
				t.Errorf("%s.SepPsi, n=%d: %v allocs/op, want 0", m.Name(), n, a)
			}
		}
	}
}

// checkContract reports a breach of the contract of SepPsi for z: on finite
// z, p in the simplex and max z ≤ Ψ* ≤ max z + H(uniform) up to rounding;
// on z with a ±Inf or NaN entry, p all NaN and Ψ* NaN. Sep must give the
// same p, bit for bit.
func checkContract(t *testing.T, m Map, z []float64) {
	t.Helper()
	n := len(z)
	ws := NewWorkspace(n)
	p, p2 := make([]float64, n), make([]float64, n)
	psi := m.SepPsi(p, z, ws)
	m.Sep(p2, z, ws)
	for i := range p {
		if math.Float64bits(p[i]) != math.Float64bits(p2[i]) {
			t.Fatalf("%s, z = %v: Sep = %v, SepPsi = %v", m.Name(), z, p2, p)
		}
	}
	if !allFinite(z) {
		for j, v := range p {
			if !math.IsNaN(v) {
				t.Fatalf("%s, z = %v: p[%d] = %v, want NaN for scores that are not finite", m.Name(), z, j, v)
			}
		}
		if !math.IsNaN(psi) {
			t.Fatalf("%s, z = %v: Ψ* = %v, want NaN for scores that are not finite", m.Name(), z, psi)
		}
		return
	}
	if msg := checkSimplex(p, 1e-12); msg != "" {
		t.Fatalf("%s, z = %v: %s", m.Name(), z, msg)
	}
	// Rounding: an ulp of max z, and the cancellation of order ε/(α−1) in
	// Ψ*(z − max z) for α > 1.
	mz := floats.Max(z)
	hi := mz + uniformEntropy(m.Alpha(), n)
	tol := 1e-14 * math.Max(1, math.Abs(mz))
	if a := m.Alpha(); a > 1 {
		tol += 1e-14 / (a - 1)
	}
	if math.IsNaN(psi) || math.IsInf(psi, 0) || psi < mz-tol || psi > hi+tol {
		t.Fatalf("%s, z = %v: Ψ* = %v, want finite in [%v, %v]", m.Name(), z, psi, mz, hi)
	}
}

// TestNonFiniteScores checks that a ±Inf or NaN anywhere in z, alone or
// with others, gives p all NaN and Ψ* = NaN for every map, short vectors
// and long ones (the slices.Sort path) alike, and that SepPair gives the
// same and leaves a finite partner alone. Before the maps were made total,
// entmax15 panicked here (index −1) and softmax returned a distribution
// for −Inf scores.
func TestNonFiniteScores(t *testing.T) {
	rng := rand.New(rand.NewPCG(41, 42))
	inf := math.Inf(1)
	for _, m := range allMaps(t) {
		for _, n := range []int{1, 2, 3, 5, 8, 40} {
			for _, bad := range []float64{math.NaN(), inf, -inf} {
				for _, at := range []int{0, n / 2, n - 1} {
					z := randScores(rng, n, 3, true)
					z[at] = bad
					checkContract(t, m, z)
					fin := randScores(rng, n, 3, false)
					checkPair(t, m, z, fin)
					checkPair(t, m, fin, z)
				}
				all := make([]float64, n)
				for i := range all {
					all[i] = bad
				}
				checkContract(t, m, all)
				checkPair(t, m, all, all)
			}
			mixed := randScores(rng, n, 1, false)
			mixed[0], mixed[n-1] = inf, math.NaN()
			checkContract(t, m, mixed)
		}
	}
}

// TestExtremeFiniteScores checks the contract on finite scores whose
// differences overflow, that tie at ±MaxFloat64, or that are subnormal.
func TestExtremeFiniteScores(t *testing.T) {
	big, tiny := math.MaxFloat64, math.SmallestNonzeroFloat64
	for _, m := range allMaps(t) {
		for _, z := range [][]float64{
			{big, -big},
			{-big, big, -big},
			{big, big, -big},
			{-big, -big, -big},
			{big, big, big, big},
			{1e308, -1e308, 0, 1e307},
			{-1e308, -1e308 + 1e292, -big},
			{tiny, -tiny, 0, 2 * tiny},
			{0, 0x1p-1022, -0x1p-1022, 0x1p-1074},
			{big, 0, -big, big * 0.5, -big * 0.5, 1, -1, 1e-300},
		} {
			checkContract(t, m, z)
			rev := slices.Clone(z)
			slices.Reverse(rev)
			checkPair(t, m, z, rev)
		}
	}
}

// FuzzSep drives arbitrary scores (huge, subnormal, tied, ±Inf and NaN)
// through every map: single (Sep, SepPsi) and paired (SepPair with the
// reversed vector, with a finite one and with one holding +Inf). It checks
// that nothing panics, the contract of checkContract, and that SepPair is
// Sep bit for bit.
func FuzzSep(f *testing.F) {
	f.Add(0.0, 0.0, 0.0, 0.0)
	f.Add(1.0, 0.0, -1.0, 0.5)
	f.Add(1e6, -1e6, 1e6-1, 3.0)
	f.Add(math.MaxFloat64, -math.MaxFloat64, 0.0, 1e-300)
	f.Add(-math.MaxFloat64, -math.MaxFloat64, -math.MaxFloat64, -math.MaxFloat64)
	f.Add(5e-324, -5e-324, 0.0, 1.0)
	f.Add(math.NaN(), 0.0, 1.0, 2.0)
	f.Add(0.0, math.NaN(), 1.0, 2.0)
	f.Add(1.0, 2.0, math.Inf(1), 0.0)
	f.Add(1.0, 2.0, 0.0, math.Inf(-1))
	f.Add(math.Inf(-1), math.Inf(-1), math.Inf(-1), math.Inf(-1))
	maps := allMaps(f)
	f.Fuzz(func(t *testing.T, a, b, c, d float64) {
		z := []float64{a, b, c, d}
		fin := []float64{0.5, -1, 3, 0}
		withInf := []float64{0, 1, 2, math.Inf(1)}
		for n := 1; n <= 4; n++ {
			z := z[:n]
			rev := slices.Clone(z)
			slices.Reverse(rev)
			for _, m := range maps {
				checkContract(t, m, z)
				checkPair(t, m, z, rev)
				checkPair(t, m, z, fin[:n])
				checkPair(t, m, withInf[4-n:], z)
			}
		}
	})
}

var sink float64

// benchScores are realistic visualiser scores: β = 20 times the cosines of a
// unit query at 10° with 8 unit memories at 0°, 45°, …, 315°.
func benchScores() []float64 {
	const beta = 20
	z := make([]float64, 8)
	for i := range z {
		z[i] = beta * math.Cos(float64(i)*math.Pi/4-10*math.Pi/180)
	}
	return z
}

func benchMaps(b *testing.B) []Map {
	return []Map{Softmax(), Entmax15(), Sparsemax(), mustEntmax(b, 1.3)}
}

func BenchmarkSep(b *testing.B) {
	z := benchScores()
	for _, m := range benchMaps(b) {
		b.Run(m.Name(), func(b *testing.B) {
			p := make([]float64, len(z))
			ws := NewWorkspace(len(z))
			for b.Loop() {
				m.Sep(p, z, ws)
			}
			sink = p[0]
		})
	}
}

func BenchmarkSepPsi(b *testing.B) {
	z := benchScores()
	for _, m := range benchMaps(b) {
		b.Run(m.Name(), func(b *testing.B) {
			p := make([]float64, len(z))
			ws := NewWorkspace(len(z))
			var s float64
			for b.Loop() {
				s += m.SepPsi(p, z, ws)
			}
			sink = s
		})
	}
}

// TestEntmaxNearOne: at z = 0 the conjugate is the entropy of the uniform
// distribution, Ψ*_α(0) = H_α(uniform) = −expm1((1−α) log n)/(α(α−1)). From
// MinAlpha on the bisection map keeps it to 1e-11 relative; below MinAlpha
// the constructors refuse α, since the formulas lose their digits there.
func TestEntmaxNearOne(t *testing.T) {
	for _, alpha := range []float64{MinAlpha, 1.002, 1.01, 1.1} {
		m := mustEntmax(t, alpha)
		for _, n := range []int{2, 3, 10, 100} {
			z, p := make([]float64, n), make([]float64, n)
			got := m.SepPsi(p, z, NewWorkspace(n))
			want := -math.Expm1((1-alpha)*math.Log(float64(n))) / (alpha * (alpha - 1))
			if rel := math.Abs(got-want) / want; rel > 1e-11 {
				t.Errorf("α = %v, n = %d: Ψ*(0) = %.17g, want %.17g (relative error %.2g)", alpha, n, got, want, rel)
			}
		}
	}
	for _, alpha := range []float64{math.Nextafter(1, 2), 1 + 1e-9, math.Nextafter(MinAlpha, 1)} {
		if _, err := Entmax(alpha); err == nil {
			t.Errorf("Entmax(%v) accepted, want an error below MinAlpha", alpha)
		}
		if _, err := Parse("entmax:" + strconv.FormatFloat(alpha, 'g', -1, 64)); err == nil {
			t.Errorf("Parse(entmax:%v) accepted", alpha)
		}
	}
}
