package sim

import "math"

// This file is the fast path of an Evaluation: a plane *Hopfield on a
// *Grid2D, kept in a *Panel. It evaluates cells eight or sixteen at a time
// where the processor has the vector path (lanes.go), otherwise two at a
// time (cellPair), interleaving the two cells' separation maps, and gives
// every cell what the general loop (evaluate.go) gives it, bit for bit:
// the same operations in the same order, on A's and P's columns instead
// of rows.

// gridChunk evaluates the grid cells [i0, i1) (whole rows, or a part of a
// row that starts at an even offset) of target ti,
// whose model is a plane *Hopfield and whose measure is a *Panel, on the
// domain's *Grid2D. Where the map has a vector path (laneKind), runs of
// sixteen (softmax) or eight neighbours of a row go together
// (cellsLanes2, cellsLanes); the rest, and the runs the vector path
// declines, go in pairs of neighbours (cellPair), the last one of an odd
// row alone (cell).
func (e *Evaluation) gridChunk(ti, ci, i0, i1 int, cw *evalChunk) {
	g := e.domain.(*Grid2D)
	h := e.targets[ti].Model.(*Hopfield)
	p := e.targets[ti].Measure.(*Panel)
	nx := len(g.XS)
	lanes := h.laneKind()
	var n labelCounts
	for at := i0; at < i1; {
		// The cells of one row from at on, within the chunk; at is at an
		// even offset in its row, so the pairs are those of whole rows.
		row, j0 := at/nx, at%nx
		j1 := min(nx, j0+(i1-at))
		y := g.YS[row]
		base := row * nx
		for j := j0; j < j1; {
			if lanes == laneSoftmax && j+2*laneWidth <= j1 && h.cellsLanes2(p, base+j, g.XS[j:], y, cw, &n) {
				j += 2 * laneWidth
				continue
			}
			if lanes != laneNone && j+laneWidth <= j1 {
				// Eight cells at once, or, where the vector path
				// declines, as four pairs.
				if h.cellsLanes(lanes, p, base+j, g.XS[j:], y, cw, &n) {
					j += laneWidth
					continue
				}
				for end := j + laneWidth; j < end; j += 2 {
					c0, c1 := h.cellPair(g.XS[j], g.XS[j+1], y, cw)
					n.add(h.store(p, base+j, c0))
					n.add(h.store(p, base+j+1, c1))
				}
				continue
			}
			if j+1 == j1 {
				n.add(h.store(p, base+j, h.cell(g.XS[j], y, cw)))
				break
			}
			c0, c1 := h.cellPair(g.XS[j], g.XS[j+1], y, cw)
			n.add(h.store(p, base+j, c0))
			n.add(h.store(p, base+j+1, c1))
			j += 2
		}
		at = base + j1
	}
	p.chunks[ci] = n
}

