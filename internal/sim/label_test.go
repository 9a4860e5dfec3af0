package sim

import (
	"math"
	"testing"
)

// TestLabelExtremeDistances checks the nearest-point test of the labels
// where d² underflows or overflows: the plain d² made points within 1e-154
// of the state tie at 0 (the lowest index won, and any tolerance passed),
// and points beyond 1e154 tie at +Inf (no label, whatever the tolerance).
// Both the plane kernel's label2 and the general label are checked.
func TestLabelExtremeDistances(t *testing.T) {
	cases := []struct {
		name   string
		px, py []float64
		qx, qy float64
		tol    float64
		want   int32
	}{
		{"nearer point has the higher index", []float64{0, 0}, []float64{0, 1e-170}, 0, 0.9e-170, 1e-3, 1},
		{"tiny distance beyond a tiny tolerance", []float64{0, 5}, []float64{0, 0}, 1e-170, 0, 1e-200, LabelWhite},
		{"tiny distance within a tiny tolerance", []float64{5, 0}, []float64{0, 0}, 1e-170, 0, 1e-169, 1},
		{"subnormal coordinates", []float64{0, 0}, []float64{5e-324, 0}, 0, 4e-323, 1e-3, 0},
		{"exact hit on a higher index", []float64{1e-170, 0}, []float64{0, 0}, 0, 0, 1e-300, 1},
		{"exact hit on duplicated points", []float64{1, 0, 0}, []float64{1, 0, 0}, 0, 0, 1e-3, 1},
		{"far points, huge tolerance", []float64{1e200, -1e200}, []float64{0, 0}, 0.4e200, 0, 1e300, 0},
		{"far points, moderate tolerance", []float64{1e200, -1e200}, []float64{0, 0}, 0.4e200, 0, 1e6, LabelWhite},
		{"overflowing difference", []float64{math.MaxFloat64, -math.MaxFloat64}, []float64{0, 0}, -math.MaxFloat64 / 2, 0, math.MaxFloat64, 1},
		{"ordinary", []float64{1, 0, -1}, []float64{0, 1, 0}, 0.9995, 0.0001, 1e-3, 0},
		{"ordinary white", []float64{1, 0, -1}, []float64{0, 1, 0}, 0.5, 0.5, 1e-3, LabelWhite},
	}
	for _, c := range cases {
		h := Hopfield{px: c.px, py: c.py, tol: c.tol}
		if got := h.label2(c.qx, c.qy); got != c.want {
			t.Errorf("%s: label2 %d, want %d", c.name, got, c.want)
		}
		// The general label of the same points and state in ℝ³ (z = 0).
		h3 := Hopfield{n: 3, m: len(c.px), tol: c.tol}
		for mu := range c.px {
			h3.pts = append(h3.pts, c.px[mu], c.py[mu], 0)
		}
		if got := h3.label([]float64{c.qx, c.qy, 0}); got != c.want {
			t.Errorf("%s: label in ℝ³ %d, want %d", c.name, got, c.want)
		}
	}
}
