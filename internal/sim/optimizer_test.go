package sim

import (
	"math"
	"testing"
)

// TestSGD checks torch's SGD: plain steps, and momentum with buf = g on the
// first step and buf = μ·buf + g after.
func TestSGD(t *testing.T) {
	o := newOptimizer(UHopSettings{Optimizer: SGD, LR: 0.1}, 2)
	p := []float64{1, -1}
	o.update(p, []float64{2, -4})
	if p[0] != 1-0.1*2 || p[1] != -1+0.1*4 {
		t.Errorf("plain SGD: %v", p)
	}

	o = newOptimizer(UHopSettings{Optimizer: SGD, LR: 0.5, Momentum: 0.9}, 1)
	p = []float64{0}
	want := 0.0
	buf := 0.0
	for i, g := range []float64{1, 2, -3} {
		if i == 0 {
			buf = g
		} else {
			buf = 0.9*buf + g
		}
		want -= 0.5 * buf
		o.update(p, []float64{g})
		if math.Abs(p[0]-want) > 1e-15 {
			t.Fatalf("momentum step %d: %v, want %v", i+1, p[0], want)
		}
	}
}

// TestAdam checks Adam with torch's defaults on a hand-computed sequence:
// the first step moves every coordinate by lr·g/(|g| + ε) exactly, and later
// steps follow the bias-corrected moments.
func TestAdam(t *testing.T) {
	o := newOptimizer(UHopSettings{Optimizer: Adam, LR: 0.1}, 3)
	p := []float64{0, 0, 0}
	g := []float64{3, -0.001, 0}
	o.update(p, g)
	for i, gi := range g {
		want := -0.1 * gi / (math.Abs(gi) + 1e-8)
		if math.Abs(p[i]-want) > 1e-12 {
			t.Errorf("first step [%d]: %v, want %v", i, p[i], want)
		}
	}

	o = newOptimizer(UHopSettings{Optimizer: Adam, LR: 0.01}, 1)
	p = []float64{1}
	want, m, v := 1.0, 0.0, 0.0
	for step, gi := range []float64{0.5, -0.2, 0.7, 0.1} {
		m = 0.9*m + 0.1*gi
		v = 0.999*v + 0.001*gi*gi
		mh := m / (1 - math.Pow(0.9, float64(step+1)))
		vh := v / (1 - math.Pow(0.999, float64(step+1)))
		want -= 0.01 * mh / (math.Sqrt(vh) + 1e-8)
		o.update(p, []float64{gi})
		if math.Abs(p[0]-want) > 1e-12 {
			t.Fatalf("step %d: %v, want %v", step+1, p[0], want)
		}
	}
}
