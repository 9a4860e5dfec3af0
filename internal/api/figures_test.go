package api

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"hoplab/internal/golden"
	"hoplab/internal/live/livetest"
	"hoplab/internal/scenario"
	"hoplab/internal/sim/sphere"
	"hoplab/internal/workpool"
)

// figureJSON is an answer of POST /api/v1/figures as a client decodes it.
type figureJSON struct {
	Figure string          `json:"figure"`
	Title  string          `json:"title"`
	Runs   []figureRunJSON `json:"runs"`
	Source string          `json:"source"`
	Codes  json.RawMessage `json:"codes"`
}

type figureRunJSON struct {
	Name     string          `json:"name"`
	Memories int             `json:"memories"`
	Map      string          `json:"map"`
	Scenario json.RawMessage `json:"scenario"`
	Result   json.RawMessage `json:"result"`
}

// postFigure posts a figure request.
func postFigure(h http.Handler, body string) reply {
	rec := request(h, http.MethodPost, figuresPath, "application/json", body)
	return reply{rec.Code, rec.Header(), rec.Body.Bytes()}
}

// figureOf checks that the answer is a 200 figure and decodes it strictly.
func figureOf(t *testing.T, r reply) *figureJSON {
	t.Helper()
	status, header, body := r.status, r.header, r.body
	if status != http.StatusOK {
		t.Fatalf("status %d, want 200; body %.500s", status, body)
	}
	if ct, cc := header.Get("Content-Type"), header.Get("Cache-Control"); ct != "application/json" || cc != "no-store" {
		t.Errorf("Content-Type %q, Cache-Control %q; want application/json, no-store", ct, cc)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	var f figureJSON
	if err := dec.Decode(&f); err != nil {
		t.Fatalf("figure does not decode: %v; %.300s", err, body)
	}
	return &f
}

// decodeStrict decodes raw into v, refusing unknown members.
func decodeStrict(t *testing.T, raw []byte, v any) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("%v; %.300s", err, raw)
	}
}

// TestFigureRunsAreRuns: every run of the energy and basins figures is a
// scenario that POST /api/v1/run accepts as it is, and its result is
// /run's answer to it, byte for byte; the runs are those of the paper's
// grid, in the documented order.
func TestFigureRunsAreRuns(t *testing.T) {
	h := newTestServer(t, scenario.Limits{}).routes(nil)
	type runWant struct {
		memories  int
		startMap  string
		published bool
		snapshots []int
	}
	for _, tc := range []struct {
		name, title string
		grid        int
		runs        []runWant
	}{
		{figureEnergy, "Figure 1: energy landscapes", 40, []runWant{
			{2, mapIdentity, false, []int{0}}, {2, mapAuthors, false, paperRows},
			{2, mapIdentity, true, []int{0}}, {2, mapAuthors, true, paperRows},
			{4, mapIdentity, false, []int{0}}, {4, mapAuthors, false, paperRows},
			{4, mapIdentity, true, []int{0}}, {4, mapAuthors, true, paperRows},
		}},
		{figureBasins, "Basins of attraction", 100, []runWant{
			{5, mapIdentity, false, []int{0}}, {5, mapAuthors, false, paperRows},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := figureOf(t, postFigure(h, `{"figure": "`+tc.name+`"}`))
			if f.Figure != tc.name || f.Title != tc.title || f.Codes != nil || f.Source != "" || len(f.Runs) != len(tc.runs) {
				t.Fatalf("figure %q %q with %d runs, codes %s; want %q %q with %d runs and no codes", f.Figure, f.Title, len(f.Runs), f.Codes, tc.name, tc.title, len(tc.runs))
			}
			for i, r := range f.Runs {
				want := tc.runs[i]
				var sc struct {
					Separations []string `json:"separations"`
					FeatureMap  struct {
						W *[][]float64 `json:"W"`
					} `json:"featureMap"`
					View struct {
						Space              string `json:"space"`
						PaperSoftmaxEnergy bool   `json:"paperSoftmaxEnergy"`
						Grid               struct {
							NX, NY int
							Margin float64
							XMin   *float64
						}
					}
					Snapshots []int `json:"snapshots"`
				}
				if err := json.Unmarshal(r.Scenario, &sc); err != nil {
					t.Fatal(err)
				}
				seps := paperSeparations
				if want.published {
					seps = []string{"softmax"}
				}
				if r.Memories != want.memories || r.Map != want.startMap || (sc.FeatureMap.W != nil) != (want.startMap == mapAuthors) ||
					sc.View.PaperSoftmaxEnergy != want.published || !slices.Equal(sc.Separations, seps) || !slices.Equal(sc.Snapshots, want.snapshots) ||
					sc.View.Space != "feature" || sc.View.Grid.NX != tc.grid || sc.View.Grid.NY != tc.grid || sc.View.Grid.Margin != 0.1 || sc.View.Grid.XMin != nil {
					t.Errorf("run %d (%s): %d memories, map %s, scenario %.400s; want %+v on a %d×%d grid with margin 0.1", i, r.Name, r.Memories, r.Map, r.Scenario, want, tc.grid, tc.grid)
				}
				direct := postRun(h, string(r.Scenario))
				if direct.Code != http.StatusOK {
					t.Fatalf("run %d: /run answers %d: %.300s", i, direct.Code, direct.Body)
				}
				if got := bytes.TrimSuffix(direct.Body.Bytes(), []byte("\n")); !bytes.Equal(got, r.Result) {
					t.Errorf("run %d (%s): the figure's result (%d bytes) is not /run's answer to its scenario (%d bytes)", i, r.Name, len(r.Result), len(got))
				}
			}
		})
	}
}

