package sim

import (
	"math"

	"hoplab/internal/sim/separation"
)

// maxChunks bounds the number of chunks a frame is split into. Chunks are
// whole grid rows and their bounds depend only on the grid's NY.
const maxChunks = 64

// renderer holds one view of one snapshot, reduced to what the per-cell
// loop needs, and the per-chunk scratch that lets that loop run without
// allocating. Both views reduce to the same 2-D form: for a grid point q,
//
//	scores  z_μ = A_μ·q + c_μ                    (A, c already scaled by β)
//	energy  E(q) = ½‖G q + h‖² − β⁻¹ Ψ*(z)
//	update  q ← Σ_μ p_μ P_μ,  p = Sep(z)
//
// feature view: A = βU, c = 0, G = I, h = 0, P = U;
// input view:   A = βFW, c = βFb, G = W, h = b, P = Ξ, with F = Φ(Ξ) unnormalised.
type renderer struct {
	m       int
	keys    []float64 // A, M×2
	offs    []float64 // c, M
	pts     []float64 // P, M×2 (aliases the frame's Points)
	energyG []float64 // G, rows×2
	energyH []float64 // h, rows
	beta    float64
	steps   int
	tol     float64
	eps     float64 // support threshold for softmax
	rows    int     // grid rows per chunk
	frame   *Frame
	chunks  []chunkWork
}

// chunkWork is the scratch and partial result of one chunk.
type chunkWork struct {
	z, p      []float64
	ws        *separation.Workspace
	wsSize    int
	unlabeled []int // per panel
}

var identity2 = []float64{1, 0, 0, 1}
var zero2 = []float64{0, 0}

// prepare reduces snapshot t of r to the form above and sizes dst and the
// scratch for fs. fs has been checked.
func (rd *renderer) prepare(r *Run, t int, fs *FrameSettings, dst *Frame) {
	st := &r.traj[t]
	m, k := r.m, r.k
	r.lw.features(r.x, st.W, st.B)

	rd.m, rd.beta, rd.steps, rd.tol, rd.eps = m, fs.Beta, fs.Steps, fs.Tolerance, fs.SupportEps
	rd.keys = grow(rd.keys, 2*m)
	rd.offs = grow(rd.offs, m)
	dst.Iteration, dst.Space = t, fs.Space
	dst.Points = grow(dst.Points, 2*m)
	switch fs.Space {
	case FeatureSpace:
		copy(dst.Points, r.lw.u)
		for i, u := range r.lw.u {
			rd.keys[i] = fs.Beta * u
		}
		clear(rd.offs)
		rd.energyG, rd.energyH = identity2, zero2
	case InputSpace:
		copy(dst.Points, r.x)
		for mu := range m {
			f := r.lw.f[mu*k : mu*k+k]
			a0, a1, c := 0.0, 0.0, 0.0
			for i, fv := range f {
				a0 += fv * st.W[2*i]
				a1 += fv * st.W[2*i+1]
				c += fv * st.B[i]
			}
			rd.keys[2*mu], rd.keys[2*mu+1], rd.offs[mu] = fs.Beta*a0, fs.Beta*a1, fs.Beta*c
		}
		rd.energyG, rd.energyH = st.W, st.B
	}
	rd.pts = dst.Points

	g := fs.Grid
	b := box(dst.Points, g.Margin)
	if g.Bounds != nil {
		b = *g.Bounds
	}
	dst.XS = grow(dst.XS, g.NX)
	dst.YS = grow(dst.YS, g.NY)
	linspace(dst.XS, b.XMin, b.XMax)
	linspace(dst.YS, b.YMin, b.YMax)

	cells := g.NX * g.NY
	dst.Panels = grow(dst.Panels, len(fs.Separations))
	for i, sep := range fs.Separations {
		p := &dst.Panels[i]
		p.Separation = sep
		p.Energy = grow(p.Energy, cells)
		p.Labels = grow(p.Labels, cells)
		p.Support = grow(p.Support, cells)
		p.Unlabeled = 0
	}
	rd.frame = dst

	rd.rows = (g.NY + maxChunks - 1) / maxChunks
	rd.chunks = grow(rd.chunks, (g.NY+rd.rows-1)/rd.rows)
	for i := range rd.chunks {
		cw := &rd.chunks[i]
		cw.z = grow(cw.z, m)
		cw.p = grow(cw.p, m)
		if cw.ws == nil || cw.wsSize < m {
			cw.ws, cw.wsSize = separation.NewWorkspace(m), m
		}
		cw.unlabeled = grow(cw.unlabeled, len(fs.Separations))
	}
}

