package live

import (
	"hoplab/internal/live/livetest"
	"hoplab/internal/scenario"
	"testing"
)

// TestLivePresetMatch: the state names the preset on show while the
// scenario is that preset's at any iteration, and null once anything else
// differs, so that the page never shows a caption for another picture.
func TestLivePresetMatch(t *testing.T) {
	_, url := startLive(t, scenario.Limits{})
	c := livetest.Dial(t, url)
	preset := func(seq uint32) string {
		st := c.UntilState(seq)
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
		if got := preset(c.Send(s.msg)); got != s.want {
			t.Errorf("after %s: preset %s, want %s", s.msg, got, s.want)
		}
	}
}
