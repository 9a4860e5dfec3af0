package separation

import "math"

// softmax writes p = exp(z − m)/s, s = Σ exp(z − m), m = max z, and returns
// Ψ*_1(z) = m + log s if wantPsi (else 0). Entries far below the maximum
// give exp(−∞) = 0, never NaN; s ≥ 1 because the maximum contributes 1.
//
// For finite z, s is finite. Any ±Inf or NaN score makes s NaN, which is
// how softmax notices it without a pass of its own: a NaN score, or a NaN
// max z, gives a NaN exponential; +Inf makes max z = +Inf and its own
// exponent ∞ − ∞; and expShifted turns a −Inf score, whose exponential
// would be an innocent 0, into NaN.
func softmax(p, z []float64, wantPsi bool) float64 {
	p = p[:len(z)]
	m := maxOf(z)
	s := expShifted(p, z, m)
	if s != s {
		return notFinite(p, wantPsi)
	}
	inv := 1 / s
	for i := range p {
		p[i] *= inv
	}
	if !wantPsi {
		return 0
	}
	return m + math.Log(s)
}
