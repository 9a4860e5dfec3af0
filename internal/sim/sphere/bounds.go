package sphere

import "math"

// Prop31Bounds returns the lower and upper bounds of Proposition 3.1 of
// Hu, Wu & Liu (NeurIPS 2024) on Δ_min = 1 − cos ρ of an optimal code of m
// points on the unit sphere of R^d, as the authors' bound_simulation.py
// computes them (SCIENCE §5.1):
//
//	upper(m, d) = 2 · ( (2√π / m) · Γ((d+1)/2) / Γ(d/2) )^{1/(d−1)}
//	lower(m, d) = ½ · ( (√π / m) · Γ((d+1)/2) / Γ(d/2 + 1) )^{2/(d−1)}
//
// so that lower ≤ Δ_min(optimal code) ≤ upper. For d = 3 they reduce to
// lower = 2/(3m) and upper = 4/√m; for d = 2 to lower = π²/(8m²) and
// upper = 2π/m. The Gamma ratios are taken as exp of math.Lgamma differences,
// so large d does not overflow. The upper bound may exceed 2, the largest
// possible Δ_min, for small m; it is returned as computed, not capped.
//
// d >= 2 and m >= 2 are required; otherwise both results are NaN.
func Prop31Bounds(m, d int) (lower, upper float64) {
	if m < 2 || d < 2 {
		return math.NaN(), math.NaN()
	}
	fm, fd := float64(m), float64(d)
	lgHalfDPlusHalf := lgamma((fd + 1) / 2)
	logSqrtPi := float64(0.5 * math.Log(math.Pi))

	// log of (2√π/m) · Γ((d+1)/2)/Γ(d/2)
	logU := math.Ln2 + logSqrtPi - math.Log(fm) + lgHalfDPlusHalf - lgamma(fd/2)
	upper = 2 * math.Exp(logU/(fd-1))

	// log of (√π/m) · Γ((d+1)/2)/Γ(d/2+1)
	logL := logSqrtPi - math.Log(fm) + lgHalfDPlusHalf - lgamma(float64(fd/2)+1)
	lower = 0.5 * math.Exp(2*logL/(fd-1))
	return lower, upper
}

// lgamma is log Γ(x) for x > 0, where Γ is positive.
func lgamma(x float64) float64 {
	lg, _ := math.Lgamma(x)
	return lg
}
