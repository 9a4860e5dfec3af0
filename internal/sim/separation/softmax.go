package separation

import "math"

// softmax writes p = exp(z − m)/s, s = Σ exp(z − m), m = max z, and returns
// Ψ*_1(z) = m + log s if wantPsi (else 0). Entries far below the maximum
// give exp(−∞) = 0, never NaN; s ≥ 1 because the maximum contributes 1.
func softmax(p, z []float64, wantPsi bool) float64 {
	p = p[:len(z)]
	m, ok := maxOf(z)
	if !ok {
		return notFinite(p, wantPsi)
	}
	s := expShifted(p, z, m)
	inv := 1 / s
	for i := range p {
		p[i] *= inv
	}
	if !wantPsi {
		return 0
	}
	return m + math.Log(s)
}
