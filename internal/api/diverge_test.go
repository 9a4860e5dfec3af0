package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"hoplab/internal/scenario"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// divergentScenario is the request of issue 8: within every limit, its
// SGD steps with lr 1000 and momentum `momentum` drive W past the float64
// range. The grid is nx×nx.
func divergentScenario(momentum float64, nx int, extra string) string {
	return fmt.Sprintf(`{"memories":[[1,0],[0.9,0.3],[0.8,-0.4]],"featureMap":{"affine":true},
	  "uhop":{"iterations":104,"optimizer":"sgd","lr":1000,"momentum":%g},
	  "separations":["entmax15"],"view":{"grid":{"nx":%d,"ny":%d}},"snapshots":[104]%s}`, momentum, nx, nx, extra)
}

// divergedBody is the 422 answer of a diverged run.
type divergedBody struct {
	Error      errorDetail `json:"error"`
	Trajectory []stateJSON `json:"trajectory"`
}

// divergedOf checks that rec is the documented 422 and decodes it strictly.
func divergedOf(t *testing.T, status int, body []byte) divergedBody {
	t.Helper()
	if status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d, want 422; body %.300s", status, body)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	var b divergedBody
	if err := dec.Decode(&b); err != nil {
		t.Fatalf("422 body does not decode: %v; %.300s", err, body)
	}
	e := b.Error
	if e.Code != scenario.CodeDiverged || e.Field != "uhop.lr" || e.Iteration == nil {
		t.Fatalf("error %+v, want code diverged, field uhop.lr and an iteration", e)
	}
	if !strings.Contains(e.Message, "uhop.lr") || !strings.Contains(e.Message, "uhop.momentum") {
		t.Errorf("message %q does not hint at uhop.lr and uhop.momentum", e.Message)
	}
	if len(b.Trajectory) != *e.Iteration {
		t.Fatalf("the trajectory has %d states, want the finite prefix 0 … %d", len(b.Trajectory), *e.Iteration-1)
	}
	for i, st := range b.Trajectory {
		if st.Iteration != i || st.Loss == nil || st.DeltaMin == nil || st.MinAngleDeg == nil {
			t.Fatalf("state %d: iteration %d, loss %v, Δmin %v, angle %v; want iteration %d and finite metrics",
				i, st.Iteration, st.Loss, st.DeltaMin, st.MinAngleDeg, i)
		}
		for _, row := range st.W {
			for _, v := range row {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					t.Fatalf("state %d has a non-finite W", i)
				}
			}
		}
	}
	return b
}

// TestRunDiverged: a run that diverges is answered 422 with the finite
// prefix, whatever the grid, on the pool, and when several run at once;
// the server keeps serving. Before the fix the first answered 500 and the
// larger ones killed the process.
func TestRunDiverged(t *testing.T) {
	h := newTestServer(t, scenario.Limits{}).routes(nil)

	rec := postRun(h, divergentScenario(1000, 4, ""))
	b := divergedOf(t, rec.Code, rec.Body.Bytes())
	first := *b.Error.Iteration
	if first < 1 || first > 104 {
		t.Fatalf("diverged at %d, want 1 … 104", first)
	}

	// The same run asked only for its finite prefix is a plain 200.
	short := strings.Replace(divergentScenario(1000, 4, ""), `"iterations":104`, fmt.Sprintf(`"iterations":%d`, first-1), 1)
	short = strings.Replace(short, `"snapshots":[104]`, fmt.Sprintf(`"snapshots":[%d]`, first-1), 1)
	res := resultOf(t, postRun(h, short))
	if len(res.Trajectory) != first {
		t.Fatalf("the finite prefix alone: %d states, want %d", len(res.Trajectory), first)
	}
	for i := range res.Trajectory {
		if got, want := res.Trajectory[i], b.Trajectory[i]; !equalRows(got.W, want.W) || *got.Loss != *want.Loss {
			t.Fatalf("state %d differs between the 422 prefix and the 200 run", i)
		}
	}
	checkCells(t, res)

	// Momentum 10 and larger grids run on the worker pool, four at once:
	// the run stays finite, with W so large that the maps meet scores
	// whose differences overflow (the panic of issue 8).
	var wg sync.WaitGroup
	recs := make([]*httptest.ResponseRecorder, 4)
	for i := range recs {
		wg.Go(func() { recs[i] = postRun(h, divergentScenario(10, 256, "")) })
	}
	wg.Wait()
	for _, rec := range recs {
		checkCells(t, resultOf(t, rec))
	}
	resultOf(t, postRun(h, `{"memories": [[1, 0], [0, 1]]}`)) // still serving
}

// checkCells checks the documented cell contract of every panel of res:
// a cell is a number with a label -1 … M-1, or undefined (-2) with a null
// energy and support 0, and undefinedCells counts the undefined ones.
func checkCells(t *testing.T, res *resultJSON) {
	t.Helper()
	for _, snap := range res.Snapshots {
		for _, p := range snap.Panels {
			undefined := 0
			for i, row := range p.Labels {
				for j, l := range row {
					e := p.Energy[i][j]
					switch {
					case l == -2:
						undefined++
						if e != nil || p.Support[i][j] != 0 {
							t.Fatalf("undefined cell (%d, %d) has energy %v, support %d; want null and 0", i, j, *e, p.Support[i][j])
						}
					case l < -1 || l >= len(snap.Points):
						t.Fatalf("cell (%d, %d) has label %d", i, j, l)
					case e == nil:
						t.Fatalf("cell (%d, %d) with label %d has a null energy", i, j, l)
					}
				}
			}
			if undefined != p.UndefinedCells {
				t.Errorf("undefinedCells = %d, the labels hold %d", p.UndefinedCells, undefined)
			}
		}
	}
}
