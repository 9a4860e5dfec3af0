package e2e

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// capacityTestdata is where the JS unit tests read the capacity lab's
// request and answer at the authors' setting.
const capacityTestdata = "../web/static/js/figures/testdata/"

// openCapacity opens /figures at width × height and waits until the
// capacity lab has computed its default setting and drawn it.
func openCapacity(t *testing.T, width, height int64) *tab {
	t.Helper()
	tb := newTab(t)
	if err := chromedp.Do(tb.ctx, chromedp.EmulateViewport(width, height)); err != nil {
		t.Fatal(err)
	}
	tb.open(t, "/figures")
	tb.waitFor(t, "the capacity tables computed and drawn", `window.__figures && __figures.capacity && __figures.capacity.state === 'done' && __figures.capacity.draws > 0`)
	return tb
}

// capacityAnswer is what the tests read of an answer of /capacity.
type capacityAnswer struct {
	Capacity []struct {
		Separation           string         `json:"separation"`
		Raw                  []int          `json:"raw"`
		Kernelized           []int          `json:"kernelized"`
		KernelizedNormalized []int          `json:"kernelizedNormalized"`
		Undefined            map[string]int `json:"undefined"`
	} `json:"capacity"`
	Queries  int `json:"queries"`
	Geometry struct {
		Before, After struct {
			MinAngleDeg     float64 `json:"minAngleDeg"`
			MeanFeatureNorm float64 `json:"meanFeatureNorm"`
		}
	} `json:"geometry"`
	Inputs *struct {
		Memories [][]float64 `json:"memories"`
		Queries  [][]float64 `json:"queries"`
	} `json:"inputs"`
}

// postCapacity posts a capacity request to the server and returns the
// answer's bytes.
func postCapacity(t *testing.T, request []byte) []byte {
	t.Helper()
	resp, err := http.Post(srv.url+"/api/v1/capacity", "application/json", bytes.NewReader(request))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("POST /api/v1/capacity %.300s: %d %v %.300s", request, resp.StatusCode, err, body)
	}
	return body
}

// capacityCell is a cell of the page's table.
type capacityCell struct {
	K, Map, Model string
	Count         int
}

// capacityTable reads the page's table, cell by cell.
func (tb *tab) capacityTable(t *testing.T) []capacityCell {
	t.Helper()
	var cells []capacityCell
	tb.eval(t, `[...document.querySelectorAll('[data-testid="capacity-table"] tbody td')].map((td) => ({
		k: td.parentElement.dataset.k, map: td.dataset.map, model: td.dataset.model, count: Number(td.dataset.count)}))`, &cells)
	return cells
}

// checkTable compares the page's table with an answer: every cell is the
// answer's count for its k, map and model; the second model is want; the
// rows are k = 1 … M (M = 10 here).
func checkTable(t *testing.T, cells []capacityCell, a capacityAnswer, want string) {
	t.Helper()
	if len(cells) != 10*len(a.Capacity)*2 {
		t.Fatalf("%d cells; want 10 rows of %d maps × 2 models", len(cells), len(a.Capacity))
	}
	for _, c := range cells {
		k, err := strconv.Atoi(c.K)
		if err != nil {
			t.Fatalf("row %q: %v", c.K, err)
		}
		var got []int
		for _, m := range a.Capacity {
			if m.Separation != c.Map {
				continue
			}
			switch c.Model {
			case "raw":
				got = m.Raw
			case want:
				got = map[string][]int{"kernelized": m.Kernelized, "kernelizedNormalized": m.KernelizedNormalized}[want]
			default:
				t.Fatalf("a cell of model %q; want raw or %s", c.Model, want)
			}
		}
		if got == nil || got[k] != c.Count {
			t.Errorf("k = %d, %s %s: the page shows %d, the API %v", k, c.Map, c.Model, c.Count, got)
		}
	}
}

