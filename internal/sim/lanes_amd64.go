//go:build !purego

package sim

import "golang.org/x/sys/cpu"

// haveLanes reports whether softmaxLanes computes: on a processor with
// AVX-512 F and DQ (eight float64 lanes, and conversions between float64
// and int64 lanes) whose operating system saves the vector state, as
// golang.org/x/sys/cpu reports it. Elsewhere, and in builds with the
// purego tag, the grid kernel pairs cells in portable Go.
var haveLanes = cpu.X86.HasAVX512F && cpu.X86.HasAVX512DQ

// softmaxLanes runs the retrieval of a softmax panel for the laneWidth
// cells of st, one per lane, with M = len(coef)/5 memories whose columns
// coef holds memory by memory (Hopfield.lane: ax, ay, c, px, py), steps ≥ 1
// updates, the support threshold eps, the constants k (laneConsts) and
// scratch buf (≥ laneBufLen(M)). Each lane does what cell does, bit for bit:
//
//	z_μ = (ax_μ·x + ay_μ·y) + c_μ;  m = max z as maxOf (z_μ > m ? z_μ : m);
//	e_μ = expShifted's e^(z_μ − m);  s = Σ_μ e_μ from +0 in index order;
//	p_μ = e_μ·(1/s);  (x, y) ← (Σ_μ p_μ·px_μ, Σ_μ p_μ·py_μ) from +0 in index order,
//
// every operation rounded on its own. It writes st.m0 and st.s0 (the first
// update's m and s, for Ψ* = m + log s), the final state into st.qx, st.qy
// and #{μ : p_μ > eps} of the last update into st.support.
//
// Where cell adds only the non-zero p_μ, softmaxLanes adds all: on its path
// every exponent z_μ − m is at least −708, so e_μ ≥ 2^−1022·(1 − 2^−6) and
// p_μ ≥ e_μ/M is not 0. Where cell stops early because the state is
// settled (the update returned its input, or p = e_μ for a fixed point
// P_μ), softmaxLanes goes on: the same state gives the same scores and so
// the same update, and the result does not change.
//
// It reports false, with st's outputs undefined, if an exponent on the way
// is below −708 or not a number (a score that overflowed, a state that is
// not finite): cell handles those with math.Exp, and the caller takes it.
func softmaxLanes(st *laneState, coef, buf []float64, steps int, eps float64, k *[lcLen]float64) bool {
	m := len(coef) / 5
	if m < 1 || len(coef) != 5*m || len(buf) < laneBufLen(m) || steps < 1 {
		panic("sim: softmaxLanes with bad sizes")
	}
	return softmaxLanesAVX512(st, &coef[0], &buf[0], m, steps, eps, k)
}

// softmaxLanes2 is softmaxLanes for the two groups of cells stA and stB,
// computed side by side (buf ≥ laneBufLen(M) holds both groups' scratch);
// each lane's results are softmaxLanes' bit for bit. It reports false,
// with both groups' outputs undefined, where either group declines.
func softmaxLanes2(stA, stB *laneState, coef, buf []float64, steps int, eps float64, k *[lcLen]float64) bool {
	m := len(coef) / 5
	if m < 1 || len(coef) != 5*m || len(buf) < laneBufLen(m) || steps < 1 {
		panic("sim: softmaxLanes2 with bad sizes")
	}
	return softmaxLanes2AVX512(stA, stB, &coef[0], &buf[0], m, steps, eps, k)
}

// softmaxLanes2AVX512 is softmaxLanes2 in AVX-512 assembly, unchecked.
//
//go:noescape
func softmaxLanes2AVX512(stA, stB *laneState, coef, buf *float64, m, steps int, eps float64, k *[lcLen]float64) bool

// softmaxLanesAVX512 is softmaxLanes in AVX-512 assembly (lanes_amd64.s),
// for m ≥ 1 memories, with coef and buf as there, unchecked.
//
//go:noescape
func softmaxLanesAVX512(st *laneState, coef, buf *float64, m, steps int, eps float64, k *[lcLen]float64) bool

