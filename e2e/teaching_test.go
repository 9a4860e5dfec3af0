package e2e

import (
	"bytes"
	"encoding/base64"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// The teaching tests (issue 15) drive lesson links, the guided tour, the
// exports and the import in the live page, and read back what they made.

// paintedViews is the views of the newest painted frame, in order.
const paintedViews = `(__hoplab.paintedFrame ? __hoplab.paintedFrame.views.map(v => v.space).join(',') : '')`

// showMode is the "panels show" radio that is checked.
const showMode = `document.querySelector('input[name="show"]:checked')?.value`

// visible is a JS predicate: the element with the testid is laid out.
func visible(testid string) string {
	return fmt.Sprintf(`(() => { const e = document.querySelector('[data-testid=%q]'); return !!e && e.getClientRects().length > 0; })()`, testid)
}

// linkPayload decodes the whole payload of an explorer link (/#s=…): v,
// scenario, ui.
func linkPayload(t *testing.T, href string) map[string]any {
	t.Helper()
	_, enc, ok := strings.Cut(href, "#s=")
	if !ok {
		t.Fatalf("link %q has no #s=", href)
	}
	raw, err := base64.RawURLEncoding.DecodeString(enc)
	if err != nil {
		t.Fatalf("link %q: %v", href, err)
	}
	var v map[string]any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("link %q: %v", href, err)
	}
	return v
}

// sentTypes is the types of the messages the page has sent, in order.
func (tb *tab) sentTypes(t *testing.T) []string {
	t.Helper()
	var types []string
	tb.eval(t, `__e2eSent.map(m => m.type)`, &types)
	return types
}

// TestLessonLink makes a lesson link in the dialog (training and presets
// hidden, β, play and the memories locked, the input view and two maps,
// basins) and opens it: the same scenario and iteration in that layout,
// the controls hidden or disabled, their keys and drags ignored, the rest
// working. A link of version 1 still opens as before, with every control.
func TestLessonLink(t *testing.T) {
	tb := openExplorer(t)
	tb.click(t, "step")
	tb.waitIteration(t, 1)
	tb.click(t, "step")
	tb.waitIteration(t, 2)

	tb.click(t, "lesson-open")
	tb.waitFor(t, "the lesson dialog", `document.querySelector('[data-testid="lesson-dialog"]').open`)
	for _, id := range []string{"lesson-training-hide", "lesson-presets-hide", "lesson-beta-lock", "lesson-play-lock", "lesson-memories-lock", "lesson-view-feature", "lesson-map-entmax15"} {
		tb.click(t, id)
	}
	tb.eval(t, `(() => { const s = document.querySelector('[data-testid="lesson-show"]'); s.value = 'basins'; s.dispatchEvent(new Event('change', {bubbles: true})); })()`, nil)
	var link string
	tb.eval(t, `document.querySelector('[data-testid="lesson-url"]').value`, &link)
	if !strings.HasPrefix(link, srv.url+"/#s=") {
		t.Fatalf("lesson link %q", link)
	}
	payload := linkPayload(t, link)
	if payload["v"] != 2.0 {
		t.Errorf("lesson link version %v, want 2", payload["v"])
	}
	tb.saveScreenshot(t, "lesson-dialog.png", chromedp.CaptureScreenshot())
	tb.click(t, "lesson-close")
	tb.checkConsole(t, nil)

	st := openExplorerAt(t, strings.TrimPrefix(link, srv.url))
	st.waitFor(t, "the lesson's scenario at t = 2", `__hoplab.iteration === 2 && __hoplab.metrics && __hoplab.metrics.t === 2 && `+paintedViews+` === 'input' && __hoplab.paintedFrame.views[0].panels.length === 2`)
	var got struct {
		Seps    []string
		Show    string
		Note    bool
		Hidden  map[string]bool
		Locked  map[string]bool
		Enabled map[string]bool
		Heading string
	}
	st.eval(t, `(() => {
		const vis = (id) => { const e = document.querySelector('[data-testid="' + id + '"]'); return !!e && e.getClientRects().length > 0; };
		const dis = (id) => document.querySelector('[data-testid="' + id + '"]').disabled;
		return {
			seps: __hoplab.scenario.separations, show: `+showMode+`, note: vis('lesson-note'),
			hidden: {tau: !vis('param-tau'), lr: !vis('param-lr'), presets: !vis('presets'), seed: !vis('preset-seed')},
			locked: {beta: dis('param-beta'), betaRange: dis('param-beta-range'), play: dis('play')},
			enabled: {step: !dis('step') && vis('step'), steps: !dis('param-steps') && vis('param-steps'), export: vis('export')},
			heading: document.querySelector('[data-testid="heading-input-1"]').textContent,
		};
	})()`, &got)
	if strings.Join(got.Seps, ",") != "softmax,sparsemax" || got.Show != "basins" || !got.Note || !strings.Contains(got.Heading, "sparsemax") {
		t.Errorf("lesson page: maps %v, show %q, note %v, second panel %q; want softmax,sparsemax, basins, a note, sparsemax", got.Seps, got.Show, got.Note, got.Heading)
	}
	for name, ok := range got.Hidden {
		if !ok {
			t.Errorf("%s is shown; the lesson hides it", name)
		}
	}
	for name, ok := range got.Locked {
		if !ok {
			t.Errorf("%s is enabled; the lesson locks it", name)
		}
	}
	for name, ok := range got.Enabled {
		if !ok {
			t.Errorf("%s is hidden or disabled; the lesson leaves it", name)
		}
	}

	// Space (play, locked) and a drag of a memory (locked) send nothing;
	// → (step, left alone) steps. Messages go out in order, so once the
	// step has been answered any play or move would have been sent.
	st.blur(t)
	st.key(t, " ")
	p := st.toClient(t, 0, 0)
	var mem [][2]float64
	st.eval(t, `__hoplab.memories`, &mem)
	m0 := st.toClient(t, mem[0][0], mem[0][1])
	st.mouse(t, chromedp.MousePressed, m0, chromedp.ButtonLeft, withButtons(1))
	st.mouse(t, chromedp.MouseMoved, point{(m0.X + p.X) / 2, (m0.Y + p.Y) / 2}, withButtons(1))
	st.mouse(t, chromedp.MouseMoved, p, withButtons(1))
	st.mouse(t, chromedp.MouseReleased, p, chromedp.ButtonLeft)
	// The same edits by key on a focused panel: select, move, add.
	st.eval(t, `document.querySelector('[data-testid="canvas-input-0"]').focus()`, nil)
	for _, k := range []string{"n", kb.ArrowRight, "a"} {
		if err := chromedp.Do(st.ctx, chromedp.KeyEvent(k)); err != nil {
			t.Fatal(err)
		}
	}
	st.eval(t, `document.querySelector('[data-testid="canvas-input-0"]').dispatchEvent(new KeyboardEvent('keydown', {key: 'Escape', bubbles: true}))`, nil)
	st.blur(t)
	st.key(t, kb.ArrowRight)
	st.waitIteration(t, 3)
	for _, typ := range st.sentTypes(t) {
		if typ == "play" || typ == "move" || typ == "add" {
			t.Errorf("the lesson page sent %q; play and the memories are locked", typ)
		}
	}
	// The page's own link keeps the lesson.
	st.waitFor(t, "the permalink at t = 3", `location.hash.startsWith('#s=') && __hoplab.iteration === 3`)
	var hash string
	st.waitFor(t, "the hash written", `(() => { try { return JSON.parse(atob(location.hash.slice(3).replace(/-/g, '+').replace(/_/g, '/'))).scenario.uhop.iterations === 3; } catch { return false; } })()`)
	st.eval(t, `location.hash`, &hash)
	again := linkPayload(t, srv.url+"/"+hash)
	if ui, _ := again["ui"].(map[string]any); ui == nil || ui["lesson"] == nil {
		t.Errorf("the lesson page's own link lost the lesson: %v", again["ui"])
	}
	st.screenshot(t, "lesson-link.png")
	st.checkConsole(t, nil)

	// A link of version 1, as pages wrote them before versions (no v,
	// basinOpacity): it opens as it did, with every control.
	v1 := `{"scenario": {"memories": [[1, 0], [0, 1], [-1, 0]], "beta": 9, "uhop": {"iterations": 1},
		"view": {"grid": {"nx": 64, "ny": 64, "xmin": -1.5, "xmax": 1.5, "ymin": -1.5, "ymax": 1.5}}},
		"ui": {"views": ["input"], "speed": 10, "basinOpacity": 0}}`
	old := openExplorerAt(t, "/#s="+base64.RawURLEncoding.EncodeToString([]byte(v1)))
	old.waitFor(t, "the version 1 link", `__hoplab.scenario.beta === 9 && __hoplab.iteration === 1 && __hoplab.metrics.t === 1 && `+paintedViews+` === 'input'`)
	var v1got struct {
		Show     string
		Note     bool
		Disabled []string
	}
	old.eval(t, `({show: `+showMode+`, note: `+visible("lesson-note")+`,
		disabled: [...document.querySelectorAll('.lesson-hidden, .lesson-locked')].map(e => e.className)})`, &v1got)
	if v1got.Show != "energy" || v1got.Note || len(v1got.Disabled) > 0 {
		t.Errorf("version 1 link: show %q, lesson note %v, set aside %v; want energy, no note, nothing", v1got.Show, v1got.Note, v1got.Disabled)
	}
	old.checkConsole(t, nil)
}

