package e2e

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// The explorer tests drive the live page (/) against the real server: the
// websocket session, the panels, the transport, the keyboard and the
// parameter checks. They read the page through window.__hoplab and
// data-testid attributes, and wait on conditions, never on time.

// waitTimeout bounds one wait for the page; generous, for a busy 2-core
// machine. The tab's own deadline (browserTimeout) bounds the whole test.
const waitTimeout = 40 * time.Second

// hopMetrics is __hoplab.metrics.
type hopMetrics struct {
	T                 int                `json:"t"`
	Epoch             int                `json:"epoch"`
	Loss              *float64           `json:"loss"`
	DeltaMin          *float64           `json:"deltaMin"`
	MinAngleDeg       *float64           `json:"minAngleDeg"`
	UnlabeledFraction map[string]float64 `json:"unlabeledFraction"`
}

// point is a pair of coordinates.
type point struct {
	X float64 `json:"x"`
	Y float64 `json:"y"`
}

// openExplorer opens the explorer in a fresh browser and waits for the
// first painted frame. It also records every message the page sends on
// its websocket into window.__e2eSent (and the socket into
// window.__e2eSocket), so tests can tell what was sent; the flow
// control acknowledgements (ack) go to window.__e2eAcks instead.
func openExplorer(t testing.TB) *tab {
	t.Helper()
	return openExplorerAt(t, "/")
}

// openExplorerAt is openExplorer for a path with a query or hash.
func openExplorerAt(t testing.TB, path string) *tab {
	t.Helper()
	tb := newTab(t)
	tb.open(t, path)
	tb.eval(t, `(() => {
		window.__e2eSent = [];
		const send = WebSocket.prototype.send;
		WebSocket.prototype.send = function (data) {
			window.__e2eSocket = this;
			if (typeof data === 'string') { const m = JSON.parse(data); if (m.type === 'ack') (window.__e2eAcks ||= []).push(m); else window.__e2eSent.push(m); }
			return send.call(this, data);
		};
	})()`, nil)
	tb.waitFor(t, "the first frame", `window.__hoplab && __hoplab.status === 'live' && __hoplab.frames > 0 && __hoplab.scenario !== null`)
	return tb
}

// eval evaluates a JavaScript expression in the page and decodes its value
// into out (nil: ignore it).
func (tb *tab) eval(t testing.TB, expr string, out any) {
	t.Helper()
	raw, err := chromedp.Run(tb.ctx, chromedp.Evaluate[json.RawMessage](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("evaluate %.80s…: %v", expr, err)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatalf("evaluate %.80s…: decode %s: %v", expr, raw, err)
		}
	}
}

// waitFor polls the page until expr is truthy, or fails the test saying
// what it waited for and what the page showed.
func (tb *tab) waitFor(t testing.TB, what, expr string) {
	t.Helper()
	_, err := chromedp.Run(tb.ctx, chromedp.Poll[chromedp.Void](expr,
		chromedp.WithPollingInterval(25*time.Millisecond), chromedp.WithPollingTimeout(waitTimeout)))
	if err != nil {
		state, _ := chromedp.Run(tb.ctx, chromedp.Evaluate[json.RawMessage](`({status: window.__hoplab?.status,
			t: window.__hoplab?.iteration, frames: window.__hoplab?.frames, playing: window.__hoplab?.playing,
			lastError: window.__hoplab?.lastError, shown: document.querySelector('[data-testid="error"]')?.textContent})`))
		var errs []string
		if msgs, e := tb.console.flush(tb.ctx); e == nil {
			for _, m := range msgs {
				if isError(m) {
					errs = append(errs, m.String())
				}
			}
		}
		t.Fatalf("waiting for %s (%s): %v; page: %s; console errors: %q", what, expr, err, state, errs)
	}
}

// metrics reads __hoplab.metrics.
func (tb *tab) metrics(t *testing.T) hopMetrics {
	t.Helper()
	var m hopMetrics
	tb.eval(t, `__hoplab.metrics`, &m)
	return m
}

// click clicks the element with the data-testid with a real mouse click.
func (tb *tab) click(t testing.TB, testid string) {
	t.Helper()
	if err := chromedp.Do(tb.ctx, chromedp.Click(chromedp.CSS(fmt.Sprintf(`[data-testid=%q]`, testid)), chromedp.NodeVisible)); err != nil {
		t.Fatalf("click %s: %v", testid, err)
	}
}

// key sends one key to the page, with the focus on the page's body.
func (tb *tab) key(t testing.TB, k string) {
	t.Helper()
	if err := chromedp.Do(tb.ctx, chromedp.KeyEvent(k)); err != nil {
		t.Fatalf("key %q: %v", k, err)
	}
}

// blur moves the focus away from any control, to the page itself.
func (tb *tab) blur(t testing.TB) {
	t.Helper()
	tb.eval(t, `document.activeElement && document.activeElement.blur()`, nil)
}

// screenshot writes a PNG of the whole page to e2e/artifacts/name.
func (tb *tab) screenshot(t testing.TB, name string) {
	t.Helper()
	tb.saveScreenshot(t, name, chromedp.FullScreenshot(100))
}

