package sim

import (
	"math"
	"math/rand/v2"

	"hoplab/internal/sim/separation"
)

// The capacity lab (SCIENCE §7.3): how often retrieval ends in a mixture
// of k memories rather than in one, for the plain model and for the
// kernelized model after U-Hop+. Its models are PlainModel (the authors'
// cccp), Run.Model in the InputSpace view (their kernelized_cccp) and
// NormalizedModel (the same with unit-normalised features); its domain a
// QuerySet, its measure a SupportHistogram.

// Streams of GaussianRows: the second word of the PCG state, which with the
// seed as first word fixes the numbers on every machine. Memories and
// queries drawn with the same seed are independent.
const (
	// MemoryStream draws generated memories ("memori" in ASCII).
	MemoryStream uint64 = 0x6d656d6f7269
	// QueryStream draws generated queries ("querie" in ASCII).
	QueryStream uint64 = 0x717565726965
)

// GaussianRows fills dst with standard normal numbers, in order (rows of a
// row-major matrix one after the other): dst[i] is the i-th value of
// NormFloat64 of math/rand/v2 on rand.NewPCG(seed, stream), Go's PCG
// generator (128-bit LCG state (seed, stream), DXSM output) and its
// ziggurat normal sampler. It is the generator behind the API's
// {"gaussian": {…}} memories and queries (docs/api.md); TestGaussianRows
// pins its first values.
func GaussianRows(dst []float64, seed, stream uint64) {
	rng := rand.New(rand.NewPCG(seed, stream))
	for i := range dst {
		dst[i] = rng.NormFloat64()
	}
}

// PlainModel returns the plain modern Hopfield model of r's memories, with
// no feature map, as the authors' cccp runs it (SCIENCE §2, §3):
//
//	scores z = β Ξ q,  update q ← Ξᵀ Sep(z),  energy E(q) = ½‖q‖² − Ψ*(z)/β,
//
// with Ξ the memories as the run uses them (normalised if asked), so
// queries live in input space (n = d). It is, bit for bit, the InputSpace
// model of a run with the identity map at iteration 0 (W = I, b = 0). ms's
// Space is ignored; its other settings are checked as Model checks them.
func (r *Run) PlainModel(ms ModelSettings) (*Hopfield, error) {
	if err := checkModelSettings(&ms); err != nil {
		return nil, err
	}
	m, d := r.m, r.d
	h := &Hopfield{space: InputSpace, n: d, m: m, beta: ms.Beta, identity: true}
	h.pts = append([]float64(nil), r.x...)
	h.a = make([]float64, m*d)
	for i, v := range h.pts {
		h.a[i] = ms.Beta * v
	}
	h.c = make([]float64, m)
	h.g = make([]float64, d*d)
	for i := range d {
		h.g[i*d+i] = 1
	}
	h.h = make([]float64, d)
	if d == 2 {
		h.ax, h.ay = make([]float64, m), make([]float64, m)
		h.px, h.py = make([]float64, m), make([]float64, m)
		for mu := range m {
			h.ax[mu], h.ay[mu] = h.a[2*mu], h.a[2*mu+1]
			h.px[mu], h.py[mu] = h.pts[2*mu], h.pts[2*mu+1]
		}
	}
	h.configure(&ms, separation.NewWorkspace(m), make([]float64, m), make([]float64, m), true)
	return h, nil
}

// NormalizedKHM is the kernelized model of a snapshot with unit-normalised
// features in retrieval: queries live in input space (n = d) and
//
//	φ̂(q) = Φ_t(q)/max(‖Φ_t(q)‖, 1e-12),  z = β U φ̂(q),  q ← Ξᵀ Sep(z),
//
// with U the normalised feature memories u_μ (the rows U-Hop+ separates,
// SCIENCE §6.2) and Ξ the memories. Beside the kernelized model of
// Run.Model's InputSpace view, whose scores β Φ(Ξ)Φ(q) grow with the
// feature norms, it shows what the separation of the directions alone
// does to retrieval (the API's retrieval.normalizeFeatures). Its energy is
// the feature-space energy at the normalised feature,
// E(q) = ½‖φ̂(q)‖² − Ψ*(z)/β: the update is not its CCCP step, the value
// only tells defined queries from overflowing ones. A NormalizedKHM is
// immutable once built.
type NormalizedKHM struct {
	d, m, k int
	w, b    []float64 // W_t (D_Φ×d) and b_t
	a       []float64 // β U, M×D_Φ
	beta    float64
	sep     separation.Map
	steps   int
	eps     float64  // support threshold: SupportEps for softmax, else 0
	lab     Hopfield // the memories as points, for Label only (pts, m, n, tol)
}

// NormalizedModel returns the NormalizedKHM of snapshot t with the
// settings of ms (its Space and PaperSoftmaxEnergy are ignored). Errors are
// those of Model.
func (r *Run) NormalizedModel(t int, ms ModelSettings) (*NormalizedKHM, error) {
	if t < 0 || t > r.Iterations() {
		return nil, fieldErr("snapshots", "iteration %d is outside 0..%d", t, r.Iterations())
	}
	if err := checkModelSettings(&ms); err != nil {
		return nil, err
	}
	st := &r.traj[t]
	m, d, k := r.m, r.d, r.k
	r.lw.features(r.x, st.W, st.B)
	h := &NormalizedKHM{
		d: d, m: m, k: k,
		w:    append([]float64(nil), st.W...),
		b:    append([]float64(nil), st.B...),
		a:    make([]float64, m*k),
		beta: ms.Beta, sep: ms.Separation, steps: ms.Steps,
	}
	for i, v := range r.lw.u {
		h.a[i] = ms.Beta * v
	}
	if ms.Separation.IsSoftmax() {
		h.eps = ms.SupportEps
	}
	h.lab = Hopfield{n: d, m: m, pts: append([]float64(nil), r.x...), tol: ms.Tolerance}
	if d == 2 {
		h.lab.px, h.lab.py = make([]float64, m), make([]float64, m)
		for mu := range m {
			h.lab.px[mu], h.lab.py[mu] = h.lab.pts[2*mu], h.lab.pts[2*mu+1]
		}
	}
	return h, nil
}