// store writes cell c, labelled, into p at index at, and returns its label.
// A cell whose energy or final state is not finite is undefined: any ±Inf
// or NaN on the way (scores that overflow give p all NaN, and the NaN
// reaches the next state) ends up in one of them.
func (h *Hopfield) store(p *Panel, at int, c cellResult) int32 {
	if !c.defined() {
		p.Energy[at], p.Labels[at], p.Support[at] = math.NaN(), LabelUndefined, 0
		return LabelUndefined
	}
	label := h.label2(c.qx, c.qy)
	p.Energy[at], p.Labels[at], p.Support[at] = c.energy, label, c.support
	return label
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
// paper's softmax panels), the state q_T after h.steps retrieval updates,
// and the support size of the last probability vector.
//
// The probability vector of the energy, Sep(z(q₀)), is also the first
// update's; an update is q' = Σ_μ p_μ P_μ (weightedSum). Should an update
// return exactly its input, q is a fixed point of the deterministic map
// q ← T(q): every later state and probability vector would be the same, so
// the loop stops early with the same result.
// The same holds, one update sooner, when p = e_μ exactly (so q = P_μ) and
// fixed[μ] says that P_μ maps to itself with Sep(z(P_μ)) = e_μ.
func (h *Hopfield) cell(x, y float64, cw *evalChunk) cellResult {
	z, p, ws := cw.z[0][:h.m], cw.p[0][:h.m], cw.ws[0]
	h.scores2(z, x, y)
	c := cellResult{energy: h.energy2(x, y, h.sep.SepPsi(p, z, ws)), qx: x, qy: y}
	for s := 1; ; s++ {
		nx, ny, hot := weightedSum(p, h.px, h.py)
		settled := nx == c.qx && ny == c.qy || hot >= 0 && h.fixed[hot]
		c.qx, c.qy = nx, ny
		if s == h.steps || settled {
			break
		}
		h.scores2(z, c.qx, c.qy)
		h.sep.Sep(p, z, ws)
	}
	c.support = supportSize(p, h.eps)
	return c
}

// cellPair evaluates the grid points (x0, y) and (x1, y) as cell does, the
// first with lane 0 of cw and the second with lane 1, interleaving their
// separation maps with SepPair while both are running. Each lane performs
// exactly the operations cell would, so the results are cell's, bit for bit.
func (h *Hopfield) cellPair(x0, x1, y float64, cw *evalChunk) (c0, c1 cellResult) {
	z0, p0, ws0 := cw.z[0][:h.m], cw.p[0][:h.m], cw.ws[0]
	z1, p1, ws1 := cw.z[1][:h.m], cw.p[1][:h.m], cw.ws[1]
	h.scoresPair(z0, x0, y, z1, x1, y)
	psi0, psi1 := h.sep.SepPair(p0, z0, ws0, p1, z1, ws1, true)
	c0 = cellResult{energy: h.energy2(x0, y, psi0), qx: x0, qy: y}
	c1 = cellResult{energy: h.energy2(x1, y, psi1), qx: x1, qy: y}
	done0, done1 := false, false
	for s := 1; ; s++ {
		if !done0 {
			nx, ny, hot := weightedSum(p0, h.px, h.py)
			done0 = s == h.steps || nx == c0.qx && ny == c0.qy || hot >= 0 && h.fixed[hot]
			c0.qx, c0.qy = nx, ny
		}
		if !done1 {
			nx, ny, hot := weightedSum(p1, h.px, h.py)
			done1 = s == h.steps || nx == c1.qx && ny == c1.qy || hot >= 0 && h.fixed[hot]
			c1.qx, c1.qy = nx, ny
		}
		if done0 && done1 {
			break
		}
		switch {
		case done1:
			h.scores2(z0, c0.qx, c0.qy)
			h.sep.Sep(p0, z0, ws0)
		case done0:
			h.scores2(z1, c1.qx, c1.qy)
			h.sep.Sep(p1, z1, ws1)
		default:
			h.scoresPair(z0, c0.qx, c0.qy, z1, c1.qx, c1.qy)
			h.sep.SepPair(p0, z0, ws0, p1, z1, ws1, false)
		}
	}
	c0.support, c1.support = supportSize(p0, h.eps), supportSize(p1, h.eps)
	return c0, c1
}

// scores2 writes z_μ = A_μ·q + c_μ for q = (x, y).
func (h *Hopfield) scores2(z []float64, x, y float64) {
	ax, ay, offs := h.ax[:len(z)], h.ay[:len(z)], h.c[:len(z)]
	for mu := range z {
		z[mu] = float64(ax[mu]*x) + float64(ay[mu]*y) + offs[mu]
	}
}

// scoresPair is scores(z0, x0, y0) and scores(z1, x1, y1) in one loop.
func (h *Hopfield) scoresPair(z0 []float64, x0, y0 float64, z1 []float64, x1, y1 float64) {
	ax, ay, offs := h.ax[:len(z0)], h.ay[:len(z0)], h.c[:len(z0)]
	z1 = z1[:len(z0)]
	for mu := range z0 {
		z0[mu] = float64(ax[mu]*x0) + float64(ay[mu]*y0) + offs[mu]
		z1[mu] = float64(ax[mu]*x1) + float64(ay[mu]*y1) + offs[mu]
	}
}

// energy2 returns ½‖G q + h‖² − psi/psiDivisor at q = (x, y).
func (h *Hopfield) energy2(x, y, psi float64) float64 {
	half := 0.0
	for r, hr := range h.h {
		phi := float64(h.g[2*r]*x) + float64(h.g[2*r+1]*y) + hr
		half += float64(phi * phi)
	}
	return float64(0.5*half) - psi/h.psiDivisor
}

// weightedSum returns Σ_μ p_μ (px_μ, py_μ), summed in index order over the
// non-zero p_μ, and μ if p = e_μ exactly, else −1.
func weightedSum(p, px, py []float64) (nx, ny float64, oneHot int) {
	px, py = px[:len(p)], py[:len(p)]
	nonzero := 0
	for mu, pm := range p {
		if pm != 0 {
			nx += float64(pm * px[mu])
			ny += float64(pm * py[mu])
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

// label2 returns the index of the view point nearest to (qx, qy) if it is
// strictly within h.tol, else LabelWhite. Ties go to the lowest index.
//
// Points are compared by d² = dx² + dy², which is sound whenever the
// smallest d² is a normal finite number (see norm.go): then no d² that
// decides overflowed or lost more than rounding to underflow. Otherwise the
// state sits on a point, within about 1e-154 of one, or beyond about 1e154
// of all of them, and labelScaled decides.
func (h *Hopfield) label2(qx, qy float64) int32 {
	px, py := h.px, h.py[:len(h.px)]
	label := int32(LabelWhite)
	best := math.Inf(1)
	for mu := range px {
		dx, dy := qx-px[mu], qy-py[mu]
		if d2 := float64(dx*dx) + float64(dy*dy); d2 < best {
			best, label = d2, int32(mu)
		}
	}
	return h.labelOf(best, label, qx, qy)
}

// labelOf is label2 at (qx, qy) once the smallest d² (best) and the
// first index with it (label, anything if best = +Inf) are known.
func (h *Hopfield) labelOf(best float64, label int32, qx, qy float64) int32 {
	px, py := h.px, h.py[:len(h.px)]
	if !(best >= minNormal && best <= math.MaxFloat64) {
		// If d² is 0 because the state is exactly the point `label` (as when
		// a sparse map retrieves a memory exactly), label is the answer: it
		// is the lowest index with d² = 0, so every lower index has
		// q − P ≠ 0 exactly, hence a distance > 0.
		if best == 0 && qx == px[label] && qy == py[label] {
			return label
		}
		return h.labelScaled2(qx, qy)
	}
	if !(math.Sqrt(best) < h.tol) {
		return LabelWhite
	}
	return label
}

// labelScaled2 is label2 where the smallest d² is 0, subnormal or +Inf and
// not an exact hit: it compares the distances by math.Hypot, which neither
// overflows nor underflows.
func (h *Hopfield) labelScaled2(qx, qy float64) int32 {
	px, py := h.px, h.py[:len(h.px)]
	label, bestD := int32(LabelWhite), math.Inf(1)
	for mu := range px {
		if d := math.Hypot(qx-px[mu], qy-py[mu]); d < bestD {
			bestD, label = d, int32(mu)
		}
	}
	if !(bestD < h.tol) {
		return LabelWhite
	}
	return label
}