// saveScreenshot writes the PNG that shot takes to e2e/artifacts/name.
func (tb *tab) saveScreenshot(t testing.TB, name string, shot chromedp.Action[[]byte]) {
	t.Helper()
	png, err := chromedp.Run(tb.ctx, shot)
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	if err := os.MkdirAll(artifactsDir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(artifactsDir, name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s (%d bytes)", path, len(png))
}

// waitIteration waits until the page shows iteration it in a painted frame.
func (tb *tab) waitIteration(t *testing.T, it int) {
	t.Helper()
	tb.waitFor(t, fmt.Sprintf("iteration %d", it),
		fmt.Sprintf(`__hoplab.iteration === %d && __hoplab.metrics && __hoplab.metrics.t === %d && !__hoplab.playing`, it, it))
}

func TestExplorerLoads(t *testing.T) {
	tb := openExplorer(t)

	// Two views of three maps for the default preset.
	var cells []string
	tb.eval(t, `[...document.querySelectorAll('canvas[data-testid^="canvas-"]')].map(c => c.dataset.testid)`, &cells)
	want := []string{"canvas-input-0", "canvas-input-1", "canvas-input-2", "canvas-feature-0", "canvas-feature-1", "canvas-feature-2"}
	if strings.Join(cells, ",") != strings.Join(want, ",") {
		t.Errorf("canvases %v, want %v", cells, want)
	}
	var headings []string
	tb.eval(t, `[...document.querySelectorAll('.cell-title')].slice(0, 3).map(h => h.textContent)`, &headings)
	if strings.Join(headings, "|") != "softmax (α = 1)|1.5-entmax (α = 1.5)|sparsemax (α = 2)" {
		t.Errorf("panel headings %q", headings)
	}
	var status string
	tb.eval(t, `document.querySelector('[data-testid="status"]').textContent`, &status)
	if status != "live" {
		t.Errorf("status shows %q, want live", status)
	}
	// The permalink follows the session.
	tb.waitFor(t, "the permalink in the hash", `location.hash.startsWith('#s=')`)
	// Presets from the hello.
	tb.waitFor(t, "the preset buttons", `document.querySelector('[data-testid="preset-clustered"]') !== null`)
	// Charts got the metrics.
	tb.waitFor(t, "the charts", `document.querySelectorAll('[data-testid^="chart-"] canvas').length >= 3`)

	tb.screenshot(t, "explorer.png")
	// What a 1280×900 window shows without scrolling.
	tb.saveScreenshot(t, "explorer-viewport.png", chromedp.CaptureScreenshot())
	tb.checkConsole(t, nil)
}

// canvasPixels keeps a copy of the input softmax panel's pixels in the
// page under name, and returns its size.
func (tb *tab) canvasPixels(t *testing.T, name string) int {
	t.Helper()
	var n int
	tb.eval(t, fmt.Sprintf(`(() => {
		const c = document.querySelector('[data-testid="canvas-input-0"]');
		// Read through a copy made for reading, so the page's own canvas
		// keeps its GPU-friendly mode (and Chromium does not warn).
		const copy = document.createElement('canvas');
		copy.width = c.width;
		copy.height = c.height;
		const ctx = copy.getContext('2d', {willReadFrequently: true});
		ctx.drawImage(c, 0, 0);
		const d = ctx.getImageData(0, 0, c.width, c.height).data;
		(window.__e2ePixels ||= {})[%q] = new Uint8ClampedArray(d);
		return d.length / 4;
	})()`, name), &n)
	return n
}

// pixelsChanged counts the pixels that differ between two copies.
func (tb *tab) pixelsChanged(t *testing.T, a, b string) int {
	t.Helper()
	var n int
	tb.eval(t, fmt.Sprintf(`(() => {
		const a = window.__e2ePixels[%q], b = window.__e2ePixels[%q];
		if (a.length !== b.length) return -1;
		let n = 0;
		for (let i = 0; i < a.length; i += 4) {
			if (Math.abs(a[i] - b[i]) + Math.abs(a[i + 1] - b[i + 1]) + Math.abs(a[i + 2] - b[i + 2]) > 24) n++;
		}
		return n;
	})()`, a, b), &n)
	return n
}

func TestExplorerDragMemory(t *testing.T) {
	tb := openExplorer(t)

	var mems [][2]float64
	tb.eval(t, `__hoplab.memories`, &mems)
	if len(mems) < 2 {
		t.Fatalf("memories %v, want the clustered preset's 8", mems)
	}
	before := tb.metrics(t)
	var epoch int
	tb.eval(t, `__hoplab.epoch`, &epoch)
	size := tb.canvasPixels(t, "before")

	// Drag memory 0 to the other side of the circle (memories are
	// normalised, so it lands on the unit circle in that direction).
	m0 := mems[0]
	target := [2]float64{-0.9 * m0[0], -0.9 * m0[1]}
	var from, to point
	tb.eval(t, fmt.Sprintf(`__hoplab.toClient(%g, %g)`, m0[0], m0[1]), &from)
	tb.eval(t, fmt.Sprintf(`__hoplab.toClient(%g, %g)`, target[0], target[1]), &to)
	steps := []chromedp.Action[chromedp.Void]{
		chromedp.MouseEvent(chromedp.MouseMoved, from.X, from.Y),
		chromedp.MouseEvent(chromedp.MousePressed, from.X, from.Y, chromedp.ButtonLeft, chromedp.ClickCount(1), withButtons(1)),
	}
	const n = 12
	for i := 1; i <= n; i++ {
		f := float64(i) / n
		steps = append(steps, chromedp.MouseEvent(chromedp.MouseMoved, from.X+f*(to.X-from.X), from.Y+f*(to.Y-from.Y), chromedp.ButtonLeft, withButtons(1)))
	}
	steps = append(steps, chromedp.MouseEvent(chromedp.MouseReleased, to.X, to.Y, chromedp.ButtonLeft, chromedp.ClickCount(1)))
	if err := chromedp.Do(tb.ctx, steps...); err != nil {
		t.Fatalf("drag: %v", err)
	}

	// The memory follows the pointer: unit length, towards the target.
	want := [2]float64{-m0[0] / math.Hypot(m0[0], m0[1]), -m0[1] / math.Hypot(m0[0], m0[1])}
	tb.waitFor(t, "memory 0 at the drop point", fmt.Sprintf(
		`(() => { const m = __hoplab.memories[0]; return m && Math.hypot(m[0] - (%g), m[1] - (%g)) < 0.02; })()`, want[0], want[1]))
	tb.waitFor(t, "a new epoch painted", fmt.Sprintf(`__hoplab.epoch > %d && __hoplab.metrics.epoch === __hoplab.epoch`, epoch))

	var after [][2]float64
	tb.eval(t, `__hoplab.memories`, &after)
	if len(after) != len(mems) {
		t.Errorf("%d memories after the drag, want %d", len(after), len(mems))
	}
	for i := 1; i < len(mems) && i < len(after); i++ {
		if math.Hypot(after[i][0]-mems[i][0], after[i][1]-mems[i][1]) > 1e-9 {
			t.Errorf("memory %d moved from %v to %v; only memory 0 was dragged", i, mems[i], after[i])
		}
	}

	// The basins moved: many pixels of the panel changed, and so did the
	// unlabeled fractions.
	tb.canvasPixels(t, "after")
	changed := tb.pixelsChanged(t, "before", "after")
	if changed < size/50 {
		t.Errorf("%d of %d pixels changed after the drag, want at least 2%%", changed, size)
	}
	am := tb.metrics(t)
	same := true
	for k, v := range before.UnlabeledFraction {
		if am.UnlabeledFraction[k] != v {
			same = false
		}
	}
	if same {
		t.Errorf("unlabeled fractions unchanged by the drag: %v", am.UnlabeledFraction)
	}
	t.Logf("drag: %d of %d pixels changed; unlabeled %v → %v", changed, size, before.UnlabeledFraction, am.UnlabeledFraction)

	// Only coalesced moves went out, and the last one is the drop point.
	var moves []struct {
		X float64 `json:"x"`
		Y float64 `json:"y"`
	}
	tb.eval(t, `__e2eSent.filter(m => m.type === 'move')`, &moves)
	if len(moves) == 0 || len(moves) > n+1 {
		t.Errorf("%d move messages for a drag of %d steps", len(moves), n)
	}

	tb.screenshot(t, "explorer-drag.png")
	tb.checkConsole(t, nil)
}

// withButtons sets the buttons held during a mouse event.
func withButtons(b int64) chromedp.MouseOption {
	return func(p *input.DispatchMouseEventParams) { p.Buttons = b }
}

func TestExplorerPlayRaisesMinAngle(t *testing.T) {
	tb := openExplorer(t)
	tb.click(t, "preset-clustered")
	tb.waitFor(t, "the clustered preset", `__hoplab.memories.length === 8 && __hoplab.metrics.t === 0`)
	start := tb.metrics(t)
	if start.T != 0 || start.MinAngleDeg == nil {
		t.Fatalf("start metrics %+v, want t = 0 with a minimum angle", start)
	}

	// Fast: the speed slider to its top (200 it/s).
	tb.eval(t, `(() => {
		const s = document.querySelector('[data-testid="speed"]');
		s.value = s.max;
		s.dispatchEvent(new Event('input', {bubbles: true}));
	})()`, nil)
	tb.waitFor(t, "speed 200", `document.querySelector('[data-testid="speed-value"]').textContent === '200 it/s'`)
	tb.click(t, "play")
	tb.waitFor(t, "playing", `__hoplab.playing === true`)
	var label string
	tb.eval(t, `document.querySelector('[data-testid="play"]').textContent`, &label)
	if !strings.Contains(label, "pause") {
		t.Errorf("play button says %q while playing, want pause", label)
	}
	// The clustered preset's minimum angle stays near 10° for about 80
	// iterations (dipping to 7.6° near t = 15), climbs past 24° by t = 105
	// and settles near 27.5° (25.8° at t = 150).
	tb.waitFor(t, "150 iterations and a minimum angle 5° larger", fmt.Sprintf(`__hoplab.iteration >= 150 && __hoplab.metrics.minAngleDeg > %g`, *start.MinAngleDeg+5))
	tb.click(t, "play")
	tb.waitFor(t, "paused", `__hoplab.playing === false && __hoplab.metrics.t === __hoplab.iteration`)

	end := tb.metrics(t)
	t.Logf("play: t %d → %d, min angle %.2f° → %.2f°", start.T, end.T, *start.MinAngleDeg, *end.MinAngleDeg)
	if end.T < 150 {
		t.Errorf("iteration %d after playing, want ≥ 150", end.T)
	}
	if *end.MinAngleDeg <= *start.MinAngleDeg+5 {
		t.Errorf("minimum angle %.2f° after playing to t = %d, want > %.2f°", *end.MinAngleDeg, end.T, *start.MinAngleDeg+5)
	}
	var iterText string
	tb.eval(t, `document.querySelector('[data-testid="iteration"]').textContent`, &iterText)
	if !strings.HasPrefix(iterText, "t = ") {
		t.Errorf("iteration label %q", iterText)
	}
	tb.screenshot(t, "explorer-play.png")
	tb.checkConsole(t, nil)
}

func TestExplorerStepBack(t *testing.T) {
	tb := openExplorer(t)
	tb.click(t, "step")
	tb.waitIteration(t, 1)
	tb.click(t, "step")
	tb.waitIteration(t, 2)
	at2 := tb.metrics(t)
	tb.click(t, "step")
	tb.waitIteration(t, 3)
	at3 := tb.metrics(t)
	if *at3.Loss == *at2.Loss && *at3.MinAngleDeg == *at2.MinAngleDeg {
		t.Errorf("iterations 2 and 3 have the same metrics %+v; stepping did nothing", at3)
	}
	tb.click(t, "back")
	tb.waitIteration(t, 2)
	back := tb.metrics(t)
	if *back.Loss != *at2.Loss || *back.DeltaMin != *at2.DeltaMin || *back.MinAngleDeg != *at2.MinAngleDeg {
		t.Errorf("back at t = 2: loss %v Δmin %v angle %v, want exactly %v %v %v",
			*back.Loss, *back.DeltaMin, *back.MinAngleDeg, *at2.Loss, *at2.DeltaMin, *at2.MinAngleDeg)
	}
	for k, v := range at2.UnlabeledFraction {
		if back.UnlabeledFraction[k] != v {
			t.Errorf("back at t = 2: unlabeled %s %v, want exactly %v", k, back.UnlabeledFraction[k], v)
		}
	}
	tb.checkConsole(t, nil)
}

func TestExplorerKeyboard(t *testing.T) {
	tb := openExplorer(t)
	tb.blur(t)

	tb.key(t, kb.ArrowRight)
	tb.waitIteration(t, 1)
	tb.key(t, kb.ArrowRight)
	tb.waitIteration(t, 2)
	tb.key(t, kb.ArrowLeft)
	tb.waitIteration(t, 1)

	tb.key(t, " ")
	tb.waitFor(t, "playing after Space", `__hoplab.playing === true && __hoplab.iteration > 1`)
	tb.key(t, " ")
	tb.waitFor(t, "paused after Space", `__hoplab.playing === false`)

	tb.key(t, "r")
	tb.waitIteration(t, 0)

	// Keys typed into a text box are the box's: Space and → there neither
	// play nor step.
	tb.eval(t, `window.__e2eSent.length = 0`, nil)
	if err := chromedp.Do(tb.ctx, chromedp.Focus(chromedp.CSS(`[data-testid="param-tau"]`)), chromedp.KeyEvent(" "+kb.ArrowRight+kb.ArrowLeft+"r")); err != nil {
		t.Fatal(err)
	}
	tb.blur(t) // a change of the box may go out now, but nothing else
	var sent []string
	tb.eval(t, `__e2eSent.map(m => m.type)`, &sent)
	for _, typ := range sent {
		if typ != "patch" {
			t.Errorf("keys typed into a text box sent %q", typ)
		}
	}
	tb.checkConsole(t, nil)
}

// fieldState is what a parameter control shows.
type fieldState struct {
	Invalid string `json:"invalid"`
	Error   string `json:"error"`
	Visible bool   `json:"visible"`
	Outline string `json:"outline"`
	Value   string `json:"value"`
}

func (tb *tab) field(t *testing.T, name string) fieldState {
	t.Helper()
	var f fieldState
	tb.eval(t, fmt.Sprintf(`(() => {
		const c = document.querySelector('[data-testid="param-%s"]');
		const e = c.closest('.field').querySelector('[data-testid="param-error"]');
		const r = e.getBoundingClientRect();
		return {invalid: c.getAttribute('aria-invalid') || '', error: e.textContent, visible: r.width > 0 && r.height > 0,
			outline: getComputedStyle(c).outlineColor, value: c.value};
	})()`, name), &f)
	return f
}

// choose picks an option of a drop-down, as a person does: the value and
// its change event at once.
func (tb *tab) choose(t *testing.T, testid, value string) {
	t.Helper()
	tb.eval(t, fmt.Sprintf(`(() => {
		const s = document.querySelector('[data-testid=%q]');
		s.value = %q;
		s.dispatchEvent(new Event('change', {bubbles: true}));
	})()`, testid, value), nil)
}

// typeInto replaces the text of a control and presses Enter.
func (tb *tab) typeInto(t *testing.T, testid, text string) {
	t.Helper()
	sel := chromedp.CSS(fmt.Sprintf(`[data-testid=%q]`, testid))
	if err := chromedp.Do(tb.ctx,
		chromedp.Focus(sel),
		chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.querySelector('[data-testid=%q]').select()`, testid)),
		chromedp.KeyEvent(kb.Delete),
		chromedp.SendKeys(sel, text+kb.Enter),
	); err != nil {
		t.Fatalf("type %q into %s: %v", text, testid, err)
	}
}

func TestExplorerRefusesBadValues(t *testing.T) {
	tb := openExplorer(t)
	var beta float64
	tb.eval(t, `__hoplab.scenario.beta`, &beta)

	for _, bad := range []string{"-3", "abc", "0"} {
		tb.eval(t, `window.__e2eSent.length = 0`, nil)
		tb.typeInto(t, "param-beta", bad)
		tb.waitFor(t, "β refused", `document.querySelector('[data-testid="param-beta"]').getAttribute('aria-invalid') === 'true'`)
		f := tb.field(t, "beta")
		if f.Error == "" || !f.Visible {
			t.Errorf("β = %q: error text %q (visible %v), want a visible message", bad, f.Error, f.Visible)
		}
		if f.Value != bad {
			t.Errorf("β = %q: the box shows %q, want the refused text kept", bad, f.Value)
		}
		if f.Outline != "rgb(198, 40, 40)" {
			t.Errorf("β = %q: outline colour %s, want the error red", bad, f.Outline)
		}
		var sent []json.RawMessage
		tb.eval(t, `__e2eSent`, &sent)
		if len(sent) != 0 {
			t.Errorf("β = %q: the page sent %s", bad, sent)
		}
		var now float64
		tb.eval(t, `__hoplab.scenario.beta`, &now)
		if now != beta {
			t.Errorf("β = %q: the scenario's β changed to %v", bad, now)
		}
		if bad == "abc" {
			tb.eval(t, `document.querySelector('[data-testid="param-beta"]').scrollIntoView({block: 'center'})`, nil)
			tb.saveScreenshot(t, "explorer-error.png", chromedp.CaptureScreenshot())
		}
	}

	// Steps must be a whole number ≥ 1.
	tb.typeInto(t, "param-steps", "2.5")
	tb.waitFor(t, "steps refused", `document.querySelector('[data-testid="param-steps"]').getAttribute('aria-invalid') === 'true'`)

	// A good value clears the error and goes out as a patch.
	tb.eval(t, `window.__e2eSent.length = 0`, nil)
	tb.typeInto(t, "param-beta", "5")
	tb.waitFor(t, "β = 5 in the scenario", `__hoplab.scenario.beta === 5`)
	f := tb.field(t, "beta")
	if f.Invalid != "" || f.Error != "" {
		t.Errorf("after β = 5: aria-invalid %q, error %q; want both cleared", f.Invalid, f.Error)
	}
	var patches []json.RawMessage
	tb.eval(t, `__e2eSent.filter(m => m.type === 'patch').map(m => m.scenario)`, &patches)
	if len(patches) != 1 || string(patches[0]) != `{"beta":5}` {
		t.Errorf("patches sent %s, want one {\"beta\":5}", patches)
	}
	tb.checkConsole(t, nil)
}

// mouse sends one mouse event at client (x, y).
func (tb *tab) mouse(t testing.TB, typ input.DispatchMouseEventType, p point, opts ...chromedp.MouseOption) {
	t.Helper()
	if err := chromedp.Do(tb.ctx, chromedp.MouseEvent(typ, p.X, p.Y, opts...)); err != nil {
		t.Fatalf("mouse %s at %v: %v", typ, p, err)
	}
}

// toClient maps input-space (x, y) to client pixels on the main canvas.
func (tb *tab) toClient(t testing.TB, x, y float64) point {
	t.Helper()
	var p point
	tb.eval(t, fmt.Sprintf(`__hoplab.toClient(%g, %g)`, x, y), &p)
	return p
}

func TestExplorerHoverAndProbe(t *testing.T) {
	tb := openExplorer(t)
	at := tb.toClient(t, 0.4, -0.7)
	tb.mouse(t, chromedp.MouseMoved, at)
	tb.waitFor(t, "the readout", `document.querySelectorAll('[data-testid="readout"] tbody tr').length === 3`)
	var readout struct {
		X, Y    string
		Energy  []string
		Basin   []string
		Support []string
	}
	tb.eval(t, `(() => {
		const r = document.querySelector('[data-testid="readout"]');
		const col = (f) => [...r.querySelectorAll('td[data-field="' + f + '"]')].map(td => td.textContent);
		return {x: r.querySelector('[data-field="x"]').textContent, y: r.querySelector('[data-field="y"]').textContent,
			energy: col('energy'), basin: col('basin'), support: col('support')};
	})()`, &readout)
	for i := range 3 {
		if _, err := fmt.Sscan(strings.ReplaceAll(readout.Energy[i], "−", "-"), new(float64)); err != nil {
			t.Errorf("readout energy %q of map %d is not a number", readout.Energy[i], i)
		}
		if b := readout.Basin[i]; b != "none" && !strings.HasPrefix(b, "memory ") {
			t.Errorf("readout basin %q of map %d, want none or memory i", b, i)
		}
	}
	if math.Abs(parseNum(t, readout.X)-0.4) > 0.05 || math.Abs(parseNum(t, readout.Y)+0.7) > 0.05 {
		t.Errorf("readout at (%s, %s), want near (0.4, −0.7)", readout.X, readout.Y)
	}

	// Shift+click traces the query: one path per map, step by step.
	tb.mouse(t, chromedp.MousePressed, at, chromedp.ButtonLeft, chromedp.ClickCount(1), withButtons(1), chromedp.ButtonModifiers(chromedp.ModifierShift))
	tb.mouse(t, chromedp.MouseReleased, at, chromedp.ButtonLeft, chromedp.ClickCount(1), chromedp.ButtonModifiers(chromedp.ModifierShift))
	tb.waitFor(t, "the probe path", `document.querySelectorAll('[data-testid="probe-path"] details').length === 3`)
	var rows []int
	tb.eval(t, `[...document.querySelectorAll('[data-testid="probe-path"] details')].map(d => d.querySelectorAll('tbody tr').length)`, &rows)
	var steps int
	tb.eval(t, `__hoplab.scenario.retrieval.steps`, &steps)
	for i, n := range rows {
		if n < 2 || n > steps+1 {
			t.Errorf("probe path %d has %d rows, want 2 … %d (the query and its updates)", i, n, steps+1)
		}
	}

	// A new iteration traces the query again.
	tb.eval(t, `window.__e2eSent.length = 0`, nil)
	tb.click(t, "step")
	tb.waitIteration(t, 1)
	tb.waitFor(t, "the probe sent again", `__e2eSent.some(m => m.type === 'probe')`)
	tb.screenshot(t, "explorer-probe.png")
	tb.checkConsole(t, nil)
}

// parseNum parses a number as the page writes it.
func parseNum(t *testing.T, s string) float64 {
	t.Helper()
	var v float64
	if _, err := fmt.Sscan(strings.ReplaceAll(s, "−", "-"), &v); err != nil {
		t.Fatalf("%q is not a number", s)
	}
	return v
}

func TestExplorerPresetsAndEditing(t *testing.T) {
	tb := openExplorer(t)

	tb.click(t, "preset-antipodal")
	tb.waitFor(t, "the antipodal pair", `__hoplab.memories.length === 2 && __hoplab.frames > 0`)

	// Double-click on empty space adds a memory there.
	p := tb.toClient(t, 0, 1)
	tb.mouse(t, chromedp.MouseMoved, p)
	tb.mouse(t, chromedp.MousePressed, p, chromedp.ButtonLeft, chromedp.ClickCount(1), withButtons(1))
	tb.mouse(t, chromedp.MouseReleased, p, chromedp.ButtonLeft, chromedp.ClickCount(1))
	tb.mouse(t, chromedp.MousePressed, p, chromedp.ButtonLeft, chromedp.ClickCount(2), withButtons(1))
	tb.mouse(t, chromedp.MouseReleased, p, chromedp.ButtonLeft, chromedp.ClickCount(2))
	tb.waitFor(t, "a third memory", `__hoplab.memories.length === 3`)

	// Click selects it; Delete removes it.
	tb.mouse(t, chromedp.MousePressed, p, chromedp.ButtonLeft, chromedp.ClickCount(1), withButtons(1))
	tb.mouse(t, chromedp.MouseReleased, p, chromedp.ButtonLeft, chromedp.ClickCount(1))
	tb.waitFor(t, "memory 2 selected", `__hoplab.selected === 2`)
	tb.blur(t)
	tb.key(t, kb.Delete)
	tb.waitFor(t, "memory 2 removed", `__hoplab.memories.length === 2 && __hoplab.selected === null`)

	// The random preset takes its seed from the seed box, checked first.
	tb.typeInto(t, "preset-seed", "x1")
	tb.waitFor(t, "the seed refused", `document.querySelector('[data-testid="preset-seed"]').getAttribute('aria-invalid') === 'true'`)
	tb.typeInto(t, "preset-seed", "7")
	tb.waitFor(t, "the seed accepted", `!document.querySelector('[data-testid="preset-seed"]').hasAttribute('aria-invalid')`)
	tb.click(t, "preset-random")
	tb.waitFor(t, "the random preset with seed 7", `__hoplab.scenario.featureMap.seed === 7 && __hoplab.memories.length === 8`)
	tb.checkConsole(t, nil)
}

func TestExplorerViewsAndParams(t *testing.T) {
	tb := openExplorer(t)

	// Only the feature view: the frames carry one view, the grid one row.
	tb.click(t, "param-view-input")
	tb.waitFor(t, "the input row gone", `document.querySelector('[data-testid="canvas-input-0"]') === null && document.querySelector('[data-testid="canvas-feature-0"]') !== null`)
	// The last view cannot be switched off.
	tb.click(t, "param-view-feature")
	tb.waitFor(t, "the last view kept", `document.querySelector('[data-testid="param-view-feature"]').checked && document.querySelector('[data-error-for="views"]').textContent !== ''`)
	tb.click(t, "param-view-input")
	tb.waitFor(t, "both views back", `document.querySelectorAll('canvas[data-testid^="canvas-"]').length === 6`)

	// Two maps: two columns.
	tb.click(t, "param-separation-entmax15")
	tb.waitFor(t, "two maps", `__hoplab.scenario.separations.join() === 'softmax,sparsemax' && document.querySelectorAll('canvas[data-testid^="canvas-input-"]').length === 2`)

	// A coarser grid, SGD and the paper's loss, live.
	tb.choose(t, "param-grid", "64")
	tb.choose(t, "param-optimizer", "sgd")
	tb.waitFor(t, "a 64×64 grid and SGD", `__hoplab.scenario.view.grid.nx === 64 && __hoplab.scenario.view.grid.ny === 64 && __hoplab.scenario.uhop.optimizer === 'sgd'`)
	tb.waitFor(t, "momentum enabled for SGD", `!document.querySelector('[data-testid="param-momentum"]').disabled`)

	// A server error about a field shows next to its control.
	tb.eval(t, `__e2eSocket.send(JSON.stringify({type: 'patch', scenario: {uhop: {tau: -1}}, seq: 4000000000}))`, nil)
	tb.waitFor(t, "the server's error next to τ", `document.querySelector('[data-testid="param-tau"]').getAttribute('aria-invalid') === 'true' && document.querySelector('[data-error-for="tau"]').textContent !== ''`)
	var tau float64
	tb.eval(t, `__hoplab.scenario.uhop.tau`, &tau)
	if tau <= 0 {
		t.Errorf("τ = %v after a refused patch", tau)
	}
	tb.eval(t, `document.querySelector('[data-testid="param-tau"]').scrollIntoView({block: 'center'})`, nil)
	tb.saveScreenshot(t, "explorer-params.png", chromedp.CaptureScreenshot())

	// An error about no control goes to the general area, until dismissed
	// or until a later message is applied.
	tb.eval(t, `__e2eSocket.send(JSON.stringify({type: 'step', seq: 4000000001, steps: 2}))`, nil)
	tb.waitFor(t, "the general error", `!document.querySelector('[data-testid="error-box"]').hidden && document.querySelector('[data-testid="error"]').textContent.includes('steps')`)
	tb.click(t, "error-dismiss")
	tb.waitFor(t, "the general error dismissed", `document.querySelector('[data-testid="error-box"]').hidden`)
	tb.checkConsole(t, nil)
}

func TestExplorerPermalinkAndReconnect(t *testing.T) {
	tb := openExplorer(t)
	tb.click(t, "step")
	tb.waitIteration(t, 1)
	tb.click(t, "step")
	tb.waitIteration(t, 2)
	tb.typeInto(t, "param-beta", "7")
	tb.waitFor(t, "β = 7", `__hoplab.scenario.beta === 7`)
	at2 := tb.metrics(t)

	// The websocket drops: the page reconnects and restores the session.
	var epoch int
	tb.eval(t, `__hoplab.epoch`, &epoch)
	tb.eval(t, `__e2eSocket.close()`, nil)
	tb.waitFor(t, "the reconnect", `__hoplab.status !== 'live'`)
	tb.waitFor(t, "live again at t = 2", `__hoplab.status === 'live' && __hoplab.iteration === 2 && __hoplab.scenario.beta === 7 && __hoplab.metrics.t === 2`)
	after := tb.metrics(t)
	if *after.MinAngleDeg != *at2.MinAngleDeg || *after.Loss != *at2.Loss {
		t.Errorf("after the reconnect: loss %v angle %v, want %v %v", *after.Loss, *after.MinAngleDeg, *at2.Loss, *at2.MinAngleDeg)
	}

	// The link opens the same scenario at the same iteration elsewhere.
	tb.waitFor(t, "the permalink", `(() => { try { const s = JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(location.hash.slice(3).replace(/-/g, '+').replace(/_/g, '/')), c => c.charCodeAt(0)))); return s.scenario.beta === 7 && s.scenario.uhop.iterations === 2; } catch (e) { return false; } })()`)
	var hash string
	tb.eval(t, `location.hash`, &hash)
	other := openExplorerAt(t, "/"+hash)
	other.waitFor(t, "the linked scenario", `__hoplab.scenario.beta === 7 && __hoplab.iteration === 2 && __hoplab.metrics.t === 2`)
	linked := other.metrics(t)
	if *linked.MinAngleDeg != *at2.MinAngleDeg || *linked.Loss != *at2.Loss {
		t.Errorf("linked page: loss %v angle %v, want %v %v", *linked.Loss, *linked.MinAngleDeg, *at2.Loss, *at2.MinAngleDeg)
	}
	tb.checkConsole(t, nil)
	other.checkConsole(t, nil)
}

func TestExplorerHelpTips(t *testing.T) {
	tb := openExplorer(t)
	// A headless window never has the focus; pretend it has, so that
	// :focus-visible matches as in a real window.
	if _, err := chromedp.Call(tb.ctx, emulation.SetFocusEmulationEnabled, emulation.SetFocusEmulationEnabledParams{Enabled: true}); err != nil {
		t.Fatalf("focus emulation: %v", err)
	}
	// Every control names a help text; keyboard focus shows it.
	var missing []string
	tb.eval(t, `[...document.querySelectorAll('.ctl, .link-button')].filter(c => {
		const ids = (c.getAttribute('aria-describedby') || '').split(' ');
		const help = ids.map(id => document.getElementById(id)).find(e => e && e.classList.contains('help'));
		return !help || help.textContent.trim() === '' || !c.title;
	}).map(c => c.dataset.testid || c.id)`, &missing)
	if len(missing) > 0 {
		t.Errorf("controls without a help text and title: %v", missing)
	}
	var ids []string
	tb.eval(t, `[...document.querySelectorAll('.ctl, .link-button')].filter(c => !c.disabled && c.offsetParent !== null).map(c => c.dataset.testid)`, &ids)
	if len(ids) < 20 {
		t.Errorf("only %d enabled controls: %v", len(ids), ids)
	}
	for _, id := range ids {
		var shown bool
		tb.eval(t, fmt.Sprintf(`(() => {
			const c = document.querySelector('[data-testid=%q]');
			c.focus({focusVisible: true});
			const id = c.getAttribute('aria-describedby').split(' ')[0];
			return getComputedStyle(document.getElementById(id)).display !== 'none';
		})()`, id), &shown)
		if !shown {
			t.Errorf("focusing %s does not show its help", id)
		}
	}
	tb.blur(t)

	// Hovering shows it too.
	tb.eval(t, `window.scrollTo(0, 0)`, nil)
	var box struct{ X, Y, W, H float64 }
	tb.eval(t, `(() => { const r = document.querySelector('[data-testid="reseed"]').getBoundingClientRect(); return {x: r.x, y: r.y, w: r.width, h: r.height}; })()`, &box)
	tb.mouse(t, chromedp.MouseMoved, point{box.X + box.W/2, box.Y + box.H/2})
	tb.waitFor(t, "the help of reseed on hover", `getComputedStyle(document.getElementById('help-reseed')).display !== 'none'`)
	// And a tip in the side column, for the screenshot.
	tb.eval(t, `document.querySelector('[data-testid="param-tau"]').focus()`, nil)
	tb.waitFor(t, "the tips faded in", `getComputedStyle(document.getElementById('help-reseed')).opacity === '1' && getComputedStyle(document.getElementById('help-tau')).opacity === '1'`)
	tb.saveScreenshot(t, "explorer-help.png", chromedp.CaptureScreenshot())
	tb.checkConsole(t, nil)
}

func TestExplorerExport(t *testing.T) {
	tb := openExplorer(t)
	tb.click(t, "step")
	tb.waitIteration(t, 1)
	// Keep the file in the page instead of downloading it.
	tb.eval(t, `(() => {
		const create = URL.createObjectURL;
		URL.createObjectURL = (b) => { window.__e2eBlob = b; return create(b); };
		HTMLAnchorElement.prototype.click = function () {};
	})()`, nil)
	tb.click(t, "export")
	tb.waitFor(t, "the exported file", `window.__e2eBlob !== undefined`)
	var res struct {
		Status     int  `json:"status"`
		Iterations int  `json:"iterations"`
		HasUI      bool `json:"hasUI"`
		Trajectory int  `json:"trajectory"`
	}
	tb.eval(t, `(async () => {
		const text = await __e2eBlob.text();
		const sc = JSON.parse(text);
		const r = await fetch('/api/v1/run', {method: 'POST', headers: {'Content-Type': 'application/json'}, body: text});
		const body = await r.json();
		return {status: r.status, iterations: sc.uhop.iterations, hasUI: typeof sc.ui === 'object', trajectory: (body.trajectory || []).length};
	})()`, &res)
	if res.Status != 200 || res.Iterations != 1 || !res.HasUI || res.Trajectory != 2 {
		t.Errorf("exported scenario: POST /api/v1/run status %d, uhop.iterations %d, ui %v, trajectory %d; want 200, 1, true, 2",
			res.Status, res.Iterations, res.HasUI, res.Trajectory)
	}
	tb.checkConsole(t, nil)
}

func TestExplorerBadLinks(t *testing.T) {
	// A hash that holds no scenario: the default preset, and a message.
	tb := openExplorerAt(t, "/#s=e30") // base64url of {}
	tb.waitFor(t, "the default preset", `__hoplab.memories.length === 5`)
	var msg string
	tb.eval(t, `document.querySelector('[data-testid="error"]').textContent`, &msg)
	if !strings.Contains(msg, "link") {
		t.Errorf("general error %q, want it to say the link is unreadable", msg)
	}
	tb.checkConsole(t, nil)

	// A scenario the server refuses: the default preset, and its reason.
	link := `{"scenario":{"memories":[[1,0],[0,1]],"beta":-1}}`
	var hash string
	tb.eval(t, fmt.Sprintf(`btoa(%q).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')`, link), &hash)
	other := openExplorerAt(t, "/#s="+hash)
	other.waitFor(t, "the default preset after a refused link", `__hoplab.memories.length === 5 && document.querySelector('[data-testid="error"]').textContent.includes('refused')`)
	other.checkConsole(t, nil)
}

