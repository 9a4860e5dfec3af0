package api

import (
	"context"
	"hoplab/internal/scenario"
	"net/http"
	"strings"
	"testing"

	"github.com/coder/websocket"
)

// TestRunDuplicateField posts scenarios with a key given twice: each is
// refused with 400 duplicate_field naming the key's path.
func TestRunDuplicateField(t *testing.T) {
	h := newTestServer(t, scenario.Limits{}).routes(nil)
	for body, field := range map[string]string{
		`{"memories": [[1, 0], [0, 1]], "uhop": {"lr": 1, "lr": 2}}`:                                  "uhop.lr",
		`{"memories": [[1, 0], [0, 1]], "beta": 1, "beta": 1}`:                                        "beta",
		`{"memories": [[1, 0], [0, 1]], "memories": [[1, 0]]}`:                                        "memories",
		`{"memories": [[1, 0], [0, 1]], "view": {"grid": {"nx": 4, "ny": 4, "nx": 5}}}`:               "view.grid.nx",
		`{"memories": [[1, 0], [0, 1]], "ui": {"notes": [{"t": 1, "t": 2}]}}`:                         "ui.notes[0].t",
		`{"memories": [[1, 0], [0, 1]], "featureMap": {"affine": true, "aff\u0069ne": false}}`:        "featureMap.affine",
		"\n{\"memories\": [[1, 0], [0, 1]],\n \"separations\": [\"softmax\"], \"separations\": []}\n": "separations",
	} {
		rec := postRun(h, body)
		if rec.Code != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400", body, rec.Code)
			continue
		}
		if e := errorOf(t, rec); e.Code != scenario.CodeDuplicateField || e.Field != field || !strings.Contains(e.Message, "more than once") {
			t.Errorf("%s: error %+v, want duplicate_field %q", body, e, field)
		}
	}
	// The same key in different objects is fine.
	resultOf(t, postRun(h, `{"memories": [[1, 0], [0, 1]], "view": {"grid": {"nx": 4, "ny": 4}}, "ui": {"a": {"nx": 1}, "b": {"nx": 2}}}`))
}

// TestLiveHygiene sends live messages with repeated keys (each gets a
// duplicate_field error, the session lives on) and then a text message
// that is not UTF-8, which closes the connection with 1007.
func TestLiveHygiene(t *testing.T) {
	_, url := startLive(t, scenario.Limits{})
	c := dialLive(t, url)
	c.untilSeq(c.send(`{"type": "preset", "name": "clustered"}`))
	for msg, field := range map[string]string{
		`{"type": "move", "i": 0, "x": 1, "x": 2, "y": 0}`:                                          "x",
		`{"type": "step", "type": "play"}`:                                                          "type",
		`{"type": "patch", "scenario": {"uhop": {"lr": 1, "lr": 2}}}`:                               "uhop.lr",
		`{"type": "patch", "scenario": {"beta": 1}, "scenario": {"beta": 2}}`:                       "scenario",
		`{"type": "load", "protocol": 1, "scenario": {"memories": [[1, 0]], "beta": 1, "beta": 2}}`: "beta",
		`{"type": "views", "views": ["input"], "views": ["feature"]}`:                               "views",
	} {
		seq := c.send(msg)
		if e := c.expectError(seq); e.Code != scenario.CodeDuplicateField || e.Field != field {
			t.Errorf("%s: error %+v, want duplicate_field %q", msg, e, field)
		}
	}
	c.sendRaw(`{"seq": 1, "seq": 2, "type": "step"}`)
	if e := c.expectError(0); e.Code != scenario.CodeDuplicateField || e.Field != "seq" {
		t.Errorf("a repeated seq: error %+v, want duplicate_field seq with seq 0", e)
	}
	f := c.untilSeq(c.send(`{"type": "step"}`))
	if f.t != 1 || f.epoch != 1 || f.m != 8 {
		t.Errorf("after the errors a step shows t %d epoch %d M %d, want 1, 1, 8", f.t, f.epoch, f.m)
	}

	ctx, cancel := context.WithTimeout(context.Background(), liveTimeout)
	defer cancel()
	if err := c.conn.Write(ctx, websocket.MessageText, []byte("{\"type\": \"step\", \"seq\": 9, \"x\": \"\xff\xfe\"}")); err != nil {
		t.Fatal(err)
	}
	for {
		_, _, err := c.conn.Read(ctx)
		if err != nil {
			if websocket.CloseStatus(err) != websocket.StatusInvalidFramePayloadData {
				t.Fatalf("after invalid UTF-8: %v, want close status 1007", err)
			}
			break
		}
	}
}