// tourStep is a step of tour.js's TOUR_STEPS.
type tourStep struct {
	Title  string
	Preset string
	T      int
	Views  []string
	Show   string
}

// makeOwnView gives the page a view of the user's own before a tour: β = 7,
// iteration 2, the input view alone, the energy shown.
func makeOwnView(t *testing.T, tb *tab) {
	t.Helper()
	tb.typeInto(t, "param-beta", "7")
	tb.waitFor(t, "β = 7", `__hoplab.scenario.beta === 7`)
	tb.click(t, "step")
	tb.waitIteration(t, 1)
	tb.click(t, "step")
	tb.waitIteration(t, 2)
	tb.click(t, "param-view-feature")
	tb.click(t, "show-energy")
}

// TestGuidedTour takes the tour from the page's button with the keyboard:
// every step sets up its preset, iteration, views and what the panels
// show; Esc leaves it and the user's own scenario, iteration, views and
// show come back, with the same numbers. A #tour=3 link starts at step 3.
func TestGuidedTour(t *testing.T) {
	tb := openExplorer(t)
	makeOwnView(t, tb)
	tb.waitFor(t, "the user's own view", paintedViews+` === 'input' && `+showMode+` === 'energy' && __hoplab.scenario.beta === 7 && __hoplab.iteration === 2`)
	before := tb.metrics(t)
	var whiteBefore map[string]map[string]float64
	tb.eval(t, `__hoplab.whiteSeries`, &whiteBefore)

	var steps []tourStep
	tb.eval(t, `import('/static/js/tour.js').then(m => m.TOUR_STEPS)`, &steps)
	if len(steps) < 6 || len(steps) > 8 {
		t.Fatalf("%d tour steps, want 6 to 8", len(steps))
	}
	tb.click(t, "tour-open")
	for k, s := range steps {
		if k > 0 {
			tb.key(t, kb.ArrowRight) // the focus is in the tour: → is its next
		}
		tb.waitFor(t, fmt.Sprintf("tour step %d (%s)", k+1, s.Title), fmt.Sprintf(`document.querySelector('[data-testid="tour"]').dataset.step === '%d'
			&& __hoplab.preset === %q && __hoplab.iteration === %d && __hoplab.metrics.t === %d
			&& %s === %q && %s === %q && document.activeElement.closest('[data-testid="tour"]') !== null
			&& document.querySelector('[data-testid="tour-title"]').textContent === %q`,
			k+1, s.Preset, s.T, s.T, paintedViews, strings.Join(s.Views, ","), showMode, s.Show, s.Title))
		// What steps 3 and 6 say about white is what they show.
		var white map[string]float64
		tb.eval(t, `__hoplab.metrics.whiteFractions`, &white)
		switch k {
		case 2:
			if white["softmax|feature"] <= 0.5 {
				t.Errorf("step 3 says more than half of the feature view's softmax panel is white: %v", white)
			}
		case 4:
			tb.screenshot(t, "tour-step5.png")
		case 5:
			if !(white["softmax|feature"] > white["entmax15|feature"] && white["entmax15|feature"] > white["sparsemax|feature"]) {
				t.Errorf("step 6 says softmax leaves the most white and sparsemax the least: %v", white)
			}
		}
	}
	tb.waitFor(t, "the tour's step in the hash", fmt.Sprintf(`location.hash === '#tour=%d'`, len(steps)))
	// ← goes back one step.
	tb.key(t, kb.ArrowLeft)
	tb.waitFor(t, "back to the step before", fmt.Sprintf(`document.querySelector('[data-testid="tour"]').dataset.step === '%d'`, len(steps)-1))

	tb.key(t, kb.Escape)
	tb.waitFor(t, "the user's own view back", `document.querySelector('[data-testid="tour"]').hidden && __hoplab.scenario.beta === 7
		&& __hoplab.iteration === 2 && __hoplab.metrics.t === 2 && `+paintedViews+` === 'input' && `+showMode+` === 'energy'
		&& __hoplab.preset === null && document.activeElement.dataset.testid === 'tour-open' && location.hash.startsWith('#s=')`)
	after := tb.metrics(t)
	if *after.Loss != *before.Loss || *after.MinAngleDeg != *before.MinAngleDeg || after.UnlabeledFraction["softmax"] != before.UnlabeledFraction["softmax"] {
		t.Errorf("after the tour: loss %v angle %v white %v, want %v %v %v", *after.Loss, *after.MinAngleDeg, after.UnlabeledFraction, *before.Loss, *before.MinAngleDeg, before.UnlabeledFraction)
	}
	// The white-share chart has the iterations drawn before the tour again.
	tb.waitFor(t, "the white shares of before the tour", `['0', '1', '2'].every(t => t in (__hoplab.whiteSeries['softmax|input'] || {}))`)
	var whiteAfter map[string]map[string]float64
	tb.eval(t, `__hoplab.whiteSeries`, &whiteAfter)
	for key, byT := range whiteBefore {
		if !strings.HasSuffix(key, "|input") {
			continue // the feature view was drawn before the tour, not after it
		}
		for it, v := range byT {
			if whiteAfter[key][it] != v {
				t.Errorf("white share %s at t = %s: %v after the tour, %v before", key, it, whiteAfter[key][it], v)
			}
		}
	}
	tb.checkConsole(t, nil)

	// A link to step 3; leaving it gives the page's own start back.
	other := openExplorerAt(t, "/#tour=3")
	s := steps[2]
	other.waitFor(t, "the tour link's step", fmt.Sprintf(`document.querySelector('[data-testid="tour"]').dataset.step === '3' && __hoplab.preset === %q && __hoplab.iteration === %d && %s === %q`, s.Preset, s.T, showMode, s.Show))
	other.screenshot(t, "tour-step3.png")
	other.click(t, "tour-leave")
	other.waitFor(t, "the tour left", `document.querySelector('[data-testid="tour"]').hidden && location.hash.startsWith('#s=') && __hoplab.iteration === 0`)
	// And the button starts it again.
	other.click(t, "tour-open")
	other.waitFor(t, "the tour again at step 1", `document.querySelector('[data-testid="tour"]').dataset.step === '1' && location.hash === '#tour=1'`)
	other.checkConsole(t, nil)
}