// TestExplorerDeepLink opens a link to the clustered preset at iteration
// 150: the page computes the trajectory up to it and paints that frame, with
// the memories spread from 10° to more than 20°.
func TestExplorerDeepLink(t *testing.T) {
	mem := make([]string, 8)
	for i := range mem {
		a := float64(i) * 10 * math.Pi / 180
		mem[i] = fmt.Sprintf("[%v, %v]", math.Cos(a), math.Sin(a))
	}
	link := fmt.Sprintf(`{"scenario": {"memories": [%s], "beta": 20,
		"featureMap": {"dim": 2, "affine": true, "init": "identity"},
		"uhop": {"iterations": 150, "optimizer": "adam", "lr": 0.02, "tau": 0.1, "loss": "pairs"},
		"view": {"grid": {"nx": 128, "ny": 128, "xmin": -1.5, "xmax": 1.5, "ymin": -1.5, "ymax": 1.5}}},
		"ui": {"views": ["input", "feature"], "speed": 10, "basinOpacity": 0.5}}`, strings.Join(mem, ", "))
	tb := openExplorerAt(t, "/#s="+base64.RawURLEncoding.EncodeToString([]byte(link)))
	tb.waitIteration(t, 150)
	if m := tb.metrics(t); m.MinAngleDeg == nil || *m.MinAngleDeg <= 20 {
		t.Errorf("at t = 150 the minimum angle is %v, want more than 20°", m.MinAngleDeg)
	}
	tb.screenshot(t, "explorer-clustered-150.png")
	tb.checkConsole(t, nil)
}

