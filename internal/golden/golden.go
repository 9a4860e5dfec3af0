// Package golden holds the reference numbers from the authors' code
// (SCIENCE §9), embedded: the Figure 1 settings of contours.py with two and
// four memories, and the basins figure's setting of basins.py, each with
// the memories, the initial map W₀, b₀ and what their float32 torch run
// produced (the loss before every step, W and b after it).
//
// They are the one source of those numbers: the engine's golden tests
// compare with them, and the explorer's Figure 1 and basins presets are
// built from their scenarios.
package golden

import (
	"embed"
	"encoding/json"
	"fmt"
)

//go:embed *.json
var files embed.FS

// Case is one golden file.
type Case struct {
	// About says where the numbers come from.
	About string `json:"about"`
	// Scenario is the setting as a docs/api.md scenario.
	Scenario json.RawMessage `json:"scenario"`
	// LossByStep[t] is the loss L(W_t, b_t) for t = 0 … N−1, before step t+1.
	LossByStep []float64 `json:"lossByStep"`
	// W[t] (D_Φ×d) and B[t] (D_Φ) are the map after step t+1.
	W [][][]float64 `json:"W"`
	B [][]float64   `json:"b"`
	// Tolerance is the largest difference a float64 implementation may
	// have from the torch run: in the loss, and in W and b.
	Tolerance struct {
		Loss float64 `json:"loss"`
		W    float64 `json:"W"`
	} `json:"tolerance"`
}

// Names of the cases, for Load.
const (
	Contours2 = "contours2" // Figure 1, two memories (contours.py)
	Contours4 = "contours4" // Figure 1, four memories (contours.py)
	Basins5   = "basins5"   // the basins figure, five memories (basins.py)
)

// Load returns the case called name (Contours2, Contours4 or Basins5).
// The files are compiled in, so an error means a broken build.
func Load(name string) (*Case, error) {
	raw, err := files.ReadFile(name + ".json")
	if err != nil {
		return nil, fmt.Errorf("golden: no case %q: %w", name, err)
	}
	var c Case
	if err := json.Unmarshal(raw, &c); err != nil {
		return nil, fmt.Errorf("golden: case %q: %w", name, err)
	}
	return &c, nil
}

// Raw returns the file of case name as it is stored.
func Raw(name string) ([]byte, error) {
	raw, err := files.ReadFile(name + ".json")
	if err != nil {
		return nil, fmt.Errorf("golden: no case %q: %w", name, err)
	}
	return raw, nil
}

// Scenario returns case name's scenario as a JSON object with the members
// of overrides set on top of it (a shallow merge at the top level, and one
// level down for objects present in both, such as "uhop" or "view"). A nil
// value removes the member.
func Scenario(name string, overrides map[string]any) ([]byte, error) {
	c, err := Load(name)
	if err != nil {
		return nil, err
	}
	var sc map[string]any
	if err := json.Unmarshal(c.Scenario, &sc); err != nil {
		return nil, fmt.Errorf("golden: case %q: %w", name, err)
	}
	for k, v := range overrides {
		inner, isObj := v.(map[string]any)
		cur, hasObj := sc[k].(map[string]any)
		if isObj && hasObj {
			for ik, iv := range inner {
				if iv == nil {
					delete(cur, ik)
				} else {
					cur[ik] = iv
				}
			}
			continue
		}
		if v == nil {
			delete(sc, k)
		} else {
			sc[k] = v
		}
	}
	return json.Marshal(sc)
}
