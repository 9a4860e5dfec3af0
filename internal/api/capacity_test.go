package api

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"hoplab/internal/scenario"
	"hoplab/internal/sim"
)

// defaultCapacity is the authors' synthetic setting (SCIENCE §7.3) with
// generated inputs: d = 5, M = 10, D_Φ = 5, β = 1, 20 retrieval steps,
// 20 Adam steps of lr 1 on the paper loss with τ = 0.1, 1000 queries.
const defaultCapacity = `{"memories": {"gaussian": {"count": 10, "dim": 5, "seed": 42}},
	"queries": {"gaussian": {"count": 1000, "seed": 7}}, "beta": 1,
	"featureMap": {"dim": 5, "init": "torchLinear", "seed": 3},
	"uhop": {"iterations": 20, "optimizer": "adam", "lr": 1, "tau": 0.1, "loss": "paper"},
	"retrieval": {"steps": 20, "normalizeFeatures": true}}`

// capacityOf checks that r is a 200 JSON capacity answer and decodes it
// strictly.
func capacityOf(t *testing.T, status int, header http.Header, body []byte) *capacityJSON {
	t.Helper()
	if status != http.StatusOK {
		t.Fatalf("status %d, want 200; body %.500s", status, body)
	}
	if header != nil && (header.Get("Content-Type") != "application/json" || header.Get("Cache-Control") != "no-store") {
		t.Errorf("Content-Type %q, Cache-Control %q", header.Get("Content-Type"), header.Get("Cache-Control"))
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	var res capacityJSON
	if err := dec.Decode(&res); err != nil {
		t.Fatalf("the answer does not decode: %v; %.500s", err, body)
	}
	return &res
}

func postCapacityTo(h http.Handler, body string) (int, http.Header, []byte) {
	rec := request(h, http.MethodPost, capacityPath, "application/json", body)
	return rec.Code, rec.Header(), rec.Body.Bytes()
}

// TestCapacityAnswer checks the answer to the authors' default setting
// with generated inputs: every histogram counts every query once, the
// geometry is the trajectory's at 0 and N with the mean feature norms of
// the memories as returned, the inputs are the documented generator's
// rows normalised, and the answer is the same every time.
func TestCapacityAnswer(t *testing.T) {
	h := newTestServer(t, scenario.Limits{}).routes(nil)
	body := strings.Replace(defaultCapacity, `"beta": 1,`, `"beta": 1, "returnInputs": true,`, 1)
	status, header, raw := postCapacityTo(h, body)
	res := capacityOf(t, status, header, raw)
	if res.Queries != 1000 || len(res.Capacity) != 3 || len(res.Trajectory) != 21 {
		t.Fatalf("queries %d, %d maps, %d states", res.Queries, len(res.Capacity), len(res.Trajectory))
	}
	for i, e := range res.Capacity {
		if e.Separation != []string{"softmax", "entmax15", "sparsemax"}[i] {
			t.Errorf("map %d is %q", i, e.Separation)
		}
		for name, hist := range map[string][]int{"raw": e.Raw, "kernelized": e.Kernelized, "kernelizedNormalized": e.KernelizedNormalized} {
			sum := 0
			for _, n := range hist {
				sum += n
			}
			if len(hist) != 11 || sum != 1000 || hist[0] != 0 || e.Undefined[name] != 0 {
				t.Errorf("%s %s: %v (%d undefined), want 11 bins adding up to 1000, none empty", e.Separation, name, hist, e.Undefined[name])
			}
		}
		t.Logf("%s: raw %v, kernelized %v, normalised %v", e.Separation, e.Raw, e.Kernelized, e.KernelizedNormalized)
	}

	// Geometry.
	g := res.Geometry
	if g.Before.Iteration != 0 || g.After.Iteration != 20 || g.Before.MinAngleDeg == nil || g.After.MinAngleDeg == nil ||
		*g.Before.MinAngleDeg != *res.Trajectory[0].MinAngleDeg || *g.After.MinAngleDeg != *res.Trajectory[20].MinAngleDeg {
		t.Errorf("geometry %+v does not match the trajectory's angles", g)
	}
	meanNorm := func(st stateJSON) float64 {
		sum := 0.0
		for _, x := range res.Inputs.Memories {
			s := 0.0
			for r, w := range st.W {
				f := st.B[r]
				for j, v := range x {
					f += w[j] * v
				}
				s += f * f
			}
			sum += math.Sqrt(s)
		}
		return sum / float64(len(res.Inputs.Memories))
	}
	if b, a := meanNorm(res.Trajectory[0]), meanNorm(res.Trajectory[20]); math.Abs(b-g.Before.MeanFeatureNorm) > 1e-12*b || math.Abs(a-g.After.MeanFeatureNorm) > 1e-12*a {
		t.Errorf("mean feature norms %g, %g; from the trajectory %g, %g", g.Before.MeanFeatureNorm, g.After.MeanFeatureNorm, b, a)
	}
	if w0 := res.Trajectory[0]; len(w0.B) != 5 || slices.Max(w0.B) == 0 {
		t.Errorf("torchLinear's initial bias %v", w0.B)
	}

	// Inputs: the generator's rows, normalised.
	check := func(what string, rows [][]float64, n, d int, seed, stream uint64) {
		raw := make([]float64, n*d)
		sim.GaussianRows(raw, seed, stream)
		if len(rows) != n {
			t.Fatalf("%s: %d rows, want %d", what, len(rows), n)
		}
		for i, row := range rows {
			want := raw[i*d : i*d+d]
			nrm := math.Sqrt(dotF(want, want))
			for j := range row {
				if math.Abs(row[j]-want[j]/nrm) > 1e-15 {
					t.Fatalf("%s %d = %v, want the generator's %v normalised", what, i, row, want)
				}
			}
		}
	}
	check("memory", res.Inputs.Memories, 10, 5, 42, sim.MemoryStream)
	check("query", res.Inputs.Queries, 1000, 5, 7, sim.QueryStream)

	// The same request gives the same bytes.
	if _, _, again := postCapacityTo(h, body); !bytes.Equal(again, raw) {
		t.Error("a second request gave another answer")
	}
	// Without returnInputs the answer has no inputs, and the same numbers.
	_, _, plain := postCapacityTo(h, defaultCapacity)
	res2 := capacityOf(t, 200, nil, plain)
	if res2.Inputs != nil || !bytes.Contains(raw, plain[:bytes.Index(plain, []byte(`,"trajectory"`))]) {
		t.Error("returnInputs changed more than the inputs")
	}
}

func dotF(a, b []float64) float64 {
	s := 0.0
	for i, v := range a {
		s += v * b[i]
	}
	return s
}

// TestCapacityQueriesOnMemories: queries placed on the memories, at
// β = 1000, stay there with support 1 under every map, in the plain
// model; and at β = 1e-9 every map keeps all M (softmax: 1/M > 0.01).
func TestCapacityQueriesOnMemories(t *testing.T) {
	h := newTestServer(t, scenario.Limits{}).routes(nil)
	mem := `[[1, 0, 0], [0.6, 0.8, 0], [0, 0.6, 0.8], [-1, 0, 0]]`
	for _, c := range []struct {
		beta float64
		bin  int
	}{{1000, 1}, {1e-9, 4}} {
		body := `{"memories": ` + mem + `, "queries": ` + mem + `, "beta": ` + jsonNumber(c.beta) + `, "retrieval": {"steps": 3}}`
		status, header, raw := postCapacityTo(h, body)
		res := capacityOf(t, status, header, raw)
		for _, e := range res.Capacity {
			want := make([]int, 5)
			want[c.bin] = 4
			if !slices.Equal(e.Raw, want) || !slices.Equal(e.Kernelized, want) || e.KernelizedNormalized != nil {
				t.Errorf("β = %g, %s: raw %v, kernelized %v; want %v (the identity map)", c.beta, e.Separation, e.Raw, e.Kernelized, want)
			}
		}
	}
}

func jsonNumber(v float64) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// TestCapacityErrors: the endpoint refuses what /run refuses, the same
// way, and the capacity request's own mistakes with their fields; a job
// of kind capacity is refused with the same error.
func TestCapacityErrors(t *testing.T) {
	lim := scenario.DefaultLimits()
	lim.MaxBodyBytes, lim.MaxDrainBytes = 4096, 8192
	_, c := startJobs(t, lim, nil)
	for _, tc := range []struct {
		body        string
		status      int
		code, field string
	}{
		{`{"memories": {"gaussian": {"count": 10, "dim": 5}}}`, 400, scenario.CodeInvalidField, "queries"},
		{`{"memories": {"gaussian": {"count": 10, "dim": 5}}, "queries": {"gaussian": {"count": 0}}}`, 400, scenario.CodeInvalidField, "queries.gaussian.count"},
		{`{"memories": {"gaussian": {"count": 2000, "dim": 5}}, "queries": {"gaussian": {"count": 5}}}`, 400, scenario.CodeLimitExceeded, "memories.gaussian.count"},
		{`{"memories": {"gaussian": {"count": 10, "dim": 5}}, "queries": {"gaussian": {"count": 5, "dims": 3}}}`, 400, scenario.CodeUnknownField, "queries.gaussian.dims"},
		{`{"memories": [[1, 0]], "queries": [[1, 0, 0]]}`, 400, scenario.CodeInvalidField, "queries[0]"},
		{`{"memories": [[1, 0]], "queries": [[1, 0]], "beta": "x"}`, 400, scenario.CodeInvalidField, "beta"},
		{`{"memories": [[1, 0]], "queries": [[1, 0]], "uhop": {"lr": 1, "lr": 2}}`, 400, scenario.CodeDuplicateField, "uhop.lr"},
		{`{"memories": [[1, 0]], "queries": [[1, 0]], "uhop": {"iterations": 2, "batchOrder": [[0]]}}`, 400, scenario.CodeInvalidField, "uhop.batchOrder"},
		{`{"memories": [[1, 0]], "queries": [[1, 0]], "Queries": [[1, 0]]}`, 400, scenario.CodeUnknownField, "Queries"},
		{`{"memories": [[1, 0]], "queries": ` + matrixJSON(400, 2, func(i, j int) float64 { return 0.25 }) + `}`, 413, codeBodyTooLarge, ""},
		{`[1]`, 400, scenario.CodeInvalidJSON, ""},
	} {
		direct := c.do(http.MethodPost, capacityPath, "application/json", tc.body)
		e := errorReply(t, direct, tc.status)
		if e.Code != tc.code || e.Field != tc.field {
			t.Errorf("%.80s: %+v, want %s on %q", tc.body, e, tc.code, tc.field)
		}
		if tc.status == 413 {
			continue // the job's body is larger still
		}
		job := errorReply(t, c.post(`{"kind": "capacity", "request": `+tc.body+`}`), tc.status)
		if job != e {
			t.Errorf("%.80s: the job's error %+v, the endpoint's %+v", tc.body, job, e)
		}
	}
	if e := errorReply(t, c.do(http.MethodPost, capacityPath, "text/plain", `{}`), http.StatusUnsupportedMediaType); e.Code != codeUnsupportedMediaType {
		t.Errorf("text/plain: %+v", e)
	}
	r := c.do(http.MethodGet, capacityPath, "", "")
	if e := errorReply(t, r, http.StatusMethodNotAllowed); e.Code != codeMethodNotAllowed || r.header.Get("Allow") != "POST" {
		t.Errorf("GET: %+v, Allow %q", e, r.header.Get("Allow"))
	}
}

// TestCapacityJob: a request beyond the endpoint's work limit is refused
// there with the way to post it as a job; as a job it is accepted, its
// progress ends at its total, and its result is, byte for byte, what the
// endpoint answers where its limit allows the request.
func TestCapacityJob(t *testing.T) {
	probe, err := scenario.DecodeCapacity([]byte(defaultCapacity))
	if err != nil {
		t.Fatal(err)
	}
	cp, err := scenario.ResolveCapacity(probe, scenario.DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	lim := scenario.DefaultLimits()
	lim.MaxCapacityWork = int64(cp.Work() / 2)
	s, c := startJobs(t, lim, nil)
	e := errorReply(t, c.do(http.MethodPost, capacityPath, "application/json", defaultCapacity), http.StatusBadRequest)
	if e.Code != scenario.CodeLimitExceeded || e.Field != "queries.gaussian.count" || !strings.Contains(e.Message, `POST /api/v1/jobs with {"kind": "capacity"`) {
		t.Errorf("beyond the endpoint's work: %+v", e)
	}
	j := jobOf(t, c.post(`{"kind": "capacity", "request": `+defaultCapacity+`}`), http.StatusAccepted)
	if j.Kind != "capacity" || j.Progress.Total != capacityChunks(cp) || j.Progress.Total < 2 {
		t.Errorf("accepted: kind %q, progress %+v; want capacity, 0 of %d", j.Kind, j.Progress, capacityChunks(cp))
	}
	waitEnded(t, s, j.ID)
	done := jobOf(t, c.get(j.ID), http.StatusOK)
	if done.State != "done" || done.Status != 200 || done.Progress.Done != done.Progress.Total {
		t.Fatalf("job ended %s, status %d, progress %+v (error %+v)", done.State, done.Status, done.Progress, done.Error)
	}
	_, _, direct := postCapacityTo(newTestServer(t, scenario.Limits{}).routes(nil), defaultCapacity)
	if want := bytes.TrimSuffix(direct, []byte("\n")); !bytes.Equal(done.Result, want) {
		t.Errorf("the job's result (%d bytes) differs from the endpoint's answer (%d bytes)", len(done.Result), len(want))
	}
	// Beyond a job's limit too: refused, without the hint.
	lim.MaxCapacityJobWork = int64(cp.Work() / 2)
	_, c2 := startJobs(t, lim, nil)
	e = errorReply(t, c2.post(`{"kind": "capacity", "request": `+defaultCapacity+`}`), http.StatusBadRequest)
	if e.Code != scenario.CodeLimitExceeded || strings.Contains(e.Message, "/api/v1/jobs") {
		t.Errorf("beyond a job's work: %+v", e)
	}
}

// TestCapacityJobCancel holds a capacity job in a chunk of its retrievals
// (after its training): it shows running with part of its progress done;
// DELETE cancels it there, no chunk runs on, and no result is kept.
func TestCapacityJobCancel(t *testing.T) {
	var jobCtx atomic.Pointer[context.Context]
	reached := make(chan struct{}, 8)
	s, c := startJobs(t, scenario.Limits{}, func(s *server) {
		s.afterStep = func(ctx context.Context, n int) { jobCtx.Store(&ctx) }
		s.wrapRunner = func(r sim.Runner) sim.Runner { return holdingRunner{inner: r, ctx: &jobCtx, reached: reached} }
	})
	j := jobOf(t, c.post(`{"kind": "capacity", "request": `+defaultCapacity+`}`), http.StatusAccepted)
	waitReached(t, reached)
	running := jobOf(t, c.get(j.ID), http.StatusOK)
	if running.State != "running" || running.Progress.Done < 1 || running.Progress.Done >= running.Progress.Total {
		t.Errorf("held: state %s, progress %+v; want running, the training done and not all", running.State, running.Progress)
	}
	cancelled := jobOf(t, c.delete(j.ID), http.StatusOK)
	if cancelled.State != "cancelled" || cancelled.Result != nil || cancelled.Progress.Done >= cancelled.Progress.Total {
		t.Errorf("after DELETE: %+v", cancelled)
	}
	if n := s.pool.Running(); n != 0 {
		t.Errorf("%d chunks still running after DELETE answered", n)
	}
}

// holdingRunner holds the first chunk of each run until the context
// stored by the training's afterStep hook ends, and says so on reached.
type holdingRunner struct {
	inner   sim.Runner
	ctx     *atomic.Pointer[context.Context]
	reached chan<- struct{}
}

func (r holdingRunner) Run(n int, task sim.Task) error {
	return r.inner.Run(n, chunkFunc(func(i int) {
		if i == 0 {
			r.reached <- struct{}{}
			<-(*r.ctx.Load()).Done()
			return
		}
		task.RunChunk(i)
	}))
}

// TestCapacityDiverged: a run that diverges is answered as /run answers
// it, 422 with the finite prefix of the trajectory, by the endpoint and
// by a job.
func TestCapacityDiverged(t *testing.T) {
	s, c := startJobs(t, scenario.Limits{}, nil)
	body := `{"memories": [[1, 0], [0.9, 0.3], [0.8, -0.4]], "queries": [[1, 1]], "featureMap": {"affine": true},
		"uhop": {"iterations": 104, "optimizer": "sgd", "lr": 1000, "momentum": 1000}}`
	direct := c.do(http.MethodPost, capacityPath, "application/json", body)
	if d := divergedOf(t, direct.status, direct.body); len(d.Trajectory) == 0 || len(d.Trajectory) > 104 {
		t.Errorf("the diverged run has %d finite states", len(d.Trajectory))
	}
	run := c.run(`{"memories": [[1, 0], [0.9, 0.3], [0.8, -0.4]], "featureMap": {"affine": true},
		"uhop": {"iterations": 104, "optimizer": "sgd", "lr": 1000, "momentum": 1000}, "snapshots": []}`)
	if !bytes.Equal(direct.body, run.body) {
		t.Errorf("the 422 differs from /run's: %.200s\n%.200s", direct.body, run.body)
	}
	j := jobOf(t, c.post(`{"kind": "capacity", "request": `+body+`}`), http.StatusAccepted)
	waitEnded(t, s, j.ID)
	done := jobOf(t, c.get(j.ID), http.StatusOK)
	if done.Status != 422 || !bytes.Equal(done.Result, bytes.TrimSuffix(direct.body, []byte("\n"))) {
		t.Errorf("job: status %d, result %.200s", done.Status, done.Result)
	}
}

// TestRunBatchOrder: /run takes uhop.batchOrder: its trajectory is the
// engine's with that order, and not the one without it.
func TestRunBatchOrder(t *testing.T) {
	h := newTestServer(t, scenario.Limits{}).routes(nil)
	const sc = `{"memories": [[1, 0], [0.8, 0.6], [0, 1], [-0.6, 0.8]], "featureMap": {"init": "torchLinear", "seed": 5},
		"uhop": {"iterations": 3, "loss": "paper", "lr": 0.5, "tau": 0.2%s}, "snapshots": []}`
	order := [][]int{{3, 1, 0, 2}, {2, 3, 1, 0}, {0, 2, 3, 1}}
	orderJSON, _ := json.Marshal(order)
	with := resultOf(t, postRun(h, strings.Replace(sc, "%s", `, "batchOrder": `+string(orderJSON), 1)))
	without := resultOf(t, postRun(h, strings.Replace(sc, "%s", "", 1)))
	r, err := sim.New(sim.Settings{
		Memories: [][]float64{{1, 0}, {0.8, 0.6}, {0, 1}, {-0.6, 0.8}}, NormalizeMemories: true,
		FeatureMap: sim.FeatureMapSettings{Dim: 2, Affine: true, Init: sim.InitTorchLinear, Seed: 5},
		UHop:       sim.UHopSettings{Optimizer: sim.Adam, LR: 0.5, Tau: 0.2, Loss: sim.LossPaper, BatchOrder: order},
	})
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		r.Step()
	}
	st := r.State(3)
	got := with.Trajectory[3]
	if !slices.Equal(slices.Concat(got.W...), st.W) || !slices.Equal(got.B, st.B) || *got.Loss != st.Loss {
		t.Errorf("/run with the order: W %v b %v, the engine's %v %v", got.W, got.B, st.W, st.B)
	}
	if slices.Equal(slices.Concat(without.Trajectory[3].W...), st.W) {
		t.Error("the order changed nothing")
	}
	rec := postRun(h, strings.Replace(sc, "%s", `, "batchOrder": [[0, 1, 2, 3], [0, 1, 2, 2], [0, 1, 2, 3]]`, 1))
	if e := errorOf(t, rec); rec.Code != 400 || e.Field != "uhop.batchOrder[1][3]" {
		t.Errorf("a repeated row: %d %+v", rec.Code, e)
	}
}

// TestCapacityLimitsOnAboutPage: the /about page lists the capacity
// limits of the server it describes.
func TestCapacityLimitsOnAboutPage(t *testing.T) {
	lim := scenario.DefaultLimits()
	lim.MaxCapacityQueries = 123456
	h := newTestServer(t, lim).routes(nil)
	page := request(h, http.MethodGet, aboutPath, "", "").Body.String()
	for _, want := range []string{
		"POST /api/v1/capacity: memories M</td><td class=\"num\">1024</td>",
		"POST /api/v1/capacity: generated queries Q (explicit ones: the body size)</td><td class=\"num\">123456</td>",
		"jobs of kind capacity: estimated work, in CPU-ns</td><td class=\"num\">4e11</td>",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the about page lacks %q", want)
		}
	}
}