// TestExplorerReadmeShot steps the landing preset, the paper's basins
// figure, to its row N = 5: white metastable regions beside coloured
// basins, energy contours, the feature code on the circle. Its screenshot
// is the README's.
func TestExplorerReadmeShot(t *testing.T) {
	tb := openExplorer(t)
	tb.blur(t)
	for range 5 {
		tb.key(t, kb.ArrowRight)
	}
	tb.waitIteration(t, 5)
	tb.saveScreenshot(t, "explorer-readme.png", chromedp.FullScreenshot(100))
	tb.checkConsole(t, nil)
}

// TestExplorerDiverged opens a link to a scenario whose SGD steps leave
// the float64 range (issue 8): the page shows the last finite iteration,
// says why in the general area and next to the learning rate, plots no
// non-finite number, and the session keeps working.
func TestExplorerDiverged(t *testing.T) {
	link := `{"scenario": {"memories": [[1,0],[0.9,0.3],[0.8,-0.4]], "featureMap": {"affine": true},
		"uhop": {"iterations": 104, "optimizer": "sgd", "lr": 1000, "momentum": 1000},
		"view": {"grid": {"nx": 32, "ny": 32}}}}`
	tb := openExplorerAt(t, "/#s="+base64.RawURLEncoding.EncodeToString([]byte(link)))
	tb.waitFor(t, "the divergence error", `__hoplab.lastError && __hoplab.lastError.code === 'diverged'`)
	var e struct {
		Iteration int    `json:"iteration"`
		Field     string `json:"field"`
	}
	tb.eval(t, `__hoplab.lastError`, &e)
	if e.Iteration < 1 || e.Field != "uhop.lr" {
		t.Fatalf("error %+v, want an iteration ≥ 1 on uhop.lr", e)
	}
	tb.waitIteration(t, e.Iteration-1)
	var shown struct {
		General string `json:"general"`
		Field   string `json:"field"`
		Playing bool   `json:"playing"`
	}
	tb.eval(t, `({general: document.querySelector('[data-testid="error"]').textContent,
		field: (document.querySelector('[data-error-for="lr"]') || {}).textContent || '',
		playing: __hoplab.playing})`, &shown)
	if !strings.Contains(shown.General, "diverged") || !strings.Contains(shown.General, "uhop.lr") {
		t.Errorf("general error %q, want the divergence and its hint", shown.General)
	}
	if !strings.Contains(shown.Field, "diverged") {
		t.Errorf("learning-rate error %q, want the divergence", shown.Field)
	}
	if shown.Playing {
		t.Error("the page plays past the divergence")
	}
	if m := tb.metrics(t); m.MinAngleDeg == nil || m.Loss == nil || m.DeltaMin == nil {
		t.Errorf("metrics at the last finite iteration: %+v, want finite numbers", m)
	}
	// Play: it stops at once, with the same error, and the page lives on.
	tb.blur(t)
	tb.eval(t, `window.__e2eSent.length = 0`, nil)
	tb.key(t, " ")
	tb.waitFor(t, "the refused play", `__e2eSent.some(m => m.type === 'play') && __hoplab.lastError.seq === __e2eSent.find(m => m.type === 'play').seq`)
	tb.key(t, kb.ArrowLeft)
	tb.waitIteration(t, e.Iteration-2)
	tb.checkConsole(t, nil)
}

