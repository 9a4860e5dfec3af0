package sim

import (
	"math"
	"math/rand/v2"
	"testing"
	"unsafe"

	"hoplab/internal/sim/separation"
)

// TestLanesMatchCell checks the grid kernel's vector path (cellsLanes:
// softmaxLanes, sparseLanes; cellsLanes2: softmaxLanes2) against the lone kernel (cell, store) bit
// for bit: energy, label and support of every cell, for softmax,
// sparsemax and 1.5-entmax, on models of 1 to 17 memories, both views, β
// from 1 to 3000, 1 to 6 updates and support thresholds 0 and 0.01, on
// rows of cells near the memories, far beyond them, and (for the sparse
// maps) so far that the energy or the scores overflow. It also checks when the vector path
// declines: for softmax exactly for the eight cells of which one meets an
// exponent below −708 or not a number in its updates (followed on past
// the point where cell stops early, which softmaxLanes does too); for the
// sparse maps only where a lane meets scores that are not finite, or sum
// to more than the largest float64. The test fails unless both outcomes
// occur for every map.
func TestLanesMatchCell(t *testing.T) {
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
			FeatureMap: FeatureMapSettings{Dim: 2 + m%3, Affine: true, Init: InitRandom, Seed: uint64(m)},
			UHop:       UHopSettings{Optimizer: Adam, LR: 0.1, Tau: 1}})
		if err != nil {
			t.Fatal(err)
		}
		runs = append(runs, r)
	}
	// Four memories symmetric about the origin, with a tolerance so wide
	// that the state (0, 0), where the rows through x = 0 and y = 0 end,
	// is within it of all four: label2 gives the first.
	tie, err := New(Settings{Memories: [][]float64{{1, 0}, {-1, 0}, {0, 1}, {0, -1}},
		FeatureMap: FeatureMapSettings{Affine: true, Init: InitIdentity},
		UHop:       UHopSettings{Optimizer: Adam, LR: 0.1, Tau: 1}})
	if err != nil {
		t.Fatal(err)
	}
	runs = append(runs, standardRun(t), clusteredRun(t), tie)
	for _, sep := range []separation.Map{separation.Softmax(), separation.Sparsemax(), separation.Entmax15()} {
		checkLanes(t, rng, runs, sep)
	}
}

