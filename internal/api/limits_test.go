package api

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"hoplab/internal/scenario"
	"hoplab/internal/sim/separation"
)

// TestWorkLimitsCalibrated: requests that the old count (cost 1 per exact
// map, whatever M) let through but that would run for minutes are refused
// before any work starts, with the estimate in the message; the
// explorer-sized ones stay accepted. Before the calibration the first
// case burnt 77 CPU-seconds and timed out.
func TestWorkLimitsCalibrated(t *testing.T) {
	h := newTestServer(t, scenario.Limits{}).routes(nil)
	rng := rand.New(rand.NewPCG(3, 1))
	mem := func(m int) string {
		rows := make([]string, m)
		for i := range rows {
			rows[i] = fmt.Sprintf("[%g,%g]", rng.NormFloat64(), rng.NormFloat64())
		}
		return "[" + strings.Join(rows, ",") + "]"
	}
	for _, c := range []struct {
		name, sep    string
		m, nx, steps int
	}{
		// 88²·1000·512 = 3.97e9 old units: accepted before, about 160 CPU-s.
		{"sparsemax with 512 memories", "sparsemax", 512, 88, 1000},
		{"entmax15 with 256 memories", "entmax15", 256, 120, 1000},
		// Accepted by the first calibration, which timed a bisection map
		// with a fast exponent: 63 CPU-s; softmax at β = 5000 takes exp's
		// slow path: about 100 CPU-s.
		{"bisection with a general α", "entmax:1.2", 8, 256, 60},
		{"softmax at β = 5000 with 512 memories", "softmax", 512, 512, 74},
	} {
		body := fmt.Sprintf(`{"memories":%s,"beta":%g,"separations":[%q],"retrieval":{"steps":%d},"view":{"grid":{"nx":%d,"ny":%d}},"snapshots":[0]}`,
			mem(c.m), map[bool]float64{true: 5000, false: 0.01}[c.sep == "softmax"], c.sep, c.steps, c.nx, c.nx)
		rec := postRun(h, body)
		if rec.Code != 400 {
			t.Errorf("%s: status %d, want 400; %.200s", c.name, rec.Code, rec.Body)
			continue
		}
		if e := errorOf(t, rec); e.Code != scenario.CodeLimitExceeded || e.Field != "retrieval.steps" || !strings.Contains(e.Message, "CPU-seconds") {
			t.Errorf("%s: error %+v, want limit_exceeded on retrieval.steps with the estimate", c.name, e)
		}
	}
	// The explorer's frames and the paper's figures fit easily.
	three := []separation.Map{separation.Softmax(), separation.Entmax15(), separation.Sparsemax()}
	lim := scenario.DefaultLimits()
	if w := scenario.RenderWork(256*256*2*5, 64, three); w > float64(lim.MaxLiveFrameWork) {
		t.Errorf("a live frame of 256² cells, 64 memories: %g ns, beyond MaxLiveFrameWork", w)
	}
	if w := scenario.RenderWork(100*100*4*5, 5, three); w > 1e9 {
		t.Errorf("the basins figure: %g ns, want under a second", w)
	}
}
