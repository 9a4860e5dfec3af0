package sim

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// goldenCase is one file of testdata/golden: a setting of the authors'
// contours.py and the losses and maps its torch run produced (SCIENCE §9).
type goldenCase struct {
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
	LossByStep []float64
	W          [][][]float64
	B          [][]float64
	Tolerance  struct {
		Loss float64
		W    float64
	}
}

func TestGoldenContours(t *testing.T) {
	files, err := filepath.Glob("testdata/golden/contours*.json")
	if err != nil || len(files) != 2 {
		t.Fatalf("golden files: %v %v", files, err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			raw, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var g goldenCase
			if err := json.Unmarshal(raw, &g); err != nil {
				t.Fatal(err)
			}
			sc := g.Scenario
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
