package sim

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/stat"

	"hoplab/internal/sim/separation"
)

// TestGaussianRows pins the generator of the API's {"gaussian": …} inputs:
// its first values for two seeds and both streams, so that a change of
// the generator (or of Go's) cannot pass unnoticed.
func TestGaussianRows(t *testing.T) {
	for _, c := range []struct {
		seed, stream uint64
		want         []float64
	}{
		{42, MemoryStream, []float64{-0.4529753100255629, -0.5142679981273146, 0.3331051787593735, -0.018984887824794683, -0.5228580155731742, 0.9352610952182135}},
		{42, QueryStream, []float64{-0.6841452978383415, 1.5211985191329038, -0.4396007333557739, 1.0514755729252556, -1.3946600940779454, 0.8542926703384772}},
		{0, MemoryStream, []float64{1.6020240522198135, -0.24856614346261202, -1.5258549408478728, 0.6369081569702881, 0.13869696261803854, -0.732563763756028}},
	} {
		got := make([]float64, len(c.want))
		GaussianRows(got, c.seed, c.stream)
		if !slices.Equal(got, c.want) {
			t.Errorf("GaussianRows(seed %d, stream %#x) = %v, want %v", c.seed, c.stream, got, c.want)
		}
	}
	// A longer draw starts with the shorter one: rows are drawn in order.
	long := make([]float64, 1000)
	GaussianRows(long, 42, MemoryStream)
	if long[0] != -0.4529753100255629 || long[5] != 0.9352610952182135 {
		t.Errorf("a longer draw starts with %v", long[:6])
	}
	if m, sd := stat.MeanStdDev(long, nil); math.Abs(m) > 0.1 || math.Abs(sd-1) > 0.1 {
		t.Errorf("1000 values: mean %g, sd %g; want about 0 and 1", m, sd)
	}
}

// TestTorchLinearInit: the torchLinear map has InitRandom's W for the same
// seed, and a bias uniform in [−1/√d, 1/√d) drawn after it, the same
// whether W is given or not; an explicit b replaces it; it needs an affine
// map.
func TestTorchLinearInit(t *testing.T) {
	const m, d, k = 3, 16, 512
	mem := make([][]float64, m)
	for i := range mem {
		mem[i] = make([]float64, d)
		mem[i][i] = 1
	}
	settings := func(init Init, affine bool) Settings {
		return Settings{Memories: mem, NormalizeMemories: true,
			FeatureMap: FeatureMapSettings{Dim: k, Affine: affine, Init: init, Seed: 7},
			UHop:       UHopSettings{Optimizer: Adam, LR: 0.1, Tau: 1}}
	}
	torch, err := New(settings(InitTorchLinear, true))
	if err != nil {
		t.Fatal(err)
	}
	random, err := New(settings(InitRandom, true))
	if err != nil {
		t.Fatal(err)
	}
	st, rst := torch.State(0), random.State(0)
	if !slices.Equal(st.W, rst.W) {
		t.Fatal("torchLinear's W differs from random's for the same seed")
	}
	// W ~ N(0, 2/d): k·d = 8192 values.
	if mean, v := stat.MeanVariance(st.W, nil); math.Abs(mean) > 4*math.Sqrt(2.0/d/float64(k*d)) || math.Abs(v/(2.0/d)-1) > 0.05 {
		t.Errorf("W: mean %g, variance %g; want 0 and %g", mean, v, 2.0/d)
	}
	// b ~ U(−1/√d, 1/√d): variance 1/(3d), every value within the bound.
	bound := 1 / math.Sqrt(d)
	for i, v := range st.B {
		if v < -bound || v >= bound {
			t.Fatalf("b[%d] = %g outside [−%g, %g)", i, v, bound, bound)
		}
	}
	if mean, v := stat.MeanVariance(st.B, nil); math.Abs(mean) > 4*bound/math.Sqrt(3*k) || math.Abs(v/(1/(3.0*d))-1) > 0.2 {
		t.Errorf("b: mean %g, variance %g; want 0 and %g", mean, v, 1/(3.0*d))
	}
	if lo, hi := slices.Min(st.B), slices.Max(st.B); lo > -0.9*bound || hi < 0.9*bound {
		t.Errorf("b spans %g … %g, want nearly ±%g", lo, hi, bound)
	}
	// The bias does not depend on W being given.
	s := settings(InitTorchLinear, true)
	s.FeatureMap.W = make([][]float64, k)
	for i := range s.FeatureMap.W {
		s.FeatureMap.W[i] = make([]float64, d)
	}
	withW, err := New(s)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(withW.State(0).B, st.B) {
		t.Error("the drawn bias changed when W was given")
	}
	s.FeatureMap.B = make([]float64, k)
	s.FeatureMap.B[3] = 0.5
	withB, err := New(s)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(withB.State(0).B, s.FeatureMap.B) {
		t.Error("an explicit b did not replace the drawn bias")
	}
	_, err = New(settings(InitTorchLinear, false))
	checkFieldError(t, "torchLinear without affine", err, "featureMap.affine")
}

