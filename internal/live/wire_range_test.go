package live

import (
	"math"
	"testing"

	"hoplab/internal/live/livetest"
	"hoplab/internal/sim"
	"hoplab/internal/sim/separation"
)

// TestFrameEnergyBeyondFloat64Range: a panel whose energies span more than
// the largest float64 (a run about to diverge) still travels as numbers:
// every finite energy decodes within the quantisation step of half its
// range (docs/protocol.md, "Energy"). Before, every cell was quantised to 0
// and a client's E = min + q·(max − min)/L was NaN.
func TestFrameEnergyBeyondFloat64Range(t *testing.T) {
	energy := []float64{-4.1e307, 1.794e308, 0, 1e308, -1e300, 5e307}
	f := &sim.Frame{Space: sim.InputSpace, XS: []float64{0, 1, 2}, YS: []float64{0, 1},
		Points: []float64{0, 0}, Panels: []sim.Panel{{Separation: separation.Softmax(), Energy: energy,
			Labels: []int32{0, 0, -1, 0, 0, 0}, Support: []int32{1, 1, 1, 1, 1, 1}}}}
	var enc frameEncoder
	b, err := enc.encode(nil, frameHeader{m: 1}, []pointSet{{space: sim.InputSpace, dim: 2, xs: []float64{0, 0}}}, []*sim.Frame{f}, sim.Serial{})
	if err != nil {
		t.Fatal(err)
	}
	w, err := livetest.DecodeFrame(b)
	if err != nil {
		t.Fatal(err)
	}
	p := w.Views[0].Panels[0]
	tol := (energy[1]/2 - energy[0]/2) / energyLevels // one step of the halved range
	for i, want := range energy {
		got := p.Energy[i]
		if math.IsNaN(got) || math.IsInf(got, 0) || math.Abs(got-want) > tol {
			t.Errorf("cell %d: decoded %g, want %g within %g", i, got, want, tol)
		}
	}
}

// TestFrameEnergySubnormalRange: a panel whose energies differ by less
// than the largest float64's reciprocal of 2^12 (subnormal differences,
// where 4095/(max − min) overflows) is quantised by division: every
// energy decodes within half a step. Before, d·scale was ∞ or NaN and the
// quantised values garbage (found by FuzzDecodeFrame).
func TestFrameEnergySubnormalRange(t *testing.T) {
	energy := []float64{1e-310, 3e-310, 2e-310, 1.5e-310, 2.9e-310, 1e-310}
	f := &sim.Frame{Space: sim.InputSpace, XS: []float64{0, 1, 2}, YS: []float64{0, 1},
		Panels: []sim.Panel{{Separation: separation.Softmax(), Energy: energy,
			Labels: []int32{0, 0, 0, 0, 0, 0}, Support: []int32{1, 1, 1, 1, 1, 1}}}}
	var enc frameEncoder
	b, err := enc.encode(nil, frameHeader{m: 1}, nil, []*sim.Frame{f}, sim.Serial{})
	if err != nil {
		t.Fatal(err)
	}
	w, err := livetest.DecodeFrame(b)
	if err != nil {
		t.Fatal(err)
	}
	tol := (3e-310 - 1e-310) / (2 * energyLevels)
	for i, want := range energy {
		if got := w.Views[0].Panels[0].Energy[i]; !(math.Abs(got-want) <= tol) {
			t.Errorf("cell %d: decoded %g, want %g within %g", i, got, want, tol)
		}
	}
}
