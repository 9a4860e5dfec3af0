package golden

import (
	"bytes"
	"encoding/json"
	"testing"
)

// TestCases: every case loads, its trajectory has one loss, W and b per
// step, and its tolerances are set.
func TestCases(t *testing.T) {
	for _, name := range []string{Contours2, Contours4, Basins5} {
		c, err := Load(name)
		if err != nil {
			t.Fatal(err)
		}
		var sc struct {
			UHop struct{ Iterations int } `json:"uhop"`
		}
		if err := json.Unmarshal(c.Scenario, &sc); err != nil {
			t.Fatal(err)
		}
		n := sc.UHop.Iterations
		if n == 0 || len(c.LossByStep) != n || len(c.W) != n || len(c.B) != n || c.Tolerance.Loss <= 0 || c.Tolerance.W <= 0 {
			t.Errorf("%s: %d steps, %d losses, %d W, %d b, tolerances %+v", name, n, len(c.LossByStep), len(c.W), len(c.B), c.Tolerance)
		}
	}
	if _, err := Load("contours3"); err == nil {
		t.Error("Load of an unknown case did not fail")
	}
}

// TestScenarioOverrides: overrides replace top-level members and merge
// into objects one level down; everything else stays.
func TestScenarioOverrides(t *testing.T) {
	b, err := Scenario(Contours4, map[string]any{"uhop": map[string]any{"iterations": 0, "lr": nil}, "view": map[string]any{"paperSoftmaxEnergy": true}, "normalizeMemories": nil})
	if err != nil {
		t.Fatal(err)
	}
	var sc struct {
		Beta float64        `json:"beta"`
		UHop map[string]any `json:"uhop"`
		View map[string]any `json:"view"`
	}
	if err := json.Unmarshal(b, &sc); err != nil {
		t.Fatal(err)
	}
	_, hasLR := sc.UHop["lr"]
	if sc.Beta != 20 || sc.UHop["iterations"] != 0.0 || sc.UHop["optimizer"] != "sgd" || hasLR || sc.View["paperSoftmaxEnergy"] != true || bytes.Contains(b, []byte("normalizeMemories")) {
		t.Errorf("merged scenario %s", b)
	}
}
