package separation_test

import (
	"fmt"

	"hoplab/internal/sim/separation"
)

// Sparsemax and 1.5-entmax give exact zeros where softmax does not; Ψ* of
// softmax is log Σ exp.
func Example() {
	z := []float64{1, 0.5, -1}
	p := make([]float64, len(z))
	ws := separation.NewWorkspace(len(z))
	for _, name := range []string{"softmax", "entmax15", "sparsemax", "entmax:1.5"} {
		m, err := separation.Parse(name)
		if err != nil {
			fmt.Println(err)
			return
		}
		psi := m.SepPsi(p, z, ws)
		fmt.Printf("%-10s p = %.4f  Ψ* = %.4f\n", m.Name(), p, psi)
	}
	_, err := separation.Parse("entmax:1")
	fmt.Println(err)
	// Output:
	// softmax    p = [0.5741 0.3482 0.0777]  Ψ* = 1.5550
	// entmax15   p = [0.6740 0.3260 0.0000]  Ψ* = 1.1844
	// sparsemax  p = [0.7500 0.2500 0.0000]  Ψ* = 1.0625
	// entmax:1.5 p = [0.6740 0.3260 0.0000]  Ψ* = 1.1844
	// separation: alpha out of range in "entmax:1": want entmax:<alpha> with 1.001 <= alpha <= 16 (closer to 1, use softmax)
}

// Sparsemax of (0.5, 0): τ = (0.5 + 0 − 1)/2 = −0.25, so p = (0.75, 0.25).
func ExampleMap_Sep() {
	z := []float64{0.5, 0}
	p := make([]float64, 2)
	separation.Sparsemax().Sep(p, z, separation.NewWorkspace(2))
	fmt.Println(p)
	// Output:
	// [0.75 0.25]
}
