package e2e

import (
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestExplorerShowsComputing changes τ of a scenario whose trajectory
// takes a while to recompute (24 memories, D_Φ = 512, 600 iterations):
// meanwhile the page keeps its last frame, marks the panels out of date and
// shows the progress the server reports, which grows; when the trajectory
// is done, the marks go and the new iteration is shown.
func TestExplorerShowsComputing(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	mem := make([]string, 24)
	for i := range mem {
		mem[i] = fmt.Sprintf("[%.4f, %.4f]", rng.NormFloat64(), rng.NormFloat64())
	}
	link := fmt.Sprintf(`{"scenario": {"memories": [%s], "beta": 8,
		"featureMap": {"dim": 512, "affine": true, "init": "random", "seed": 3},
		"uhop": {"iterations": 600, "optimizer": "adam", "lr": 0.01, "tau": 0.3},
		"view": {"grid": {"nx": 64, "ny": 64}}}}`, strings.Join(mem, ", "))
	tb := openExplorerAt(t, "/#s="+base64.RawURLEncoding.EncodeToString([]byte(link)))
	tb.waitIteration(t, 600)
	tb.waitFor(t, "no computation shown", `!document.querySelector('[data-testid="computing"]').classList.contains('active') && !document.querySelector('[data-testid="panels"]').classList.contains('out-of-date')`)
	var drawn int
	tb.eval(t, `__hoplab.frames`, &drawn)

	tb.typeInto(t, "param-tau", "0.25")
	tb.waitFor(t, "the progress of the recomputation", `document.querySelector('[data-testid="computing"]').classList.contains('active')
		&& document.querySelector('[data-testid="computing-text"]').textContent.startsWith('recomputing the trajectory to t = 600')
		&& document.querySelector('[data-testid="panels"]').classList.contains('out-of-date')`)
	tb.waitFor(t, "progress above 0", `document.querySelector('[data-testid="computing-progress"]').value > 0
		|| !document.querySelector('[data-testid="computing"]').classList.contains('active')`)
	var opacity string
	tb.eval(t, `getComputedStyle(document.querySelector('[data-testid="panels"] canvas')).opacity`, &opacity)
	if shown := tb.computingShown(t); shown && opacity != "0.45" {
		t.Errorf("the out-of-date panels have opacity %s, want 0.45", opacity)
	}
	tb.screenshot(t, "explorer-computing.png")
	var frames int
	tb.eval(t, `__hoplab.frames`, &frames)
	if tb.computingShown(t) && frames != drawn {
		t.Errorf("%d frames painted while the trajectory was being recomputed, want the last one kept", frames-drawn)
	}
	tb.waitFor(t, "the recomputed trajectory", `!document.querySelector('[data-testid="computing"]').classList.contains('active')
		&& !document.querySelector('[data-testid="panels"]').classList.contains('out-of-date')
		&& __hoplab.scenario.uhop.tau === 0.25`)
	tb.waitIteration(t, 600)
	tb.checkConsole(t, nil)
}

// computingShown reports whether the page shows a computation in progress.
func (tb *tab) computingShown(t *testing.T) bool {
	var active bool
	tb.eval(t, `document.querySelector('[data-testid="computing"]').classList.contains('active')`, &active)
	return active
}
