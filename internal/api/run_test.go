package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/go-chi/chi/v5"

	"hoplab/internal/scenario"
	"hoplab/internal/sim"
	"hoplab/internal/workpool"
)

// TestRunDefaults checks the docs/api.md defaults on the smallest scenario.
// With N = 0 the default snapshots [0, N] collapse to the one snapshot 0.
func TestRunDefaults(t *testing.T) {
	h := newTestServer(t, scenario.Limits{}).routes(nil)
	res := resultOf(t, postRun(h, `{"memories": [[1, 0], [0, 1]]}`))

	if len(res.Trajectory) != 1 {
		t.Fatalf("trajectory has %d states, want 1 (N = 0)", len(res.Trajectory))
	}
	st := res.Trajectory[0]
	if st.Iteration != 0 || !equalRows(st.W, [][]float64{{1, 0}, {0, 1}}) || !equalFloats(st.B, []float64{0, 0}) {
		t.Errorf("state 0 = iteration %d, W %v, b %v; want 0, the identity, zeros", st.Iteration, st.W, st.B)
	}
	// Orthogonal memories: Δ_min = 1, 90°, and the pairs loss (1/M)·log exp(0) = 0.
	if st.Loss == nil || st.DeltaMin == nil || st.MinAngleDeg == nil ||
		math.Abs(*st.Loss) > 1e-15 || math.Abs(*st.DeltaMin-1) > 1e-15 || math.Abs(*st.MinAngleDeg-90) > 1e-12 {
		t.Errorf("loss, deltaMin, minAngleDeg = %v, %v, %v; want 0, 1, 90", deref(st.Loss), deref(st.DeltaMin), deref(st.MinAngleDeg))
	}

	if len(res.Snapshots) != 1 || res.Snapshots[0].Iteration != 0 {
		t.Fatalf("snapshots %+v, want the one snapshot 0", snapshotIterations(res))
	}
	snap := res.Snapshots[0]
	for i, p := range snap.Points {
		if len(p) != 2 || math.Abs(math.Hypot(p[0], p[1])-1) > 1e-12 {
			t.Errorf("points[%d] = %v, not on the unit circle", i, p)
		}
	}
	if len(snap.Points) != 2 {
		t.Errorf("%d points, want 2", len(snap.Points))
	}
	// Automatic box: the points' bounding box [0, 1]² widened by 0.1.
	if len(snap.XS) != 100 || len(snap.YS) != 100 ||
		math.Abs(snap.XS[0]+0.1) > 1e-12 || math.Abs(snap.XS[99]-1.1) > 1e-12 ||
		math.Abs(snap.YS[0]+0.1) > 1e-12 || math.Abs(snap.YS[99]-1.1) > 1e-12 {
		t.Errorf("grid xs %d values %v…%v, ys %d values; want 100 from -0.1 to 1.1 each", len(snap.XS), first(snap.XS), last(snap.XS), len(snap.YS))
	}
	want := []string{"softmax", "entmax15", "sparsemax"}
	if len(snap.Panels) != len(want) {
		t.Fatalf("%d panels, want %d", len(snap.Panels), len(want))
	}
	for i, p := range snap.Panels {
		if p.Separation != want[i] {
			t.Errorf("panel %d is %q, want %q", i, p.Separation, want[i])
		}
		checkGrid(t, p, 100, 100, 2)
	}
}