// TestFigureAuthorsSettings: the figures take the authors' memories, β,
// initial maps and U-Hop+ settings (the golden files), so that their
// U-Hop+ losses and maps match the authors' torch run; the row N = 0 is
// the raw memories (the identity map at t = 0), not W₀'s snapshot 0.
func TestFigureAuthorsSettings(t *testing.T) {
	h := newTestServer(t, scenario.Limits{}).routes(nil)
	for _, tc := range []struct {
		figure     string
		cases      []string
		beta       []float64
		optimizer  string
		identityAt int // index of the first identity run of each case
	}{
		{figureEnergy, []string{golden.Contours2, golden.Contours4}, []float64{1 / 0.9, 20}, "sgd", 4},
		{figureBasins, []string{golden.Basins5}, []float64{20}, "adam", 2},
	} {
		f := figureOf(t, postFigure(h, `{"figure": "`+tc.figure+`"}`))
		for ci, name := range tc.cases {
			c, err := golden.Load(name)
			if err != nil {
				t.Fatal(err)
			}
			var want struct {
				Memories   [][]float64
				FeatureMap struct {
					W [][]float64
					B []float64 `json:"b"`
				} `json:"featureMap"`
			}
			if err := json.Unmarshal(c.Scenario, &want); err != nil {
				t.Fatal(err)
			}
			for _, r := range f.Runs[ci*tc.identityAt : (ci+1)*tc.identityAt] {
				var sc struct {
					Memories          [][]float64
					NormalizeMemories bool `json:"normalizeMemories"`
					Beta              float64
					FeatureMap        struct {
						Dim    int
						Affine bool
						Init   string
						W      [][]float64
						B      []float64 `json:"b"`
					} `json:"featureMap"`
					UHop struct {
						Iterations        int
						Optimizer         string
						LR, Momentum, Tau float64
						Loss              string
					} `json:"uhop"`
					Retrieval struct {
						Steps     int
						Tolerance float64
					}
				}
				if err := json.Unmarshal(r.Scenario, &sc); err != nil {
					t.Fatal(err)
				}
				u := sc.UHop
				if !slices.EqualFunc(sc.Memories, want.Memories, slices.Equal) || !sc.NormalizeMemories || sc.Beta != tc.beta[ci] ||
					sc.FeatureMap.Dim != 2 || !sc.FeatureMap.Affine || u.Optimizer != tc.optimizer || u.LR != 0.1 || u.Momentum != 0 || u.Tau != 1 ||
					u.Loss != "paper" || sc.Retrieval.Steps != 5 || sc.Retrieval.Tolerance != 0.001 {
					t.Errorf("%s: %s: scenario %.600s; want the golden case's memories, β = %v, %s lr 0.1, τ 1, the paper loss, affine 2→2", tc.figure, r.Name, r.Scenario, tc.beta[ci], tc.optimizer)
				}
				switch r.Map {
				case mapIdentity:
					if sc.FeatureMap.W != nil || sc.FeatureMap.B != nil || sc.FeatureMap.Init != "identity" || u.Iterations != 0 {
						t.Errorf("%s: %s: the row N = 0 is not the identity map at t = 0: %.600s", tc.figure, r.Name, r.Scenario)
					}
				case mapAuthors:
					if !slices.EqualFunc(sc.FeatureMap.W, want.FeatureMap.W, slices.Equal) || !slices.Equal(sc.FeatureMap.B, want.FeatureMap.B) || u.Iterations != 5 {
						t.Errorf("%s: %s: W₀, b₀ %v %v, N %d; want the authors' %v %v and N = 5", tc.figure, r.Name, sc.FeatureMap.W, sc.FeatureMap.B, u.Iterations, want.FeatureMap.W, want.FeatureMap.B)
					}
					var res resultJSON
					decodeStrict(t, r.Result, &res)
					for step := range c.LossByStep {
						if got := *res.Trajectory[step].Loss; math.Abs(got-c.LossByStep[step]) > c.Tolerance.Loss {
							t.Errorf("%s: %s: loss at t = %d is %v, the authors' run %v (tolerance %g)", tc.figure, r.Name, step, got, c.LossByStep[step], c.Tolerance.Loss)
						}
						st := res.Trajectory[step+1]
						for i := range st.W {
							for j := range st.W[i] {
								if d := math.Abs(st.W[i][j] - c.W[step][i][j]); d > c.Tolerance.W {
									t.Errorf("%s: %s: W[%d][%d] after step %d differs from the authors' by %g", tc.figure, r.Name, i, j, step+1, d)
								}
							}
							if d := math.Abs(st.B[i] - c.B[step][i]); d > c.Tolerance.W {
								t.Errorf("%s: %s: b[%d] after step %d differs from the authors' by %g", tc.figure, r.Name, i, step+1, d)
							}
						}
					}
				default:
					t.Errorf("%s: %s: map %q", tc.figure, r.Name, r.Map)
				}
				// The row N = 0 draws the raw memories, normalised.
				if r.Map == mapIdentity {
					var res resultJSON
					decodeStrict(t, r.Result, &res)
					for i, p := range res.Snapshots[0].Points {
						n := math.Hypot(want.Memories[i][0], want.Memories[i][1])
						if math.Abs(p[0]-want.Memories[i][0]/n) > 1e-15 || math.Abs(p[1]-want.Memories[i][1]/n) > 1e-15 {
							t.Errorf("%s: %s: point %d is %v, want the raw memory %v normalised", tc.figure, r.Name, i, p, want.Memories[i])
						}
					}
				}
			}
		}
	}
}