// lastExport is the explorer's record of its last export (data-last-export).
type lastExport struct {
	Kind                    string
	Name                    string
	Target                  string
	T                       int
	Width, Height           float64
	PixelWidth, PixelHeight int
}

// downloadsTo sends the tab's downloads to a new directory, which it returns.
func (tb *tab) downloadsTo(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if _, err := chromedp.CallBrowser(tb.ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dir,
	}); err != nil {
		t.Fatal(err)
	}
	return dir
}

// exportFrom clicks an export of the "more exports" menu and returns its
// record and the downloaded file.
func (tb *tab) exportFrom(t *testing.T, dir, testid, kind string) (lastExport, []byte) {
	t.Helper()
	tb.eval(t, `(() => { const m = document.querySelector('[data-testid="exports"]'); m.open = true; delete m.dataset.lastExport; })()`, nil)
	tb.click(t, testid)
	tb.waitFor(t, kind+" exported", fmt.Sprintf(`(document.querySelector('[data-testid="exports"]').dataset.lastExport || '').includes('"kind":%q')`, kind))
	var raw string
	tb.eval(t, `document.querySelector('[data-testid="exports"]').dataset.lastExport`, &raw)
	var e lastExport
	if err := json.Unmarshal([]byte(raw), &e); err != nil {
		t.Fatalf("last export %q: %v", raw, err)
	}
	return e, waitFile(t, filepath.Join(dir, e.Name))
}

