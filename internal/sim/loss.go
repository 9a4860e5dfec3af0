package sim

import "math"

// normEps is the floor of ‖Φ(ξ)‖ when normalising features, as torch's
// F.normalize: u = f / max(‖f‖, 1e-12).
const normEps = 1e-12

// lossWork holds the buffers of one loss evaluation. All matrices are
// row-major: f, u, gu are M×D_Φ.
type lossWork struct {
	m, d, k int
	f, u    []float64 // features Φ(ξ_μ) and their normalised versions u_μ
	norm    []float64 // max(‖f_μ‖, normEps)
	gu, gf  []float64 // ∂L/∂u and ∂L/∂f
}

func newLossWork(m, d, k int) *lossWork {
	return &lossWork{
		m: m, d: d, k: k,
		f: make([]float64, m*k), u: make([]float64, m*k), norm: make([]float64, m),
		gu: make([]float64, m*k), gf: make([]float64, m*k),
	}
}

// features computes f_μ = W ξ_μ + b and u_μ = f_μ / max(‖f_μ‖, 1e-12) for the
// memories x (M×d), weights w (D_Φ×d) and bias b (D_Φ), as torch's
// F.normalize does, with ‖f_μ‖ taken without overflow or underflow (see
// norm.go): u_μ is a unit vector whenever ‖f_μ‖ ≥ 1e-12, even beyond
// math.MaxFloat64 (then lw.norm holds +Inf), and f_μ/1e-12 below. Where
// Σ_r f_μr² is a normal finite number, u_μ is the plain formula's, bit for
// bit. If f_μ is not finite, u_μ holds NaN.
func (lw *lossWork) features(x, w, b []float64) {
	m, d, k := lw.m, lw.d, lw.k
	for mu := range m {
		xr := x[mu*d : mu*d+d]
		fr := lw.f[mu*k : mu*k+k]
		n2 := 0.0
		for r := range k {
			s := b[r]
			wr := w[r*d : r*d+d]
			for j, xv := range xr {
				s += float64(wr[j] * xv)
			}
			fr[r] = s
			n2 += float64(s * s)
		}
		ur := lw.u[mu*k : mu*k+k]
		if !(n2 >= minNormal && n2 <= math.MaxFloat64) {
			lw.norm[mu] = normalizeFeature(ur, fr)
			continue
		}
		n := max(math.Sqrt(n2), normEps)
		lw.norm[mu] = n
		for r := range k {
			ur[r] = fr[r] / n
		}
	}
}

// normalizeFeature writes u = f / max(‖f‖, 1e-12) into u and returns
// max(‖f‖, 1e-12), for an f whose sum of squares is not a normal finite
// number: ‖f‖ is tiny (then it is below 1e-12), or the squares overflow.
func normalizeFeature(u, f []float64) float64 {
	n := max(scaledNorm(f), normEps)
	if n > math.MaxFloat64 || math.IsNaN(n) {
		// ‖f‖ exceeds the largest float64 (or f is not finite): only the
		// scaled quotient can be formed.
		unitScaled(u, f)
		return n
	}
	for r, v := range f {
		u[r] = v / n
	}
	return n
}

func dot(a, b []float64) float64 {
	s := 0.0
	for i, v := range a {
		s += float64(v * b[i])
	}
	return s
}

// lossAndGrad evaluates the separation loss at (w, b) and, if gw is not nil,
// writes ∂L/∂W into gw (D_Φ×d) and ∂L/∂b into gb (D_Φ). It leaves the
// normalised features in lw.u. It needs M ≥ 2.
//
// With s_μν = u_μ·u_ν and P = M(M−1)/2 pairs:
//
//	pairs: L = (1/M)·(log Σ_{μ<ν} exp(s_μν/τ) − log P),
//	       ∂L/∂u_μ = Σ_{ν≠μ} c_μν u_ν,  c_μν = exp(s_μν/τ)/(M τ Z), Z = Σ_{μ<ν} exp(s_μν/τ);
//	paper: L = (1/M)·(log(Σ_{μ<ν} exp(s_μν/τ) + M(M+1)/2) − log P),
//	       ∂L/∂u_μ = Σ_{ν>μ} c_μν u_ν,  Z = Σ_{μ<ν} exp(s_μν/τ) + M(M+1)/2
//	       (the authors detach the second vector of each pair, SCIENCE §6.2).
//
// Then ∂L/∂f_μ = (I − u_μu_μᵀ) ∂L/∂u_μ / ‖f_μ‖ (torch's gradient of
// F.normalize; plain ∂L/∂u_μ / 1e-12 when ‖f_μ‖ < 1e-12), ∂L/∂W = Σ_μ ∂L/∂f_μ ξ_μᵀ
// and ∂L/∂b = Σ_μ ∂L/∂f_μ. Sums use a running maximum so no exp overflows.
func (lw *lossWork) lossAndGrad(form LossForm, tau float64, x, w, b, gw, gb []float64) float64 {
	lw.features(x, w, b)
	m, d, k := lw.m, lw.d, lw.k
	u := lw.u

	// log Z by a stable log-sum-exp over the pair terms (and, for the paper
	// form, the constant M(M+1)/2 written as exp(log(M(M+1)/2))).
	shift := math.Inf(-1)
	for mu := range m {
		for nu := mu + 1; nu < m; nu++ {
			shift = max(shift, dot(u[mu*k:mu*k+k], u[nu*k:nu*k+k])/tau)
		}
	}
	logConst := math.Inf(-1)
	if form == LossPaper {
		logConst = math.Log(float64(m*(m+1)) / 2)
		shift = max(shift, logConst)
	}
	sum := math.Exp(logConst - shift)
	for mu := range m {
		for nu := mu + 1; nu < m; nu++ {
			sum += math.Exp(dot(u[mu*k:mu*k+k], u[nu*k:nu*k+k])/tau - shift)
		}
	}
	logZ := shift + math.Log(sum)
	pairs := float64(m*(m-1)) / 2
	loss := (logZ - math.Log(pairs)) / float64(m)
	if gw == nil {
		return loss
	}

	// ∂L/∂u.
	clear(lw.gu)
	scale := 1 / (float64(m) * tau)
	for mu := range m {
		um := u[mu*k : mu*k+k]
		gm := lw.gu[mu*k : mu*k+k]
		for nu := mu + 1; nu < m; nu++ {
			un := u[nu*k : nu*k+k]
			c := math.Exp(dot(um, un)/tau-logZ) * scale
			for r := range k {
				gm[r] += float64(c * un[r])
			}
			if form == LossPairs {
				gn := lw.gu[nu*k : nu*k+k]
				for r := range k {
					gn[r] += float64(c * um[r])
				}
			}
		}
	}

	// ∂L/∂f through the normalisation, then ∂L/∂W and ∂L/∂b.
	clear(gw)
	clear(gb)
	for mu := range m {
		um := u[mu*k : mu*k+k]
		gm := lw.gu[mu*k : mu*k+k]
		gf := lw.gf[mu*k : mu*k+k]
		n := lw.norm[mu]
		if n > normEps {
			ug := dot(um, gm)
			for r := range k {
				gf[r] = (gm[r] - float64(um[r]*ug)) / n
			}
		} else {
			for r := range k {
				gf[r] = gm[r] / normEps
			}
		}
		xr := x[mu*d : mu*d+d]
		for r := range k {
			gb[r] += gf[r]
			gwr := gw[r*d : r*d+d]
			for j, xv := range xr {
				gwr[j] += float64(gf[r] * xv)
			}
		}
	}
	return loss
}
