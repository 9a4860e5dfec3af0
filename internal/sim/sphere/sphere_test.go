package sphere

import (
	"math"
	"math/rand/v2"
	"testing"
)

// relClose reports whether got is within rel·|want| of want.
func relClose(got, want, rel float64) bool {
	return math.Abs(got-want) <= rel*math.Abs(want)
}

func TestProp31BoundsD3(t *testing.T) {
	// SCIENCE §5.1: for d = 3 the bounds reduce to 2/(3M) and 4/√M.
	for m := 2; m <= 1000; m++ {
		lower, upper := Prop31Bounds(m, 3)
		wantL, wantU := 2/(3*float64(m)), 4/math.Sqrt(float64(m))
		if !relClose(lower, wantL, 1e-12) {
			t.Errorf("Prop31Bounds(%d, 3) lower = %.17g, want 2/(3M) = %.17g", m, lower, wantL)
		}
		if !relClose(upper, wantU, 1e-12) {
			t.Errorf("Prop31Bounds(%d, 3) upper = %.17g, want 4/√M = %.17g", m, upper, wantU)
		}
	}
}

func TestProp31BoundsD2(t *testing.T) {
	// By hand, d = 2, M = 4: Γ(3/2) = √π/2, Γ(1) = Γ(2) = 1, exponents 1 and 2.
	//   upper = 2 · (2√π/4) · (√π/2)       = π/2
	//   lower = ½ · ((√π/4) · (√π/2))²    = ½ · (π/8)² = π²/128
	lower, upper := Prop31Bounds(4, 2)
	if want := math.Pi / 2; !relClose(upper, want, 1e-14) {
		t.Errorf("Prop31Bounds(4, 2) upper = %.17g, want π/2 = %.17g", upper, want)
	}
	if want := math.Pi * math.Pi / 128; !relClose(lower, want, 1e-14) {
		t.Errorf("Prop31Bounds(4, 2) lower = %.17g, want π²/128 = %.17g", lower, want)
	}
}

func TestProp31BoundsLargeD(t *testing.T) {
	// Γ(d/2) overflows float64 for d > 343; the bounds must stay finite and
	// keep lower < upper.
	for _, d := range []int{100, 343, 344, 1000, 100000} {
		for _, m := range []int{2, 10, 1 << 20} {
			lower, upper := Prop31Bounds(m, d)
			if math.IsNaN(lower) || math.IsInf(lower, 0) || math.IsNaN(upper) || math.IsInf(upper, 0) {
				t.Fatalf("Prop31Bounds(%d, %d) = %v, %v, want finite", m, d, lower, upper)
			}
			if !(0 < lower && lower < upper) {
				t.Errorf("Prop31Bounds(%d, %d) = %v, %v, want 0 < lower < upper", m, d, lower, upper)
			}
		}
	}
}

func TestProp31BoundsBadInput(t *testing.T) {
	for _, c := range []struct{ m, d int }{{1, 3}, {0, 3}, {2, 1}, {2, 0}, {-1, -1}} {
		lower, upper := Prop31Bounds(c.m, c.d)
		if !math.IsNaN(lower) || !math.IsNaN(upper) {
			t.Errorf("Prop31Bounds(%d, %d) = %v, %v, want NaN, NaN", c.m, c.d, lower, upper)
		}
	}
}

func TestProp31BoundsHoldForOptimalCodes(t *testing.T) {
	// 3-D: the Tammes table (TestTammesWithinProp31 checks it more closely).
	for _, e := range Tammes() {
		delta := 1 - math.Cos(e.AngleDeg*math.Pi/180)
		lower, upper := Prop31Bounds(e.M, 3)
		if !(lower <= delta && delta <= upper) {
			t.Errorf("M=%d: Δ* = 1 − cos %.7g° = %.6g not in Prop 3.1 bounds [%.6g, %.6g]",
				e.M, e.AngleDeg, delta, lower, upper)
		}
	}
	// 2-D: the regular polygons.
	for m := 2; m <= 500; m++ {
		delta := OptimalDeltaMin2D(m)
		lower, upper := Prop31Bounds(m, 2)
		if !(lower <= delta && delta <= upper) {
			t.Errorf("M=%d: 2-D Δ* = %.6g not in Prop 3.1 bounds [%.6g, %.6g]", m, delta, lower, upper)
		}
	}
}

