package sim

import (
	"errors"
	"fmt"

	"hoplab/internal/sim/separation"
)

// maxChunks is the number of chunks an evaluation aims at by default
// (DefaultChunks). Chunks are whole rows of the domain, or, when the
// domain has fewer rows than chunks are asked for, equal parts of its
// rows; their bounds depend only on the domain's Len and Row and on the
// number asked for.
const maxChunks = 64

// DefaultChunks is the number of chunks an evaluation aims at unless told
// otherwise (Evaluation.SetChunks): enough to share the cores, few enough
// that scheduling costs next to nothing.
const DefaultChunks = maxChunks

// Target is one model evaluated on an evaluation's domain, and the measure
// that keeps what it yields.
type Target struct {
	Model   Model
	Measure Measure
}

// Evaluation evaluates every Target's model at every query of one Domain:
// scenario → Model → Domain × Measure. It is a Task of Chunks() chunks,
// each a run of whole domain rows for every target, which a Runner may
// execute in any order and concurrently, and may stop between; Finish then
// completes the measures. Results are bit-identical whatever the runner.
//
// The pair (Grid2D, *Panel) with a plane *Hopfield takes the paired kernel
// of grid.go, two cells at a time; every other combination takes the
// general loop through the model's Evaluator. Both give a cell the same
// result, bit for bit. Neither allocates once the Evaluation's buffers
// are sized, except for Evaluators the general loop creates the first time
// it meets a model.
type Evaluation struct {
	domain   Domain
	targets  []Target
	fast     []bool // target i takes the paired grid kernel
	rowsPer  int    // domain rows per chunk, when parts = 1
	parts    int    // parts per row, each a chunk, when rowsPer = 1
	rowLen   int
	target   int // chunks aimed at: SetChunks, or DefaultChunks
	nQueries int
	chunks   []evalChunk
}

// evalChunk is the scratch of one chunk: query buffers, the evaluators of
// the general loop, and the two lanes of the paired kernel.
type evalChunk struct {
	q, next []float64
	evals   []Evaluator // per target, made by the general loop
	z, p    [2][]float64
	ws      [2]*separation.Workspace
	wsSize  int
	// res and upd are handed to measures by pointer; kept here, they do
	// not escape to the heap once per query.
	res QueryResult
	upd Update
	// lanes and laneBuf (laneBufLen(M)) are the scratch of the grid
	// kernel's vector path (lanes.go).
	lanes   [2]laneState
	laneBuf []float64
}

// NewEvaluation prepares the evaluation of targets on d. It returns an
// error if there is no target, a model's Dim differs from d's, a measure
// serves two targets, or d is empty.
func NewEvaluation(d Domain, targets []Target) (*Evaluation, error) {
	e := new(Evaluation)
	if err := e.reset(d, targets); err != nil {
		return nil, err
	}
	return e, nil
}

// NewEvaluationChunks is NewEvaluation aiming at n ≥ 1 chunks (as
// SetChunks) instead of DefaultChunks: a long evaluation in more, shorter
// chunks shares the cores more finely and stops sooner when cancelled.
func NewEvaluationChunks(d Domain, targets []Target, n int) (*Evaluation, error) {
	e := &Evaluation{target: max(n, 1)}
	if err := e.reset(d, targets); err != nil {
		return nil, err
	}
	return e, nil
}

// Evaluate evaluates targets on d with runner and completes the measures.
// A runner error (a cancelled context, a panic in a chunk) is returned and
// leaves the measures incomplete.
func Evaluate(d Domain, targets []Target, runner Runner) error {
	e, err := NewEvaluation(d, targets)
	if err != nil {
		return err
	}
	if err := runner.Run(e.Chunks(), e); err != nil {
		return err
	}
	e.Finish()
	return nil
}

// reset prepares e for targets on d, reusing its buffers.
func (e *Evaluation) reset(d Domain, targets []Target) error {
	if len(targets) == 0 {
		return errors.New("sim: an evaluation needs at least one target")
	}
	n, nq, row := d.Dim(), d.Len(), d.Row()
	if n < 1 || nq < 1 || row < 1 || nq%row != 0 {
		return fmt.Errorf("sim: a domain of %d queries in rows of %d and dimension %d cannot be evaluated", nq, row, n)
	}
	maxM := 0
	for i, t := range targets {
		if t.Model == nil || t.Measure == nil {
			return fmt.Errorf("sim: target %d has no model or no measure", i)
		}
		if t.Model.Steps() < 1 {
			return fmt.Errorf("sim: target %d's model takes %d retrieval steps, not at least 1", i, t.Model.Steps())
		}
		if t.Model.Dim() != n {
			return fmt.Errorf("sim: target %d's model has queries of dimension %d, the domain %d", i, t.Model.Dim(), n)
		}
		for _, u := range targets[:i] {
			if u.Measure == t.Measure {
				return fmt.Errorf("sim: target %d's measure serves an earlier target too", i)
			}
		}
		maxM = max(maxM, t.Model.Len())
	}
	e.domain, e.targets = d, targets
	e.nQueries, e.rowLen = nq, row
	if e.target < 1 {
		e.target = DefaultChunks
	}
	rows := nq / row
	e.rowsPer, e.parts = split(rows, row, e.target)
	nc := ChunksOf(rows, row, e.target)
	e.chunks = grow(e.chunks, nc)

	_, grid := d.(*Grid2D)
	e.fast = grow(e.fast, len(targets))
	for i, t := range targets {
		h, plane := t.Model.(*Hopfield)
		_, panel := t.Measure.(*Panel)
		e.fast[i] = grid && plane && panel && h.n == 2
		t.Measure.begin(t.Model, nq, nc)
	}
	for ci := range e.chunks {
		cw := &e.chunks[ci]
		cw.q, cw.next = grow(cw.q, n), grow(cw.next, n)
		if cw.wsSize < maxM {
			cw.ws[0], cw.ws[1], cw.wsSize = separation.NewWorkspace(maxM), separation.NewWorkspace(maxM), maxM
		}
		for l := range cw.z {
			cw.z[l], cw.p[l] = grow(cw.z[l], maxM), grow(cw.p[l], maxM)
		}
		cw.laneBuf = grow(cw.laneBuf, laneBufLen(maxM))
		// The targets may have changed: evaluators are made anew, once per
		// chunk and target, when the general loop first needs them.
		cw.evals = grow(cw.evals, len(targets))
		clear(cw.evals)
	}
	return nil
}

