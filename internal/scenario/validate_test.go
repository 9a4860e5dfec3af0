package scenario

import (
	"fmt"
	"hoplab/internal/sim"
	"hoplab/internal/sim/separation"
	"reflect"
	"strings"
	"testing"
)

// TestKeysAreCaseSensitive: a key that names a field only when case is
// ignored is refused with a hint, while keys inside "ui" are free.
func TestKeysAreCaseSensitive(t *testing.T) {
	if _, err := Decode([]byte(`{"memories": [[1, 0]], "ui": {"Beta": 1, "VIEW": {}}}`)); err != nil {
		t.Errorf("ui keys: %v", err)
	}
	_, err := Decode([]byte(`{"memories": [[1, 0]], "uhop": {"Tau": 2}}`))
	e, ok := err.(*Error)
	if !ok || e.Code != CodeUnknownField || e.Field != "uhop.Tau" || !strings.Contains(e.Message, `did you mean "tau"?`) {
		t.Errorf("miscased key: %v", err)
	}
}

func ExampleLimits() {
	lim := DefaultLimits()
	fmt.Println(lim.MaxMemories, lim.MaxInputDim, lim.MaxFeatureDim, lim.MaxIterations)
	// Output: 512 512 512 10000
}

// TestResolveDefaults checks every default of docs/api.md on the smallest
// scenario, and the default snapshots [0, N].
func TestResolveDefaults(t *testing.T) {
	for _, tt := range []struct {
		body       string
		iterations int
		snapshots  []int
	}{
		{`{"memories": [[3, 4]]}`, 0, []int{0}},
		{`{"memories": [[3, 4]], "uhop": {"iterations": 7}}`, 7, []int{0, 7}},
	} {
		sc, err := Decode([]byte(tt.body))
		if err != nil {
			t.Fatal(err)
		}
		p, err := Resolve(sc, DefaultLimits())
		if err != nil {
			t.Fatal(err)
		}
		want := &Plan{
			Settings: sim.Settings{
				Memories:          [][]float64{{3, 4}},
				NormalizeMemories: true,
				FeatureMap:        sim.FeatureMapSettings{Dim: 2, Affine: false, Init: sim.InitIdentity, Seed: 1},
				UHop:              sim.UHopSettings{Optimizer: sim.Adam, LR: 0.1, Momentum: 0, Tau: 1, Loss: sim.LossPairs},
			},
			Frame: sim.FrameSettings{
				Space:       sim.FeatureSpace,
				Beta:        20,
				Separations: []separation.Map{separation.Softmax(), separation.Entmax15(), separation.Sparsemax()},
				Steps:       5,
				Tolerance:   0.001,
				SupportEps:  0.01,
				Grid:        sim.GridSpec{NX: 100, NY: 100, Margin: 0.1},
			},
			Iterations: tt.iterations,
			Snapshots:  tt.snapshots,
		}
		if !reflect.DeepEqual(p, want) {
			t.Errorf("%s resolves to\n%+v\nwant\n%+v", tt.body, p, want)
		}
	}
}

// TestResolveExplicit sets every field and checks that each one arrives.
func TestResolveExplicit(t *testing.T) {
	body := `{"memories": [[0.5, -2e-3, 1e5]], "normalizeMemories": false, "beta": 0.5,
		"separations": ["entmax:1.25", "sparsemax"],
		"featureMap": {"dim": 2, "affine": true, "init": "random", "seed": 42, "W": [[1, 0, 0], [0, -0.5, 1]], "b": [0.5, -0.5]},
		"uhop": {"iterations": 3, "optimizer": "sgd", "lr": 0.01, "momentum": 0.9, "tau": 0.5, "loss": "paper"},
		"retrieval": {"steps": 2, "tolerance": 0.1, "supportEps": 0},
		"view": {"space": "feature", "paperSoftmaxEnergy": true, "grid": {"nx": 2, "ny": 3, "xmin": -1, "xmax": 1, "ymin": -2, "ymax": 2, "margin": 0}},
		"snapshots": [3, 0, 3], "ui": {"k": 1}}`
	sc, err := Decode([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	p, err := Resolve(sc, DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	entmax, _ := separation.Entmax(1.25)
	want := &Plan{
		Settings: sim.Settings{
			Memories:          [][]float64{{0.5, -2e-3, 1e5}},
			NormalizeMemories: false,
			FeatureMap: sim.FeatureMapSettings{Dim: 2, Affine: true, Init: sim.InitRandom, Seed: 42,
				W: [][]float64{{1, 0, 0}, {0, -0.5, 1}}, B: []float64{0.5, -0.5}},
			UHop: sim.UHopSettings{Optimizer: sim.SGD, LR: 0.01, Momentum: 0.9, Tau: 0.5, Loss: sim.LossPaper},
		},
		Frame: sim.FrameSettings{
			Space:              sim.FeatureSpace,
			PaperSoftmaxEnergy: true,
			Beta:               0.5,
			Separations:        []separation.Map{entmax, separation.Sparsemax()},
			Steps:              2,
			Tolerance:          0.1,
			SupportEps:         0,
			Grid:               sim.GridSpec{NX: 2, NY: 3, Bounds: &sim.Rect{XMin: -1, XMax: 1, YMin: -2, YMax: 2}, Margin: 0},
		},
		Iterations: 3,
		Snapshots:  []int{3, 0, 3},
	}
	if !reflect.DeepEqual(p, want) {
		t.Errorf("resolves to\n%+v\nwant\n%+v", p, want)
	}
}
