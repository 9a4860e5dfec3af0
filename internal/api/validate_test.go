package api

import (
	"hoplab/internal/scenario"
	"net/http"
	"strings"
	"testing"
)

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
		{"empty body", "", 400, scenario.CodeInvalidJSON, ""},
		{"truncated JSON", `{"memories": [[1, 0]`, 400, scenario.CodeInvalidJSON, ""},
		{"syntax error", `{"memories": [[1, 0]],}`, 400, scenario.CodeInvalidJSON, ""},
		{"bare NaN", `{"memories": [[1, NaN]]}`, 400, scenario.CodeInvalidJSON, ""},
		{"bare Infinity", `{"memories": [[1, 0]], "beta": Infinity}`, 400, scenario.CodeInvalidJSON, ""},
		{"trailing garbage", obj(two) + " x", 400, scenario.CodeInvalidJSON, ""},
		{"second object", obj(two) + " {}", 400, scenario.CodeInvalidJSON, ""},
		{"top-level array", `[[1, 0]]`, 400, scenario.CodeInvalidJSON, ""},
		{"top-level null", `null`, 400, scenario.CodeInvalidJSON, ""},
		{"top-level string", `"memories"`, 400, scenario.CodeInvalidJSON, ""},
		{"body over the limit", `{"memories": [[` + strings.Repeat("0,", 4<<20) + `1]]}`, 413, codeBodyTooLarge, ""},

		// Unknown fields, with their paths.
		{"unknown field", obj(two, `"betta": 1`), 400, scenario.CodeUnknownField, "betta"},
		{"unknown featureMap field", obj(two, `"featureMap": {"dim": 2, "bias": [0, 0]}`), 400, scenario.CodeUnknownField, "featureMap.bias"},
		{"unknown uhop field", obj(two, `"uhop": {"iters": 3}`), 400, scenario.CodeUnknownField, "uhop.iters"},
		{"unknown retrieval field", obj(two, `"retrieval": {"step": 3}`), 400, scenario.CodeUnknownField, "retrieval.step"},
		{"unknown view.grid field", obj(two, `"view": {"grid": {"nz": 3}}`), 400, scenario.CodeUnknownField, "view.grid.nz"},
		{"unknown key after the same key in ui", obj(two, `"ui": {"foo": 1}`, `"foo": 2`), 400, scenario.CodeUnknownField, "foo"},
		{"miscased key", obj(two, `"Beta": 3`), 400, scenario.CodeUnknownField, "Beta"},
		{"miscased nested key", obj(two, `"view": {"grid": {"NX": 3}}`), 400, scenario.CodeUnknownField, "view.grid.NX"},
		{"miscased object key", obj(two, `"featuremap": {"dim": 2}`), 400, scenario.CodeUnknownField, "featuremap"},

		// memories
		{"memories missing", `{}`, 400, scenario.CodeInvalidField, "memories"},
		{"memories null", `{"memories": null}`, 400, scenario.CodeInvalidField, "memories"},
		{"memories empty", `{"memories": []}`, 400, scenario.CodeInvalidField, "memories"},
		{"memories not an array", `{"memories": 5}`, 400, scenario.CodeInvalidField, "memories"},
		{"memory empty", `{"memories": [[]]}`, 400, scenario.CodeInvalidField, "memories[0]"},
		{"memory not an array", `{"memories": [[1, 0], 3]}`, 400, scenario.CodeInvalidField, "memories[1]"},
		{"ragged memories", `{"memories": [[1, 0], [1]]}`, 400, scenario.CodeInvalidField, "memories[1]"},
		{"NaN-like string", `{"memories": [[1, "NaN"]]}`, 400, scenario.CodeInvalidField, "memories[0][1]"},
		{"Infinity-like string", `{"memories": [[1, 0], [0, "Infinity"]]}`, 400, scenario.CodeInvalidField, "memories[1][1]"},
		{"null coordinate", `{"memories": [[1, 0], [null, 1]]}`, 400, scenario.CodeInvalidField, "memories[1][0]"},
		{"coordinate beyond float64", `{"memories": [[1, 0], [1e400, 1]]}`, 400, scenario.CodeInvalidField, "memories[1][0]"},
		{"zero memory", `{"memories": [[1, 0], [0, 0]]}`, 400, scenario.CodeInvalidField, "memories[1]"},
		{"coordinate over the limit", `{"memories": [[1, 0], [2e6, 1]]}`, 400, scenario.CodeLimitExceeded, "memories[1][0]"},
		{"too many memories", `{"memories": ` + listJSON(513, "[1, 0]") + `}`, 400, scenario.CodeLimitExceeded, "memories"},
		{"memory too long", `{"memories": [` + listJSON(513, "1") + `]}`, 400, scenario.CodeLimitExceeded, "memories[0]"},
		{"normalizeMemories a string", obj(two, `"normalizeMemories": "yes"`), 400, scenario.CodeInvalidField, "normalizeMemories"},

		// beta
		{"beta zero", obj(two, `"beta": 0`), 400, scenario.CodeInvalidField, "beta"},
		{"beta negative", obj(two, `"beta": -1`), 400, scenario.CodeInvalidField, "beta"},
		{"beta a string", obj(two, `"beta": "20"`), 400, scenario.CodeInvalidField, "beta"},
		{"beta NaN-like string", obj(two, `"beta": "NaN"`), 400, scenario.CodeInvalidField, "beta"},
		{"beta over the limit", obj(two, `"beta": 1e7`), 400, scenario.CodeLimitExceeded, "beta"},

		// separations
		{"separation unknown", obj(two, `"separations": ["softmax", "entmax"]`), 400, scenario.CodeInvalidField, "separations[1]"},
		{"separation alpha out of range", obj(two, `"separations": ["entmax:0.5"]`), 400, scenario.CodeInvalidField, "separations[0]"},
		{"separation repeated", obj(two, `"separations": ["sparsemax", "entmax:1.5", "sparsemax"]`), 400, scenario.CodeInvalidField, "separations[2]"},
		{"separation repeated by another spelling", obj(two, `"separations": ["entmax:1.5", "entmax:1.50"]`), 400, scenario.CodeInvalidField, "separations[1]"},
		{"separations empty", obj(two, `"separations": []`), 400, scenario.CodeInvalidField, "separations"},
		{"separations not a list", obj(two, `"separations": "softmax"`), 400, scenario.CodeInvalidField, "separations"},
		{"separation a number", obj(two, `"separations": [1]`), 400, scenario.CodeInvalidField, "separations[0]"},
		{"separation null", obj(two, `"separations": ["softmax", null]`), 400, scenario.CodeInvalidField, "separations[1]"},
		{"too many separations", obj(two, `"separations": ["entmax:1.1", "entmax:1.2", "entmax:1.3", "entmax:1.4", "entmax:1.5", "entmax:1.6", "entmax:1.7", "entmax:1.8", "entmax:1.9"]`), 400, scenario.CodeLimitExceeded, "separations"},

		// featureMap
		{"featureMap an array", obj(two, `"featureMap": []`), 400, scenario.CodeInvalidField, "featureMap"},
		{"dim zero", obj(two, `"featureMap": {"dim": 0}`), 400, scenario.CodeInvalidField, "featureMap.dim"},
		{"dim fractional", obj(two, `"featureMap": {"dim": 1.5}`), 400, scenario.CodeInvalidField, "featureMap.dim"},
		{"dim over the limit", obj(two, `"featureMap": {"dim": 513, "init": "random"}`), 400, scenario.CodeLimitExceeded, "featureMap.dim"},
		{"affine a string", obj(two, `"featureMap": {"affine": "true"}`), 400, scenario.CodeInvalidField, "featureMap.affine"},
		{"init unknown", obj(two, `"featureMap": {"init": "zeros"}`), 400, scenario.CodeInvalidField, "featureMap.init"},
		{"identity init with dim ≠ d", obj(two, `"featureMap": {"dim": 3}`), 400, scenario.CodeInvalidField, "featureMap.init"},
		{"seed negative", obj(two, `"featureMap": {"init": "random", "seed": -1}`), 400, scenario.CodeInvalidField, "featureMap.seed"},
		{"seed beyond 2^53", obj(two, `"featureMap": {"init": "random", "seed": 9007199254740993}`), 400, scenario.CodeInvalidField, "featureMap.seed"},
		{"seed fractional", obj(two, `"featureMap": {"init": "random", "seed": 1.5}`), 400, scenario.CodeInvalidField, "featureMap.seed"},
		{"W with too few rows", obj(two, `"featureMap": {"W": [[1, 0]]}`), 400, scenario.CodeInvalidField, "featureMap.W"},
		{"W row too short", obj(two, `"featureMap": {"W": [[1, 0], [1]]}`), 400, scenario.CodeInvalidField, "featureMap.W[1]"},
		{"W entry a string", obj(two, `"featureMap": {"W": [[1, "0"], [0, 1]]}`), 400, scenario.CodeInvalidField, "featureMap.W[0][1]"},
		{"W entry over the limit", obj(two, `"featureMap": {"W": [[1, 0], [0, -1e7]]}`), 400, scenario.CodeLimitExceeded, "featureMap.W[1][1]"},
		{"b without affine", obj(two, `"featureMap": {"b": [0, 0]}`), 400, scenario.CodeInvalidField, "featureMap.b"},
		{"b of the wrong length", obj(two, `"featureMap": {"affine": true, "b": [0, 0, 0]}`), 400, scenario.CodeInvalidField, "featureMap.b"},
		{"b entry a bool", obj(two, `"featureMap": {"affine": true, "b": [true, 0]}`), 400, scenario.CodeInvalidField, "featureMap.b[0]"},
		{"b entry over the limit", obj(two, `"featureMap": {"affine": true, "b": [0, 1e9]}`), 400, scenario.CodeLimitExceeded, "featureMap.b[1]"},

		// uhop
		{"uhop an array", obj(two, `"uhop": []`), 400, scenario.CodeInvalidField, "uhop"},
		{"iterations negative", obj(two, `"uhop": {"iterations": -1}`), 400, scenario.CodeInvalidField, "uhop.iterations"},
		{"iterations fractional", obj(two, `"uhop": {"iterations": 2.5}`), 400, scenario.CodeInvalidField, "uhop.iterations"},
		{"iterations over the limit", obj(two, `"uhop": {"iterations": 10001}`), 400, scenario.CodeLimitExceeded, "uhop.iterations"},
		{"optimizer unknown", obj(two, `"uhop": {"optimizer": "rmsprop"}`), 400, scenario.CodeInvalidField, "uhop.optimizer"},
		{"optimizer upper case", obj(two, `"uhop": {"optimizer": "Adam"}`), 400, scenario.CodeInvalidField, "uhop.optimizer"},
		{"lr zero", obj(two, `"uhop": {"lr": 0}`), 400, scenario.CodeInvalidField, "uhop.lr"},
		{"lr over the limit", obj(two, `"uhop": {"lr": 1e4}`), 400, scenario.CodeLimitExceeded, "uhop.lr"},
		{"momentum negative", obj(two, `"uhop": {"optimizer": "sgd", "momentum": -0.5}`), 400, scenario.CodeInvalidField, "uhop.momentum"},
		{"momentum over the limit", obj(two, `"uhop": {"momentum": 1e4}`), 400, scenario.CodeLimitExceeded, "uhop.momentum"},
		{"tau zero", obj(two, `"uhop": {"tau": 0}`), 400, scenario.CodeInvalidField, "uhop.tau"},
		{"tau under the limit", obj(two, `"uhop": {"tau": 1e-5}`), 400, scenario.CodeLimitExceeded, "uhop.tau"},
		{"tau over the limit", obj(two, `"uhop": {"tau": 1e5}`), 400, scenario.CodeLimitExceeded, "uhop.tau"},
		{"loss unknown", obj(two, `"uhop": {"loss": "mse"}`), 400, scenario.CodeInvalidField, "uhop.loss"},

		// retrieval
		{"steps zero", obj(two, `"retrieval": {"steps": 0}`), 400, scenario.CodeInvalidField, "retrieval.steps"},
		{"steps over the limit", obj(two, `"retrieval": {"steps": 1001}`), 400, scenario.CodeLimitExceeded, "retrieval.steps"},
		{"tolerance zero", obj(two, `"retrieval": {"tolerance": 0}`), 400, scenario.CodeInvalidField, "retrieval.tolerance"},
		{"tolerance over the limit", obj(two, `"retrieval": {"tolerance": 1e7}`), 400, scenario.CodeLimitExceeded, "retrieval.tolerance"},
		{"supportEps negative", obj(two, `"retrieval": {"supportEps": -1}`), 400, scenario.CodeInvalidField, "retrieval.supportEps"},
		{"supportEps over the limit", obj(two, `"retrieval": {"supportEps": 2}`), 400, scenario.CodeLimitExceeded, "retrieval.supportEps"},

		// view
		{"space unknown", obj(two, `"view": {"space": "polar"}`), 400, scenario.CodeInvalidField, "view.space"},
		{"feature view with D_Φ ≠ 2", `{"memories": [[1, 0, 0], [0, 1, 0]]}`, 400, scenario.CodeInvalidField, "view.space"},
		{"input view with d ≠ 2", `{"memories": [[1, 0, 0], [0, 1, 0]], "featureMap": {"dim": 2, "init": "random"}, "view": {"space": "input"}}`, 400, scenario.CodeInvalidField, "view.space"},
		{"grid a number", obj(two, `"view": {"grid": 5}`), 400, scenario.CodeInvalidField, "view.grid"},
		{"nx one", obj(two, `"view": {"grid": {"nx": 1}}`), 400, scenario.CodeInvalidField, "view.grid.nx"},
		{"ny a string", obj(two, `"view": {"grid": {"ny": "a"}}`), 400, scenario.CodeInvalidField, "view.grid.ny"},
		{"nx over the limit", obj(two, `"view": {"grid": {"nx": 1025}}`), 400, scenario.CodeLimitExceeded, "view.grid.nx"},
		{"ny over the limit", obj(two, `"view": {"grid": {"ny": 1025}}`), 400, scenario.CodeLimitExceeded, "view.grid.ny"},
		{"grid cells over the limit", obj(two, `"view": {"grid": {"nx": 1024, "ny": 512}}`), 400, scenario.CodeLimitExceeded, "view.grid"},
		{"three bounds of four", obj(two, `"view": {"grid": {"xmin": -1, "xmax": 1, "ymin": -1}}`), 400, scenario.CodeInvalidField, "view.grid.ymax"},
		{"one bound", obj(two, `"view": {"grid": {"xmax": 1}}`), 400, scenario.CodeInvalidField, "view.grid.xmin"},
		{"empty x range", obj(two, `"view": {"grid": {"xmin": 1, "xmax": 1, "ymin": -1, "ymax": 1}}`), 400, scenario.CodeInvalidField, "view.grid.xmax"},
		{"bound over the limit", obj(two, `"view": {"grid": {"xmin": -2e6, "xmax": 1, "ymin": -1, "ymax": 1}}`), 400, scenario.CodeLimitExceeded, "view.grid.xmin"},
		{"margin negative", obj(two, `"view": {"grid": {"margin": -1}}`), 400, scenario.CodeInvalidField, "view.grid.margin"},
		{"margin over the limit", obj(two, `"view": {"grid": {"margin": 1e7}}`), 400, scenario.CodeLimitExceeded, "view.grid.margin"},

		// snapshots
		{"snapshot beyond N", obj(two, `"uhop": {"iterations": 5}`, `"snapshots": [0, 7]`), 400, scenario.CodeInvalidField, "snapshots[1]"},
		{"snapshot negative", obj(two, `"snapshots": [-1]`), 400, scenario.CodeInvalidField, "snapshots[0]"},
		{"snapshot fractional", obj(two, `"uhop": {"iterations": 5}`, `"snapshots": [1.5]`), 400, scenario.CodeInvalidField, "snapshots[0]"},
		{"snapshot null", obj(two, `"snapshots": [0, null]`), 400, scenario.CodeInvalidField, "snapshots[1]"},
		{"snapshots an object", obj(two, `"snapshots": {}`), 400, scenario.CodeInvalidField, "snapshots"},
		{"too many snapshots", obj(two, `"snapshots": `+listJSON(65, "0")), 400, scenario.CodeLimitExceeded, "snapshots"},

		// ui
		{"ui not an object", obj(two, `"ui": 5`), 400, scenario.CodeInvalidField, "ui"},

		// Limits on the size of the answer and on the work.
		{"output cells over the limit", obj(two, `"uhop": {"iterations": 1}`, `"view": {"grid": {"nx": 512, "ny": 512}}`), 400, scenario.CodeLimitExceeded, "snapshots"},
		{"training work over the limit", `{"memories": ` + matrixJSON(100, 100, nonzero) + `, "uhop": {"iterations": 10000}, "snapshots": []}`, 400, scenario.CodeLimitExceeded, "uhop.iterations"},
		{"trajectory over the limit", `{"memories": ` + matrixJSON(2, 100, nonzero) + `, "uhop": {"iterations": 200}, "snapshots": []}`, 400, scenario.CodeLimitExceeded, "uhop.iterations"},
		{"rendering work over the limit", obj(two, `"separations": ["entmax:1.3"]`, `"retrieval": {"steps": 1000}`, `"view": {"grid": {"nx": 512, "ny": 512}}`), 400, scenario.CodeLimitExceeded, "retrieval.steps"},
	}
	s := newTestServer(t, scenario.Limits{})
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
	if s.admission.held() != 0 {
		t.Errorf("%d run slots still held after the rejected requests", s.admission.held())
	}
}