// TestBatchOrderErrors: each row of a batch order is a permutation of the
// memory rows; the first that is not is named.
func TestBatchOrderErrors(t *testing.T) {
	for _, c := range []struct {
		order [][]int
		field string
	}{
		{nil, ""},
		{[][]int{}, ""},
		{[][]int{{2, 0, 1}, {0, 1, 2}}, ""},
		{[][]int{{2, 0, 1}, {0, 1}}, "uhop.batchOrder[1]"},
		{[][]int{{2, 0, 1, 3}}, "uhop.batchOrder[0]"},
		{[][]int{{2, 0, 1}, {0, 3, 1}}, "uhop.batchOrder[1][1]"},
		{[][]int{{2, 0, -1}}, "uhop.batchOrder[0][2]"},
		{[][]int{{0, 1, 2}, {1, 2, 1}}, "uhop.batchOrder[1][2]"},
	} {
		s := Settings{Memories: [][]float64{{1, 0}, {0, 1}, {-1, -1}}, NormalizeMemories: true,
			UHop: UHopSettings{Optimizer: Adam, LR: 0.1, Tau: 1, BatchOrder: c.order}}
		_, err := New(s)
		checkFieldError(t, "batch order", err, c.field)
	}
}

// permutedTrajectory is a reference for UHopSettings.BatchOrder: it takes
// n optimiser steps of s itself, step t+1 on the loss of the memories
// permuted by order[t] (the memories' own order beyond), through a fresh
// lossWork and optimisers, and returns W_t, b_t and the losses.
func permutedTrajectory(t *testing.T, s Settings, order [][]int, n int) (ws, bs [][]float64, losses []float64) {
	t.Helper()
	s.UHop.BatchOrder = nil
	r, err := New(s) // for W₀, b₀ and the memories as used
	if err != nil {
		t.Fatal(err)
	}
	m, d, k := r.Dims()
	x := r.Memories()
	st := r.State(0)
	w, b := st.W, st.B
	lw := newLossWork(m, d, k)
	gw, gb := make([]float64, k*d), make([]float64, k)
	ow, ob := newOptimizer(s.UHop, k*d), newOptimizer(s.UHop, k)
	for step := 0; ; step++ {
		xp := x
		if step < len(order) {
			xp = make([]float64, 0, m*d)
			for _, mu := range order[step] {
				xp = append(xp, x[mu*d:mu*d+d]...)
			}
		}
		loss := lw.lossAndGrad(s.UHop.Loss, s.UHop.Tau, xp, w, b, gw, gb)
		ws, bs, losses = append(ws, slices.Clone(w)), append(bs, slices.Clone(b)), append(losses, loss)
		if step == n {
			return ws, bs, losses
		}
		ow.update(w, gw)
		if s.FeatureMap.Affine {
			ob.update(b, gb)
		}
	}
}