// Dim implements Model: d.
func (h *NormalizedKHM) Dim() int { return h.d }

// Len implements Model.
func (h *NormalizedKHM) Len() int { return h.m }

// Steps implements Model.
func (h *NormalizedKHM) Steps() int { return h.steps }

// Points implements Model: the memories ξ_μ.
func (h *NormalizedKHM) Points() []float64 { return h.lab.pts }

// Separation is the model's separation map.
func (h *NormalizedKHM) Separation() separation.Map { return h.sep }

// NewEvaluator implements Model.
func (h *NormalizedKHM) NewEvaluator() Evaluator {
	return &normalizedEvaluator{h: h, f: make([]float64, h.k), z: make([]float64, h.m), p: make([]float64, h.m),
		ws: separation.NewWorkspace(h.m)}
}

// normalizedEvaluator is a NormalizedKHM's Evaluator.
type normalizedEvaluator struct {
	h       *NormalizedKHM
	f, z, p []float64
	ws      *separation.Workspace
}

// Update implements Evaluator. It is settled when q' = q exactly: the
// update is a deterministic function of q, so every later one would
// repeat it.
func (e *normalizedEvaluator) Update(next, q []float64, energy bool) Update {
	h := e.h
	d, k := h.d, h.k
	n2 := 0.0
	for r := range k {
		s := h.b[r] + dotWide(h.w[r*d:r*d+d], q)
		e.f[r] = s
		n2 += float64(s * s)
	}
	if n2 >= minNormal && n2 <= math.MaxFloat64 {
		n := max(math.Sqrt(n2), normEps)
		for r := range e.f {
			e.f[r] /= n
		}
	} else {
		normalizeFeature(e.f, e.f)
	}
	for mu := range e.z {
		e.z[mu] = dotWide(h.a[mu*k:mu*k+k], e.f)
	}
	u := Update{Energy: math.NaN()}
	if energy {
		psi := h.sep.SepPsi(e.p, e.z, e.ws)
		u.Energy = float64(0.5*dot(e.f, e.f)) - psi/h.beta
	} else {
		h.sep.Sep(e.p, e.z, e.ws)
	}
	clear(next)
	for mu, pm := range e.p {
		if pm != 0 {
			pt := h.lab.pts[mu*d : mu*d+d]
			for i := range next {
				next[i] += float64(pm * pt[i])
			}
		}
	}
	u.Settled = equal(next, q)
	u.Support = supportSize(e.p, h.eps)
	return u
}

// Label implements Evaluator: the memory nearest to q strictly within the
// tolerance, as the input view labels states.
func (e *normalizedEvaluator) Label(q []float64) int32 { return e.h.lab.label(q) }

// MeanFeatureNorm is the mean length of the unnormalised feature memories
// after t steps, (1/M) Σ_μ ‖Φ_t(ξ_μ)‖ = (1/M) Σ_μ ‖W_t ξ_μ + b_t‖, the
// norms taken without overflow (0 ≤ t ≤ Iterations()). The kernelized
// scores β Φ(ξ_μ)·Φ(q) grow with it while the minimal angle measures the
// separation of the directions (SCIENCE §7.3).
func (r *Run) MeanFeatureNorm(t int) float64 {
	st := &r.traj[t]
	r.lw.features(r.x, st.W, st.B)
	k := r.k
	sum := 0.0
	for mu := range r.m {
		sum += norm(r.lw.f[mu*k : mu*k+k])
	}
	return sum / float64(r.m)
}

// NormalizeRows scales every row of x (rows of n numbers, row-major) to
// unit length in place, exactly as New normalises memories (without
// overflow or underflow, see norm.go). A row of zeros has no direction: it
// is left as it is, and the index of the first one is returned; −1 when
// there is none. Every value must be finite.
func NormalizeRows(x []float64, n int) (firstZero int) {
	firstZero = -1
	for i := 0; i+n <= len(x); i += n {
		row := x[i : i+n]
		if maxAbs(row) == 0 {
			if firstZero < 0 {
				firstZero = i / n
			}
			continue
		}
		normalize(row, row)
	}
	return firstZero
}

// wideDot is the length from which Hopfield scores are summed by dotWide.
// Frames and probes are planar (n = 2) and the sphere lab's queries have
// n = 3, so their results keep the plain order; only queries in ℝ⁸ and
// beyond (the capacity lab's) take the wide sum.
const wideDot = 8

// dotWide returns a·b (len(a) == len(b)) summed in four interleaved
// partial sums, s_r = Σ_{i ≡ r mod 4} a_i b_i in index order, added as
// (s₀ + s₁) + (s₂ + s₃), then the last len mod 4 products in order. Four
// independent chains of additions keep a long product from waiting on the
// latency of one: about 3× faster for a single dot of length 512.
func dotWide(a, b []float64) float64 {
	n := len(a)
	b = b[:n]
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+4 <= n; i += 4 {
		s0 += float64(a[i] * b[i])
		s1 += float64(a[i+1] * b[i+1])
		s2 += float64(a[i+2] * b[i+2])
		s3 += float64(a[i+3] * b[i+3])
	}
	s := (s0 + s1) + (s2 + s3)
	for ; i < n; i++ {
		s += float64(a[i] * b[i])
	}
	return s
}
