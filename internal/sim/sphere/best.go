package sphere

import "math"

// KnownCode is the best code hoplab knows of M points on the unit sphere of
// R^D: its smallest angle and separation, whether it is proven optimal and
// where it comes from.
type KnownCode struct {
	// AngleDeg is the smallest angle θ* between two of the points, in
	// degrees.
	AngleDeg float64
	// DeltaMin is the code's separation Δ*_min = 1 − cos θ*, computed as
	// 2·sin²(θ*/2) (the chord form of SCIENCE §5), which keeps full
	// relative precision for small angles.
	DeltaMin float64
	// Proven reports whether θ* is proven optimal; if false it is only the
	// best value known from numerical search.
	Proven bool
	// Source names the configuration and who found or proved it.
	Source string
}

// PolygonSource is the Source of every 2-D code: the regular polygon.
const PolygonSource = "regular polygon"

// BestKnown returns the best code known for m points on the unit sphere of
// R^dim (SCIENCE §5.2):
//
//   - dim = 2, every m >= 2: the regular m-gon, θ* = 360°/m and
//     Δ*_min = 2·sin²(π/m), proven (OptimalAngle2DDeg, OptimalDeltaMin2D);
//   - dim = 3, the m of the Tammes table (Tammes): its angle, with
//     Δ*_min = 2·sin²(θ*/2);
//
// and ok = false for every other (dim, m), for which only the bounds of
// Prop31Bounds are known here.
func BestKnown(dim, m int) (c KnownCode, ok bool) {
	switch {
	case m < 2:
		return KnownCode{}, false
	case dim == 2:
		return KnownCode{AngleDeg: OptimalAngle2DDeg(m), DeltaMin: OptimalDeltaMin2D(m), Proven: true, Source: PolygonSource}, true
	case dim == 3:
		e, ok := tammesRow(m)
		if !ok {
			return KnownCode{}, false
		}
		return KnownCode{AngleDeg: e.AngleDeg, DeltaMin: DeltaFromAngleDeg(e.AngleDeg), Proven: e.Proven, Source: e.Source}, true
	}
	return KnownCode{}, false
}

// DeltaFromAngleDeg returns the separation 1 − cos θ of two unit vectors θ
// degrees apart, computed as 2·sin²(θ/2) so that it keeps full relative
// precision for small θ, where 1 − cos θ cancels (SCIENCE §5).
func DeltaFromAngleDeg(deg float64) float64 {
	s, _ := Sincos(deg * math.Pi / 360)
	return 2 * s * s
}
