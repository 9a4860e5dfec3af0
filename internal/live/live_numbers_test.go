package live

import (
	"hoplab/internal/live/livetest"
	"hoplab/internal/scenario"
	"strings"
	"testing"
)

// TestLiveNumbersChecked sends every live message that carries a number
// with values beyond its limits, huge and tiny: each gets an error naming
// the member (or, for a memory, its scenario path), and the session lives
// on unchanged.
func TestLiveNumbersChecked(t *testing.T) {
	_, url := startLive(t, scenario.Limits{})
	c := livetest.Dial(t, url)
	c.UntilSeq(c.Send(`{"type": "preset", "name": "clustered"}`))
	for _, tc := range []struct {
		msg, code, field, text string
	}{
		{`{"type": "probe", "space": "input", "x": 1e308, "y": -1e308}`, scenario.CodeLimitExceeded, "x", "absolute values"},
		{`{"type": "probe", "space": "input", "x": 0, "y": -1e308}`, scenario.CodeLimitExceeded, "y", "absolute values"},
		{`{"type": "probe", "space": "feature", "x": -1000001, "y": 0}`, scenario.CodeLimitExceeded, "x", "absolute values"},
		{`{"type": "probe", "space": "input", "x": 1e999, "y": 0}`, scenario.CodeInvalidField, "x", "finite"},
		{`{"type": "move", "i": 0, "x": 1e308, "y": -1e308}`, scenario.CodeLimitExceeded, "memories[0][0]", "absolute values"},
		{`{"type": "add", "x": 0, "y": -1e308}`, scenario.CodeLimitExceeded, "memories[8][1]", "absolute values"},
		{`{"type": "add", "x": 1e999, "y": 0}`, scenario.CodeInvalidField, "x", "finite"},
		{`{"type": "move", "i": 1e308, "x": 0, "y": 1}`, scenario.CodeInvalidField, "i", "integer"},
		{`{"type": "remove", "i": 18446744073709551616}`, scenario.CodeInvalidField, "i", "integer"},
		{`{"type": "goto", "t": 1e308}`, scenario.CodeInvalidField, "t", "integer"},
		{`{"type": "goto", "t": -1}`, scenario.CodeInvalidField, "t", ""},
		{`{"type": "speed", "itersPerSecond": 1e308}`, scenario.CodeLimitExceeded, "itersPerSecond", "iterations per second"},
		{`{"type": "speed", "itersPerSecond": 5e-324}`, scenario.CodeLimitExceeded, "itersPerSecond", "iterations per second"},
		{`{"type": "speed", "itersPerSecond": -1e308}`, scenario.CodeLimitExceeded, "itersPerSecond", "iterations per second"},
		{`{"type": "reseed", "seed": 1e308}`, scenario.CodeInvalidField, "seed", "integer"},
		{`{"type": "preset", "name": "random", "seed": -1}`, scenario.CodeInvalidField, "seed", ""},
		{`{"type": "load", "protocol": 1e308, "scenario": {}}`, scenario.CodeInvalidField, "protocol", "integer"},
		{`{"type": "patch", "scenario": {"view": {"grid": {"xmin": -1e308, "xmax": 1e308, "ymin": 0, "ymax": 1}}}}`, scenario.CodeLimitExceeded, "view.grid.xmin", "absolute values"},
	} {
		seq := c.Send(tc.msg)
		e := c.ExpectError(seq)
		if e.Code != tc.code || e.Field != tc.field || !strings.Contains(e.Message, tc.text) {
			t.Errorf("%s: got %+v, want code %s field %q message containing %q", tc.msg, e, tc.code, tc.field, tc.text)
		}
	}
	c.SendRaw(`{"type": "step", "seq": 1e308}`)
	if e := c.ExpectError(0); e.Code != scenario.CodeInvalidField || e.Field != "seq" {
		t.Errorf("seq 1e308: got %+v, want invalid_field seq", e)
	}
	f := c.UntilSeq(c.Send(`{"type": "step"}`))
	if f.T != 1 || f.Epoch != 1 || f.M != 8 {
		t.Errorf("after the errors a step shows t %d epoch %d M %d, want 1, 1, 8", f.T, f.Epoch, f.M)
	}
}
