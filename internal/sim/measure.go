package sim

import (
	"math"

	"hoplab/internal/sim/separation"
)

// A Measure is what an evaluation keeps of each query: the landscape
// (*Panel: energy, label and support per query), a support-size histogram
// (*SupportHistogram) or the retrieval paths (*Paths). A measure belongs to
// one Target of one evaluation at a time, and is complete once
// Evaluation.Finish has returned.
//
// The set of measures is closed: they are part of the mathematics, and
// each one's per-chunk partial results are merged in a fixed order so that
// the result never depends on the runner.
type Measure interface {
	// begin sizes the measure for nq queries of model m evaluated in nc
	// chunks, reusing its buffers.
	begin(m Model, nq, nc int)
	// startChunk forgets what chunk c recorded before: a chunk may run
	// again (a retried or resumed evaluation).
	startChunk(c int)
	// traces reports whether the measure records every update (step),
	// which turns off the early stop at settled states.
	traces() bool
	// step records update s (0 … T) of query i: the state q_s it starts
	// from and what it yields. Only measures that trace get it.
	step(i, s int, q []float64, u *Update)
	// query records the result of query i, evaluated in chunk c.
	query(c, i int, r *QueryResult)
	// end merges the chunks' partial results.
	end()
}

// QueryResult is what the evaluation of one query yields.
type QueryResult struct {
	// Energy at the query, as the model computes it (possibly ±Inf or NaN).
	Energy float64
	// Final is the state q_T after the model's T updates (or after it
	// settled, which gives the same state).
	Final []float64
	// Support is the support size of the probability vector of the last
	// update, or NoSupport.
	Support int32
	// Label is the memory q_T is retrieved to, LabelWhite, or
	// LabelUndefined when the energy at the query or q_T is not finite.
	Label int32
}

// defined reports whether the energy and the final state are finite.
func (r *QueryResult) defined() bool { return finite(r.Energy) && allFinite(r.Final) }

// begin implements Measure: the panel is sized for nq cells.
func (p *Panel) begin(m Model, nq, nc int) {
	p.Separation = separation.Map{}
	if h, ok := m.(*Hopfield); ok {
		p.Separation = h.sep
	}
	p.Energy = grow(p.Energy, nq)
	p.Labels = grow(p.Labels, nq)
	p.Support = grow(p.Support, nq)
	p.Unlabeled, p.Undefined = 0, 0
	p.chunks = grow(p.chunks, nc)
	clear(p.chunks)
}

func (p *Panel) startChunk(c int)                      { p.chunks[c] = labelCounts{} }
func (p *Panel) traces() bool                          { return false }
func (p *Panel) step(i, s int, q []float64, u *Update) {}

// query implements Measure. An undefined query gets energy NaN and
// support 0.
func (p *Panel) query(c, i int, r *QueryResult) {
	if r.Label == LabelUndefined {
		p.Energy[i], p.Labels[i], p.Support[i] = math.NaN(), LabelUndefined, 0
	} else {
		p.Energy[i], p.Labels[i], p.Support[i] = r.Energy, r.Label, r.Support
	}
	p.chunks[c].add(p.Labels[i])
}

// end implements Measure: it adds up the chunks' counts.
func (p *Panel) end() {
	p.Unlabeled, p.Undefined = 0, 0
	for _, n := range p.chunks {
		p.Unlabeled += n.white
		p.Undefined += n.undefined
	}
}

// labelCounts counts the cells of a chunk's panel that have no memory.
type labelCounts struct{ white, undefined int }

func (n *labelCounts) add(label int32) {
	switch label {
	case LabelWhite:
		n.white++
	case LabelUndefined:
		n.undefined++
	}
}

// SupportHistogram counts the queries of an evaluation by the support size
// of their last probability vector and by their outcome (SCIENCE §7.2: a
// query retrieved to no single memory ends in a mixture or has not
// converged). It is the capacity lab's measure.
type SupportHistogram struct {
	// Counts[s] is the number of defined queries whose last probability
	// vector has support size s, 0 ≤ s ≤ M.
	Counts []int
	// NoSupport counts the defined queries of a model without probability
	// vectors (their updates report NoSupport).
	NoSupport int
	// Queries is the number of queries evaluated.
	Queries int
	// Retrieved counts the queries retrieved to a memory, White those
	// retrieved to none, Undefined those whose values overflow.
	Retrieved, White, Undefined int

	chunks []histogramChunk
	m      int
}

