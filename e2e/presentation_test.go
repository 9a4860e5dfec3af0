package e2e

import (
	"encoding/base64"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// canvasLabelRecorder records, from the page's start, the font size of
// every text a canvas draws (fillText) while presentation mode is on:
// window.__e2eLabels, {on, px, text} with on the canvas's data-testid, or
// "offscreen" for a canvas not in the page (the panels' axes layer).
const canvasLabelRecorder = `(() => {
	window.__e2eLabels = [];
	const fill = CanvasRenderingContext2D.prototype.fillText;
	CanvasRenderingContext2D.prototype.fillText = function (text, ...rest) {
		if (document.body && document.body.classList.contains('present')) {
			const c = this.canvas;
			const m = /([0-9.]+)px/.exec(this.font);
			__e2eLabels.push({on: c.isConnected ? (c.dataset.testid || 'page') : 'offscreen', px: m ? parseFloat(m[1]) : 0, text: String(text)});
			if (__e2eLabels.length > 5000) __e2eLabels.splice(0, 1000);
		}
		return fill.call(this, text, ...rest);
	};
})()`

// canvasLabel is the smallest label of one kind drawn on the panels.
type canvasLabel struct {
	Kind string  `json:"kind"`
	Px   float64 `json:"px"`
	Text string  `json:"text"`
}

// canvasLabels waits for every kind of label drawn on the panels since
// __e2eLabels was last emptied, ticks (the axes layer), the closest pair's
// angle, the selected memory's name and a probe's step numbers, and gives
// the smallest of each kind.
func (tb *tab) canvasLabels(t testing.TB, where string) []canvasLabel {
	t.Helper()
	const kinds = `const kinds = () => {
		const out = {};
		for (const l of __e2eLabels) {
			if (l.on !== 'offscreen' && !l.on.startsWith('canvas-')) continue;
			const kind = l.on === 'offscreen' ? 'tick' : l.text.endsWith('°') ? 'angle' : /^[ξu]/.test(l.text) ? 'name' : /^[0-9]+$/.test(l.text) ? 'step' : 'other';
			if (!out[kind] || l.px < out[kind].px) out[kind] = {kind, px: l.px, text: l.text};
		}
		return out;
	};`
	tb.waitFor(t, where+": ticks, the angle, a name and step numbers drawn", `(() => { `+kinds+` const k = kinds(); return Boolean(k.tick && k.angle && k.name && k.step); })()`)
	var out []canvasLabel
	tb.eval(t, `(() => { `+kinds+` return Object.values(kinds()); })()`, &out)
	return out
}

// presentLayout is what the test measures of the explorer's layout.
type presentLayout struct {
	Present    bool     `json:"present"`
	Search     string   `json:"search"`
	Hash       string   `json:"hash"`
	Panels     []int    `json:"panels"`     // CSS widths of the canvases
	MinLabel   float64  `json:"minLabel"`   // the smallest font size (px) of visible text, formulas' scripts included
	MinLabelAt string   `json:"minLabelAt"` // where it is
	Shown      []string `json:"shown"`      // the controls on show, by data-testid
	Overflow   int      `json:"overflow"`   // how far the page is taller than the viewport (px)
	Wider      int      `json:"wider"`      // how far it is wider
}

// smallestTextJS is a JavaScript function expression that walks every
// visible text node of the page (the visually hidden ones, for screen
// readers, and help tips excepted) and gives the smallest computed font
// size of their parents, {px, at}: a formula's every part counts, its
// sub- and superscripts and the numbers of its fractions too.
const smallestTextJS = `(() => {
	// Visually hidden (clipped to nothing, for screen readers) is not shown.
	const clipped = (el) => { for (let e = el; e; e = e.parentElement) if (getComputedStyle(e).clipPath === 'inset(50%)') return true; return false; };
	const shown = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden' && !clipped(el);
	let px = Infinity, at = '';
	const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
	for (let n = walker.nextNode(); n; n = walker.nextNode()) {
		const el = n.parentElement;
		if (!n.textContent.trim() || !el || el.closest('template, script, .help') || !shown(el)) continue;
		const size = parseFloat(getComputedStyle(el).fontSize);
		if (size < px) { px = size; at = (el.dataset?.testid || el.getAttribute('class') || el.tagName) + ': ' + n.textContent.trim().slice(0, 30); }
	}
	return {px, at};
})`

// layout measures the explorer as the viewport shows it.
func (tb *tab) layout(t testing.TB) presentLayout {
	t.Helper()
	var l presentLayout
	tb.eval(t, `(() => {
		const clipped = (el) => { for (let e = el; e; e = e.parentElement) if (getComputedStyle(e).clipPath === 'inset(50%)') return true; return false; };
		const shown = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden' && !clipped(el);
		const small = `+smallestTextJS+`();
		const ids = ['play', 'step', 'back', 'reset', 'reseed', 'speed', 'scrubber', 'iteration', 'preset-clustered', 'present-preset', 'fullscreen', 'present-leave', 'param-beta', 'chart-loss', 'present-toggle', 'theme-toggle'];
		return {
			present: document.body.classList.contains('present'),
			search: location.search, hash: location.hash,
			panels: [...document.querySelectorAll('canvas[data-testid^="canvas-"]')].map((c) => Math.round(c.getBoundingClientRect().width)),
			minLabel: small.px, minLabelAt: small.at,
			shown: ids.filter((id) => { const el = document.querySelector('[data-testid="' + id + '"]'); return el && shown(el); }),
			overflow: Math.round(document.documentElement.scrollHeight - innerHeight),
			wider: Math.round(document.documentElement.scrollWidth - innerWidth),
		};
	})()`, &l)
	return l
}

// TestExplorerPresentation: ?present=1 beside a permalink opens the
// link's scenario in presentation mode. At 1920 × 1080 the six panels are
// at least 400 px wide, every label at least 28 px and every formula too,
// the page needs no scrolling, and the controls are play, step and the
// preset chooser (with full screen and leave); at 1280 × 720 the labels
// are at least 20 px. "p" leaves and enters the mode and the URL follows,
// keeping the permalink; Esc leaves it too. The preset chooser loads a
// preset; the full-screen button takes the page full screen.
func TestExplorerPresentation(t *testing.T) {
	link := `{"scenario": {"memories": [[1, 0], [0, 1], [-1, 0], [0, -1], [0.6, 0.8]], "beta": 8,
		"uhop": {"iterations": 3}}, "ui": {"views": ["input", "feature"], "speed": 10, "show": "both"}}`
	hash := "#s=" + base64.RawURLEncoding.EncodeToString([]byte(link))
	tb := newTab(t)
	if _, err := chromedp.Call(tb.ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: canvasLabelRecorder}); err != nil {
		t.Fatal(err)
	}
	tb.emulate(t, 1920, 1080, "light")
	tb.open(t, "/?present=1"+hash)
	tb.waitFor(t, "the link's scenario at t = 3", `window.__hoplab && __hoplab.status === 'live' && __hoplab.memories.length === 5 && __hoplab.iteration === 3 && __hoplab.metrics?.t === 3`)
	tb.waitFor(t, "six panels", `document.querySelectorAll('canvas[data-testid^="canvas-"]').length === 6`)
	// Opened by the URL flag, as by p: the focus is on the panels.
	var opened string
	tb.eval(t, `document.activeElement?.dataset?.testid || document.activeElement?.tagName || ''`, &opened)
	if opened != "panels" {
		t.Errorf("opened with ?present=1, the focus is on %q; want the panels", opened)
	}

	// A probe traced from the keyboard (its step numbers), then memory 0
	// selected (its name): n six times selects none and leaves the
	// crosshair at memory 4, (0.6, 0.8); the arrows move it down 0.6.
	tb.eval(t, `document.querySelector('[data-testid="canvas-input-0"]').focus()`, nil)
	for range 6 {
		tb.key(t, "n")
	}
	tb.waitFor(t, "no memory selected", `__hoplab.selected === null`)
	for range 20 {
		tb.key(t, kb.ArrowDown)
	}
	tb.key(t, "t")
	tb.waitFor(t, "a probe traced", `document.querySelectorAll('[data-testid="probe-path"] details, [data-testid="probe-path"] table').length > 0`)
	tb.key(t, "n")
	tb.waitFor(t, "memory 0 selected", `__hoplab.selected === 0`)
	labels := func(w string, min float64) {
		for _, c := range tb.canvasLabels(t, w) {
			if c.Px < min {
				t.Errorf("%s: the panels' %s label %q is drawn at %.1f px, want ≥ %.0f", w, c.Kind, c.Text, c.Px, min)
			}
			t.Logf("%s: smallest %s label on the panels %.1f px (%q)", w, c.Kind, c.Px, c.Text)
		}
	}
	labels("1920×1080", 28)

	l := tb.layout(t)
	if !l.Present || l.Search != "?present=1" {
		t.Errorf("opened with ?present=1: present %v, search %q", l.Present, l.Search)
	}
	for i, w := range l.Panels {
		if w < 400 {
			t.Errorf("1920×1080: panel %d is %d px wide, want ≥ 400", i, w)
		}
	}
	if l.MinLabel < 28 {
		t.Errorf("1920×1080: smallest text %.1f px (%s); want ≥ 28", l.MinLabel, l.MinLabelAt)
	}
	if l.Overflow > 0 || l.Wider > 0 {
		t.Errorf("1920×1080: the page is %d px taller and %d px wider than the viewport; want it to fit", l.Overflow, l.Wider)
	}
	if got := strings.Join(l.Shown, ","); got != "play,step,iteration,present-preset,fullscreen,present-leave" {
		t.Errorf("controls on show in presentation mode: %s", got)
	}
	t.Logf("1920×1080: panels %v px, text ≥ %.1f px (%s)", l.Panels, l.MinLabel, l.MinLabelAt)
	tb.viewportShot(t, "present-1920x1080.png")

	tb.eval(t, `__e2eLabels.length = 0`, nil)
	tb.emulate(t, 1280, 720, "light")
	tb.waitFor(t, "the 1280 px layout", `innerWidth === 1280`)
	labels("1280×720", 20)
	l = tb.layout(t)
	if l.MinLabel < 20 || l.Overflow > 0 || l.Wider > 0 {
		t.Errorf("1280×720: smallest text %.1f px (%s), overflow %d×%d px; want ≥ 20 px and no scrolling", l.MinLabel, l.MinLabelAt, l.Wider, l.Overflow)
	}
	t.Logf("1280×720: panels %v px, labels ≥ %.1f px", l.Panels, l.MinLabel)
	tb.viewportShot(t, "present-1280x720.png")

	// The key leaves and enters; the URL follows and keeps the permalink.
	tb.blur(t)
	tb.key(t, "p")
	tb.waitFor(t, "presentation mode left", `!document.body.classList.contains('present')`)
	l = tb.layout(t)
	if l.Search != "" || !strings.HasPrefix(l.Hash, "#s=") {
		t.Errorf("after leaving: search %q hash %.20q…, want no flag and the permalink", l.Search, l.Hash)
	}
	if !strings.Contains(strings.Join(l.Shown, ","), "back,reset,reseed,speed,scrubber") {
		t.Errorf("after leaving, the controls on show are %v", l.Shown)
	}
	tb.key(t, "p")
	tb.waitFor(t, "presentation mode again", `document.body.classList.contains('present') && location.search === '?present=1' && location.hash.startsWith('#s=')`)
	// The focus goes to the panels, and no help tip is on show.
	var focus struct {
		On   string   `json:"on"`
		Tips []string `json:"tips"`
	}
	tb.eval(t, `({on: document.activeElement?.dataset?.testid || document.activeElement?.tagName || '', tips: [...document.querySelectorAll('.help')].filter((h) => getComputedStyle(h).display !== 'none' && h.getClientRects().length > 0).map((h) => h.id)})`, &focus)
	if focus.On != "panels" || len(focus.Tips) > 0 {
		t.Errorf("after p, the focus is on %q and the tips on show are %v; want the panels and none", focus.On, focus.Tips)
	}
	tb.key(t, "Escape")
	tb.waitFor(t, "Esc leaves it", `!document.body.classList.contains('present') && location.search === ''`)
	tb.click(t, "present-toggle")
	tb.waitFor(t, "the button enters it", `document.body.classList.contains('present')`)

	// The preset chooser loads a preset.
	tb.waitFor(t, "the chooser says own scenario", `document.querySelector('[data-testid="present-preset"]').value === ''`)
	tb.eval(t, `(() => {
		const s = document.querySelector('[data-testid="present-preset"]');
		s.value = 'clustered';
		s.dispatchEvent(new Event('change', {bubbles: true}));
	})()`, nil)
	tb.waitFor(t, "the clustered preset", `__hoplab.preset === 'clustered' && __hoplab.memories.length === 8`)

	// Full screen, from a real click.
	tb.click(t, "fullscreen")
	tb.waitFor(t, "full screen", `document.fullscreenElement === document.documentElement && document.querySelector('[data-testid="fullscreen"]').getAttribute('aria-pressed') === 'true'`)
	tb.click(t, "present-leave")
	tb.waitFor(t, "left: no longer full screen", `!document.fullscreenElement && !document.body.classList.contains('present')`)
	tb.checkConsole(t, nil)
}