// TestExportPNGAndCSV exports the whole view and one panel as PNG, and the
// metrics as CSV, at t = 3: the pictures decode at 2× their size, and the
// CSV has a line per iteration whose numbers are the page's.
func TestExportPNGAndCSV(t *testing.T) {
	tb := openExplorer(t)
	for it := 1; it <= 3; it++ {
		tb.click(t, "step")
		tb.waitIteration(t, it)
	}
	tb.waitFor(t, "the white shares of t = 0 … 3", `Object.values(__hoplab.whiteSeries).every(s => [0, 1, 2, 3].every(t => t in s)) && Object.keys(__hoplab.whiteSeries).length === 6`)
	dir := tb.downloadsTo(t)

	var sizes []lastExport
	for _, target := range []string{"all", "input:1"} {
		tb.eval(t, fmt.Sprintf(`(() => { const s = document.querySelector('[data-testid="export-png-target"]'); s.value = %q; return s.value; })()`, target), nil)
		e, data := tb.exportFrom(t, dir, "export-png", "png")
		img, err := png.Decode(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: %v", e.Name, err)
		}
		b := img.Bounds()
		if e.Target != target || e.T != 3 || b.Dx() != e.PixelWidth || b.Dy() != e.PixelHeight || math.Abs(float64(b.Dx())-2*e.Width) > 1 || math.Abs(float64(b.Dy())-2*e.Height) > 1 {
			t.Errorf("%s: target %s t %d, %d × %d pixels for %v × %v; want %s at t = 3, 2×", e.Name, e.Target, e.T, b.Dx(), b.Dy(), e.Width, e.Height, target)
		}
		if n := colours(img); n < 12 {
			t.Errorf("%s: %d colours; want a picture", e.Name, n)
		}
		if err := os.MkdirAll(artifactsDir, 0o755); err == nil {
			_ = os.WriteFile(filepath.Join(artifactsDir, e.Name), data, 0o644) // to look at
		}
		sizes = append(sizes, e)
	}
	if sizes[0].Width <= sizes[1].Width || sizes[0].Height <= sizes[1].Height {
		t.Errorf("the whole view (%v × %v) is not larger than one panel (%v × %v)", sizes[0].Width, sizes[0].Height, sizes[1].Width, sizes[1].Height)
	}

	// The menu closes on a click elsewhere.
	tb.click(t, "title")
	tb.waitFor(t, "the exports menu closed", `!document.querySelector('[data-testid="exports"]').open`)

	e, data := tb.exportFrom(t, dir, "export-csv", "csv")
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", e.Name, err)
	}
	want := []string{"t", "loss", "deltaMin", "minAngleDeg", "white_source", "white_input_softmax", "white_input_entmax15", "white_input_sparsemax", "white_feature_softmax", "white_feature_entmax15", "white_feature_sparsemax"}
	if len(rows) != 5 || strings.Join(rows[0], ",") != strings.Join(want, ",") {
		t.Fatalf("%s: %d lines, header %v; want 5 lines, %v", e.Name, len(rows), rows[0], want)
	}
	m := tb.metrics(t)
	var white map[string]float64
	tb.eval(t, `__hoplab.metrics.whiteFractions`, &white)
	last := rows[4]
	num := func(s string) float64 { return parseNum(t, s) }
	if last[0] != "3" || num(last[1]) != *m.Loss || num(last[2]) != *m.DeltaMin || num(last[3]) != *m.MinAngleDeg || last[4] != "full" {
		t.Errorf("CSV line for t = 3: %v; the page: loss %v Δmin %v angle %v, drawn in full", last, *m.Loss, *m.DeltaMin, *m.MinAngleDeg)
	}
	for k, col := range want[5:] {
		parts := strings.SplitN(strings.TrimPrefix(col, "white_"), "_", 2)
		if got, page := num(last[5+k]), white[parts[1]+"|"+parts[0]]; got != page {
			t.Errorf("CSV %s at t = 3: %v, the page %v", col, got, page)
		}
	}
	tb.checkConsole(t, nil)
}

// dropFile drops a file with the given name and text on the page, as a
// user dragging it from the desktop would.
func (tb *tab) dropFile(t *testing.T, name, text string) {
	t.Helper()
	tb.clearImport(t)
	tb.eval(t, fmt.Sprintf(`(() => {
		const dt = new DataTransfer();
		dt.items.add(new File([%q], %q, {type: 'text/plain'}));
		const target = document.querySelector('[data-testid="panels"]');
		for (const type of ['dragenter', 'dragover', 'drop']) target.dispatchEvent(new DragEvent(type, {dataTransfer: dt, bubbles: true, cancelable: true}));
	})()`, text, name), nil)
}

// clearImport forgets the last import's outcome, so that the next one is
// waited for.
func (tb *tab) clearImport(t *testing.T) {
	t.Helper()
	tb.eval(t, `delete document.querySelector('[data-testid="import-status"]').dataset.outcome`, nil)
}

// importMessage waits for the import's outcome and returns its message.
func (tb *tab) importMessage(t *testing.T, outcome string) string {
	t.Helper()
	tb.waitFor(t, "the import "+outcome, fmt.Sprintf(`document.querySelector('[data-testid="import-status"]').dataset.outcome === %q`, outcome))
	var msg string
	tb.eval(t, `document.querySelector('[data-testid="import-message"]').textContent`, &msg)
	return msg
}

