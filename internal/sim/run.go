package sim

import (
	"fmt"
	"math"
	"math/rand/v2"

	"hoplab/internal/sim/sphere"
)

// kaimingStream is the second word of the PCG state used for random initial
// maps; with the seed as first word it fixes the stream on every machine.
const kaimingStream = 0x9e3779b97f4a7c15

// kaiming fills w (D_Φ×d) Kaiming-normal, w_i = NormFloat64()·√(2/d), in
// order, from rng (SCIENCE §6.2).
func kaiming(w []float64, d int, rng *rand.Rand) {
	std := math.Sqrt(2 / float64(d))
	for i := range w {
		w[i] = rng.NormFloat64() * std
	}
}

// torchLinearBias fills b (D_Φ = k) as InitTorchLinear draws it: from the
// generator of InitRandom after its k·d weight numbers,
// b_i = (2·Float64() − 1)/√d, uniform in [−1/√d, 1/√d).
func torchLinearBias(b []float64, k, d int, seed uint64) {
	rng := rand.New(rand.NewPCG(seed, kaimingStream))
	for range k * d {
		rng.NormFloat64()
	}
	bound := 1 / math.Sqrt(float64(d))
	for i := range b {
		u := float64(rng.Float64()) // rounded: 2u would fuse with its inlined product
		b[i] = (2*u - 1) * bound
	}
}

// State is the U-Hop+ state after some number of optimiser steps.
type State struct {
	// Iteration t: the number of optimiser steps taken.
	Iteration int
	// W is the D_Φ×d weight matrix W_t, row-major.
	W []float64
	// B is the bias b_t (zeros for a linear map).
	B []float64
	// Loss is L(W_t, b_t) in the run's loss form, on the memories in the
	// order of the next step's batch (UHopSettings.BatchOrder[t], if
	// given: the loss that step's gradient is taken of); NaN when M < 2.
	// Its value is symmetric in the rows, up to rounding.
	Loss float64
	// DeltaMin is the minimal separation of the normalised features u
	// (SCIENCE §5), min_{μ≠ν} ‖u_μ − u_ν‖²/2: it equals
	// 1 − max_{μ≠ν} u_μ·u_ν for unit vectors, but is taken from the chord,
	// so it keeps full relative precision at tiny angles and is never
	// negative (features with ‖Φ(ξ)‖ < 1e-12 are not unit vectors, see
	// Features, and then only the chord form holds). NaN when M < 2.
	DeltaMin float64
	// MinAngleDeg is the angle of the closest pair, 2·asin(‖u_μ − u_ν‖/2)
	// in degrees, from the same chord; NaN when M < 2.
	MinAngleDeg float64
}

// Run is one U-Hop+ run: the memories, the feature map and its trajectory.
// It keeps every state from the initial map on, so any earlier iteration can
// be shown again. A Run is not safe for concurrent use.
//
// A run diverges when its state stops being finite (see Diverged): the
// trajectory then ends with the last finite state, and Step does nothing.
// Divergence is a result of the settings (a learning rate or momentum too
// large), not an error of the program.
type Run struct {
	m, d, k int
	affine  bool
	form    LossForm
	tau     float64
	x       []float64 // memories, M×d row-major (normalised if asked)
	// order is the batch order, N_order×M row-major (UHopSettings.BatchOrder),
	// and xb the memories in one step's order (batchMemories).
	order []int
	xb    []float64

	w, b   []float64 // current parameters
	gw, gb []float64 // gradient at the current parameters
	optW   *optimizer
	optB   *optimizer
	lw     *lossWork
	traj   []State
	// divergedAt is the first iteration whose state is not finite, or 0
	// while every state is (iteration 0 always is: New checks it).
	divergedAt int

	render FramePlan
}

// DivergedError reports that the state of a run at Iteration is not
// finite: W, b or a feature f_μ = W ξ_μ + b is ±Inf or NaN, or, with M ≥ 2,
// the loss or Δ_min is. Only New returns it, with Iteration 0, for an
// initial state that is not finite; a run that diverges while stepping says
// so through Run.Diverged.
type DivergedError struct {
	Iteration int
}

func (e *DivergedError) Error() string {
	return fmt.Sprintf("sim: the state at iteration %d is not finite (W, b, the features or the loss overflowed)", e.Iteration)
}

