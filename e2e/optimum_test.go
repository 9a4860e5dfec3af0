package e2e

import (
	"encoding/base64"
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"

	"hoplab/internal/sim/sphere"
)

// jsFmt formats v as dom.js's fmt does for 1e-3 ≤ |v| < 1e5: four
// significant digits, trailing zeros dropped.
func jsFmt(v float64) string {
	r, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'g', 4, 64), 64)
	return strconv.FormatFloat(r, 'f', -1, 64)
}

// TestExplorerOptimum (issue 9, item 5): the minimum-angle reference
// follows the server's optimum for (D_Φ, M): 360°/M on the circle, the
// Tammes angle in 3-D (M = 8: 74.86°, not 45°), and the Prop. 3.1 band,
// 2·asin(√(Δ/2)) in degrees, where no code is known (D_Φ = 5).
func TestExplorerOptimum(t *testing.T) {
	deg := func(delta float64) float64 { return 2 * math.Asin(math.Sqrt(min(2, max(0, delta))/2)) * 180 / math.Pi }
	lower, upper := sphere.Prop31Bounds(8, 5)
	for _, c := range []struct {
		dim  int
		want string
	}{
		{2, "(optimum 45°)"},
		{3, "(optimum 74.86°)"},
		{5, fmt.Sprintf("(Prop. 3.1: %s° … %s°)", jsFmt(deg(lower)), jsFmt(deg(upper)))},
	} {
		t.Run(fmt.Sprintf("D_Φ=%d", c.dim), func(t *testing.T) {
			mem := make([]string, 8)
			for i := range mem {
				a := float64(i) * 40 * math.Pi / 180
				mem[i] = fmt.Sprintf("[%v, %v]", math.Cos(a), math.Sin(a))
			}
			link := fmt.Sprintf(`{"scenario": {"memories": [%s], "featureMap": {"dim": %d, "init": "random"},
				"uhop": {"iterations": 40}, "view": {"grid": {"nx": 32, "ny": 32}}}}`, strings.Join(mem, ", "), c.dim)
			tb := openExplorerAt(t, "/#s="+base64.RawURLEncoding.EncodeToString([]byte(link)))
			tb.waitFor(t, "the optimum "+c.want, fmt.Sprintf(`document.querySelector('[data-testid="metrics-now"]').textContent.includes(%q)`, c.want))
			var legend string
			tb.eval(t, `document.querySelector('[data-testid="chart-angle"]').textContent`, &legend)
			for _, label := range []string{"Prop. 3.1 bounds (upper)", "Prop. 3.1 bounds (lower)"} {
				if !strings.Contains(legend, label) {
					t.Errorf("the angle chart's legend %q lacks %q", legend, label)
				}
			}
			// The reference is called what it is: proven optimal, or only best known.
			if !strings.Contains(legend, "optimum") && !strings.Contains(legend, "best known") {
				t.Errorf("the angle chart's legend %q names no reference", legend)
			}
			tb.checkConsole(t, nil)
		})
	}
}
