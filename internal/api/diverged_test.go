package api

import (
	"strings"
	"testing"
)

// divergentScenario is the body of issue 8 §1: SGD with lr 1000 and
// momentum 1000 overflows W at iteration 104.
const divergentScenario = `{"memories":[[1,0],[0.9,0.3],[0.8,-0.4]],"featureMap":{"affine":true},
	"uhop":{"iterations":104,"optimizer":"sgd","lr":1000,"momentum":1000},
	"separations":["entmax15"],"view":{"grid":{"nx":4,"ny":4}},"snapshots":[104]}`

// TestRunDivergedAnswers checks that a run that diverges is answered with
// an error that says so, rather than stepping forever (a diverged sim.Run
// no longer steps) or crashing.
func TestRunDivergedAnswers(t *testing.T) {
	h := newTestServer(t, Limits{}).routes(nil)
	rec := postRun(h, divergentScenario)
	if rec.Code < 400 || !strings.Contains(rec.Body.String(), "diverged at iteration 104") {
		t.Errorf("status %d, body %s; want an error naming the divergence at 104", rec.Code, rec.Body)
	}
}

// TestLiveDivergedLoad checks the same for a live session: loading the
// divergent scenario gets an error reply, and the session keeps serving.
func TestLiveDivergedLoad(t *testing.T) {
	_, url := startLive(t, Limits{})
	c := dialLive(t, url)
	e := c.expectError(c.send(`{"type": "load", "protocol": 1, "scenario": ` + divergentScenario + `}`))
	if !strings.Contains(e.Message, "diverged at iteration 104") {
		t.Errorf("error %+v, want one naming the divergence at 104", e)
	}
	if f := c.untilSeq(c.send(`{"type": "preset", "name": "clustered"}`)); f.m != 8 {
		t.Errorf("after the error the preset shows M = %d", f.m)
	}
}
