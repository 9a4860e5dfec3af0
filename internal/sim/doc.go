// Package sim is the mathematics of hoplab: Kernelized Hopfield Models (KHMs),
// the U-Hop+ separation algorithm and the evaluation of energy landscapes and
// basins of attraction on a 2-D grid.
//
// Everything here follows ../shared/SCIENCE.md; section numbers in doc
// comments refer to it. The package is pure: no I/O, no clock, no globals and
// no hidden randomness (random initial maps come from an explicit seed).
//
// The life of a computation:
//
//	run, err := sim.New(settings)    // validated memories, feature map, optimiser
//	for run.Iterations() < n {
//		run.Step()                   // one U-Hop+ optimiser step (§6)
//		if t, ok := run.Diverged(); ok {
//			break                    // state t is not finite; 0 … t−1 are kept
//		}
//	}
//	st := run.State(t)               // W_t, b_t, loss, Δ_min for any 0 ≤ t ≤ Iterations()
//	err = run.Render(&frame, t, view, runner) // energy, basins, support on a grid
//
// Grid evaluation splits its work into chunks whose number and bounds depend
// only on the grid, so a Frame is bit-identical whatever the number of cores
// or the order in which a Runner executes the chunks.
package sim
