package sim

import "math"

// minNormal is the smallest positive normal float64, 2⁻¹⁰²².
const minNormal = 0x1p-1022

// Euclidean norms are taken so that they never overflow or underflow
// (SCIENCE §5: separations and angles are only as good as the norms under
// them). Each has a fast path that is the plain formula, bit for bit, and a
// scaled path taken only when the plain sum of squares is not a normal
// finite number.
//
// Why the fast path is exact enough when s = Σ v_j² (summed in index order)
// is a normal finite number: no square overflowed (else s = +Inf), and a
// square that underflowed is off by at most 2⁻¹⁰⁷⁵, so d of them move s by
// at most d·2⁻¹⁰⁷⁵ ≤ d·(ε/2)·s with ε = 2⁻⁵². That is the order of the
// rounding of the sum itself, so √s is as accurate as the plain formula
// ever is. Outside that range the scaled path divides by max_j |v_j| first,
// so the squares lie in [0, 1] and their sum in [1, d].

// norm returns ‖v‖ = √Σ v_j² without overflow or underflow in its squares:
// the result is +Inf only if ‖v‖ itself exceeds math.MaxFloat64, 0 only for
// the zero vector, and NaN if v holds a NaN.
func norm(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += float64(x * x)
	}
	if s >= minNormal && s <= math.MaxFloat64 {
		return math.Sqrt(s)
	}
	return scaledNorm(v)
}

// scaledNorm returns ‖v‖ as max_j |v_j| · √Σ (v_j / max_j |v_j|)².
func scaledNorm(v []float64) float64 {
	m := maxAbs(v)
	if m == 0 || math.IsInf(m, 1) || math.IsNaN(m) {
		return m
	}
	s := 0.0
	for _, x := range v {
		y := x / m
		s += float64(y * y)
	}
	return m * math.Sqrt(s)
}

// maxAbs returns max_j |v_j| (0 for an empty v, NaN if v holds a NaN).
func maxAbs(v []float64) float64 {
	m := 0.0
	for _, x := range v {
		m = max(m, math.Abs(x))
	}
	return m
}

// normalize writes v/‖v‖ into dst (len(dst) == len(v)) for a finite,
// non-zero v: a unit vector up to rounding, even when ‖v‖ is below the
// smallest float64 or above the largest. Where Σ v_j² is a normal finite
// number it is v_j/√Σ v_j², bit for bit; otherwise unitScaled.
func normalize(dst, v []float64) {
	s := 0.0
	for _, x := range v {
		s += float64(x * x)
	}
	if s >= minNormal && s <= math.MaxFloat64 {
		n := math.Sqrt(s)
		for j, x := range v {
			dst[j] = x / n
		}
		return
	}
	unitScaled(dst, v)
}

// unitScaled writes v/‖v‖ into dst, scaling by max_j |v_j| first so that
// neither the squares nor the norm can overflow or underflow. For a finite,
// non-zero v the result has norm 1 up to rounding; otherwise it is all NaN.
func unitScaled(dst, v []float64) {
	m := maxAbs(v)
	s := 0.0
	for j, x := range v {
		y := x / m
		dst[j] = y
		s += float64(y * y)
	}
	n := math.Sqrt(s)
	for j := range v {
		dst[j] /= n
	}
}

// allFinite reports whether every value of v is finite.
func allFinite(v []float64) bool {
	for _, x := range v {
		if !finite(x) {
			return false
		}
	}
	return true
}
