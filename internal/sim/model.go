package sim

import (
	"math"

	"hoplab/internal/sim/separation"
)

// A Model is an immutable snapshot of everything that defines an energy and
// its retrieval update at one iteration: the memories, the feature map at
// t, β, the separation and the retrieval settings (SCIENCE §3, §4). It
// knows nothing of where it is queried (a Domain) or of what is kept of a
// query (a Measure); Evaluate brings the three together.
//
// A Model may be used by concurrent goroutines; each needs its own
// Evaluator. Today's kind is *Hopfield, in its feature-space and
// input-space forms. A model without a probability vector over memories
// (such as a random-feature DrDAM energy) implements Model by reporting
// NoSupport from its updates.
type Model interface {
	// Dim is n, the dimension of the query space.
	Dim() int
	// Len is M, the number of memories.
	Len() int
	// Steps is T ≥ 1, the number of retrieval updates per query.
	Steps() int
	// Points are the M memories as points of the query space (M×n
	// row-major), the points that Label measures distances to. The slice
	// is the model's own: callers must not modify it.
	Points() []float64
	// NewEvaluator returns an Evaluator with scratch of its own, for one
	// goroutine at a time.
	NewEvaluator() Evaluator
}

// An Evaluator evaluates one Model at queries, with scratch of its own so
// that its methods do not allocate.
type Evaluator interface {
	// Update evaluates the model at q (length n): it writes the next
	// state T(q) into next (length n, not aliasing q) and reports the
	// energy at q if energy is true (otherwise Update.Energy is NaN).
	Update(next, q []float64, energy bool) Update
	// Label returns the index of the memory whose point is nearest to q
	// if it lies strictly within the model's tolerance (the lowest index
	// on ties), else LabelWhite. q must be finite.
	Label(q []float64) int32
}

// NoSupport is the support an Update reports for a model without a
// probability vector over memories.
const NoSupport = -1

// Update is what one retrieval update yields besides the next state.
type Update struct {
	// Energy E(q) at the query q the update started from, without additive constants
	// (SCIENCE §9); NaN if it was not asked for. It may be ±Inf or NaN
	// where the model overflows.
	Energy float64
	// Support is the size of the support of the probability vector p of
	// this update (softmax: entries above SupportEps; other maps: entries
	// > 0), or NoSupport.
	Support int32
	// Settled reports that the next state is a fixed point of the update:
	// updating it gives it back, with the same probability vector, so
	// every later update would repeat this one's results.
	Settled bool
}

// ModelSettings choose the model of one snapshot: the view, β, the
// separation and the retrieval settings. They are FrameSettings for one map
// and without the grid.
type ModelSettings struct {
	Space Space
	// Beta is the inverse temperature β > 0.
	Beta float64
	// Separation is the map Sep with its Ψ* (a valid, non-zero Map).
	Separation separation.Map
	// Steps ≥ 1 is the number of synchronous retrieval updates per query.
	Steps int
	// Tolerance > 0: a final state is retrieved to memory μ when it lies
	// strictly within this distance of μ's point (see FrameSettings).
	Tolerance float64
	// SupportEps ≥ 0: softmax entries above it count toward the support;
	// other maps count entries > 0.
	SupportEps float64
	// PaperSoftmaxEnergy drops the factor 1/β of a softmax energy's Ψ*
	// term, as the authors' contours.py does (see FrameSettings).
	PaperSoftmaxEnergy bool
}

// Model returns the settings of the model of panel i of fs.
func (fs *FrameSettings) Model(i int) ModelSettings {
	return ModelSettings{Space: fs.Space, Beta: fs.Beta, Separation: fs.Separations[i], Steps: fs.Steps,
		Tolerance: fs.Tolerance, SupportEps: fs.SupportEps, PaperSoftmaxEnergy: fs.PaperSoftmaxEnergy}
}

