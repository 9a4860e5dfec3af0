package sim

import (
	"math"
	"math/bits"

	"hoplab/internal/sim/separation"
)

// This file is the grid kernel's vector path for softmax, sparsemax and
// 1.5-entmax panels: eight cells of a row at once, one per lane of a
// processor vector, with every lane performing the operations cell
// performs, in the same order, so that each cell's energy, state, support
// and label are cell's, bit for bit. Lanes hold cells, not memories, so
// that the sums over memories keep their index order (a vector over
// memories would have to reassociate them). Where the processor has no
// such vectors (haveLanes is false, see lanes_amd64.go) the grid kernel
// pairs cells as before.

// laneWidth is the number of cells the vector path evaluates at once.
const laneWidth = 8

// laneState is the vector path's input and output for laneWidth cells.
// lanes_amd64.s reads and writes its fields at fixed offsets
// (TestLaneLayout).
type laneState struct {
	qx, qy  [laneWidth]float64 // in: the cells' points q₀; out: their states q_T
	m0, s0  [laneWidth]float64 // out: max z(q₀) and Σ_μ e^(z_μ(q₀) − max z(q₀))
	support [laneWidth]int64   // out: #{μ : p_μ > eps} of the last probability vector
	psi0    [laneWidth]float64 // out (sparseLanes): Ψ*(z(q₀)); in (finishLanes)
	x0, y0  [laneWidth]float64 // in (finishLanes): the cells' points q₀
	half    [laneWidth]float64 // out (finishLanes): ‖G q₀ + h‖², as energy2 sums it
	best    [laneWidth]float64 // out (finishLanes): the smallest d² from q_T to a point, as label2 finds it
	label   [laneWidth]int64   // out (finishLanes): the first μ with that d² (0 if none is below +Inf)
	energy  [laneWidth]float64 // out (finishLanes): the cells' energies, as energy2
	labels  [laneWidth]int32   // out (finishLanes): the cells' labels where slow is clear
	supp    [laneWidth]int32   // out (finishLanes): support, as int32
	slow    uint64             // out (finishLanes): bit l set where cell l is undefined or its best is not a normal number
	white   int64              // out (finishLanes): how many cells whose slow bit is clear are LabelWhite
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
	lcNegOne    = 43 // −1
	lcNegInf    = 44 // −Inf
	lcThreeQ    = 45 // 0.75
	lcLen       = 46
)

// laneConsts are the numbers of separation.Recipe in the layout
// softmaxLanes reads.
var laneConsts = func() (c [lcLen]float64) {
	r := separation.Recipe()
	copy(c[lcTable:], r.Table[:])
	c[lcInvLn2x32], c[lcHalf], c[lcLn2Hi], c[lcLn2Lo], c[lcMinArg] = r.InvLn2x32, r.Half, r.Ln2d32Hi, r.Ln2d32Lo, r.MinArg
	copy(c[lcPoly:], r.P[:])
	c[lcNegOne], c[lcNegInf], c[lcThreeQ] = -1, math.Inf(-1), 0.75
	return c
}()

// laneCoef fills h.lane (5M) with the columns a softmaxLanes update reads,
// memory by memory: A_μ = (ax, ay), c_μ, P_μ = (px, py); and h.laneG
// (3 per row of G) with G's rows and h: (g_r0, g_r1, h_r).
func (h *Hopfield) laneCoef() {
	h.lane = grow(h.lane, 5*h.m)
	for mu := range h.m {
		h.lane[5*mu], h.lane[5*mu+1], h.lane[5*mu+2] = h.ax[mu], h.ay[mu], h.c[mu]
		h.lane[5*mu+3], h.lane[5*mu+4] = h.px[mu], h.py[mu]
	}
	h.laneG = grow(h.laneG, 3*len(h.h))
	for r, hr := range h.h {
		h.laneG[3*r], h.laneG[3*r+1], h.laneG[3*r+2] = h.g[2*r], h.g[2*r+1], hr
	}
}

// Kinds of map the vector path computes (laneKind).
const (
	laneNone      = iota // not on the vector path
	laneSoftmax          // softmaxLanes
	laneSparsemax        // sparseLanes, sparsemax
	laneEntmax15         // sparseLanes, 1.5-entmax
)