// whiteCellsPainted samples, on every panel of the painted frame, the
// pixel at the centre of every white cell (label 65535) whose eight
// neighbours are white too, and returns the share of them whose channels
// are all ≥ 250, and how many were sampled.
func (tb *tab) whiteCellsPainted(t *testing.T) (share float64, n int) {
	t.Helper()
	var out struct {
		White int `json:"white"`
		N     int `json:"n"`
	}
	tb.eval(t, `(() => {
		const st = __hoplab;
		const f = st.paintedFrame;
		let white = 0, n = 0;
		for (const view of f.views) {
			view.panels.forEach((p, pi) => {
				const c = document.querySelector('[data-testid="canvas-' + view.space + '-' + pi + '"]');
				const r = c.getBoundingClientRect();
				const copy = document.createElement('canvas');
				copy.width = c.width; copy.height = c.height;
				const ctx = copy.getContext('2d', {willReadFrequently: true});
				ctx.drawImage(c, 0, 0);
				const d = ctx.getImageData(0, 0, c.width, c.height).data;
				const sx = c.width / r.width, sy = c.height / r.height;
				const {xmin, xmax, ymin, ymax} = view.box;
				for (let i = 1; i + 1 < f.ny; i += 3) for (let j = 1; j + 1 < f.nx; j += 3) {
					let all = true;
					for (let di = -1; di <= 1 && all; di++) for (let dj = -1; dj <= 1 && all; dj++) all = p.labels[(i + di) * f.nx + j + dj] === 65535;
					if (!all) continue;
					const x = xmin + j * (xmax - xmin) / (f.nx - 1), y = ymin + i * (ymax - ymin) / (f.ny - 1);
					const q = st.toClientIn(view.space, pi, x, y);
					const px = Math.round((q.x - r.left) * sx), py = Math.round((q.y - r.top) * sy);
					const k = 4 * (py * c.width + px);
					n++;
					if (d[k] >= 250 && d[k + 1] >= 250 && d[k + 2] >= 250) white++;
				}
			});
		}
		return {white, n};
	})()`, &out)
	if out.N == 0 {
		return 0, 0
	}
	return float64(out.White) / float64(out.N), out.N
}