// finish adds up the chunks' counts of unlabelled cells.
func (rd *renderer) finish() {
	for pi := range rd.frame.Panels {
		n := 0
		for ci := range rd.chunks {
			n += rd.chunks[ci].unlabeled[pi]
		}
		rd.frame.Panels[pi].Unlabeled = n
	}
}

// RunChunk evaluates grid rows [ci·rows, (ci+1)·rows) of every panel. It
// implements Task; it writes only to those rows and to chunk ci's scratch.
func (rd *renderer) RunChunk(ci int) {
	f := rd.frame
	nx := len(f.XS)
	i0 := ci * rd.rows
	i1 := min(i0+rd.rows, len(f.YS))
	cw := &rd.chunks[ci]
	for pi := range f.Panels {
		p := &f.Panels[pi]
		eps := 0.0
		if p.Separation.IsSoftmax() {
			eps = rd.eps
		}
		unlabeled := 0
		for i := i0; i < i1; i++ {
			y := f.YS[i]
			for j, x := range f.XS {
				e, qx, qy, support := rd.cell(p.Separation, eps, x, y, cw)
				label := rd.label(qx, qy)
				p.Energy[i*nx+j], p.Labels[i*nx+j], p.Support[i*nx+j] = e, label, support
				if label < 0 {
					unlabeled++
				}
			}
		}
		cw.unlabeled[pi] = unlabeled
	}
}

// cell evaluates one grid point q₀ = (x, y): its energy, the state
// q_T = (qx, qy) after rd.steps retrieval updates and the support size of
// the last probability vector, which cell leaves in cw.p.
//
// The probability vector of the energy, Sep(z(q₀)), is also the first
// update's. Should an update return exactly its input, q is a fixed point
// of the deterministic map q ← T(q): every later state and probability
// vector would be the same, so the loop stops early with the same result.
func (rd *renderer) cell(sep separation.Map, eps, x, y float64, cw *chunkWork) (energy, qx, qy float64, support int32) {
	keys, offs, pts := rd.keys, rd.offs, rd.pts
	z, p := cw.z, cw.p
	for mu := range z {
		z[mu] = keys[2*mu]*x + keys[2*mu+1]*y + offs[mu]
	}
	psi := sep.SepPsi(p, z, cw.ws)
	half := 0.0
	for r, h := range rd.energyH {
		phi := rd.energyG[2*r]*x + rd.energyG[2*r+1]*y + h
		half += phi * phi
	}
	energy = 0.5*half - psi/rd.beta

	qx, qy = x, y
	for s := 1; ; s++ {
		nx, ny := 0.0, 0.0
		for mu, pm := range p {
			if pm != 0 {
				nx += pm * pts[2*mu]
				ny += pm * pts[2*mu+1]
			}
		}
		fixed := nx == qx && ny == qy
		qx, qy = nx, ny
		if s == rd.steps || fixed {
			break
		}
		for mu := range z {
			z[mu] = keys[2*mu]*qx + keys[2*mu+1]*qy + offs[mu]
		}
		sep.Sep(p, z, cw.ws)
	}
	for _, pm := range p {
		if pm > eps {
			support++
		}
	}
	return energy, qx, qy, support
}

// label returns the index of the view point nearest to (qx, qy) if it is
// strictly within rd.tol, else -1. Ties go to the lowest index.
func (rd *renderer) label(qx, qy float64) int32 {
	pts := rd.pts
	label := int32(-1)
	best := math.Inf(1)
	for mu := range rd.m {
		dx, dy := qx-pts[2*mu], qy-pts[2*mu+1]
		if d2 := dx*dx + dy*dy; d2 < best {
			best, label = d2, int32(mu)
		}
	}
	if !(math.Sqrt(best) < rd.tol) {
		return -1
	}
	return label
}