// TestImportRoundTrip exports the scenario, moves on to another preset,
// and imports the file with the file picker: the same scenario at the same
// iteration, with the same views and show. A CSV of memories dropped on the
// page replaces the memories (d = 3: through a 2-D feature map, and the
// page says so). A bad file is refused with its line and column and
// nothing changes; a file the server refuses is named with the field's
// place, and nothing changes either.
func TestImportRoundTrip(t *testing.T) {
	tb := openExplorer(t)
	makeOwnView(t, tb)
	tb.waitFor(t, "the view to export", paintedViews+` === 'input' && `+showMode+` === 'energy'`)
	before := tb.metrics(t)

	tb.eval(t, `(() => {
		const create = URL.createObjectURL;
		URL.createObjectURL = (b) => { window.__e2eBlob = b; return create(b); };
	})()`, nil)
	tb.click(t, "export")
	tb.waitFor(t, "the exported file", `window.__e2eBlob !== undefined`)
	var exported string
	tb.eval(t, `__e2eBlob.text()`, &exported)
	var file map[string]any
	if err := json.Unmarshal([]byte(exported), &file); err != nil {
		t.Fatalf("exported scenario: %v", err)
	}
	delete(file, "ui")

	// Elsewhere: another preset, all views, basins.
	tb.click(t, "preset-clustered")
	tb.click(t, "param-view-feature")
	tb.click(t, "show-basins")
	tb.waitFor(t, "another view", `__hoplab.preset === 'clustered' && `+paintedViews+` === 'input,feature' && `+showMode+` === 'basins'`)

	path := filepath.Join(t.TempDir(), "hoplab-scenario-t2.json")
	if err := os.WriteFile(path, []byte(exported), 0o644); err != nil {
		t.Fatal(err)
	}
	tb.clearImport(t)
	if err := chromedp.Do(tb.ctx, chromedp.SetUploadFiles(chromedp.CSS(`[data-testid="import-file"]`), []string{path})); err != nil {
		t.Fatalf("choose the file: %v", err)
	}
	msg := tb.importMessage(t, "loaded")
	tb.waitFor(t, "the imported view", `__hoplab.iteration === 2 && __hoplab.metrics.t === 2 && `+paintedViews+` === 'input' && `+showMode+` === 'energy'`)
	var got map[string]any
	tb.eval(t, `__hoplab.scenario`, &got)
	if !jsonEqual(got, file) {
		t.Errorf("imported scenario differs from the exported one:\n got %v\nwant %v", got, file)
	}
	after := tb.metrics(t)
	if *after.Loss != *before.Loss || *after.MinAngleDeg != *before.MinAngleDeg {
		t.Errorf("imported: loss %v angle %v, exported %v %v", *after.Loss, *after.MinAngleDeg, *before.Loss, *before.MinAngleDeg)
	}
	if !strings.Contains(msg, "hoplab-scenario-t2.json") || !strings.Contains(msg, "t = 2") {
		t.Errorf("import message %q", msg)
	}

	// A bad CSV: refused with its line and column; nothing is sent.
	// (The page acknowledges frames as they come: count the loads.)
	const loads = `__e2eSent.filter(m => m.type === 'load').length`
	var sent int
	tb.eval(t, loads, &sent)
	tb.dropFile(t, "bad.csv", "x,y\n1,0\n0,abc\n")
	msg = tb.importMessage(t, "refused")
	if !strings.Contains(msg, "line 3, column 3") || !strings.Contains(msg, "“abc” is not a number") || !strings.Contains(msg, "Nothing changed") {
		t.Errorf("bad CSV message %q", msg)
	}
	var sentAfter int
	tb.eval(t, loads, &sentAfter)
	if sentAfter != sent {
		t.Errorf("a refused file sent %d loads", sentAfter-sent)
	}
	// Semicolons between the numbers (and decimal commas): refused on line
	// 1 at the first semicolon, naming it; nothing is sent.
	tb.dropFile(t, "european.csv", "x;y\n0,5;0,3\n0,1;0,9\n")
	msg = tb.importMessage(t, "refused")
	if !strings.Contains(msg, "line 1, column 2") || !strings.Contains(msg, "found “;”") || !strings.Contains(msg, "separated by commas") {
		t.Errorf("semicolon CSV message %q", msg)
	}
	tb.eval(t, loads, &sentAfter)
	if sentAfter != sent {
		t.Errorf("a refused file sent %d loads", sentAfter-sent)
	}
	// A file the server refuses (a map it does not know): its place is
	// named, and the session keeps its scenario.
	bad := "{\n  \"memories\": [[1, 0], [0, 1]],\n  \"separations\": [\"softmax\", \"softermax\"]\n}\n"
	tb.dropFile(t, "maps.json", bad)
	msg = tb.importMessage(t, "refused")
	if !strings.Contains(msg, "The server refused maps.json") || !strings.Contains(msg, "line 3") {
		t.Errorf("server refusal message %q", msg)
	}
	tb.eval(t, `__hoplab.scenario`, &got)
	if !jsonEqual(got, file) {
		t.Errorf("the scenario changed after a refused file")
	}
	tb.screenshot(t, "import-refused.png")

	// A CSV of memories of d = 3: a 2-D feature map, the feature view, and a note.
	tb.dropFile(t, "three.csv", "a,b,c\n1,0,0\n0,1,0\n0,0,1\n1,1,1\n")
	msg = tb.importMessage(t, "loaded")
	tb.waitFor(t, "the memories of d = 3", `__hoplab.scenario.memories.length === 4 && __hoplab.scenario.memories[0].length === 3 && __hoplab.iteration === 0 && `+paintedViews+` === 'feature'`)
	if !strings.Contains(msg, "4 memories of d = 3") || !strings.Contains(msg, "no input view") || !strings.Contains(msg, "2-D feature map") {
		t.Errorf("d = 3 import message %q", msg)
	}
	tb.screenshot(t, "import-d3.png")
	tb.checkConsole(t, nil)
}

// jsonEqual compares two decoded JSON values.
func jsonEqual(a, b any) bool {
	x, err1 := json.Marshal(a)
	y, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && bytes.Equal(x, y)
}

// TestRefusedLinkSaysSo opens a link whose scenario the server refuses
// (β < 0), with views and a speed: the page shows the default preset and
// keeps saying why, and the not_loaded refusals of the link's views and
// speed (sent before the fallback) do not replace that message.
func TestRefusedLinkSaysSo(t *testing.T) {
	payload := `{"v": 2, "scenario": {"memories": [[1, 0], [0, 1], [-1, 0]], "beta": -5}, "ui": {"views": ["input"], "speed": 5, "lesson": {"hide": ["play"], "lock": []}}}`
	tb := openExplorerAt(t, "/#s="+base64.RawURLEncoding.EncodeToString([]byte(payload)))
	tb.waitFor(t, "the link's refusal said", `document.querySelector('[data-testid="error"]').textContent.includes("The link's scenario was refused")`)
	tb.waitFor(t, "the default preset", `__hoplab.preset !== null && __hoplab.frames > 0`)
	time.Sleep(500 * time.Millisecond)
	var msg string
	tb.eval(t, `document.querySelector('[data-testid="error"]').textContent`, &msg)
	if !strings.Contains(msg, "The link's scenario was refused") || !strings.Contains(msg, "beta") {
		t.Errorf("the error area says %q; want the link's refusal, naming beta", msg)
	}
}