// TestExplorerWhiteIsWhite: the landing view shows white regions beside
// coloured basins, and white cells are painted white (every channel ≥ 250)
// wherever no marker or line covers them. The samples at white cells'
// centres also meet the unit circle, the optimal polygon, the closest
// pair's angle and the markers (measured: 86–93 % and 75–84 % are pure
// white), so "basins" must paint at least 80 % of them white and "both",
// with its energy contours, 65 %; a blend of the
// basins with the heatmap (the old overlay) paints none; "energy" paints
// the heatmap there.
func TestExplorerWhiteIsWhite(t *testing.T) {
	tb := openExplorer(t)
	var fr map[string]float64
	tb.eval(t, `__hoplab.metrics.whiteFractions`, &fr)
	white, coloured := 0, 0
	for _, v := range fr {
		if v >= 0.2 {
			white++
		}
		if v <= 0.8 {
			coloured++
		}
	}
	if white == 0 || coloured == 0 {
		t.Errorf("landing view white fractions %v: want panels with white regions and panels with coloured basins", fr)
	}
	var mode string
	tb.eval(t, `document.querySelector('[data-testid="param-show"] input:checked').value`, &mode)
	if mode != "both" {
		t.Errorf("the panels show %q by default, want both", mode)
	}
	for _, c := range []struct {
		show string
		min  float64
	}{{"basins", 0.8}, {"both", 0.65}} {
		tb.click(t, "show-"+c.show)
		tb.waitFor(t, "the mode painted", fmt.Sprintf(`document.querySelector('[data-testid="legend-feature-0"]').dataset.show === %q`, c.show))
		share, n := tb.whiteCellsPainted(t)
		if n < 100 || share < c.min {
			t.Errorf("%s: %.1f %% of %d white cells painted white, want at least %.0f %%", c.show, 100*share, n, 100*c.min)
		}
		tb.screenshot(t, "explorer-show-"+c.show+".png")
	}
	tb.click(t, "show-energy")
	tb.waitFor(t, "the energy painted", `document.querySelector('[data-testid="legend-feature-0"]').dataset.show === 'energy'`)
	if share, n := tb.whiteCellsPainted(t); n > 0 && share > 0.05 {
		t.Errorf("energy: %.1f %% of white cells painted white, want the heatmap there", 100*share)
	}
	tb.checkConsole(t, nil)
}

