package scenario

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"
)

// FuzzScenarioRoundTrip decodes a body as a Scenario, encodes it with
// encoding/json and decodes that again: the second decoding must succeed
// and equal the first, and checking either must give the same answer
// without panicking. A body that does not decode must give a 4xx error.
func FuzzScenarioRoundTrip(f *testing.F) {
	for _, seed := range []string{
		`{"memories": [[1, 0], [0, 1]]}`,
		`{"memories": [[1, 0]], "beta": 1, "separations": ["softmax"], "view": {"space": "input", "grid": {"nx": 3, "ny": 2, "xmin": -1, "xmax": 1, "ymin": 0, "ymax": 1}}}`,
		`{"memories": [[0.5, -2e-3, 1e5]], "normalizeMemories": false, "beta": 0.5, "separations": ["entmax:1.25", "sparsemax"],
		  "featureMap": {"dim": 2, "affine": true, "init": "random", "seed": 42, "W": [[1, 0, 0], [0, -0, 1]], "b": [0.5, -0.5]},
		  "uhop": {"iterations": 3, "optimizer": "sgd", "lr": 0.01, "momentum": 0.9, "tau": 0.5, "loss": "paper"},
		  "retrieval": {"steps": 2, "tolerance": 0.1, "supportEps": 0}, "view": {"space": "feature", "grid": {"nx": 2, "ny": 2, "margin": 0}},
		  "snapshots": [3, 0, 3], "ui": {"k": [1, "<&>", null, {"x": 1e400e}]}}`,
		`{"memories": [[1, 0]], "ui": {"a": "<b>", "n": 1.50}, "featureMap": {"W": []}}`,
		`{"memories": [], "snapshots": [], "separations": []}`,
		`{"memories": [[1, "NaN"]]}`,
		`{"memories": [[1, 0]]} trailing`,
		`{"Memories": [[1, 0]], "BETA": 2}`,
		`{"memories": [[1e308, -1e-320]], "beta": 1e-300}`,
		`{"memories": [[1, 0], [0, 1], [1, 1]], "featureMap": {"init": "torchLinear", "seed": 9}, "uhop": {"iterations": 2, "loss": "paper", "batchOrder": [[2, 0, 1], [1, 1, 0], [0]]}}`,
	} {
		f.Add([]byte(seed))
	}
	for _, name := range []string{"contours2.json", "contours4.json"} {
		data, err := goldenFile(name)
		if err != nil {
			f.Fatal(err)
		}
		var golden struct{ Scenario json.RawMessage }
		if err := json.Unmarshal(data, &golden); err != nil {
			f.Fatal(err)
		}
		f.Add([]byte(golden.Scenario))
	}

	lim := DefaultLimits()
	f.Fuzz(func(t *testing.T, body []byte) {
		sc, err := Decode(body)
		if err != nil {
			if e, ok := errors.AsType[*Error](err); !ok || e.Status/100 != 4 {
				t.Fatalf("decoding %q: %v, want a 4xx *Error", body, err)
			}
			return
		}
		enc, err := json.Marshal(sc)
		if err != nil {
			t.Fatalf("encoding the scenario of %q: %v", body, err)
		}
		sc2, err := Decode(enc)
		if err != nil {
			t.Fatalf("decoding the re-encoded %s (from %q): %v", enc, body, err)
		}
		if !sameScenario(sc, sc2) {
			t.Fatalf("round trip changed the scenario:\nbody %q\nre-encoded %s", body, enc)
		}
		if e1, e2 := checkScenario(sc, lim), checkScenario(sc2, lim); e1 != e2 {
			t.Fatalf("checks differ after the round trip: %q, then %q", e1, e2)
		}
	})
}

// checkScenario runs the checks of a request up to the first U-Hop+ step
// and returns the error's text ("" when the scenario is valid).
func checkScenario(sc *Scenario, lim Limits) string {
	p, err := Resolve(sc, lim)
	if err == nil {
		_, err = p.Start()
	}
	if err == nil {
		return ""
	}
	return err.Error()
}

// sameScenario compares two decoded scenarios; UI is compared by its JSON
// value, since its text may be re-escaped or re-spaced.
func sameScenario(a, b *Scenario) bool {
	ua, ub := a.UI, b.UI
	a2, b2 := *a, *b
	a2.UI, b2.UI = nil, nil
	if !reflect.DeepEqual(a2, b2) {
		return false
	}
	if (ua == nil) != (ub == nil) {
		return false
	}
	if ua == nil {
		return true
	}
	var va, vb any
	if json.Unmarshal(ua, &va) != nil || json.Unmarshal(ub, &vb) != nil {
		return false
	}
	return reflect.DeepEqual(va, vb)
}
