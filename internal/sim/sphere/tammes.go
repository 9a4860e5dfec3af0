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

// tammes is the table of SCIENCE §5.2: the angles as listed in the authors'
// bound_simulation.py (MAGICS-LAB/Optimal-Hopfield-Memory), cross-checked with
// the OEIS. Optimality is proven for M = 3..14 and 24 (M = 2 trivially); the
// rows for 30, 50, 100 and 130 are best-known numerical values. Sorted by M.
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
	{24, 43.6907671, true, "snub cube (Robinson 1961); OEIS A383861"},
	{30, 38.5971159, false, "best known, numerical"},
	{50, 29.7529564, false, "best known, numerical"},
	{100, 21.0312020, false, "best known, numerical"},
	{130, 18.5103522, false, "best known, numerical"},
}

// Tammes returns the table of best-known smallest angles of 3-D codes
// (SCIENCE §5.2), sorted by M: M = 2..14 and 24 with their proven optimal
// angles, and M = 30, 50, 100, 130 with best-known values (Proven false).
// The angles are given to 7 decimals of a degree. The result is a fresh copy
// that the caller may modify.
func Tammes() []TammesEntry {
	return slices.Clone(tammes[:])
}

// TammesAngleDeg returns the table's angle θ*_m in degrees and whether it is
// proven optimal; ok is false if m is not in the table.
func TammesAngleDeg(m int) (deg float64, proven, ok bool) {
	k, found := slices.BinarySearchFunc(tammes[:], m, func(e TammesEntry, m int) int {
		return e.M - m
	})
	if !found {
		return 0, false, false
	}
	return tammes[k].AngleDeg, tammes[k].Proven, true
}
