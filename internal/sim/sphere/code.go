package sphere

import "math"

// ClosestPair returns the largest cosine s = max_{i≠j} <u_i,u_j> among the m
// rows of the row-major m×dim matrix u (rows are expected unit-length; the
// function uses plain dot products, so for unit rows s is the cosine of the
// smallest angle ρ of the code, SCIENCE §5), and the pair (i<j) attaining it
// (first in row-major pair order on ties: smallest i, then smallest j).
// With m < 2 it returns ok=false and zero values.
//
// u must hold at least m·dim values; it is only read. The cost is
// m(m−1)/2 dot products of length dim.
func ClosestPair(u []float64, m, dim int) (maxCos float64, i, j int, ok bool) {
	if m < 2 {
		return 0, 0, 0, false
	}
	u = u[:m*dim] // panics here, not mid-loop, if u is too short
	maxCos = math.Inf(-1)
	for a := 0; a < m; a++ {
		ua := u[a*dim : (a+1)*dim]
		for b := a + 1; b < m; b++ {
			ub := u[b*dim : (b+1)*dim]
			var s float64
			for k, x := range ua {
				s += x * ub[k]
			}
			if s > maxCos {
				maxCos, i, j = s, a, b
			}
		}
	}
	return maxCos, i, j, true
}

// DeltaMin returns the minimal separation of a code whose largest pairwise
// cosine is maxCos: Δ_min = 1 − maxCos = 1 − cos ρ (SCIENCE §5, with unit-norm
// features so that K(ξ, ξ) = 1).
func DeltaMin(maxCos float64) float64 {
	return 1 - maxCos
}

// AngleDeg returns the angle in degrees, in [0, 180], whose cosine is c.
// c is first clamped to [−1, 1], so rounding just outside that range (as in a
// dot product of two unit vectors) gives 0 or 180 rather than NaN.
// A NaN c gives NaN.
func AngleDeg(c float64) float64 {
	switch {
	case c > 1:
		c = 1
	case c < -1:
		c = -1
	}
	return math.Acos(c) * 180 / math.Pi
}