// TestCapacityDefaults: the capacity lab computes the authors' synthetic
// setting as a job whose progress it shows on an ARIA progress bar, from
// accepted to done; its request is the stored one (with returnInputs),
// and its table is, cell for cell, what POST /api/v1/capacity answers to
// that request; the stored answer the JS tests read is the server's. The
// chart's canvases are named in words and painted; the caption says the
// angle fell while the lengths grew. Screenshots at 1400 and 360 px, and
// the README's picture; at 360 px nothing is wider than the screen.
func TestCapacityDefaults(t *testing.T) {
	tb := openCapacity(t, 1400, 1000)

	var events []progressEvent
	tb.eval(t, `__figures.capacity.progress`, &events)
	if len(events) < 2 {
		t.Fatalf("progress events %v; want at least the accepted job and the done one", events)
	}
	first, last := events[0], events[len(events)-1]
	if first.State != "queued" || first.Done != 0 || first.Total <= 0 || last.State != "done" || last.Done != last.Total || last.Total != first.Total {
		t.Errorf("progress from %+v to %+v; want from queued 0/T to done T/T", first, last)
	}
	for i := 1; i < len(events); i++ {
		if events[i].Done < events[i-1].Done || events[i].Total != first.Total {
			t.Errorf("progress went from %+v to %+v", events[i-1], events[i])
		}
	}
	var bar struct{ Role, Now, Max, Text, Label string }
	tb.eval(t, `(() => { const b = document.querySelector('[data-testid="progress-capacity"]');
		return {role: b.getAttribute('role'), now: b.getAttribute('aria-valuenow'), max: b.getAttribute('aria-valuemax'),
			text: b.getAttribute('aria-valuetext'), label: b.getAttribute('aria-label')}; })()`, &bar)
	if want := fmt.Sprint(last.Total); bar.Role != "progressbar" || bar.Now != want || bar.Max != want ||
		!regexp.MustCompile(`^computed: \d+ of \d+ chunks, in \d+\.\d\d s on the server$`).MatchString(bar.Text) || bar.Label != "Computing the capacity tables" {
		t.Errorf("progress bar %+v; want a progressbar at %s of %s, computed, with the server's time", bar, want, want)
	}

	// The request: the stored one, with the inputs asked for.
	var request map[string]any
	tb.eval(t, `__figures.capacity.request`, &request)
	stored, err := os.ReadFile(capacityTestdata + "capacity-request.json")
	if err != nil {
		t.Fatal(err)
	}
	var want map[string]any
	if err := json.Unmarshal(stored, &want); err != nil {
		t.Fatal(err)
	}
	want["returnInputs"] = true
	if !reflect.DeepEqual(request, want) {
		t.Errorf("the page's request %v; want the stored one with returnInputs: %v", request, want)
	}
	body, err := json.Marshal(request)
	if err != nil {
		t.Fatal(err)
	}
	var api capacityAnswer
	if err := json.Unmarshal(postCapacity(t, body), &api); err != nil {
		t.Fatal(err)
	}
	checkTable(t, tb.capacityTable(t), api, "kernelized")

	// The JS tests' stored answer is the server's answer to the stored request.
	storedAnswer, err := os.ReadFile(capacityTestdata + "capacity.json")
	if err != nil {
		t.Fatal(err)
	}
	if got := postCapacity(t, stored); !bytes.Equal(bytes.TrimSpace(got), bytes.TrimSpace(storedAnswer)) {
		t.Errorf("web/static/js/figures/testdata/capacity.json is not the server's answer to capacity-request.json: write it again with curl -d @capacity-request.json")
	}

	var page struct {
		Labels          []string
		Painted         []bool
		Caption, Legend string
		Errors          int
		Heads           []string
	}
	tb.eval(t, `(() => {
		const sec = document.querySelector('[data-testid="figure-capacity"]');
		const cv = [...sec.querySelectorAll('[data-testid="capacity-chart"] canvas')];
		return {
			labels: cv.map((c) => c.getAttribute('aria-label') + ' ' + c.getAttribute('role')),
			painted: cv.map((c) => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
				let blue = 0, orange = 0; for (let i = 0; i < d.length; i += 4) { if (d[i] < 10 && d[i + 1] > 100 && d[i + 1] < 130 && d[i + 2] > 160) blue++; if (d[i] > 200 && d[i + 1] > 140 && d[i + 1] < 175 && d[i + 2] < 20) orange++; }
				return blue > 50 && orange > 50; }),
			caption: sec.querySelector('[data-testid="caption-capacity"]').textContent,
			legend: sec.querySelector('[data-testid="capacity-legend"]').textContent,
			errors: [...sec.querySelectorAll('.fig-error, .cap-field-error')].filter((e) => !e.hidden).length,
			heads: [...sec.querySelectorAll('[data-testid="capacity-table"] thead th')].map((th) => th.textContent),
		}; })()`, &page)
	if len(page.Labels) != 3 || page.Errors != 0 {
		t.Fatalf("%d chart panels (want 3), %d errors shown", len(page.Labels), page.Errors)
	}
	for i, l := range page.Labels {
		name := []string{"softmax", "1.5-entmax", "sparsemax"}[i]
		if !strings.HasPrefix(l, name+": bar chart of the share of the 1000 queries by k") || !strings.HasSuffix(l, " img") || strings.Contains(l, "entmax15") {
			t.Errorf("chart panel %d is named %q; want %q in words, role img", i, l, name)
		}
		if !page.Painted[i] {
			t.Errorf("chart panel %s has no blue (raw) or no orange (kernelized) bars painted", name)
		}
	}
	if !strings.Contains(page.Labels[1], "raw (solid blue) k = 7: 68.0 %, k = 6: 31.8 %") {
		t.Errorf("1.5-entmax's text alternative %q lacks its largest raw shares", page.Labels[1])
	}
	for _, s := range []string{"fell from 17.1° to 14.0°", "grew 9.6-fold", "come mostly from the features growing longer", "the minimal angle even fell"} {
		if !strings.Contains(page.Caption, s) {
			t.Errorf("caption %q lacks %q", page.Caption, s)
		}
	}
	if !strings.Contains(page.Legend, "raw (solid blue)") || !strings.Contains(page.Legend, "kernelized (orange, hatched)") {
		t.Errorf("legend %q", page.Legend)
	}
	if strings.Join(page.Heads, "|") != "softmax|1.5-entmax|sparsemax|k|raw|kernelized|raw|kernelized|raw|kernelized" {
		t.Errorf("table heads %q", page.Heads)
	}

	tb.capacityShot(t, "capacity-1400.png")
	// The README's picture: the capacity lab, its form, chart and table.
	if err := chromedp.Do(tb.ctx, chromedp.EmulateViewport(1400, 1640)); err != nil {
		t.Fatal(err)
	}
	tb.eval(t, `document.querySelector('[data-testid="figure-capacity"]').scrollIntoView()`, nil)
	tb.waitFor(t, "the chart redrawn at 1400 × 1640", `(() => { const r = document.querySelector('[data-testid="capacity-table"]').getBoundingClientRect(); return r.bottom < innerHeight && r.bottom > 0; })()`)
	tb.saveScreenshot(t, "figures-readme.png", chromedp.CaptureScreenshot())

	if err := chromedp.Do(tb.ctx, chromedp.EmulateViewport(360, 800)); err != nil {
		t.Fatal(err)
	}
	tb.waitFor(t, "the chart redrawn at 360 px", `(() => { const c = document.querySelector('[data-testid="capacity-chart"] canvas'); return c.getBoundingClientRect().width < 340 && Math.abs(c.width / devicePixelRatio - c.getBoundingClientRect().width) < 1; })()`)
	var overflow []string
	tb.eval(t, `[...document.querySelectorAll('[data-testid="figure-capacity"] *')].filter((e) => e.getBoundingClientRect().right > 361 && !e.closest('pre, table, .curl'))
		.map((e) => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))`, &overflow)
	var scrollW int
	tb.eval(t, `document.documentElement.scrollWidth`, &scrollW)
	if scrollW > 360 || len(overflow) > 0 {
		t.Errorf("at 360 px the page is %d px wide; beyond the screen: %q", scrollW, overflow)
	}
	tb.capacityShot(t, "capacity-360.png")
	tb.checkConsole(t, nil)
}

