package e2e

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// shotCopy copies the screenshot e2e/artifacts/name into the directory
// the environment variable HOPLAB_SHOTS names, if it names one.
func shotCopy(t testing.TB, name string) {
	dir := os.Getenv("HOPLAB_SHOTS")
	if dir == "" {
		return
	}
	b, err := os.ReadFile(filepath.Join(artifactsDir, name))
	if err == nil {
		err = os.MkdirAll(dir, 0o755)
	}
	if err == nil {
		err = os.WriteFile(filepath.Join(dir, name), b, 0o644)
	}
	if err != nil {
		t.Logf("copy screenshot %s: %v", name, err)
	}
}

// viewportShot saves what the viewport shows to e2e/artifacts/name.
func (tb *tab) viewportShot(t testing.TB, name string) {
	t.Helper()
	tb.saveScreenshot(t, name, chromedp.CaptureScreenshot())
	shotCopy(t, name)
}

// pageColours is what the test reads of a page's theme.
type pageColours struct {
	Scheme     string  `json:"scheme"`
	Background float64 `json:"background"` // relative luminance of the body's background
	Text       float64 `json:"text"`       // of the body's text
	Label      string  `json:"label"`      // the toggle's visible label
	Name       string  `json:"name"`       // its accessible name (aria-label)
	Pressed    *string `json:"pressed"`    // its aria-pressed, if any
	Stored     *string `json:"stored"`     // localStorage's choice
}

// colours reads the page's theme: its color-scheme, the luminances of its
// background and text, the toggle and the stored choice.

// offers checks that the theme toggle says what pressing it does: switch
// to the theme next, in its label and its accessible name, with no
// pressed state beside a name that changes.
func (c pageColours) offers(t *testing.T, where, next string) {
	t.Helper()
	if c.Label != next+" theme" || c.Name != "Switch to the "+next+" theme" || c.Pressed != nil {
		pressed := "none"
		if c.Pressed != nil {
			pressed = *c.Pressed
		}
		t.Errorf("%s: the theme toggle reads %q, named %q, aria-pressed %s; want %q, named %q, no aria-pressed", where, c.Label, c.Name, pressed, next+" theme", "Switch to the "+next+" theme")
	}
}
func (tb *tab) colours(t testing.TB) pageColours {
	t.Helper()
	var c pageColours
	tb.eval(t, `(() => {
		const lum = (css) => {
			const [r, g, b] = css.match(/[\d.]+/g).slice(0, 3).map(Number).map((v) => {
				v /= 255;
				return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
			});
			return 0.2126 * r + 0.7152 * g + 0.0722 * b;
		};
		const html = getComputedStyle(document.documentElement);
		return {scheme: html.colorScheme, background: lum(html.backgroundColor), text: lum(getComputedStyle(document.body).color),
			label: document.querySelector('[data-testid="theme-toggle"]').textContent.trim(),
			name: document.querySelector('[data-testid="theme-toggle"]').getAttribute('aria-label'),
			pressed: document.querySelector('[data-testid="theme-toggle"]').getAttribute('aria-pressed'),
			stored: localStorage.getItem('hoplab-theme')};
	})()`, &c)
	return c
}

