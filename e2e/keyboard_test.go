package e2e

import (
	"encoding/base64"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// sentMove is a move message the page sent.
type sentMove struct {
	Type string  `json:"type"`
	I    int     `json:"i"`
	X    float64 `json:"x"`
	Y    float64 `json:"y"`
	Keys string  `json:"keys"` // its fields, sorted
}

// lastMove is the last move message the page sent, or one with Type "".
func (tb *tab) lastMove(t testing.TB) sentMove {
	t.Helper()
	var m sentMove
	tb.eval(t, `(() => { const m = __e2eSent.filter((m) => m.type === 'move').at(-1);
		return m ? {...m, keys: Object.keys(m).sort().join(',')} : {type: ''}; })()`, &m)
	return m
}

// TestExplorerKeyboardMemories: memories are selected, moved, added,
// removed and probed with keys on a focused panel. n selects memory 0;
// → moves it by 1 % of the box and Shift+↑ by 10 %, each as a move
// message of the same form a drag sends, and the iteration does not
// step; with no memory selected the arrows move the crosshair, a adds a
// memory there and t traces a query from it; Shift+n and Delete remove
// the added memory; Esc leaves the panel, and → steps again. Every
// canvas is in the tab order and named in on-screen words.
func TestExplorerKeyboardMemories(t *testing.T) {
	link := `{"scenario": {"memories": [[1, 0], [0, 1], [-1, 0]], "normalizeMemories": false, "beta": 4,
		"view": {"grid": {"nx": 64, "ny": 64, "xmin": -1.5, "xmax": 1.5, "ymin": -1.5, "ymax": 1.5}}},
		"ui": {"views": ["input", "feature"], "speed": 10, "show": "both"}}`
	tb := openExplorerAt(t, "/#s="+base64.RawURLEncoding.EncodeToString([]byte(link)))
	tb.waitFor(t, "the link's three memories", `__hoplab.memories.length === 3`)

	var canvases []struct {
		ID    string `json:"id"`
		Tab   int    `json:"tab"`
		Role  string `json:"role"`
		Label string `json:"label"`
		Desc  string `json:"desc"`
	}
	tb.eval(t, `[...document.querySelectorAll('canvas[data-testid^="canvas-"]')].map((c) => ({id: c.dataset.testid, tab: c.tabIndex,
		role: c.getAttribute('role'), label: c.getAttribute('aria-label'), desc: document.getElementById(c.getAttribute('aria-describedby'))?.textContent || ''}))`, &canvases)
	if len(canvases) != 6 {
		t.Fatalf("canvases %+v, want 6", canvases)
	}
	for _, c := range canvases {
		if c.Tab != 0 || c.Role != "application" || !strings.Contains(c.Desc, "arrow keys") {
			t.Errorf("%s: tabIndex %d, role %q, described by %q; want 0, application and the keys", c.ID, c.Tab, c.Role, c.Desc)
		}
	}
	if !strings.Contains(canvases[1].Label, "1.5-entmax") || strings.Contains(canvases[1].Label, "entmax15") {
		t.Errorf("the second panel is named %q, want the on-screen 1.5-entmax", canvases[1].Label)
	}

	// Tab reaches the panel: from the element before it.
	tb.eval(t, `document.querySelector('[data-testid="preset-seed"]').focus()`, nil)
	for range 3 {
		var id string
		tb.eval(t, `document.activeElement?.dataset?.testid || ''`, &id)
		if id == "canvas-input-0" {
			break
		}
		tb.key(t, kb.Tab)
	}
	tb.waitFor(t, "the first panel focused by Tab", `document.activeElement?.dataset.testid === 'canvas-input-0'`)

	tb.key(t, "n")
	tb.waitFor(t, "memory 0 selected", `__hoplab.selected === 0`)
	tb.waitFor(t, "the readout at memory 0", `Math.abs(parseFloat(document.querySelector('[data-testid="readout"] [data-field="x"]')?.textContent) - 1) < 0.03`)

	tb.key(t, kb.ArrowRight)
	tb.waitFor(t, "memory 0 moved right by 1 % of the box", `Math.abs(__hoplab.memories[0][0] - 1.03) < 1e-9 && Math.abs(__hoplab.memories[0][1]) < 1e-9`)
	if m := tb.lastMove(t); m.I != 0 || math.Abs(m.X-1.03) > 1e-9 || m.Y != 0 || m.Keys != "i,seq,type,x,y" {
		t.Errorf("→ sent %+v, want a move of memory 0 to (1.03, 0) with the fields of a drag's", m)
	}
	if err := chromedp.Do(tb.ctx, chromedp.KeyEvent(kb.ArrowUp, chromedp.KeyModifiers(kb.ModifierShift))); err != nil {
		t.Fatal(err)
	}
	tb.waitFor(t, "memory 0 moved up by 10 %", `Math.abs(__hoplab.memories[0][0] - 1.03) < 1e-9 && Math.abs(__hoplab.memories[0][1] - 0.3) < 1e-9`)
	var it int
	tb.eval(t, `__hoplab.iteration`, &it)
	if it != 0 {
		t.Errorf("arrows on a panel stepped to t = %d", it)
	}

	// No memory selected: the arrows move the crosshair, a adds there.
	for range 3 {
		tb.key(t, "n")
	}
	tb.waitFor(t, "no memory selected", `__hoplab.selected === null`)
	for range 5 {
		tb.key(t, kb.ArrowDown)
	}
	// The crosshair was left at the last memory selected, memory 2 at
	// (−1, 0), and goes down 5 × 0.03.
	tb.waitFor(t, "the readout at the crosshair", `Math.abs(parseFloat(document.querySelector('[data-testid="readout"] [data-field="y"]').textContent) + 0.15) < 0.03`)
	tb.key(t, "a")
	tb.waitFor(t, "a fourth memory at the crosshair", `__hoplab.memories.length === 4 && Math.hypot(__hoplab.memories[3][0] + 1, __hoplab.memories[3][1] + 0.15) < 1e-9`)
	tb.key(t, "t")
	tb.waitFor(t, "a probe traced from the crosshair", `__e2eSent.some((m) => m.type === 'probe' && m.space === 'input' && Math.abs(m.x + 1) < 1e-9 && Math.abs(m.y + 0.15) < 1e-9) && document.querySelectorAll('[data-testid="probe-path"] details, [data-testid="probe-path"] table').length > 0`)

	if err := chromedp.Do(tb.ctx, chromedp.KeyEvent("n", chromedp.KeyModifiers(kb.ModifierShift))); err != nil {
		t.Fatal(err)
	}
	tb.waitFor(t, "the new memory selected by Shift+n", `__hoplab.selected === 3`)
	tb.key(t, kb.Delete)
	tb.waitFor(t, "the new memory removed", `__hoplab.memories.length === 3`)

	tb.key(t, kb.Escape)
	tb.waitFor(t, "Esc left the panel", `!document.activeElement || !document.activeElement.matches('canvas')`)
	tb.key(t, kb.ArrowRight)
	tb.waitIteration(t, 1)
	tb.checkConsole(t, nil)
}

// liveWrite is one text the live region was given, and when.
type liveWrite struct {
	At   float64 `json:"at"`
	Text string  `json:"text"`
}

// TestExplorerLiveRegion: the polite live region says the iteration, the
// minimum angle and the white shares in on-screen words; while playing
// fast it changes at most once per 2 s, and during a drag not at all.
func TestExplorerLiveRegion(t *testing.T) {
	tb := openExplorer(t)
	var attrs struct {
		Role, Live string
	}
	tb.eval(t, `(() => { const el = document.querySelector('[data-testid="live-summary"]');
		return {Role: el.getAttribute('role'), Live: el.getAttribute('aria-live')}; })()`, &attrs)
	if attrs.Role != "status" || attrs.Live != "polite" {
		t.Errorf("live region role %q aria-live %q, want status and polite", attrs.Role, attrs.Live)
	}
	tb.waitFor(t, "the first summary", `/^Iteration 0 of \d+\. Minimum angle [\d.]+°\. White: input space softmax [\d.]+ %, 1\.5-entmax [\d.]+ %, sparsemax [\d.]+ %; feature space /.test(document.querySelector('[data-testid="live-summary"]').textContent)`)
	tb.eval(t, `(() => {
		window.__e2eLive = [];
		const el = document.querySelector('[data-testid="live-summary"]');
		new MutationObserver(() => __e2eLive.push({at: performance.now(), text: el.textContent})).observe(el, {childList: true, characterData: true, subtree: true});
		const s = document.querySelector('[data-testid="speed"]');
		s.value = s.max;
		s.dispatchEvent(new Event('input', {bubbles: true}));
	})()`, nil)
	tb.waitFor(t, "speed 200", `__hoplab.speed === 200`)
	tb.blur(t)
	tb.key(t, " ")
	tb.waitFor(t, "three summaries while playing", `__e2eLive.length >= 3`)
	tb.key(t, " ")
	tb.waitFor(t, "paused", `__hoplab.playing === false`)
	var writes []liveWrite
	tb.eval(t, `__e2eLive`, &writes)
	var it int
	tb.eval(t, `__hoplab.iteration`, &it)
	for i := 1; i < len(writes); i++ {
		if gap := writes[i].At - writes[i-1].At; gap < 1990 {
			t.Errorf("live region changed %.0f ms after the one before (%q after %q), want ≥ 2000", gap, writes[i].Text, writes[i-1].Text)
		}
	}
	if it < 2*len(writes) {
		t.Errorf("%d summaries for %d iterations: not throttled", len(writes), it)
	}

	// A drag (at t = 0, where a new epoch is quick): nothing is said until
	// it is over.
	tb.key(t, "r")
	tb.waitIteration(t, 0)
	// (CDP's Space sends a keypress after the prevented keydown, which a
	// browser's own key would not, and it scrolls the page.)
	tb.eval(t, `scrollTo(0, 0)`, nil)
	var mems [][2]float64
	tb.eval(t, `__hoplab.memories`, &mems)
	from := tb.toClient(t, mems[0][0], mems[0][1])
	to := tb.toClient(t, -mems[0][0], -mems[0][1])
	var epoch int
	tb.eval(t, `__hoplab.epoch`, &epoch)
	tb.waitFor(t, "2 s since the last summary", `performance.now() > __e2eLive.at(-1).at + 2000`)
	tb.eval(t, `__e2eLive.length = 0`, nil)
	tb.mouse(t, chromedp.MouseMoved, from)
	tb.mouse(t, chromedp.MousePressed, from, chromedp.ButtonLeft, chromedp.ClickCount(1), withButtons(1))
	for i := 1; i <= 8; i++ {
		f := float64(i) / 8
		tb.mouse(t, chromedp.MouseMoved, point{from.X + f*(to.X-from.X), from.Y + f*(to.Y-from.Y)}, chromedp.ButtonLeft, withButtons(1))
	}
	tb.waitFor(t, "the dragged memory's epoch painted", fmt.Sprintf(`__hoplab.epoch > %d && __hoplab.metrics.epoch === __hoplab.epoch`, epoch))
	// Long enough for the region to have spoken twice, were it not held.
	tb.eval(t, `window.__e2eDragAt = performance.now()`, nil)
	tb.waitFor(t, "4 s into the drag", `performance.now() > __e2eDragAt + 4000`)
	var during int
	tb.eval(t, `__e2eLive.length`, &during)
	if during != 0 {
		t.Errorf("the live region changed %d times during a drag", during)
	}
	tb.mouse(t, chromedp.MouseReleased, to, chromedp.ButtonLeft, chromedp.ClickCount(1))
	tb.waitFor(t, "a summary after the drag", `__e2eLive.length === 1 && __e2eLive[0].text.startsWith('Iteration 0 of')`)
	tb.checkConsole(t, nil)
}
