package separation

import "math"

// Workspace holds the scratch memory of Sep and SepPsi (a copy of the
// candidate scores, sorted in place by the exact maps). Reusing one Workspace
// across calls is what makes them allocation-free. A Workspace must not be
// used by two calls at the same time; give each goroutine its own.
type Workspace struct {
	buf []float64
}

// NewWorkspace returns scratch memory for vectors of length at most n.
// It panics if n < 0.
func NewWorkspace(n int) *Workspace {
	if n < 0 {
		panic("separation: negative workspace size")
	}
	return &Workspace{buf: make([]float64, n)}
}

// Sep writes p = Sep_α(z) = argmax_{p∈Δ} ⟨p, z⟩ + H_α(p) into p.
//
// len(p) == len(z) ≥ 1; p and z must not overlap; ws must come from
// NewWorkspace(n) with n ≥ len(z). Sep panics if the lengths or the
// workspace are wrong or m is the zero Map, and for no other reason. Sep
// never allocates, and the same m, z give bit-identical p on every call.
//
// Sep is total on scores:
//
//   - For every finite z, including scores near ±math.MaxFloat64 whose
//     differences overflow, ties and subnormals, p lies in the simplex:
//     p_j ≥ 0 and Σ p_j = 1 up to rounding (≈1e-15).
//   - If any z_j is ±Inf or NaN, every p_j is NaN. The maps are not
//     extended to infinite scores: a caller whose scores overflowed gets
//     NaN, which propagates, rather than a plausible distribution. The
//     check costs no extra pass: softmax finds a NaN in its sum of
//     exponentials, the other maps add the scores up while they look for
//     max z (and look again only where a sum of finite scores overflows).
//
// Algorithms (SCIENCE §3), all applied to z − max(z):
//
//   - softmax: p = exp(z − max z) / Σ exp(z − max z).
//   - sparsemax: sort descending, k* = max{k : 1 + k z_(k) > Σ_{j≤k} z_(j)},
//     τ = (Σ_{j≤k*} z_(j) − 1)/k*, p = [z − τ]_+.
//   - entmax15: with y = z/2 sorted descending, mean_k and ms_k the means of
//     y_(j) and y_(j)² over j ≤ k, δ_k = (1 − k(ms_k − mean_k²))/k,
//     τ_k = mean_k − √max(δ_k, 0), k* = #{k : τ_k ≤ y_(k)}, τ = τ_{k*} and
//     p = [y − τ]_+².
//   - entmax:<α>: with y = (α−1)z and f(τ) = Σ [y − τ]_+^{1/(α−1)} − 1,
//     strictly decreasing with f(−1) ≥ 0 ≥ f(−n^{1−α}), 64 halvings of
//     [−1, −n^{1−α}] as in EntmaxBisect of the entmax package (the lower end
//     moves to the midpoint τ_m while f(τ_m) ≥ 0), then
//     p = [y − τ_m]_+^{1/(α−1)} / Σ, with τ_m the last midpoint. The fixed
//     count makes the result deterministic; τ_m is the root to within the
//     spacing of float64 for |τ| ≥ 2⁻¹¹, to 5.4e-20 below that.
//
// The sort-based maps only sort the entries with z_j − max z > −1 (−2 for
// entmax15); the others can never be in the support, since p_max ≤ 1 forces
// τ ≥ −1.
//
// Accuracy: softmax, sparsemax, entmax15 and bisection with α ≤ 2 are
// accurate to a few ulps. For α > 2, Sep_α is only Hölder continuous, with
// exponent 1/(α−1), where an entry enters the support: an entry whose exact
// value is below about ε^{1/(α−1)} (ε = 2⁻⁵³; 1e-8 at α = 3, 1e-4 at α = 5,
// 2e-3 at α = 7, 0.09 at α = 16) can come out anywhere between 0 and that
// size, and renormalisation passes the error on to the other entries. The
// result is still the exact Sep_α of scores within about an ulp of z, and
// the exact map itself moves that much under such a perturbation. Ψ* is
// unaffected (see SepPsi).
func (m Map) Sep(p, z []float64, ws *Workspace) {
	m.sep(p, z, ws, false)
}