// TestFigurePublishedSoftmax: the published softmax panels are the energy
// without the 1/β, ½‖q‖² − log Σ exp(β q·u_μ), on the same grid as the
// corrected ones: published = ½‖q‖²(1 − β) + β·corrected.
func TestFigurePublishedSoftmax(t *testing.T) {
	h := newTestServer(t, scenario.Limits{}).routes(nil)
	f := figureOf(t, postFigure(h, `{"figure": "energy"}`))
	for _, pair := range [][2]int{{0, 2}, {1, 3}, {4, 6}, {5, 7}} {
		var corr, pub resultJSON
		decodeStrict(t, f.Runs[pair[0]].Result, &corr)
		decodeStrict(t, f.Runs[pair[1]].Result, &pub)
		var sc struct{ Beta float64 }
		if err := json.Unmarshal(f.Runs[pair[0]].Scenario, &sc); err != nil {
			t.Fatal(err)
		}
		for si, cs := range corr.Snapshots {
			ps := pub.Snapshots[si]
			if !slices.Equal(cs.XS, ps.XS) || !slices.Equal(cs.YS, ps.YS) || len(ps.Panels) != 1 || ps.Panels[0].Separation != "softmax" {
				t.Fatalf("%s, snapshot %d: not the corrected run's grid, or not softmax alone", f.Runs[pair[1]].Name, si)
			}
			worst := 0.0
			for i, y := range cs.YS {
				for j, x := range cs.XS {
					q2 := (x*x + y*y) / 2
					want := q2*(1-sc.Beta) + sc.Beta**cs.Panels[0].Energy[i][j]
					worst = max(worst, math.Abs(*ps.Panels[0].Energy[i][j]-want)/max(1, math.Abs(want)))
				}
			}
			if worst > 1e-12 {
				t.Errorf("%s, snapshot %d: published softmax energy off ½‖q‖²(1 − β) + β·E by %g (relative)", f.Runs[pair[1]].Name, si, worst)
			}
		}
	}
}

// boundSimulationMs are the M of the authors' bound_simulation.py: 4 … 50,
// then 55 … 130 in steps of 5.
func boundSimulationMs() []int {
	var ms []int
	for m := 4; m <= 50; m++ {
		ms = append(ms, m)
	}
	for m := 55; m <= 130; m += 5 {
		ms = append(ms, m)
	}
	return ms
}

// TestFigureProp31: the Prop. 3.1 figure's numbers are GET
// /api/v1/spherical-codes?dim=3's answer, byte for byte, which covers every
// M of the authors' bound_simulation.py and M = 2, 3, each with whether it
// is proven and its source, between the bounds.
func TestFigureProp31(t *testing.T) {
	h := newTestServer(t, scenario.Limits{}).routes(nil)
	f := figureOf(t, postFigure(h, `{"figure": "prop31"}`))
	if f.Figure != figureProp31 || f.Runs != nil || f.Source != "GET /api/v1/spherical-codes?dim=3" {
		t.Fatalf("figure %q, %d runs, source %q", f.Figure, len(f.Runs), f.Source)
	}
	get := getCodes(h, "dim=3")
	if !bytes.Equal(f.Codes, bytes.TrimSuffix(get.Body.Bytes(), []byte("\n"))) {
		t.Errorf("the figure's codes are not GET %s?dim=3's answer:\n%.300s\n%.300s", codesPath, f.Codes, get.Body)
	}
	res := codesOf(t, get)
	byM := map[int]codeEntryJSON{}
	for _, e := range res.Codes {
		byM[e.M] = e
	}
	for _, m := range append([]int{2, 3}, boundSimulationMs()...) {
		e, ok := byM[m]
		if !ok || e.AngleDeg == nil || e.DeltaMin == nil || e.Source == nil || *e.Source == "" {
			t.Errorf("M = %d: %+v, want a known code with its source", m, e)
			continue
		}
		if want := m <= 14 || m == 24; e.Proven != want {
			t.Errorf("M = %d: proven %v, want %v", m, e.Proven, want)
		}
		if !(*e.Prop31.Lower <= *e.DeltaMin && *e.DeltaMin <= *e.Prop31.Upper) {
			t.Errorf("M = %d: Δmin %v outside [%v, %v]", m, *e.DeltaMin, *e.Prop31.Lower, *e.Prop31.Upper)
		}
	}
	if len(byM) != len(boundSimulationMs())+2 || len(sphere.Tammes()) != len(byM) {
		t.Errorf("%d rows, want the %d M of bound_simulation.py and 2, 3", len(byM), len(boundSimulationMs())+2)
	}
}