// capacityShot writes a picture of the capacity lab's section.
func (tb *tab) capacityShot(t *testing.T, name string) {
	t.Helper()
	tb.saveScreenshot(t, name, chromedp.Screenshot(chromedp.CSS(`[data-testid="figure-capacity"]`)))
}

// TestCapacitySwitch: the unit-features switch redraws at once from the
// numbers the page has (no new job): the table's second columns become,
// cell for cell, the API's kernelizedNormalized histograms, the legend
// and the caption say so; switched back, the table is as before.
func TestCapacitySwitch(t *testing.T) {
	tb := openCapacity(t, 1400, 1000)
	var request json.RawMessage
	tb.eval(t, `__figures.capacity.request`, &request)
	var api capacityAnswer
	if err := json.Unmarshal(postCapacity(t, request), &api); err != nil {
		t.Fatal(err)
	}
	before := tb.capacityTable(t)
	var n struct{ Draws, Jobs int }
	tb.eval(t, `({draws: __figures.capacity.draws, jobs: __figures.capacity.progress.length})`, &n)

	tb.click(t, "capacity-normalized")
	tb.waitFor(t, "the unit-features view", fmt.Sprintf(`__figures.capacity.normalized && __figures.capacity.draws > %d`, n.Draws))
	checkTable(t, tb.capacityTable(t), api, "kernelizedNormalized")
	var after struct {
		Jobs            int
		Legend, Caption string
	}
	tb.eval(t, `({jobs: __figures.capacity.progress.length, legend: document.querySelector('[data-testid="capacity-legend"]').textContent,
		caption: document.querySelector('[data-testid="caption-capacity"]').textContent})`, &after)
	if after.Jobs != n.Jobs || !strings.Contains(after.Legend, "kernelized, unit features (purple, cross-hatched)") ||
		!strings.HasSuffix(after.Caption, "with unit features (retrieval.normalizeFeatures).") {
		t.Errorf("after the switch: %d job updates (before %d), legend %q, caption %q", after.Jobs, n.Jobs, after.Legend, after.Caption)
	}
	// The 1.5-entmax chart's second bars are now at k = 9 (all 1000 queries).
	var label string
	tb.eval(t, `document.querySelectorAll('[data-testid="capacity-chart"] canvas')[1].getAttribute('aria-label')`, &label)
	if !strings.Contains(label, "kernelized, unit features (purple, cross-hatched) k = 9: 100.0 %") {
		t.Errorf("1.5-entmax's text alternative with unit features: %q", label)
	}

	tb.click(t, "capacity-normalized")
	tb.waitFor(t, "the kernelized view again", `!__figures.capacity.normalized`)
	if again := tb.capacityTable(t); !reflect.DeepEqual(again, before) {
		t.Errorf("switched back, the table differs from the first")
	}
	tb.checkConsole(t, nil)
}

