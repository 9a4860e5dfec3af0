package separation

// sparsemax writes p = [y − τ]_+ with y = z − max z (Martins & Astudillo
// 2016, Algorithm 1) and returns Ψ*_2(z) = max z + ⟨p, y⟩ − ½‖p‖² + ½ if
// wantPsi (else 0). buf is scratch of length ≥ len(z).
//
// Since p_j ≤ 1 and the maximum has y = 0, τ ≥ −1, so only the candidates
// y_j > −1 are copied and sorted: for them 1 + k y_(k) > Σ_{j≤k} y_(j) is the
// usual support test, and the others are outside the support whatever their
// size (they may even be −∞ for extreme inputs, which is harmless here).
func sparsemax(p, z, buf []float64, wantPsi bool) float64 {
	p = p[:len(z)]
	m, ok := maxFinite(z)
	if !ok {
		return notFinite(p, wantPsi)
	}
	nc := 0
	for _, v := range z {
		if y := v - m; y > -1 {
			buf[nc] = y
			nc++
		}
	}
	c := buf[:nc]
	sortDesc(c)

	tau := sparsemaxTau(c)

	var dot, sq float64
	for i, v := range z {
		y := v - m
		if t := y - tau; t > 0 {
			p[i] = t
			dot += float64(t * y)
			sq += float64(t * t)
		} else {
			p[i] = 0
		}
	}
	if !wantPsi {
		return 0
	}
	return m + (float64(dot-float64(0.5*sq)) + 0.5)
}

// sparsemaxTau returns the threshold τ = (Σ_{j≤k*} y_(j) − 1)/k* of the
// non-empty candidates c = y_(1) ≥ y_(2) ≥ …, y_(1) = 0, where k* is the
// largest k with 1 + k y_(k) > Σ_{j≤k} y_(j); k = 1 always qualifies.
func sparsemaxTau(c []float64) float64 {
	var cum, cumStar float64
	kStar := 1
	for k, v := range c {
		cum += v
		if 1+float64(float64(k+1)*v) > cum {
			kStar, cumStar = k+1, cum
		}
	}
	return (cumStar - 1) / float64(kStar)
}
