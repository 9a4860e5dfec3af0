package separation

import "math"

// entmax15 writes p = [y − τ]_+² with y = (z − max z)/2, τ from the exact
// sort-based algorithm of Peters, Niculae & Martins (2019) (the entmax
// package's _entmax_threshold_and_support), and returns
// Ψ*_1.5(z) = max z + ⟨p, z − max z⟩ + (1 − Σ p^{1.5})/0.75 if wantPsi
// (else 0). buf is scratch of length ≥ len(z).
//
// τ solves Σ_{j∈S} (y_j − τ)² = 1 on the support S. Since p_j ≤ 1 and the
// maximum has y = 0, τ ≥ −1, so only the candidates y_j > −1 are sorted; this
// also keeps y² from overflowing for extreme inputs.
func entmax15(p, z, buf []float64, wantPsi bool) float64 {
	p = p[:len(z)]
	m, ok := maxFinite(z)
	if !ok {
		return notFinite(p, wantPsi)
	}
	nc := 0
	for _, v := range z {
		if y := 0.5 * (v - m); y > -1 {
			buf[nc] = y
			nc++
		}
	}
	c := buf[:nc]
	sortDesc(c)

	tau := entmax15Tau(c)

	var dot, cube float64
	for i, v := range z {
		d := v - m
		if t := float64(0.5*d) - tau; t > 0 {
			q := t * t
			p[i] = q
			dot += float64(q * d)
			cube += float64(q * t) // p^{1.5} = t³
		} else {
			p[i] = 0
		}
	}
	if !wantPsi {
		return 0
	}
	return m + dot + (1-cube)/0.75
}

// entmax15Tau returns the threshold τ = τ_{k*} of the non-empty candidates
// c = y_(1) ≥ y_(2) ≥ …, y_(1) = 0, overwriting c. For k = 1..len(c): mean_k,
// ms_k = means of y_(j), y_(j)² over j ≤ k; δ_k = (1 − k(ms_k − mean_k²))/k;
// τ_k = mean_k − √max(δ_k, 0); k* = #{k : τ_k ≤ y_(k)}. τ_k overwrites
// c[k−1] once it has been compared with y_(k), which is no longer needed;
// k = 1 always counts (τ_1 = −1 ≤ y_(1) = 0), so k* ≥ 1. This needs
// y_(1) = 0 exactly, which holds because the caller has checked that z is
// finite: the maximum gives 0.5·(max z − max z) = 0.
func entmax15Tau(c []float64) float64 {
	var cum, cumSq float64
	kStar := 0
	for k, v := range c {
		kk := float64(k + 1)
		cum += v
		cumSq += float64(v * v)
		mean := cum / kk
		delta := (1 - float64(kk*float64(cumSq/kk-float64(mean*mean)))) / kk
		tau := mean - sqrtPos(delta)
		if tau <= v {
			kStar++
		}
		c[k] = tau
	}
	return c[kStar-1]
}

// sqrtPos returns √max(x, 0).
func sqrtPos(x float64) float64 {
	if x <= 0 {
		return 0
	}
	return math.Sqrt(x)
}