func TestTammesValues(t *testing.T) {
	deg := func(c float64) float64 { return math.Acos(c) * 180 / math.Pi }
	tests := []struct {
		m      int
		want   float64
		tol    float64
		proven bool
		why    string
	}{
		{2, 180, 0, true, "antipodal"},
		{3, 120, 0, true, "triangle on a great circle"},
		{4, deg(-1.0 / 3), 1e-6, true, "tetrahedron: arccos(−1/3)"},
		{5, 90, 0, true, "90°"},
		{6, 90, 0, true, "octahedron: 90°"},
		{9, deg(1.0 / 3), 1e-6, true, "arccos(1/3)"},
		{11, deg(1 / math.Sqrt(5)), 1e-6, true, "same angle as the icosahedron"},
		{12, deg(1 / math.Sqrt(5)), 1e-6, true, "icosahedron: arccos(1/√5) = arctan 2"},
		{12, 63.4349488, 1e-7, true, "icosahedron, SCIENCE §5.2"},
		{13, 57.1367031, 0, true, "Musin–Tarasov"},
		{24, 43.6907671, 0, true, "snub cube"},
		{30, 38.5971159, 0, false, "best known"},
		{130, 18.5103522, 0, false, "best known"},
	}
	for _, tc := range tests {
		got, proven, ok := TammesAngleDeg(tc.m)
		if !ok {
			t.Errorf("TammesAngleDeg(%d): not found", tc.m)
			continue
		}
		if math.Abs(got-tc.want) > tc.tol {
			t.Errorf("TammesAngleDeg(%d) = %.10g, want %.10g ± %g (%s)", tc.m, got, tc.want, tc.tol, tc.why)
		}
		if proven != tc.proven {
			t.Errorf("TammesAngleDeg(%d) proven = %v, want %v", tc.m, proven, tc.proven)
		}
	}
	// arccos(1/√5) is also the angle between two adjacent icosahedron
	// vertices (0, ±1, ±φ) and (±1, ±φ, 0): cos = φ/(1+φ²) = 1/√5.
	phi := (1 + math.Sqrt(5)) / 2
	if c := phi / (1 + phi*phi); math.Abs(c-1/math.Sqrt(5)) > 1e-15 {
		t.Errorf("icosahedron neighbour cosine %.17g, want 1/√5", c)
	}
	// And arccos(1/√5) = arctan(2).
	if a, b := deg(1/math.Sqrt(5)), math.Atan(2)*180/math.Pi; math.Abs(a-b) > 1e-12 {
		t.Errorf("arccos(1/√5) = %.15g°, arctan 2 = %.15g°", a, b)
	}
	for _, m := range []int{0, 1, 51, 54, 56, 129, 131, 135} {
		if deg, proven, ok := TammesAngleDeg(m); ok || proven || deg != 0 {
			t.Errorf("TammesAngleDeg(%d) = %v, %v, %v, want 0, false, false", m, deg, proven, ok)
		}
	}
}

// scienceTammes is a copy of SCIENCE §5.2 (the table and the block "All
// the M of the Prop. 3.1 figure"): θ*_M in degrees as the authors'
// bound_simulation.py lists them. It is kept here apart from the package's
// table so that a slip in either shows.
var scienceTammes = map[int]float64{
	2: 180, 3: 120, 4: 109.4712206, 5: 90, 6: 90,
	7: 77.8695421, 8: 74.8584922, 9: 70.5287794, 10: 66.1468220, 11: 63.4349488,
	12: 63.4349488, 13: 57.1367031, 14: 55.6705700, 15: 53.6578501, 16: 52.2443957,
	17: 51.0903285, 18: 49.5566548, 19: 47.6919141, 20: 47.4310362, 21: 45.6132231,
	22: 44.7401612, 23: 43.7099642, 24: 43.6907671, 25: 41.6344612, 26: 41.0376616,
	27: 40.6776007, 28: 39.3551436, 29: 38.7136512, 30: 38.5971159, 31: 37.7098291,
	32: 37.4752140, 33: 36.2545530, 34: 35.8077844, 35: 35.3198076, 36: 35.1897322,
	37: 34.4224080, 38: 34.2506607, 39: 33.4890466, 40: 33.1583563, 41: 32.7290944,
	42: 32.5063863, 43: 32.0906244, 44: 31.9834230, 45: 31.3230814, 46: 30.9591635,
	47: 30.7818159, 48: 30.7627855, 49: 29.9235851, 50: 29.7529564, 55: 28.2627914,
	60: 27.1928300, 65: 26.0698299, 70: 25.1709200, 75: 24.3017225, 80: 23.5530672,
	85: 22.7791621, 90: 22.1540232, 95: 21.5945501, 100: 21.0312020, 105: 20.5388524,
	110: 20.1113276, 115: 19.6239931, 120: 19.3240201, 125: 18.8448151, 130: 18.5103522,
}