// TestFigureJob: a job of kind "figure" is accepted with the total of its
// runs' chunks, shows its progress while it runs, and ends with the
// answer of POST /api/v1/figures, byte for byte (of another server's, as
// this one's is its job's, from its copy).
func TestFigureJob(t *testing.T) {
	for _, name := range figureNames() {
		t.Run(name, func(t *testing.T) {
			s, c := startJobs(t, scenario.Limits{}, nil)
			fig, err := s.prepareFigure([]byte(`{"figure": "` + name + `"}`))
			if err != nil {
				t.Fatal(err)
			}
			want := fig.chunks
			if name != figureProp31 {
				var sum int64
				for _, r := range fig.runs {
					sum += int64(computeChunks(r.plan))
				}
				if want != sum || want < int64(len(fig.runs)*2) {
					t.Fatalf("%d chunks, want Σ of the runs' %d", want, sum)
				}
			}
			j := jobOf(t, c.post(`{"kind": "figure", "request": {"figure": "`+name+`"}}`), http.StatusAccepted)
			if j.Kind != "figure" || j.State != "queued" || j.Progress != (progressJSON{0, want}) {
				t.Errorf("accepted: %+v, want kind figure, queued, progress 0/%d", j, want)
			}
			waitEnded(t, s, j.ID)
			done := jobOf(t, c.get(j.ID), http.StatusOK)
			if done.State != "done" || done.Status != http.StatusOK || done.Progress != (progressJSON{want, want}) {
				t.Errorf("ended: state %s, status %d, progress %+v; want done, 200, %d/%d", done.State, done.Status, done.Progress, want, want)
			}
			// Computed afresh by another server: this one answers from its copy.
			r := postFigure(newTestServer(t, scenario.Limits{}).routes(nil), `{"figure": "`+name+`"}`)
			status, body := r.status, r.body
			if status != http.StatusOK || !bytes.Equal(done.Result, bytes.TrimSuffix(body, []byte("\n"))) {
				t.Errorf("the job's result (%d bytes) is not POST %s's answer (%d, %d bytes)", len(done.Result), figuresPath, status, len(body))
			}
		})
	}
}

// TestFigureJobProgress: while a figure job runs, its progress counts the
// chunks of the runs done and of the one running, out of the figure's
// total.
func TestFigureJobProgress(t *testing.T) {
	var reached <-chan struct{}
	s, c := startJobs(t, scenario.Limits{}, func(s *server) { reached = holdAt(s, 2) })
	fig, err := s.prepareFigure([]byte(`{"figure": "basins"}`))
	if err != nil {
		t.Fatal(err)
	}
	j := jobOf(t, c.post(`{"kind": "figure", "request": {"figure": "basins"}}`), http.StatusAccepted)
	waitReached(t, reached) // the second run (the authors' map) took 2 steps
	running := jobOf(t, c.get(j.ID), http.StatusOK)
	first := int64(computeChunks(fig.runs[0].plan))
	if running.State != "running" || running.Progress.Total != fig.chunks || running.Progress.Done < first || running.Progress.Done >= fig.chunks {
		t.Errorf("held at step 2 of the second run: %s, progress %+v; want running, at least the first run's %d chunks of %d", running.State, running.Progress, first, fig.chunks)
	}
	if ended := jobOf(t, c.delete(j.ID), http.StatusOK); ended.State != "cancelled" {
		t.Errorf("DELETE: %s, want cancelled", ended.State)
	}
}

