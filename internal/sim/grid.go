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

// chunkWork is the scratch and partial result of one chunk. Its two lanes
// hold the scores and probabilities of the two cells that cellPair
// evaluates side by side.
type chunkWork struct {
	z, p      [2][]float64
	ws        [2]*separation.Workspace
	wsSize    int
	unlabeled []int // white cells, per panel
	undefined []int // undefined cells, per panel
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
		p.Unlabeled, p.Undefined = 0, 0
	}
	rd.frame = dst

	rd.rows = (g.NY + maxChunks - 1) / maxChunks
	rd.chunks = grow(rd.chunks, (g.NY+rd.rows-1)/rd.rows)
	for i := range rd.chunks {
		cw := &rd.chunks[i]
		if cw.wsSize < m {
			cw.ws[0], cw.ws[1], cw.wsSize = separation.NewWorkspace(m), separation.NewWorkspace(m), m
		}
		for l := range cw.z {
			cw.z[l], cw.p[l] = grow(cw.z[l], m), grow(cw.p[l], m)
		}
		cw.unlabeled = grow(cw.unlabeled, len(fs.Separations))
		cw.undefined = grow(cw.undefined, len(fs.Separations))
	}

	rd.fixed = grow(rd.fixed, len(fs.Separations))
	z, p, ws := rd.chunks[0].z[0], rd.chunks[0].p[0], rd.chunks[0].ws[0]
	for pi, sep := range fs.Separations {
		rd.fixed[pi] = grow(rd.fixed[pi], m)
		for mu := range m {
			rd.scores(z, rd.px[mu], rd.py[mu])
			sep.Sep(p, z, ws)
			oneHot := p[mu] == 1
			for nu, v := range p {
				if nu != mu && v != 0 {
					oneHot = false
				}
			}
			rd.fixed[pi][mu] = oneHot
		}
	}
}

// finish adds up the chunks' counts of white and undefined cells.
func (rd *renderer) finish() {
	for pi := range rd.frame.Panels {
		white, undefined := 0, 0
		for ci := range rd.chunks {
			white += rd.chunks[ci].unlabeled[pi]
			undefined += rd.chunks[ci].undefined[pi]
		}
		rd.frame.Panels[pi].Unlabeled, rd.frame.Panels[pi].Undefined = white, undefined
	}
}

