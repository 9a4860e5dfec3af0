package sphere

import "math"

// MinChord returns the smallest chord of a code, c = min_{i≠j} ‖u_i − u_j‖
// over the m rows of the row-major m×dim matrix u, and the pair (i < j)
// attaining it (the first in row-major pair order on ties: smallest i, then
// smallest j). With m < 2 it returns ok = false and zero values.
//
// For a code on the unit sphere the chord of the closest pair gives its
// separation and its angle with full relative precision (SCIENCE §5):
// Δ_min = 1 − max cos = c²/2 (DeltaFromChord) and ρ = 2·asin(c/2)
// (AngleDegFromChord). Computing them as 1 − u_i·u_j and acos(u_i·u_j)
// instead loses everything at small angles: two unit vectors 1e-8 rad
// apart have a dot product that rounds to 1, so Δ_min and ρ come out 0 (or
// even −2.2e-16 for identical vectors whose dot product rounds above 1).
//
// Each distance is taken without overflow or underflow: as √Σ (u_ik − u_jk)²
// where that sum is a normal finite number, else scaled by the largest
// |u_ik − u_jk|. A NaN distance is passed over unless every one is NaN. u
// must hold at least m·dim values; it is only read. The cost is m(m−1)/2
// distances of length dim.
func MinChord(u []float64, m, dim int) (chord float64, i, j int, ok bool) {
	if m < 2 {
		return 0, 0, 0, false
	}
	u = u[:m*dim] // panics here, not mid-loop, if u is too short
	chord, i, j = math.NaN(), 0, 1
	for a := 0; a < m; a++ {
		ua := u[a*dim : (a+1)*dim]
		for b := a + 1; b < m; b++ {
			if c := dist(ua, u[b*dim:(b+1)*dim]); c < chord || math.IsNaN(chord) && !math.IsNaN(c) {
				chord, i, j = c, a, b
			}
		}
	}
	return chord, i, j, true
}

// minNormal is the smallest positive normal float64, 2⁻¹⁰²².
const minNormal = 0x1p-1022

// dist returns ‖a − b‖ for len(a) == len(b). Where the plain sum of
// squares s is a normal finite number it returns √s: no square overflowed,
// and those that underflowed moved s by at most len(a)·2⁻¹⁰⁷⁵, the order of
// its rounding. Otherwise it scales by max_k |a_k − b_k| first.
func dist(a, b []float64) float64 {
	b = b[:len(a)]
	s := 0.0
	for k, x := range a {
		d := x - b[k]
		s += float64(d * d)
	}
	if s >= minNormal && s <= math.MaxFloat64 {
		return math.Sqrt(s)
	}
	m := 0.0
	for k, x := range a {
		m = max(m, math.Abs(x-b[k]))
	}
	if m == 0 || math.IsInf(m, 1) || math.IsNaN(m) {
		return m
	}
	s = 0
	for k, x := range a {
		d := (x - b[k]) / m
		s += float64(d * d)
	}
	return m * math.Sqrt(s)
}

// DeltaFromChord returns the separation 1 − u·v = ‖u − v‖²/2 of two unit
// vectors whose chord is c = ‖u − v‖ (SCIENCE §5); for the closest pair of a
// code, c = MinChord, it is Δ_min = 1 − cos ρ. It is never negative, and
// keeps full relative precision however small c is (c²/2 underflows to 0
// only below c ≈ 2e-162, where Δ is not representable).
func DeltaFromChord(c float64) float64 {
	return c * c / 2
}

// AngleDegFromChord returns the angle in degrees, in [0, 180], between two
// unit vectors whose chord is c = ‖u − v‖: ρ = 2·asin(c/2) (SCIENCE §5). It
// is accurate to a few ulps for every angle up to about 120°, however small
// (the minimum angle of a code of three or more points never exceeds 120°);
// towards 180° asin, like acos, is ill-conditioned. c/2 is clamped to 1, so
// rounding just above c = 2 gives 180 rather than NaN. A NaN c gives NaN.
func AngleDegFromChord(c float64) float64 {
	return 2 * math.Asin(min(c/2, 1)) * 180 / math.Pi
}
