package separation

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// MaxAlpha is the largest α accepted by Entmax and Parse. Large α is
// numerically delicate: where an entry enters the support, Sep_α is only
// Hölder continuous with exponent 1/(α−1), so at α = 16 such an entry is
// uncertain by up to about 0.09 (see Map.Sep); Ψ*_α stays accurate.
const MaxAlpha = 16.0

// MinAlpha is the smallest α accepted by Entmax and Parse. Near α = 1 the
// Tsallis entropy (1 − Σ p^α)/(α(α−1)) and the dual's (τ + 1/α)/(α−1)
// divide a rounding error by α − 1: at α − 1 = 1e-9 the energy is off in
// its seventh digit, at 2e-16 by 9 %. From α = 1.001 on they keep 12
// digits or more (TestEntmaxNearOne); closer to 1, softmax is the map.
const MinAlpha = 1.001

type kind uint8

const (
	kindInvalid kind = iota // zero value of Map
	kindSoftmax
	kindSparsemax
	kindEntmax15
	kindBisect
)

// Map is a separation map Sep_α together with its convex conjugate Ψ*_α.
//
// Map is a small comparable value type: two Maps are == exactly when they
// compute the same thing by the same algorithm (so Entmax15() and the
// bisection map Entmax(1.5) differ). The zero value is not a valid map; use
// Softmax, Sparsemax, Entmax15, Entmax or Parse. A Map may be used by
// concurrent goroutines.
type Map struct {
	kind  kind
	alpha float64
}

// Softmax returns the α = 1 map: Sep_1(z) = exp(z)/Σ exp(z) and
// Ψ*_1(z) = log Σ_j exp(z_j), with Shannon entropy. Its output has no exact
// zeros.
func Softmax() Map { return Map{kind: kindSoftmax, alpha: 1} }

// Sparsemax returns the α = 2 map, the Euclidean projection onto the simplex
// (Martins & Astudillo 2016), computed exactly by sorting.
func Sparsemax() Map { return Map{kind: kindSparsemax, alpha: 2} }

// Entmax15 returns the α = 1.5 map (Peters, Niculae & Martins 2019),
// computed exactly by sorting.
func Entmax15() Map { return Map{kind: kindEntmax15, alpha: 1.5} }

// Entmax returns the α-entmax map for MinAlpha ≤ alpha ≤ MaxAlpha, computed by a
// fixed number of bisection steps on the threshold τ (see Map.Sep). It
// returns an error if alpha is NaN, infinite or outside [MinAlpha, MaxAlpha].
// Entmax(1.5) and Entmax(2) use bisection too; they agree with Entmax15 and
// Sparsemax to about 1e-15.
func Entmax(alpha float64) (Map, error) {
	if !(alpha >= MinAlpha && alpha <= MaxAlpha) { // also rejects NaN
		return Map{}, fmt.Errorf("separation: entmax alpha %v out of range: want a finite number with %v <= alpha <= %v (closer to 1, use softmax)", alpha, MinAlpha, MaxAlpha)
	}
	return Map{kind: kindBisect, alpha: alpha}, nil
}

const entmaxPrefix = "entmax:"

// Parse returns the map named name, the inverse of Map.Name. Accepted names
// are "softmax", "entmax15", "sparsemax" and "entmax:<α>" with <α> a decimal
// number, MinAlpha ≤ α ≤ MaxAlpha, e.g. "entmax:1.25"; the last form always selects
// the bisection algorithm, even for α = 1.5 or 2. Names are case-sensitive
// and must not contain spaces. The error message says which names are
// accepted.
func Parse(name string) (Map, error) {
	switch name {
	case "softmax":
		return Softmax(), nil
	case "entmax15":
		return Entmax15(), nil
	case "sparsemax":
		return Sparsemax(), nil
	}
	s, ok := strings.CutPrefix(name, entmaxPrefix)
	if !ok {
		return Map{}, fmt.Errorf("separation: unknown map %q: want softmax, entmax15, sparsemax or entmax:<alpha> with %v <= alpha <= %v", name, MinAlpha, MaxAlpha)
	}
	alpha, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(alpha) || math.IsInf(alpha, 0) {
		return Map{}, fmt.Errorf("separation: bad alpha in %q: want entmax:<alpha> with alpha a finite number, %v <= alpha <= %v", name, MinAlpha, MaxAlpha)
	}
	if !(alpha >= MinAlpha && alpha <= MaxAlpha) {
		return Map{}, fmt.Errorf("separation: alpha out of range in %q: want entmax:<alpha> with %v <= alpha <= %v (closer to 1, use softmax)", name, MinAlpha, MaxAlpha)
	}
	return Map{kind: kindBisect, alpha: alpha}, nil
}

// Name returns the canonical name of m: "softmax", "entmax15", "sparsemax",
// or "entmax:" followed by α in the shortest form that reads back exactly
// (strconv.FormatFloat(α, 'g', -1, 64)), e.g. "entmax:1.25". For every valid
// m, Parse(m.Name()) returns m. The zero Map is named "invalid".
func (m Map) Name() string {
	switch m.kind {
	case kindSoftmax:
		return "softmax"
	case kindEntmax15:
		return "entmax15"
	case kindSparsemax:
		return "sparsemax"
	case kindBisect:
		return entmaxPrefix + strconv.FormatFloat(m.alpha, 'g', -1, 64)
	}
	return "invalid"
}

// Alpha returns α: 1 for softmax, 1.5 for entmax15, 2 for sparsemax, the
// given α for bisection maps and 0 for the zero Map.
func (m Map) Alpha() float64 { return m.alpha }

// IsSoftmax reports whether m is the softmax map. Softmax never returns exact
// zeros, so callers that count the support of Sep_α(z) use a threshold for
// softmax (SCIENCE §5 uses p > 0.01) and p > 0 for every other map.
func (m Map) IsSoftmax() bool { return m.kind == kindSoftmax }
