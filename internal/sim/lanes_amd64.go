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
// scratch buf (≥ laneWidth·M). Each lane does what cell does, bit for bit:
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
	if m < 1 || len(coef) != 5*m || len(buf) < laneWidth*m || steps < 1 {
		panic("sim: softmaxLanes with bad sizes")
	}
	return softmaxLanesAVX512(st, &coef[0], &buf[0], m, steps, eps, k)
}

// softmaxLanesAVX512 is softmaxLanes in AVX-512 assembly (lanes_amd64.s),
// for m ≥ 1 memories, with coef and buf as there, unchecked.
//
//go:noescape
func softmaxLanesAVX512(st *laneState, coef, buf *float64, m, steps int, eps float64, k *[lcLen]float64) bool
