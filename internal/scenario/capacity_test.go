package scenario

import (
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"

	"hoplab/internal/sim"
)

// TestBatchOrderScenario: uhop.batchOrder decodes strictly, needs a row
// per step, stays within the limit on iterations, is checked row by row
// by the engine, and survives the canonical form.
func TestBatchOrderScenario(t *testing.T) {
	const mem = `"memories": [[1, 0], [0, 1], [-1, 0.5]]`
	for _, c := range []struct {
		uhop, code, field, text string
	}{
		{`{"iterations": 2, "batchOrder": [[2, 0, 1], [0, 1, 2]]}`, "", "", ""},
		{`{"iterations": 1, "batchOrder": [[2, 0, 1], [0, 1, 2], [1, 0, 2]]}`, "", "", ""},
		{`{"iterations": 0, "batchOrder": []}`, "", "", ""},
		{`{"iterations": 3, "batchOrder": [[2, 0, 1], [0, 1, 2]]}`, CodeInvalidField, "uhop.batchOrder", "fewer than the N = 3 steps"},
		{`{"iterations": 1, "batchOrder": [[2, 0, 1.5]]}`, CodeInvalidField, "uhop.batchOrder[0][2]", "must be an integer"},
		{`{"iterations": 1, "batchOrder": [2, 0, 1]}`, CodeInvalidField, "uhop.batchOrder[0]", "must be an array of integers"},
		{`{"iterations": 1, "batchOrder": [[2, 0, null]]}`, CodeInvalidField, "uhop.batchOrder[0][2]", "must be an integer"},
		{`{"iterations": 1, "batchOrder": {"0": [1, 2, 0]}}`, CodeInvalidField, "uhop.batchOrder", "an array of arrays of integers"},
		{`{"iterations": 2, "batchOrder": [[2, 0, 1], [0, 1]]}`, CodeInvalidField, "uhop.batchOrder[1]", "permutation"},
		{`{"iterations": 2, "batchOrder": [[2, 0, 1], [0, 2, 2]]}`, CodeInvalidField, "uhop.batchOrder[1][2]", "twice"},
		{`{"iterations": 1, "batchOrder": [[3, 0, 1]]}`, CodeInvalidField, "uhop.batchOrder[0][0]", "outside 0 … 2"},
		{`{"iterations": 1, "batchOrder": [[99999999999999999999, 0, 1]]}`, CodeInvalidField, "uhop.batchOrder[0][0]", "must be an integer"},
		{`{"iterations": 1, "BatchOrder": [[2, 0, 1]]}`, CodeUnknownField, "uhop.BatchOrder", `did you mean "batchOrder"`},
	} {
		body := `{` + mem + `, "uhop": ` + c.uhop + `}`
		sc, err := Decode([]byte(body))
		var p *Plan
		if err == nil {
			p, err = Resolve(sc, DefaultLimits())
		}
		checkError(t, body, err, c.code, c.field, c.text)
		if err == nil && sc.UHop.BatchOrder != nil {
			canon, err := json.Marshal(Canonical(p, sc, p.Iterations))
			if err != nil {
				t.Fatal(err)
			}
			back, err := Decode(canon)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(back.UHop.BatchOrder, sc.UHop.BatchOrder) {
				t.Errorf("%s: the canonical form has batch order %v", body, back.UHop.BatchOrder)
			}
		}
	}
	lim := DefaultLimits()
	lim.MaxIterations = 1
	sc, _ := Decode([]byte(`{` + mem + `, "uhop": {"batchOrder": [[2, 0, 1], [0, 1, 2]]}}`))
	_, err := Resolve(sc, lim)
	checkError(t, "two rows, at most one iteration", err, CodeLimitExceeded, "uhop.batchOrder", "limit")
}

// TestTorchLinearScenario: init torchLinear is affine unless told
// otherwise, and refused with an explicit linear map.
func TestTorchLinearScenario(t *testing.T) {
	for _, c := range []struct {
		fm          string
		affine      bool
		code, field string
	}{
		{`{"init": "torchLinear", "dim": 3}`, true, "", ""},
		{`{"init": "torchLinear", "affine": true}`, true, "", ""},
		{`{"init": "random"}`, false, "", ""},
		{`{"init": "torchLinear", "affine": false}`, false, CodeInvalidField, "featureMap.affine"},
		{`{"init": "torchlinear"}`, false, CodeInvalidField, "featureMap.init"},
	} {
		body := `{"memories": [[1, 0], [0, 1]], "snapshots": [], "featureMap": ` + c.fm + `}`
		sc, err := Decode([]byte(body))
		if err != nil {
			t.Fatal(err)
		}
		p, err := Resolve(sc, DefaultLimits())
		checkError(t, body, err, c.code, c.field, "")
		if err == nil && p.Settings.FeatureMap.Affine != c.affine {
			t.Errorf("%s: affine %v, want %v", body, p.Settings.FeatureMap.Affine, c.affine)
		}
	}
}