// TestRunHandChecked checks every number of a case small enough to do by
// hand: one memory u = (1, 0), β = 1, softmax, the grid x ∈ {−1, 0, 1},
// y ∈ {0, 1}. With M = 1, Ψ*(z) = log exp(z) = z, so
// E(q) = ½‖q‖² − q·u, and every query is retrieved to u in one step.
// With the identity map the input view is the same.
func TestRunHandChecked(t *testing.T) {
	h := newTestServer(t, scenario.Limits{}).routes(nil)
	energy := func(x, y float64) float64 { return 0.5*(x*x+y*y) - x }
	for _, space := range []string{"feature", "input"} {
		t.Run(space, func(t *testing.T) {
			body := fmt.Sprintf(`{"memories": [[1, 0]], "beta": 1, "separations": ["softmax"],
				"view": {"space": %q, "grid": {"nx": 3, "ny": 2, "xmin": -1, "xmax": 1, "ymin": 0, "ymax": 1}}}`, space)
			res := resultOf(t, postRun(h, body))

			if len(res.Trajectory) != 1 {
				t.Fatalf("%d states, want 1", len(res.Trajectory))
			}
			st := res.Trajectory[0]
			if st.Loss != nil || st.DeltaMin != nil || st.MinAngleDeg != nil {
				t.Errorf("loss, deltaMin, minAngleDeg = %v, %v, %v; want null with one memory", deref(st.Loss), deref(st.DeltaMin), deref(st.MinAngleDeg))
			}
			if len(res.Snapshots) != 1 {
				t.Fatalf("%d snapshots, want 1", len(res.Snapshots))
			}
			snap := res.Snapshots[0]
			if !equalRows(snap.Points, [][]float64{{1, 0}}) || !equalFloats(snap.XS, []float64{-1, 0, 1}) || !equalFloats(snap.YS, []float64{0, 1}) {
				t.Fatalf("points %v, xs %v, ys %v; want [[1 0]], [-1 0 1], [0 1]", snap.Points, snap.XS, snap.YS)
			}
			if len(snap.Panels) != 1 || snap.Panels[0].Separation != "softmax" {
				t.Fatalf("panels %+v, want one softmax panel", snap.Panels)
			}
			p := snap.Panels[0]
			checkGrid(t, p, 3, 2, 1)
			for i, y := range snap.YS {
				for j, x := range snap.XS {
					if e := p.Energy[i][j]; e == nil || math.Abs(*e-energy(x, y)) > 1e-15 {
						t.Errorf("energy[%d][%d] at (%v, %v) = %v, want %v", i, j, x, y, deref(e), energy(x, y))
					}
					if p.Labels[i][j] != 0 || p.Support[i][j] != 1 {
						t.Errorf("cell [%d][%d]: label %d, support %d; want 0, 1", i, j, p.Labels[i][j], p.Support[i][j])
					}
				}
			}
			if p.UnlabeledFraction != 0 {
				t.Errorf("unlabeledFraction = %v, want 0", p.UnlabeledFraction)
			}
		})
	}
}

// TestRunGolden posts the Figure 1 settings of the authors' contours.py and
// compares the trajectory with their numbers (SCIENCE §9): lossByStep[t] is
// the loss at iteration t, W[t] and b[t] the map after step t+1.
func TestRunGolden(t *testing.T) {
	h := newTestServer(t, scenario.Limits{}).routes(nil)
	for _, name := range []string{"contours2.json", "contours4.json"} {
		t.Run(name, func(t *testing.T) {
			data, err := goldenFile(name)
			if err != nil {
				t.Fatal(err)
			}
			var golden struct {
				Scenario   json.RawMessage `json:"scenario"`
				LossByStep []float64       `json:"lossByStep"`
				W          [][][]float64   `json:"W"`
				B          [][]float64     `json:"b"`
				Tolerance  struct {
					Loss float64 `json:"loss"`
					W    float64 `json:"W"`
				} `json:"tolerance"`
			}
			if err := json.Unmarshal(data, &golden); err != nil {
				t.Fatal(err)
			}
			if len(golden.LossByStep) == 0 || len(golden.W) != len(golden.LossByStep) || len(golden.B) != len(golden.LossByStep) {
				t.Fatalf("golden file has %d losses, %d W, %d b", len(golden.LossByStep), len(golden.W), len(golden.B))
			}
			res := resultOf(t, postRun(h, string(golden.Scenario)))
			if len(res.Trajectory) != len(golden.LossByStep)+1 {
				t.Fatalf("trajectory has %d states, want %d", len(res.Trajectory), len(golden.LossByStep)+1)
			}
			for i, st := range res.Trajectory {
				if st.Iteration != i {
					t.Errorf("trajectory[%d].iteration = %d", i, st.Iteration)
				}
			}
			for step, want := range golden.LossByStep {
				got := res.Trajectory[step].Loss
				if got == nil || math.Abs(*got-want) > golden.Tolerance.Loss {
					t.Errorf("loss at iteration %d = %v, want %v ± %g", step, deref(got), want, golden.Tolerance.Loss)
				}
				st := res.Trajectory[step+1]
				if d := maxDiffRows(st.W, golden.W[step]); !(d <= golden.Tolerance.W) {
					t.Errorf("W after step %d = %v, want %v (max difference %g > %g)", step+1, st.W, golden.W[step], d, golden.Tolerance.W)
				}
				if d := maxDiffRows([][]float64{st.B}, [][]float64{golden.B[step]}); !(d <= golden.Tolerance.W) {
					t.Errorf("b after step %d = %v, want %v (max difference %g > %g)", step+1, st.B, golden.B[step], d, golden.Tolerance.W)
				}
			}
			if got := snapshotIterations(res); len(got) != 2 || got[0] != 0 || got[1] != 5 {
				t.Errorf("snapshots at iterations %v, want [0 5]", got)
			}
		})
	}
}

