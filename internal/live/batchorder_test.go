package live

import (
	"encoding/json"
	"strings"
	"testing"

	"hoplab/internal/live/livetest"
	"hoplab/internal/scenario"
	"hoplab/internal/sim"
)

// TestLiveBatchOrder: a live session accepts uhop.batchOrder, caps maxT
// to its rows, refuses to go beyond them, keeps the order in the state's
// scenario and shows the trajectory that the engine computes with it.
func TestLiveBatchOrder(t *testing.T) {
	_, url := startLive(t, scenario.Limits{})
	c := livetest.Dial(t, url)
	order := [][]int{{2, 0, 1}, {1, 2, 0}, {0, 2, 1}, {2, 1, 0}}
	orderJSON, _ := json.Marshal(order)
	sc := `{"memories": [[1, 0], [0.8, 0.6], [-0.6, 0.8]], "featureMap": {"init": "torchLinear", "seed": 3},
		"uhop": {"loss": "paper", "lr": 0.5, "tau": 0.2, "batchOrder": ` + string(orderJSON) + `}}`
	seq := c.Send(`{"type": "load", "protocol": 1, "scenario": ` + sc + `}`)
	c.UntilSeq(seq)
	if st := c.State; st.MaxT != len(order) {
		t.Fatalf("maxT = %d, want %d, the rows of the batch order", st.MaxT, len(order))
	}
	f := c.UntilSeq(c.Send(`{"type": "goto", "t": 4}`))
	if f.T != 4 {
		t.Fatalf("goto 4 shows t = %d", f.T)
	}
	if e := c.ExpectError(c.Send(`{"type": "goto", "t": 5}`)); e.Code != scenario.CodeLimitExceeded || e.Field != "t" || !strings.Contains(e.Message, "beyond 4") {
		t.Errorf("goto 5: %+v, want limit_exceeded on t", e)
	}
	if e := c.ExpectError(c.Send(`{"type": "patch", "scenario": {"uhop": {"batchOrder": [[0, 1, 2], [0, 1, 2], [0, 1, 1], [0, 1, 2]]}}}`)); e.Code != scenario.CodeInvalidField || e.Field != "uhop.batchOrder[2][2]" {
		t.Errorf("a batch order that is not a permutation: %+v", e)
	}
	if e := c.ExpectError(c.Send(`{"type": "patch", "scenario": {"uhop": {"batchOrder": [[0, 1, 2]]}}}`)); e.Code != scenario.CodeInvalidField || e.Field != "uhop.batchOrder" || !strings.Contains(e.Message, "fewer than the N = 4 steps") {
		t.Errorf("fewer rows than t: %+v", e)
	}

	// The state's scenario carries the order; the engine, given it, has
	// the metrics of the frame at t = 4, and without it others.
	got, err := scenario.Decode(c.State.Scenario)
	if err != nil {
		t.Fatal(err)
	}
	if got.UHop.BatchOrder == nil || len(*got.UHop.BatchOrder) != len(order) {
		t.Fatalf("the state's scenario has batch order %v", got.UHop.BatchOrder)
	}
	steps := func(withOrder bool) sim.State {
		cp := *got
		u := *got.UHop
		if !withOrder {
			u.BatchOrder = nil
		}
		cp.UHop = &u
		p, err := scenario.Resolve(scenario.WithoutSnapshots(&cp), scenario.DefaultLimits())
		if err != nil {
			t.Fatal(err)
		}
		run, err := p.Start()
		if err != nil {
			t.Fatal(err)
		}
		for range 4 {
			run.Step()
		}
		return run.State(4)
	}
	if want := steps(true); f.Loss != want.Loss || f.MinAngleDeg != want.MinAngleDeg {
		t.Errorf("t = 4: loss %g, angle %g; the engine with the order: %g, %g", f.Loss, f.MinAngleDeg, want.Loss, want.MinAngleDeg)
	}
	if other := steps(false); f.MinAngleDeg == other.MinAngleDeg {
		t.Errorf("t = 4: the order did not change the trajectory (angle %g either way)", f.MinAngleDeg)
	}
}