// laneKind is the kind of h's map on the vector path, or laneNone where
// the processor or the build has none, or h has no lane coefficients
// (its points are not in the plane).
func (h *Hopfield) laneKind() int {
	if !haveLanes || len(h.lane) != 5*h.m || h.m == 0 {
		return laneNone
	}
	switch h.sep {
	case separation.Softmax():
		return laneSoftmax
	case separation.Sparsemax():
		return laneSparsemax
	case separation.Entmax15():
		return laneEntmax15
	}
	return laneNone
}

// cellsLanes evaluates the laneWidth cells (xs[l], y) of a panel whose map
// is of kind (not laneNone) as cell does and stores them into p from
// index at on, counting their labels in n. It reports false, having stored
// nothing, where the vector path declines (softmax: an exponent below −708
// or not a number on the way; the sparse maps: scores that are not finite,
// or whose sum is not); the caller then evaluates the cells one pair at a
// time, which handles those.
func (h *Hopfield) cellsLanes(kind int, p *Panel, at int, xs []float64, y float64, cw *evalChunk, n *labelCounts) bool {
	st := &cw.lanes[0]
	st.start(xs[:laneWidth], y)
	if kind == laneSoftmax {
		if !softmaxLanes(st, h.lane, cw.laneBuf, h.steps, h.eps, &laneConsts) {
			return false
		}
		st.softmaxPsi()
	} else if !sparseLanes(st, h.lane, cw.laneBuf, h.steps, h.fixedBits, kind == laneEntmax15, &laneConsts) {
		return false
	}
	h.finish(st, p, at, n)
	return true
}

// cellsLanes2 is cellsLanes for the 2·laneWidth cells (xs[l], y) of a
// softmax panel, as two groups computed side by side (softmaxLanes2).
// It reports false, having stored nothing, where either group declines.
func (h *Hopfield) cellsLanes2(p *Panel, at int, xs []float64, y float64, cw *evalChunk, n *labelCounts) bool {
	a, b := &cw.lanes[0], &cw.lanes[1]
	a.start(xs[:laneWidth], y)
	b.start(xs[laneWidth:2*laneWidth], y)
	if !softmaxLanes2(a, b, h.lane, cw.laneBuf, h.steps, h.eps, &laneConsts) {
		return false
	}
	a.softmaxPsi()
	b.softmaxPsi()
	h.finish(a, p, at, n)
	h.finish(b, p, at+laneWidth, n)
	return true
}

// start sets st's cells to (xs[l], y).
func (st *laneState) start(xs []float64, y float64) {
	xs = xs[:laneWidth]
	copy(st.qx[:], xs)
	copy(st.x0[:], xs)
	for l := range st.qy {
		st.qy[l], st.y0[l] = y, y
	}
}

// softmaxPsi sets st.psi0 to softmaxPair's Ψ* = m + log s, from the first
// update's max and sum.
func (st *laneState) softmaxPsi() {
	for l := range st.psi0 {
		st.psi0[l] = st.m0[l] + math.Log(st.s0[l])
	}
}

// finish does what store does for st's eight cells, computed, into p from
// index at on, counting their labels in n: energy2, label2 where the
// smallest d² is a normal number and the support in finishLanes; then
// store and labelOf for the cells it leaves (slow).
func (h *Hopfield) finish(st *laneState, p *Panel, at int, n *labelCounts) {
	finishLanes(st, h.lane, h.laneG, h.psiDivisor, h.tol)
	copy(p.Energy[at:at+laneWidth], st.energy[:])
	copy(p.Labels[at:at+laneWidth], st.labels[:])
	copy(p.Support[at:at+laneWidth], st.supp[:])
	n.white += int(st.white)
	for slow := st.slow; slow != 0; slow &= slow - 1 {
		l := bits.TrailingZeros64(slow)
		c := cellResult{energy: st.energy[l], qx: st.qx[l], qy: st.qy[l], support: st.supp[l]}
		if !c.defined() {
			n.add(h.store(p, at+l, c))
			continue
		}
		label := h.labelOf(st.best[l], int32(st.label[l]), c.qx, c.qy)
		p.Labels[at+l] = label
		n.add(label)
	}
}

// laneBufLen is the length of the scratch softmaxLanes and sparseLanes
// need for M memories: three blocks of laneWidth·M (scores and
// probabilities; sorted candidates; 1.5-entmax's thresholds τ_k).
func laneBufLen(m int) int { return 3 * laneWidth * m }