// Hopfield is the Model of a modern Hopfield network with a separation map,
// at one snapshot of a run, in one of two views (SCIENCE §3, §4). Both
// reduce to one form over queries q ∈ ℝⁿ:
//
//	scores  z = A q + c                          (A is M×n, already scaled by β)
//	energy  E(q) = ½‖G q + h‖² − Ψ*(z)/β          (no 1/β for PaperSoftmaxEnergy)
//	update  q ← Pᵀ p,  p = Sep(z)                 (P is M×n: the memories' points)
//
// FeatureSpace, the MHM on the normalised feature memories u_μ (n = D_Φ):
// A = βU, c = 0, G = I, h = 0, P = U.
// InputSpace, the KHM over inputs (n = d), with F = Φ_t(Ξ) unnormalised:
// A = βF W_t, c = βF b_t, G = W_t, h = b_t, P = Ξ.
//
// A Hopfield is immutable once built by Run.Model.
type Hopfield struct {
	space      Space
	n, m       int
	a          []float64 // A, M×n row-major
	c          []float64 // c, M
	pts        []float64 // P, M×n row-major
	g          []float64 // G, rows×n row-major
	h          []float64 // h, rows
	identity   bool      // G = I and h = 0 (the feature view): ½‖q‖² without G
	beta       float64
	psiDivisor float64 // β, or 1 for a paper softmax energy
	sep        separation.Map
	steps      int
	tol        float64
	eps        float64 // support threshold: SupportEps for softmax, else 0
	// fixed[μ] reports that P_μ is a fixed point of the update with
	// Sep(z(P_μ)) = e_μ exactly; see Update.
	fixed []bool
	// fixedBits has bit μ set where fixed[μ], when M ≤ 64 (else it is 0,
	// which only costs the grid kernel's vector path a later stop).
	fixedBits uint64
	// ax, ay, px, py are A's and P's columns when n = 2, for the paired
	// grid kernel (grid.go).
	ax, ay, px, py []float64
	// lane holds (ax, ay, c, px, py) memory by memory when n = 2, for the
	// grid kernel's vector path (lanes.go); empty otherwise.
	lane []float64
	// laneG holds (g_r0, g_r1, h_r) row by row when n = 2 (lanes.go).
	laneG []float64
}

// Model returns the model of snapshot t in the view and with the settings
// of ms, as an immutable snapshot that shares nothing with r: it may be
// used on any goroutine while r steps on. Taking it uses r's scratch, so
// like every method of a Run it must not run concurrently with another. Errors are
// *FieldError: t outside 0..Iterations() ("snapshots"), or an invalid
// setting (with the field names of CheckFrameSettings). Unlike a frame, a
// model has no dimension limit: the feature view has n = D_Φ, the input
// view n = d.
func (r *Run) Model(t int, ms ModelSettings) (*Hopfield, error) {
	if t < 0 || t > r.Iterations() {
		return nil, fieldErr("snapshots", "iteration %d is outside 0..%d", t, r.Iterations())
	}
	if err := checkModelSettings(&ms); err != nil {
		return nil, err
	}
	if ms.Space != FeatureSpace && ms.Space != InputSpace {
		return nil, fieldErr("view.space", "unknown space %d", ms.Space)
	}
	h := new(Hopfield)
	r.reduce(h, t, ms.Space, ms.Beta)
	h.configure(&ms, separation.NewWorkspace(r.m), make([]float64, r.m), make([]float64, r.m), true)
	return h, nil
}

// checkModelSettings reports the first invalid setting of ms other than
// the space as a *FieldError, or nil.
func checkModelSettings(ms *ModelSettings) error {
	if !positive(ms.Beta) {
		return fieldErr("beta", "must be a finite number > 0")
	}
	if ms.Separation == (separation.Map{}) {
		return fieldErr("separations", "the separation map is not set")
	}
	if ms.Steps < 1 {
		return fieldErr("retrieval.steps", "must be ≥ 1")
	}
	if !positive(ms.Tolerance) {
		return fieldErr("retrieval.tolerance", "must be a finite number > 0")
	}
	if !finite(ms.SupportEps) || ms.SupportEps < 0 {
		return fieldErr("retrieval.supportEps", "must be a finite number ≥ 0")
	}
	return nil
}

// reduce sets the β-dependent form (A, c, P, G, h) of h for snapshot t of r
// in the given view, reusing h's buffers.
func (r *Run) reduce(h *Hopfield, t int, space Space, beta float64) {
	st := &r.traj[t]
	m, d, k := r.m, r.d, r.k
	r.lw.features(r.x, st.W, st.B)
	h.space, h.m, h.beta = space, m, beta
	switch space {
	case FeatureSpace:
		n := k
		h.n = n
		h.pts = append(h.pts[:0], r.lw.u...)
		h.a = grow(h.a, m*n)
		for i, v := range h.pts {
			h.a[i] = beta * v
		}
		h.c = grow(h.c, m)
		clear(h.c)
		h.g = grow(h.g, n*n)
		clear(h.g)
		for i := range n {
			h.g[i*n+i] = 1
		}
		h.h = grow(h.h, n)
		clear(h.h)
		h.identity = true
	case InputSpace:
		n := d
		h.n = n
		h.pts = append(h.pts[:0], r.x...)
		h.a, h.c = grow(h.a, m*n), grow(h.c, m)
		for mu := range m {
			f := r.lw.f[mu*k : mu*k+k]
			row := h.a[mu*n : mu*n+n]
			clear(row)
			c := 0.0
			for i, fv := range f {
				w := st.W[i*d : i*d+d]
				for j := range row {
					row[j] += float64(fv * w[j])
				}
				c += float64(fv * st.B[i])
			}
			for j := range row {
				row[j] *= beta
			}
			h.c[mu] = beta * c
		}
		h.g = append(h.g[:0], st.W...)
		h.h = append(h.h[:0], st.B...)
		h.identity = false
	}
	if h.n == 2 {
		h.ax, h.ay = grow(h.ax, m), grow(h.ay, m)
		h.px, h.py = grow(h.px, m), grow(h.py, m)
		for mu := range m {
			h.ax[mu], h.ay[mu] = h.a[2*mu], h.a[2*mu+1]
			h.px[mu], h.py[mu] = h.pts[2*mu], h.pts[2*mu+1]
		}
		h.laneCoef()
	} else {
		h.ax, h.ay, h.px, h.py = nil, nil, nil, nil
		h.lane, h.laneG = h.lane[:0], h.laneG[:0]
	}
}