func checkLanes(t *testing.T, rng *rand.Rand, runs []*Run, sep separation.Map) {
	ok, declined, cells := 0, 0, 0
	for ri, r := range runs {
		for _, beta := range []float64{1, 20, 40, 3000} {
			for _, space := range []Space{FeatureSpace, InputSpace} {
				steps := 1 + rng.IntN(6)
				eps := []float64{0, 0.01}[rng.IntN(2)]
				tol := 0.05 + rng.Float64()*0.3
				if ri == len(runs)-1 {
					tol = 2
				}
				h, err := r.Model(0, ModelSettings{Space: space, Beta: beta, Separation: sep,
					Steps: steps, Tolerance: tol, SupportEps: eps})
				if err != nil {
					t.Fatal(err)
				}
				if h.Dim() != 2 {
					continue // a feature view of dimension 3 or 4
				}
				e, err := NewEvaluation(&Grid2D{XS: []float64{0}, YS: []float64{0}}, []Target{{Model: h, Measure: new(Panel)}})
				if err != nil {
					t.Fatal(err)
				}
				cw := &e.chunks[0]
				kind := h.laneKind()
				if kind == laneNone {
					t.Fatalf("%s: no vector path", sep.Name())
				}
				var got, want Panel
				got.begin(h, 2*laneWidth, 1)
				want.begin(h, 2*laneWidth, 1)
				for range 60 {
					// Eight cells of a row, spaced as on a grid, within a few
					// units of the origin or (one time in six) far beyond.
					scale := 3.0
					switch rng.IntN(12) {
					case 0, 1:
						scale = 300
					case 2:
						if !sep.IsSoftmax() {
							scale = 1e306 // scores overflow
						}
					case 3:
						if !sep.IsSoftmax() {
							scale = 1e160 // ½‖q‖² overflows: undefined cells
						}
					}
					x0, dx, y := scale*rng.NormFloat64(), scale*rng.Float64()/8, scale*rng.NormFloat64()
					if rng.IntN(4) == 0 {
						// One lane at x = 0 exactly, and y = 0.
						x0, y = -(float64(rng.IntN(2*laneWidth)) * dx), 0
					}
					// Softmax takes sixteen cells (two groups side by side,
					// cellsLanes2) half of the time.
					wide := sep.IsSoftmax() && rng.IntN(2) == 0
					xs := make([]float64, laneWidth)
					if wide {
						xs = make([]float64, 2*laneWidth)
					}
					for l := range xs {
						xs[l] = x0 + float64(l)*dx
					}
					var nGot, nWant labelCounts
					var done bool
					if wide {
						done = h.cellsLanes2(&got, 0, xs, y, cw, &nGot)
					} else {
						done = h.cellsLanes(kind, &got, 0, xs, y, cw, &nGot)
					}
					decline := false
					for _, x := range xs {
						if sep.IsSoftmax() {
							decline = decline || meetsTinyExp(h, x, y)
						} else {
							decline = decline || meetsNonFinite(h, x, y)
						}
					}
					if done == decline && (sep.IsSoftmax() || !done) {
						t.Fatalf("%s run %d β %v %v: cells (%v…, %v): cellsLanes reports %v, a score or exponent it declines on the way: %v",
							sep.Name(), ri, beta, space, x0, y, done, decline)
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
							t.Fatalf("%s run %d β %v %v steps %d: cell (%v, %v): lanes energy %v label %d support %d, cell %v %d %d",
								sep.Name(), ri, beta, space, steps, x, y, got.Energy[l], got.Labels[l], got.Support[l],
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
	t.Logf("%s: %d groups of eight or sixteen computed (%d cells compared), %d declined", sep.Name(), ok, cells, declined)
	if ok == 0 || declined == 0 {
		t.Errorf("%s: the vector path computed %d groups and declined %d: the test must reach both", sep.Name(), ok, declined)
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

// meetsNonFinite reports whether a score, or the sum of the scores, is
// not finite in one of h.steps updates from (x, y), the updates
// continuing past the point where cell stops early.
func meetsNonFinite(h *Hopfield, x, y float64) bool {
	z, p := make([]float64, h.m), make([]float64, h.m)
	ws := separation.NewWorkspace(h.m)
	for range h.steps {
		h.scores2(z, x, y)
		sum := z[0]
		for _, v := range z[1:] {
			sum += v
		}
		if !finite(sum) {
			return true
		}
		h.sep.Sep(p, z, ws)
		x, y, _ = weightedSum(p, h.px, h.py)
	}
	return false
}

// TestLaneLayout checks the offsets lanes_amd64.s uses: laneState's
// fields, and the byte offsets of laneConsts' entries.
func TestLaneLayout(t *testing.T) {
	var st laneState
	for _, c := range []struct {
		name      string
		got, want uintptr
	}{
		{"qx", unsafe.Offsetof(st.qx), 0}, {"qy", unsafe.Offsetof(st.qy), 64},
		{"m0", unsafe.Offsetof(st.m0), 128}, {"s0", unsafe.Offsetof(st.s0), 192},
		{"support", unsafe.Offsetof(st.support), 256}, {"psi0", unsafe.Offsetof(st.psi0), 320},
		{"x0", unsafe.Offsetof(st.x0), 384}, {"y0", unsafe.Offsetof(st.y0), 448},
		{"half", unsafe.Offsetof(st.half), 512}, {"best", unsafe.Offsetof(st.best), 576},
		{"label", unsafe.Offsetof(st.label), 640},
		{"energy", unsafe.Offsetof(st.energy), 704}, {"labels", unsafe.Offsetof(st.labels), 768},
		{"supp", unsafe.Offsetof(st.supp), 800}, {"slow", unsafe.Offsetof(st.slow), 832},
		{"white", unsafe.Offsetof(st.white), 840},
		{"32/ln2", 8 * lcInvLn2x32, 256}, {"0.5", 8 * lcHalf, 264}, {"ln2/32 hi", 8 * lcLn2Hi, 272},
		{"ln2/32 lo", 8 * lcLn2Lo, 280}, {"−708", 8 * lcMinArg, 288}, {"1/720", 8 * lcPoly, 296},
		{"1", 8 * (lcPoly + 5), 336}, {"−1", 8 * lcNegOne, 344}, {"−Inf", 8 * lcNegInf, 352}, {"0.75", 8 * lcThreeQ, 360},
	} {
		if c.got != c.want {
			t.Errorf("%s at byte %d, lanes_amd64.s reads it at %d", c.name, c.got, c.want)
		}
	}
	if laneConsts[lcPoly+5] != 1 || laneConsts[lcHalf] != 0.5 || laneConsts[lcThreeQ] != 0.75 || !math.IsInf(laneConsts[lcNegInf], -1) {
		t.Errorf("laneConsts out of place: %v", laneConsts)
	}
}