func TestTammesTable(t *testing.T) {
	tab := Tammes()
	// Every M of the Prop. 3.1 figure: 2 … 50, then 55 … 130 in steps of 5.
	var wantM []int
	for m := 2; m <= 50; m++ {
		wantM = append(wantM, m)
	}
	for m := 55; m <= 130; m += 5 {
		wantM = append(wantM, m)
	}
	if len(tab) != len(wantM) || len(scienceTammes) != len(wantM) {
		t.Fatalf("len(Tammes()) = %d, SCIENCE copy %d, want %d", len(tab), len(scienceTammes), len(wantM))
	}
	for k, e := range tab {
		if e.M != wantM[k] {
			t.Errorf("Tammes()[%d].M = %d, want %d", k, e.M, wantM[k])
		}
		if want, ok := scienceTammes[e.M]; !ok || e.AngleDeg != want {
			t.Errorf("M=%d: AngleDeg = %v, SCIENCE §5.2 lists %v (listed: %v)", e.M, e.AngleDeg, want, ok)
		}
		if wantProven := e.M <= 14 || e.M == 24; e.Proven != wantProven {
			t.Errorf("M=%d: Proven = %v, want %v", e.M, e.Proven, wantProven)
		}
		if e.Source == "" {
			t.Errorf("M=%d: empty Source", e.M)
		}
		if !e.Proven && e.Source != bestKnown {
			t.Errorf("M=%d: Source %q of an unproven row, want %q", e.M, e.Source, bestKnown)
		}
		if got, proven, ok := TammesAngleDeg(e.M); !ok || got != e.AngleDeg || proven != e.Proven {
			t.Errorf("TammesAngleDeg(%d) = %v, %v, %v, disagrees with Tammes() row %+v", e.M, got, proven, ok, e)
		}
	}
	// The result is a copy: changing it does not change the table.
	tab[0].AngleDeg = -1
	if got, _, _ := TammesAngleDeg(2); got != 180 {
		t.Errorf("after modifying a copy, TammesAngleDeg(2) = %v, want 180", got)
	}
	if again := Tammes(); again[0].AngleDeg != 180 {
		t.Errorf("after modifying a copy, Tammes()[0].AngleDeg = %v, want 180", again[0].AngleDeg)
	}
}

// TestTammesMonotone: θ*_M cannot grow with M (drop a point of the best
// code of M+1 points and the smallest angle does not shrink). The table
// decreases strictly except where two neighbouring M share their angle:
// M = 5 and 6 (90°: the octahedron less a vertex) and M = 11 and 12 (the
// icosahedron less a vertex), both proven.
func TestTammesMonotone(t *testing.T) {
	equal := map[int]bool{6: true, 12: true} // θ*_M = θ*_{M−1}
	tab := Tammes()
	for k := 1; k < len(tab); k++ {
		prev, e := tab[k-1], tab[k]
		switch {
		case e.AngleDeg > prev.AngleDeg:
			t.Errorf("M=%d: angle %v larger than for M=%d (%v); θ*_M cannot grow with M", e.M, e.AngleDeg, prev.M, prev.AngleDeg)
		case e.AngleDeg == prev.AngleDeg && !equal[e.M]:
			t.Errorf("M=%d: angle %v equal to that of M=%d; expected only at M = 6 and 12", e.M, e.AngleDeg, prev.M)
		case e.AngleDeg < prev.AngleDeg && equal[e.M]:
			t.Errorf("M=%d: angle %v below that of M=%d (%v), want equal", e.M, e.AngleDeg, prev.M, prev.AngleDeg)
		}
	}
}