// TestBatchOrder: a run with a batch order takes exactly the steps of
// the loss on the permuted memories, bit for bit (and the memories' own
// order beyond the rows given); the identity order is no order; with the
// paper loss another order changes the trajectory, with the pairs loss
// only by rounding.
func TestBatchOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	const m, d, k, n = 7, 4, 5, 12
	mem := make([][]float64, m)
	for i := range mem {
		mem[i] = make([]float64, d)
		for j := range mem[i] {
			mem[i][j] = rng.NormFloat64()
		}
	}
	order := make([][]int, n-3) // the last 3 steps in the memories' order
	for i := range order {
		order[i] = rng.Perm(m)
	}
	identity := make([][]int, n)
	for i := range identity {
		identity[i] = []int{0, 1, 2, 3, 4, 5, 6}
	}
	for _, loss := range []LossForm{LossPaper, LossPairs} {
		s := Settings{Memories: mem, NormalizeMemories: true,
			FeatureMap: FeatureMapSettings{Dim: k, Affine: true, Init: InitTorchLinear, Seed: 3},
			UHop:       UHopSettings{Optimizer: Adam, LR: 0.5, Tau: 0.1, Loss: loss}}
		run := func(order [][]int) *Run {
			s := s
			s.UHop.BatchOrder = order
			r, err := New(s)
			if err != nil {
				t.Fatal(err)
			}
			for range n {
				r.Step()
			}
			return r
		}
		ordered, plain, ident := run(order), run(nil), run(identity)
		ws, bs, losses := permutedTrajectory(t, s, order, n)
		for i := 0; i <= n; i++ {
			st := ordered.State(i)
			if !slices.Equal(st.W, ws[i]) || !slices.Equal(st.B, bs[i]) || st.Loss != losses[i] {
				t.Fatalf("loss %d, iteration %d: the ordered run differs from the permuted losses' steps", loss, i)
			}
			ps, is := plain.State(i), ident.State(i)
			if !slices.Equal(ps.W, is.W) || !slices.Equal(ps.B, is.B) || ps.Loss != is.Loss || ps.MinAngleDeg != is.MinAngleDeg {
				t.Fatalf("loss %d, iteration %d: the identity order differs from no order", loss, i)
			}
		}
		diff := 0.0
		for i, v := range ordered.State(n).W {
			diff = max(diff, math.Abs(v-plain.State(n).W[i]))
		}
		switch loss {
		case LossPaper:
			if diff < 1e-3 {
				t.Errorf("paper loss: the order changed W_%d by only %g", n, diff)
			}
		case LossPairs:
			if diff > 1e-12 {
				t.Errorf("pairs loss: the order changed W_%d by %g, more than rounding", n, diff)
			}
		}
	}
}

// TestPlainModel: the plain model is, bit for bit, the input-space model
// of the identity map at iteration 0, on the same queries; with β large
// a query on a memory retrieves it with support 1.
func TestPlainModel(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 9))
	const m, d, q = 9, 3, 400
	mem := make([][]float64, m)
	for i := range mem {
		mem[i] = []float64{rng.NormFloat64(), rng.NormFloat64(), rng.NormFloat64()}
	}
	queries := make([]float64, q*d)
	GaussianRows(queries, 1, QueryStream)
	set, err := NewQuerySet(d, queries)
	if err != nil {
		t.Fatal(err)
	}
	for _, normalize := range []bool{true, false} {
		trained, err := New(Settings{Memories: mem, NormalizeMemories: normalize,
			FeatureMap: FeatureMapSettings{Dim: 5, Affine: true, Init: InitTorchLinear, Seed: 2},
			UHop:       UHopSettings{Optimizer: Adam, LR: 1, Tau: 0.1, Loss: LossPaper}})
		if err != nil {
			t.Fatal(err)
		}
		trained.Step()
		ident, err := New(Settings{Memories: mem, NormalizeMemories: normalize, UHop: UHopSettings{Optimizer: Adam, LR: 1, Tau: 0.1}})
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range allMaps {
			ms := ModelSettings{Beta: 3, Separation: mustMap(t, name), Steps: 6, Tolerance: 1e-3, SupportEps: 0.01}
			plain, err := trained.PlainModel(ms)
			if err != nil {
				t.Fatal(err)
			}
			ms.Space = InputSpace
			want, err := ident.Model(0, ms)
			if err != nil {
				t.Fatal(err)
			}
			var a, b Paths
			if err := Evaluate(set, []Target{{plain, &a}, {want, &b}}, Serial{}); err != nil {
				t.Fatal(err)
			}
			for i := range a.Paths {
				pa, pb := &a.Paths[i], &b.Paths[i]
				if !slices.Equal(pa.Points, pb.Points) || !slices.Equal(pa.Support, pb.Support) || pa.Label != pb.Label ||
					!slices.EqualFunc(pa.Energy, pb.Energy, func(x, y float64) bool { return x == y || math.IsNaN(x) && math.IsNaN(y) }) {
					t.Fatalf("%s, normalise %v: query %d: the plain model's path differs from the identity map's", name, normalize, i)
				}
			}
		}
	}

	// Queries on the (unit) memories at β = 1000: retrieved, support 1.
	r, err := New(Settings{Memories: mem, NormalizeMemories: true, UHop: UHopSettings{Optimizer: Adam, LR: 1, Tau: 1}})
	if err != nil {
		t.Fatal(err)
	}
	on, _ := NewQuerySet(d, r.Memories())
	for _, name := range allMaps {
		plain, err := r.PlainModel(ModelSettings{Beta: 1000, Separation: mustMap(t, name), Steps: 3, Tolerance: 1e-6, SupportEps: 0.01})
		if err != nil {
			t.Fatal(err)
		}
		var h SupportHistogram
		if err := Evaluate(on, []Target{{plain, &h}}, Serial{}); err != nil {
			t.Fatal(err)
		}
		if h.Counts[1] != m || h.Retrieved != m {
			t.Errorf("%s: queries on the memories at β = 1000: %v, %d retrieved; want all %d of support 1", name, h.Counts, h.Retrieved, m)
		}
	}
}

