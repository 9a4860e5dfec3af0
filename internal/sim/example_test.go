package sim_test

import (
	"fmt"

	"hoplab/internal/sim"
	"hoplab/internal/sim/separation"
)

// Three memories crowded on one side of the circle: U-Hop+ with an affine
// map spreads their features apart, and the basins follow.
func Example() {
	run, err := sim.New(sim.Settings{
		Memories:          [][]float64{{1, 0}, {0.9, 0.3}, {0.8, -0.4}},
		NormalizeMemories: true,
		FeatureMap:        sim.FeatureMapSettings{Affine: true},
		UHop:              sim.UHopSettings{Optimizer: sim.Adam, LR: 0.1, Tau: 0.5, Loss: sim.LossPairs},
	})
	if err != nil {
		panic(err)
	}
	for run.Iterations() < 20 {
		run.Step()
		if t, diverged := run.Diverged(); diverged {
			fmt.Printf("diverged at t=%d\n", t) // not with these settings
			return
		}
	}
	for _, t := range []int{0, 20} {
		st := run.State(t)
		fmt.Printf("t=%2d loss %.4f min angle %5.1f°\n", t, st.Loss, st.MinAngleDeg)
	}

	var frame sim.Frame
	view := sim.FrameSettings{
		Space: sim.FeatureSpace, Beta: 20, Separations: []separation.Map{separation.Softmax(), separation.Sparsemax()},
		Steps: 5, Tolerance: 1e-3, SupportEps: 0.01, Grid: sim.GridSpec{NX: 40, NY: 40, Margin: 0.1},
	}
	for _, t := range []int{0, 20} {
		if err := run.Render(&frame, t, view, sim.Serial{}); err != nil {
			panic(err)
		}
		fmt.Printf("t=%2d white cells: softmax %4.1f%%, sparsemax %4.1f%%\n", t,
			100*frame.Panels[0].UnlabeledFraction(), 100*frame.Panels[1].UnlabeledFraction())
	}
	// Output:
	// t= 0 loss 0.5735 min angle  18.4°
	// t=20 loss -0.0345 min angle  73.1°
	// t= 0 white cells: softmax 100.0%, sparsemax 29.9%
	// t=20 white cells: softmax  0.0%, sparsemax  0.0%
}