// TestExplorerDarkTheme: the explorer follows a system that prefers dark
// (dark page, light text) while its landscapes keep white white; the
// toggle switches to light, which is remembered across reloads and by the
// figures and API pages too; the panels' tick labels and the charts' axes
// follow the theme.
func TestExplorerDarkTheme(t *testing.T) {
	tb := newTab(t)
	tb.emulate(t, 1400, 900, "dark")
	tb.open(t, "/")
	tb.waitFor(t, "the first frame", `window.__hoplab && __hoplab.status === 'live' && __hoplab.frames > 0`)
	tb.waitFor(t, "the charts", `document.querySelectorAll('[data-testid^="chart-"] canvas').length >= 3`)

	c := tb.colours(t)
	if c.Scheme != "dark" || c.Background > 0.03 || c.Text < 0.6 || c.Stored != nil {
		t.Errorf("preferring dark: %+v, want a dark page (background luminance ≤ 0.03, text ≥ 0.6), nothing stored", c)
	}
	c.offers(t, "the explorer, the system preferring dark", "light")
	// White is data: white cells are painted white in the dark theme too.
	tb.eval(t, `document.querySelector('[data-testid="show-basins"]').click()`, nil)
	tb.waitFor(t, "the basins painted", `document.querySelector('[data-testid="legend-feature-0"]').dataset.show === 'basins'`)
	if share, n := tb.whiteCellsPainted(t); n < 100 || share < 0.8 {
		t.Errorf("dark theme: %.1f %% of %d white cells painted white, want at least 80 %%", 100*share, n)
	}
	tb.eval(t, `document.querySelector('[data-testid="show-both"]').click()`, nil)
	tb.waitFor(t, "both painted", `document.querySelector('[data-testid="legend-feature-0"]').dataset.show === 'both'`)
	// The tick labels are drawn in the page's muted text colour, light here.
	var tick string
	tb.eval(t, `getComputedStyle(document.querySelector('[data-testid="canvas-input-0"]')).color`, &tick)
	tb.viewportShot(t, "dark-explorer-1400.png")

	tb.click(t, "theme-toggle")
	c = tb.colours(t)
	if c.Scheme != "light" || c.Background < 0.9 || c.Text > 0.1 || c.Stored == nil || *c.Stored != "light" {
		t.Errorf("after the toggle: %+v, want the light page and light stored", c)
	}
	c.offers(t, "the explorer after choosing light", "dark")
	var tickLight string
	tb.eval(t, `getComputedStyle(document.querySelector('[data-testid="canvas-input-0"]')).color`, &tickLight)
	if tick == tickLight {
		t.Errorf("the panels' tick colour %s is the same in both themes", tick)
	}

	// The choice holds for the other pages and after a reload.
	for _, path := range []string{"/figures", "/about", "/"} {
		tb.open(t, path)
		c := tb.colours(t)
		if c.Scheme != "light" || c.Background < 0.9 {
			t.Errorf("%s after choosing light: %+v", path, c)
		}
		c.offers(t, path+" after choosing light", "dark")
	}
	tb.click(t, "theme-toggle")
	tb.open(t, "/about")
	c = tb.colours(t)
	if c.Scheme != "dark" || c.Background > 0.03 || c.Stored != nil {
		t.Errorf("/about after choosing the system's dark again: %+v, want dark and nothing stored", c)
	}
	c.offers(t, "/about following the system's dark", "light")
	tb.viewportShot(t, "dark-about.png")
	tb.open(t, "/figures")
	tb.waitFor(t, "the figures drawn", `window.__figures && document.querySelectorAll('[data-testid="panel"] canvas').length > 0`)
	tb.viewportShot(t, "dark-figures.png")
	tb.checkConsole(t, nil)
}

// TestExplorerProjector: on a 1920 × 1080 projector, outside presentation
// mode too, the panels grow past the old 224 px cap and the base text is
// 18 px; in the dark theme as well. With
// prefers-reduced-motion the help tips appear without their fade.
func TestExplorerProjector(t *testing.T) {
	tb := newTab(t)
	tb.emulate(t, 1920, 1080, "light")
	tb.open(t, "/")
	tb.waitFor(t, "the first frame", `window.__hoplab && __hoplab.status === 'live' && __hoplab.frames > 0`)
	tb.waitFor(t, "the charts", `document.querySelectorAll('[data-testid^="chart-"] canvas').length >= 3`)
	var got struct {
		Panel float64 `json:"panel"`
		Base  string  `json:"base"`
	}
	measure := `(() => { const c = [...document.querySelectorAll('canvas[data-testid^="canvas-"]')];
		return {panel: c[0].getBoundingClientRect().width, base: getComputedStyle(document.documentElement).fontSize}; })()`
	tb.eval(t, measure, &got)
	if got.Panel < 340 || got.Base != "18px" {
		t.Errorf("1920×1080: panels %.0f px, base text %s; want ≥ 340 px and 18px", got.Panel, got.Base)
	}
	t.Logf("1920×1080: panels %.0f px, base text %s", got.Panel, got.Base)
	tb.viewportShot(t, "projector-1920x1080.png")
	tb.emulate(t, 1920, 1080, "dark")
	tb.waitFor(t, "the dark theme", `getComputedStyle(document.documentElement).colorScheme === 'dark'`)
	// The system turned dark: the toggle now offers the light theme.
	tb.waitFor(t, "the toggle to offer the light theme", `document.querySelector('[data-testid="theme-toggle"]').textContent === 'light theme'`)
	tb.colours(t).offers(t, "the explorer after the system turned dark", "light")
	tb.viewportShot(t, "projector-1920x1080-dark.png")

	// Motion: the help tips fade in, unless the user asks for less motion.
	var at point
	tb.eval(t, `(() => { const r = document.querySelector('[data-testid="step"]').getBoundingClientRect(); return {x: r.left + r.width / 2, y: r.top + r.height / 2}; })()`, &at)
	tb.mouse(t, chromedp.MouseMoved, at)
	fade := `(() => { const s = getComputedStyle(document.querySelector('#help-step')); return s.animationDuration + ' ' + s.animationDelay; })()`
	var anim string
	tb.waitFor(t, "the step button's tip shown", `getComputedStyle(document.querySelector('#help-step')).display === 'block'`)
	tb.eval(t, fade, &anim)
	if anim != "0.12s 0.25s" {
		t.Errorf("help tip animation %q, want the fade (0.12s 0.25s)", anim)
	}
	if _, err := chromedp.Call(tb.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-reduced-motion", Value: "reduce"}},
	}); err != nil {
		t.Fatal(err)
	}
	tb.eval(t, fade, &anim)
	if anim != "1e-05s 0s" {
		t.Errorf("help tip animation with reduced motion %q, want none (1e-05s 0s)", anim)
	}
	tb.checkConsole(t, nil)
}
