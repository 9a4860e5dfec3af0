package api

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
	for _, p := range presetsWithCaptions() {
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

// TestLivePresetMatch: the state names the preset on show while the
// scenario is that preset's at any iteration, and null once anything else
// differs, so that the page never shows a caption for another picture.
func TestLivePresetMatch(t *testing.T) {
	_, url := startLive(t, Limits{})
	c := dialLive(t, url)
	preset := func(seq uint32) string {
		st := c.untilState(seq)
		if st.Preset == nil {
			return "<null>"
		}
		return *st.Preset
	}
	steps := []struct {
		msg, want string
	}{
		{`{"type":"preset","name":"figure1-4"}`, "figure1-4"},
		{`{"type":"step"}`, "figure1-4"},
		{`{"type":"patch","scenario":{"beta":21}}`, "<null>"},
		{`{"type":"patch","scenario":{"beta":20}}`, "figure1-4"},
		{`{"type":"move","i":0,"x":0.1,"y":0.2}`, "<null>"},
		{`{"type":"preset","name":"random","seed":3}`, "random"},
		{`{"type":"reseed"}`, "<null>"},
		{`{"type":"load","protocol":1,"scenario":{"memories":[[1,0],[0,1]]}}`, "<null>"},
	}
	for _, s := range steps {
		if got := preset(c.send(s.msg)); got != s.want {
			t.Errorf("after %s: preset %s, want %s", s.msg, got, s.want)
		}
	}
}