// TestTammesWithinProp31 checks every row of the table against the
// Prop. 3.1 bounds for d = 3: 2/(3M) ≤ 1 − cos θ*_M ≤ 4/√M. None falls
// outside; the tightest is the upper bound at M = 2 (Δ = 2 against
// 2√2), and Δ* is at least 6 times the lower bound (exactly 6 at M = 2:
// Δ = 2 against 1/3).
func TestTammesWithinProp31(t *testing.T) {
	for _, e := range Tammes() {
		delta := DeltaFromAngleDeg(e.AngleDeg)
		if naive := 1 - math.Cos(e.AngleDeg*math.Pi/180); !relClose(delta, naive, 1e-13) {
			t.Errorf("M=%d: DeltaFromAngleDeg = %.17g, 1 − cos = %.17g", e.M, delta, naive)
		}
		lower, upper := Prop31Bounds(e.M, 3)
		if !(lower <= delta && delta <= upper) {
			t.Errorf("M=%d: Δ* = 1 − cos %.7f° = %.6g outside the Prop. 3.1 bounds [%.6g, %.6g]", e.M, e.AngleDeg, delta, lower, upper)
		}
		if delta < 5.999*lower {
			t.Errorf("M=%d: Δ* = %.6g less than 6 times the lower bound %.6g", e.M, delta, lower)
		}
	}
}

func TestBestKnown(t *testing.T) {
	tests := []struct {
		dim, m   int
		ok       bool
		angleDeg float64
		deltaMin float64
		proven   bool
		source   string
	}{
		{2, 2, true, 180, 2, true, PolygonSource},
		{2, 4, true, 90, 1, true, PolygonSource},
		{2, 6, true, 60, 0.5, true, PolygonSource},
		{2, 7, true, 360.0 / 7, 1 - math.Cos(2*math.Pi/7), true, PolygonSource},
		{2, 1024, true, 360.0 / 1024, 2 * math.Pow(math.Sin(math.Pi/1024), 2), true, PolygonSource},
		{3, 2, true, 180, 2, true, "antipodal pair"},
		{3, 4, true, 109.4712206, 4.0 / 3, true, "regular tetrahedron (Fejes Tóth)"},
		{3, 6, true, 90, 1, true, "regular octahedron"},
		{3, 7, true, 77.8695421, 1 - 0.210138312730603, true, "OEIS A383859"},
		{3, 8, true, 74.8584922, 1 - math.Cos(74.8584922*math.Pi/180), true, "square antiprism; OEIS A381756"},
		{3, 12, true, 63.4349488, 1 - 1/math.Sqrt(5), true, "regular icosahedron"},
		{3, 130, true, 18.5103522, 1 - math.Cos(18.5103522*math.Pi/180), false, bestKnown},
		{3, 51, false, 0, 0, false, ""},
		{3, 131, false, 0, 0, false, ""},
		{3, 1, false, 0, 0, false, ""},
		{2, 1, false, 0, 0, false, ""},
		{2, 0, false, 0, 0, false, ""},
		{4, 8, false, 0, 0, false, ""},
		{5, 2, false, 0, 0, false, ""},
		{1, 2, false, 0, 0, false, ""},
	}
	for _, tc := range tests {
		c, ok := BestKnown(tc.dim, tc.m)
		if ok != tc.ok {
			t.Errorf("BestKnown(%d, %d): ok = %v, want %v", tc.dim, tc.m, ok, tc.ok)
			continue
		}
		// 1e-9 covers the 7 decimals of the table's angles (M = 4, 7, 12
		// compare them with the exact values).
		if !relClose(c.AngleDeg, tc.angleDeg, 1e-9) || !relClose(c.DeltaMin, tc.deltaMin, 1e-8) ||
			c.Proven != tc.proven || c.Source != tc.source {
			t.Errorf("BestKnown(%d, %d) = %+v, want angle %.10g, Δ %.10g, proven %v, source %q",
				tc.dim, tc.m, c, tc.angleDeg, tc.deltaMin, tc.proven, tc.source)
		}
	}
}