// TestCapacityHistograms: properties of the three models' histograms on
// random queries. Every query is counted once (the bins add up to Q);
// at β → 0 every score ties, so every map keeps all M memories (softmax:
// 1/M > supportEps); at β = 1000 a query on a memory stays there; and
// sparsemax's support is never larger than 1.5-entmax's on the same
// scores in one step (sparsemax is sparser, SCIENCE §3).
func TestCapacityHistograms(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	r := randomRun(t, rng, 10, 5, 5, true, 20)
	queries := make([]float64, 1000*5)
	GaussianRows(queries, 3, QueryStream)
	set, _ := NewQuerySet(5, queries)
	models := func(beta float64, name string, steps int) []Model {
		ms := ModelSettings{Space: InputSpace, Beta: beta, Separation: mustMap(t, name), Steps: steps, Tolerance: 1e-3, SupportEps: 0.01}
		plain, err := r.PlainModel(ms)
		if err != nil {
			t.Fatal(err)
		}
		kern, err := r.Model(20, ms)
		if err != nil {
			t.Fatal(err)
		}
		norm, err := r.NormalizedModel(20, ms)
		if err != nil {
			t.Fatal(err)
		}
		return []Model{plain, kern, norm}
	}
	hist := func(ms []Model) []SupportHistogram {
		hs := make([]SupportHistogram, len(ms))
		targets := make([]Target, len(ms))
		for i, m := range ms {
			targets[i] = Target{m, &hs[i]}
		}
		if err := Evaluate(set, targets, Serial{}); err != nil {
			t.Fatal(err)
		}
		return hs
	}
	for _, name := range []string{"softmax", "entmax15", "sparsemax"} {
		for _, h := range hist(models(1, name, 20)) {
			sum := 0
			for _, c := range h.Counts {
				sum += c
			}
			if sum != 1000 || h.Queries != 1000 || h.Undefined != 0 {
				t.Errorf("%s at β = 1: the bins add up to %d of %d queries (%d undefined)", name, sum, h.Queries, h.Undefined)
			}
		}
		for i, h := range hist(models(1e-9, name, 3)) {
			if h.Counts[10] != 1000 {
				t.Errorf("%s at β = 1e-9, model %d: %v, want all 1000 queries of support 10", name, i, h.Counts)
			}
		}
	}
	// One step from the same queries: sparsemax keeps at most what
	// 1.5-entmax keeps, query by query.
	ent, sp := models(2, "entmax15", 1), models(2, "sparsemax", 1)
	for i := range ent {
		var a, b Paths
		if err := Evaluate(set, []Target{{ent[i], &a}, {sp[i], &b}}, Serial{}); err != nil {
			t.Fatal(err)
		}
		for q := range a.Paths {
			if b.Paths[q].Support[0] > a.Paths[q].Support[0] {
				t.Fatalf("model %d, query %d: sparsemax keeps %d memories, 1.5-entmax %d", i, q, b.Paths[q].Support[0], a.Paths[q].Support[0])
			}
		}
	}
}