// tourNotice is what the notice that answers an invalid tour link says
// ("" when it is quiet).
const tourNotice = `document.querySelector('[data-testid="tour-notice-text"]').textContent`

// TestTourLinkOutOfRange opens and types tour links to steps the tour does
// not have: each is answered by a polite notice that names the steps
// there are and offers to start the tour, and changes nothing else: no
// message to the session, the user's scenario as it was. Its "start the
// tour" starts it at step 1; a valid link typed then moves the tour there.
func TestTourLinkOutOfRange(t *testing.T) {
	tb := openExplorerAt(t, "/#tour=9")
	var n int
	tb.eval(t, `import('/static/js/tour.js').then(m => m.TOUR_STEPS.length)`, &n)
	steps := fmt.Sprintf("steps 1–%d", n)
	tb.waitFor(t, "the notice of the fresh page", tourNotice+`.includes('“9”') && `+tourNotice+fmt.Sprintf(`.includes(%q)`, steps)+` && `+visible("tour-notice-start"))
	tb.waitFor(t, "the page's own start", `document.querySelector('[data-testid="tour"]').hidden && __hoplab.preset !== null`)
	var role string
	tb.eval(t, `document.querySelector('[data-testid="tour-notice-text"]').getAttribute('role')`, &role)
	if role != "status" {
		t.Errorf("the notice's role is %q, want status (polite)", role)
	}
	tb.screenshot(t, "tour-link-invalid.png")

	tb.typeInto(t, "param-beta", "7")
	tb.waitFor(t, "β = 7", `__hoplab.scenario.beta === 7 && location.hash.startsWith('#s=')`)
	var scenario map[string]any
	tb.eval(t, `__hoplab.scenario`, &scenario)
	for _, v := range []string{"0", fmt.Sprint(n + 1), "9", "99", "-1", "abc", "3x", "1.5", ""} {
		tb.click(t, "tour-notice-dismiss")
		tb.waitFor(t, "the notice quiet", tourNotice+` === '' && !`+visible("tour-notice-start"))
		var sent int
		tb.eval(t, `__e2eSent.length`, &sent)
		tb.eval(t, fmt.Sprintf(`location.hash = %q`, "#tour="+v), nil)
		want := fmt.Sprintf("“%s”", v)
		if v == "" {
			want = "names none"
		}
		tb.waitFor(t, "the notice for #tour="+v, tourNotice+fmt.Sprintf(`.includes(%q) && `, want)+tourNotice+fmt.Sprintf(`.includes(%q)`, steps)+` && `+visible("tour-notice-start"))
		var after int
		tb.eval(t, `__e2eSent.length`, &after)
		var got map[string]any
		tb.eval(t, `__hoplab.scenario`, &got)
		var hidden bool
		tb.eval(t, `document.querySelector('[data-testid="tour"]').hidden`, &hidden)
		if after != sent || !jsonEqual(got, scenario) || !hidden {
			t.Errorf("#tour=%s: %d messages sent, scenario kept %v, tour hidden %v; want nothing sent or changed", v, after-sent, jsonEqual(got, scenario), hidden)
		}
	}
	tb.click(t, "tour-notice-start")
	tb.waitFor(t, "the tour at step 1", `document.querySelector('[data-testid="tour"]').dataset.step === '1' && `+tourNotice+` === '' && location.hash === '#tour=1'`)
	tb.eval(t, `location.hash = '#tour=3'`, nil)
	tb.waitFor(t, "the tour at step 3", `document.querySelector('[data-testid="tour"]').dataset.step === '3' && __hoplab.preset === 'basins'`)
	tb.click(t, "tour-leave")
	tb.waitFor(t, "the user's scenario back", `document.querySelector('[data-testid="tour"]').hidden && __hoplab.scenario.beta === 7`)
	tb.checkConsole(t, nil)
}

// caption is the text under the presets.
const caption = `document.querySelector('[data-testid="preset-caption"]').textContent`

// TestTourSurvivesReload edits the scenario, starts the tour, reloads the
// page at step 3 and leaves the tour: the edited scenario, its iteration,
// views and show come back, and the caption says what it is; the kept
// copy is forgotten once given back.
func TestTourSurvivesReload(t *testing.T) {
	tb := openExplorer(t)
	makeOwnView(t, tb)
	tb.waitFor(t, "the user's own view", paintedViews+` === 'input' && `+showMode+` === 'energy' && __hoplab.iteration === 2`)
	var own string
	tb.eval(t, caption, &own)
	if !strings.HasPrefix(own, "Your own scenario, changed from “Basins of attraction figure”") {
		t.Errorf("caption of the edited preset: %q", own)
	}

	tb.click(t, "tour-open")
	tb.waitFor(t, "tour step 1", `document.querySelector('[data-testid="tour"]').dataset.step === '1'`)
	tb.click(t, "tour-next")
	tb.click(t, "tour-next")
	tb.waitFor(t, "tour step 3 in the address", `document.querySelector('[data-testid="tour"]').dataset.step === '3' && location.hash === '#tour=3' && sessionStorage.getItem('hoplab-tour-saved') !== null`)
	if _, err := chromedp.Run(tb.ctx, chromedp.Reload()); err != nil {
		t.Fatalf("reload: %v", err)
	}
	tb.waitFor(t, "the tour at step 3 after the reload", `window.__hoplab && __hoplab.status === 'live' && __hoplab.frames > 0
		&& document.querySelector('[data-testid="tour"]').dataset.step === '3' && __hoplab.preset === 'basins' && `+paintedViews+` === 'input,feature'`)
	tb.click(t, "tour-leave")
	tb.waitFor(t, "the edited scenario back", `document.querySelector('[data-testid="tour"]').hidden && __hoplab.scenario.beta === 7
		&& __hoplab.iteration === 2 && __hoplab.metrics.t === 2 && `+paintedViews+` === 'input' && `+showMode+` === 'energy'
		&& __hoplab.preset === null && sessionStorage.getItem('hoplab-tour-saved') === null`)
	tb.waitFor(t, "the caption of the edited preset, as high as its text", caption+fmt.Sprintf(` === %q`, own)+
		` && document.querySelector('[data-testid="preset-caption"]').style.minHeight === ''`)
	// The white shares drawn before the tour are on the chart again.
	tb.waitFor(t, "the white shares of before the tour", `['0', '1', '2'].every(t => t in (__hoplab.whiteSeries['softmax|input'] || {}))`)
	tb.screenshot(t, "tour-after-reload.png")
	tb.checkConsole(t, nil)
}