// setCapacityField types text into a field of the capacity form, as a
// person does, without submitting it.
func (tb *tab) setCapacityField(t *testing.T, name, text string) {
	t.Helper()
	testid := "capacity-" + name
	sel := chromedp.CSS(fmt.Sprintf(`[data-testid=%q]`, testid))
	if err := chromedp.Do(tb.ctx,
		chromedp.Focus(sel),
		chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.querySelector('[data-testid=%q]').select()`, testid)),
		chromedp.KeyEvent(kb.Delete),
		chromedp.SendKeys(sel, text),
	); err != nil {
		t.Fatalf("type %q into %s: %v", text, testid, err)
	}
}

// capacityJobsRunning reads hoplab_jobs_running{kind="capacity"} from /metrics.
func capacityJobsRunning(t *testing.T) float64 {
	t.Helper()
	resp, err := http.Get(srv.url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^hoplab_jobs_running\{kind="capacity",priority="background"\} (\S+)$`).FindSubmatch(body)
	if m == nil {
		return 0 // no capacity job has started on the pool yet
	}
	v, err := strconv.ParseFloat(string(m[1]), 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestCapacityCancel: a setting beyond the limits is refused in the form,
// with the limit in words under its box and no job sent; a heavy one (M =
// 1024, d = D_Φ = 64, 20000 queries, sparsemax, 348 estimated CPU-seconds)
// runs as a job with progress; Cancel cancels it on the server: the job
// is cancelled before its end, its pool job ends, and the server's CPU
// goes quiet. The page shows the previous answer still, labelled as the
// previous result with its settings and dimmed, until the form has its
// settings again.
func TestCapacityCancel(t *testing.T) {
	tb := openCapacity(t, 1400, 1000)
	var first []progressEvent
	tb.eval(t, `__figures.capacity.progress`, &first)

	// Beyond the limit of generated queries: refused before sending.
	tb.setCapacityField(t, "q", "2000000")
	tb.click(t, "capacity-compute")
	var refused struct {
		Error, Invalid string
		Jobs           int
		Focused        string
	}
	tb.eval(t, `({error: document.querySelector('[data-testid="capacity-error-q"]').textContent,
		invalid: document.querySelector('[data-testid="capacity-q"]').getAttribute('aria-invalid'),
		jobs: __figures.capacity.progress.length, focused: document.activeElement.dataset.testid})`, &refused)
	if refused.Error != "Queries Q must be at most 1e6." || refused.Invalid != "true" || refused.Jobs != len(first) || refused.Focused != "capacity-q" {
		t.Errorf("Q = 2000000: %+v; want the limit under the box, the box invalid and focused, no job", refused)
	}

	for name, v := range map[string]string{"m": "1024", "d": "64", "k": "64", "q": "20000"} {
		tb.setCapacityField(t, name, v)
	}
	for _, m := range []string{"softmax", "entmax15"} {
		tb.click(t, "capacity-map-"+m)
	}
	var est string
	tb.eval(t, `document.querySelector('[data-testid="capacity-estimate"]').textContent`, &est)
	if est != "estimated 348 CPU-s of one core (the server's upper bound)" {
		t.Errorf("estimate %q; want 348 CPU-s, the server's formula", est)
	}
	tb.click(t, "capacity-compute")
	tb.waitFor(t, "the heavy job running", `__figures.capacity.state === 'running' && __figures.capacity.jobId && __figures.capacity.progress.some((e) => e.done >= 1)`)
	var id string
	tb.eval(t, `__figures.capacity.jobId`, &id)
	tb.click(t, "capacity-cancel")
	tb.waitFor(t, "the job cancelled", `__figures.capacity.state === 'cancelled' && __figures.capacity.jobId === null`)

	resp, err := http.Get(srv.url + "/api/v1/jobs/" + id)
	if err != nil {
		t.Fatal(err)
	}
	var job struct {
		State    string
		Progress struct{ Done, Total int }
	}
	err = json.NewDecoder(resp.Body).Decode(&job)
	resp.Body.Close()
	if err != nil || job.State != "cancelled" || job.Progress.Done >= job.Progress.Total {
		t.Fatalf("the job on the server: %+v (%v); want cancelled before its end", job, err)
	}
	// The pool's capacity job ends (its running chunks return), then the
	// server burns next to nothing.
	deadline := time.Now().Add(waitTimeout)
	for capacityJobsRunning(t) > 0 {
		if time.Now().After(deadline) {
			t.Fatal("the cancelled capacity job still runs on the pool")
		}
		time.Sleep(20 * time.Millisecond)
	}
	c0 := readCPU()
	time.Sleep(500 * time.Millisecond)
	c1 := readCPU()
	if burnt := c1.server - c0.server; burnt > 0.1 {
		t.Errorf("the server burnt %.2f CPU-s in the 500 ms after the cancel; want < 0.1 (quiet)", burnt)
	}
	var after struct {
		Text, Request string
		Rows          int
		Compute       bool
	}
	tb.eval(t, `({text: document.querySelector('[data-testid="job-text-capacity"]').textContent,
		rows: document.querySelectorAll('[data-testid="capacity-table"] tbody tr').length,
		compute: !document.querySelector('[data-testid="capacity-compute"]').disabled})`, &after)
	if !strings.HasPrefix(after.Text, "cancelled after ") || after.Rows != 10 || !after.Compute {
		t.Errorf("after the cancel: %+v; want \"cancelled after …\", the previous table (10 rows), Compute enabled", after)
	}
	// The previous result stays, labelled with its own settings and
	// dimmed, under the form's other values; the authors' setting typed
	// back makes it the form's again.
	staleJS := `(() => { const l = document.querySelector('[data-testid="capacity-stale"]'), f = document.querySelector('[data-testid="capacity-result"]');
		return {hidden: l.hidden, text: l.textContent, dimmed: f.classList.contains('stale') && getComputedStyle(f).opacity === '0.5',
			described: f.getAttribute('aria-describedby') || ''}; })()`
	var stale struct {
		Hidden, Dimmed  bool
		Text, Described string
	}
	tb.eval(t, staleJS, &stale)
	if want := "Previous result, for M = 10, d = 5, D_Φ = 5, β = 1, Q = 1000, softmax, 1.5-entmax and sparsemax, seeds 42, 7 and 3 (memories, queries, map): the new job was cancelled; the table, chart and caption below are not the form's settings."; stale.Hidden || stale.Text != want || !stale.Dimmed || stale.Described != "cap-stale" {
		t.Errorf("after the cancel the result shown: %+v; want labelled %q, dimmed, described by the label", stale, want)
	}
	tb.click(t, "capacity-defaults")
	tb.eval(t, staleJS, &stale)
	if !stale.Hidden || stale.Dimmed || stale.Described != "" {
		t.Errorf("with the authors' setting back in the form: %+v; want the result unlabelled, not dimmed", stale)
	}
	tb.checkConsole(t, nil)
}

// TestCapacityLimitsMatchAbout: the limits the form checks are the
// server's, as /about lists them; /about names the endpoint and links the
// page's capacity section.
func TestCapacityLimitsMatchAbout(t *testing.T) {
	tb := openCapacity(t, 1400, 1000)
	var limits map[string]float64
	tb.eval(t, `__figures.capacity.limits`, &limits)
	tb.open(t, "/about")
	var about struct{ Text, Href string }
	tb.eval(t, `(() => { const p = document.querySelector('[data-testid="capacity"]');
		return {text: p ? p.textContent : '', href: p?.querySelector('a')?.getAttribute('href') || ''}; })()`, &about)
	if !strings.Contains(about.Text, "POST /api/v1/capacity") || about.Href != "/figures#fig-capacity" {
		t.Errorf("/about's capacity paragraph %+v; want the endpoint and a link to the figures page's capacity section", about)
	}
	var rows [][]string
	tb.eval(t, `[...document.querySelectorAll('table tr')].map((tr) => [...tr.children].map((c) => c.textContent.trim()))`, &rows)
	value := func(what string) float64 {
		for _, r := range rows {
			if len(r) >= 2 && r[0] == what {
				v, err := strconv.ParseFloat(strings.Fields(r[1])[0], 64)
				if err != nil {
					t.Fatalf("/about's %q: %q", what, r[1])
				}
				return v
			}
		}
		t.Fatalf("/about lists no limit %q", what)
		return 0
	}
	for key, what := range map[string]string{
		"maxMemories":         "POST /api/v1/capacity: memories M",
		"maxInputDim":         "POST /api/v1/capacity: memory length d",
		"maxFeatureDim":       "POST /api/v1/capacity: feature dimension D_Φ",
		"maxQueries":          "POST /api/v1/capacity: generated queries Q (explicit ones: the body size)",
		"maxQueryValues":      "POST /api/v1/capacity: query values Q·d",
		"maxBeta":             "β",
		"maxTrainWork":        "training work N·(M·d·D_Φ + M²·D_Φ)",
		"maxTrajectoryValues": "trajectory numbers (N+1)·(D_Φ·d + D_Φ)",
		"maxJobWork":          "jobs of kind capacity: estimated work, in CPU-ns",
	} {
		if got := value(what); got != limits[key] {
			t.Errorf("%s: the page checks %v, /about lists %v", key, limits[key], got)
		}
	}
}

// TestCapacityExport clicks every export of the capacity lab with
// downloads going to a directory, and reads the files: the CSV's lines
// are the table's rows (and zeros for the k it leaves out), the JSON is
// the API's answer to the request file, the inputs are the M memories and
// Q queries of length d, of unit length, sent back in the request file
// with the normalisations off they give the same numbers byte for byte,
// and the request file posted as the curl line posts it gives that same
// answer.
func TestCapacityExport(t *testing.T) {
	tb := openCapacity(t, 1400, 1000)
	dir := t.TempDir()
	if _, err := chromedp.CallBrowser(tb.ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dir,
	}); err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, kind := range []string{"csv", "json", "inputs", "request"} {
		tb.click(t, "export-"+kind+"-capacity")
		tb.waitFor(t, kind+" exported", fmt.Sprintf(`__figures.capacity.lastExport && __figures.capacity.lastExport.kind === %q`, kind))
		var names []string
		tb.eval(t, `__figures.capacity.lastExport.names`, &names)
		if len(names) != 1 {
			t.Fatalf("%s: files %q", kind, names)
		}
		files[kind] = waitFile(t, filepath.Join(dir, names[0]))
	}

	// The request file, posted: the JSON export is its answer.
	var answer, exported map[string]any
	if err := json.Unmarshal(postCapacity(t, files["request"]), &answer); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(files["json"], &exported); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(answer, exported) {
		t.Error("the JSON export differs from the API's answer to the request file")
	}
	var a capacityAnswer
	if err := json.Unmarshal(files["json"], &a); err != nil {
		t.Fatal(err)
	}

	// The CSV: a line per k = 0 … 10 and one of undefined queries; the
	// table's cells are its numbers.
	rows, err := csv.NewReader(bytes.NewReader(files["csv"])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1+11+1 || rows[0][0] != "k" || rows[12][0] != "undefined" {
		t.Fatalf("CSV: %d lines, head %q", len(rows), rows[0])
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	cells := tb.capacityTable(t)
	shown := map[string]bool{}
	for _, c := range cells {
		k, _ := strconv.Atoi(c.K)
		shown[c.K] = true
		i, ok := col[c.Map+"_"+c.Model]
		if !ok || rows[1+k][i] != strconv.Itoa(c.Count) {
			t.Errorf("k = %d %s %s: the table shows %d, the CSV %q", k, c.Map, c.Model, c.Count, rows[1+k])
		}
	}
	for k := 0; k <= 10; k++ {
		for i, f := range rows[1+k][1:] {
			sep := a.Capacity[i/3]
			want := [][]int{sep.Raw, sep.Kernelized, sep.KernelizedNormalized}[i%3][k]
			if f != strconv.Itoa(want) {
				t.Errorf("CSV k = %d column %s: %q, the answer %d", k, rows[0][i+1], f, want)
			}
			if !shown[strconv.Itoa(k)] && f != "0" {
				t.Errorf("CSV k = %d is not in the table but has %q", k, f)
			}
		}
	}

	// The inputs: M memories and Q queries of length d, scaled to unit length.
	var in struct {
		Memories [][]float64 `json:"memories"`
		Queries  [][]float64 `json:"queries"`
	}
	if err := json.Unmarshal(files["inputs"], &in); err != nil {
		t.Fatal(err)
	}
	if len(in.Memories) != 10 || len(in.Queries) != 1000 || !reflect.DeepEqual(in.Memories, a.Inputs.Memories) || !reflect.DeepEqual(in.Queries, a.Inputs.Queries) {
		t.Fatalf("inputs: %d memories, %d queries; want 10 and 1000, as in the answer", len(in.Memories), len(in.Queries))
	}
	for _, r := range append(in.Memories, in.Queries...) {
		s := 0.0
		for _, v := range r {
			s += v * v
		}
		if len(r) != 5 || math.Abs(s-1) > 1e-12 {
			t.Fatalf("an input row %v: want 5 numbers of unit length", r)
		}
	}

	// The note's claim: the exported inputs, sent back in the request file
	// with both normalisations off, give the JSON export's numbers byte
	// for byte.
	var note string
	tb.eval(t, `document.querySelector('[data-testid="capacity-inputs-note"]').textContent`, &note)
	if !strings.Contains(note, `To get this answer again bit for bit, send them with "normalizeMemories": false and "normalizeQueries": false`) {
		t.Errorf("the inputs note %q does not say how to send them back bit for bit", note)
	}
	var back map[string]json.RawMessage
	if err := json.Unmarshal(files["request"], &back); err != nil {
		t.Fatal(err)
	}
	var inputs map[string]json.RawMessage
	if err := json.Unmarshal(files["inputs"], &inputs); err != nil {
		t.Fatal(err)
	}
	back["memories"], back["queries"] = inputs["memories"], inputs["queries"]
	back["normalizeMemories"], back["normalizeQueries"] = json.RawMessage("false"), json.RawMessage("false")
	delete(back, "returnInputs")
	body, err := json.Marshal(back)
	if err != nil {
		t.Fatal(err)
	}
	// Compared with the server's bytes for the request file (the JSON
	// export's numbers, written by JavaScript, may spell an exponent
	// differently).
	var first, again map[string]json.RawMessage
	if err := json.Unmarshal(postCapacity(t, files["request"]), &first); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(postCapacity(t, body), &again); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"capacity", "queries", "geometry", "trajectory"} {
		if len(first[k]) == 0 || !bytes.Equal(first[k], again[k]) {
			t.Errorf("the exported inputs sent back without normalisation: %q is not the request file's answer, byte for byte", k)
		}
	}

	var curl string
	tb.eval(t, `document.querySelector('[data-testid="curl-capacity"]').textContent`, &curl)
	if !strings.Contains(curl, "curl -sS "+srv.url+"/api/v1/capacity ") || !strings.Contains(curl, "-d @hoplab-figure-capacity-request.json -o hoplab-figure-capacity.json") {
		t.Errorf("curl lines %q", curl)
	}
	tb.checkConsole(t, nil)
}

// TestCapacityBusy: while this address has the jobs it may have (4), the
// server refuses the page's job with 503 busy; the page says so in the
// server's own words and posts again after Retry-After, and computes once
// the other jobs are cancelled.
func TestCapacityBusy(t *testing.T) {
	tb := openCapacity(t, 1400, 1000)
	heavy := []byte(`{"kind": "capacity", "request": {"memories": {"gaussian": {"count": 1024, "dim": 64, "seed": 1}},
		"queries": {"gaussian": {"count": 20000, "seed": 2}}, "separations": ["sparsemax"], "beta": 1,
		"featureMap": {"dim": 64, "init": "torchLinear"}, "uhop": {"iterations": 20, "optimizer": "adam", "lr": 1, "tau": 0.1, "loss": "paper"},
		"retrieval": {"steps": 20}}}`)
	post := func() (int, map[string]any) {
		resp, err := http.Post(srv.url+"/api/v1/jobs", "application/json", bytes.NewReader(heavy))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var body map[string]any
		if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, body
	}
	var ids []string
	t.Cleanup(func() {
		for _, id := range ids {
			req, _ := http.NewRequest(http.MethodDelete, srv.url+"/api/v1/jobs/"+id, nil)
			if resp, err := http.DefaultClient.Do(req); err == nil {
				resp.Body.Close()
			}
		}
	})
	var refusal string
	for len(ids) < 5 {
		status, body := post()
		if status == http.StatusAccepted {
			ids = append(ids, body["id"].(string))
			continue
		}
		e, _ := body["error"].(map[string]any)
		if status != http.StatusServiceUnavailable || e["code"] != "busy" || len(ids) != 4 {
			t.Fatalf("job %d: %d %v; want 4 accepted, then 503 busy", len(ids)+1, status, body)
		}
		refusal = e["message"].(string)
		break
	}

	tb.click(t, "capacity-compute")
	tb.waitFor(t, "the page refused, busy", `__figures.capacity.state === 'busy'`)
	var text string
	tb.eval(t, `document.querySelector('[data-testid="job-text-capacity"]').textContent`, &text)
	if text != "the server is busy; trying again ("+refusal+")" {
		t.Errorf("while refused the page says %q; want the server's words, %q", text, refusal)
	}
	for _, id := range ids {
		req, _ := http.NewRequest(http.MethodDelete, srv.url+"/api/v1/jobs/"+id, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	ids = nil
	tb.waitFor(t, "the page's job done once there is room", `__figures.capacity.state === 'done' && __figures.capacity.progress.some((e) => e.state === 'queued')`)
	// The browser logs the refused POSTs; nothing else.
	tb.checkConsole(t, func(m chromedp.ConsoleMessage) bool {
		return strings.Contains(m.String(), "status of 503") && strings.HasSuffix(m.URL, "/api/v1/jobs")
	})
}

// TestCapacityBroadMixtures: M = 200 with softmax only, where no memory
// gets more than 1 % of the weight (k = 0 for every raw query): the
// caption says what k = 0 is in words, never "mixtures of k = 0
// memories", the table's note explains its row k = 0, and the chart's
// text alternative names the k its categorical axis shows, the table's
// rows, with … where k are skipped. A seed above 2^53 is refused under
// its box, not rounded, and sends no job.
func TestCapacityBroadMixtures(t *testing.T) {
	tb := openCapacity(t, 1400, 1000)
	tb.setCapacityField(t, "m", "200")
	for _, m := range []string{"entmax15", "sparsemax"} {
		tb.click(t, "capacity-map-"+m)
	}
	var jobs int
	tb.eval(t, `__figures.capacity.progress.length`, &jobs)
	tb.setCapacityField(t, "querySeed", "9007199254740993")
	tb.click(t, "capacity-compute")
	var seed struct{ Error, Focused string }
	tb.eval(t, `({error: document.querySelector('[data-testid="capacity-error-querySeed"]').textContent, focused: document.activeElement.dataset.testid})`, &seed)
	if seed.Error != "The queries’ seed must be at most 2^53." || seed.Focused != "capacity-querySeed" {
		t.Errorf("seed 2^53 + 1: %+v; want refused under its box, focused", seed)
	}
	tb.setCapacityField(t, "querySeed", "7")
	tb.click(t, "capacity-compute")
	tb.waitFor(t, "M = 200 with softmax computed", `__figures.capacity.state === 'done' && __figures.capacity.request.memories.gaussian.count === 200`)
	var page struct {
		Caption, Note, Label string
		Ks                   []int
		Zero                 int
	}
	tb.eval(t, `(() => { const sec = document.querySelector('[data-testid="figure-capacity"]');
		const rows = [...sec.querySelectorAll('[data-testid="capacity-table"] tbody tr')];
		return {caption: sec.querySelector('[data-testid="caption-capacity"]').textContent,
			note: sec.querySelector('[data-testid="capacity-table-note"]').textContent,
			label: sec.querySelector('[data-testid="capacity-chart"] canvas').getAttribute('aria-label'),
			ks: rows.map((r) => Number(r.dataset.k)),
			zero: Number(sec.querySelector('[data-testid="capacity-table"] tbody tr[data-k="0"] td[data-model="raw"]')?.dataset.count ?? -1)}; })()`, &page)
	if page.Zero != 1000 {
		t.Fatalf("raw softmax at k = 0: %d queries; want all 1000 (the setting the caption is about)", page.Zero)
	}
	if strings.Contains(page.Caption, "mixtures of k = 0") || !strings.Contains(page.Caption, "the most common k: softmax k = 0, a broad mixture of many memories in which none gets more than 1 % of the weight") {
		t.Errorf("caption %q; want k = 0 in words", page.Caption)
	}
	if !strings.Contains(page.Note, "The row k = 0: no memory gets more than 1 % of the softmax weight (retrieval.supportEps = 0.01), so the final state is a broad mixture of many memories, none of which is counted.") {
		t.Errorf("table note %q; want the row k = 0 explained", page.Note)
	}
	skipped := false
	for i := 1; i < len(page.Ks); i++ {
		skipped = skipped || page.Ks[i] != page.Ks[i-1]+1
	}
	if want := "bar groups only for k = "; skipped != strings.Contains(page.Label, want) || skipped != strings.Contains(page.Label, "with … where k are skipped") {
		t.Errorf("table rows %v, chart text %q: the text alternative does not say which k the axis shows", page.Ks, page.Label)
	}
	tb.capacityShot(t, "capacity-broad.png")
	tb.checkConsole(t, nil)
}
