package sim

import (
	"errors"

	"hoplab/internal/sim/separation"
)

// ProbePath is the retrieval of one query by one separation map, step by
// step, in the view's coordinates.
type ProbePath struct {
	Separation separation.Map
	// Points are q₀ (the query), q₁, …, q_T after each of the T = Steps
	// updates, T+1 rows of (x, y).
	Points [][2]float64
	// Energy[s] is the panel's energy at Points[s], as a grid cell at that
	// point computes it, and NaN where that is not finite. (A grid cell
	// that is undefined shows NaN even where Energy[0] is finite: its
	// retrieval overflowed later, see Label.)
	Energy []float64
	// Support[s] is the support size of the probability vector of update
	// s+1, Sep(z(q_s)), counted as the grid counts it (softmax entries above
	// SupportEps, other maps entries > 0); T entries.
	Support []int
	// Label is the memory q_T is retrieved to (within Tolerance of its view
	// point, the nearest; lowest index on ties), LabelWhite (-1) if none,
	// or LabelUndefined (-2) if the energy at q₀ or q_T is not finite (the
	// scores overflowed on the way; Points then holds NaN from that step
	// on): the label a grid cell at q₀ gets.
	Label int
}

// Probe retrieves the query (x, y) of fs's view after t steps with every map
// of fs, for all fs.Steps updates (no early stop; the grid's early stop
// never changes a result): PrepareProbe, then FramePlan.Probe on the
// calling goroutine. fs.Grid is not used. Errors are those of CheckFrame
// and of FramePlan.Probe, as *FieldError.
func (r *Run) Probe(t int, fs FrameSettings, x, y float64) ([]ProbePath, error) {
	var fp FramePlan
	if err := r.PrepareProbe(&fp, t, fs); err != nil {
		return nil, err
	}
	return fp.Probe(x, y, Serial{})
}

// Probe retrieves the query (x, y) in the plan's view with each of its
// models, tracing every update (Paths), as one evaluation run by runner. It
// returns a *FieldError for a query that is not finite, and the runner's
// error.
func (fp *FramePlan) Probe(x, y float64, runner Runner) ([]ProbePath, error) {
	if !finite(x) || !finite(y) {
		return nil, fieldErr("probe", "the query must be finite, not (%g, %g)", x, y)
	}
	if len(fp.models) == 0 {
		return nil, errors.New("sim: the probe's plan has not been prepared")
	}
	set, _ := NewQuerySet(2, []float64{x, y})
	targets := make([]Target, len(fp.models))
	measures := make([]Paths, len(fp.models))
	for i := range fp.models {
		targets[i] = Target{Model: &fp.models[i], Measure: &measures[i]}
	}
	if err := Evaluate(set, targets, runner); err != nil {
		return nil, err
	}
	paths := make([]ProbePath, len(fp.models))
	for i := range fp.models {
		p := &measures[i].Paths[0]
		path := ProbePath{Separation: fp.models[i].sep, Points: make([][2]float64, len(p.Energy)),
			Energy: p.Energy, Support: make([]int, len(p.Support)), Label: int(p.Label)}
		for s := range path.Points {
			path.Points[s] = [2]float64{p.Points[2*s], p.Points[2*s+1]}
		}
		for s, v := range p.Support {
			path.Support[s] = int(v)
		}
		paths[i] = path
	}
	return paths, nil
}