// RunChunk evaluates grid rows [ci·rows, (ci+1)·rows) of every panel. It
// implements Task; it writes only to those rows and to chunk ci's scratch.
// Cells go in pairs of neighbours (cellPair), the last one of an odd row
// alone (cell); both give every cell the same result.
func (rd *renderer) RunChunk(ci int) {
	f := rd.frame
	nx := len(f.XS)
	i0 := ci * rd.rows
	i1 := min(i0+rd.rows, len(f.YS))
	cw := &rd.chunks[ci]
	for pi := range f.Panels {
		p := &f.Panels[pi]
		k := panelKernel{sep: p.Separation, fixed: rd.fixed[pi], psiDivisor: rd.beta}
		if k.sep.IsSoftmax() {
			k.eps = rd.eps
			if rd.paperSoftmax {
				k.psiDivisor = 1
			}
		}
		var n labelCounts
		for i := i0; i < i1; i++ {
			y := f.YS[i]
			row := i * nx
			for j := 0; j < nx; j += 2 {
				if j+1 == nx {
					n.add(rd.store(p, row+j, rd.cell(&k, f.XS[j], y, cw)))
					break
				}
				c0, c1 := rd.cellPair(&k, f.XS[j], f.XS[j+1], y, cw)
				n.add(rd.store(p, row+j, c0))
				n.add(rd.store(p, row+j+1, c1))
			}
		}
		cw.unlabeled[pi], cw.undefined[pi] = n.white, n.undefined
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

// store writes cell c, labelled, into p at index at, and returns its label.
// A cell whose energy or final state is not finite is undefined: any ±Inf
// or NaN on the way (scores that overflow give p all NaN, and the NaN
// reaches the next state) ends up in one of them.
func (rd *renderer) store(p *Panel, at int, c cellResult) int32 {
	if !c.defined() {
		p.Energy[at], p.Labels[at], p.Support[at] = math.NaN(), LabelUndefined, 0
		return LabelUndefined
	}
	label := rd.label(c.qx, c.qy)
	p.Energy[at], p.Labels[at], p.Support[at] = c.energy, label, c.support
	return label
}

// panelKernel is what a cell needs to know about its panel: the map, which
// view points are exact fixed points of it (see cell), the support
// threshold and the divisor of Ψ* in the energy.
type panelKernel struct {
	sep             separation.Map
	fixed           []bool
	eps, psiDivisor float64
}

// cellResult is what a cell yields: its energy, its state q_T after the
// retrieval updates, and the support size of the last probability vector.
type cellResult struct {
	energy, qx, qy float64
	support        int32
}

// defined reports whether the energy and the final state are all finite
// (v − v is 0 for a finite v and NaN otherwise).
func (c *cellResult) defined() bool {
	return (c.energy-c.energy)+(c.qx-c.qx)+(c.qy-c.qy) == 0
}

// cell evaluates one grid point q₀ = (x, y) with lane 0 of cw: its energy
// ½‖G q₀ + h‖² − Ψ*(z(q₀))/psiDivisor (psiDivisor is β, or 1 for the
// paper's softmax panels), the state q_T after rd.steps retrieval updates,
// and the support size of the last probability vector.
//
// The probability vector of the energy, Sep(z(q₀)), is also the first
// update's; an update is q' = Σ_μ p_μ P_μ (weightedSum). Should an update
// return exactly its input, q is a fixed point of the deterministic map
// q ← T(q): every later state and probability vector would be the same, so
// the loop stops early with the same result.
// The same holds, one update sooner, when p = e_μ exactly (so q = P_μ) and
// fixed[μ] says that P_μ maps to itself with Sep(z(P_μ)) = e_μ.
func (rd *renderer) cell(k *panelKernel, x, y float64, cw *chunkWork) cellResult {
	z, p, ws := cw.z[0], cw.p[0], cw.ws[0]
	rd.scores(z, x, y)
	c := cellResult{energy: rd.energy(x, y, k.sep.SepPsi(p, z, ws), k.psiDivisor), qx: x, qy: y}
	for s := 1; ; s++ {
		nx, ny, hot := weightedSum(p, rd.px, rd.py)
		settled := nx == c.qx && ny == c.qy || hot >= 0 && k.fixed[hot]
		c.qx, c.qy = nx, ny
		if s == rd.steps || settled {
			break
		}
		rd.scores(z, c.qx, c.qy)
		k.sep.Sep(p, z, ws)
	}
	c.support = supportSize(p, k.eps)
	return c
}

// cellPair evaluates the grid points (x0, y) and (x1, y) as cell does, the
// first with lane 0 of cw and the second with lane 1, interleaving their
// separation maps with SepPair while both are running. Each lane performs
// exactly the operations cell would, so the results are cell's, bit for bit.
func (rd *renderer) cellPair(k *panelKernel, x0, x1, y float64, cw *chunkWork) (c0, c1 cellResult) {
	z0, p0, ws0 := cw.z[0], cw.p[0], cw.ws[0]
	z1, p1, ws1 := cw.z[1], cw.p[1], cw.ws[1]
	rd.scoresPair(z0, x0, y, z1, x1, y)
	psi0, psi1 := k.sep.SepPair(p0, z0, ws0, p1, z1, ws1, true)
	c0 = cellResult{energy: rd.energy(x0, y, psi0, k.psiDivisor), qx: x0, qy: y}
	c1 = cellResult{energy: rd.energy(x1, y, psi1, k.psiDivisor), qx: x1, qy: y}
	done0, done1 := false, false
	for s := 1; ; s++ {
		if !done0 {
			nx, ny, hot := weightedSum(p0, rd.px, rd.py)
			done0 = s == rd.steps || nx == c0.qx && ny == c0.qy || hot >= 0 && k.fixed[hot]
			c0.qx, c0.qy = nx, ny
		}
		if !done1 {
			nx, ny, hot := weightedSum(p1, rd.px, rd.py)
			done1 = s == rd.steps || nx == c1.qx && ny == c1.qy || hot >= 0 && k.fixed[hot]
			c1.qx, c1.qy = nx, ny
		}
		if done0 && done1 {
			break
		}
		switch {
		case done1:
			rd.scores(z0, c0.qx, c0.qy)
			k.sep.Sep(p0, z0, ws0)
		case done0:
			rd.scores(z1, c1.qx, c1.qy)
			k.sep.Sep(p1, z1, ws1)
		default:
			rd.scoresPair(z0, c0.qx, c0.qy, z1, c1.qx, c1.qy)
			k.sep.SepPair(p0, z0, ws0, p1, z1, ws1, false)
		}
	}
	c0.support, c1.support = supportSize(p0, k.eps), supportSize(p1, k.eps)
	return c0, c1
}

// scores writes z_μ = A_μ·q + c_μ for q = (x, y).
func (rd *renderer) scores(z []float64, x, y float64) {
	ax, ay, offs := rd.ax[:len(z)], rd.ay[:len(z)], rd.offs[:len(z)]
	for mu := range z {
		z[mu] = ax[mu]*x + ay[mu]*y + offs[mu]
	}
}

// scoresPair is scores(z0, x0, y0) and scores(z1, x1, y1) in one loop.
func (rd *renderer) scoresPair(z0 []float64, x0, y0 float64, z1 []float64, x1, y1 float64) {
	ax, ay, offs := rd.ax[:len(z0)], rd.ay[:len(z0)], rd.offs[:len(z0)]
	z1 = z1[:len(z0)]
	for mu := range z0 {
		z0[mu] = ax[mu]*x0 + ay[mu]*y0 + offs[mu]
		z1[mu] = ax[mu]*x1 + ay[mu]*y1 + offs[mu]
	}
}

// energy returns ½‖G q + h‖² − psi/psiDivisor at q = (x, y).
func (rd *renderer) energy(x, y, psi, psiDivisor float64) float64 {
	half := 0.0
	for r, h := range rd.energyH {
		phi := rd.energyG[2*r]*x + rd.energyG[2*r+1]*y + h
		half += phi * phi
	}
	return 0.5*half - psi/psiDivisor
}

// weightedSum returns Σ_μ p_μ (px_μ, py_μ), summed in index order over the
// non-zero p_μ, and μ if p = e_μ exactly, else −1.
func weightedSum(p, px, py []float64) (nx, ny float64, oneHot int) {
	px, py = px[:len(p)], py[:len(p)]
	nonzero := 0
	for mu, pm := range p {
		if pm != 0 {
			nx += pm * px[mu]
			ny += pm * py[mu]
			nonzero, oneHot = nonzero+1, mu
		}
	}
	if nonzero != 1 || p[oneHot] != 1 {
		oneHot = -1
	}
	return nx, ny, oneHot
}

// supportSize counts the entries of p above eps.
func supportSize(p []float64, eps float64) int32 {
	n := int32(0)
	for _, pm := range p {
		if pm > eps {
			n++
		}
	}
	return n
}

// label returns the index of the view point nearest to (qx, qy) if it is
// strictly within rd.tol, else LabelWhite. Ties go to the lowest index.
//
// Points are compared by d² = dx² + dy², which is sound whenever the
// smallest d² is a normal finite number (see norm.go): then no d² that
// decides overflowed or lost more than rounding to underflow. Otherwise the
// state sits on a point, within about 1e-154 of one, or beyond about 1e154
// of all of them, and labelScaled decides.
func (rd *renderer) label(qx, qy float64) int32 {
	px, py := rd.px, rd.py[:len(rd.px)]
	label := int32(LabelWhite)
	best := math.Inf(1)
	for mu := range px {
		dx, dy := qx-px[mu], qy-py[mu]
		if d2 := dx*dx + dy*dy; d2 < best {
			best, label = d2, int32(mu)
		}
	}
	if !(best >= minNormal && best <= math.MaxFloat64) {
		// If d² is 0 because the state is exactly the point `label` (as when
		// a sparse map retrieves a memory exactly), label is the answer: it
		// is the lowest index with d² = 0, so every lower index has
		// q − P ≠ 0 exactly, hence a distance > 0.
		if best == 0 && qx == px[label] && qy == py[label] {
			return label
		}
		return rd.labelScaled(qx, qy)
	}
	if !(math.Sqrt(best) < rd.tol) {
		return LabelWhite
	}
	return label
}

// labelScaled is label where the smallest d² is 0, subnormal or +Inf and
// not an exact hit: it compares the distances by math.Hypot, which neither
// overflows nor underflows.
func (rd *renderer) labelScaled(qx, qy float64) int32 {
	px, py := rd.px, rd.py[:len(rd.px)]
	label, bestD := int32(LabelWhite), math.Inf(1)
	for mu := range px {
		if d := math.Hypot(qx-px[mu], qy-py[mu]); d < bestD {
			bestD, label = d, int32(mu)
		}
	}
	if !(bestD < rd.tol) {
		return LabelWhite
	}
	return label
}