// TestFigureRequestErrors: a figure request is decoded strictly and gets
// /run's 4xx JSON errors, naming the field; through a job, the same.
func TestFigureRequestErrors(t *testing.T) {
	s, c := startJobs(t, scenario.Limits{}, nil)
	h := s.routes(nil)
	for _, tc := range []struct {
		body, code, field, says string
	}{
		{`{"figure": "energy"`, scenario.CodeInvalidJSON, "", "JSON"},
		{`{"figure": "energy"} {}`, scenario.CodeInvalidJSON, "", "exactly one"},
		{`[1]`, scenario.CodeInvalidJSON, "", "object"},
		{`null`, scenario.CodeInvalidJSON, "", "null"},
		{`{}`, scenario.CodeInvalidField, "figure", "required"},
		{`{"figure": null}`, scenario.CodeInvalidField, "figure", "required"},
		{`{"figure": 3}`, scenario.CodeInvalidField, "figure", "string"},
		{`{"figure": "figure1"}`, scenario.CodeInvalidField, "figure", `unknown figure "figure1": want one of basins, energy, prop31`},
		{`{"figure": "energy", "grid": 40}`, scenario.CodeUnknownField, "grid", "unknown field"},
		{`{"Figure": "energy"}`, scenario.CodeUnknownField, "Figure", `did you mean "figure"`},
		{`{"figure": "energy", "figure": "basins"}`, scenario.CodeDuplicateField, "figure", "more than once"},
	} {
		e := errorReply(t, postFigure(h, tc.body), http.StatusBadRequest)
		if e.Code != tc.code || e.Field != tc.field || !strings.Contains(e.Message, tc.says) {
			t.Errorf("%s: %+v, want %s on %q saying %q", tc.body, e, tc.code, tc.field, tc.says)
		}
		if strings.HasPrefix(tc.body, "{") && !strings.Contains(tc.body, "} {") && json.Valid([]byte(tc.body)) {
			job := errorReply(t, c.post(`{"kind": "figure", "request": `+tc.body+`}`), http.StatusBadRequest)
			if job != e {
				t.Errorf("%s as a job: %+v, want the endpoint's %+v", tc.body, job, e)
			}
		}
	}
	// The HTTP layer's errors, as for /run.
	if rec := request(h, http.MethodPost, figuresPath, "text/plain", `{"figure": "energy"}`); rec.Code != http.StatusUnsupportedMediaType || errorOf(t, rec).Code != codeUnsupportedMediaType {
		t.Errorf("text/plain: %d %s", rec.Code, rec.Body)
	}
	if rec := request(h, http.MethodGet, figuresPath, "", ""); rec.Code != http.StatusMethodNotAllowed || errorOf(t, rec).Code != codeMethodNotAllowed || rec.Header().Get("Allow") != "POST" {
		t.Errorf("GET: %d, Allow %q, %s", rec.Code, rec.Header().Get("Allow"), rec.Body)
	}
	big := `{"figure": "` + strings.Repeat("x", 9<<20) + `"}`
	if rec := request(h, http.MethodPost, figuresPath, "application/json", big); rec.Code != http.StatusRequestEntityTooLarge || errorOf(t, rec).Code != codeBodyTooLarge {
		t.Errorf("a 9 MiB body: %d %.200s", rec.Code, rec.Body)
	}
}

// TestFigureLimits: a figure whose runs the server's limits refuse is
// refused before any work, with the run's reason, on "figure"; a figure
// within them is computed.
func TestFigureLimits(t *testing.T) {
	lim := scenario.DefaultLimits()
	lim.MaxGridSide = 64 // the basins figure's grid is 100 × 100, Figure 1's 40 × 40
	s, c := startJobs(t, lim, nil)
	h := s.routes(nil)
	e := errorReply(t, postFigure(h, `{"figure": "basins"}`), http.StatusBadRequest)
	if e.Code != scenario.CodeLimitExceeded || e.Field != figureField || !strings.Contains(e.Message, "view.grid.nx") || !strings.Contains(e.Message, "limits refuse") {
		t.Errorf("basins under a grid limit of 64: %+v", e)
	}
	if job := errorReply(t, c.post(`{"kind": "figure", "request": {"figure": "basins"}}`), http.StatusBadRequest); job != e {
		t.Errorf("as a job: %+v, want %+v", job, e)
	}
	figureOf(t, postFigure(h, `{"figure": "energy"}`))
}

// TestFiguresPage: GET /figures is the page, under the pages' security
// policy, with a shell for every figure that the modules fill; the other
// pages link to it.
func TestFiguresPage(t *testing.T) {
	h := newTestServer(t, scenario.Limits{}).routes(nil)
	rec := request(h, http.MethodGet, figuresPagePath, "", "")
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Security-Policy") != pageSecurityPolicy || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
		t.Fatalf("GET /figures: %d, headers %v", rec.Code, rec.Header())
	}
	page := rec.Body.String()
	for _, want := range []string{
		`<script type="module" src="/static/js/figures/main.js">`,
		`data-jobs-path="/api/v1/jobs"`, `data-figures-url="http://localhost/api/v1/figures"`,
		`data-testid="figure-energy"`, `data-testid="figure-basins"`, `data-testid="figure-prop31"`,
		`data-testid="progress-basins"`, `role="progressbar"`, `data-testid="fidelity-published"`,
		`<a href="/figures" aria-current="page"`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
	if strings.Contains(page, "<script>") || strings.Contains(page, "style=") {
		t.Error("the page has an inline script or style")
	}
	for _, path := range []string{explorerPath, aboutPath} {
		if rec := request(h, http.MethodGet, path, "", ""); !strings.Contains(rec.Body.String(), `href="/figures"`) {
			t.Errorf("%s does not link to /figures", path)
		}
	}
	for _, asset := range []string{"/static/js/figures/main.js", "/static/figures.css"} {
		if rec := request(h, http.MethodGet, asset, "", ""); rec.Code != http.StatusOK {
			t.Errorf("GET %s: %d", asset, rec.Code)
		}
	}
}