// checkError reports err unless it is nil for code "", or an *Error with
// this code and field whose message contains text.
func checkError(t *testing.T, what string, err error, code, field, text string) {
	t.Helper()
	if code == "" {
		if err != nil {
			t.Errorf("%s: %v, want no error", what, err)
		}
		return
	}
	e, ok := errors.AsType[*Error](err)
	if !ok {
		t.Errorf("%s: %v, want %s on %q", what, err, code, field)
		return
	}
	if e.Code != code || e.Field != field || !strings.Contains(e.Message, text) || e.Status != 400 {
		t.Errorf("%s: %d %s on %q: %s; want 400 %s on %q containing %q", what, e.Status, e.Code, e.Field, e.Message, code, field, text)
	}
}

// capacityBody is a valid capacity request with some members replaced
// (a member set to nil is removed).
func capacityBody(t *testing.T, over map[string]any) string {
	t.Helper()
	req := map[string]any{
		"memories": map[string]any{"gaussian": map[string]any{"count": 10, "dim": 5, "seed": 42}},
		"queries":  map[string]any{"gaussian": map[string]any{"count": 100, "seed": 7}},
	}
	for k, v := range over {
		if v == nil {
			delete(req, k)
		} else {
			req[k] = v
		}
	}
	b, err := json.Marshal(req)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestDecodeCapacity: a capacity request decodes as strictly as a
// scenario, with the paths of its own members named.
func TestDecodeCapacity(t *testing.T) {
	for _, c := range []struct {
		body, code, field, text string
	}{
		{`{"memories": {"gaussian": {"count": 10, "dim": 5}}, "queries": {"gaussian": {"count": 5}}}`, "", "", ""},
		{`{"memories": [[1, 0], [0, 1]], "queries": [[0.5, 0.5]], "view": {"space": "input"}, "snapshots": [0], "retrieval": {"tolerance": 1}}`, "", "", ""},
		{`{"memories": {"gaussian": {"count": 10, "dim": 5, "sed": 1}}}`, CodeUnknownField, "memories.gaussian.sed", "sed"},
		{`{"memories": {"Gaussian": {"count": 10, "dim": 5}}}`, CodeUnknownField, "memories.Gaussian", `did you mean "gaussian"`},
		{`{"memories": {"gaussian": {"Count": 10, "dim": 5}}}`, CodeUnknownField, "memories.gaussian.Count", `did you mean "count"`},
		{`{"memories": {"gaussian": {"count": "10"}}}`, CodeInvalidField, "memories.gaussian.count", "must be an integer"},
		{`{"memories": {"gaussian": {"count": 1.5}}}`, CodeInvalidField, "memories.gaussian.count", "must be an integer"},
		{`{"memories": {"gaussian": [10, 5]}}`, CodeInvalidField, "memories.gaussian", "must be an object"},
		{`{"memories": {"uniform": {}}}`, CodeUnknownField, "memories.uniform", "uniform"},
		{`{"memories": 5}`, CodeInvalidField, "memories", `an array of memories (arrays of numbers) or {"gaussian"`},
		{`{"memories": "gaussian"}`, CodeInvalidField, "memories", "not string"},
		{`{"memories": [[1, "a"]]}`, CodeInvalidField, "memories[0][1]", "must be a number"},
		{`{"queries": {"gaussian": {"count": 5, "dim": 3}}}`, CodeUnknownField, "queries.gaussian.dim", "dim"},
		{`{"queries": [[1, 0], 7]}`, CodeInvalidField, "queries[1]", "must be an array of numbers"},
		{`{"queries": true}`, CodeInvalidField, "queries", "an array of queries"},
		{`{"retrieval": {"normalizeFeatures": 1}}`, CodeInvalidField, "retrieval.normalizeFeatures", "true or false"},
		{`{"retrieval": {"normaliseFeatures": true}}`, CodeUnknownField, "retrieval.normaliseFeatures", ""},
		{`{"normalizeQueries": "yes"}`, CodeInvalidField, "normalizeQueries", "true or false"},
		{`{"returnInputs": null, "uhop": {"batchOrder": [[0]]}}`, "", "", ""},
		{`{"queries": {"gaussian": {"count": 1, "count": 2}}}`, CodeDuplicateField, "queries.gaussian.count", "more than once"},
		{`{"bogus": 1}`, CodeUnknownField, "bogus", "capacity request"},
		{`null`, CodeInvalidJSON, "", "capacity request"},
		{`[]`, CodeInvalidJSON, "", "capacity request"},
		{`{} {}`, CodeInvalidJSON, "", "after the capacity request object"},
		{`{"memories": `, CodeInvalidJSON, "", "ends too early"},
	} {
		_, err := DecodeCapacity([]byte(c.body))
		checkError(t, c.body, err, c.code, c.field, c.text)
	}
}

// TestCapacityRoundTrip: a decoded request encodes back to a request that
// decodes to the same value, in both forms of memories and queries.
func TestCapacityRoundTrip(t *testing.T) {
	for _, body := range []string{
		`{"memories": {"gaussian": {"count": 10, "dim": 5, "seed": 0}}, "queries": {"gaussian": {"count": 5}}, "retrieval": {"normalizeFeatures": true}}`,
		`{"memories": [[1, 0], [0, 1]], "queries": [[0.5, 0.5]], "normalizeQueries": false, "uhop": {"batchOrder": [[1, 0]], "iterations": 1}, "returnInputs": true}`,
		`{"memories": {}, "queries": {}}`,
	} {
		a, err := DecodeCapacity([]byte(body))
		if err != nil {
			t.Fatalf("%s: %v", body, err)
		}
		enc, err := json.Marshal(a)
		if err != nil {
			t.Fatal(err)
		}
		b, err := DecodeCapacity(enc)
		if err != nil {
			t.Fatalf("%s re-encoded as %s: %v", body, enc, err)
		}
		if !reflect.DeepEqual(a, b) {
			t.Errorf("%s re-encoded as %s decodes to %+v, not %+v", body, enc, b, a)
		}
	}
}

// TestResolveCapacity: every field is checked before any work, against
// the capacity limits, with the offending field named.
func TestResolveCapacity(t *testing.T) {
	lim := DefaultLimits()
	explicit := func(q [][]float64) map[string]any {
		return map[string]any{"memories": [][]float64{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}, "queries": q}
	}
	merge := func(a, b map[string]any) map[string]any {
		for k, v := range b {
			a[k] = v
		}
		return a
	}
	rows := func(m, d int) [][]float64 {
		out := make([][]float64, m)
		for i := range out {
			out[i] = make([]float64, d)
			out[i][i%d] = 1
		}
		return out
	}
	for _, c := range []struct {
		name        string
		over        map[string]any
		code, field string
	}{
		{"defaults", nil, "", ""},
		{"no memories", map[string]any{"memories": nil}, CodeInvalidField, "memories"},
		{"no queries", map[string]any{"queries": nil}, CodeInvalidField, "queries"},
		{"empty memory object", map[string]any{"memories": map[string]any{}}, CodeInvalidField, "memories"},
		{"empty query object", map[string]any{"queries": map[string]any{}}, CodeInvalidField, "queries"},
		{"M = 0", map[string]any{"memories": map[string]any{"gaussian": map[string]any{"count": 0, "dim": 5}}}, CodeInvalidField, "memories.gaussian.count"},
		{"M missing", map[string]any{"memories": map[string]any{"gaussian": map[string]any{"dim": 5}}}, CodeInvalidField, "memories.gaussian.count"},
		{"d missing", map[string]any{"memories": map[string]any{"gaussian": map[string]any{"count": 5}}}, CodeInvalidField, "memories.gaussian.dim"},
		{"M = 1024", map[string]any{"memories": map[string]any{"gaussian": map[string]any{"count": 1024, "dim": 64}}}, "", ""},
		{"M = 1025", map[string]any{"memories": map[string]any{"gaussian": map[string]any{"count": 1025, "dim": 5}}}, CodeLimitExceeded, "memories.gaussian.count"},
		{"d = 513", map[string]any{"memories": map[string]any{"gaussian": map[string]any{"count": 5, "dim": 513}}}, CodeLimitExceeded, "memories.gaussian.dim"},
		{"seed < 0", map[string]any{"memories": map[string]any{"gaussian": map[string]any{"count": 5, "dim": 5, "seed": -1}}}, CodeInvalidField, "memories.gaussian.seed"},
		{"query seed > 2^53", map[string]any{"queries": map[string]any{"gaussian": map[string]any{"count": 5, "seed": int64(1)<<53 + 1}}}, CodeInvalidField, "queries.gaussian.seed"},
		{"Q = 1e5", map[string]any{"queries": map[string]any{"gaussian": map[string]any{"count": 100000}}}, "", ""},
		{"Q beyond", map[string]any{"queries": map[string]any{"gaussian": map[string]any{"count": lim.MaxCapacityQueries + 1}}}, CodeLimitExceeded, "queries.gaussian.count"},
		{"Q·d beyond", map[string]any{"memories": map[string]any{"gaussian": map[string]any{"count": 4, "dim": 512}},
			"queries": map[string]any{"gaussian": map[string]any{"count": 20000}}}, CodeLimitExceeded, "queries.gaussian.count"},
		{"600 explicit memories (beyond /run's 512)", map[string]any{"memories": rows(600, 4), "queries": [][]float64{{1, 0, 0, 0}}}, "", ""},
		{"1025 explicit memories", map[string]any{"memories": rows(1025, 4), "queries": [][]float64{{1, 0, 0, 0}}}, CodeLimitExceeded, "memories"},
		{"D_Φ = 513", map[string]any{"featureMap": map[string]any{"dim": 513, "init": "random"}}, CodeLimitExceeded, "featureMap.dim"},
		{"explicit queries", explicit([][]float64{{1, 2, 3}, {0, 0, 1}}), "", ""},
		{"no explicit query", explicit([][]float64{}), CodeInvalidField, "queries"},
		{"query length", explicit([][]float64{{1, 2, 3}, {0, 1}}), CodeInvalidField, "queries[1]"},
		{"query value", explicit([][]float64{{1, 2e6, 3}}), CodeLimitExceeded, "queries[0][1]"},
		{"zero query", explicit([][]float64{{1, 2, 3}, {1, 1, 1}, {0, 0, 0}}), CodeInvalidField, "queries[2]"},
		{"zero query kept", merge(explicit([][]float64{{0, 0, 0}}), map[string]any{"normalizeQueries": false}), "", ""},
		{"zero memory", map[string]any{"memories": [][]float64{{1, 0}, {0, 0}}, "queries": [][]float64{{1, 1}}}, CodeInvalidField, "memories[1]"},
		{"beta", map[string]any{"beta": -1}, CodeInvalidField, "beta"},
		{"separation", map[string]any{"separations": []string{"softmax", "softmax"}}, CodeInvalidField, "separations[1]"},
		{"steps", map[string]any{"retrieval": map[string]any{"steps": 0}}, CodeInvalidField, "retrieval.steps"},
		{"supportEps", map[string]any{"retrieval": map[string]any{"supportEps": 2}}, CodeLimitExceeded, "retrieval.supportEps"},
		{"tolerance and view ignored", map[string]any{"retrieval": map[string]any{"tolerance": -1}, "view": map[string]any{"space": "sphere", "grid": map[string]any{"nx": 1}}, "snapshots": []int{99}}, "", ""},
		{"order rows", map[string]any{"uhop": map[string]any{"iterations": 3, "batchOrder": [][]int{{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}}}}, CodeInvalidField, "uhop.batchOrder"},
		{"order entry", map[string]any{"uhop": map[string]any{"iterations": 1, "batchOrder": [][]int{{0, 1, 2, 3, 4, 5, 6, 7, 8, 8}}}}, CodeInvalidField, "uhop.batchOrder[0][9]"},
		{"torchLinear linear", map[string]any{"featureMap": map[string]any{"init": "torchLinear", "affine": false}}, CodeInvalidField, "featureMap.affine"},
		{"ui", map[string]any{"ui": []int{1}}, CodeInvalidField, "ui"},
		{"inputs returned", map[string]any{"returnInputs": true}, "", ""},
		{"inputs too many", map[string]any{"returnInputs": true, "queries": map[string]any{"gaussian": map[string]any{"count": 300000}}}, CodeLimitExceeded, "returnInputs"},
		{"training work", map[string]any{"memories": map[string]any{"gaussian": map[string]any{"count": 1024, "dim": 64}},
			"featureMap": map[string]any{"dim": 512, "init": "random"}, "uhop": map[string]any{"iterations": 100}}, CodeLimitExceeded, "uhop.iterations"},
	} {
		body := capacityBody(t, c.over)
		cr, err := DecodeCapacity([]byte(body))
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		_, err = ResolveCapacity(cr, lim)
		checkError(t, c.name, err, c.code, c.field, "")
	}
}

// TestCapacityInputs: generated memories and queries are the documented
// generator's rows, normalised as asked; explicit queries are kept, and
// normalised by default when the memories are.
func TestCapacityInputs(t *testing.T) {
	resolve := func(body string) *CapacityPlan {
		t.Helper()
		c, err := DecodeCapacity([]byte(body))
		if err != nil {
			t.Fatal(err)
		}
		cp, err := ResolveCapacity(c, DefaultLimits())
		if err != nil {
			t.Fatal(err)
		}
		return cp
	}
	cp := resolve(`{"memories": {"gaussian": {"count": 4, "dim": 3, "seed": 42}}, "queries": {"gaussian": {"count": 5, "seed": 9}}, "normalizeMemories": false}`)
	mem := make([]float64, 12)
	sim.GaussianRows(mem, 42, sim.MemoryStream)
	for i, row := range cp.Settings.Memories {
		if !slices.Equal(row, mem[i*3:i*3+3]) {
			t.Fatalf("memory %d = %v, want the generator's %v", i, row, mem[i*3:i*3+3])
		}
	}
	q := make([]float64, 15)
	sim.GaussianRows(q, 9, sim.QueryStream)
	if got := cp.Queries(); !slices.Equal(got, q) || cp.NormalizeQueries {
		t.Errorf("queries %v (normalised %v), want the generator's %v as they are", got, cp.NormalizeQueries, q)
	}
	cp = resolve(`{"memories": {"gaussian": {"count": 4, "dim": 3}}, "queries": {"gaussian": {"count": 5, "seed": 9}}}`)
	got := cp.Queries()
	for i := range 5 {
		row := got[i*3 : i*3+3]
		n := math.Sqrt(row[0]*row[0] + row[1]*row[1] + row[2]*row[2])
		if math.Abs(n-1) > 1e-15 || math.Abs(row[0]-q[i*3]/math.Sqrt(q[i*3]*q[i*3]+q[i*3+1]*q[i*3+1]+q[i*3+2]*q[i*3+2])) > 1e-15 {
			t.Errorf("normalised query %d = %v", i, row)
		}
	}
	cp = resolve(`{"memories": [[1, 0], [0, 1]], "queries": [[3, 4], [0, -2]]}`)
	if got := cp.Queries(); !slices.Equal(got, []float64{0.6, 0.8, 0, -1}) {
		t.Errorf("explicit queries normalised: %v", got)
	}
	cp = resolve(`{"memories": [[1, 0], [0, 1]], "queries": [[3, 4], [0, -2]], "normalizeMemories": false}`)
	if got := cp.Queries(); !slices.Equal(got, []float64{3, 4, 0, -2}) {
		t.Errorf("explicit queries kept: %v", got)
	}
	cp = resolve(`{"memories": [[1, 0], [0, 1]], "queries": [[3, 4]], "normalizeMemories": false, "normalizeQueries": true}`)
	if got := cp.Queries(); !slices.Equal(got, []float64{0.6, 0.8}) {
		t.Errorf("explicit queries normalised alone: %v", got)
	}
}

// TestCapacityWorkLimits: a request beyond the endpoint's work is sent to
// the jobs, with the body to post; within a job's it is accepted there;
// beyond both it is refused without the hint.
func TestCapacityWorkLimits(t *testing.T) {
	lim := DefaultLimits()
	c, err := DecodeCapacity([]byte(`{"memories": {"gaussian": {"count": 1024, "dim": 64}}, "queries": {"gaussian": {"count": 100000}}}`))
	if err != nil {
		t.Fatal(err)
	}
	cp, err := ResolveCapacity(c, lim)
	if err != nil {
		t.Fatal(err)
	}
	w := cp.Work()
	lim.MaxCapacityWork, lim.MaxCapacityJobWork = int64(w/2), int64(w*2)
	checkError(t, "endpoint", cp.CheckWork(lim, false), CodeLimitExceeded, "queries.gaussian.count", `POST /api/v1/jobs with {"kind": "capacity"`)
	checkError(t, "job", cp.CheckWork(lim, true), "", "", "")
	lim.MaxCapacityJobWork = int64(w / 2)
	err = cp.CheckWork(lim, false)
	checkError(t, "beyond both", err, CodeLimitExceeded, "queries.gaussian.count", "ask for fewer")
	if strings.Contains(err.Error(), "/api/v1/jobs") {
		t.Errorf("beyond both limits, the message still points at the jobs: %v", err)
	}
	// More queries, steps, maps or the normalised models cost more.
	more := func(body string) float64 {
		c, err := DecodeCapacity([]byte(body))
		if err != nil {
			t.Fatal(err)
		}
		cp, err := ResolveCapacity(c, DefaultLimits())
		if err != nil {
			t.Fatal(err)
		}
		return cp.Work()
	}
	base := more(`{"memories": {"gaussian": {"count": 10, "dim": 5}}, "queries": {"gaussian": {"count": 1000}}}`)
	for _, b := range []string{
		`{"memories": {"gaussian": {"count": 10, "dim": 5}}, "queries": {"gaussian": {"count": 2000}}}`,
		`{"memories": {"gaussian": {"count": 10, "dim": 5}}, "queries": {"gaussian": {"count": 1000}}, "retrieval": {"steps": 6}}`,
		`{"memories": {"gaussian": {"count": 10, "dim": 5}}, "queries": {"gaussian": {"count": 1000}}, "retrieval": {"normalizeFeatures": true}}`,
		`{"memories": {"gaussian": {"count": 20, "dim": 5}}, "queries": {"gaussian": {"count": 1000}}}`,
		`{"memories": {"gaussian": {"count": 10, "dim": 6}}, "queries": {"gaussian": {"count": 1000}}}`,
		`{"memories": {"gaussian": {"count": 10, "dim": 5}}, "queries": {"gaussian": {"count": 1000}}, "uhop": {"iterations": 5}}`,
	} {
		if w := more(b); w <= base {
			t.Errorf("%s: work %g, not more than %g", b, w, base)
		}
	}
}

// FuzzCapacityRoundTrip decodes a body as a capacity request, encodes it
// and decodes that again: the second decoding must succeed and equal the
// first, and resolving either must give the same answer without
// panicking. A body that does not decode must give a 4xx error.
func FuzzCapacityRoundTrip(f *testing.F) {
	for _, seed := range []string{
		`{"memories": {"gaussian": {"count": 10, "dim": 5, "seed": 42}}, "queries": {"gaussian": {"count": 50, "seed": 7}}}`,
		`{"memories": [[1, 0], [0, 1]], "queries": [[0.5, 0.5], [1, 2]], "normalizeQueries": false, "returnInputs": true,
		  "featureMap": {"init": "torchLinear", "seed": 3}, "uhop": {"iterations": 1, "loss": "paper", "batchOrder": [[1, 0]]},
		  "retrieval": {"steps": 3, "normalizeFeatures": true, "tolerance": 9}, "view": {"space": "input"}, "snapshots": [4]}`,
		`{"memories": {}, "queries": []}`,
		`{"memories": {"gaussian": {"count": -1, "dim": 1e3}}, "queries": {"gaussian": null}}`,
		`{"memories": {"gaussian": {"count": 2, "dim": 2, "Seed": 1}}}`,
		`{"queries": [[1, null]]}`,
	} {
		f.Add([]byte(seed))
	}
	lim := DefaultLimits()
	f.Fuzz(func(t *testing.T, body []byte) {
		c, err := DecodeCapacity(body)
		if err != nil {
			if e, ok := errors.AsType[*Error](err); !ok || e.Status/100 != 4 {
				t.Fatalf("decoding %q: %v, want a 4xx *Error", body, err)
			}
			return
		}
		enc, err := json.Marshal(c)
		if err != nil {
			t.Fatalf("encoding the request of %q: %v", body, err)
		}
		c2, err := DecodeCapacity(enc)
		if err != nil {
			t.Fatalf("decoding the re-encoded %s (from %q): %v", enc, body, err)
		}
		c.UI, c2.UI = nil, nil
		if !reflect.DeepEqual(c, c2) {
			t.Fatalf("round trip changed the request:\nbody %q\nre-encoded %s", body, enc)
		}
		resolve := func(c *Capacity) string {
			cp, err := ResolveCapacity(c, lim)
			if err == nil {
				err = cp.CheckWork(lim, true)
			}
			if err != nil {
				return err.Error()
			}
			return ""
		}
		if e1, e2 := resolve(c), resolve(c2); e1 != e2 {
			t.Fatalf("checks differ after the round trip: %q, then %q", e1, e2)
		}
	})
}
