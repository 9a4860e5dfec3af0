package e2e

import (
	"bytes"
	"encoding/base64"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"io"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// figureIDs are the figures of /figures, in the page's order.
var figureIDs = []string{"energy", "basins", "prop31"}

// progressEvent is one job update the figures page showed.
type progressEvent struct {
	State string `json:"state"`
	Done  int64  `json:"done"`
	Total int64  `json:"total"`
}

// openFigures opens /figures at width × height and waits until every
// figure has been computed and drawn.
func openFigures(t *testing.T, width, height int64) *tab {
	t.Helper()
	tb := newTab(t)
	if err := chromedp.Do(tb.ctx, chromedp.EmulateViewport(width, height)); err != nil {
		t.Fatal(err)
	}
	tb.open(t, "/figures")
	tb.waitFor(t, "every figure computed and drawn", `window.__figures && ['energy', 'basins', 'prop31'].every((id) => __figures.state(id) === 'done' && __figures.draws(id) > 0)`)
	return tb
}

// TestFiguresLoad: /figures shows the three figures, each computed by the
// server as a job whose progress the page showed, from accepted (queued,
// nothing done; or, for a figure the server computed before, done at
// once) to done (every chunk), on a progress bar with its ARIA values;
// the panels are named in the words on screen; captions and settings are
// written. At 1024 and 360 px the colour bars' labels keep apart and the
// settings tables scroll in a labelled, focusable region that shows it.
// Screenshots at 1400 and 360 px.
func TestFiguresLoad(t *testing.T) {
	tb := openFigures(t, 1400, 1000)
	for _, id := range figureIDs {
		var events []progressEvent
		tb.eval(t, fmt.Sprintf(`__figures.progress(%q)`, id), &events)
		// A figure computed before (by an earlier test's page) is accepted
		// done: its one update is the first and the last.
		if len(events) == 0 || len(events) < 2 && events[0].State != "done" {
			t.Fatalf("%s: progress events %v, want the accepted job and the done one (the same when computed before)", id, events)
		}
		first, last := events[0], events[len(events)-1]
		accepted := first.State == "queued" && first.Done == 0 || first.State == "done" && first.Done == first.Total
		if !accepted || first.Total <= 0 || last.State != "done" || last.Done != last.Total || last.Total != first.Total {
			t.Errorf("%s: progress from %+v to %+v; want from queued 0/T (or done T/T: computed before) to done T/T", id, first, last)
		}
		for i := 1; i < len(events); i++ {
			if events[i].Done < events[i-1].Done || events[i].Total != first.Total {
				t.Errorf("%s: progress went from %+v to %+v", id, events[i-1], events[i])
			}
		}
		var bar struct {
			Role, Now, Max, Text, Label string
		}
		tb.eval(t, fmt.Sprintf(`(() => { const b = document.querySelector('[data-testid="progress-%s"]');
			return {role: b.getAttribute('role'), now: b.getAttribute('aria-valuenow'), max: b.getAttribute('aria-valuemax'),
				text: b.getAttribute('aria-valuetext'), label: b.getAttribute('aria-label')}; })()`, id), &bar)
		want := fmt.Sprint(last.Total)
		if bar.Role != "progressbar" || bar.Now != want || bar.Max != want || !strings.HasPrefix(bar.Text, "computed") || !strings.HasPrefix(bar.Label, "Computing ") {
			t.Errorf("%s: progress bar %+v; want a progressbar at %s of %s, computed", id, bar, want, want)
		}
	}

	var page struct {
		Panels   map[string]int
		Labels   []string
		Captions map[string]string
		Settings map[string]int
		Errors   int
	}
	tb.eval(t, `(() => {
		const ids = ['energy', 'basins', 'prop31'];
		const sec = (id) => document.querySelector('[data-testid="figure-' + id + '"]');
		return {
			panels: Object.fromEntries(ids.map((id) => [id, sec(id).querySelectorAll('[data-testid="panel"]').length])),
			labels: [...document.querySelectorAll('.fig-body canvas[role="img"]')].map((c) => c.getAttribute('aria-label')),
			captions: Object.fromEntries(ids.map((id) => [id, sec(id).querySelector('[data-testid="caption-' + id + '"]').textContent])),
			settings: Object.fromEntries(ids.map((id) => [id, sec(id).querySelectorAll('[data-testid="settings-' + id + '"] tbody tr').length])),
			errors: [...document.querySelectorAll('.fig-error')].filter((e) => !e.hidden).length,
		}; })()`, &page)
	if page.Panels["energy"] != 24 || page.Panels["basins"] != 12 || page.Errors != 0 {
		t.Errorf("%v panels (want energy 24, basins 12), %d errors shown", page.Panels, page.Errors)
	}
	for _, l := range page.Labels {
		if l == "" || strings.Contains(l, "entmax15") {
			t.Errorf("a canvas is named %q; want a name in the words on screen", l)
		}
	}
	if !slices.ContainsFunc(page.Labels, func(l string) bool { return strings.HasPrefix(l, "1.5-entmax energy, 4 memories, N = 2, as published") }) ||
		!slices.ContainsFunc(page.Labels, func(l string) bool { return strings.HasPrefix(l, "sparsemax basins, 5 memories, N = 5: white ") }) {
		t.Errorf("panel names %q lack the expected ones", page.Labels)
	}
	for _, id := range figureIDs {
		if len(page.Captions[id]) < 100 || page.Settings[id] < 5 {
			t.Errorf("%s: caption %q, %d settings rows", id, page.Captions[id], page.Settings[id])
		}
	}
	if !strings.Contains(page.Captions["basins"], "White, where a query ends within 0.001 of no single memory") ||
		!strings.Contains(page.Captions["prop31"], "lies within Prop. 3.1's bounds at every M") {
		t.Errorf("captions: %q", page.Captions)
	}
	// At 1400 px the curl lines show whole (they wrap), and no box that
	// shows all it holds is a tab stop.
	var boxes []struct {
		ID, Tab        string
		Scroll, Client float64
	}
	tb.eval(t, `[...document.querySelectorAll('[data-figure] .curl, [data-figure] .table-scroll')].map((b) => ({id: b.className + ' ' + (b.dataset.testid || b.querySelector('code')?.dataset.testid),
		tab: b.getAttribute('tabindex') || '', scroll: b.scrollWidth, client: b.clientWidth}))`, &boxes)
	if len(boxes) != 6 {
		t.Fatalf("%d curl and settings boxes; want 6", len(boxes))
	}
	for _, b := range boxes {
		if strings.HasPrefix(b.ID, "curl") && b.Scroll > b.Client+1 {
			t.Errorf("at 1400 px %s is %v px wide in %v px: its lines end behind a sideways scroll", b.ID, b.Scroll, b.Client)
		}
		if scrolls := b.Scroll > b.Client+1; scrolls != (b.Tab == "0") {
			t.Errorf("at 1400 px %s (%v in %v px) has tabindex %q; want a tab stop exactly when it scrolls", b.ID, b.Scroll, b.Client, b.Tab)
		}
	}
	tb.screenshot(t, "figures-1400.png")
	// The README's picture of Figure 1: the top of the page, Figure 1
	// whole (docs/figures-energy.png; TestCapacityDefaults takes the
	// capacity lab's, docs/figures.png).
	if err := chromedp.Do(tb.ctx, chromedp.EmulateViewport(1400, 1420)); err != nil {
		t.Fatal(err)
	}
	tb.saveScreenshot(t, "figures-energy-readme.png", chromedp.CaptureScreenshot())

	// At 1024 px the published colour bars of neighbouring panels, whose
	// end labels reach their edges, keep apart.
	if err := chromedp.Do(tb.ctx, chromedp.EmulateViewport(1024, 900)); err != nil {
		t.Fatal(err)
	}
	tb.waitFor(t, "the panels at 1024 px", `document.documentElement.clientWidth === 1024`)
	tb.barGaps(t, 1024)

	// At 360 px the page reflows: nothing is wider than the screen.
	if err := chromedp.Do(tb.ctx, chromedp.EmulateViewport(360, 800)); err != nil {
		t.Fatal(err)
	}
	tb.waitFor(t, "the panels redrawn at 360 px", `document.querySelector('[data-testid="panel"] canvas').getBoundingClientRect().width < 110`)
	tb.barGaps(t, 360)
	tb.settingsScroll(t)
	var overflow []string
	tb.eval(t, `[...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > 361 && !e.closest('pre, table, .curl, .settings'))
		.map((e) => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))`, &overflow)
	var scrollW int
	tb.eval(t, `document.documentElement.scrollWidth`, &scrollW)
	if scrollW > 360 || len(overflow) > 0 {
		t.Errorf("at 360 px the page is %d px wide; beyond the screen: %q", scrollW, overflow)
	}
	tb.screenshot(t, "figures-360.png")
	tb.checkConsole(t, nil)
}

// barGaps checks that the colour bars under neighbouring panels of
// Figure 1 as published, whose end labels are drawn up to their edges,
// are at least 10 px apart at this width.
func (tb *tab) barGaps(t *testing.T, width int) {
	t.Helper()
	var gaps []float64
	tb.eval(t, `(() => {
		const bars = [...document.querySelectorAll('[data-testid="figure-energy"] .cv.hbar')].map((b) => b.getBoundingClientRect());
		const gaps = [];
		for (const a of bars) for (const b of bars) if (Math.abs(a.top - b.top) < 1 && b.left > a.left && b.left - a.right < 60) gaps.push(b.left - a.right);
		return gaps; })()`, &gaps)
	if len(gaps) < 16 {
		t.Fatalf("at %d px: %d pairs of neighbouring colour bars; want 16", width, len(gaps))
	}
	if m := slices.Min(gaps); m < 10 {
		t.Errorf("at %d px two neighbouring colour bars are %.1f px apart; want at least 10, so their labels do not touch", width, m)
	}
}

// settingsScroll checks that every settings table sits in a region that
// scrolls sideways, named and reachable by keyboard, that shows a shadow
// while there is more to see, and that Figure 1's, wider than a phone,
// scrolls with the arrow keys.
func (tb *tab) settingsScroll(t *testing.T) {
	t.Helper()
	var regions []struct {
		ID, Role, Label, Tab, Overflow, Background string
		Scroll, Client                             float64
		Right                                      float64
	}
	tb.eval(t, `['energy', 'basins', 'prop31'].map((id) => {
		const r = document.querySelector('[data-testid="settings-' + id + '"]').parentElement;
		const cs = getComputedStyle(r);
		return {id, role: r.getAttribute('role') || '', label: r.getAttribute('aria-label') || '', tab: r.getAttribute('tabindex') || '',
			overflow: cs.overflowX, background: cs.backgroundImage, scroll: r.scrollWidth, client: r.clientWidth, right: r.getBoundingClientRect().right};
	})`, &regions)
	for _, r := range regions {
		if r.Role != "region" || !strings.HasPrefix(r.Label, "Settings of ") || r.Overflow != "auto" || r.Right > 360 {
			t.Errorf("%s: the settings table's box is %+v; want a region named \"Settings of …\", scrolling sideways, within the screen", r.ID, r)
		}
		if scrolls := r.Scroll > r.Client+1; scrolls != (r.Tab == "0") {
			t.Errorf("%s: the settings table is %v px wide in %v px and the box's tabindex is %q; want a tab stop exactly when it scrolls", r.ID, r.Scroll, r.Client, r.Tab)
		}
		if r.Scroll > r.Client+1 && strings.Count(r.Background, "gradient") < 2 {
			t.Errorf("%s: the table is %v px wide in %v px with no shadow to show it scrolls (%q)", r.ID, r.Scroll, r.Client, r.Background)
		}
	}
	if regions[0].Scroll <= regions[0].Client {
		t.Fatalf("Figure 1's settings fit at 360 px (%v in %v px): this check has nothing to scroll", regions[0].Scroll, regions[0].Client)
	}
	tb.eval(t, `document.querySelector('[data-testid="settings-scroll-energy"]').focus()`, nil)
	tb.key(t, kb.ArrowRight)
	tb.waitFor(t, "the settings scrolled by keyboard", `document.querySelector('[data-testid="settings-scroll-energy"]').scrollLeft > 0`)
	// Back to the start once the (smooth) scroll has come to rest.
	tb.waitFor(t, "the scroll at rest", `(() => { const s = document.querySelector('[data-testid="settings-scroll-energy"]').scrollLeft;
		const rest = window.__settingsScroll === s; window.__settingsScroll = s; return rest; })()`)
	tb.eval(t, `document.querySelector('[data-testid="settings-scroll-energy"]').scrollLeft = 0`, nil)
	tb.blur(t)
}

// canvasSum returns a fingerprint of a canvas's pixels.
const canvasSum = `((c) => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let s = 0; for (let i = 0; i < d.length; i += 4) s = (s * 31 + d[i] * 7 + d[i + 1] * 3 + d[i + 2]) % 1000000007; return s; })`

// TestFiguresFidelity: the switch redraws Figure 1 at once from the
// numbers it has (no new job): as published, a colour bar under every
// panel and softmax without its 1/β; corrected, one colour bar per row
// and other softmax pixels; the caption and the explorer links follow.
// Back to as published, the same pixels as before.
func TestFiguresFidelity(t *testing.T) {
	tb := openFigures(t, 1400, 1000)
	type view struct {
		Draws, HBars, VBars, Jobs int
		Soft, Sparse              float64
		Caption                   string
		Links                     []string
	}
	read := func() view {
		var v view
		tb.eval(t, `(() => {
			const sec = document.querySelector('[data-testid="figure-energy"]');
			const panel = (label) => [...sec.querySelectorAll('canvas')].find((c) => c.getAttribute('aria-label').startsWith(label));
			return {draws: __figures.draws('energy'), hbars: sec.querySelectorAll('.cv.hbar').length, vbars: sec.querySelectorAll('.cv.vbar').length,
				jobs: __figures.progress('energy').length,
				soft: (`+canvasSum+`)(panel('softmax energy, 4 memories, N = 0')), sparse: (`+canvasSum+`)(panel('sparsemax energy, 4 memories, N = 5')),
				caption: sec.querySelector('[data-testid="caption-energy"]').textContent,
				links: [...sec.querySelectorAll('[data-testid="explore-link"]')].map((a) => a.getAttribute('href'))};
		})()`, &v)
		return v
	}
	pub := read()
	if pub.HBars != 24 || pub.VBars != 0 || !strings.Contains(pub.Caption, "Drawn as published") {
		t.Errorf("as published: %d panel colour bars, %d row bars, caption %q; want 24, 0, as published", pub.HBars, pub.VBars, pub.Caption)
	}
	var note struct{ Note, Details string }
	tb.eval(t, `({note: document.querySelector('[data-testid="fidelity-note"]').textContent,
		details: document.querySelector('[data-testid="fidelity-details"]').textContent})`, &note)
	if !strings.Contains(note.Note, "1/β") || strings.Count(note.Note, ". ") > 0 || len([]rune(note.Note)) > 120 {
		t.Errorf("fidelity note %q; want one short sentence", note.Note)
	}
	if !strings.Contains(note.Details, "without the 1/β") || !strings.Contains(note.Details, "β = 1.111 (1/0.9) and 20") {
		t.Errorf("fidelity details %q", note.Details)
	}

	tb.click(t, "fidelity-corrected")
	tb.waitFor(t, "the corrected drawing", fmt.Sprintf(`__figures.fidelity === 'corrected' && __figures.draws('energy') > %d`, pub.Draws))
	cor := read()
	if cor.HBars != 0 || cor.VBars != 8 || !strings.Contains(cor.Caption, "Drawn corrected") || cor.Jobs != pub.Jobs {
		t.Errorf("corrected: %d panel colour bars, %d row bars, caption %q, %d job updates (before %d); want 0, 8, corrected, no new job", cor.HBars, cor.VBars, cor.Caption, cor.Jobs, pub.Jobs)
	}
	if cor.Soft == pub.Soft {
		t.Error("the softmax panel has the same pixels corrected as published")
	}
	// The row bars' labels keep apart at 1400, 1024 and 360 px.
	tb.vbarLabels(t, 1400)
	for _, width := range []int{1024, 360} {
		if err := chromedp.Do(tb.ctx, chromedp.EmulateViewport(int64(width), 900)); err != nil {
			t.Fatal(err)
		}
		tb.waitFor(t, fmt.Sprintf("the page at %d px", width), fmt.Sprintf(`document.documentElement.clientWidth === %d`, width))
		tb.waitFor(t, "the row bars redrawn", `[...document.querySelectorAll('[data-testid="figure-energy"] .cv.vbar canvas, [data-testid="figure-energy"] canvas.cv.vbar')].every((c) => c.width > 0)`)
		time.Sleep(300 * time.Millisecond) // the redraw after a resize is debounced
		tb.vbarLabels(t, width)
		if width == 360 {
			tb.screenshot(t, "figures-corrected-360.png")
		}
	}
	if err := chromedp.Do(tb.ctx, chromedp.EmulateViewport(1400, 1000)); err != nil {
		t.Fatal(err)
	}
	// The valleys of the caption are the minima of the grids, a plateau of
	// equal cells counting once: at β = 1/0.9 the two memories' valleys
	// merge into one at their midpoint, between two equal cells.
	var energy struct {
		Runs []struct {
			Result struct {
				Snapshots []struct {
					Panels []struct {
						Energy [][]*float64 `json:"energy"`
					} `json:"panels"`
				} `json:"snapshots"`
			} `json:"result"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(figureAnswer(t, []byte(`{"figure": "energy"}`)), &energy); err != nil {
		t.Fatal(err)
	}
	var valleys []string
	for _, p := range energy.Runs[0].Result.Snapshots[0].Panels { // 2 memories, no feature map, N = 0
		valleys = append(valleys, fmt.Sprint(gridMinima(p.Energy)))
	}
	if want := "): " + strings.Join(valleys, ", ") + " at N = 0"; valleys[0] != "1" || !strings.Contains(strings.Split(cor.Caption, "\n")[0], want) {
		t.Errorf("2 memories, N = 0, corrected: the grids have %v minima (softmax: want 1); the caption says %q", valleys, strings.Split(cor.Caption, "\n")[0])
	}
	for i := range cor.Links {
		if linkScenario(t, cor.Links[i])["view"].(map[string]any)["paperSoftmaxEnergy"] != false || linkScenario(t, pub.Links[i])["view"].(map[string]any)["paperSoftmaxEnergy"] != true {
			t.Errorf("link %d does not follow the drawing: %s", i, cor.Links[i])
		}
	}

	tb.screenshot(t, "figures-corrected.png")

	tb.click(t, "fidelity-published")
	tb.waitFor(t, "the published drawing again", fmt.Sprintf(`__figures.fidelity === 'published' && __figures.draws('energy') > %d`, cor.Draws))
	if again := read(); again.Soft != pub.Soft || again.Sparse != pub.Sparse || again.Caption != pub.Caption {
		t.Error("back to as published, the pixels or the caption differ from the first drawing")
	}
	tb.checkConsole(t, nil)
}

// gridMinima counts the minima of a grid away from its border: the sets
// of equal cells, connected through their 8 neighbours, with every other
// neighbour a number strictly higher (a reference for the caption's
// count, written apart from the page's).
func gridMinima(e [][]*float64) int {
	ny := len(e)
	nx := len(e[0])
	seen := make([][]bool, ny)
	for i := range seen {
		seen[i] = make([]bool, nx)
	}
	n := 0
	for i := 1; i < ny-1; i++ {
		for j := 1; j < nx-1; j++ {
			if seen[i][j] || e[i][j] == nil {
				continue
			}
			v := *e[i][j]
			isMin := true
			seen[i][j] = true
			queue := [][2]int{{i, j}}
			for len(queue) > 0 {
				c := queue[0]
				queue = queue[1:]
				if c[0] == 0 || c[1] == 0 || c[0] == ny-1 || c[1] == nx-1 {
					isMin = false
				}
				for di := -1; di <= 1; di++ {
					for dj := -1; dj <= 1; dj++ {
						a, b := c[0]+di, c[1]+dj
						if (di == 0 && dj == 0) || a < 0 || b < 0 || a >= ny || b >= nx {
							continue
						}
						switch w := e[a][b]; {
						case w != nil && *w == v:
							if !seen[a][b] {
								seen[a][b] = true
								queue = append(queue, [2]int{a, b})
							}
						case w == nil || *w < v:
							isMin = false
						}
					}
				}
			}
			if isMin {
				n++
			}
		}
	}
	return n
}

// linkScenario decodes the scenario of an explorer link (/#s=…).
func linkScenario(t *testing.T, href string) map[string]any {
	t.Helper()
	_, enc, ok := strings.Cut(href, "#s=")
	if !ok {
		t.Fatalf("link %q has no #s=", href)
	}
	raw, err := base64.RawURLEncoding.DecodeString(enc)
	if err != nil {
		t.Fatalf("link %q: %v", href, err)
	}
	var v struct {
		Scenario map[string]any `json:"scenario"`
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("link %q: %v", href, err)
	}
	return v.Scenario
}

// figureAnswer posts a figure request to the server.
func figureAnswer(t *testing.T, request []byte) []byte {
	t.Helper()
	resp, err := http.Post(srv.url+"/api/v1/figures", "application/json", bytes.NewReader(request))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("POST /api/v1/figures %s: %d %v %.300s", request, resp.StatusCode, err, body)
	}
	return body
}

// TestFiguresExport clicks every export of every figure with downloads
// going to a directory, and reads the files: the PNG is the figure at 2×,
// the CSVs parse with one line per cell (or row of the table), the JSON
// is the figure's numbers, and the request file, posted to the API as the
// curl line does, gives those same numbers.
func TestFiguresExport(t *testing.T) {
	tb := openFigures(t, 1400, 1000)
	dir := t.TempDir()
	if _, err := chromedp.CallBrowser(tb.ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dir,
	}); err != nil {
		t.Fatal(err)
	}
	wantLines := map[string]int{
		"hoplab-figure-energy.csv":       2*4*3*2*40*40 + 1,
		"hoplab-figure-basins.csv":       4*3*100*100 + 1,
		"hoplab-figure-basins-white.csv": 4*3 + 1,
		"hoplab-figure-prop31.csv":       65 + 1,
	}
	for _, id := range figureIDs {
		var jsonExport map[string]any
		for _, kind := range []string{"png", "csv", "json", "request"} {
			tb.click(t, fmt.Sprintf("export-%s-%s", kind, id))
			tb.waitFor(t, id+" "+kind+" exported", fmt.Sprintf(`__figures.lastExport && __figures.lastExport.figure === %q && __figures.lastExport.kind === %q`, id, kind))
			var exp struct {
				Names                   []string
				Width, Height           float64
				PixelWidth, PixelHeight int
			}
			tb.eval(t, `__figures.lastExport`, &exp)
			for _, name := range exp.Names {
				data := waitFile(t, filepath.Join(dir, name))
				switch {
				case kind == "png":
					img, err := png.Decode(bytes.NewReader(data))
					if err != nil {
						t.Fatalf("%s: %v", name, err)
					}
					b := img.Bounds()
					if b.Dx() != exp.PixelWidth || b.Dy() != exp.PixelHeight || math.Abs(float64(b.Dx())-2*exp.Width) > 1 || math.Abs(float64(b.Dy())-2*exp.Height) > 1 {
						t.Errorf("%s: %d × %d pixels for a figure of %v × %v; want 2×", name, b.Dx(), b.Dy(), exp.Width, exp.Height)
					}
					if n := colours(img); n < 12 {
						t.Errorf("%s: %d colours; want a picture", name, n)
					}
					if err := os.MkdirAll(artifactsDir, 0o755); err == nil {
						_ = os.WriteFile(filepath.Join(artifactsDir, name), data, 0o644) // to look at
					}
				case kind == "csv":
					rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
					if err != nil {
						t.Fatalf("%s: %v", name, err)
					}
					if len(rows) != wantLines[name] {
						t.Errorf("%s: %d lines, want %d", name, len(rows), wantLines[name])
					}
				case kind == "json":
					var answer map[string]any
					if err := json.Unmarshal(data, &answer); err != nil || answer["figure"] != id {
						t.Fatalf("%s: %v, figure %v", name, err, answer["figure"])
					}
					jsonExport = answer
				case kind == "request":
					var req map[string]any
					if err := json.Unmarshal(data, &req); err != nil || !reflect.DeepEqual(req, map[string]any{"figure": id}) {
						t.Fatalf("%s: %s (%v)", name, data, err)
					}
					// What the curl line does: post the request file.
					var api map[string]any
					if err := json.Unmarshal(figureAnswer(t, data), &api); err != nil {
						t.Fatal(err)
					}
					if !reflect.DeepEqual(api, jsonExport) {
						t.Errorf("the API's answer to %s differs from the exported numbers", name)
					}
				}
			}
		}
		var curl string
		tb.eval(t, fmt.Sprintf(`document.querySelector('[data-testid="curl-%s"]').textContent`, id), &curl)
		if !strings.Contains(curl, srv.url+"/api/v1/figures") || !strings.Contains(curl, "-d @hoplab-figure-"+id+"-request.json") {
			t.Errorf("%s: curl line %q", id, curl)
		}
	}
	tb.checkConsole(t, nil)
}

// waitFile waits until a download has arrived whole at path and returns
// its bytes.
func waitFile(t *testing.T, path string) []byte {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for {
		data, err := os.ReadFile(path)
		if _, partial := os.Stat(path + ".crdownload"); err == nil && partial != nil && len(data) > 0 {
			return data
		}
		if time.Now().After(deadline) {
			t.Fatalf("no download at %s within %v", path, waitTimeout)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// colours counts the distinct colours of img, up to 1000.
func colours(img image.Image) int {
	seen := map[[4]uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 3 {
		for x := b.Min.X; x < b.Max.X; x += 3 {
			r, g, bb, a := img.At(x, y).RGBA()
			seen[[4]uint32{r, g, bb, a}] = true
			if len(seen) >= 1000 {
				return len(seen)
			}
		}
	}
	return len(seen)
}

// waitNavigated waits until expr holds in the page that a click is
// loading: while the old document goes and the new one starts, the page
// has no context to evaluate in, and the poll is tried again.
func (tb *tab) waitNavigated(t *testing.T, what, expr string) {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for {
		_, err := chromedp.Run(tb.ctx, chromedp.Poll[chromedp.Void](expr,
			chromedp.WithPollingInterval(25*time.Millisecond), chromedp.WithPollingTimeout(2*time.Second)))
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("waiting for %s (%s): %v", what, expr, err)
		}
	}
}

// figureSnapshot is what the tests read of a snapshot of a figure's run.
type figureSnapshot struct {
	Iteration int       `json:"iteration"`
	Xs        []float64 `json:"xs"`
	Ys        []float64 `json:"ys"`
	Panels    []struct {
		Separation        string  `json:"separation"`
		UnlabeledFraction float64 `json:"unlabeledFraction"`
	} `json:"panels"`
}

// TestFiguresOpenInExplorer clicks "open in the explorer" for rows of the
// figures: the explorer then shows the run's scenario (memories, β, initial
// map, U-Hop+ and retrieval settings) at the row's iteration on the
// figure's grid, and its minimum angle is the figure's at that iteration.
// In the rows N = 0 its input view is the figure's panel: the same white
// shares.
func TestFiguresOpenInExplorer(t *testing.T) {
	for _, tc := range []struct {
		figure string
		m, n   int
		run    int // the figure answer's run the row comes from
		show   string
	}{
		{"energy", 4, 2, 5, "energy"},
		{"energy", 2, 0, 0, "energy"},
		{"basins", 5, 5, 1, "basins"},
		{"basins", 5, 0, 0, "basins"},
	} {
		t.Run(fmt.Sprintf("%s M=%d N=%d", tc.figure, tc.m, tc.n), func(t *testing.T) {
			var answer struct {
				Runs []struct {
					Scenario map[string]any `json:"scenario"`
					Result   struct {
						Trajectory []struct {
							MinAngleDeg float64 `json:"minAngleDeg"`
						} `json:"trajectory"`
						Snapshots []figureSnapshot `json:"snapshots"`
					} `json:"result"`
				} `json:"runs"`
			}
			if err := json.Unmarshal(figureAnswer(t, []byte(`{"figure": "`+tc.figure+`"}`)), &answer); err != nil {
				t.Fatal(err)
			}
			run := answer.Runs[tc.run]
			tb := openFigures(t, 1400, 1000)
			var note string
			tb.eval(t, fmt.Sprintf(`document.querySelector('[data-testid="explore-grid-%s"]').textContent`, tc.figure), &note)
			if !strings.Contains(note, "figure's grid") || !strings.Contains(note, "differ") {
				t.Errorf("the note beside the links: %q; want what agrees and what differs", note)
			}
			sel := fmt.Sprintf(`[data-testid="figure-%s"] [data-testid="explore-link"][data-m="%d"][data-n="%d"]`, tc.figure, tc.m, tc.n)
			if err := chromedp.Do(tb.ctx, chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible)); err != nil {
				t.Fatalf("click %s: %v", sel, err)
			}
			tb.waitNavigated(t, "the explorer", `location.pathname === '/' && document.body.classList.contains('explorer')`)
			tb.waitFor(t, "the explorer's frame", fmt.Sprintf(`location.pathname === '/' && window.__hoplab && __hoplab.status === 'live' && __hoplab.frames > 0 && __hoplab.iteration === %d && __hoplab.metrics && __hoplab.metrics.t === %d`, tc.n, tc.n))
			var got struct {
				Scenario map[string]any
				Angle    float64
				Show     string
				Grid     struct{ Nx, Ny int }
				White    map[string]float64
			}
			tb.eval(t, `({scenario: __hoplab.scenario, angle: __hoplab.metrics.minAngleDeg,
				show: document.querySelector('[data-testid="param-show"] input:checked').value,
				grid: __hoplab.grid, white: __hoplab.metrics.whiteFractions})`, &got)
			snap := run.Result.Snapshots[slices.IndexFunc(run.Result.Snapshots, func(s figureSnapshot) bool { return s.Iteration == tc.n })]
			if got.Grid.Nx != len(snap.Xs) || got.Grid.Ny != len(snap.Ys) {
				t.Errorf("the explorer's grid is %d × %d, the figure's %d × %d", got.Grid.Nx, got.Grid.Ny, len(snap.Xs), len(snap.Ys))
			}
			if tc.n == 0 {
				// The identity map: the explorer's input view is the figure's panel.
				for _, p := range snap.Panels {
					if w, ok := got.White[p.Separation+"|input"]; !ok || w != p.UnlabeledFraction {
						t.Errorf("%s: the explorer's white share %v (%v), the figure's %v", p.Separation, w, ok, p.UnlabeledFraction)
					}
				}
			}
			for _, k := range []string{"memories", "beta", "normalizeMemories", "retrieval"} {
				if !reflect.DeepEqual(got.Scenario[k], run.Scenario[k]) {
					t.Errorf("%s: explorer %v, figure %v", k, got.Scenario[k], run.Scenario[k])
				}
			}
			gf, rf := got.Scenario["featureMap"].(map[string]any), run.Scenario["featureMap"].(map[string]any)
			for _, k := range []string{"W", "b", "affine", "dim"} {
				if _, given := rf[k]; given && !reflect.DeepEqual(gf[k], rf[k]) {
					t.Errorf("featureMap.%s: explorer %v, figure %v", k, gf[k], rf[k])
				}
			}
			gu, ru := got.Scenario["uhop"].(map[string]any), run.Scenario["uhop"].(map[string]any)
			for _, k := range []string{"optimizer", "lr", "momentum", "tau", "loss"} {
				if !reflect.DeepEqual(gu[k], ru[k]) {
					t.Errorf("uhop.%s: explorer %v, figure %v", k, gu[k], ru[k])
				}
			}
			if gu["iterations"] != float64(tc.n) {
				t.Errorf("uhop.iterations %v, want %d", gu["iterations"], tc.n)
			}
			if want := run.Result.Trajectory[tc.n].MinAngleDeg; math.Abs(got.Angle-want) > 1e-9 {
				t.Errorf("the explorer's minimum angle at t = %d is %v, the figure's %v", tc.n, got.Angle, want)
			}
			if got.Show != tc.show {
				t.Errorf("the explorer shows %q, want %q", got.Show, tc.show)
			}
			tb.checkConsole(t, nil)
		})
	}
}

// TestFiguresOpenCodeInExplorer: the Prop. 3.1 figure's explorer link
// opens the 2-D counterpart for the M chosen: M memories on an arc, a 2-D
// map, at iteration 0, with the optimal M-gon as the angle chart's
// reference.
func TestFiguresOpenCodeInExplorer(t *testing.T) {
	tb := openFigures(t, 1400, 1000)
	if err := chromedp.Do(tb.ctx, chromedp.SetValue(chromedp.CSS(`[data-testid="code-m"]`), "12"),
		chromedp.Evaluate[chromedp.Void](`document.querySelector('[data-testid="code-m"]').dispatchEvent(new Event('change'))`)); err != nil {
		t.Fatal(err)
	}
	sel := `[data-testid="figure-prop31"] [data-testid="explore-link"][data-m="12"]`
	if err := chromedp.Do(tb.ctx, chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible)); err != nil {
		t.Fatalf("click %s: %v", sel, err)
	}
	tb.waitNavigated(t, "the explorer", `location.pathname === '/' && document.body.classList.contains('explorer')`)
	tb.waitFor(t, "the explorer's first frame", `window.__hoplab && __hoplab.status === 'live' && __hoplab.frames > 0 && __hoplab.iteration === 0`)
	// The charts (and the reference's note) are drawn at most every 250 ms.
	tb.waitFor(t, "the angle chart's reference", `document.querySelector('[data-testid="chart-angle-reference"]').textContent.includes('M = 12')`)
	var got struct {
		M, Dim    int
		Reference string
	}
	tb.eval(t, `({m: __hoplab.scenario.memories.length, dim: __hoplab.scenario.featureMap.dim,
		reference: document.querySelector('[data-testid="chart-angle-reference"]').textContent})`, &got)
	if got.M != 12 || got.Dim != 2 || !strings.Contains(got.Reference, "M = 12 in 2-D") {
		t.Errorf("explorer: %d memories, D_Φ = %d, reference %q; want 12, 2, the optimum for M = 12 in 2-D", got.M, got.Dim, got.Reference)
	}
	tb.checkConsole(t, nil)
}

// vbarLabels checks that the labels of the corrected drawing's row colour
// bars keep apart at this width: in the labels' column of every bar, the
// rows with ink form runs no taller than one label (13 px at 10 px type),
// with blank rows between them.
func (tb *tab) vbarLabels(t *testing.T, width int) {
	t.Helper()
	var runs [][]float64
	tb.eval(t, `[...document.querySelectorAll('[data-testid="figure-energy"] .cv.vbar')].map((box) => {
		const c = box.tagName === 'CANVAS' ? box : box.querySelector('canvas');
		const ctx = c.getContext('2d');
		const scale = c.width / c.getBoundingClientRect().width;
		const x0 = Math.ceil((Math.min(12, c.width / scale * 0.3) + 4) * scale);
		const img = ctx.getImageData(x0, 0, c.width - x0, c.height);
		const runs = [];
		let run = 0;
		for (let y = 0; y < c.height; y++) {
			let ink = false;
			for (let x = 0; x < img.width && !ink; x++) {
				const i = 4 * (y * img.width + x);
				ink = img.data[i + 3] > 100 && img.data[i] < 120;
			}
			if (ink) run++;
			else if (run > 0) { runs.push(run / scale); run = 0; }
		}
		if (run > 0) runs.push(run / scale);
		return runs; })`, &runs)
	if len(runs) != 8 {
		t.Fatalf("at %d px: %d row bars; want 8", width, len(runs))
	}
	for i, r := range runs {
		if len(r) < 2 || slices.Max(r) > 13 {
			t.Errorf("at %d px row bar %d: label heights %v px; want at least two labels, none taller than 13 px (two labels touching)", width, i, r)
		}
	}
}
