package sphere_test

import (
	"fmt"

	"hoplab/internal/sim/sphere"
)

// The regular hexagon is the optimal 2-D code of 6 points: its closest
// neighbours are 60° apart (chord 1), so Δ_min = 1 − cos 60° = 1²/2 = 0.5,
// inside the bounds of Proposition 3.1 for d = 2.
func Example() {
	u := sphere.RegularPolygon(nil, 6, 0)
	chord, _, _, _ := sphere.MinChord(u, 6, 2)
	lower, upper := sphere.Prop31Bounds(6, 2)
	fmt.Printf("closest neighbours %.1f° apart\n", sphere.AngleDegFromChord(chord))
	fmt.Printf("Δ_min = %.4f, optimal %.4f\n", sphere.DeltaFromChord(chord), sphere.OptimalDeltaMin2D(6))
	fmt.Printf("Prop 3.1 bounds: %.4f ≤ Δ_min ≤ %.4f\n", lower, upper)

	deg, proven, _ := sphere.TammesAngleDeg(12)
	fmt.Printf("12 points in 3-D: %.7f° (proven %v)\n", deg, proven)
	// Output:
	// closest neighbours 60.0° apart
	// Δ_min = 0.5000, optimal 0.5000
	// Prop 3.1 bounds: 0.0343 ≤ Δ_min ≤ 1.0472
	// 12 points in 3-D: 63.4349488° (proven true)
}
