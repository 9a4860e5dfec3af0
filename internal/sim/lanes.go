package sim

import (
	"math"

	"hoplab/internal/sim/separation"
)

// This file is the grid kernel's vector path for softmax panels: eight
// cells of a row at once, one per lane of a processor vector, with every
// lane performing the operations cell performs, in the same order, so
// that each cell's energy, state, support and label are cell's, bit for
// bit. Lanes hold cells, not memories, so that the sums over memories keep
// their index order (a vector over memories would have to reassociate
// them). Where the processor has no such vectors (haveLanes is false, see
// lanes_amd64.go) the grid kernel pairs cells as before.

// laneWidth is the number of cells softmaxLanes evaluates at once.
const laneWidth = 8

// laneState is softmaxLanes' input and output for laneWidth cells.
type laneState struct {
	qx, qy  [laneWidth]float64 // in: the cells' points q₀; out: their states q_T
	m0, s0  [laneWidth]float64 // out: max z(q₀) and Σ_μ e^(z_μ(q₀) − max z(q₀))
	support [laneWidth]int64   // out: #{μ : p_μ > eps} of the last probability vector
}

// Indices into laneConsts, the constants softmaxLanes reads (see
// lanes_amd64.s): expShifted's table and constants (separation.Recipe).
const (
	lcTable     = 0  // 32 entries 2^(j/32)
	lcInvLn2x32 = 32 // 32/ln 2
	lcHalf      = 33 // 0.5
	lcLn2Hi     = 34 // ln2/32, high part
	lcLn2Lo     = 35 // ln2/32, low part
	lcMinArg    = 36 // −708
	lcPoly      = 37 // 1/720, 1/120, 1/24, 1/6, 1/2, 1
	lcLen       = 43
)

// laneConsts are the numbers of separation.Recipe in the layout
// softmaxLanes reads.
var laneConsts = func() (c [lcLen]float64) {
	r := separation.Recipe()
	copy(c[lcTable:], r.Table[:])
	c[lcInvLn2x32], c[lcHalf], c[lcLn2Hi], c[lcLn2Lo], c[lcMinArg] = r.InvLn2x32, r.Half, r.Ln2d32Hi, r.Ln2d32Lo, r.MinArg
	copy(c[lcPoly:], r.P[:])
	return c
}()

// laneCoef fills coef (5M) with the columns a softmaxLanes update reads,
// memory by memory: A_μ = (ax, ay), c_μ, P_μ = (px, py).
func (h *Hopfield) laneCoef() {
	h.lane = grow(h.lane, 5*h.m)
	for mu := range h.m {
		h.lane[5*mu], h.lane[5*mu+1], h.lane[5*mu+2] = h.ax[mu], h.ay[mu], h.c[mu]
		h.lane[5*mu+3], h.lane[5*mu+4] = h.px[mu], h.py[mu]
	}
}

// cellsLanes evaluates the laneWidth cells (xs[l], y) of a softmax panel
// as cell does and stores them into p from index at on, counting their
// labels in n. It reports false, having stored nothing, where softmaxLanes
// declines (an exponent below −708 or not a number on the way, which the
// scalar path handles); the caller then evaluates the cells one pair at a
// time.
func (h *Hopfield) cellsLanes(p *Panel, at int, xs []float64, y float64, cw *evalChunk, n *labelCounts) bool {
	st := &cw.lanes
	xs = xs[:laneWidth]
	copy(st.qx[:], xs)
	for l := range st.qy {
		st.qy[l] = y
	}
	if !softmaxLanes(st, h.lane, cw.laneBuf, h.steps, h.eps, &laneConsts) {
		return false
	}
	for l, x := range xs {
		// softmaxPair's Ψ* and cell's energy, from the first step's max
		// and sum.
		psi := st.m0[l] + math.Log(st.s0[l])
		c := cellResult{energy: h.energy2(x, y, psi), qx: st.qx[l], qy: st.qy[l], support: int32(st.support[l])}
		n.add(h.store(p, at+l, c))
	}
	return true
}