// configure sets the separation and retrieval settings of h, whose form is
// set, and, if fixedPoints, finds the memories' points that are exact fixed
// points of its update, using z, p (length M) and ws as scratch; otherwise
// none is marked, which only costs the early stop one update later (a
// measure that traces every update does not stop early anyway).
func (h *Hopfield) configure(ms *ModelSettings, ws *separation.Workspace, z, p []float64, fixedPoints bool) {
	h.sep, h.steps, h.tol = ms.Separation, ms.Steps, ms.Tolerance
	h.eps, h.psiDivisor = 0, h.beta
	if h.sep.IsSoftmax() {
		h.eps = ms.SupportEps
		if ms.PaperSoftmaxEnergy {
			h.psiDivisor = 1
		}
	}
	h.fixed = grow(h.fixed, h.m)
	clear(h.fixed)
	for mu := range h.m {
		if !fixedPoints {
			break
		}
		h.scores(z, h.pts[mu*h.n:mu*h.n+h.n])
		h.sep.Sep(p, z, ws)
		oneHot := p[mu] == 1
		for nu, v := range p {
			if nu != mu && v != 0 {
				oneHot = false
			}
		}
		h.fixed[mu] = oneHot
	}
	h.fixedBits = 0
	if h.m <= 64 {
		for mu, f := range h.fixed {
			if f {
				h.fixedBits |= 1 << mu
			}
		}
	}
}

// Dim implements Model: n = D_Φ in the feature view, d in the input view.
func (h *Hopfield) Dim() int { return h.n }

// Len implements Model.
func (h *Hopfield) Len() int { return h.m }

// Steps implements Model.
func (h *Hopfield) Steps() int { return h.steps }

// Points implements Model: u_μ in the feature view, ξ_μ in the input view.
func (h *Hopfield) Points() []float64 { return h.pts }

// Space is the view the model was built in.
func (h *Hopfield) Space() Space { return h.space }

// Separation is the model's separation map.
func (h *Hopfield) Separation() separation.Map { return h.sep }

// NewEvaluator implements Model.
func (h *Hopfield) NewEvaluator() Evaluator {
	return &hopfieldEvaluator{h: h, z: make([]float64, h.m), p: make([]float64, h.m), ws: separation.NewWorkspace(h.m)}
}

// hopfieldEvaluator is a Hopfield's Evaluator.
type hopfieldEvaluator struct {
	h    *Hopfield
	z, p []float64
	ws   *separation.Workspace
}

// Update implements Evaluator. The update is q' = Σ_μ p_μ P_μ, summed in
// index order over the non-zero p_μ. It is settled when q' = q exactly
// (q is a fixed point of the deterministic update), or when p = e_μ
// exactly and P_μ is a fixed point with Sep(z(P_μ)) = e_μ.
func (e *hopfieldEvaluator) Update(next, q []float64, energy bool) Update {
	h := e.h
	h.scores(e.z, q)
	u := Update{Energy: math.NaN()}
	if energy {
		u.Energy = h.energy(q, h.sep.SepPsi(e.p, e.z, e.ws))
	} else {
		h.sep.Sep(e.p, e.z, e.ws)
	}
	hot := h.update(next, e.p)
	u.Settled = hot >= 0 && h.fixed[hot] || equal(next, q)
	u.Support = supportSize(e.p, h.eps)
	return u
}

// Label implements Evaluator.
func (e *hopfieldEvaluator) Label(q []float64) int32 { return e.h.label(q) }

