package scenario

import (
	"fmt"
	"hoplab/internal/sim/separation"
	"testing"
)

// TestRenderUnitNs pins the cost model to the map kinds: sorting maps grow
// with M beyond the insertion-sort range, bisection costs most.
func TestRenderUnitNs(t *testing.T) {
	bis, err := separation.Entmax(1.5)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		sep  separation.Map
		m    int
		want float64
	}{
		{separation.Softmax(), 8, 8.2}, {separation.Softmax(), 512, 20.8},
		{separation.Sparsemax(), 8, 13}, {separation.Entmax15(), 512, 76},
		{bis, 2, 3004}, {bis, 512, 4024},
	} {
		if got := renderUnitNs(c.sep, c.m); got != c.want {
			t.Errorf("renderUnitNs(%s, %d) = %g, want %g", c.sep.Name(), c.m, got, c.want)
		}
	}
}

// TestLastIterationMatchesRun: the last iteration a live session may reach
// is the last N that POST /api/v1/run accepts for the same dimensions.
func TestLastIterationMatchesRun(t *testing.T) {
	lim := DefaultLimits()
	for _, c := range []struct{ m, d, k int }{{2, 2, 2}, {512, 2, 2}, {64, 512, 512}, {8, 2, 300}} {
		last := lim.LastIteration(int64(c.m), int64(c.d), int64(c.k))
		for _, n := range []int{last, last + 1} {
			body := fmt.Sprintf(`{"memories":%s,"normalizeMemories":false,"featureMap":{"dim":%d,"init":"random"},"uhop":{"iterations":%d},"snapshots":[]}`,
				matrixJSON(c.m, c.d, func(i, j int) float64 { return float64((i+j)%3) + 1 }), c.k, n)
			p, err := Resolve(mustDecode(t, body), lim)
			ok := err == nil && p.Iterations == n
			if ok != (n == last) {
				t.Errorf("M %d, d %d, D_Φ %d: N = %d accepted %v (lastIteration %d): %v", c.m, c.d, c.k, n, ok, last, err)
			}
		}
	}
}

func mustDecode(t *testing.T, body string) *Scenario {
	t.Helper()
	sc, err := Decode([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	return sc
}