// TestUnsupportedMediaTypeNamesTheBody: a body that is not JSON gets 415
// naming what the endpoint takes: a scenario, a job, a figure request.
func TestUnsupportedMediaTypeNamesTheBody(t *testing.T) {
	h := newTestServer(t, scenario.Limits{}).routes(nil)
	for _, tc := range []struct{ path, body, says string }{
		{"/api/v1/run", `{"memories": [[1, 0]]}`, `send the scenario with Content-Type: application/json, not "text/plain"`},
		{jobsPath, `{"kind": "figure", "request": {"figure": "prop31"}}`, `send the job ({"kind": …, "request": …}) with Content-Type: application/json, not "text/plain"`},
		{figuresPath, `{"figure": "prop31"}`, `send the figure request ({"figure": …}) with Content-Type: application/json, not "text/plain"`},
	} {
		rec := request(h, http.MethodPost, tc.path, "text/plain", tc.body)
		if e := errorOf(t, rec); rec.Code != http.StatusUnsupportedMediaType || e.Code != codeUnsupportedMediaType || e.Message != tc.says || e.Field != "" {
			t.Errorf("%s: %d %+v, want 415 saying %q", tc.path, rec.Code, e, tc.says)
		}
	}
}

// poolJobCounter counts the jobs the shared pool accepts: every chunk of
// computation is in one, so no new job means no computation.
type poolJobCounter struct{ queued atomic.Int64 }

func (o *poolJobCounter) Queued(string, workpool.Priority)                 { o.queued.Add(1) }
func (o *poolJobCounter) Started(string, workpool.Priority, time.Duration) {}
func (o *poolJobCounter) Finished(string, workpool.Priority, workpool.Outcome, bool, time.Duration) {
}

// startCountedJobs serves a test server whose pool counts its jobs, as
// startJobs does.
func startCountedJobs(t *testing.T, lim scenario.Limits, setup func(*server)) (*server, *jobsClient, *poolJobCounter) {
	t.Helper()
	count := &poolJobCounter{}
	pool := workpool.New(2, workpool.WithObserver(count))
	t.Cleanup(pool.Close)
	s := newServer(Config{Pool: pool, Limits: lim, Logger: slog.New(slog.NewTextHandler(&testLogWriter{t: t}, nil))})
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), livetest.Timeout)
		defer cancel()
		s.stopRuns()
		if err := s.jobs.wait(ctx); err != nil {
			t.Errorf("stopping the jobs: %v", err)
		}
	})
	if setup != nil {
		setup(s)
	}
	ts := httptest.NewServer(s.routes(nil))
	t.Cleanup(ts.Close)
	return s, &jobsClient{t: t, url: ts.URL}, count
}

// keptResult returns the result that the job store keeps for job id, and
// what it counts for it towards MaxKeptJobBytes.
func keptResult(t *testing.T, s *server, id string) ([]byte, int64) {
	t.Helper()
	s.jobs.mu.Lock()
	defer s.jobs.mu.Unlock()
	j, ok := s.jobs.byID[id]
	if !ok {
		t.Fatalf("no job %s", id)
	}
	return j.result, j.keptBytes
}

// TestFigureCache: a figure is computed once per server. A second job of
// it is accepted done, with every chunk counted, and POST
// /api/v1/figures answers at once: neither starts any work on the pool.
// All their answers are the first's bytes, one slice kept by the server,
// which the kept jobs do not count again; and they are, byte for byte,
// what another server computes afresh.
func TestFigureCache(t *testing.T) {
	const req = `{"kind": "figure", "request": {"figure": "basins"}}`
	s, c, count := startCountedJobs(t, scenario.Limits{}, nil)
	first := jobOf(t, c.post(req), http.StatusAccepted)
	if first.State != "queued" || first.Progress.Done != 0 {
		t.Fatalf("the first job: %s, progress %+v; want queued, nothing done", first.State, first.Progress)
	}
	waitEnded(t, s, first.ID)
	computed := count.queued.Load()
	if computed == 0 {
		t.Fatal("the first job put no work on the pool")
	}
	firstDone := jobOf(t, c.get(first.ID), http.StatusOK)

	second := jobOf(t, c.post(req), http.StatusAccepted)
	total := firstDone.Progress.Total
	if second.State != "done" || second.Status != http.StatusOK || second.Progress != (progressJSON{total, total}) ||
		*second.StartedAt != second.CreatedAt || *second.EndedAt != second.CreatedAt || second.Result != nil {
		t.Errorf("the second job as accepted: %+v; want done at once, 200, progress %d/%d, no result in the 202", second, total, total)
	}
	secondDone := jobOf(t, c.get(second.ID), http.StatusOK)
	if !bytes.Equal(secondDone.Result, firstDone.Result) {
		t.Errorf("the second job's result (%d bytes) differs from the first's (%d bytes)", len(secondDone.Result), len(firstDone.Result))
	}
	r := c.do(http.MethodPost, figuresPath, "application/json", `{"figure": "basins"}`)
	if r.status != http.StatusOK || !bytes.Equal(r.body, append(bytes.Clone(firstDone.Result), '\n')) {
		t.Errorf("POST %s after the job: %d, %d bytes; want 200 and the job's result", figuresPath, r.status, len(r.body))
	}
	if n := count.queued.Load(); n != computed {
		t.Errorf("the pool took %d jobs after the figure was computed; want none", n-computed)
	}
	r1, k1 := keptResult(t, s, first.ID)
	r2, k2 := keptResult(t, s, second.ID)
	if len(r1) == 0 || len(r1) != len(r2) || &r1[0] != &r2[0] {
		t.Error("the two jobs keep two copies of the figure's answer; want one slice")
	}
	if k1 != scenario.JobRecordBytes || k2 != scenario.JobRecordBytes {
		t.Errorf("the kept jobs count %d and %d bytes; want their records alone (%d): the answer is the server's", k1, k2, scenario.JobRecordBytes)
	}

	// Another server computes it afresh through POST /api/v1/figures, then
	// answers from its copy: the same bytes every time.
	s2, c2, count2 := startCountedJobs(t, scenario.Limits{}, nil)
	fresh := c2.do(http.MethodPost, figuresPath, "application/json", `{"figure": "basins"}`)
	computed2 := count2.queued.Load()
	again := c2.do(http.MethodPost, figuresPath, "application/json", `{"figure": "basins"}`)
	job := jobOf(t, c2.post(req), http.StatusAccepted)
	if fresh.status != http.StatusOK || computed2 == 0 || again.status != http.StatusOK || job.State != "done" || count2.queued.Load() != computed2 {
		t.Errorf("another server: %d with %d pool jobs, then %d and a %s job with %d more; want 200, then 200 and done with none", fresh.status, computed2, again.status, job.State, count2.queued.Load()-computed2)
	}
	if !bytes.Equal(fresh.body, r.body) || !bytes.Equal(again.body, fresh.body) {
		t.Error("the figure computed afresh differs from the answers of the first server")
	}
	if res, _ := keptResult(t, s2, job.ID); !bytes.Equal(append(bytes.Clone(res), '\n'), fresh.body) {
		t.Error("the job's result is not the endpoint's answer")
	}
}