// TestExplorerPresentationSizes: in presentation mode, at every common
// screen size, all six panels are the same size, the formulas' column is
// as wide in both rows, no formula is parted from its punctuation (a
// line that starts with a comma), no formula reaches under the panels
// beside it (or below it, on a narrow window), and the page does not
// scroll sideways. From 1024 × 768 up everything (the bar, both rows with
// their titles and colour bars) fits without scrolling down and every
// text is at least 20 px, at 1920 wide at least 28 px; at 1920 × 1080 the
// panels are ≥ 400 px.
func TestExplorerPresentationSizes(t *testing.T) {
	link := `{"scenario": {"memories": [[1, 0], [0, 1], [-1, 0], [0, -1], [0.6, 0.8]], "beta": 8,
		"uhop": {"iterations": 3}}, "ui": {"views": ["input", "feature"], "speed": 10, "show": "both"}}`
	hash := "#s=" + base64.RawURLEncoding.EncodeToString([]byte(link))
	tb := newTab(t)
	tb.emulate(t, 1920, 1080, "light")
	tb.open(t, "/?present=1"+hash)
	tb.waitFor(t, "six panels", `document.querySelectorAll('canvas[data-testid^="canvas-"]').length === 6 && __hoplab.iteration === 3`)
	for _, sz := range [][2]int64{{1920, 1080}, {1920, 1200}, {1400, 900}, {1280, 720}, {1024, 768}, {800, 600}, {360, 740}} {
		w, h := sz[0], sz[1]
		tb.emulate(t, w, h, "light")
		// A phone's window grows to a page wider than the screen: its
		// layout width is the screen's.
		tb.waitFor(t, "the size", fmt.Sprintf(`document.documentElement.clientWidth === %d || (innerWidth === %d && innerHeight === %d)`, w, w, h))
		var m struct {
			Rows []struct {
				Formula float64  `json:"formula"` // the right edge of the row's widest formula
				Text    float64  `json:"text"`    // of its explanation
				Head    float64  `json:"head"`    // the width of its explanation's column
				Meets   bool     `json:"meets"`   // a formula or the text meets the panels' block
				Panel   float64  `json:"panel"`   // the left edge of the panels' block
				Right   float64  `json:"right"`   // the right edge of the panels' block
				Broken  []string `json:"broken"`  // formulas laid out on more than one line
			} `json:"rows"`
			Panels   []float64 `json:"panels"`
			Wider    int       `json:"wider"`
			Overflow int       `json:"overflow"`
			Small    struct {
				Px float64 `json:"px"`
				At string  `json:"at"`
			} `json:"small"`
		}
		tb.eval(t, `(() => {
			const rows = [...document.querySelectorAll('.view-row')].map((r) => {
				// The panels' block (titles, canvases, colour bars) and the
				// formulas: they overlap if their boxes meet both across and down.
				const cells = r.querySelector('.row-cells').getBoundingClientRect();
				const meets = (b) => b.right > cells.left && b.left < cells.right && b.bottom > cells.top && b.top < cells.bottom;
				const maths = [...r.querySelectorAll('.row-explain math')].map((e) => e.getBoundingClientRect());
				const ex = r.querySelector('.row-explain').getBoundingClientRect();
				// A formula's punctuation on the line after it: the first
				// character after the formula lies below its box.
				const broken = [...r.querySelectorAll('.row-explain math')].filter((f) => {
					const n = f.nextSibling;
					if (!n || n.nodeType !== Node.TEXT_NODE || !/^[,.;:)]/.test(n.textContent)) return false;
					const range = document.createRange();
					range.setStart(n, 0);
					range.setEnd(n, 1);
					return range.getBoundingClientRect().top >= f.getBoundingClientRect().bottom - 1;
				}).map((f) => f.textContent.replace(/\s+/g, '').slice(0, 24) + f.nextSibling.textContent[0]);
				return {formula: Math.max(0, ...maths.map((b) => b.right)), meets: maths.some(meets) || meets(ex), text: ex.right, head: r.querySelector('.row-head').getBoundingClientRect().width, panel: cells.left, right: cells.right, broken};
			});
			return {rows, panels: [...document.querySelectorAll('canvas[data-testid^="canvas-"]')].map((c) => c.getBoundingClientRect().width),
				wider: Math.round(document.documentElement.scrollWidth - document.documentElement.clientWidth), overflow: Math.round(document.documentElement.scrollHeight - document.documentElement.clientHeight),
				small: `+smallestTextJS+`()};
		})()`, &m)
		if len(m.Rows) != 2 {
			t.Fatalf("%d×%d: %d rows of panels, want 2", w, h, len(m.Rows))
		}
		for i, r := range m.Rows {
			if r.Formula == 0 {
				t.Errorf("%d×%d: row %d has no formula", w, h, i)
			}
			if r.Meets {
				t.Errorf("%d×%d: row %d: the formulas (ending at %.0f px) or their text (at %.0f px) meet the panels (from %.0f px)", w, h, i, r.Formula, r.Text, r.Panel)
			}
			if r.Right > float64(w) {
				t.Errorf("%d×%d: row %d: the last panel ends at %.0f px, past the window", w, h, i, r.Right)
			}
			if len(r.Broken) > 0 {
				t.Errorf("%d×%d: row %d: formulas whose punctuation starts the next line: %q", w, h, i, r.Broken)
			}
		}
		if d := m.Rows[0].Head - m.Rows[1].Head; d > 1 || d < -1 {
			t.Errorf("%d×%d: the formulas' column is %.0f px wide beside the first row, %.0f px beside the second; want the same", w, h, m.Rows[0].Head, m.Rows[1].Head)
		}
		for i, p := range m.Panels {
			if p > m.Panels[0]+1 || p < m.Panels[0]-1 {
				t.Errorf("%d×%d: panel %d is %.1f px wide, panel 0 %.1f px; want all the same (±1 px)", w, h, i, p, m.Panels[0])
			}
		}
		if m.Wider > 0 {
			t.Errorf("%d×%d: the page scrolls sideways by %d px", w, h, m.Wider)
		}
		if w >= 1024 && m.Overflow > 0 {
			t.Errorf("%d×%d: the page is %d px taller than the window; want everything in sight", w, h, m.Overflow)
		}
		least := 0.0
		switch {
		case w >= 1920:
			least = 28
		case w >= 1024:
			least = 20
		}
		if m.Small.Px < least {
			t.Errorf("%d×%d: the smallest text is %.1f px (%s); want ≥ %.0f", w, h, m.Small.Px, m.Small.At, least)
		}
		if w == 1920 && h == 1080 {
			for i, p := range m.Panels {
				if p < 400 {
					t.Errorf("1920×1080: panel %d is %.0f px wide, want ≥ 400", i, p)
				}
			}
		}
		t.Logf("%d×%d: panels %.0f px; formulas' column %.0f and %.0f px, formulas end at %.0f and %.0f px, panels start at %.0f and %.0f px; text ≥ %.1f px; %d px sideways, %d px down", w, h, m.Panels, m.Rows[0].Head, m.Rows[1].Head, m.Rows[0].Formula, m.Rows[1].Formula, m.Rows[0].Panel, m.Rows[1].Panel, m.Small.Px, m.Wider, m.Overflow)
		tb.viewportShot(t, fmt.Sprintf("present-sizes-%dx%d.png", w, h))
	}
	tb.checkConsole(t, nil)
}

