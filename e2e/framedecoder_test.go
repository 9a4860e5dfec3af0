package e2e

import (
	"strconv"
	"testing"
)

// TestExplorerDecodesFramesInWorker: the page decodes frames in its module
// worker (web/static/js/framedecoder.js), not on the main thread. With the
// main thread's DecompressionStream removed, a frame decoded there would
// fail ("body does not inflate"); the next frame must be painted, with no
// error shown.
func TestExplorerDecodesFramesInWorker(t *testing.T) {
	tb := openExplorer(t)
	var before int
	tb.eval(t, `(() => { globalThis.DecompressionStream = undefined; return __hoplab.frames; })()`, &before)
	tb.click(t, "step")
	tb.waitIteration(t, 1)
	tb.waitFor(t, "a frame painted after the step", `__hoplab.frames > `+strconv.Itoa(before))
	var shown string
	tb.eval(t, `document.querySelector('[data-testid="error"]').textContent`, &shown)
	if shown != "" {
		t.Errorf("the page shows the error %q", shown)
	}
	tb.checkConsole(t, nil)
}
