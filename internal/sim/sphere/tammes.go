package sphere

import "slices"

// TammesEntry is one row of the table of best-known 3-D codes (the Tammes
// problem: place M points on S² to maximise the smallest angle between them).
type TammesEntry struct {
	// M is the number of points.
	M int
	// AngleDeg is the best-known smallest angle θ*_M, in degrees.
	AngleDeg float64
	// Proven reports whether θ*_M is proven optimal; if false it is only the
	// best value known from numerical search.
	Proven bool
	// Source names the configuration and who found or proved it.
	Source string
}

// bestKnown is the source of the rows that are not proven optimal: the
// best values found by numerical search, as the authors list them.
const bestKnown = "best known, not proven (Sloane's packing tables; the authors' bound_simulation.py)"

// tammes is the table of SCIENCE §5.2: every M of the authors' Prop. 3.1
// figure (bound_simulation.py, MAGICS-LAB/Optimal-Hopfield-Memory), that
// is M = 2 … 50 and 55 … 130 in steps of 5, with the angles exactly as that
// script lists them (7 decimals of a degree), cross-checked with the OEIS
// for the proven rows. Optimality is proven for M = 3 … 14 and 24 (M = 2
// trivially); every other row is a best-known numerical value. Sorted by M.
// Never modified: Tammes hands out copies.
var tammes = [...]TammesEntry{
	{2, 180, true, "antipodal pair"},
	{3, 120, true, "equilateral triangle on a great circle"},
	{4, 109.4712206, true, "regular tetrahedron (Fejes Tóth)"},
	{5, 90, true, "Schütte–van der Waerden"},
	{6, 90, true, "regular octahedron"},
	{7, 77.8695421, true, "OEIS A383859"},
	{8, 74.8584922, true, "square antiprism; OEIS A381756"},
	{9, 70.5287794, true, "OEIS A137914"},
	{10, 66.1468220, true, "Danzer; OEIS A340918"},
	{11, 63.4349488, true, "icosahedron less one vertex; OEIS A105199"},
	{12, 63.4349488, true, "regular icosahedron"},
	{13, 57.1367031, true, "Musin–Tarasov 2012; OEIS A217695"},
	{14, 55.6705700, true, "Musin–Tarasov 2015; OEIS A383860"},
	{15, 53.6578501, false, bestKnown},
	{16, 52.2443957, false, bestKnown},
	{17, 51.0903285, false, bestKnown},
	{18, 49.5566548, false, bestKnown},
	{19, 47.6919141, false, bestKnown},
	{20, 47.4310362, false, bestKnown},
	{21, 45.6132231, false, bestKnown},
	{22, 44.7401612, false, bestKnown},
	{23, 43.7099642, false, bestKnown},
	{24, 43.6907671, true, "snub cube (Robinson 1961); OEIS A383861"},
	{25, 41.6344612, false, bestKnown},
	{26, 41.0376616, false, bestKnown},
	{27, 40.6776007, false, bestKnown},
	{28, 39.3551436, false, bestKnown},
	{29, 38.7136512, false, bestKnown},
	{30, 38.5971159, false, bestKnown},
	{31, 37.7098291, false, bestKnown},
	{32, 37.4752140, false, bestKnown},
	{33, 36.2545530, false, bestKnown},
	{34, 35.8077844, false, bestKnown},
	{35, 35.3198076, false, bestKnown},
	{36, 35.1897322, false, bestKnown},
	{37, 34.4224080, false, bestKnown},
	{38, 34.2506607, false, bestKnown},
	{39, 33.4890466, false, bestKnown},
	{40, 33.1583563, false, bestKnown},
	{41, 32.7290944, false, bestKnown},
	{42, 32.5063863, false, bestKnown},
	{43, 32.0906244, false, bestKnown},
	{44, 31.9834230, false, bestKnown},
	{45, 31.3230814, false, bestKnown},
	{46, 30.9591635, false, bestKnown},
	{47, 30.7818159, false, bestKnown},
	{48, 30.7627855, false, bestKnown},
	{49, 29.9235851, false, bestKnown},
	{50, 29.7529564, false, bestKnown},
	{55, 28.2627914, false, bestKnown},
	{60, 27.1928300, false, bestKnown},
	{65, 26.0698299, false, bestKnown},
	{70, 25.1709200, false, bestKnown},
	{75, 24.3017225, false, bestKnown},
	{80, 23.5530672, false, bestKnown},
	{85, 22.7791621, false, bestKnown},
	{90, 22.1540232, false, bestKnown},
	{95, 21.5945501, false, bestKnown},
	{100, 21.0312020, false, bestKnown},
	{105, 20.5388524, false, bestKnown},
	{110, 20.1113276, false, bestKnown},
	{115, 19.6239931, false, bestKnown},
	{120, 19.3240201, false, bestKnown},
	{125, 18.8448151, false, bestKnown},
	{130, 18.5103522, false, bestKnown},
}

// Tammes returns the table of best-known smallest angles of 3-D codes
// (SCIENCE §5.2), sorted by M: every M of the Prop. 3.1 figure, M = 2 … 50
// and M = 55, 60, …, 130. The angles are given to 7 decimals of a degree;
// those of M = 2 … 14 and 24 are proven optimal, the others are best-known
// values (Proven false). The result is a fresh copy that the caller may
// modify.
func Tammes() []TammesEntry {
	return slices.Clone(tammes[:])
}

// tammesRow returns the table's row for m, or ok = false if m is not in it.
func tammesRow(m int) (e TammesEntry, ok bool) {
	k, found := slices.BinarySearchFunc(tammes[:], m, func(e TammesEntry, m int) int {
		return e.M - m
	})
	if !found {
		return TammesEntry{}, false
	}
	return tammes[k], true
}

// TammesAngleDeg returns the table's angle θ*_m in degrees and whether it is
// proven optimal; ok is false if m is not in the table.
func TammesAngleDeg(m int) (deg float64, proven, ok bool) {
	e, ok := tammesRow(m)
	return e.AngleDeg, e.Proven, ok
}