// TestFigureCacheBeyondJobLimits: a job whose figure is known is never
// queued nor running, so it is accepted done even while the server has
// as many jobs as it takes.
func TestFigureCacheBeyondJobLimits(t *testing.T) {
	lim := scenario.DefaultLimits()
	lim.MaxJobs = 1
	lim.MaxJobsPerAddr = 1
	lim.MaxRunningJobs = 1
	var reached <-chan struct{}
	_, c, _ := startCountedJobs(t, lim, func(s *server) { reached = holdAt(s, 2) })
	if r := c.do(http.MethodPost, figuresPath, "application/json", `{"figure": "prop31"}`); r.status != http.StatusOK {
		t.Fatalf("POST %s: %d", figuresPath, r.status)
	}
	held := jobOf(t, c.post(runJob(heldRun)), http.StatusAccepted)
	waitReached(t, reached)
	if e := errorReply(t, c.post(runJob(heldRun)), http.StatusServiceUnavailable); e.Code != codeBusy {
		t.Errorf("a second run job: %+v, want busy", e)
	}
	if j := jobOf(t, c.post(`{"kind": "figure", "request": {"figure": "prop31"}}`), http.StatusAccepted); j.State != "done" {
		t.Errorf("a known figure's job while the server is full: %s, want done", j.State)
	}
	jobOf(t, c.delete(held.ID), http.StatusOK)
}

// TestAboutPageFigures: the API page tells of POST /api/v1/figures, its
// figures and the job kind "figure", as docs/api.md does: every figure and
// every kind of job named on the page has its row there.
func TestAboutPageFigures(t *testing.T) {
	h := newTestServer(t, scenario.Limits{}).routes(nil)
	page := request(h, http.MethodGet, aboutPath, "", "").Body.String()
	for _, want := range []string{
		`data-testid="figures"`, "<code>POST " + testOrigin + figuresPath + "</code>", `{&#34;figure&#34;: name}`,
		"<code>basins</code>, <code>energy</code>, <code>prop31</code>", `<a href="/figures">`,
		"<code>figure</code>, <code>run</code>", `{&#34;kind&#34;: &#34;figure&#34;, &#34;request&#34;: {&#34;figure&#34;: &#34;basins&#34;}}`,
		"computes a figure once",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the API page lacks %s", want)
		}
	}
	doc, err := os.ReadFile("../../docs/api.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range figureNames() {
		if !bytes.Contains(doc, []byte("| `"+name+"` |")) {
			t.Errorf("docs/api.md has no row for the figure %q", name)
		}
	}
	for _, kind := range jobKindNames() {
		if !bytes.Contains(doc, []byte("| `"+kind+"` |")) {
			t.Errorf("docs/api.md has no row for the job kind %q", kind)
		}
	}
}