type histogramChunk struct {
	counts                                 []int
	retrieved, white, undefined, noSupport int
}

// begin implements Measure.
func (h *SupportHistogram) begin(m Model, nq, nc int) {
	h.m = m.Len()
	h.chunks = grow(h.chunks, nc)
	for i := range h.chunks {
		c := &h.chunks[i]
		c.counts = grow(c.counts, h.m+1)
		clear(c.counts)
		c.retrieved, c.white, c.undefined, c.noSupport = 0, 0, 0, 0
	}
}

func (h *SupportHistogram) startChunk(c int) {
	ch := &h.chunks[c]
	clear(ch.counts)
	ch.retrieved, ch.white, ch.undefined, ch.noSupport = 0, 0, 0, 0
}
func (h *SupportHistogram) traces() bool                          { return false }
func (h *SupportHistogram) step(i, s int, q []float64, u *Update) {}

// query implements Measure.
func (h *SupportHistogram) query(c, i int, r *QueryResult) {
	ch := &h.chunks[c]
	switch r.Label {
	case LabelUndefined:
		ch.undefined++
		return
	case LabelWhite:
		ch.white++
	default:
		ch.retrieved++
	}
	if r.Support < 0 || int(r.Support) >= len(ch.counts) { // NoSupport, or a model out of contract
		ch.noSupport++
	} else {
		ch.counts[r.Support]++
	}
}

// end implements Measure.
func (h *SupportHistogram) end() {
	h.Counts = grow(h.Counts, h.m+1)
	clear(h.Counts)
	h.Retrieved, h.White, h.Undefined, h.NoSupport = 0, 0, 0, 0
	for i := range h.chunks {
		c := &h.chunks[i]
		for s, v := range c.counts {
			h.Counts[s] += v
		}
		h.Retrieved += c.retrieved
		h.White += c.white
		h.Undefined += c.undefined
		h.NoSupport += c.noSupport
	}
	h.Queries = h.Retrieved + h.White + h.Undefined
}

// Paths keeps every step of the retrieval of every query: the probe of the
// explorer, and later of the sphere lab. With this measure a query runs all
// T updates (the early stop of settled states never changes a result).
type Paths struct {
	// Paths[i] is the path of query i.
	Paths []Path

	n, steps int
}

// Path is the retrieval of one query, step by step.
type Path struct {
	// Points are q₀ (the query), q₁, …, q_T: (T+1)×n row-major.
	Points []float64
	// Energy[s] is the energy at q_s, NaN where it is not finite.
	Energy []float64
	// Support[s] is the support size of the probability vector of update
	// s+1, Sep(z(q_s)), or NoSupport; T entries.
	Support []int32
	// Label is q_T's label, or LabelUndefined if the energy at q₀ or q_T
	// is not finite: the label a landscape cell at q₀ gets.
	Label int32
}

// begin implements Measure.
func (ps *Paths) begin(m Model, nq, nc int) {
	ps.n, ps.steps = m.Dim(), m.Steps()
	ps.Paths = grow(ps.Paths, nq)
	for i := range ps.Paths {
		p := &ps.Paths[i]
		p.Points = grow(p.Points, (ps.steps+1)*ps.n)
		p.Energy = grow(p.Energy, ps.steps+1)
		p.Support = grow(p.Support, ps.steps)
	}
}

func (ps *Paths) startChunk(c int) {}
func (ps *Paths) traces() bool     { return true }

// step implements Measure.
func (ps *Paths) step(i, s int, q []float64, u *Update) {
	p := &ps.Paths[i]
	copy(p.Points[s*ps.n:], q)
	p.Energy[s] = u.Energy
	if s < ps.steps {
		p.Support[s] = u.Support
	}
}

// query implements Measure.
func (ps *Paths) query(c, i int, r *QueryResult) {
	p := &ps.Paths[i]
	p.Label = r.Label
	for s, e := range p.Energy {
		if !finite(e) {
			p.Energy[s] = math.NaN()
		}
	}
}

func (ps *Paths) end() {}