// TestExplorerPresentationDrag: in presentation mode at 1920 × 1080 a
// memory dragged with the mouse, then one dragged with a finger, moves
// (the painted frame's memories, a new epoch, the panel's pixels), and the
// panels are painted again at full resolution afterwards: the scenario's
// grid, not a coarse one, on a canvas with one backing pixel per device
// pixel of its larger presentation size.
func TestExplorerPresentationDrag(t *testing.T) {
	link := `{"scenario": {"memories": [[1, 0], [0, 1], [-1, 0], [0, -1], [0.6, 0.8]], "beta": 8,
		"uhop": {"iterations": 3}}, "ui": {"views": ["input", "feature"], "speed": 10, "show": "both"}}`
	hash := "#s=" + base64.RawURLEncoding.EncodeToString([]byte(link))
	tb := newTab(t)
	tb.emulate(t, 1920, 1080, "light")
	if _, err := chromedp.Call(tb.ctx, emulation.SetTouchEmulationEnabled, emulation.SetTouchEmulationEnabledParams{Enabled: true, MaxTouchPoints: 1}); err != nil {
		t.Fatal(err)
	}
	tb.open(t, "/?present=1"+hash)
	const full = `__hoplab.grid && __hoplab.grid.nx === __hoplab.scenario.view.grid.nx && __hoplab.grid.ny === __hoplab.scenario.view.grid.ny`
	// The canvas has one backing pixel per device pixel of its CSS box.
	const sharp = `[...document.querySelectorAll('canvas[data-testid^="canvas-"]')].every((c) => { const r = c.getBoundingClientRect(); return r.width >= 400 && Math.abs(c.width - r.width * devicePixelRatio) <= 1 && Math.abs(c.height - r.height * devicePixelRatio) <= 1; })`
	tb.waitFor(t, "six panels at full resolution", `document.body.classList.contains('present') && document.querySelectorAll('canvas[data-testid^="canvas-"]').length === 6 && __hoplab.iteration === 3 && __hoplab.metrics?.t === 3 && `+full+` && `+sharp)

	drag := func(what string, i int, to [2]float64, byTouch bool) {
		t.Helper()
		var mems [][2]float64
		tb.eval(t, `__hoplab.memories`, &mems)
		var epoch int
		tb.eval(t, `__hoplab.epoch`, &epoch)
		tb.canvasPixels(t, "before")
		from := tb.toClient(t, mems[i][0], mems[i][1])
		end := tb.toClient(t, to[0], to[1])
		const n = 12
		if byTouch {
			tb.touch(t, input.DispatchTouchEventTypeTouchStart, from)
			for k := 1; k <= n; k++ {
				f := float64(k) / n
				tb.touch(t, input.DispatchTouchEventTypeTouchMove, point{from.X + f*(end.X-from.X), from.Y + f*(end.Y-from.Y)})
			}
			tb.touch(t, input.DispatchTouchEventTypeTouchEnd, end)
		} else {
			steps := []chromedp.Action[chromedp.Void]{
				chromedp.MouseEvent(chromedp.MouseMoved, from.X, from.Y),
				chromedp.MouseEvent(chromedp.MousePressed, from.X, from.Y, chromedp.ButtonLeft, chromedp.ClickCount(1), withButtons(1)),
			}
			for k := 1; k <= n; k++ {
				f := float64(k) / n
				steps = append(steps, chromedp.MouseEvent(chromedp.MouseMoved, from.X+f*(end.X-from.X), from.Y+f*(end.Y-from.Y), chromedp.ButtonLeft, withButtons(1)))
			}
			steps = append(steps, chromedp.MouseEvent(chromedp.MouseReleased, end.X, end.Y, chromedp.ButtonLeft, chromedp.ClickCount(1)))
			if err := chromedp.Do(tb.ctx, steps...); err != nil {
				t.Fatalf("%s: %v", what, err)
			}
		}
		// Memories are normalised: it lands on the unit circle towards the target.
		nrm := math.Hypot(to[0], to[1])
		tb.waitFor(t, what+": the memory at the drop point, a new epoch painted at full resolution", fmt.Sprintf(
			`(() => { const m = __hoplab.memories[%d]; return m && Math.hypot(m[0] - (%g), m[1] - (%g)) < 0.03 && __hoplab.epoch > %d && __hoplab.metrics.epoch === __hoplab.epoch && `+full+` && `+sharp+`; })()`,
			i, to[0]/nrm, to[1]/nrm, epoch))
		var after [][2]float64
		tb.eval(t, `__hoplab.memories`, &after)
		for k := range mems {
			if k != i && k < len(after) && math.Hypot(after[k][0]-mems[k][0], after[k][1]-mems[k][1]) > 1e-9 {
				t.Errorf("%s: memory %d moved from %v to %v; only memory %d was dragged", what, k, mems[k], after[k], i)
			}
		}
		// The last painted frame is not a coarse one.
		var last struct {
			Coarse bool `json:"coarse"`
			Nx     int  `json:"nx"`
		}
		tb.eval(t, `(() => { const p = __hoplab.timeline.paints; return p[p.length - 1]; })()`, &last)
		if last.Coarse {
			t.Errorf("%s: the last frame painted is a coarse one (%d cells a side)", what, last.Nx)
		}
		size := tb.canvasPixels(t, "after")
		changed := tb.pixelsChanged(t, "before", "after")
		if changed < size/50 {
			t.Errorf("%s: %d of %d pixels of the panel changed, want at least 2%%", what, changed, size)
		}
		t.Logf("%s: memory %d from %v to %v; %d of %d pixels changed; last paint %d cells a side", what, i, mems[i], after[i], changed, size, last.Nx)
	}
	drag("mouse", 0, [2]float64{-0.3, -0.9}, false)
	tb.viewportShot(t, "present-drag-mouse.png")
	drag("touch", 1, [2]float64{0.9, -0.4}, true)
	tb.viewportShot(t, "present-drag-touch.png")
	tb.checkConsole(t, nil)
}