// SepPsi is Sep and also returns the convex conjugate
//
//	Ψ*_α(z) = ⟨p, z⟩ + H_α(p),   p = Sep_α(z),
//
// computed as max(z) + Ψ*_α(z − max z), so that it is finite for every
// finite z; max z ≤ Ψ*_α(z) ≤ max z + H_α(uniform) up to rounding. For
// softmax it is log Σ exp(z); for sparsemax ⟨p, z⟩ − ½‖p‖² + ½; for
// entmax15 ⟨p, z⟩ + (1 − Σ p^{1.5})/0.75. For bisection maps it is the same
// value computed from the Lagrange dual,
//
//	Ψ*_α(z) = min_τ Σ_j [y_j − τ]_+^{α/(α−1)}/α + (τ + 1/α)/(α−1),  y = (α−1)(z − max z),
//
// at τ = τ_m (plus max z), whose error is |f(τ_m)|·|τ_m − τ*|/(α−1): rounding
// level for every α, even where p is not (α > 2, see Sep). The contract is
// that of Sep; SepPsi never allocates.
//
// For finite z, Ψ* is finite: max z ≤ Ψ* ≤ max z + H_α(uniform), and even
// max z = math.MaxFloat64 leaves room for the at most log n that H adds,
// which rounds away. If any z_j is ±Inf or NaN, SepPsi returns NaN (and p
// all NaN, as Sep).
func (m Map) SepPsi(p, z []float64, ws *Workspace) float64 {
	return m.sep(p, z, ws, true)
}

func (m Map) sep(p, z []float64, ws *Workspace, wantPsi bool) float64 {
	checkArgs(p, z, ws)
	switch m.kind {
	case kindSoftmax:
		return softmax(p, z, wantPsi)
	case kindSparsemax:
		return sparsemax(p, z, ws.buf, wantPsi)
	case kindEntmax15:
		return entmax15(p, z, ws.buf, wantPsi)
	case kindBisect:
		return bisect(p, z, ws.buf, m.alpha, wantPsi)
	}
	panic("separation: zero Map; use a constructor")
}

// checkArgs panics unless z is non-empty, p as long as z and ws large
// enough for it.
func checkArgs(p, z []float64, ws *Workspace) {
	if len(z) == 0 {
		panic("separation: empty score vector")
	}
	if len(p) != len(z) {
		panic("separation: len(p) != len(z)")
	}
	if ws == nil || len(ws.buf) < len(z) {
		panic("separation: workspace too small")
	}
}

// Entropy returns the entropy of p used by m (SCIENCE §3): the Tsallis
// entropy H_α(p) = (1 − Σ_j p_j^α)/(α(α−1)), or the Shannon entropy
// H_1(p) = −Σ_j p_j log p_j (with 0 log 0 = 0) for softmax. p should lie in
// the simplex; then 0 ≤ H_α(p) ≤ H_α(uniform) = (1 − n^{1−α})/(α(α−1))
// (log n for softmax). Entropy panics for the zero Map.
func (m Map) Entropy(p []float64) float64 {
	switch m.kind {
	case kindSoftmax:
		var h float64
		for _, v := range p {
			if v > 0 {
				h -= float64(v * math.Log(v))
			}
		}
		return h
	case kindSparsemax, kindEntmax15, kindBisect:
		a := m.alpha
		var s float64
		for _, v := range p {
			if v > 0 {
				s += powAlpha(v, a)
			}
		}
		return (1 - s) / (a * (a - 1))
	}
	panic("separation: zero Map; use a constructor")
}

// powAlpha returns v^a, with the α of the named maps done by
// multiplications (within an ulp or two of math.Pow).
func powAlpha(v, a float64) float64 {
	switch a {
	case 2:
		return v * v
	case 1.5:
		return v * math.Sqrt(v)
	case 3:
		return v * v * v
	}
	return math.Pow(v, a)
}

// maxOf returns the largest element of the non-empty z. A NaN z[0] gives
// NaN; other NaN elements are passed over.
func maxOf(z []float64) float64 {
	m := z[0]
	for _, v := range z[1:] {
		if v > m {
			m = v
		}
	}
	return m
}

// maxFinite returns max z, as maxOf, and whether every element of the
// non-empty z is finite. The check costs one addition per element: the sum
// of z is finite only if every element is (a ±Inf or NaN makes it, and
// keeps it, ±Inf or NaN), and only where the sum is not finite, which
// finite scores reach by overflow alone, are the elements looked at one by
// one.
func maxFinite(z []float64) (m float64, finite bool) {
	m = z[0]
	s := m
	for _, v := range z[1:] {
		s += v
		if v > m {
			m = v
		}
	}
	if s-s == 0 {
		return m, true
	}
	return m, allFinite(z)
}

// allFinite reports whether every element of z is finite.
func allFinite(z []float64) bool {
	for _, v := range z {
		if v-v != 0 {
			return false
		}
	}
	return true
}

// notFinite is the result of every map for scores that are not all finite:
// p filled with NaN, and Ψ* = NaN if wantPsi (else 0, as for finite scores).
func notFinite(p []float64, wantPsi bool) float64 {
	nan := math.NaN()
	for i := range p {
		p[i] = nan
	}
	if !wantPsi {
		return 0
	}
	return nan
}
