package separation

import "math"

// SepPair writes p0 = Sep(z0) and p1 = Sep(z1) and, if wantPsi, returns
// Ψ*(z0) and Ψ*(z1) (else 0, 0): bit for bit what Sep or SepPsi return for
// each pair (p0, z0, ws0) and (p1, z1, ws1) on its own. In particular a
// vector with a ±Inf or NaN score gets p all NaN and Ψ* = NaN, and does not
// affect the other one.
//
// Why: for the short score vectors of the visualiser (M ≈ 8) one map is a
// chain of dependent steps (max, exponentials or sort, threshold, sums) too
// short for the CPU to overlap with anything. softmax, 1.5-entmax and
// sparsemax interleave the two chains step by step, so that each waits
// while the other computes; the grid renderer calls SepPair for
// neighbouring cells. Bisection maps compute one vector after the other.
//
// The contract is that of Sep for each vector, and len(z0) == len(z1);
// SepPair panics otherwise. It never allocates.
func (m Map) SepPair(p0, z0 []float64, ws0 *Workspace, p1, z1 []float64, ws1 *Workspace, wantPsi bool) (psi0, psi1 float64) {
	if len(z0) != len(z1) {
		panic("separation: SepPair of vectors of different lengths")
	}
	if m.kind == kindBisect || m.kind == kindInvalid {
		return m.sep(p0, z0, ws0, wantPsi), m.sep(p1, z1, ws1, wantPsi)
	}
	checkArgs(p0, z0, ws0)
	checkArgs(p1, z1, ws1)
	switch m.kind {
	case kindSoftmax:
		return softmaxPair(p0, z0, p1, z1, wantPsi)
	case kindSparsemax:
		return sparsemaxPair(p0, z0, ws0.buf, p1, z1, ws1.buf, wantPsi)
	default: // kindEntmax15
		return entmax15Pair(p0, z0, ws0.buf, p1, z1, ws1.buf, wantPsi)
	}
}

// softmaxPair is softmax of z0 and of z1, interleaved.
func softmaxPair(p0, z0, p1, z1 []float64, wantPsi bool) (psi0, psi1 float64) {
	n := len(z0)
	p0, p1 = p0[:n], p1[:n]
	m0, m1 := maxOf(z0), maxOf(z1)
	s0, s1 := expShiftedPair(p0, z0, m0, p1, z1, m1)
	if s0 != s0 || s1 != s1 { // scores that are not finite: see softmax
		return softmax(p0, z0, wantPsi), softmax(p1, z1, wantPsi)
	}
	inv0, inv1 := 1/s0, 1/s1
	for i := range p0 {
		p0[i] *= inv0
		p1[i] *= inv1
	}
	if !wantPsi {
		return 0, 0
	}
	return m0 + math.Log(s0), m1 + math.Log(s1)
}

// sparsemaxPair is sparsemax of z0 and of z1, interleaved. Its loops, and
// entmax15Pair's, are written out for both lanes rather than shared with the
// single-vector maps: calling one helper per lane for the candidates cost
// the clustered frame 5% (BenchmarkClusteredFramesSerial).
func sparsemaxPair(p0, z0, buf0, p1, z1, buf1 []float64, wantPsi bool) (psi0, psi1 float64) {
	n := len(z0)
	p0, p1, z1 = p0[:n], p1[:n], z1[:n]
	m0, ok0 := maxFinite(z0)
	m1, ok1 := maxFinite(z1)
	if !ok0 || !ok1 {
		return sparsemax(p0, z0, buf0, wantPsi), sparsemax(p1, z1, buf1, wantPsi)
	}
	nc0, nc1 := 0, 0
	for i, v0 := range z0 {
		if y := v0 - m0; y > -1 {
			buf0[nc0] = y
			nc0++
		}
		if y := z1[i] - m1; y > -1 {
			buf1[nc1] = y
			nc1++
		}
	}
	c0, c1 := buf0[:nc0], buf1[:nc1]
	sortDesc(c0)
	sortDesc(c1)
	tau0, tau1 := sparsemaxTau(c0), sparsemaxTau(c1)

	var dot0, sq0, dot1, sq1 float64
	for i, v0 := range z0 {
		y0, y1 := v0-m0, z1[i]-m1
		if t := y0 - tau0; t > 0 {
			p0[i] = t
			dot0 += float64(t * y0)
			sq0 += float64(t * t)
		} else {
			p0[i] = 0
		}
		if t := y1 - tau1; t > 0 {
			p1[i] = t
			dot1 += float64(t * y1)
			sq1 += float64(t * t)
		} else {
			p1[i] = 0
		}
	}
	if !wantPsi {
		return 0, 0
	}
	return m0 + (float64(dot0-float64(0.5*sq0)) + 0.5), m1 + (float64(dot1-float64(0.5*sq1)) + 0.5)
}

// entmax15Pair is entmax15 of z0 and of z1, interleaved.
func entmax15Pair(p0, z0, buf0, p1, z1, buf1 []float64, wantPsi bool) (psi0, psi1 float64) {
	n := len(z0)
	p0, p1, z1 = p0[:n], p1[:n], z1[:n]
	m0, ok0 := maxFinite(z0)
	m1, ok1 := maxFinite(z1)
	if !ok0 || !ok1 {
		return entmax15(p0, z0, buf0, wantPsi), entmax15(p1, z1, buf1, wantPsi)
	}
	nc0, nc1 := 0, 0
	for i, v0 := range z0 {
		if y := 0.5 * (v0 - m0); y > -1 {
			buf0[nc0] = y
			nc0++
		}
		if y := 0.5 * (z1[i] - m1); y > -1 {
			buf1[nc1] = y
			nc1++
		}
	}
	c0, c1 := buf0[:nc0], buf1[:nc1]
	sortDesc(c0)
	sortDesc(c1)
	tau0, tau1 := entmax15Tau(c0), entmax15Tau(c1)

	var dot0, cube0, dot1, cube1 float64
	for i, v0 := range z0 {
		d0, d1 := v0-m0, z1[i]-m1
		if t := float64(0.5*d0) - tau0; t > 0 {
			q := t * t
			p0[i] = q
			dot0 += float64(q * d0)
			cube0 += float64(q * t)
		} else {
			p0[i] = 0
		}
		if t := float64(0.5*d1) - tau1; t > 0 {
			q := t * t
			p1[i] = q
			dot1 += float64(q * d1)
			cube1 += float64(q * t)
		} else {
			p1[i] = 0
		}
	}
	if !wantPsi {
		return 0, 0
	}
	return m0 + dot0 + (1-cube0)/0.75, m1 + dot1 + (1-cube1)/0.75
}
