package sim

import (
	"encoding/json"
	"math"
	"testing"

	"hoplab/internal/golden"
)

// goldenScenario is the part of a golden case's scenario (package golden:
// the authors' contours.py settings, SCIENCE §9) that the engine needs.
type goldenScenario struct {
	Scenario struct {
		Memories          [][]float64
		NormalizeMemories bool
		FeatureMap        struct {
			Dim    int
			Affine bool
			W      [][]float64
			B      []float64
		}
		UHop struct {
			Iterations int
			Optimizer  string
			LR         float64
			Momentum   float64
			Tau        float64
			Loss       string
		}
	}
}

func TestGoldenContours(t *testing.T) {
	for _, name := range []string{golden.Contours2, golden.Contours4} {
		t.Run(name, func(t *testing.T) {
			g, err := golden.Load(name)
			if err != nil {
				t.Fatal(err)
			}
			var gs goldenScenario
			if err := json.Unmarshal([]byte(`{"Scenario":`+string(g.Scenario)+`}`), &gs); err != nil {
				t.Fatal(err)
			}
			sc := gs.Scenario
			if sc.UHop.Optimizer != "sgd" || sc.UHop.Loss != "paper" {
				t.Fatalf("unexpected golden setting %+v", sc.UHop)
			}
			run, err := New(Settings{
				Memories:          sc.Memories,
				NormalizeMemories: sc.NormalizeMemories,
				FeatureMap:        FeatureMapSettings{Dim: sc.FeatureMap.Dim, Affine: sc.FeatureMap.Affine, W: sc.FeatureMap.W, B: sc.FeatureMap.B},
				UHop:              UHopSettings{Optimizer: SGD, LR: sc.UHop.LR, Momentum: sc.UHop.Momentum, Tau: sc.UHop.Tau, Loss: LossPaper},
			})
			if err != nil {
				t.Fatal(err)
			}
			for range sc.UHop.Iterations {
				run.Step()
			}
			// The largest differences are logged: the README and
			// docs/science.md quote them, and the files' tolerances sit
			// just above them.
			var worstLoss, worstW float64
			defer func() {
				t.Logf("largest difference from the torch run: loss %.3g (tolerance %g), W and b %.3g (tolerance %g)",
					worstLoss, g.Tolerance.Loss, worstW, g.Tolerance.W)
			}()
			for step, want := range g.LossByStep {
				got := run.State(step).Loss
				worstLoss = max(worstLoss, math.Abs(got-want))
				if math.Abs(got-want) > g.Tolerance.Loss {
					t.Errorf("loss at t=%d: got %.9f, want %.9f (tol %g)", step, got, want, g.Tolerance.Loss)
				}
			}
			for step := range g.W {
				st := run.State(step + 1)
				for i, row := range g.W[step] {
					for j, want := range row {
						got := st.W[i*2+j]
						worstW = max(worstW, math.Abs(got-want))
						if math.Abs(got-want) > g.Tolerance.W {
							t.Errorf("W after step %d [%d][%d]: got %.8f, want %.8f", step+1, i, j, got, want)
						}
					}
					got, want := st.B[i], g.B[step][i]
					worstW = max(worstW, math.Abs(got-want))
					if math.Abs(got-want) > g.Tolerance.W {
						t.Errorf("b after step %d [%d]: got %.8f, want %.8f", step+1, i, got, want)
					}
				}
			}
		})
	}
}
