package sim

import (
	"errors"
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

// exactNorm returns ‖v‖ computed in 256-bit arithmetic, rounded to float64.
func exactNorm(v []float64) float64 {
	s := new(big.Float).SetPrec(256)
	for _, x := range v {
		y := new(big.Float).SetPrec(256).SetFloat64(x)
		s.Add(s, y.Mul(y, y))
	}
	f, _ := s.Sqrt(s).Float64()
	return f
}

// TestNorm checks norm against the exact norm over vectors whose entries
// span the whole float64 range, and that its fast path is the plain √Σ v²
// bit for bit wherever that sum is a normal finite number.
func TestNorm(t *testing.T) {
	rng := rand.New(rand.NewPCG(51, 52))
	for trial := range 20000 {
		d := 1 + rng.IntN(6)
		v := make([]float64, d)
		e := rng.IntN(2100) - 1075 // a common exponent, so that entries interact
		for j := range v {
			if rng.IntN(5) == 0 {
				continue // exact zeros
			}
			v[j] = math.Ldexp(rng.NormFloat64(), e+rng.IntN(9)-4)
		}
		got, want := norm(v), exactNorm(v)
		if !(math.Abs(got-want) <= max(4e-16*want, 1e-323)) && !(math.IsInf(got, 1) && math.IsInf(want, 1)) {
			t.Fatalf("trial %d: norm(%v) = %v, exact %v", trial, v, got, want)
		}
		s := 0.0
		for _, x := range v {
			s += float64(x * x) // as norm rounds it
		}
		if s >= minNormal && s <= math.MaxFloat64 && got != math.Sqrt(s) {
			t.Fatalf("norm(%v) = %v, the plain formula gives %v", v, got, math.Sqrt(s))
		}
	}
	for _, c := range []struct {
		v    []float64
		want float64
	}{
		{[]float64{3e-162, 0}, 3e-162},
		{[]float64{0, -5e-324}, 5e-324},
		{[]float64{3e200, 4e200}, 5e200},
		{[]float64{math.MaxFloat64, math.MaxFloat64}, math.Inf(1)},
		{[]float64{0, 0, 0}, 0},
		{[]float64{1, math.Inf(-1)}, math.Inf(1)},
	} {
		if got := norm(c.v); got != c.want && !(math.Abs(got-c.want) <= 0x1p-52*c.want) {
			t.Errorf("norm(%v) = %v, want %v", c.v, got, c.want)
		}
	}
	if got := norm([]float64{1, math.NaN()}); !math.IsNaN(got) {
		t.Errorf("norm with a NaN = %v, want NaN", got)
	}
}

// TestNormalizeExtremeMemories checks that any non-zero memory becomes a
// unit vector, however tiny or huge its entries (issue 8 §2): the plain
// √Σ ξ² underflowed for 3e-162 (memory 0 became 0.954) and for 1e-170
// (refused as the zero vector).
func TestNormalizeExtremeMemories(t *testing.T) {
	h := math.Sqrt(0.5)
	cases := []struct {
		mem  []float64
		want []float64
		ulps float64
	}{
		{[]float64{3e-162, 0}, []float64{1, 0}, 0},
		{[]float64{-5e-324, 0}, []float64{-1, 0}, 0},
		{[]float64{1e-170, 1e-170}, []float64{h, h}, 1},
		{[]float64{1e-300, -2e-300}, []float64{1 / math.Sqrt(5), -2 / math.Sqrt(5)}, 2},
		{[]float64{1e200, 1e200}, []float64{h, h}, 1},
		{[]float64{math.MaxFloat64, -math.MaxFloat64}, []float64{h, -h}, 1},
		{[]float64{3, 4}, []float64{0.6, 0.8}, 0},
	}
	for _, c := range cases {
		r, err := New(Settings{Memories: [][]float64{c.mem, {0, 1}, {-1, 0}}, NormalizeMemories: true,
			UHop: UHopSettings{Optimizer: Adam, LR: 0.1, Tau: 1}})
		if err != nil {
			t.Errorf("memory %v: %v", c.mem, err)
			continue
		}
		x := r.Memories()
		for j, want := range c.want {
			if math.Abs(x[j]-want) > c.ulps*0x1p-52*math.Abs(want) {
				t.Errorf("memory %v normalised to %v, want %v", c.mem, x[:2], c.want)
				break
			}
		}
	}
}

// TestZeroMemoryMessage checks that the zero vector is refused with a
// message that names it, and that a memory with any non-zero entry is not.
func TestZeroMemoryMessage(t *testing.T) {
	mem := [][]float64{{1, 0}, {0, 1}, {-1, 0}, {0, -0.0}, {1, 1}}
	_, err := New(Settings{Memories: mem, NormalizeMemories: true, UHop: UHopSettings{Optimizer: Adam, LR: 0.1, Tau: 1}})
	var fe *FieldError
	if !errors.As(err, &fe) || fe.Field != "memories[3]" ||
		err.Error() != "sim: memories[3]: memory 3 is the zero vector, which cannot be normalised to unit length" {
		t.Errorf("error %v", err)
	}
	mem[3] = []float64{0, 1e-320}
	if _, err := New(Settings{Memories: mem, NormalizeMemories: true, UHop: UHopSettings{Optimizer: Adam, LR: 0.1, Tau: 1}}); err != nil {
		t.Errorf("a subnormal memory was refused: %v", err)
	}
}

// TestFeaturesHuge checks that features whose squares overflow are still
// normalised to unit vectors, as F.normalize would in exact arithmetic: the
// plain norm was +Inf and every u_μ became 0.
func TestFeaturesHuge(t *testing.T) {
	x := []float64{1, 0, 0, 1, 0.6, 0.8}
	for _, scale := range []float64{1e160, 1e300, math.MaxFloat64 / 2} {
		lw := newLossWork(3, 2, 2)
		lw.features(x, []float64{scale, 0, 0, scale}, []float64{0, 0})
		for mu := range 3 {
			u := lw.u[2*mu : 2*mu+2]
			for r, want := range x[2*mu : 2*mu+2] {
				if math.Abs(u[r]-want) > 1e-15 {
					t.Errorf("W = %g·I: u_%d = %v, want %v", scale, mu, u, x[2*mu:2*mu+2])
				}
			}
		}
	}
	// ‖f‖ beyond the largest float64: u is still a unit vector, and the
	// gradient through the normalisation, (I − uuᵀ)g/‖f‖, is 0.
	big := 0.9 * math.MaxFloat64
	lw := newLossWork(2, 2, 2)
	gw, gb := make([]float64, 4), make([]float64, 2)
	loss := lw.lossAndGrad(LossPairs, 1, []float64{1, 0, 0, 1}, []float64{big, 0, big, 1}, []float64{0, 0}, gw, gb)
	if h := math.Sqrt(0.5); math.Abs(lw.u[0]-h) > 2e-16 || math.Abs(lw.u[1]-h) > 2e-16 || !math.IsInf(lw.norm[0], 1) {
		t.Errorf("‖f‖ > MaxFloat64: u = %v, norm %v; want (√½, √½), +Inf", lw.u[:2], lw.norm[0])
	}
	if !finite(loss) || !allFinite(gw) || !allFinite(gb) {
		t.Errorf("‖f‖ > MaxFloat64: loss %v, gradient %v %v", loss, gw, gb)
	}
	// Tiny features keep F.normalize's floor: u = f/1e-12.
	lw = newLossWork(1, 2, 2)
	lw.features([]float64{1, 0}, []float64{1e-170, 0, 0, 1e-170}, []float64{0, 0})
	if lw.u[0] != 1e-170/normEps || lw.u[1] != 0 || lw.norm[0] != normEps {
		t.Errorf("tiny feature: u = %v, norm %v; want (1e-158, 0), 1e-12", lw.u, lw.norm[0])
	}
}

// TestGrowingMapKeepsMetrics follows the divergent run of issue 8 §1 while
// it is finite: W grows by a factor of about 1000 per step, and the
// normalised features, the loss and Δ_min stop changing. Before the norms
// were scaled, the features collapsed to 0 once ‖f‖² overflowed (near
// t = 52), and the metrics read loss 0, Δ_min 1 and 90°.
func TestGrowingMapKeepsMetrics(t *testing.T) {
	r := issueRun(t, 1000)
	for range 100 {
		r.Step()
	}
	ref := r.State(20)
	for it := 21; it <= 100; it++ {
		st := r.State(it)
		if math.Abs(st.Loss-ref.Loss) > 1e-12 || math.Abs(st.DeltaMin-ref.DeltaMin) > 1e-12 {
			t.Fatalf("t = %d: loss %v, Δmin %v; at t = 20 %v, %v", it, st.Loss, st.DeltaMin, ref.Loss, ref.DeltaMin)
		}
		u := r.Features(nil, it)
		for mu := range 3 {
			if n := math.Hypot(u[2*mu], u[2*mu+1]); math.Abs(n-1) > 1e-15 {
				t.Fatalf("t = %d: ‖u_%d‖ = %v", it, mu, n)
			}
		}
	}
}

// issueRun is the divergent scenario of issue 8 §1: three memories, an
// affine map from the identity, SGD with lr 1000 and the given momentum,
// τ = 1 and the pairs loss.
func issueRun(t testing.TB, momentum float64) *Run {
	t.Helper()
	r, err := New(Settings{Memories: [][]float64{{1, 0}, {0.9, 0.3}, {0.8, -0.4}}, NormalizeMemories: true,
		FeatureMap: FeatureMapSettings{Affine: true},
		UHop:       UHopSettings{Optimizer: SGD, LR: 1000, Momentum: momentum, Tau: 1}})
	if err != nil {
		t.Fatal(err)
	}
	return r
}