// TestNormalizedModel: the normalised model's scores are β u_μ·φ̂(q),
// so scaling Φ (W and b by the same factor c > 0) leaves its paths
// unchanged while the kernelized model's scores grow by c².
func TestNormalizedModel(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	const m, d, k = 6, 3, 4
	mem := make([][]float64, m)
	for i := range mem {
		mem[i] = []float64{rng.NormFloat64(), rng.NormFloat64(), rng.NormFloat64()}
	}
	w := make([][]float64, k)
	for i := range w {
		w[i] = []float64{rng.NormFloat64(), rng.NormFloat64(), rng.NormFloat64()}
	}
	b := []float64{0.1, -0.2, 0.3, 0.05}
	scaled := func(c float64) *Run {
		ws := make([][]float64, k)
		for i := range w {
			ws[i] = []float64{c * w[i][0], c * w[i][1], c * w[i][2]}
		}
		bs := []float64{c * b[0], c * b[1], c * b[2], c * b[3]}
		r, err := New(Settings{Memories: mem, NormalizeMemories: true,
			FeatureMap: FeatureMapSettings{Dim: k, Affine: true, W: ws, B: bs},
			UHop:       UHopSettings{Optimizer: Adam, LR: 1, Tau: 1}})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	queries := make([]float64, 300*d)
	GaussianRows(queries, 4, QueryStream)
	set, _ := NewQuerySet(d, queries)
	ms := ModelSettings{Beta: 4, Separation: mustMap(t, "entmax15"), Steps: 5, Tolerance: 1e-3}
	one, err := scaled(1).NormalizedModel(0, ms)
	if err != nil {
		t.Fatal(err)
	}
	four, _ := scaled(4).NormalizedModel(0, ms) // a power of two: φ̂ is the same to the bit
	var a, c Paths
	if err := Evaluate(set, []Target{{one, &a}, {four, &c}}, Serial{}); err != nil {
		t.Fatal(err)
	}
	for i := range a.Paths {
		if !slices.Equal(a.Paths[i].Points, c.Paths[i].Points) {
			t.Fatalf("query %d: scaling Φ by 4 changed the normalised model's path", i)
		}
	}
	// The first update by hand, for query 0.
	q := queries[:d]
	st := scaled(1).State(0)
	f := make([]float64, k)
	for r := range k {
		f[r] = st.B[r] + st.W[r*d]*q[0] + st.W[r*d+1]*q[1] + st.W[r*d+2]*q[2]
	}
	nf := math.Sqrt(dot(f, f))
	u := scaled(1).Features(nil, 0)
	z := make([]float64, m)
	for mu := range m {
		z[mu] = 4 * dot(u[mu*k:mu*k+k], f) / nf
	}
	p := make([]float64, m)
	mustMap(t, "entmax15").Sep(p, z, separation.NewWorkspace(m))
	x := scaled(1).Memories()
	for i := range d {
		want := 0.0
		for mu := range m {
			want += p[mu] * x[mu*d+i]
		}
		if got := a.Paths[0].Points[d+i]; math.Abs(got-want) > 1e-12 {
			t.Errorf("query 0, first update, coordinate %d: %g, want %g", i, got, want)
		}
	}
	// The feature norms: the mean over the memories of ‖W ξ + b‖ scales by c.
	if n1, n4 := scaled(1).MeanFeatureNorm(0), scaled(4).MeanFeatureNorm(0); math.Abs(n4-4*n1) > 1e-12*n4 {
		t.Errorf("mean feature norm %g, and %g with Φ scaled by 4", n1, n4)
	}
}

// TestDotWide: the wide dot product sums in the documented order, and
// Hopfield scores take it from n = 8 on and the index order below.
func TestDotWide(t *testing.T) {
	a := []float64{1e16, 3, -1e16, 5, 7, 1, 2, 0.5, 0.25, 1e-3}
	b := []float64{1, 1, 1, 1, 1, 1, 1, 1, 1, 1}
	s0, s1, s2, s3 := 1e16+7, 3+1.0, -1e16+2, 5+0.5
	want := (s0 + s1) + (s2 + s3) + 0.25 + 1e-3
	if got := dotWide(a, b); got != want {
		t.Errorf("dotWide = %v, want %v", got, want)
	}
	plain := 0.0
	for i := range a {
		plain += float64(a[i] * b[i])
	}
	if plain == want {
		t.Fatal("the case does not tell the orders apart")
	}
	for _, n := range []int{7, 8, 10} {
		h := &Hopfield{a: a[:n], c: []float64{0.5}}
		z := make([]float64, 1)
		h.scores(z, b[:n])
		seq := 0.0
		for i := range n {
			seq += float64(a[i] * b[i])
		}
		w := seq
		if n >= wideDot {
			w = dotWide(a[:n], b[:n])
		}
		if z[0] != w+0.5 {
			t.Errorf("n = %d: scores %v, want %v", n, z[0], w+0.5)
		}
	}
}
