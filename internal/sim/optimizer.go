package sim

import "math"

// Adam's constants (torch defaults).
const (
	adamBeta1 = 0.9
	adamBeta2 = 0.999
	adamEps   = 1e-8
)

// optimizer updates one parameter vector in place from its gradient, with
// the arithmetic of torch.optim (single-tensor path, no weight decay).
type optimizer struct {
	kind     Optimizer
	lr       float64
	momentum float64
	step     int       // number of updates done
	buf      []float64 // SGD momentum buffer, or Adam's first moment
	sq       []float64 // Adam's second moment
}

func newOptimizer(s UHopSettings, n int) *optimizer {
	return &optimizer{
		kind: s.Optimizer, lr: s.LR, momentum: s.Momentum,
		buf: make([]float64, n), sq: make([]float64, n),
	}
}

// update applies one step to p with gradient g (len(p) == len(g) == n).
//
// SGD:  buf ← g (first step) or μ·buf + g;  p ← p − η·buf (buf = g when μ = 0).
// Adam: m ← β1 m + (1−β1) g;  v ← β2 v + (1−β2) g²;
//
//	p ← p − (η / (1 − β1ᵗ)) · m / (√v / √(1 − β2ᵗ) + ε).
func (o *optimizer) update(p, g []float64) {
	o.step++
	switch o.kind {
	case SGD:
		if o.momentum == 0 {
			for i, gi := range g {
				p[i] -= float64(o.lr * gi)
			}
			return
		}
		for i, gi := range g {
			if o.step == 1 {
				o.buf[i] = gi
			} else {
				o.buf[i] = float64(o.momentum*o.buf[i]) + gi
			}
			p[i] -= float64(o.lr * o.buf[i])
		}
	case Adam:
		t := float64(o.step)
		stepSize := o.lr / (1 - math.Pow(adamBeta1, t))
		bc2Sqrt := math.Sqrt(1 - math.Pow(adamBeta2, t))
		for i, gi := range g {
			o.buf[i] = float64(adamBeta1*o.buf[i]) + float64((1-adamBeta1)*gi)
			o.sq[i] = float64(adamBeta2*o.sq[i]) + float64((1-adamBeta2)*gi*gi)
			p[i] -= stepSize * o.buf[i] / (math.Sqrt(o.sq[i])/bc2Sqrt + adamEps)
		}
	}
}
