// Package sim is the mathematics of hoplab: Kernelized Hopfield Models (KHMs),
// the U-Hop+ separation algorithm and the evaluation of energy landscapes,
// basins of attraction, support sizes and retrieval paths.
//
// Everything here follows docs/science.md, whose section numbers ("SCIENCE
// §n") doc comments cite. The package is pure: no I/O, no clock, no globals and
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
// Under Render lies the general shape, Model × Domain × Measure:
//
//	model, err := run.Model(t, settings) // immutable snapshot: *Hopfield (feature or input view)
//	set, err := sim.NewQuerySet(n, queries) // a Domain: the queries (Grid2D, QuerySet, …)
//	var hist sim.SupportHistogram           // a Measure: Panel, SupportHistogram, Paths
//	err = sim.Evaluate(set, []sim.Target{{model, &hist}}, runner)
//
// An evaluation splits its work into chunks whose number and bounds depend
// only on the domain, so results are bit-identical whatever the number of
// cores or the order in which a Runner executes the chunks, and a Runner
// may stop between chunks. A plane model on a Grid2D kept in a Panel takes
// the paired kernel of grid.go; everything else, the general loop of
// evaluate.go, which gives the same cells the same bits.
package sim