// TestExplorerSmallDefects covers issue 9's smaller defects: a typed seed
// applies at once while the random preset is on show; a link to a preset's
// scenario opens with that preset and its caption (the server recognises
// it); an edit hides the caption; β = 1e6 reads "1e6"; panels and charts
// have names in the words on screen; headings do not skip a level.
func TestExplorerSmallDefects(t *testing.T) {
	tb := openExplorer(t)
	tb.click(t, "preset-random")
	tb.waitFor(t, "the random preset", `__hoplab.scenario.featureMap.seed === 1 && __hoplab.memories.length === 8`)
	tb.typeInto(t, "preset-seed", "5")
	tb.blur(t)
	tb.waitFor(t, "seed 5 applied without clicking the preset again", `__hoplab.scenario.featureMap.seed === 5`)
	tb.waitFor(t, "the link holds seed 5", `(() => { try { const s = JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(location.hash.slice(3).replace(/-/g, '+').replace(/_/g, '/')), c => c.charCodeAt(0)))); return s.scenario.featureMap.seed === 5; } catch (e) { return false; } })()`)

	var hash string
	tb.eval(t, `location.hash`, &hash)
	other := openExplorerAt(t, "/"+hash)
	other.waitFor(t, "the random preset active after opening the link", `document.querySelector('[data-testid="preset-random"]').getAttribute('aria-pressed') === 'true' && document.querySelector('[data-testid="preset-caption"]').textContent.startsWith('Random memories')`)

	tb.typeInto(t, "param-beta", "1e6")
	tb.blur(t)
	tb.waitFor(t, "β = 1e6 applied", `__hoplab.scenario.beta === 1e6`)
	tb.waitFor(t, "the edit hides the preset's caption", `document.querySelector('[data-testid="preset-random"]').getAttribute('aria-pressed') === 'false' && document.querySelector('[data-testid="preset-caption"]').textContent.startsWith('Your own scenario')`)
	var beta string
	tb.eval(t, `document.querySelector('[data-testid="param-beta"]').value`, &beta)
	if beta != "1e6" {
		t.Errorf("the β box reads %q, want 1e6", beta)
	}

	var names []string
	tb.eval(t, `[...document.querySelectorAll('canvas[aria-label]')].map(c => c.getAttribute('aria-label'))`, &names)
	joined := strings.Join(names, " | ")
	if strings.Contains(joined, "entmax15") || !strings.Contains(joined, "1.5-entmax") || !strings.Contains(joined, "Minimum angle") {
		t.Errorf("canvas names %q: want the words on screen (1.5-entmax) and named charts", joined)
	}
	var levels []int
	tb.eval(t, `[...document.querySelectorAll('h1, h2, h3, h4, h5, h6')].map(h => Number(h.tagName[1]))`, &levels)
	for i := 1; i < len(levels); i++ {
		if levels[i] > levels[i-1]+1 {
			t.Errorf("heading levels %v: h%d follows h%d", levels, levels[i], levels[i-1])
			break
		}
	}
	tb.checkConsole(t, nil)
}