// TestExplorerFormulasKeepPunctuation: outside presentation mode too, at
// widths from a desktop to a phone, no formula beside the panels is parted
// from its comma or full stop (at 1400 px a lone "." began a line).
func TestExplorerFormulasKeepPunctuation(t *testing.T) {
	tb := newTab(t)
	for _, w := range []int64{1400, 1280, 1024, 800, 360} {
		tb.emulate(t, w, 900, "light")
		tb.open(t, "/")
		tb.waitFor(t, "two rows of panels", `document.querySelectorAll('.view-row .row-explain math').length >= 4`)
		var broken []string
		tb.eval(t, `[...document.querySelectorAll('.row-explain math')].filter((f) => {
			const n = f.nextSibling;
			if (!n || n.nodeType !== Node.TEXT_NODE || !/^[,.;:)]/.test(n.textContent)) return false;
			const range = document.createRange();
			range.setStart(n, 0);
			range.setEnd(n, 1);
			return range.getBoundingClientRect().top >= f.getBoundingClientRect().bottom - 1;
		}).map((f) => f.textContent.replace(/\s+/g, '').slice(0, 24) + f.nextSibling.textContent[0])`, &broken)
		if len(broken) > 0 {
			t.Errorf("%d px wide: formulas whose punctuation starts the next line: %q", w, broken)
		}
	}
}

