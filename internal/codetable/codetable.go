// Package codetable is the table of spherical codes that hoplab serves:
// for M points on the unit sphere S^{D−1}, the best known code where one is
// known and the bounds of Prop. 3.1 on its separation, in the JSON form of
// the entries of GET /api/v1/spherical-codes (docs/api.md) and of the
// "optimum" of live state messages (docs/protocol.md). The mathematics is
// package sphere's.
package codetable

import (
	"encoding/json"
	"math"

	"hoplab/internal/sim/sphere"
)

// Entry is what is known of the best code of M points on S^{D−1}: the
// best angle and separation where one is known (null otherwise), and the
// bounds of Prop. 3.1 always.
type Entry struct {
	M        int     `json:"m"`
	AngleDeg Float   `json:"angleDeg"` // NaN (null) where no value is known
	DeltaMin Float   `json:"deltaMin"` // 1 − cos angleDeg, as 2·sin²(angleDeg/2)
	Proven   bool    `json:"proven"`
	Source   *string `json:"source"` // nil (null) where no value is known
	Prop31   Prop31  `json:"prop31"`
}

// Prop31 holds the bounds of Prop. 3.1 on Δ_min of an optimal code.
type Prop31 struct {
	Lower Float `json:"lower"`
	Upper Float `json:"upper"`
}

// Lookup is the table's entry for M = m points on the unit sphere
// of R^dim, dim >= 2, m >= 2: the one source of the answers of
// GET /api/v1/spherical-codes and of the optimum in live state messages.
// The angle comes from sphere.BestKnown (the regular polygon for dim 2, the
// Tammes table for dim 3), the bounds from sphere.Prop31Bounds.
func Lookup(dim, m int) Entry {
	lower, upper := sphere.Prop31Bounds(m, dim)
	e := Entry{M: m, AngleDeg: Float(math.NaN()), DeltaMin: Float(math.NaN()),
		Prop31: Prop31{Lower: Float(lower), Upper: Float(upper)}}
	if c, ok := sphere.BestKnown(dim, m); ok {
		e.AngleDeg, e.DeltaMin, e.Proven, e.Source = Float(c.AngleDeg), Float(c.DeltaMin), c.Proven, &c.Source
	}
	return e
}

// Float is a float64 written as JSON null when it is not finite.
type Float float64

// MarshalJSON implements json.Marshaler.
func (f Float) MarshalJSON() ([]byte, error) {
	v := float64(f)
	if v != v || v > maxFinite || v < -maxFinite {
		return []byte("null"), nil
	}
	return json.Marshal(v)
}

const maxFinite = 1.7976931348623157e308