// TestCapacityOneMemory: with one memory every query ends on it, and the
// angles and the loss, which need a pair, are null.
func TestCapacityOneMemory(t *testing.T) {
	h := newTestServer(t, scenario.Limits{}).routes(nil)
	status, header, raw := postCapacityTo(h, `{"memories": [[3, 4]], "queries": {"gaussian": {"count": 50}}, "featureMap": {"init": "torchLinear"},
		"uhop": {"iterations": 3}, "retrieval": {"normalizeFeatures": true}}`)
	res := capacityOf(t, status, header, raw)
	for _, e := range res.Capacity {
		for _, hist := range [][]int{e.Raw, e.Kernelized, e.KernelizedNormalized} {
			if !slices.Equal(hist, []int{0, 50}) {
				t.Errorf("%s: %v, want all 50 queries of support 1", e.Separation, hist)
			}
		}
	}
	g := res.Geometry
	if g.Before.MinAngleDeg != nil || g.After.MinAngleDeg != nil || res.Trajectory[3].Loss != nil || g.After.MeanFeatureNorm <= 0 {
		t.Errorf("geometry %+v, loss %v; want null angles and loss, a feature length", g, res.Trajectory[3].Loss)
	}
}

// TestCapacityInputsSentBack: the inputs an answer returns (returnInputs),
// sent back as explicit arrays with normalizeMemories and
// normalizeQueries false, give the same answer byte for byte: the
// histograms, the geometry and the trajectory (the page's export note
// says so). With the normalisations left on they would be scaled a
// second time.
func TestCapacityInputsSentBack(t *testing.T) {
	h := newTestServer(t, scenario.Limits{}).routes(nil)
	body := strings.Replace(defaultCapacity, `"beta": 1,`, `"beta": 1, "returnInputs": true,`, 1)
	status, header, raw := postCapacityTo(h, body)
	first := capacityOf(t, status, header, raw)

	var req map[string]json.RawMessage
	if err := json.Unmarshal([]byte(body), &req); err != nil {
		t.Fatal(err)
	}
	in, err := json.Marshal(first.Inputs.Memories)
	if err != nil {
		t.Fatal(err)
	}
	qs, err := json.Marshal(first.Inputs.Queries)
	if err != nil {
		t.Fatal(err)
	}
	req["memories"], req["queries"] = in, qs
	req["normalizeMemories"], req["normalizeQueries"] = json.RawMessage("false"), json.RawMessage("false")
	back, err := json.Marshal(req)
	if err != nil {
		t.Fatal(err)
	}
	status, header, again := postCapacityTo(h, string(back))
	capacityOf(t, status, header, again)
	if !bytes.Equal(again, raw) {
		var a, b map[string]json.RawMessage
		_ = json.Unmarshal(raw, &a)
		_ = json.Unmarshal(again, &b)
		for k := range a {
			if !bytes.Equal(a[k], b[k]) {
				t.Errorf("the inputs sent back without normalisation: %q differs", k)
			}
		}
	}
}
