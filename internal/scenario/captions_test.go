package scenario

import (
	"strings"
	"testing"
)

// TestPresetCaptions: each caption is generated from its preset's own run
// and says what happens there. Figure 1 with four memories must not claim
// that U-Hop+ pulls the pairs apart: its angle stays at 13.5°, and the
// change from the raw row comes from the initial map.
func TestPresetCaptions(t *testing.T) {
	caps := map[string]string{}
	for _, p := range PresetsWithCaptions() {
		if !strings.HasPrefix(p.Description, p.Intro) {
			t.Errorf("%s: the caption does not start with the intro", p.Name)
		}
		caps[p.Name] = p.Description
	}
	for _, c := range []struct {
		preset       string
		want, refuse []string
	}{
		{"figure1-4", []string{"stays near 13.5°", "comes from the initial map", "0.240091", "0.239994"}, []string{"spreads", "pulls"}},
		{"figure1-2", []string{"grows from 81.7° to 160.0°", "β = 1/0.9"}, nil},
		{"clustered", []string{"grows from 10.0° to 25.8°", "peaks at 28.2° at t = 140", "optimal code for M = 8 on the circle has 45.0°"}, nil},
		{"basins", []string{"grows from 11.8° to 27.6°", "feature view: softmax 58 % → 53 %"}, nil},
		{"antipodal", []string{"stays near 180.0°", "The loss L stays at"}, []string{"goes from"}},
		{"random", []string{"Settings: M = 8"}, []string{"°", "White"}},
	} {
		got := caps[c.preset]
		for _, w := range c.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s caption lacks %q:\n%s", c.preset, w, got)
			}
		}
		for _, r := range c.refuse {
			if strings.Contains(got, r) {
				t.Errorf("%s caption says %q:\n%s", c.preset, r, got)
			}
		}
	}
}