// Chunks is the number of chunks of the evaluation.
func (e *Evaluation) Chunks() int { return len(e.chunks) }

// Queries is the number of queries per target.
func (e *Evaluation) Queries() int { return e.nQueries }

// RunChunk evaluates chunk ci (0 ≤ ci < Chunks()) for every target. It
// implements Task: it writes only to the chunk's queries and scratch.
func (e *Evaluation) RunChunk(ci int) {
	i0, i1 := e.bounds(ci)
	cw := &e.chunks[ci]
	for ti, t := range e.targets {
		t.Measure.startChunk(ci)
		if e.fast[ti] {
			e.gridChunk(ti, ci, i0, i1, cw)
		} else {
			e.queries(ti, ci, i0, i1, cw)
		}
	}
}

// Finish completes the measures once every chunk has run.
func (e *Evaluation) Finish() {
	for _, t := range e.targets {
		t.Measure.end()
	}
}

// queries evaluates queries [i0, i1) of target ti through its model's
// Evaluator. Without tracing, a query stops early once an update is
// settled, which changes no result.
func (e *Evaluation) queries(ti, ci, i0, i1 int, cw *evalChunk) {
	t := e.targets[ti]
	ev := cw.evals[ti]
	if ev == nil {
		ev = t.Model.NewEvaluator()
		cw.evals[ti] = ev
	}
	steps, trace := t.Model.Steps(), t.Measure.traces()
	r, u := &cw.res, &cw.upd
	for i := i0; i < i1; i++ {
		q, next := cw.q, cw.next
		e.domain.Query(q, i)
		*r = QueryResult{}
		if trace {
			for s := 0; ; s++ {
				*u = ev.Update(next, q, true)
				t.Measure.step(i, s, q, u)
				if s == 0 {
					r.Energy = u.Energy
				}
				if s == steps {
					break
				}
				r.Support = u.Support
				q, next = next, q
			}
		} else {
			*u = ev.Update(next, q, true)
			r.Energy = u.Energy
			for s := 1; ; s++ {
				q, next = next, q
				if s == steps || u.Settled {
					break
				}
				*u = ev.Update(next, q, false)
			}
			r.Support = u.Support
		}
		r.Final = q
		if r.defined() {
			r.Label = ev.Label(q)
		} else {
			r.Label = LabelUndefined
		}
		t.Measure.query(ci, i, r)
	}
}

// Chunks is the number of chunks an evaluation of a domain with the given
// number of whole rows is split into by default (a grid of ny rows:
// Chunks(ny)), when rows are not split.
func Chunks(rows int) int { return ChunksOf(rows, 2, DefaultChunks) }

// ChunksOf is the number of chunks of an evaluation of rows rows of rowLen
// queries that aims at target chunks.
func ChunksOf(rows, rowLen, target int) int {
	if rows < 1 || rowLen < 1 {
		return 0
	}
	per, parts := split(rows, rowLen, max(target, 1))
	if parts > 1 {
		return rows * parts
	}
	return (rows + per - 1) / per
}

// split returns how rows rows of rowLen queries become about target
// chunks: per rows each, or, when there are fewer rows than target,
// parts parts of each row (at most one per two queries, so that the grid
// kernel's pairs stay whole).
func split(rows, rowLen, target int) (per, parts int) {
	if rows >= target {
		return (rows + target - 1) / target, 1
	}
	return 1, max(1, min((target+rows-1)/rows, (rowLen+1)/2))
}

// SetChunks makes the evaluation aim at n ≥ 1 chunks from its next reset
// (Render, Evaluate) on: more, shorter chunks let a runner share the
// cores more finely and stop sooner, at a small cost each.
func (e *Evaluation) SetChunks(n int) { e.target = max(n, 1) }

// bounds returns the queries [i0, i1) of chunk ci. A part of a row starts
// at an even offset within it.
func (e *Evaluation) bounds(ci int) (i0, i1 int) {
	if e.parts <= 1 {
		i0 = ci * e.rowsPer * e.rowLen
		return i0, min(i0+e.rowsPer*e.rowLen, e.nQueries)
	}
	row, part := ci/e.parts, ci%e.parts
	pairs := (e.rowLen + 1) / 2
	p0, p1 := part*pairs/e.parts, (part+1)*pairs/e.parts
	base := row * e.rowLen
	return base + 2*p0, base + min(2*p1, e.rowLen)
}
