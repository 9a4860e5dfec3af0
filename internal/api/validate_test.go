package api

import (
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"hoplab/internal/sim"
	"hoplab/internal/sim/separation"
)

// TestKeysAreCaseSensitive: a key that names a field only when case is
// ignored is refused with a hint, while keys inside "ui" are free.
func TestKeysAreCaseSensitive(t *testing.T) {
	if _, err := decodeScenario([]byte(`{"memories": [[1, 0]], "ui": {"Beta": 1, "VIEW": {}}}`)); err != nil {
		t.Errorf("ui keys: %v", err)
	}
	_, err := decodeScenario([]byte(`{"memories": [[1, 0]], "uhop": {"Tau": 2}}`))
	e, ok := err.(*apiError)
	if !ok || e.code != codeUnknownField || e.field != "uhop.Tau" || !strings.Contains(e.message, `did you mean "tau"?`) {
		t.Errorf("miscased key: %v", err)
	}
}

// TestRunRejects posts invalid scenarios, one problem each, and checks the
// status, the error code and the field path of the answer.
func TestRunRejects(t *testing.T) {
	const two = `"memories": [[1, 0], [0, 1]]` // a valid start for most rows
	obj := func(members ...string) string { return "{" + strings.Join(members, ", ") + "}" }

	nonzero := func(i, j int) float64 { return float64((i+j)%7) + 1 }
	tests := []struct {
		name   string
		body   string
		status int
		code   string
		field  string
	}{
		// The body as a whole.
		{"empty body", "", 400, codeInvalidJSON, ""},
		{"truncated JSON", `{"memories": [[1, 0]`, 400, codeInvalidJSON, ""},
		{"syntax error", `{"memories": [[1, 0]],}`, 400, codeInvalidJSON, ""},
		{"bare NaN", `{"memories": [[1, NaN]]}`, 400, codeInvalidJSON, ""},
		{"bare Infinity", `{"memories": [[1, 0]], "beta": Infinity}`, 400, codeInvalidJSON, ""},
		{"trailing garbage", obj(two) + " x", 400, codeInvalidJSON, ""},
		{"second object", obj(two) + " {}", 400, codeInvalidJSON, ""},
		{"top-level array", `[[1, 0]]`, 400, codeInvalidJSON, ""},
		{"top-level null", `null`, 400, codeInvalidJSON, ""},
		{"top-level string", `"memories"`, 400, codeInvalidJSON, ""},
		{"body over the limit", `{"memories": [[` + strings.Repeat("0,", 4<<20) + `1]]}`, 413, codeBodyTooLarge, ""},

		// Unknown fields, with their paths.
		{"unknown field", obj(two, `"betta": 1`), 400, codeUnknownField, "betta"},
		{"unknown featureMap field", obj(two, `"featureMap": {"dim": 2, "bias": [0, 0]}`), 400, codeUnknownField, "featureMap.bias"},
		{"unknown uhop field", obj(two, `"uhop": {"iters": 3}`), 400, codeUnknownField, "uhop.iters"},
		{"unknown retrieval field", obj(two, `"retrieval": {"step": 3}`), 400, codeUnknownField, "retrieval.step"},
		{"unknown view.grid field", obj(two, `"view": {"grid": {"nz": 3}}`), 400, codeUnknownField, "view.grid.nz"},
		{"unknown key after the same key in ui", obj(two, `"ui": {"foo": 1}`, `"foo": 2`), 400, codeUnknownField, "foo"},
		{"miscased key", obj(two, `"Beta": 3`), 400, codeUnknownField, "Beta"},
		{"miscased nested key", obj(two, `"view": {"grid": {"NX": 3}}`), 400, codeUnknownField, "view.grid.NX"},
		{"miscased object key", obj(two, `"featuremap": {"dim": 2}`), 400, codeUnknownField, "featuremap"},

		// memories
		{"memories missing", `{}`, 400, codeInvalidField, "memories"},
		{"memories null", `{"memories": null}`, 400, codeInvalidField, "memories"},
		{"memories empty", `{"memories": []}`, 400, codeInvalidField, "memories"},
		{"memories not an array", `{"memories": 5}`, 400, codeInvalidField, "memories"},
		{"memory empty", `{"memories": [[]]}`, 400, codeInvalidField, "memories[0]"},
		{"memory not an array", `{"memories": [[1, 0], 3]}`, 400, codeInvalidField, "memories[1]"},
		{"ragged memories", `{"memories": [[1, 0], [1]]}`, 400, codeInvalidField, "memories[1]"},
		{"NaN-like string", `{"memories": [[1, "NaN"]]}`, 400, codeInvalidField, "memories[0][1]"},
		{"Infinity-like string", `{"memories": [[1, 0], [0, "Infinity"]]}`, 400, codeInvalidField, "memories[1][1]"},
		{"null coordinate", `{"memories": [[1, 0], [null, 1]]}`, 400, codeInvalidField, "memories[1][0]"},
		{"coordinate beyond float64", `{"memories": [[1, 0], [1e400, 1]]}`, 400, codeInvalidField, "memories[1][0]"},
		{"zero memory", `{"memories": [[1, 0], [0, 0]]}`, 400, codeInvalidField, "memories[1]"},
		{"coordinate over the limit", `{"memories": [[1, 0], [2e6, 1]]}`, 400, codeLimitExceeded, "memories[1][0]"},
		{"too many memories", `{"memories": ` + listJSON(513, "[1, 0]") + `}`, 400, codeLimitExceeded, "memories"},
		{"memory too long", `{"memories": [` + listJSON(513, "1") + `]}`, 400, codeLimitExceeded, "memories[0]"},
		{"normalizeMemories a string", obj(two, `"normalizeMemories": "yes"`), 400, codeInvalidField, "normalizeMemories"},

		// beta
		{"beta zero", obj(two, `"beta": 0`), 400, codeInvalidField, "beta"},
		{"beta negative", obj(two, `"beta": -1`), 400, codeInvalidField, "beta"},
		{"beta a string", obj(two, `"beta": "20"`), 400, codeInvalidField, "beta"},
		{"beta NaN-like string", obj(two, `"beta": "NaN"`), 400, codeInvalidField, "beta"},
		{"beta over the limit", obj(two, `"beta": 1e7`), 400, codeLimitExceeded, "beta"},

		// separations
		{"separation unknown", obj(two, `"separations": ["softmax", "entmax"]`), 400, codeInvalidField, "separations[1]"},
		{"separation alpha out of range", obj(two, `"separations": ["entmax:0.5"]`), 400, codeInvalidField, "separations[0]"},
		{"separation repeated", obj(two, `"separations": ["sparsemax", "entmax:1.5", "sparsemax"]`), 400, codeInvalidField, "separations[2]"},
		{"separation repeated by another spelling", obj(two, `"separations": ["entmax:1.5", "entmax:1.50"]`), 400, codeInvalidField, "separations[1]"},
		{"separations empty", obj(two, `"separations": []`), 400, codeInvalidField, "separations"},
		{"separations not a list", obj(two, `"separations": "softmax"`), 400, codeInvalidField, "separations"},
		{"separation a number", obj(two, `"separations": [1]`), 400, codeInvalidField, "separations[0]"},
		{"separation null", obj(two, `"separations": ["softmax", null]`), 400, codeInvalidField, "separations[1]"},
		{"too many separations", obj(two, `"separations": ["entmax:1.1", "entmax:1.2", "entmax:1.3", "entmax:1.4", "entmax:1.5", "entmax:1.6", "entmax:1.7", "entmax:1.8", "entmax:1.9"]`), 400, codeLimitExceeded, "separations"},

		// featureMap
		{"featureMap an array", obj(two, `"featureMap": []`), 400, codeInvalidField, "featureMap"},
		{"dim zero", obj(two, `"featureMap": {"dim": 0}`), 400, codeInvalidField, "featureMap.dim"},
		{"dim fractional", obj(two, `"featureMap": {"dim": 1.5}`), 400, codeInvalidField, "featureMap.dim"},
		{"dim over the limit", obj(two, `"featureMap": {"dim": 513, "init": "random"}`), 400, codeLimitExceeded, "featureMap.dim"},
		{"affine a string", obj(two, `"featureMap": {"affine": "true"}`), 400, codeInvalidField, "featureMap.affine"},
		{"init unknown", obj(two, `"featureMap": {"init": "zeros"}`), 400, codeInvalidField, "featureMap.init"},
		{"identity init with dim ≠ d", obj(two, `"featureMap": {"dim": 3}`), 400, codeInvalidField, "featureMap.init"},
		{"seed negative", obj(two, `"featureMap": {"init": "random", "seed": -1}`), 400, codeInvalidField, "featureMap.seed"},
		{"seed beyond 2^53", obj(two, `"featureMap": {"init": "random", "seed": 9007199254740993}`), 400, codeInvalidField, "featureMap.seed"},
		{"seed fractional", obj(two, `"featureMap": {"init": "random", "seed": 1.5}`), 400, codeInvalidField, "featureMap.seed"},
		{"W with too few rows", obj(two, `"featureMap": {"W": [[1, 0]]}`), 400, codeInvalidField, "featureMap.W"},
		{"W row too short", obj(two, `"featureMap": {"W": [[1, 0], [1]]}`), 400, codeInvalidField, "featureMap.W[1]"},
		{"W entry a string", obj(two, `"featureMap": {"W": [[1, "0"], [0, 1]]}`), 400, codeInvalidField, "featureMap.W[0][1]"},
		{"W entry over the limit", obj(two, `"featureMap": {"W": [[1, 0], [0, -1e7]]}`), 400, codeLimitExceeded, "featureMap.W[1][1]"},
		{"b without affine", obj(two, `"featureMap": {"b": [0, 0]}`), 400, codeInvalidField, "featureMap.b"},
		{"b of the wrong length", obj(two, `"featureMap": {"affine": true, "b": [0, 0, 0]}`), 400, codeInvalidField, "featureMap.b"},
		{"b entry a bool", obj(two, `"featureMap": {"affine": true, "b": [true, 0]}`), 400, codeInvalidField, "featureMap.b[0]"},
		{"b entry over the limit", obj(two, `"featureMap": {"affine": true, "b": [0, 1e9]}`), 400, codeLimitExceeded, "featureMap.b[1]"},

		// uhop
		{"uhop an array", obj(two, `"uhop": []`), 400, codeInvalidField, "uhop"},
		{"iterations negative", obj(two, `"uhop": {"iterations": -1}`), 400, codeInvalidField, "uhop.iterations"},
		{"iterations fractional", obj(two, `"uhop": {"iterations": 2.5}`), 400, codeInvalidField, "uhop.iterations"},
		{"iterations over the limit", obj(two, `"uhop": {"iterations": 10001}`), 400, codeLimitExceeded, "uhop.iterations"},
		{"optimizer unknown", obj(two, `"uhop": {"optimizer": "rmsprop"}`), 400, codeInvalidField, "uhop.optimizer"},
		{"optimizer upper case", obj(two, `"uhop": {"optimizer": "Adam"}`), 400, codeInvalidField, "uhop.optimizer"},
		{"lr zero", obj(two, `"uhop": {"lr": 0}`), 400, codeInvalidField, "uhop.lr"},
		{"lr over the limit", obj(two, `"uhop": {"lr": 1e4}`), 400, codeLimitExceeded, "uhop.lr"},
		{"momentum negative", obj(two, `"uhop": {"optimizer": "sgd", "momentum": -0.5}`), 400, codeInvalidField, "uhop.momentum"},
		{"momentum over the limit", obj(two, `"uhop": {"momentum": 1e4}`), 400, codeLimitExceeded, "uhop.momentum"},
		{"tau zero", obj(two, `"uhop": {"tau": 0}`), 400, codeInvalidField, "uhop.tau"},
		{"tau under the limit", obj(two, `"uhop": {"tau": 1e-5}`), 400, codeLimitExceeded, "uhop.tau"},
		{"tau over the limit", obj(two, `"uhop": {"tau": 1e5}`), 400, codeLimitExceeded, "uhop.tau"},
		{"loss unknown", obj(two, `"uhop": {"loss": "mse"}`), 400, codeInvalidField, "uhop.loss"},

		// retrieval
		{"steps zero", obj(two, `"retrieval": {"steps": 0}`), 400, codeInvalidField, "retrieval.steps"},
		{"steps over the limit", obj(two, `"retrieval": {"steps": 1001}`), 400, codeLimitExceeded, "retrieval.steps"},
		{"tolerance zero", obj(two, `"retrieval": {"tolerance": 0}`), 400, codeInvalidField, "retrieval.tolerance"},
		{"tolerance over the limit", obj(two, `"retrieval": {"tolerance": 1e7}`), 400, codeLimitExceeded, "retrieval.tolerance"},
		{"supportEps negative", obj(two, `"retrieval": {"supportEps": -1}`), 400, codeInvalidField, "retrieval.supportEps"},
		{"supportEps over the limit", obj(two, `"retrieval": {"supportEps": 2}`), 400, codeLimitExceeded, "retrieval.supportEps"},

		// view
		{"space unknown", obj(two, `"view": {"space": "polar"}`), 400, codeInvalidField, "view.space"},
		{"feature view with D_Φ ≠ 2", `{"memories": [[1, 0, 0], [0, 1, 0]]}`, 400, codeInvalidField, "view.space"},
		{"input view with d ≠ 2", `{"memories": [[1, 0, 0], [0, 1, 0]], "featureMap": {"dim": 2, "init": "random"}, "view": {"space": "input"}}`, 400, codeInvalidField, "view.space"},
		{"grid a number", obj(two, `"view": {"grid": 5}`), 400, codeInvalidField, "view.grid"},
		{"nx one", obj(two, `"view": {"grid": {"nx": 1}}`), 400, codeInvalidField, "view.grid.nx"},
		{"ny a string", obj(two, `"view": {"grid": {"ny": "a"}}`), 400, codeInvalidField, "view.grid.ny"},
		{"nx over the limit", obj(two, `"view": {"grid": {"nx": 1025}}`), 400, codeLimitExceeded, "view.grid.nx"},
		{"ny over the limit", obj(two, `"view": {"grid": {"ny": 1025}}`), 400, codeLimitExceeded, "view.grid.ny"},
		{"grid cells over the limit", obj(two, `"view": {"grid": {"nx": 1024, "ny": 512}}`), 400, codeLimitExceeded, "view.grid"},
		{"three bounds of four", obj(two, `"view": {"grid": {"xmin": -1, "xmax": 1, "ymin": -1}}`), 400, codeInvalidField, "view.grid.ymax"},
		{"one bound", obj(two, `"view": {"grid": {"xmax": 1}}`), 400, codeInvalidField, "view.grid.xmin"},
		{"empty x range", obj(two, `"view": {"grid": {"xmin": 1, "xmax": 1, "ymin": -1, "ymax": 1}}`), 400, codeInvalidField, "view.grid.xmax"},
		{"bound over the limit", obj(two, `"view": {"grid": {"xmin": -2e6, "xmax": 1, "ymin": -1, "ymax": 1}}`), 400, codeLimitExceeded, "view.grid.xmin"},
		{"margin negative", obj(two, `"view": {"grid": {"margin": -1}}`), 400, codeInvalidField, "view.grid.margin"},
		{"margin over the limit", obj(two, `"view": {"grid": {"margin": 1e7}}`), 400, codeLimitExceeded, "view.grid.margin"},

		// snapshots
		{"snapshot beyond N", obj(two, `"uhop": {"iterations": 5}`, `"snapshots": [0, 7]`), 400, codeInvalidField, "snapshots[1]"},
		{"snapshot negative", obj(two, `"snapshots": [-1]`), 400, codeInvalidField, "snapshots[0]"},
		{"snapshot fractional", obj(two, `"uhop": {"iterations": 5}`, `"snapshots": [1.5]`), 400, codeInvalidField, "snapshots[0]"},
		{"snapshot null", obj(two, `"snapshots": [0, null]`), 400, codeInvalidField, "snapshots[1]"},
		{"snapshots an object", obj(two, `"snapshots": {}`), 400, codeInvalidField, "snapshots"},
		{"too many snapshots", obj(two, `"snapshots": `+listJSON(65, "0")), 400, codeLimitExceeded, "snapshots"},

		// ui
		{"ui not an object", obj(two, `"ui": 5`), 400, codeInvalidField, "ui"},

		// Limits on the size of the answer and on the work.
		{"output cells over the limit", obj(two, `"uhop": {"iterations": 1}`, `"view": {"grid": {"nx": 512, "ny": 512}}`), 400, codeLimitExceeded, "snapshots"},
		{"training work over the limit", `{"memories": ` + matrixJSON(100, 100, nonzero) + `, "uhop": {"iterations": 10000}, "snapshots": []}`, 400, codeLimitExceeded, "uhop.iterations"},
		{"trajectory over the limit", `{"memories": ` + matrixJSON(2, 100, nonzero) + `, "uhop": {"iterations": 200}, "snapshots": []}`, 400, codeLimitExceeded, "uhop.iterations"},
		{"rendering work over the limit", obj(two, `"separations": ["entmax:1.3"]`, `"retrieval": {"steps": 1000}`, `"view": {"grid": {"nx": 512, "ny": 512}}`), 400, codeLimitExceeded, "retrieval.steps"},
	}
	s := newTestServer(t, Limits{})
	h := s.routes(nil)
	seen := map[string]bool{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if seen[tt.name] {
				t.Fatalf("duplicate row name %q", tt.name)
			}
			seen[tt.name] = true
			rec := postRun(h, tt.body)
			if rec.Code != tt.status {
				t.Errorf("status %d, want %d; body %.300s", rec.Code, tt.status, rec.Body)
			}
			e := errorOf(t, rec)
			if e.Code != tt.code || e.Field != tt.field {
				t.Errorf("error (code %q, field %q), want (%q, %q); message %q", e.Code, e.Field, tt.code, tt.field, e.Message)
			}
		})
	}
	if len(s.sem) != 0 {
		t.Errorf("%d run slots still held after the rejected requests", len(s.sem))
	}
}