// TestLimitMessagesNameTheLimit checks that a limit_exceeded message names
// the limit and the offending value in the words of the page, never an
// internal Go name such as MaxIterations.
func TestLimitMessagesNameTheLimit(t *testing.T) {
	h := newTestServer(t, scenario.Limits{}).routes(nil)
	rec := postRun(h, `{"memories": [[1, 0]], "uhop": {"iterations": 12345}}`)
	e := errorOf(t, rec)
	if e.Code != scenario.CodeLimitExceeded || !strings.Contains(e.Message, "12345") || !strings.Contains(e.Message, "10000") || strings.Contains(e.Message, "Max") {
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
	h := newTestServer(t, scenario.Limits{}).routes(nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := resultOf(t, request(h, http.MethodPost, "/api/v1/run", tt.contentType, tt.body))
			if len(res.Snapshots) != tt.snapshots {
				t.Errorf("%d snapshots, want %d", len(res.Snapshots), tt.snapshots)
			}
		})
	}
}

// TestUnknownFieldPath finds unknown keys that need escaping, and keys
// nested below arrays of the ui object.
func TestUnknownFieldPath(t *testing.T) {
	h := newTestServer(t, scenario.Limits{}).routes(nil)
	for body, want := range map[string]string{
		`{"memories": [[1, 0]], "view": {"grid": {"a\"b": 1}}}`:                 `view.grid.a"b`,
		`{"memories": [[1, 0]], "uhop": {"\u00e9tapes": 1}}`:                    "uhop.étapes",
		`{"ui": [{"x": {"grid": 1}}], "memories": [[1, 0]], "view": {"x": 1}}`:  "view.x",
		`{"memories": [[1, 0]], "featureMap": {"W": [[1, 0], [0, 1]], "c": 1}}`: "featureMap.c",
	} {
		e := errorOf(t, postRun(h, body))
		if e.Code != scenario.CodeUnknownField || e.Field != want {
			t.Errorf("%s: error (code %q, field %q), want (unknown_field, %q)", body, e.Code, e.Field, want)
		}
	}
}
