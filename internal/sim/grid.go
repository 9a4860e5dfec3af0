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
//	energy  E(q) = ½‖G q + h‖² − β⁻¹ Ψ*(z)         (no β⁻¹ for PaperSoftmaxEnergy)
//	update  q ← Σ_μ p_μ P_μ,  p = Sep(z)
//
// feature view: A = βU, c = 0, G = I, h = 0, P = U;
// input view:   A = βFW, c = βFb, G = W, h = b, P = Ξ, with F = Φ(Ξ) unnormalised.
//
// A and P are kept as separate x and y columns of length M, so that the
// per-cell loops index them without bounds checks.
type renderer struct {
	ax, ay       []float64 // A's columns
	offs         []float64 // c, M
	px, py       []float64 // P's columns
	energyG      []float64 // G, rows×2
	energyH      []float64 // h, rows
	beta         float64
	paperSoftmax bool // PaperSoftmaxEnergy
	steps        int
	tol          float64
	eps          float64 // support threshold for softmax
	rows         int     // grid rows per chunk
	frame        *Frame
	chunks       []chunkWork
	// fixed[pi][μ] reports that P_μ is a fixed point of panel pi's update
	// with Sep(z(P_μ)) = e_μ exactly; see cell.
	fixed [][]bool
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
	m := r.m
	dst.Iteration, dst.Space = t, fs.Space
	dst.Points = grow(dst.Points, 2*m)
	rd.reduce(r, t, fs, dst.Points)
	rd.prepareGrid(fs, dst)
}

// reduce sets the model part of rd (A, c, P, G, h and the retrieval
// settings) for snapshot t of r in fs's view, and writes the view's
// memory points into points (2M).
func (rd *renderer) reduce(r *Run, t int, fs *FrameSettings, points []float64) {
	st := &r.traj[t]
	m, k := r.m, r.k
	r.lw.features(r.x, st.W, st.B)

	rd.beta, rd.steps, rd.tol, rd.eps = fs.Beta, fs.Steps, fs.Tolerance, fs.SupportEps
	rd.paperSoftmax = fs.PaperSoftmaxEnergy
	rd.ax, rd.ay = grow(rd.ax, m), grow(rd.ay, m)
	rd.px, rd.py = grow(rd.px, m), grow(rd.py, m)
	rd.offs = grow(rd.offs, m)
	switch fs.Space {
	case FeatureSpace:
		copy(points, r.lw.u)
		for mu := range m {
			rd.ax[mu], rd.ay[mu] = fs.Beta*r.lw.u[2*mu], fs.Beta*r.lw.u[2*mu+1]
		}
		clear(rd.offs)
		rd.energyG, rd.energyH = identity2, zero2
	case InputSpace:
		copy(points, r.x)
		for mu := range m {
			f := r.lw.f[mu*k : mu*k+k]
			a0, a1, c := 0.0, 0.0, 0.0
			for i, fv := range f {
				a0 += fv * st.W[2*i]
				a1 += fv * st.W[2*i+1]
				c += fv * st.B[i]
			}
			rd.ax[mu], rd.ay[mu], rd.offs[mu] = fs.Beta*a0, fs.Beta*a1, fs.Beta*c
		}
		rd.energyG, rd.energyH = st.W, st.B
	}
	for mu := range m {
		rd.px[mu], rd.py[mu] = points[2*mu], points[2*mu+1]
	}
}

// prepareGrid places the grid of fs around dst.Points, sizes dst's panels
// and the chunks' scratch, and finds the exact fixed points of each map.
func (rd *renderer) prepareGrid(fs *FrameSettings, dst *Frame) {
	m := len(rd.px)
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

	rd.fixed = grow(rd.fixed, len(fs.Separations))
	cw := &rd.chunks[0]
	for pi, sep := range fs.Separations {
		rd.fixed[pi] = grow(rd.fixed[pi], m)
		for mu := range m {
			for nu := range m {
				cw.z[nu] = rd.ax[nu]*rd.px[mu] + rd.ay[nu]*rd.py[mu] + rd.offs[nu]
			}
			sep.Sep(cw.p, cw.z, cw.ws)
			oneHot := cw.p[mu] == 1
			for nu, v := range cw.p {
				if nu != mu && v != 0 {
					oneHot = false
				}
			}
			rd.fixed[pi][mu] = oneHot
		}
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
		eps, psiDivisor := 0.0, rd.beta
		if p.Separation.IsSoftmax() {
			eps = rd.eps
			if rd.paperSoftmax {
				psiDivisor = 1
			}
		}
		unlabeled := 0
		for i := i0; i < i1; i++ {
			y := f.YS[i]
			for j, x := range f.XS {
				e, qx, qy, support := rd.cell(p.Separation, rd.fixed[pi], eps, psiDivisor, x, y, cw)
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

// cell evaluates one grid point q₀ = (x, y): its energy
// ½‖G q₀ + h‖² − Ψ*(z(q₀))/psiDivisor (psiDivisor is β, or 1 for the
// paper's softmax panels), the state q_T = (qx, qy) after rd.steps retrieval
// updates, and the support size of the last probability vector, which cell
// leaves in cw.p.
//
// The probability vector of the energy, Sep(z(q₀)), is also the first
// update's. Should an update return exactly its input, q is a fixed point
// of the deterministic map q ← T(q): every later state and probability
// vector would be the same, so the loop stops early with the same result.
// The same holds, one update sooner, when p = e_μ exactly (so q = P_μ) and
// fixed[μ] says that P_μ maps to itself with Sep(z(P_μ)) = e_μ.
func (rd *renderer) cell(sep separation.Map, fixed []bool, eps, psiDivisor, x, y float64, cw *chunkWork) (energy, qx, qy float64, support int32) {
	z, p := cw.z, cw.p[:len(cw.z)]
	ax, ay, offs := rd.ax[:len(z)], rd.ay[:len(z)], rd.offs[:len(z)]
	px, py := rd.px[:len(z)], rd.py[:len(z)]
	for mu := range z {
		z[mu] = ax[mu]*x + ay[mu]*y + offs[mu]
	}
	psi := sep.SepPsi(p, z, cw.ws)
	half := 0.0
	for r, h := range rd.energyH {
		phi := rd.energyG[2*r]*x + rd.energyG[2*r+1]*y + h
		half += phi * phi
	}
	energy = 0.5*half - psi/psiDivisor

	qx, qy = x, y
	for s := 1; ; s++ {
		nx, ny := 0.0, 0.0
		nonzero, last := 0, 0
		for mu, pm := range p {
			if pm != 0 {
				nx += pm * px[mu]
				ny += pm * py[mu]
				nonzero, last = nonzero+1, mu
			}
		}
		settled := nx == qx && ny == qy || nonzero == 1 && p[last] == 1 && fixed[last]
		qx, qy = nx, ny
		if s == rd.steps || settled {
			break
		}
		for mu := range z {
			z[mu] = ax[mu]*qx + ay[mu]*qy + offs[mu]
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
	px, py := rd.px, rd.py[:len(rd.px)]
	label := int32(-1)
	best := math.Inf(1)
	for mu := range px {
		dx, dy := qx-px[mu], qy-py[mu]
		if d2 := dx*dx + dy*dy; d2 < best {
			best, label = d2, int32(mu)
		}
	}
	if !(math.Sqrt(best) < rd.tol) {
		return -1
	}
	return label
}