// sparseLanes is softmaxLanes for sparsemax, or 1.5-entmax if entmax: each
// lane does what cell does with sparsemax or entmax15 (SepPair), bit for
// bit, and writes the first update's Ψ* into st.psi0. fixed has bit μ set
// where P_μ is a fixed point with Sep(z(P_μ)) = e_μ (Hopfield.fixedBits;
// 0 for M > 64); eps is 0 for these maps. Per update and lane:
//
//	z_μ as softmaxLanes; m = max z (maxOf); the map of y = z − m (1.5-entmax: y = (z − m)/2):
//	the candidates y_μ > −1, sorted descending, the other entries being
//	−Inf, which sort last and, in the threshold loops, change nothing that
//	is read: for M ≤ 8 by a sorting network in registers (Knuth's 19
//	compare-exchanges), for larger M by bubble passes (pass i brings the
//	largest of the rest to place i; passes run while a lane has more than
//	i candidates);
//	τ by sparsemaxTau or entmax15Tau over the sorted candidates;
//	p_μ, Ψ* and the next state as sparsemaxPair, entmax15Pair and
//	weightedSum compute them, the sums masked to the terms those add.
//
// Equal candidates may end up in another order than insertion sort puts
// them in, and a compare-exchange of +0 and −0 may give two −0s; since
// no sum from +0 and no comparison tells +0 and −0 apart, the thresholds
// are the same.
//
// A lane is settled when cell would stop early: the update returned its
// state, or p = e_μ with bit μ of fixed set. A settled lane goes on as in
// softmaxLanes, without changing, and sparseLanes returns as soon as all
// lanes are settled. It reports false, with st's outputs undefined, if a
// score is not finite or the sum of a lane's scores is not (maxFinite then
// looks at every score; the caller's scalar path does).
func sparseLanes(st *laneState, coef, buf []float64, steps int, fixed uint64, entmax bool, k *[lcLen]float64) bool {
	m := len(coef) / 5
	if m < 1 || len(coef) != 5*m || len(buf) < laneBufLen(m) || steps < 1 || m > 64 && fixed != 0 {
		panic("sim: sparseLanes with bad sizes")
	}
	kind := 0
	if entmax {
		kind = 1
	}
	return sparseLanesAVX512(st, &coef[0], &buf[0], m, steps, fixed, kind, k)
}

// sparseLanesAVX512 is sparseLanes in AVX-512 assembly (lanes_amd64.s),
// kind 0 for sparsemax and 1 for 1.5-entmax, unchecked.
//
//go:noescape
func sparseLanesAVX512(st *laneState, coef, buf *float64, m, steps int, fixed uint64, kind int, k *[lcLen]float64) bool

// finishLanes computes, for the laneWidth cells of st, what store does,
// every operation rounded on its own as there:
//
//	st.half   = Σ_r ((g_r0·x0 + g_r1·y0) + h_r)² over the rows of gh
//	            (Hopfield.laneG), from +0, as energy2 sums it;
//	st.energy = 0.5·half − psi0/psiDivisor, energy2's result;
//	st.best, st.label: the smallest d² = (qx − px_μ)² + (qy − py_μ)² over
//	            the memories of coef (Hopfield.lane) and the first μ with
//	            it, as label2 finds them;
//	st.slow:  the cells that are not defined (cellResult.defined) or whose
//	          best is not a normal number: store and labelOf decide those;
//	st.labels: for the others, label if √best < tol, else LabelWhite
//	          (labelOf), and st.white how many are LabelWhite;
//	st.supp:  the support as int32.
func finishLanes(st *laneState, coef, gh []float64, psiDivisor, tol float64) {
	m, rows := len(coef)/5, len(gh)/3
	if m < 1 || len(coef) != 5*m || len(gh) != 3*rows {
		panic("sim: finishLanes with bad sizes")
	}
	var g *float64
	if rows > 0 {
		g = &gh[0]
	}
	finishLanesAVX512(st, &coef[0], m, g, rows, psiDivisor, tol)
}

// finishLanesAVX512 is finishLanes in AVX-512 assembly (lanes_amd64.s).
//
//go:noescape
func finishLanesAVX512(st *laneState, coef *float64, m int, gh *float64, rows int, psiDivisor, tol float64)
