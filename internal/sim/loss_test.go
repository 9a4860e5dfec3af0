package sim

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/floats"
)

// randomProblem draws M memories in R^d and an affine map R^d → R^k.
func randomProblem(rng *rand.Rand, m, d, k int) (x, w, b []float64) {
	x = make([]float64, m*d)
	w = make([]float64, k*d)
	b = make([]float64, k)
	for _, s := range [][]float64{x, w, b} {
		for i := range s {
			s[i] = rng.NormFloat64()
		}
	}
	return x, w, b
}

// params packs (w, b) into one vector for finite differences.
func params(w, b []float64) []float64 { return append(append([]float64(nil), w...), b...) }

// TestPairsGradientFiniteDifference checks ∂L/∂W and ∂L/∂b of the pairs
// loss, which is a true gradient, against central differences.
func TestPairsGradientFiniteDifference(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	for _, c := range []struct {
		m, d, k int
		tau     float64
	}{
		{2, 2, 2, 1}, {4, 2, 2, 1}, {5, 2, 2, 0.1}, {7, 3, 4, 0.5}, {6, 5, 3, 0.05},
	} {
		x, w, b := randomProblem(rng, c.m, c.d, c.k)
		lw := newLossWork(c.m, c.d, c.k)
		gw, gb := make([]float64, len(w)), make([]float64, len(b))
		lw.lossAndGrad(LossPairs, c.tau, x, w, b, gw, gb)
		f := func(p []float64) float64 {
			return newLossWork(c.m, c.d, c.k).lossAndGrad(LossPairs, c.tau, x, p[:len(w)], p[len(w):], nil, nil)
		}
		want := fd.Gradient(nil, f, params(w, b), &fd.Settings{Formula: fd.Central, Step: 1e-6})
		got := params(gw, gb)
		if !floats.EqualApprox(got, want, 1e-7) {
			t.Errorf("%+v: gradient %v, finite differences %v", c, got, want)
		}
	}
}

// paperSurrogate is the authors' loss with the second vector of every pair
// taken from the frozen features u0 (torch's detach): its gradient at the
// point where u = u0 is what the paper form's backward pass computes.
func paperSurrogate(m, d, k int, tau float64, x, w, b, u0 []float64) float64 {
	lw := newLossWork(m, d, k)
	lw.features(x, w, b)
	sum := float64(m*(m+1)) / 2
	for mu := range m {
		for nu := mu + 1; nu < m; nu++ {
			sum += math.Exp(dot(lw.u[mu*k:mu*k+k], u0[nu*k:nu*k+k]) / tau)
		}
	}
	return math.Log(sum/(float64(m*(m-1))/2)) / float64(m)
}

// TestPaperGradientFiniteDifference checks the paper form's stop-gradient
// against finite differences of the detached surrogate, and its value against
// a direct evaluation of SCIENCE §6.2.
func TestPaperGradientFiniteDifference(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	for _, c := range []struct {
		m, d, k int
		tau     float64
	}{
		{2, 2, 2, 1}, {4, 2, 2, 1}, {5, 3, 2, 0.1}, {8, 4, 6, 0.3},
	} {
		x, w, b := randomProblem(rng, c.m, c.d, c.k)
		lw := newLossWork(c.m, c.d, c.k)
		gw, gb := make([]float64, len(w)), make([]float64, len(b))
		loss := lw.lossAndGrad(LossPaper, c.tau, x, w, b, gw, gb)
		u0 := append([]float64(nil), lw.u...)
		if direct := paperSurrogate(c.m, c.d, c.k, c.tau, x, w, b, u0); math.Abs(loss-direct) > 1e-13 {
			t.Errorf("%+v: loss %v, direct evaluation %v", c, loss, direct)
		}
		f := func(p []float64) float64 {
			return paperSurrogate(c.m, c.d, c.k, c.tau, x, p[:len(w)], p[len(w):], u0)
		}
		want := fd.Gradient(nil, f, params(w, b), &fd.Settings{Formula: fd.Central, Step: 1e-6})
		if got := params(gw, gb); !floats.EqualApprox(got, want, 1e-7) {
			t.Errorf("%+v: gradient %v, finite differences %v", c, got, want)
		}
		// The stop-gradient matters: the paper direction is not the true gradient.
		full := fd.Gradient(nil, func(p []float64) float64 {
			return newLossWork(c.m, c.d, c.k).lossAndGrad(LossPaper, c.tau, x, p[:len(w)], p[len(w):], nil, nil)
		}, params(w, b), &fd.Settings{Formula: fd.Central, Step: 1e-6})
		if floats.EqualApprox(params(gw, gb), full, 1e-4) {
			t.Errorf("%+v: paper gradient equals the full gradient; the detach is missing", c)
		}
	}
}

// TestPairsLossValue checks L_pairs on the regular M-gon against its closed
// form (1/M)·log((2/(M(M−1)))·Σ_{μ<ν} exp(cos(2π(ν−μ)/M)/τ)), and that the
// regular M-gon is a stationary point of the pairs loss for the identity map.
func TestPairsLossValue(t *testing.T) {
	for _, m := range []int{2, 3, 5, 8} {
		x := make([]float64, 2*m)
		for i := range m {
			x[2*i], x[2*i+1] = math.Cos(2*math.Pi*float64(i)/float64(m)), math.Sin(2*math.Pi*float64(i)/float64(m))
		}
		const tau = 0.5
		sum := 0.0
		for mu := range m {
			for nu := mu + 1; nu < m; nu++ {
				sum += math.Exp(math.Cos(2*math.Pi*float64(nu-mu)/float64(m)) / tau)
			}
		}
		want := math.Log(sum/(float64(m*(m-1))/2)) / float64(m)
		gw, gb := make([]float64, 4), make([]float64, 2)
		got := newLossWork(m, 2, 2).lossAndGrad(LossPairs, tau, x, []float64{1, 0, 0, 1}, []float64{0, 0}, gw, gb)
		if math.Abs(got-want) > 1e-14 {
			t.Errorf("M=%d: loss %v, want %v", m, got, want)
		}
		if n := floats.Norm(params(gw, gb), 2); n > 1e-14 {
			t.Errorf("M=%d: gradient norm %g at the regular M-gon, want 0", m, n)
		}
	}
}

// TestLossLargeScores checks that a tiny τ does not overflow.
func TestLossLargeScores(t *testing.T) {
	x := []float64{1, 0, 0.999, 0.0447, -1, 0}
	for _, form := range []LossForm{LossPairs, LossPaper} {
		gw, gb := make([]float64, 4), make([]float64, 2)
		l := newLossWork(3, 2, 2).lossAndGrad(form, 1e-4, x, []float64{1, 0, 0, 1}, []float64{0, 0}, gw, gb)
		if math.IsNaN(l) || math.IsInf(l, 0) || math.IsNaN(floats.Sum(gw)) {
			t.Errorf("form %d: loss %v, gradient %v", form, l, gw)
		}
	}
}
