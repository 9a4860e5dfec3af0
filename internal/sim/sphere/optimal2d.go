package sphere

import "math"

// RegularPolygon writes the optimal 2-D code of m points, the regular m-gon
// (SCIENCE §5.2), into dst and returns it: point k is
// (cos θ_k, sin θ_k) with θ_k = 2πk/m + phase, stored row-major as x, y, so
// the result has length 2m. If dst has fewer than 2m values a new slice is
// allocated; otherwise dst[:2m] is used. m <= 0 gives an empty slice.
func RegularPolygon(dst []float64, m int, phase float64) []float64 {
	if m <= 0 {
		return dst[:0]
	}
	if cap(dst) < 2*m {
		dst = make([]float64, 2*m)
	}
	dst = dst[:2*m]
	for k := 0; k < m; k++ {
		// 2πk/m is computed as a multiple of the turn so that the angles of
		// opposite points, e.g. k and k+m/2, are as exact as float64 allows.
		sin, cos := Sincos(2*math.Pi*float64(k)/float64(m) + phase)
		dst[2*k], dst[2*k+1] = cos, sin
	}
	return dst
}

// OptimalAngle2DDeg returns the minimal angle of the optimal 2-D code of m
// points, in degrees: ρ* = 360/m (SCIENCE §5.2: the m arcs between neighbours
// sum to a full turn). m must be >= 2.
func OptimalAngle2DDeg(m int) float64 {
	return 360 / float64(m)
}

// OptimalDeltaMin2D returns Δ*_min = 1 − cos(2π/m), the minimal separation of
// the optimal 2-D code of m points (SCIENCE §5.2), computed from its chord
// 2·sin(π/m) as 2·sin²(π/m), which keeps full relative precision for large
// m. m must be >= 2.
func OptimalDeltaMin2D(m int) float64 {
	s, _ := Sincos(math.Pi / float64(m))
	return 2 * s * s
}
