package e2e

import (
	"fmt"
	"math"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
)

// touch sends one touch event: start and move at p, end without points.
func (tb *tab) touch(t testing.TB, typ input.DispatchTouchEventType, p point) {
	t.Helper()
	params := input.DispatchTouchEventParams{Type: typ, TouchPoints: []*input.TouchPoint{}}
	if typ != input.DispatchTouchEventTypeTouchEnd {
		params.TouchPoints = []*input.TouchPoint{{X: p.X, Y: p.Y}}
	}
	if _, err := chromedp.Call(tb.ctx, input.DispatchTouchEvent, params); err != nil {
		t.Fatalf("touch %s at %v: %v", typ, p, err)
	}
}

// phoneLayout is what the test measures of the explorer on a phone.
type phoneLayout struct {
	Wider  int `json:"wider"` // how far the page is wider than the viewport
	Canvas []struct {
		ID     string  `json:"id"`
		Left   float64 `json:"left"`
		Top    float64 `json:"top"`
		Width  float64 `json:"width"`
		Bottom float64 `json:"bottom"`
	} `json:"canvas"`
	MinGap float64 `json:"minGap"` // the closest two memories' markers, centre to centre, CSS px
}

// TestExplorerPhone: at 360 × 740 (a phone, touch) the panels stack one
// per line, as wide as the screen, the page does not scroll sideways, the
// landing preset's markers stand apart (no two centres closer than a
// marker's diameter), and a memory can be dragged with a finger.
func TestExplorerPhone(t *testing.T) {
	tb := newTab(t)
	tb.emulate(t, 360, 740, "light")
	if _, err := chromedp.Call(tb.ctx, emulation.SetTouchEmulationEnabled, emulation.SetTouchEmulationEnabledParams{Enabled: true, MaxTouchPoints: 1}); err != nil {
		t.Fatal(err)
	}
	tb.open(t, "/")
	tb.waitFor(t, "the first frame", `window.__hoplab && __hoplab.status === 'live' && __hoplab.frames > 0 && __hoplab.memories.length === 5`)

	var l phoneLayout
	tb.eval(t, `(() => {
		const canvas = [...document.querySelectorAll('canvas[data-testid^="canvas-"]')].map((c) => {
			const r = c.getBoundingClientRect();
			return {id: c.dataset.testid, left: r.left, top: r.top + scrollY, width: r.width, bottom: r.bottom + scrollY};
		});
		let minGap = Infinity;
		const m = __hoplab.memories;
		for (let i = 0; i < m.length; i++) for (let j = 0; j < i; j++) {
			const a = __hoplab.toClient(m[i][0], m[i][1]), b = __hoplab.toClient(m[j][0], m[j][1]);
			minGap = Math.min(minGap, Math.hypot(a.x - b.x, a.y - b.y));
		}
		return {wider: document.documentElement.scrollWidth - innerWidth, canvas, minGap};
	})()`, &l)
	if l.Wider > 0 {
		t.Errorf("360 px: the page is %d px wider than the screen", l.Wider)
	}
	for i, c := range l.Canvas {
		if c.Width < 300 {
			t.Errorf("360 px: %s is %.0f px wide, want ≥ 300 (one panel per line)", c.ID, c.Width)
		}
		if i > 0 && c.Top < l.Canvas[i-1].Bottom {
			t.Errorf("360 px: %s (top %.0f) is beside %s (bottom %.0f), want it below", c.ID, c.Top, l.Canvas[i-1].ID, l.Canvas[i-1].Bottom)
		}
	}
	// Markers have a radius of 6 px: a diameter apart, none covers another
	// (the preset's closest memories are 9.1° apart on the unit circle;
	// three panels abreast put them 5 px apart).
	if l.MinGap < 12 {
		t.Errorf("360 px: two memories' markers are %.1f px apart, want ≥ 12", l.MinGap)
	}
	t.Logf("360 px: canvases %.0f px wide, closest markers %.1f px apart", l.Canvas[0].Width, l.MinGap)
	tb.viewportShot(t, "phone-360x740.png")

	// A finger drags memory 0 towards the centre.
	var mems [][2]float64
	tb.eval(t, `__hoplab.memories`, &mems)
	tb.eval(t, `document.querySelector('[data-testid="canvas-input-0"]').scrollIntoView({block: 'center'})`, nil)
	from := tb.toClient(t, mems[0][0], mems[0][1])
	to := tb.toClient(t, -0.2, -0.9)
	var epoch int
	tb.eval(t, `__hoplab.epoch`, &epoch)
	tb.touch(t, input.DispatchTouchEventTypeTouchStart, from)
	for i := 1; i <= 10; i++ {
		f := float64(i) / 10
		tb.touch(t, input.DispatchTouchEventTypeTouchMove, point{from.X + f*(to.X-from.X), from.Y + f*(to.Y-from.Y)})
	}
	tb.touch(t, input.DispatchTouchEventTypeTouchEnd, to)
	// Memories are normalised: it lands on the unit circle towards (−0.2, −0.9).
	n := math.Hypot(-0.2, -0.9)
	tb.waitFor(t, "memory 0 dragged by touch", fmt.Sprintf(`(() => { const m = __hoplab.memories[0]; return Math.hypot(m[0] - (%g), m[1] - (%g)) < 0.03 && __hoplab.epoch > %d; })()`, -0.2/n, -0.9/n, epoch))
	tb.viewportShot(t, "phone-360x740-dragged.png")
	tb.checkConsole(t, nil)
}