// bigRun is a valid run whose estimated work is beyond SmallRunWork (a
// 256×256 grid with 50 retrieval steps and 5 snapshots), though it is
// never computed here.
const bigRun = `{"memories": [[1, 0], [0, 1], [-1, 0.2]], "uhop": {"iterations": 10},
  "retrieval": {"steps": 50}, "view": {"grid": {"nx": 256, "ny": 256}}, "snapshots": [0, 1, 2, 3, 4]}`

// TestRunBusy holds every place of big runs and checks that one more big
// run is refused at once with 503 and Retry-After while a small one still
// gets through; that work beyond MaxAdmittedWork is refused too; and that
// a place is served again once free.
func TestRunBusy(t *testing.T) {
	s := newTestServer(t, scenario.Limits{})
	h := s.routes(nil)
	lim := scenario.DefaultLimits()
	var releases []func()
	for range lim.MaxConcurrentRuns {
		release, refused := s.admission.admit(2e9)
		if refused != "" {
			t.Fatalf("place %d refused: %s", len(releases), refused)
		}
		releases = append(releases, release)
	}
	rec := postRun(h, bigRun)
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") != "1" {
		t.Errorf("status %d, Retry-After %q; want 503, 1", rec.Code, rec.Header().Get("Retry-After"))
	}
	if e := errorOf(t, rec); e.Code != codeBusy || e.Field != "" {
		t.Errorf("error %+v, want code busy without a field", e)
	}
	// A small run has lanes of its own.
	resultOf(t, postRun(h, `{"memories": [[1, 0]]}`))
	// An invalid scenario is still told what is wrong.
	if e := errorOf(t, postRun(h, `{"memories": [[1, 0]], "beta": "x"}`)); e.Code != scenario.CodeInvalidField {
		t.Errorf("invalid scenario while busy: error %+v, want invalid_field", e)
	}
	releases[0]()
	releases[0]() // a second release changes nothing
	resultOf(t, postRun(h, bigRun))
	for _, r := range releases[1:] {
		r()
	}

	// By work: one run near the budget leaves no room for another big one.
	release, refused := s.admission.admit(float64(lim.MaxAdmittedWork) - 1e9)
	if refused != "" {
		t.Fatal(refused)
	}
	if rec := postRun(h, bigRun); rec.Code != http.StatusServiceUnavailable || !strings.Contains(errorOf(t, rec).Message, "CPU-seconds") {
		t.Errorf("big run beyond the admitted work: status %d %s", rec.Code, rec.Body)
	}
	release()
	if _, refused := s.admission.admit(10 * float64(lim.MaxAdmittedWork)); refused != "" {
		t.Errorf("a run alone is admitted whatever its work: %s", refused)
	}
}