// TestCaptionFollowsScenario replaces the scenario in every way the page
// has (a preset, an import, an edit, a link typed into the address bar, a
// link opened): the caption under the presets describes the scenario on
// show each time, never the preset chosen before; a refused file leaves it.
func TestCaptionFollowsScenario(t *testing.T) {
	tb := openExplorer(t)
	tb.waitFor(t, "the preset's caption", caption+`.startsWith('Basins of attraction figure: ')`)
	tb.dropFile(t, "three.csv", "x,y\n1,0\n0,1\n-1,0\n")
	tb.importMessage(t, "loaded")
	tb.waitFor(t, "the imported file's caption", caption+` === 'Imported from three.csv: 3 memories, d = 2.'`)
	tb.screenshot(t, "caption-imported.png")
	tb.typeInto(t, "param-beta", "7")
	tb.waitFor(t, "the edited file's caption", caption+` === 'Your own scenario, changed since it was imported from three.csv: 3 memories, d = 2. Choose a preset to read its caption.'`)
	// Back to the file's β: the file's scenario again.
	tb.typeInto(t, "param-beta", "20")
	tb.waitFor(t, "the file's caption again", caption+` === 'Imported from three.csv: 3 memories, d = 2.'`)

	tb.click(t, "preset-clustered")
	tb.waitFor(t, "the preset's caption and frame", caption+`.startsWith('Clustered memories: ') && __hoplab.memories.length === 8 && __hoplab.seq >= __e2eSent.filter(m => m.type === 'preset').at(-1).seq`)
	// Dragging a memory: the caption changes and its box keeps its
	// height, so that the panels do not jump under the pointer, during
	// the drag or after it.
	var m0 []float64
	tb.eval(t, `__hoplab.memories[0]`, &m0)
	from := tb.toClient(t, m0[0], m0[1])
	to := point{from.X + 30, from.Y - 30}
	tb.mouse(t, chromedp.MouseMoved, from)
	tb.mouse(t, chromedp.MousePressed, from, chromedp.ButtonLeft, chromedp.ClickCount(1), withButtons(1))
	tb.mouse(t, chromedp.MouseMoved, to, withButtons(1))
	const ownClustered = `'Your own scenario, changed from “Clustered memories”: 8 memories, d = 2. Choose a preset to read its caption.'`
	const captionBox = `document.querySelector('[data-testid="preset-caption"]').style.minHeight`
	tb.waitFor(t, "the dragged preset's caption, its box as high as before", caption+` === `+ownClustered+` && `+captionBox+` !== ''`)
	tb.mouse(t, chromedp.MouseReleased, to, chromedp.ButtonLeft, chromedp.ClickCount(1))
	tb.waitFor(t, "the drag's end", `__hoplab.memories[0][0] !== `+fmt.Sprint(m0[0]))
	tb.waitFor(t, "the caption's box as high as before", captionBox+` !== '' && `+caption+` === `+ownClustered)

	payload := `{"v": 2, "scenario": {"memories": [[1, 0], [0, 1]], "beta": 3}, "ui": {}}`
	link := "#s=" + base64.RawURLEncoding.EncodeToString([]byte(payload))
	tb.eval(t, fmt.Sprintf(`location.hash = %q`, link), nil)
	tb.waitFor(t, "the link's caption", caption+` === 'Opened from a link: 2 memories, d = 2.' && __hoplab.scenario.beta === 3`)
	// A file the server refuses changes nothing, the caption neither.
	tb.dropFile(t, "maps.json", `{"memories": [[1, 0], [0, 1]], "separations": ["softermax"]}`)
	tb.importMessage(t, "refused")
	var c string
	tb.eval(t, caption, &c)
	if c != "Opened from a link: 2 memories, d = 2." {
		t.Errorf("caption after a refused file: %q", c)
	}
	tb.checkConsole(t, nil)

	// A link opened in a fresh page, a lesson link too.
	lesson := `{"v": 2, "scenario": {"memories": [[1, 0], [0, 1], [-1, 0]], "beta": 3}, "ui": {"lesson": {"hide": ["training"], "lock": []}}}`
	other := openExplorerAt(t, "/#s="+base64.RawURLEncoding.EncodeToString([]byte(lesson)))
	other.waitFor(t, "the lesson link's caption", caption+` === 'Opened from a lesson link: 3 memories, d = 2.'`)
	other.checkConsole(t, nil)
}

