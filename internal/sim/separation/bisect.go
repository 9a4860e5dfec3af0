package separation

import "math"

// bisectIters is the number of halvings of the bracket [−1, −n^{1−α}] in
// bisect. The bracket is shorter than 1, so after 64 halvings it is below
// 2⁻⁶⁴ ≈ 5.4e-20, which is under the spacing of float64 at τ whenever
// |τ| ≥ 2⁻¹¹ (certain if n^{α−1} ≤ 2¹¹, as |τ*| ≥ n^{1−α}): there τ is the
// root to rounding, and the loop stops early once the midpoint no longer
// moves. For smaller |τ| (large n and α) the absolute error 5.4e-20 remains.
// The count is fixed, so results never depend on a tolerance.
const bisectIters = 64

// exponent kinds for [t]_+^{1/(α−1)} in bisect.
const (
	expPow  = iota // math.Pow
	expOne         // α = 2: t
	expTwo         // α = 1.5: t²
	expHalf        // α = 3: √t
)

// bisect writes p = [y − τ]_+^{1/(α−1)}/Σ with y = (α−1)(z − max z) and τ
// found by bisection as in the entmax package's EntmaxBisect (Peters,
// Niculae & Martins 2019), and returns Ψ*_α(z) (from its dual, see the end)
// if wantPsi (else 0). buf is scratch of length ≥ len(z).
//
// f(τ) = Σ_j [y_j − τ]_+^{1/(α−1)} − 1 is strictly decreasing on [−1, 0)
// (the maximum, y = 0, is always in the support); f(−1) ≥ 0 because the
// maximum contributes 1, and f(−n^{1−α}) ≤ 0, so the root τ* is unique.
// Only candidates y_j > −1 can contribute on [−1, 0), so only they are
// copied to buf; they are summed in their original order, so the sums equal
// those over all entries.
func bisect(p, z, buf []float64, alpha float64, wantPsi bool) float64 {
	p = p[:len(z)]
	am1 := alpha - 1
	e := 1 / am1
	ek := expPow
	switch alpha {
	case 2:
		ek = expOne
	case 1.5:
		ek = expTwo
	case 3:
		ek = expHalf
	}

	m, ok := maxFinite(z)
	if !ok {
		return notFinite(p, wantPsi)
	}
	nc := 0
	for _, v := range z {
		if y := am1 * (v - m); y > -1 {
			buf[nc] = y
			nc++
		}
	}
	c := buf[:nc]

	// Invariant f(lo) ≥ 0; hi is only used for the width of the bracket.
	lo := -1.0
	hi := -math.Pow(1/float64(len(z)), am1)
	dm := hi - lo
	tm := lo
	for range bisectIters {
		dm = float64(dm / 2)
		tm = lo + dm
		if tm == lo {
			// dm is below the spacing of float64 at lo: every remaining
			// halving would leave lo and tm unchanged.
			break
		}
		// The entmax package keeps lo = tm where f(tm)·f(−1) ≥ 0. That is
		// this test except when f(−1) = 0 (a single entry within 1/(α−1) of
		// the maximum); there it lets tm drift to hi, which renormalisation
		// hides in p but which would spoil Ψ* below. Here tm converges to
		// the root, τ* = −1.
		if sumPow(c, tm, e, ek) >= 1 {
			lo = tm
		}
	}

	// Raw p_j = t_j^{1/(α−1)}, t_j = [y_j − τ_m]_+, and the dual value
	// D(τ_m) = Σ_j t_j p_j/α + (τ_m + 1/α)/(α−1) (see below).
	var s, tp float64
	for i, v := range z {
		if t := float64(am1*(v-m)) - tm; t > 0 {
			q := powExp(t, e, ek)
			p[i] = q
			s += q
			tp += float64(t * q)
		} else {
			p[i] = 0
		}
	}
	// s ≥ (−τ_m)^{1/(α−1)} > 0 from the maximum, since τ_m < 0.
	inv := 1 / s
	for i := range p {
		p[i] *= inv
	}
	if !wantPsi {
		return 0
	}
	// Ψ*_α is evaluated through its Lagrange dual rather than as
	// ⟨p, z⟩ + H_α(p): with z shifted so that max z = 0 and
	// λ = (τ + 1/α)/(α−1) the multiplier of Σ p = 1,
	//
	//	Ψ*_α(z) = min_τ D(τ),  D(τ) = Σ_j [y_j − τ]_+^{α/(α−1)}/α + (τ + 1/α)/(α−1),
	//
	// because max_{p≥0} p(z_j − λ) + (p − p^α)/(α(α−1)) = p_j(τ)^α/α with
	// p_j(τ)^{α−1} = [y_j − τ]_+. D is convex with D'(τ) = −f(τ)/(α−1), so
	// D(τ_m) − Ψ*_α ≤ |f(τ_m)||τ_m − τ*|/(α−1): rounding-level, for every α.
	// The primal value loses accuracy for α > 2, where p_j = t_j^{1/(α−1)}
	// magnifies the rounding of τ in entries at the edge of the support.
	// D(τ_m) is written as ((α−1)·Σ t_j p_j + 1 + α τ_m)/(α(α−1)), which is
	// exactly 0 for a single entry (τ_m = −1, t = p = 1).
	return m + (float64(am1*tp)+1+float64(alpha*tm))/(alpha*am1)
}

// sumPow returns Σ_j [c_j − tau]_+^e, e = 1/(α−1) of kind ek.
func sumPow(c []float64, tau, e float64, ek int) float64 {
	var s float64
	for _, y := range c {
		if t := y - tau; t > 0 {
			s += powExp(t, e, ek)
		}
	}
	return s
}

// powExp returns t^e for t > 0, by multiplication or sqrt for the exponents
// 1, 2 and ½ (α = 2, 1.5, 3).
func powExp(t, e float64, ek int) float64 {
	switch ek {
	case expOne:
		return t
	case expTwo:
		return float64(t * t)
	case expHalf:
		return math.Sqrt(t)
	}
	return math.Pow(t, e)
}