// New validates s and returns a run at iteration 0. An invalid setting gives
// a *FieldError. Valid settings whose initial state is not finite give a
// *DivergedError with Iteration 0: features W ξ_μ + b that overflow (W
// entries near 1e300), or a loss that does (τ below about 1e-308). Both are
// far beyond the API's limits.
func New(s Settings) (*Run, error) {
	m, d, k, err := s.validate()
	if err != nil {
		return nil, err
	}
	r := &Run{
		m: m, d: d, k: k,
		affine: s.FeatureMap.Affine,
		form:   s.UHop.Loss,
		tau:    s.UHop.Tau,
		x:      make([]float64, m*d),
		w:      make([]float64, k*d),
		b:      make([]float64, k),
		gw:     make([]float64, k*d),
		gb:     make([]float64, k),
		optW:   newOptimizer(s.UHop, k*d),
		optB:   newOptimizer(s.UHop, k),
		lw:     newLossWork(m, d, k),
		order:  flattenOrder(s.UHop.BatchOrder),
	}
	if r.order != nil {
		r.xb = make([]float64, m*d)
	}
	for mu, row := range s.Memories {
		if s.NormalizeMemories {
			normalize(r.x[mu*d:mu*d+d], row)
		} else {
			copy(r.x[mu*d:], row)
		}
	}
	fm := s.FeatureMap
	switch {
	case fm.W != nil:
		for i, row := range fm.W {
			copy(r.w[i*d:], row)
		}
	case fm.Init == InitIdentity:
		for i := range k {
			r.w[i*d+i] = 1
		}
	case fm.Init == InitRandom || fm.Init == InitTorchLinear:
		kaiming(r.w, d, rand.New(rand.NewPCG(fm.Seed, kaimingStream)))
	}
	copy(r.b, fm.B)
	if fm.Init == InitTorchLinear && fm.B == nil {
		torchLinearBias(r.b, k, d, fm.Seed)
	}
	if !r.record() {
		return nil, &DivergedError{Iteration: 0}
	}
	return r, nil
}

// record appends the state of the current parameters to the trajectory and
// leaves their gradient in gw, gb for the next Step, if that state is
// finite: W, b and the features f_μ, and with M ≥ 2 the loss and Δ_min.
// (With W, b and f finite, the normalised features and hence Δ_min are
// finite too; the loss can still overflow, for τ below about 1e-308.)
// Otherwise it appends nothing and returns false.
func (r *Run) record() bool {
	if !allFinite(r.w) || !allFinite(r.b) {
		return false
	}
	st := State{
		Iteration:   len(r.traj),
		Loss:        math.NaN(),
		DeltaMin:    math.NaN(),
		MinAngleDeg: math.NaN(),
	}
	if r.m >= 2 {
		// The loss and the gradient of the next step, in that step's
		// batch order; the separation below is symmetric in the rows.
		st.Loss = r.lw.lossAndGrad(r.form, r.tau, r.batchMemories(st.Iteration), r.w, r.b, r.gw, r.gb)
		chord, _, _, _ := sphere.MinChord(r.lw.u, r.m, r.k)
		st.DeltaMin = sphere.DeltaFromChord(chord)
		st.MinAngleDeg = sphere.AngleDegFromChord(chord)
		if !finite(st.Loss) || !finite(st.DeltaMin) {
			return false
		}
	} else {
		r.lw.features(r.x, r.w, r.b)
	}
	if !allFinite(r.lw.f) {
		return false
	}
	st.W = append([]float64(nil), r.w...)
	st.B = append([]float64(nil), r.b...)
	r.traj = append(r.traj, st)
	return true
}

// Step takes one U-Hop+ optimiser step with all M memories (SCIENCE §6):
// W ← W − update(∂L/∂W), and b likewise for an affine map. With M < 2 there
// is no pair to separate, the gradient is zero and the map stays put.
//
// If the new state is not finite, the run has diverged at this iteration
// (see Diverged): nothing is added to the trajectory, and this and every
// later Step do nothing.
func (r *Run) Step() {
	if r.divergedAt > 0 {
		return
	}
	if r.m >= 2 {
		r.optW.update(r.w, r.gw)
		if r.affine {
			r.optB.update(r.b, r.gb)
		}
	}
	if !r.record() {
		r.divergedAt = len(r.traj)
	}
}

// Diverged reports whether the run has diverged and, if so, at which
// iteration t: the first whose state is not finite (W_t, b_t or a feature
// f_μ = W_t ξ_μ + b_t is ±Inf or NaN, or, with M ≥ 2, the loss or Δ_min is;
// t ≥ 1, since New refuses such a state at 0). The trajectory then holds
// the finite states 0 … t−1, so Iterations() stays t−1, and further Step
// calls do nothing.
func (r *Run) Diverged() (t int, ok bool) { return r.divergedAt, r.divergedAt > 0 }

// Iterations reports the number of steps taken so far, not counting a
// step that diverged: the last iteration of the trajectory.
func (r *Run) Iterations() int { return len(r.traj) - 1 }

// State returns a copy of the state after t steps, 0 ≤ t ≤ Iterations().
func (r *Run) State(t int) State {
	st := r.traj[t]
	st.W = append([]float64(nil), st.W...)
	st.B = append([]float64(nil), st.B...)
	return st
}

// Dims reports M, d and D_Φ.
func (r *Run) Dims() (m, d, k int) { return r.m, r.d, r.k }

// Memories returns a copy of the memories as used (normalised if asked), M×d row-major.
func (r *Run) Memories() []float64 { return append([]float64(nil), r.x...) }

// Features writes the normalised feature memories
// u_μ = Φ_t(ξ_μ)/max(‖Φ_t(ξ_μ)‖, 1e-12) (torch's F.normalize, SCIENCE §6.2)
// after t steps into dst (M×D_Φ row-major, grown if needed) and returns it.
// They are unit vectors, however large the features, unless
// ‖Φ_t(ξ_μ)‖ < 1e-12.
func (r *Run) Features(dst []float64, t int) []float64 {
	st := &r.traj[t]
	r.lw.features(r.x, st.W, st.B)
	return append(dst[:0], r.lw.u...)
}