// TestRunCancelStopsEarly cancels a request after three of its 1000 steps
// and checks that no further step is taken and nothing is written.
func TestRunCancelStopsEarly(t *testing.T) {
	s := newTestServer(t, scenario.Limits{})
	h := s.routes(nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var steps atomic.Int64
	s.afterStep = func(_ context.Context, n int) {
		steps.Add(1)
		if n == 3 {
			cancel()
		}
	}
	req := httptest.NewRequestWithContext(ctx, http.MethodPost, testOrigin+"/api/v1/run",
		strings.NewReader(`{"memories": [[1, 0], [0.6, 0.8], [-1, 0.1]], "uhop": {"iterations": 1000}}`))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if n := steps.Load(); n != 3 {
		t.Errorf("%d steps taken, want 3", n)
	}
	if rec.Body.Len() != 0 {
		t.Errorf("wrote %q to a client that went away", rec.Body)
	}
	if s.admission.held() != 0 {
		t.Errorf("%d run slots still held", s.admission.held())
	}
}

// TestRunTimeout lets a run outlive Limits.RunTimeout and checks the 503.
func TestRunTimeout(t *testing.T) {
	lim := scenario.DefaultLimits()
	lim.RunTimeout = 1 // nanosecond
	s := newTestServer(t, lim)
	s.afterStep = func(ctx context.Context, _ int) { <-ctx.Done() }
	rec := postRun(s.routes(nil), `{"memories": [[1, 0], [0, 1]], "uhop": {"iterations": 5}}`)
	if rec.Code != http.StatusServiceUnavailable {
		t.Errorf("status %d, want 503", rec.Code)
	}
	if e := errorOf(t, rec); e.Code != codeTimeout {
		t.Errorf("error %+v, want code timeout", e)
	}
}

// TestPoolRunnerCancelled checks that a rendering on a cancelled context
// runs no chunk and reports the cancellation.
func TestPoolRunnerCancelled(t *testing.T) {
	pool := workpool.New(2)
	defer pool.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var ran atomic.Int64
	for _, r := range []sim.Runner{workpool.Runner{Pool: pool, Ctx: ctx}, serialRunner{s: &server{}, ctx: ctx}} {
		if err := r.Run(16, countTask{&ran}); !errors.Is(err, context.Canceled) {
			t.Errorf("%T.Run = %v, want context.Canceled", r, err)
		}
	}
	if n := ran.Load(); n != 0 {
		t.Errorf("%d chunks ran after the cancellation", n)
	}
}

type countTask struct{ n *atomic.Int64 }

func (c countTask) RunChunk(int) { c.n.Add(1) }

// TestPanicRecovered serves a handler that panics and checks the 500 JSON
// answer, the logged stack, and that the next request is served.
func TestPanicRecovered(t *testing.T) {
	var logs syncBuffer
	s := newServer(Config{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	h := s.routes(func(r chi.Router) {
		r.Get("/test/panic", func(http.ResponseWriter, *http.Request) { panic("test panic") })
	})
	rec := request(h, http.MethodGet, "/test/panic", "", "")
	if rec.Code != http.StatusInternalServerError {
		t.Errorf("status %d, want 500", rec.Code)
	}
	if e := errorOf(t, rec); e.Code != scenario.CodeInternal {
		t.Errorf("error %+v, want code internal", e)
	}
	if out := logs.String(); !strings.Contains(out, "test panic") || !strings.Contains(out, "stack=") || !strings.Contains(out, "run_test.go") {
		t.Errorf("log does not show the panic with its stack:\n%s", out)
	}
	if rec := request(h, http.MethodGet, "/healthz", "", ""); rec.Code != http.StatusOK {
		t.Errorf("after the panic: GET /healthz status %d, want 200", rec.Code)
	}
}

// TestRoutingErrors checks the JSON answers for wrong methods, unknown
// paths, wrong media types and large bodies.
func TestRoutingErrors(t *testing.T) {
	h := newTestServer(t, scenario.Limits{}).routes(nil)
	big := `{"memories": [[` + strings.Repeat("0,", 9<<19) + `1]]}` // 9 MiB
	tests := []struct {
		name        string
		method      string
		path        string
		contentType string
		body        string
		unknownLen  bool // send without Content-Length
		status      int
		code        string
		allow       string
	}{
		{"GET run", http.MethodGet, "/api/v1/run", "", "", false, 405, codeMethodNotAllowed, "POST"},
		{"PUT run", http.MethodPut, "/api/v1/run", "application/json", "{}", false, 405, codeMethodNotAllowed, "POST"},
		{"POST healthz", http.MethodPost, "/healthz", "application/json", "{}", false, 405, codeMethodNotAllowed, "GET, HEAD"},
		{"DELETE page", http.MethodDelete, "/", "", "", false, 405, codeMethodNotAllowed, "GET, HEAD"},
		{"POST static", http.MethodPost, "/static/style.css", "", "", false, 405, codeMethodNotAllowed, "GET, HEAD"},
		{"unknown path", http.MethodGet, "/nope", "", "", false, 404, codeNotFound, ""},
		{"unknown API version", http.MethodPost, "/api/v2/run", "application/json", "{}", false, 404, codeNotFound, ""},
		{"unknown static file", http.MethodGet, "/static/nope.js", "", "", false, 404, codeNotFound, ""},
		{"static directory", http.MethodGet, "/static/", "", "", false, 404, codeNotFound, ""},
		{"no content type", http.MethodPost, "/api/v1/run", "", `{"memories": [[1, 0]]}`, false, 415, codeUnsupportedMediaType, ""},
		{"form content type", http.MethodPost, "/api/v1/run", "application/x-www-form-urlencoded", `{"memories": [[1, 0]]}`, false, 415, codeUnsupportedMediaType, ""},
		{"text content type", http.MethodPost, "/api/v1/run", "text/plain", `{"memories": [[1, 0]]}`, false, 415, codeUnsupportedMediaType, ""},
		{"latin-1 charset", http.MethodPost, "/api/v1/run", "application/json; charset=latin1", `{"memories": [[1, 0]]}`, false, 415, codeUnsupportedMediaType, ""},
		{"9 MiB body", http.MethodPost, "/api/v1/run", "application/json", big, false, 413, codeBodyTooLarge, ""},
		{"9 MiB body without Content-Length", http.MethodPost, "/api/v1/run", "application/json", big, true, 413, codeBodyTooLarge, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(tt.method, testOrigin+tt.path, strings.NewReader(tt.body))
			if tt.contentType != "" {
				req.Header.Set("Content-Type", tt.contentType)
			}
			if tt.unknownLen {
				req.ContentLength = -1
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != tt.status {
				t.Errorf("status %d, want %d; body %.300s", rec.Code, tt.status, rec.Body)
			}
			if got := rec.Header().Get("Allow"); got != tt.allow {
				t.Errorf("Allow %q, want %q", got, tt.allow)
			}
			if e := errorOf(t, rec); e.Code != tt.code || e.Field != "" {
				t.Errorf("error (code %q, field %q), want (%q, \"\")", e.Code, e.Field, tt.code)
			}
		})
	}
}

// TestPages checks the routes that are not the API: health, the start
// page and the static files with their validators.
func TestPages(t *testing.T) {
	h := newTestServer(t, scenario.Limits{}).routes(nil)

	rec := request(h, http.MethodGet, "/healthz", "", "")
	if rec.Code != 200 || rec.Header().Get("Content-Type") != "application/json" || strings.TrimSpace(rec.Body.String()) != `{"status":"ok"}` {
		t.Errorf("GET /healthz: %d %q %q", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
	}
	if rec := request(h, http.MethodHead, "/healthz", "", ""); rec.Code != 200 {
		t.Errorf("HEAD /healthz: %d", rec.Code)
	}

	rec = request(h, http.MethodGet, aboutPath, "", "")
	page := rec.Body.String()
	if rec.Code != 200 || rec.Header().Get("Content-Type") != "text/html; charset=utf-8" {
		t.Fatalf("GET /about: %d %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	for _, want := range []string{
		"<title>hoplab</title>", `data-testid="intro"`, "Hu, Wu and Liu", "NeurIPS 2024",
		`data-testid="curl-example"`, testOrigin + "/api/v1/run", "Content-Type: application/json",
		`data-testid="limits"`, `href="/static/style.css"`,
		`data-testid="jobs"`, "POST " + testOrigin + "/api/v1/jobs", `{&#34;kind&#34;: &#34;run&#34;, &#34;request&#34;: scenario}`,
		"<td class=\"num\">512</td>", "<td class=\"num\">8 MiB (413 beyond)</td>", "<td class=\"num\">4e10</td>",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("start page lacks %q", want)
		}
	}
	if n, want := strings.Count(page, `data-testid="limit-row"`), len(limitRows(scenario.DefaultLimits())); n != want {
		t.Errorf("start page has %d limit rows, want %d", n, want)
	}
	// Scripts are modules from /static (the theme toggle's), never inline.
	if strings.Contains(page, "style=") || strings.Count(page, "<script") != strings.Count(page, `<script type="module" src="/static/js/`) {
		t.Error("start page has inline style or script")
	}

	rec = request(h, http.MethodGet, "/static/style.css", "", "")
	etag := rec.Header().Get("ETag")
	if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/css") ||
		rec.Header().Get("Cache-Control") != "no-cache" || len(etag) < 10 || !strings.Contains(rec.Body.String(), "font-family") {
		t.Fatalf("GET /static/style.css: %d, Content-Type %q, Cache-Control %q, ETag %q", rec.Code,
			rec.Header().Get("Content-Type"), rec.Header().Get("Cache-Control"), etag)
	}
	req := httptest.NewRequest(http.MethodGet, testOrigin+"/static/style.css", nil)
	req.Header.Set("If-None-Match", etag)
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusNotModified || rec.Body.Len() != 0 {
		t.Errorf("revalidation with the ETag: status %d, %d bytes; want 304, none", rec.Code, rec.Body.Len())
	}
}

func TestFormatFloat(t *testing.T) {
	for v, want := range map[float64]string{1e6: "1e6", 1e-4: "0.0001", 2e9: "2e9", 1e4: "10000", 1e-7: "1e-7", 0.5: "0.5", 1.5e21: "1.5e21"} {
		if got := formatFloat(v); got != want {
			t.Errorf("formatFloat(%v) = %q, want %q", v, got, want)
		}
	}
}

// checkGrid checks the shapes of a panel: ny rows of nx cells, labels in
// -1..m-1, support in 1..m, and the unlabeled fraction.
func checkGrid(t *testing.T, p panelJSON, nx, ny, m int) {
	t.Helper()
	if len(p.Energy) != ny || len(p.Labels) != ny || len(p.Support) != ny {
		t.Fatalf("panel %s: %d, %d, %d rows; want %d", p.Separation, len(p.Energy), len(p.Labels), len(p.Support), ny)
	}
	unlabeled := 0
	for i := range ny {
		if len(p.Energy[i]) != nx || len(p.Labels[i]) != nx || len(p.Support[i]) != nx {
			t.Fatalf("panel %s row %d: %d, %d, %d cells; want %d", p.Separation, i, len(p.Energy[i]), len(p.Labels[i]), len(p.Support[i]), nx)
		}
		for j := range nx {
			if p.Energy[i][j] == nil {
				t.Errorf("panel %s: energy[%d][%d] is null", p.Separation, i, j)
			}
			if l := p.Labels[i][j]; l < -1 || l >= m {
				t.Errorf("panel %s: label[%d][%d] = %d", p.Separation, i, j, l)
			} else if l == -1 {
				unlabeled++
			}
			if s := p.Support[i][j]; s < 1 || s > m {
				t.Errorf("panel %s: support[%d][%d] = %d", p.Separation, i, j, s)
			}
		}
	}
	if want := float64(unlabeled) / float64(nx*ny); p.UnlabeledFraction != want {
		t.Errorf("panel %s: unlabeledFraction %v, want %v", p.Separation, p.UnlabeledFraction, want)
	}
}

func equalFloats(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func equalRows(a, b [][]float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !equalFloats(a[i], b[i]) {
			return false
		}
	}
	return true
}

// maxDiffRows is the largest |a−b| over the entries, or +Inf when the
// shapes differ.
func maxDiffRows(a, b [][]float64) float64 {
	if len(a) != len(b) {
		return math.Inf(1)
	}
	d := 0.0
	for i := range a {
		if len(a[i]) != len(b[i]) {
			return math.Inf(1)
		}
		for j := range a[i] {
			d = max(d, math.Abs(a[i][j]-b[i][j]))
		}
	}
	return d
}

func snapshotIterations(res *resultJSON) []int {
	var its []int
	for _, s := range res.Snapshots {
		its = append(its, s.Iteration)
	}
	return its
}

func deref(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

func first(v []float64) any {
	if len(v) == 0 {
		return nil
	}
	return v[0]
}

func last(v []float64) any {
	if len(v) == 0 {
		return nil
	}
	return v[len(v)-1]
}

// syncBuffer is a bytes.Buffer safe for concurrent writes and reads.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
