package live

import (
	"context"
	"hoplab/internal/live/livetest"
	"hoplab/internal/scenario"
	"testing"

	"github.com/coder/websocket"
)

// TestLiveHygiene sends live messages with repeated keys (each gets a
// duplicate_field error, the session lives on) and then a text message
// that is not UTF-8, which closes the connection with 1007.
func TestLiveHygiene(t *testing.T) {
	_, url := startLive(t, scenario.Limits{})
	c := livetest.Dial(t, url)
	c.UntilSeq(c.Send(`{"type": "preset", "name": "clustered"}`))
	for msg, field := range map[string]string{
		`{"type": "move", "i": 0, "x": 1, "x": 2, "y": 0}`:                                          "x",
		`{"type": "step", "type": "play"}`:                                                          "type",
		`{"type": "patch", "scenario": {"uhop": {"lr": 1, "lr": 2}}}`:                               "uhop.lr",
		`{"type": "patch", "scenario": {"beta": 1}, "scenario": {"beta": 2}}`:                       "scenario",
		`{"type": "load", "protocol": 1, "scenario": {"memories": [[1, 0]], "beta": 1, "beta": 2}}`: "beta",
		`{"type": "views", "views": ["input"], "views": ["feature"]}`:                               "views",
	} {
		seq := c.Send(msg)
		if e := c.ExpectError(seq); e.Code != scenario.CodeDuplicateField || e.Field != field {
			t.Errorf("%s: error %+v, want duplicate_field %q", msg, e, field)
		}
	}
	c.SendRaw(`{"seq": 1, "seq": 2, "type": "step"}`)
	if e := c.ExpectError(0); e.Code != scenario.CodeDuplicateField || e.Field != "seq" {
		t.Errorf("a repeated seq: error %+v, want duplicate_field seq with seq 0", e)
	}
	f := c.UntilSeq(c.Send(`{"type": "step"}`))
	if f.T != 1 || f.Epoch != 1 || f.M != 8 {
		t.Errorf("after the errors a step shows t %d epoch %d M %d, want 1, 1, 8", f.T, f.Epoch, f.M)
	}

	ctx, cancel := context.WithTimeout(context.Background(), livetest.Timeout)
	defer cancel()
	if err := c.Conn.Write(ctx, websocket.MessageText, []byte("{\"type\": \"step\", \"seq\": 9, \"x\": \"\xff\xfe\"}")); err != nil {
		t.Fatal(err)
	}
	for {
		_, _, err := c.Conn.Read(ctx)
		if err != nil {
			if websocket.CloseStatus(err) != websocket.StatusInvalidFramePayloadData {
				t.Fatalf("after invalid UTF-8: %v, want close status 1007", err)
			}
			break
		}
	}
}