// TestExportCSVAfterPlay plays the clustered preset fast, so that the
// session skips the frames of many iterations (and may render others on
// coarser grids), and exports the metrics CSV: every line says where its
// white shares come from, white_source full, coarse or not_rendered; a
// not_rendered line has no white shares, the others have the page's own,
// and the coarse ones are exactly those the page measured on coarse
// grids. The menu says how many of each there are.
func TestExportCSVAfterPlay(t *testing.T) {
	tb := openExplorer(t)
	tb.click(t, "preset-clustered")
	tb.waitFor(t, "the clustered preset", `__hoplab.memories.length === 8 && __hoplab.metrics.t === 0`)
	tb.eval(t, `(() => {
		const s = document.querySelector('[data-testid="speed"]');
		s.value = s.max;
		s.dispatchEvent(new Event('input', {bubbles: true}));
	})()`, nil)
	tb.waitFor(t, "speed 200", `document.querySelector('[data-testid="speed-value"]').textContent === '200 it/s'`)
	tb.click(t, "play")
	tb.waitFor(t, "300 iterations played", `__hoplab.iteration >= 300`)
	tb.click(t, "play")
	tb.waitFor(t, "paused at a full frame", `__hoplab.playing === false && __hoplab.metrics.t === __hoplab.iteration
		&& String(__hoplab.iteration) in (__hoplab.whiteSeries['softmax|input'] || {}) && !__hoplab.whiteCoarse.includes(__hoplab.iteration)`)
	dir := tb.downloadsTo(t)
	e, data := tb.exportFrom(t, dir, "export-csv", "csv")
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", e.Name, err)
	}
	var page struct {
		T      int                           `json:"t"`
		White  map[string]map[string]float64 `json:"white"`
		Coarse []int                         `json:"coarse"`
		Counts map[string]int                `json:"counts"`
		Note   string                        `json:"note"`
	}
	// The menu, open again, says what the CSV holds.
	tb.click(t, "exports-open")
	tb.waitFor(t, "the note on the CSV", `document.querySelector('[data-testid="export-csv-note"]').textContent !== ''`)
	tb.eval(t, `({t: __hoplab.iteration, white: __hoplab.whiteSeries, coarse: __hoplab.whiteCoarse,
		counts: JSON.parse(document.querySelector('[data-testid="exports"]').dataset.lastExport).whiteSources,
		note: document.querySelector('[data-testid="export-csv-note"]').textContent})`, &page)
	head := rows[0]
	if len(head) < 6 || head[4] != "white_source" || len(rows) != page.T+2 {
		t.Fatalf("%s: header %v and %d lines; want white_source in column 5 and a line per iteration 0 … %d", e.Name, head, len(rows)-1, page.T)
	}
	counts := map[string]int{}
	coarse := map[int]bool{}
	for _, it := range page.Coarse {
		coarse[it] = true
	}
	for _, row := range rows[1:] {
		it := row[0]
		src := row[4]
		counts[src]++
		var n int
		fmt.Sscan(it, &n)
		empty := 0
		for k, col := range head[5:] {
			parts := strings.SplitN(strings.TrimPrefix(col, "white_"), "_", 2)
			v, ok := page.White[parts[1]+"|"+parts[0]][it]
			switch {
			case row[5+k] == "":
				empty++
				if ok {
					t.Errorf("t = %s: %s empty in the CSV, %v on the page", it, col, v)
				}
			case !ok || parseNum(t, row[5+k]) != v:
				t.Errorf("t = %s: %s = %s in the CSV, the page has %v (%v)", it, col, row[5+k], v, ok)
			}
		}
		want := "full"
		if empty == len(head)-5 {
			want = "not_rendered"
		} else if coarse[n] {
			want = "coarse"
		}
		if src != want {
			t.Errorf("t = %s: white_source %q, want %q (%d of %d white fields empty, coarse on the page %v)", it, src, want, empty, len(head)-5, coarse[n])
		}
	}
	t.Logf("played to t = %d: white_source %v", page.T, counts)
	if counts["not_rendered"] == 0 {
		t.Errorf("no line is not_rendered after playing 200 it/s to t = %d: the test played no frame away", page.T)
	}
	if counts["full"] == 0 || counts["full"]+counts["coarse"]+counts["not_rendered"] != page.T+1 {
		t.Errorf("white_source counts %v for %d lines", counts, page.T+1)
	}
	for k, n := range counts {
		if page.Counts[k] != n {
			t.Errorf("the export's record counts %v, the CSV %v", page.Counts, counts)
			break
		}
	}
	if !strings.Contains(page.Note, fmt.Sprintf("%d iterations not drawn", counts["not_rendered"])) {
		t.Errorf("the menu's note %q does not say that %d iterations were not drawn", page.Note, counts["not_rendered"])
	}
	tb.screenshot(t, "export-csv-after-play.png")
	tb.checkConsole(t, nil)
}

// TestLessonTypoSaysSo opens a lesson link whose lesson names a control
// that does not exist and gives lock as a word, not a list: the page hides
// what it names rightly, and says what it could not read (it was silent,
// leaving a teacher's locks off without a word).
func TestLessonTypoSaysSo(t *testing.T) {
	payload := `{"v": 2, "scenario": {"memories": [[1, 0], [0, 1], [-1, 0]]}, "ui": {"lesson": {"hide": ["presets", "prestes"], "lock": "play"}}}`
	tb := openExplorerAt(t, "/#s="+base64.RawURLEncoding.EncodeToString([]byte(payload)))
	tb.waitFor(t, "the link's scenario", `__hoplab.frames > 0`)
	time.Sleep(300 * time.Millisecond)
	var got struct {
		Msg           string
		PresetsHidden bool
		PlayEnabled   bool
	}
	tb.eval(t, `({msg: document.querySelector('[data-testid="error"]').textContent,
		presetsHidden: document.querySelector('[data-testid="presets"]').offsetParent === null,
		playEnabled: !document.querySelector('[data-testid="play"]').disabled})`, &got)
	if !strings.Contains(got.Msg, "lesson was read in part") || !strings.Contains(got.Msg, "“prestes”") || !strings.Contains(got.Msg, "lock is not a list") {
		t.Errorf("the error area says %q; want the lesson's typo and lock's word named", got.Msg)
	}
	if !got.PresetsHidden || !got.PlayEnabled {
		t.Errorf("presets hidden %v (want true), play enabled %v (want true: lock was not a list)", got.PresetsHidden, got.PlayEnabled)
	}
}
