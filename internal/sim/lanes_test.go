package sim

import (
	"math"
	"math/rand/v2"
	"testing"

	"hoplab/internal/sim/separation"
)

// TestSoftmaxLanesMatchCell checks the grid kernel's vector path for
// softmax panels (cellsLanes, softmaxLanes) against the lone kernel
// (cell, store) bit for bit: energy, label and support of every cell, on
// models of 1 to 17 memories, both views, β from 1 to 3000, 1 to 6
// updates and support thresholds 0 and 0.01, on grids that reach far
// beyond the memories. It also checks when the vector path declines:
// exactly for the eight cells of which one meets an exponent below −708
// or not a number in its updates (followed on past the point where cell
// stops early, which softmaxLanes does too); at β = 3000 some do, and the
// test fails unless both outcomes occur.
func TestSoftmaxLanesMatchCell(t *testing.T) {
	if !haveLanes {
		t.Skip("no vector path on this processor or in this build (it needs amd64 with AVX-512 F and DQ, without the purego tag)")
	}
	rng := rand.New(rand.NewPCG(12, 2026))
	var runs []*Run
	for _, m := range []int{1, 2, 3, 7, 8, 9, 12, 17} {
		mem := make([][]float64, m)
		for i := range mem {
			mem[i] = []float64{rng.NormFloat64(), rng.NormFloat64()}
		}
		r, err := New(Settings{Memories: mem, NormalizeMemories: m%2 == 0,
			FeatureMap: FeatureMapSettings{Dim: 2, Affine: true, Init: InitRandom, Seed: uint64(m)},
			UHop:       UHopSettings{Optimizer: Adam, LR: 0.1, Tau: 1}})
		if err != nil {
			t.Fatal(err)
		}
		runs = append(runs, r)
	}
	runs = append(runs, standardRun(t), clusteredRun(t))
	ok, declined, cells := 0, 0, 0
	for ri, r := range runs {
		for _, beta := range []float64{1, 20, 40, 3000} {
			for _, space := range []Space{FeatureSpace, InputSpace} {
				steps := 1 + rng.IntN(6)
				eps := []float64{0, 0.01}[rng.IntN(2)]
				h, err := r.Model(0, ModelSettings{Space: space, Beta: beta, Separation: separation.Softmax(),
					Steps: steps, Tolerance: 0.05 + rng.Float64()*0.3, SupportEps: eps})
				if err != nil {
					t.Fatal(err)
				}
				e, err := NewEvaluation(&Grid2D{XS: []float64{0}, YS: []float64{0}}, []Target{{Model: h, Measure: new(Panel)}})
				if err != nil {
					t.Fatal(err)
				}
				cw := &e.chunks[0]
				var got, want Panel
				got.begin(h, laneWidth, 1)
				want.begin(h, laneWidth, 1)
				for range 60 {
					// Eight cells of a row, spaced as on a grid, within a few
					// units of the origin or (one time in six) far beyond.
					scale := 3.0
					if rng.IntN(6) == 0 {
						scale = 300
					}
					x0, dx, y := scale*rng.NormFloat64(), scale*rng.Float64()/8, scale*rng.NormFloat64()
					xs := make([]float64, laneWidth)
					for l := range xs {
						xs[l] = x0 + float64(l)*dx
					}
					var nGot, nWant labelCounts
					done := h.cellsLanes(&got, 0, xs, y, cw, &nGot)
					decline := false
					for _, x := range xs {
						decline = decline || meetsTinyExp(h, x, y)
					}
					if done == decline {
						t.Fatalf("run %d β %v %v: cells (%v…, %v): cellsLanes reports %v, an exponent below −708 on the way: %v",
							ri, beta, space, x0, y, done, decline)
					}
					if !done {
						declined++
						continue
					}
					ok++
					for l, x := range xs {
						nWant.add(h.store(&want, l, h.cell(x, y, cw)))
						cells++
						if math.Float64bits(got.Energy[l]) != math.Float64bits(want.Energy[l]) ||
							got.Labels[l] != want.Labels[l] || got.Support[l] != want.Support[l] {
							t.Fatalf("run %d β %v %v steps %d: cell (%v, %v): lanes energy %v label %d support %d, cell %v %d %d",
								ri, beta, space, steps, x, y, got.Energy[l], got.Labels[l], got.Support[l],
								want.Energy[l], want.Labels[l], want.Support[l])
						}
					}
					if nGot != nWant {
						t.Fatalf("run %d β %v %v: label counts %+v, want %+v", ri, beta, space, nGot, nWant)
					}
				}
			}
		}
	}
	t.Logf("%d groups of eight computed (%d cells compared), %d declined", ok, cells, declined)
	if ok == 0 || declined == 0 {
		t.Errorf("the vector path computed %d groups and declined %d: the test must reach both", ok, declined)
	}
}

// meetsTinyExp reports whether softmax's exponent z_μ − max z falls below
// −708 or is not a number in one of h.steps updates from (x, y), the
// updates continuing past the point where cell stops early.
func meetsTinyExp(h *Hopfield, x, y float64) bool {
	z, p := make([]float64, h.m), make([]float64, h.m)
	ws := separation.NewWorkspace(h.m)
	for range h.steps {
		h.scores2(z, x, y)
		m := z[0]
		for _, v := range z[1:] {
			if v > m {
				m = v
			}
		}
		for _, v := range z {
			if !(v-m >= -708) {
				return true
			}
		}
		h.sep.Sep(p, z, ws)
		x, y, _ = weightedSum(p, h.px, h.py)
	}
	return false
}