func TestDeltaFromAngleDeg(t *testing.T) {
	for _, c := range []struct{ deg, want, rel float64 }{
		{0, 0, 0},
		{180, 2, 0},
		{90, 1, 1e-15},
		{60, 0.5, 1e-15},
		{120, 1.5, 1e-15},
		// Tiny angles: 1 − cos θ would be 0 or lose digits; θ²/2 is right to
		// θ⁴/24 relative.
		{1e-6, math.Pow(1e-6*math.Pi/180, 2) / 2, 1e-14},
		{1e-9, math.Pow(1e-9*math.Pi/180, 2) / 2, 1e-14},
	} {
		if got := DeltaFromAngleDeg(c.deg); !(got == c.want || relClose(got, c.want, c.rel)) {
			t.Errorf("DeltaFromAngleDeg(%g) = %.17g, want %.17g", c.deg, got, c.want)
		}
	}
}

func TestRegularPolygon(t *testing.T) {
	for m := 2; m <= 64; m++ {
		for _, phase := range []float64{0, 0.3, -2.1} {
			u := RegularPolygon(nil, m, phase)
			if len(u) != 2*m {
				t.Fatalf("RegularPolygon(nil, %d, %v): len %d, want %d", m, phase, len(u), 2*m)
			}
			for k := 0; k < m; k++ {
				if n := math.Hypot(u[2*k], u[2*k+1]); math.Abs(n-1) > 1e-15 {
					t.Errorf("m=%d phase=%v: |point %d| = %.17g, want 1", m, phase, k, n)
				}
				wantAngle := 2*math.Pi*float64(k)/float64(m) + phase
				if d := math.Remainder(math.Atan2(u[2*k+1], u[2*k])-wantAngle, 2*math.Pi); math.Abs(d) > 1e-12 {
					t.Errorf("m=%d phase=%v: point %d at angle off by %g rad", m, phase, k, d)
				}
			}
			chord, i, j, ok := MinChord(u, m, 2)
			if !ok {
				t.Fatalf("MinChord(polygon %d): ok = false", m)
			}
			if want := 2 * math.Sin(math.Pi/float64(m)); math.Abs(chord-want) > 1e-12 {
				t.Errorf("m=%d phase=%v: MinChord = %.17g, want 2 sin(π/m) = %.17g", m, phase, chord, want)
			}
			if i >= j {
				t.Errorf("m=%d: MinChord pair (%d, %d), want i < j", m, i, j)
			}
			if got, want := DeltaFromChord(chord), OptimalDeltaMin2D(m); math.Abs(got-want) > 1e-12 {
				t.Errorf("m=%d phase=%v: DeltaFromChord = %.17g, want OptimalDeltaMin2D = %.17g", m, phase, got, want)
			}
			// Towards 180° (m = 2) asin(c/2) is ill-conditioned, as acos was:
			// a rounding of c moves the angle by about 1e-6°.
			tol := 1e-9
			if m == 2 {
				tol = 1e-5
			}
			if got, want := AngleDegFromChord(chord), OptimalAngle2DDeg(m); math.Abs(got-want) > tol {
				t.Errorf("m=%d phase=%v: AngleDegFromChord = %.12g, want OptimalAngle2DDeg = %.12g", m, phase, got, want)
			}
		}
	}
}

func TestRegularPolygonBuffer(t *testing.T) {
	buf := make([]float64, 10, 16)
	got := RegularPolygon(buf, 4, 0)
	if len(got) != 8 || &got[0] != &buf[0] {
		t.Fatalf("RegularPolygon with a large enough dst: len %d, reused %v; want len 8, reused", len(got), &got[0] == &buf[0])
	}
	want := []float64{1, 0, 0, 1, -1, 0, 0, -1}
	for k := range want {
		if math.Abs(got[k]-want[k]) > 1e-15 {
			t.Errorf("square[%d] = %v, want %v", k, got[k], want[k])
		}
	}
	small := make([]float64, 3)
	if got := RegularPolygon(small, 4, 0); len(got) != 8 || &got[0] == &small[0] {
		t.Errorf("RegularPolygon with a small dst: len %d, want 8 in a new slice", len(got))
	}
	if got := RegularPolygon(nil, 0, 0); len(got) != 0 {
		t.Errorf("RegularPolygon(nil, 0, 0) len %d, want 0", len(got))
	}
}