// TestLimitMessagesNameTheLimit checks that a limit_exceeded message names
// the limit and the offending value in the words of the page, never an
// internal Go name such as MaxIterations.
func TestLimitMessagesNameTheLimit(t *testing.T) {
	h := newTestServer(t, Limits{}).routes(nil)
	rec := postRun(h, `{"memories": [[1, 0]], "uhop": {"iterations": 12345}}`)
	e := errorOf(t, rec)
	if e.Code != codeLimitExceeded || !strings.Contains(e.Message, "12345") || !strings.Contains(e.Message, "10000") || strings.Contains(e.Message, "Max") {
		t.Errorf("error %+v: want limit_exceeded naming 12345 and 10000, without internal names", e)
	}
}

// TestRunAccepts posts valid scenarios near the edges of the rules.
func TestRunAccepts(t *testing.T) {
	tests := []struct {
		name        string
		contentType string
		body        string
		snapshots   int // number of snapshots in the answer
	}{
		{"ui object is ignored", "application/json", `{"memories": [[1, 0], [0, 1]], "ui": {"theme": "dark", "n": [1, 2]}}`, 1},
		{"null optional fields take defaults", "application/json", `{"memories": [[1, 0], [0, 1]], "beta": null, "featureMap": null, "view": {"grid": null}}`, 1},
		{"charset parameter", "application/json; charset=UTF-8", `{"memories": [[1, 0]]}`, 1},
		{"bounds with margin", "application/json", `{"memories": [[1, 0], [0, 1]], "view": {"grid": {"nx": 2, "ny": 2, "xmin": -1, "xmax": 1, "ymin": -1, "ymax": 1, "margin": 0}}}`, 1},
		{"high-dimensional trajectory without snapshots", "application/json", `{"memories": ` + matrixJSON(3, 5, func(i, j int) float64 { return float64(i + j + 1) }) + `, "uhop": {"iterations": 3}, "snapshots": []}`, 0},
		{"feature view of a random map from d = 3", "application/json", `{"memories": [[1, 0, 0], [0, 1, 0], [0, 0, 1]], "featureMap": {"dim": 2, "init": "random", "seed": 9007199254740992}, "uhop": {"iterations": 2}}`, 2},
		{"input view, repeated snapshot", "application/json", `{"memories": [[1, 0], [0, 1]], "featureMap": {"dim": 3, "init": "random"}, "view": {"space": "input", "grid": {"nx": 4, "ny": 3}}, "uhop": {"iterations": 2, "optimizer": "sgd", "momentum": 0.9, "loss": "paper"}, "snapshots": [2, 2, 0]}`, 3},
		{"largest grid", "application/json", `{"memories": [[1, 0], [0, 1]], "separations": ["sparsemax"], "view": {"grid": {"nx": 1024, "ny": 256}}}`, 1},
	}
	h := newTestServer(t, Limits{}).routes(nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := resultOf(t, request(h, http.MethodPost, "/api/v1/run", tt.contentType, tt.body))
			if len(res.Snapshots) != tt.snapshots {
				t.Errorf("%d snapshots, want %d", len(res.Snapshots), tt.snapshots)
			}
		})
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
		sc, err := decodeScenario([]byte(tt.body))
		if err != nil {
			t.Fatal(err)
		}
		p, err := resolve(sc, DefaultLimits())
		if err != nil {
			t.Fatal(err)
		}
		want := &plan{
			settings: sim.Settings{
				Memories:          [][]float64{{3, 4}},
				NormalizeMemories: true,
				FeatureMap:        sim.FeatureMapSettings{Dim: 2, Affine: false, Init: sim.InitIdentity, Seed: 1},
				UHop:              sim.UHopSettings{Optimizer: sim.Adam, LR: 0.1, Momentum: 0, Tau: 1, Loss: sim.LossPairs},
			},
			frame: sim.FrameSettings{
				Space:       sim.FeatureSpace,
				Beta:        20,
				Separations: []separation.Map{separation.Softmax(), separation.Entmax15(), separation.Sparsemax()},
				Steps:       5,
				Tolerance:   0.001,
				SupportEps:  0.01,
				Grid:        sim.GridSpec{NX: 100, NY: 100, Margin: 0.1},
			},
			iterations: tt.iterations,
			snapshots:  tt.snapshots,
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
	sc, err := decodeScenario([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	p, err := resolve(sc, DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	entmax, _ := separation.Entmax(1.25)
	want := &plan{
		settings: sim.Settings{
			Memories:          [][]float64{{0.5, -2e-3, 1e5}},
			NormalizeMemories: false,
			FeatureMap: sim.FeatureMapSettings{Dim: 2, Affine: true, Init: sim.InitRandom, Seed: 42,
				W: [][]float64{{1, 0, 0}, {0, -0.5, 1}}, B: []float64{0.5, -0.5}},
			UHop: sim.UHopSettings{Optimizer: sim.SGD, LR: 0.01, Momentum: 0.9, Tau: 0.5, Loss: sim.LossPaper},
		},
		frame: sim.FrameSettings{
			Space:              sim.FeatureSpace,
			PaperSoftmaxEnergy: true,
			Beta:               0.5,
			Separations:        []separation.Map{entmax, separation.Sparsemax()},
			Steps:              2,
			Tolerance:          0.1,
			SupportEps:         0,
			Grid:               sim.GridSpec{NX: 2, NY: 3, Bounds: &sim.Rect{XMin: -1, XMax: 1, YMin: -2, YMax: 2}, Margin: 0},
		},
		iterations: 3,
		snapshots:  []int{3, 0, 3},
	}
	if !reflect.DeepEqual(p, want) {
		t.Errorf("resolves to\n%+v\nwant\n%+v", p, want)
	}
}

// TestUnknownFieldPath finds unknown keys that need escaping, and keys
// nested below arrays of the ui object.
func TestUnknownFieldPath(t *testing.T) {
	h := newTestServer(t, Limits{}).routes(nil)
	for body, want := range map[string]string{
		`{"memories": [[1, 0]], "view": {"grid": {"a\"b": 1}}}`:                 `view.grid.a"b`,
		`{"memories": [[1, 0]], "uhop": {"\u00e9tapes": 1}}`:                    "uhop.étapes",
		`{"ui": [{"x": {"grid": 1}}], "memories": [[1, 0]], "view": {"x": 1}}`:  "view.x",
		`{"memories": [[1, 0]], "featureMap": {"W": [[1, 0], [0, 1]], "c": 1}}`: "featureMap.c",
	} {
		e := errorOf(t, postRun(h, body))
		if e.Code != codeUnknownField || e.Field != want {
			t.Errorf("%s: error (code %q, field %q), want (unknown_field, %q)", body, e.Code, e.Field, want)
		}
	}
}