// postFigureURL posts a figure request, for goroutines: it reports instead
// of failing the test.
func postFigureURL(url, name string) (int, []byte, error) {
	resp, err := (&http.Client{Timeout: livetest.Timeout}).Post(url+figuresPath, "application/json", strings.NewReader(`{"figure": "`+name+`"}`))
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

// figureWaiters returns how many callers wait for the computation of the
// figure name in flight.
func figureWaiters(s *server, name string) int {
	s.figures.mu.Lock()
	defer s.figures.mu.Unlock()
	if f, ok := s.figures.flights[name]; ok {
		return f.waiters
	}
	return 0
}

// TestFigureComputedOnceConcurrently: first requests for a figure that
// arrive together, POSTs and jobs, share one computation: the pool takes
// as many jobs as one computation of the figure puts on it, and every
// answer is 200 with the same bytes (none refused busy: only the one
// computing is admitted).
func TestFigureComputedOnceConcurrently(t *testing.T) {
	_, c0, count0 := startCountedJobs(t, scenario.Limits{}, nil)
	want := c0.do(http.MethodPost, figuresPath, "application/json", `{"figure": "basins"}`)
	if want.status != http.StatusOK {
		t.Fatalf("one POST: %d", want.status)
	}
	once := count0.queued.Load()

	s, c, count := startCountedJobs(t, scenario.Limits{}, nil)
	const posts = 12
	var wg sync.WaitGroup
	type answer struct {
		status int
		body   []byte
		err    error
	}
	answers := make([]answer, posts)
	start := make(chan struct{})
	for i := range posts {
		wg.Go(func() {
			<-start
			st, b, err := postFigureURL(c.url, "basins")
			answers[i] = answer{st, b, err}
		})
	}
	close(start)
	var jobs []string
	for range 2 {
		jobs = append(jobs, jobOf(t, c.post(`{"kind": "figure", "request": {"figure": "basins"}}`), http.StatusAccepted).ID)
	}
	wg.Wait()
	for i, a := range answers {
		if a.err != nil || a.status != http.StatusOK || !bytes.Equal(a.body, want.body) {
			t.Errorf("POST %d: %d, %d bytes, %v; want 200 and the figure (%d bytes)", i, a.status, len(a.body), a.err, len(want.body))
		}
	}
	for _, id := range jobs {
		waitEnded(t, s, id)
		j := jobOf(t, c.get(id), http.StatusOK)
		if j.State != "done" || !bytes.Equal(append(bytes.Clone(j.Result), '\n'), want.body) || j.Progress.Done != j.Progress.Total {
			t.Errorf("job %s: %s, progress %+v; want done with the figure, every chunk counted", id[:8], j.State, j.Progress)
		}
	}
	if n := count.queued.Load(); n != once {
		t.Errorf("the pool took %d jobs for %d concurrent first requests; want %d, one computation", n, posts+len(jobs), once)
	}
}

// TestFigureLeaderCancelled: when the request computing a figure goes
// away (its job deleted) while another waits for it, the one waiting
// computes the figure and answers 200.
func TestFigureLeaderCancelled(t *testing.T) {
	var held atomic.Bool
	reached := make(chan struct{}, 1)
	s, c, _ := startCountedJobs(t, scenario.Limits{}, func(s *server) {
		s.afterStep = func(ctx context.Context, n int) {
			if n == 2 && held.CompareAndSwap(false, true) { // the first computation only
				reached <- struct{}{}
				<-ctx.Done()
			}
		}
	})
	leader := jobOf(t, c.post(`{"kind": "figure", "request": {"figure": "basins"}}`), http.StatusAccepted)
	waitReached(t, reached)
	type answer struct {
		status int
		body   []byte
		err    error
	}
	got := make(chan answer, 1)
	go func() {
		st, b, err := postFigureURL(c.url, "basins")
		got <- answer{st, b, err}
	}()
	for deadline := time.Now().Add(livetest.Timeout); figureWaiters(s, "basins") == 0; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the POST did not wait for the job's computation")
		}
	}
	jobOf(t, c.delete(leader.ID), http.StatusOK)
	a := <-got
	if a.err != nil || a.status != http.StatusOK {
		t.Fatalf("the waiting POST after the computing job was deleted: %d %s %v; want 200", a.status, a.body, a.err)
	}
	if j := jobOf(t, c.get(leader.ID), http.StatusOK); j.State != "cancelled" {
		t.Errorf("the deleted job: %s, want cancelled", j.State)
	}
	again := jobOf(t, c.post(`{"kind": "figure", "request": {"figure": "basins"}}`), http.StatusAccepted)
	if r, _ := keptResult(t, s, again.ID); again.State != "done" || !bytes.Equal(append(bytes.Clone(r), '\n'), a.body) {
		t.Errorf("a job after: %s; want done with the POST's answer", again.State)
	}
}

// TestFigureMetricsKind: /metrics counts a figure's computation as jobs
// and renderings of kind "figure", not "run".
func TestFigureMetricsKind(t *testing.T) {
	s := newMetricsServer(t)
	h := s.routes(nil)
	if r := postFigure(h, `{"figure": "basins"}`); r.status != http.StatusOK {
		t.Fatalf("POST %s: %d", figuresPath, r.status)
	}
	body := scrape(t, h)
	if n := sampleOf(t, body, `hoplab_jobs_done_total{kind="figure",priority="background"}`); n == 0 {
		t.Error("no pool job of kind figure done")
	}
	if n := sampleOf(t, body, `hoplab_render_seconds_count{kind="figure"}`); n == 0 {
		t.Error("no rendering of kind figure timed")
	}
	for line := range strings.Lines(body) {
		if !strings.HasPrefix(line, "#") && strings.Contains(line, `kind="run"`) {
			t.Errorf(`the figure's computation is counted as kind="run": %s`, line)
		}
	}
}