func TestOptimal2D(t *testing.T) {
	tests := []struct {
		m         int
		angle     float64
		deltaMin  float64
		tolerance float64
	}{
		{2, 180, 2, 1e-15},
		{3, 120, 1.5, 1e-15},
		{4, 90, 1, 1e-15},
		{6, 60, 0.5, 1e-15},
		{8, 45, 1 - math.Sqrt2/2, 1e-15},
		{12, 30, 1 - math.Sqrt(3)/2, 1e-15},
	}
	for _, tc := range tests {
		if got := OptimalAngle2DDeg(tc.m); math.Abs(got-tc.angle) > 1e-12 {
			t.Errorf("OptimalAngle2DDeg(%d) = %v, want %v", tc.m, got, tc.angle)
		}
		if got := OptimalDeltaMin2D(tc.m); math.Abs(got-tc.deltaMin) > tc.tolerance {
			t.Errorf("OptimalDeltaMin2D(%d) = %.17g, want %.17g", tc.m, got, tc.deltaMin)
		}
	}
}

func TestMinChord(t *testing.T) {
	s := 1 / math.Sqrt2
	tests := []struct {
		name   string
		u      []float64
		m, dim int
		chord  float64
		i, j   int
		ok     bool
	}{
		{
			name: "hand example: rows 1 and 3 are 45° apart, the rest 90° or more",
			u: []float64{
				1, 0, 0,
				0, 1, 0,
				0, 0, -1,
				0, s, s,
			},
			m: 4, dim: 3, chord: math.Sqrt(2 - math.Sqrt2), i: 1, j: 3, ok: true,
		},
		{
			name: "ties go to the first pair in row-major order",
			u:    []float64{1, 0, 0, 1, -1, 0, 0, -1}, // square: four pairs at 90°
			m:    4, dim: 2, chord: math.Sqrt2, i: 0, j: 1, ok: true,
		},
		{
			name: "two antipodal points",
			u:    []float64{0, 1, 0, -1},
			m:    2, dim: 2, chord: 2, i: 0, j: 1, ok: true,
		},
		{
			name: "duplicate points",
			u:    []float64{1, 0, 0, 1, 0, 1},
			m:    3, dim: 2, chord: 0, i: 1, j: 2, ok: true,
		},
		{
			name: "1e-170 apart: the plain squares underflow",
			u:    []float64{1, 0, -1, 0, 1, 1e-170},
			m:    3, dim: 2, chord: 1e-170, i: 0, j: 2, ok: true,
		},
		{
			name: "a NaN distance is passed over",
			u:    []float64{math.NaN(), 0, 1, 0, 0, 1},
			m:    3, dim: 2, chord: math.Sqrt2, i: 1, j: 2, ok: true,
		},
		{
			name: "extra values past m·dim are ignored",
			u:    []float64{1, 0, -1, 0, 1, 0},
			m:    2, dim: 2, chord: 2, i: 0, j: 1, ok: true,
		},
		{name: "one point", u: []float64{1, 0}, m: 1, dim: 2},
		{name: "no points", u: nil, m: 0, dim: 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			chord, i, j, ok := MinChord(tc.u, tc.m, tc.dim)
			if math.Abs(chord-tc.chord) > 1e-15*tc.chord || i != tc.i || j != tc.j || ok != tc.ok {
				t.Errorf("MinChord = %v, %d, %d, %v; want %v, %d, %d, %v", chord, i, j, ok, tc.chord, tc.i, tc.j, tc.ok)
			}
		})
	}
	if c, i, j, ok := MinChord([]float64{math.NaN(), 0, 0, math.NaN()}, 2, 2); !math.IsNaN(c) || i != 0 || j != 1 || !ok {
		t.Errorf("MinChord of NaN rows = %v, %d, %d, %v; want NaN, 0, 1, true", c, i, j, ok)
	}
}

// kahanAngleDeg is the angle between unit vectors a and b as
// 2·atan2(‖a − b‖, ‖a + b‖), accurate at every angle (W. Kahan).
func kahanAngleDeg(a, b []float64) float64 {
	var d, s float64
	for k := range a {
		d += (a[k] - b[k]) * (a[k] - b[k])
		s += (a[k] + b[k]) * (a[k] + b[k])
	}
	return 2 * math.Atan2(math.Sqrt(d), math.Sqrt(s)) * 180 / math.Pi
}

