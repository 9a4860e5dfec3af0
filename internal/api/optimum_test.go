package api

import (
	"hoplab/internal/live/livetest"
	"hoplab/internal/scenario"
	"math"
	"net/http"
	"reflect"
	"strconv"
	"testing"
)

// TestLiveOptimum: every state message carries the optimum for the
// session's (D_Φ, M), the same entry as GET /api/v1/spherical-codes with
// its dim, following changes of D_Φ and M; null with a single memory.
func TestLiveOptimum(t *testing.T) {
	s, url := startLive(t, scenario.Limits{})
	h := s.routes(nil)
	c := livetest.Dial(t, url)

	// entry is the endpoint's answer for (dim, m), with dim added, as a
	// client decodes it.
	entry := func(dim, m int) map[string]any {
		t.Helper()
		rec := getCodes(h, "dim="+strconv.Itoa(dim)+"&m="+strconv.Itoa(m))
		var res struct {
			Codes []map[string]any `json:"codes"`
		}
		livetest.MustUnmarshal(t, rec.Body.Bytes(), &res)
		if rec.Code != http.StatusOK || len(res.Codes) != 1 {
			t.Fatalf("GET dim=%d m=%d: %d %s", dim, m, rec.Code, rec.Body)
		}
		res.Codes[0]["dim"] = float64(dim)
		return res.Codes[0]
	}
	eight := `[[1, 0], [0.7, 0.7], [0, 1], [-0.7, 0.7], [-1, 0], [-0.7, -0.7], [0, -1], [0.7, -0.8]]`
	for _, c2 := range []struct {
		name, msg string
		dim, m    int
		angleDeg  float64 // NaN: null
	}{
		{"D_Φ = 3, M = 8 (issue 9)", `{"type": "load", "protocol": 1, "scenario": {"memories": ` + eight + `, "featureMap": {"dim": 3, "init": "random"}, "view": {"grid": {"nx": 8, "ny": 8}}}}`, 3, 8, 74.8584922},
		{"D_Φ = 2", `{"type": "patch", "scenario": {"featureMap": {"dim": 2}}}`, 2, 8, 45},
		{"a memory added", `{"type": "add", "x": -1, "y": 0.1}`, 2, 9, 40},
		{"D_Φ = 5: bounds only", `{"type": "patch", "scenario": {"featureMap": {"dim": 5}}}`, 5, 9, math.NaN()},
		{"D_Φ = 3, M = 9", `{"type": "patch", "scenario": {"featureMap": {"dim": 3}}}`, 3, 9, 70.5287794},
		{"one memory", `{"type": "patch", "scenario": {"memories": [[1, 0]]}}`, 3, 1, 0},
	} {
		st := c.UntilSettled(c.Send(c2.msg))
		if st.Dims["k"] != c2.dim || st.Dims["m"] != c2.m {
			t.Fatalf("%s: dims %v, want k = %d, m = %d", c2.name, st.Dims, c2.dim, c2.m)
		}
		if c2.m < 2 {
			if string(st.Optimum) != "null" {
				t.Errorf("%s: optimum %s, want null", c2.name, st.Optimum)
			}
			continue
		}
		var got map[string]any
		livetest.MustUnmarshal(t, st.Optimum, &got)
		if want := entry(c2.dim, c2.m); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: optimum %v, want the endpoint's entry %v", c2.name, got, want)
		}
		if a, ok := got["angleDeg"].(float64); math.IsNaN(c2.angleDeg) && got["angleDeg"] != nil ||
			!math.IsNaN(c2.angleDeg) && (!ok || math.Abs(a-c2.angleDeg) > 1e-12) {
			t.Errorf("%s: angleDeg %v, want %v", c2.name, got["angleDeg"], c2.angleDeg)
		}
	}
}