// scores writes z_μ = A_μ·q + c_μ. From n = wideDot on, each product is
// summed as dotWide sums it (capacity.go); below, in index order.
func (h *Hopfield) scores(z, q []float64) {
	n := len(q)
	if n >= wideDot {
		for mu := range z {
			z[mu] = dotWide(h.a[mu*n:mu*n+n], q) + h.c[mu]
		}
		return
	}
	for mu := range z {
		a := h.a[mu*n : mu*n+n]
		s := float64(a[0] * q[0])
		for i := 1; i < n; i++ {
			s += float64(a[i] * q[i])
		}
		z[mu] = s + h.c[mu]
	}
}

// energy returns ½‖G q + h‖² − psi/psiDivisor, each row of G q summed as
// scores sums its products (dotWide from n = wideDot on). The products are rounded
// before they are added (float64(…)), here and in the grid kernel, so that
// no compiler fuses them into multiply-adds in one path and not the other.
func (h *Hopfield) energy(q []float64, psi float64) float64 {
	n := len(q)
	half := 0.0
	if h.identity {
		// G q + h = q exactly: 1·q_i + Σ 0·q_j + 0 rounds to q_i (up to
		// the sign of a zero, which its square does not see).
		for _, v := range q {
			half += float64(v * v)
		}
		return float64(0.5*half) - psi/h.psiDivisor
	}
	for r, hr := range h.h {
		g := h.g[r*n : r*n+n]
		var phi float64
		if n >= wideDot { // as scores sums
			phi = dotWide(g, q)
		} else {
			phi = float64(g[0] * q[0])
			for i := 1; i < n; i++ {
				phi += float64(g[i] * q[i])
			}
		}
		phi += hr
		half += float64(phi * phi)
	}
	return float64(0.5*half) - psi/h.psiDivisor
}

// update writes Σ_μ p_μ P_μ into next, summed in index order over the
// non-zero p_μ, and returns μ if p = e_μ exactly, else −1.
func (h *Hopfield) update(next, p []float64) (oneHot int) {
	n := len(next)
	clear(next)
	nonzero := 0
	for mu, pm := range p {
		if pm != 0 {
			pt := h.pts[mu*n : mu*n+n]
			for i := range next {
				next[i] += float64(pm * pt[i])
			}
			nonzero, oneHot = nonzero+1, mu
		}
	}
	if nonzero != 1 || p[oneHot] != 1 {
		oneHot = -1
	}
	return oneHot
}

// label returns the index of the point nearest to q if it is strictly
// within h.tol, else LabelWhite; ties go to the lowest index. In the plane
// it is the grid kernel's label2 (grid.go), bit for bit.
//
// Points are compared by d² = Σ (q_i − P_μi)², which is sound whenever the
// smallest d² is a normal finite number (see norm.go); otherwise labelScaled
// decides, unless q is exactly the nearest point.
func (h *Hopfield) label(q []float64) int32 {
	n := len(q)
	if n == 2 {
		return h.label2(q[0], q[1])
	}
	label := int32(LabelWhite)
	best := math.Inf(1)
	for mu := range h.m {
		pt := h.pts[mu*n : mu*n+n]
		d2 := 0.0
		for i, v := range q {
			dv := v - pt[i]
			d2 += float64(dv * dv)
		}
		if d2 < best {
			best, label = d2, int32(mu)
		}
	}
	if !(best >= minNormal && best <= math.MaxFloat64) {
		if best == 0 && equal(q, h.pts[int(label)*n:int(label)*n+n]) {
			return label
		}
		return h.labelScaled(q)
	}
	if !(math.Sqrt(best) < h.tol) {
		return LabelWhite
	}
	return label
}

// labelScaled is label by distances taken so that they neither overflow
// nor underflow (distScaled).
func (h *Hopfield) labelScaled(q []float64) int32 {
	n := len(q)
	label, bestD := int32(LabelWhite), math.Inf(1)
	for mu := range h.m {
		if d := distScaled(q, h.pts[mu*n:mu*n+n]); d < bestD {
			bestD, label = d, int32(mu)
		}
	}
	if !(bestD < h.tol) {
		return LabelWhite
	}
	return label
}

// distScaled returns ‖q − p‖ as s·√Σ ((q_i − p_i)/s)² with s = max_i
// |q_i − p_i| (scaledNorm without a buffer): +Inf only if a difference
// overflows, 0 only if q = p.
func distScaled(q, p []float64) float64 {
	s := 0.0
	for i, v := range q {
		s = max(s, math.Abs(v-p[i]))
	}
	if s == 0 || math.IsInf(s, 0) {
		return s
	}
	sum := 0.0
	for i, v := range q {
		r := (v - p[i]) / s
		sum += float64(r * r)
	}
	return s * math.Sqrt(sum)
}

// equal reports whether a and b hold the same numbers (== per entry).
func equal(a, b []float64) bool {
	for i, v := range a {
		if v != b[i] {
			return false
		}
	}
	return true
}