func TestMinChordRandomAgainstBruteForce(t *testing.T) {
	// Property: MinChord agrees with a direct search written differently
	// (via Kahan's angles), on seeded random unit vectors, some of them
	// clustered within 1e-9 of each other.
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := 0; trial < 300; trial++ {
		m, dim := 2+rng.IntN(20), 2+rng.IntN(6)
		u := make([]float64, m*dim)
		for r := 0; r < m; r++ {
			var n float64
			for k := 0; k < dim; k++ {
				x := rng.NormFloat64()
				if r > 0 && trial%3 == 0 {
					x = u[k] + 1e-9*x // near row 0
				}
				u[r*dim+k] = x
				n += x * x
			}
			n = math.Sqrt(n)
			for k := 0; k < dim; k++ {
				u[r*dim+k] /= n
			}
		}
		minAngle, bi, bj := math.Inf(1), -1, -1
		for a := 0; a < m; a++ {
			for b := a + 1; b < m; b++ {
				if ang := kahanAngleDeg(u[a*dim:(a+1)*dim], u[b*dim:(b+1)*dim]); ang < minAngle {
					minAngle, bi, bj = ang, a, b
				}
			}
		}
		chord, i, j, ok := MinChord(u, m, dim)
		got := AngleDegFromChord(chord)
		if !ok || math.Abs(got-minAngle) > 1e-12*minAngle {
			t.Fatalf("trial %d (m=%d, dim=%d): MinChord = %v, %d, %d, %v, angle %v°; brute force angle %v° at (%d, %d)",
				trial, m, dim, chord, i, j, ok, got, minAngle, bi, bj)
		}
		if (i != bi || j != bj) && math.Abs(kahanAngleDeg(u[i*dim:(i+1)*dim], u[j*dim:(j+1)*dim])-minAngle) > 1e-12*minAngle {
			t.Fatalf("trial %d: pair (%d, %d), brute force (%d, %d)", trial, i, j, bi, bj)
		}
	}
}

func TestDeltaFromChord(t *testing.T) {
	for _, c := range []struct{ chord, want float64 }{
		{0, 0}, {math.Sqrt2, 1}, {2, 2}, {1, 0.5}, {1e-8, 5e-17}, {1e-150, 5e-301}, {1e-170, 0},
	} {
		if got := DeltaFromChord(c.chord); math.Abs(got-c.want) > 2.3e-16*c.want {
			t.Errorf("DeltaFromChord(%v) = %v, want %v", c.chord, got, c.want)
		}
	}
}

func TestAngleDegFromChord(t *testing.T) {
	tests := []struct{ c, want float64 }{
		{0, 0},
		{2, 180},
		{2 + 1e-15, 180},
		{math.Sqrt2, 90},
		{1, 60},
		{math.Sqrt(3), 120},
		{1e-8, 1e-8 * 180 / math.Pi},
		{1e-170, 1e-170 * 180 / math.Pi},
	}
	for _, tc := range tests {
		if got := AngleDegFromChord(tc.c); math.Abs(got-tc.want) > 1e-14*tc.want {
			t.Errorf("AngleDegFromChord(%v) = %.17g, want %v", tc.c, got, tc.want)
		}
	}
	if got := AngleDegFromChord(2); got != 180 {
		t.Errorf("AngleDegFromChord(2) = %v, want exactly 180", got)
	}
	if got := AngleDegFromChord(math.NaN()); !math.IsNaN(got) {
		t.Errorf("AngleDegFromChord(NaN) = %v, want NaN", got)
	}
}

// sink keeps benchmark results alive so the work is not optimised away.
var sink float64

func BenchmarkMinChord(b *testing.B) {
	const m, dim = 64, 16
	rng := rand.New(rand.NewPCG(3, 4))
	u := make([]float64, m*dim)
	for k := range u {
		u[k] = rng.NormFloat64()
	}
	b.ReportAllocs()
	for b.Loop() {
		c, _, _, _ := MinChord(u, m, dim)
		sink += c
	}
}