// TestExplorerPresentationMessage: a message on show (a bad link pasted
// into the address bar) floats over the bottom of presentation mode's view
// at 1024 × 768, in sight, instead of pushing the second row below the
// fold (it took a row: 81 px of scrolling).
func TestExplorerPresentationMessage(t *testing.T) {
	tb := newTab(t)
	tb.emulate(t, 1024, 768, "light")
	tb.open(t, "/?present=1")
	tb.waitFor(t, "six panels", `window.__hoplab && __hoplab.frames > 0 && document.querySelectorAll('canvas[data-testid^="canvas-"]').length === 6`)
	tb.eval(t, `location.hash = '#s=A'`, nil)
	tb.waitFor(t, "the message", `document.querySelector('[data-testid="error"]').textContent.includes("cannot be read")`)
	var m struct {
		Overflow int     `json:"overflow"`
		Top      float64 `json:"top"`
		Bottom   float64 `json:"bottom"`
	}
	tb.eval(t, `(() => { const b = document.querySelector('[data-testid="error"]').closest('.errors').getBoundingClientRect();
		return {overflow: Math.round(document.documentElement.scrollHeight - document.documentElement.clientHeight), top: b.top, bottom: b.bottom}; })()`, &m)
	if m.Overflow > 0 || m.Top < 0 || m.Bottom > 768 {
		t.Errorf("with a message: %d px of scrolling, message at %.0f…%.0f px; want none, and the message in sight", m.Overflow, m.Top, m.Bottom)
	}
}
