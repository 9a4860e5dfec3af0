package e2e

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// axeSource is axe-core 4.14.1 (npm axe-core, MPL-2.0; licence beside it),
// vendored so the accessibility checks need no network.
//
//go:embed testdata/axe-core/axe.min.js
var axeSource string

// axeViolation is one rule axe-core found broken, with the nodes that break it.
type axeViolation struct {
	ID          string `json:"id"`
	Impact      string `json:"impact"`
	Description string `json:"help"`
	Nodes       []struct {
		Target  []any  `json:"target"`
		Summary string `json:"failureSummary"`
		HTML    string `json:"html"`
	} `json:"nodes"`
}

// axe injects axe-core into the page (once) and runs every rule it has
// enabled by default (WCAG 2.x A and AA and its best practices) on the
// whole document. It fails the test for every violation of any impact.
func (tb *tab) axe(t testing.TB, where string) {
	t.Helper()
	var loaded bool
	tb.eval(t, `typeof window.axe === 'object'`, &loaded)
	if !loaded {
		if _, err := chromedp.Run(tb.ctx, chromedp.Evaluate[chromedp.Void](axeSource)); err != nil {
			t.Fatalf("inject axe-core: %v", err)
		}
	}
	var out struct {
		Violations []axeViolation `json:"violations"`
		Passes     int            `json:"passes"`
	}
	tb.eval(t, `(async () => {
		const r = await axe.run(document, {resultTypes: ['violations']});
		return {violations: r.violations.map((v) => ({id: v.id, impact: v.impact, help: v.help,
			nodes: v.nodes.map((n) => ({target: n.target, failureSummary: n.failureSummary, html: n.html.slice(0, 200)}))})),
			passes: r.passes.length};
	})()`, &out)
	for _, v := range out.Violations {
		var nodes []string
		for i, n := range v.Nodes {
			if i == 4 {
				nodes = append(nodes, fmt.Sprintf("… %d more", len(v.Nodes)-i))
				break
			}
			target, _ := json.Marshal(n.Target)
			nodes = append(nodes, fmt.Sprintf("%s %s: %s", target, n.HTML, strings.ReplaceAll(n.Summary, "\n", " ")))
		}
		t.Errorf("axe (%s): %s [%s] %s:\n\t%s", where, v.ID, v.Impact, v.Description, strings.Join(nodes, "\n\t"))
	}
	t.Logf("axe (%s): %d violations, %d rules passed", where, len(out.Violations), out.Passes)
}

// emulate sets the tab's viewport width × height (mobile below 600 px, so
// touch and the narrow layout apply as on a phone) and its preferred colour
// scheme ("light" or "dark").
func (tb *tab) emulate(t testing.TB, width, height int64, scheme string) {
	t.Helper()
	_, err := chromedp.Call(tb.ctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
		Width: width, Height: height, DeviceScaleFactor: 1, Mobile: width < 600,
	})
	if err == nil {
		_, err = chromedp.Call(tb.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
		})
	}
	if err != nil {
		t.Fatalf("emulate %dx%d %s: %v", width, height, scheme, err)
	}
}

// a11yPages are the pages axe checks: the path, what the page shows once
// it is ready, and whether it can go into presentation mode.
var a11yPages = []struct {
	path, ready string
	present     bool
}{
	{"/", `window.__hoplab && __hoplab.status === 'live' && __hoplab.frames > 0 && document.querySelectorAll('[data-testid^="chart-"] canvas').length >= 3`, true},
	{"/figures", `window.__figures && document.querySelectorAll('[data-testid="panel"] canvas').length > 0 && [...document.querySelectorAll('section[data-figure]')].every((s) => __figures.state(s.dataset.figure) === 'done')`, false},
	{"/about", `document.querySelector('[data-testid="title"]') !== null`, false},
}

// TestAccessibility runs axe-core on every page, in the light and the dark
// theme, at 1400 and 360 px, and on the explorer in presentation mode too:
// no violation of any impact.
func TestAccessibility(t *testing.T) {
	for _, p := range a11yPages {
		t.Run(strings.TrimPrefix(p.path, "/"), func(t *testing.T) {
			tb := newTab(t)
			modes := []string{""}
			if p.present {
				modes = append(modes, "?present=1")
			}
			for _, mode := range modes {
				for _, width := range []int64{1400, 360} {
					for _, scheme := range []string{"light", "dark"} {
						tb.emulate(t, width, 900, scheme)
						tb.open(t, p.path+mode)
						tb.waitFor(t, p.path+" ready", p.ready)
						var theme string
						tb.eval(t, `getComputedStyle(document.documentElement).colorScheme`, &theme)
						if theme != scheme {
							t.Errorf("%s at %d px preferring %s: color-scheme %q", p.path+mode, width, scheme, theme)
						}
						tb.axe(t, fmt.Sprintf("%s%s, %d px, %s", p.path, mode, width, scheme))
					}
				}
			}
			tb.checkConsole(t, nil)
		})
	}
}
