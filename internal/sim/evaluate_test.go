package sim

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"

	"hoplab/internal/sim/separation"
)

// gridQueries returns the cells of f's grid as an explicit QuerySet, in the
// grid's order, so that an evaluation on it takes the general loop.
func gridQueries(t *testing.T, f *Frame) *QuerySet {
	t.Helper()
	var q []float64
	for _, y := range f.YS {
		for _, x := range f.XS {
			q = append(q, x, y)
		}
	}
	set, err := NewQuerySet(2, q)
	if err != nil {
		t.Fatal(err)
	}
	return set
}

// TestGeneralLoopMatchesGridKernel evaluates the cells of rendered frames
// again through the general loop (a QuerySet domain, each model's
// Evaluator) and checks that every cell gets the paired grid kernel's
// result bit for bit: energy, label and support, with the same counts.
// The frames cover both views, every kind of map, cells that settle early
// and cells that are undefined (a huge W).
func TestGeneralLoopMatchesGridKernel(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	huge, err := New(Settings{Memories: [][]float64{{1, 0}, {0, 1}, {-1, 0.2}}, NormalizeMemories: true,
		FeatureMap: FeatureMapSettings{W: [][]float64{{1e100, 0}, {0, 1e100}}},
		UHop:       UHopSettings{Optimizer: Adam, LR: 0.1, Tau: 1}})
	if err != nil {
		t.Fatal(err)
	}
	maps := make([]separation.Map, len(allMaps))
	for i, name := range allMaps {
		maps[i] = mustMap(t, name)
	}
	cases := []struct {
		name   string
		run    *Run
		it     int
		beta   float64
		bounds *Rect
	}{
		{"random affine", randomRun(t, rng, 7, 2, 2, true, 30), 30, 40, nil},
		{"clustered", clusteredRun(t), 0, 20, nil},
		{"wide features", randomRun(t, rng, 5, 2, 6, true, 10), 10, 8, nil},
		{"undefined", huge, 0, 20, &Rect{-1e110, 1e110, -1e110, 1e110}},
	}
	for _, c := range cases {
		for _, space := range []Space{FeatureSpace, InputSpace} {
			if _, _, k := c.run.Dims(); space == FeatureSpace && k != 2 {
				continue
			}
			fs := FrameSettings{Space: space, Beta: c.beta, Separations: maps, Steps: 6, Tolerance: 1e-3, SupportEps: 0.01,
				Grid: GridSpec{NX: 17, NY: 9, Margin: 0.4, Bounds: c.bounds}}
			var f Frame
			if err := c.run.Render(&f, c.it, fs, Serial{}); err != nil {
				t.Fatal(err)
			}
			targets := make([]Target, len(maps))
			panels := make([]Panel, len(maps))
			for i := range maps {
				h, err := c.run.Model(c.it, fs.Model(i))
				if err != nil {
					t.Fatal(err)
				}
				targets[i] = Target{Model: h, Measure: &panels[i]}
			}
			if err := Evaluate(gridQueries(t, &f), targets, Serial{}); err != nil {
				t.Fatal(err)
			}
			for i := range maps {
				want, got := &f.Panels[i], &panels[i]
				for cell := range want.Labels {
					if math.Float64bits(got.Energy[cell]) != math.Float64bits(want.Energy[cell]) ||
						got.Labels[cell] != want.Labels[cell] || got.Support[cell] != want.Support[cell] {
						t.Fatalf("%s %v %s cell %d: general loop (%v, %d, %d), grid kernel (%v, %d, %d)", c.name, space, maps[i].Name(), cell,
							got.Energy[cell], got.Labels[cell], got.Support[cell], want.Energy[cell], want.Labels[cell], want.Support[cell])
					}
				}
				if got.Unlabeled != want.Unlabeled || got.Undefined != want.Undefined || got.Separation != want.Separation {
					t.Fatalf("%s %v %s: counts %d/%d, want %d/%d", c.name, space, maps[i].Name(), got.Unlabeled, got.Undefined, want.Unlabeled, want.Undefined)
				}
			}
			if c.name == "undefined" && space == InputSpace && f.Panels[0].Undefined == 0 {
				t.Errorf("%s %v: no undefined cell; the case does not reach them", c.name, space)
			}
		}
	}
}

// refUpdate is the n-dimensional model written from its definition
// (SCIENCE §4) with gonum and no reductions: in the feature view
// φ(q) = q and keys u_μ, targets u_μ; in the input view φ(x) = W x + b,
// keys f_μ = W ξ_μ + b, targets ξ_μ. It returns E(q) and Σ_μ p_μ P_μ.
func refUpdate(r *Run, t int, space Space, beta float64, sep separation.Map, q []float64) (float64, []float64, []float64) {
	m, d, k := r.Dims()
	st := r.State(t)
	x := mat.NewDense(m, d, r.Memories())
	w := mat.NewDense(k, d, st.W)
	var f mat.Dense
	f.Mul(x, w.T())
	for mu := range m {
		floats.Add(f.RawRowView(mu), st.B)
	}
	var keys, targets *mat.Dense
	var phi *mat.VecDense
	n := len(q)
	switch space {
	case FeatureSpace:
		u := mat.DenseCopyOf(&f)
		for mu := range m {
			row := u.RawRowView(mu)
			floats.Scale(1/max(floats.Norm(row, 2), normEps), row)
		}
		keys, targets, phi = u, u, mat.NewVecDense(n, slices.Clone(q))
	default:
		keys, targets = &f, x
		phi = mat.NewVecDense(k, slices.Clone(st.B))
		var wx mat.VecDense
		wx.MulVec(w, mat.NewVecDense(n, slices.Clone(q)))
		phi.AddVec(phi, &wx)
	}
	var z mat.VecDense
	z.MulVec(keys, phi)
	z.ScaleVec(beta, &z)
	p := make([]float64, m)
	psi := sep.SepPsi(p, z.RawVector().Data, separation.NewWorkspace(m))
	var next mat.VecDense
	next.MulVec(targets.T(), mat.NewVecDense(m, p))
	return 0.5*mat.Dot(phi, phi) - psi/beta, next.RawVector().Data, p
}

// TestModelBeyondThePlane checks the models in dimensions the grid cannot
// draw, D_Φ = 3 (the sphere lab's feature view) and d = 3 with D_Φ = 5 (an
// input view), against refUpdate: energies, updates and support sizes to
// 1e-12, at random queries, through Evaluator.Update.
func TestModelBeyondThePlane(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 32))
	cases := []struct {
		name  string
		run   *Run
		space Space
	}{
		{"feature view, D_Φ = 3", randomRun(t, rng, 9, 4, 3, true, 20), FeatureSpace},
		{"input view, d = 3, D_Φ = 5", randomRun(t, rng, 6, 3, 5, true, 20), InputSpace},
	}
	for _, c := range cases {
		for _, name := range allMaps {
			sep := mustMap(t, name)
			h, err := c.run.Model(20, ModelSettings{Space: c.space, Beta: 6, Separation: sep, Steps: 3, Tolerance: 1e-3, SupportEps: 0.01})
			if err != nil {
				t.Fatal(err)
			}
			n := h.Dim()
			if n != 3 {
				t.Fatalf("%s: Dim %d, want 3", c.name, n)
			}
			ev := h.NewEvaluator()
			for range 20 {
				q := make([]float64, n)
				for i := range q {
					q[i] = 1.5 * rng.NormFloat64()
				}
				next := make([]float64, n)
				u := ev.Update(next, q, true)
				wantE, wantNext, p := refUpdate(c.run, 20, c.space, 6, sep, q)
				eps := 0.0
				if sep.IsSoftmax() {
					eps = 0.01
				}
				if !close(u.Energy, wantE, 1e-12) || !floats.EqualApprox(next, wantNext, 1e-12) || u.Support != supportSize(p, eps) {
					t.Fatalf("%s %s at %v: energy %v, next %v, support %d; want %v, %v, %d",
						c.name, name, q, u.Energy, next, u.Support, wantE, wantNext, supportSize(p, eps))
				}
				if u2 := ev.Update(next, q, false); !math.IsNaN(u2.Energy) {
					t.Fatalf("%s %s: energy %v without asking, want NaN", c.name, name, u2.Energy)
				}
			}
			// A memory's own point is retrieved to itself by a sparse map at this β.
			pts := h.Points()
			if got := ev.Label(pts[2*n : 3*n]); got != 2 {
				t.Errorf("%s %s: the label of memory 2's point is %d", c.name, name, got)
			}
		}
	}
}

func close(a, b, tol float64) bool { return math.Abs(a-b) <= tol*max(1, math.Abs(b)) }

// TestLabelsBeyondAByte evaluates the 300 memory points of a feature
// model as queries: every one is labelled by its own index, up to 299
// (the wire format's bytes are not a limit of the engine).
func TestLabelsBeyondAByte(t *testing.T) {
	mem := make([][]float64, 300)
	for i := range mem {
		a := 2 * math.Pi * float64(i) / 300
		mem[i] = []float64{math.Cos(a), math.Sin(a)}
	}
	r, err := New(Settings{Memories: mem, UHop: UHopSettings{Optimizer: Adam, LR: 0.1, Tau: 1}})
	if err != nil {
		t.Fatal(err)
	}
	h, err := r.Model(0, ModelSettings{Space: FeatureSpace, Beta: 1e4, Separation: mustMap(t, "sparsemax"), Steps: 2, Tolerance: 1e-6})
	if err != nil {
		t.Fatal(err)
	}
	set, err := NewQuerySet(2, slices.Clone(h.Points()))
	if err != nil {
		t.Fatal(err)
	}
	var p Panel
	if err := Evaluate(set, []Target{{h, &p}}, Serial{}); err != nil {
		t.Fatal(err)
	}
	for i, l := range p.Labels {
		if l != int32(i) {
			t.Fatalf("query %d labelled %d", i, l)
		}
	}
}

// TestSupportHistogram checks the histogram against the landscape of the
// same queries: its counts are the panel's supports and labels tallied.
func TestSupportHistogram(t *testing.T) {
	rng := rand.New(rand.NewPCG(41, 42))
	r := randomRun(t, rng, 12, 5, 4, true, 40)
	queries := make([]float64, 4*500)
	for i := range queries {
		queries[i] = rng.NormFloat64()
	}
	set, err := NewQuerySet(4, queries)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range allMaps {
		h, err := r.Model(40, ModelSettings{Space: FeatureSpace, Beta: 8, Separation: mustMap(t, name), Steps: 5, Tolerance: 1e-3, SupportEps: 0.01})
		if err != nil {
			t.Fatal(err)
		}
		var p Panel
		var hist SupportHistogram
		if err := Evaluate(set, []Target{{h, &p}}, Serial{}); err != nil {
			t.Fatal(err)
		}
		h2, _ := r.Model(40, ModelSettings{Space: FeatureSpace, Beta: 8, Separation: mustMap(t, name), Steps: 5, Tolerance: 1e-3, SupportEps: 0.01})
		if err := Evaluate(set, []Target{{h2, &hist}}, Serial{}); err != nil {
			t.Fatal(err)
		}
		want := make([]int, 13)
		retrieved := 0
		for i, l := range p.Labels {
			want[p.Support[i]]++
			if l >= 0 {
				retrieved++
			}
		}
		if !slices.Equal(hist.Counts, want) || hist.Retrieved != retrieved || hist.White != p.Unlabeled ||
			hist.Undefined != 0 || hist.Queries != 500 || hist.NoSupport != 0 {
			t.Errorf("%s: histogram %+v; the landscape gives counts %v, %d retrieved, %d white", name, hist, want, retrieved, p.Unlabeled)
		}
		if hist.White == 0 || hist.Retrieved == 0 {
			t.Logf("%s: %d white, %d retrieved", name, hist.White, hist.Retrieved)
		}
	}
}

// gradientModel is a model without a probability vector, as a
// random-feature (DrDAM) model will be: gradient descent on the energy
// E(q) = −Σ_μ exp(−‖q − ξ_μ‖²), with no Sep at all. It checks that
// the evaluation needs no more of a model than the Model interface.
type gradientModel struct {
	pts  []float64 // M×2
	step float64
}

func (g *gradientModel) Dim() int                { return 2 }
func (g *gradientModel) Len() int                { return len(g.pts) / 2 }
func (g *gradientModel) Steps() int              { return 50 }
func (g *gradientModel) Points() []float64       { return g.pts }
func (g *gradientModel) NewEvaluator() Evaluator { return gradientEvaluator{g} }

type gradientEvaluator struct{ g *gradientModel }

func (e gradientEvaluator) Update(next, q []float64, energy bool) Update {
	sum, gx, gy := 0.0, 0.0, 0.0
	for mu := 0; mu < len(e.g.pts); mu += 2 {
		dx, dy := q[0]-e.g.pts[mu], q[1]-e.g.pts[mu+1]
		w := math.Exp(-(dx*dx + dy*dy))
		sum += w
		gx, gy = gx+2*w*dx, gy+2*w*dy
	}
	next[0], next[1] = q[0]-e.g.step*gx, q[1]-e.g.step*gy
	u := Update{Energy: math.NaN(), Support: NoSupport, Settled: next[0] == q[0] && next[1] == q[1]}
	if energy {
		u.Energy = -sum
	}
	return u
}

func (e gradientEvaluator) Label(q []float64) int32 {
	for mu := 0; mu < len(e.g.pts); mu += 2 {
		if math.Hypot(q[0]-e.g.pts[mu], q[1]-e.g.pts[mu+1]) < 0.3 {
			return int32(mu / 2)
		}
	}
	return LabelWhite
}

// TestModelWithoutSupport evaluates gradientModel on a grid with the
// landscape, the histogram and paths: the grid kernel is not taken, every
// query reports NoSupport, and queries near a well descend into it.
func TestModelWithoutSupport(t *testing.T) {
	g := &gradientModel{pts: []float64{2, 0, -2, 0}, step: 0.2}
	grid := &Grid2D{XS: []float64{-2.2, -1.9, 0, 1.9, 2.2}, YS: []float64{-0.1, 0.1}}
	var p Panel
	var hist SupportHistogram
	var paths Paths
	if err := Evaluate(grid, []Target{{g, &p}}, Serial{}); err != nil {
		t.Fatal(err)
	}
	if err := Evaluate(grid, []Target{{g, &hist}}, Serial{}); err != nil {
		t.Fatal(err)
	}
	if err := Evaluate(grid, []Target{{g, &paths}}, Serial{}); err != nil {
		t.Fatal(err)
	}
	want := []int32{1, 1, LabelWhite, 0, 0}
	for i, l := range p.Labels {
		if l != want[i%5] || p.Support[i] != NoSupport || !finite(p.Energy[i]) {
			t.Fatalf("cell %d: label %d, support %d, energy %v; want label %d, support %d", i, l, p.Support[i], p.Energy[i], want[i%5], NoSupport)
		}
		if paths.Paths[i].Label != l || paths.Paths[i].Energy[0] != p.Energy[i] || len(paths.Paths[i].Support) != 50 {
			t.Fatalf("cell %d: path %+v disagrees with the landscape", i, paths.Paths[i])
		}
	}
	if hist.NoSupport != 10 || hist.White != 2 || hist.Retrieved != 8 || slices.ContainsFunc(hist.Counts, func(n int) bool { return n != 0 }) {
		t.Errorf("histogram %+v; want 8 retrieved and 2 white, all 10 without support, no support counts", hist)
	}
}

// reverseRunner runs the chunks last to first, concurrently in pairs.
type reverseRunner struct{}

func (reverseRunner) Run(n int, task Task) error {
	var wg sync.WaitGroup
	for i := n - 1; i >= 0; i -= 2 {
		for _, c := range []int{i, i - 1} {
			if c >= 0 {
				wg.Add(1)
				go func() { defer wg.Done(); task.RunChunk(c) }()
			}
		}
		wg.Wait()
	}
	return nil
}

// stopRunner runs the first k chunks and then reports a stop.
type stopRunner struct{ k int }

var errStopped = errors.New("stopped")

func (s stopRunner) Run(n int, task Task) error {
	for i := range min(n, s.k) {
		task.RunChunk(i)
	}
	if s.k < n {
		return errStopped
	}
	return nil
}

// TestEvaluationChunks checks that an evaluation of a large query set is
// split into many chunks, gives the same histogram and paths whatever the
// order of its chunks, can be stopped between chunks (the runner's error
// comes back), and refuses malformed targets.
func TestEvaluationChunks(t *testing.T) {
	rng := rand.New(rand.NewPCG(51, 52))
	r := randomRun(t, rng, 16, 8, 8, true, 5)
	queries := make([]float64, 8*1000)
	for i := range queries {
		queries[i] = rng.NormFloat64()
	}
	set, _ := NewQuerySet(8, queries)
	h, err := r.Model(5, ModelSettings{Space: FeatureSpace, Beta: 4, Separation: mustMap(t, "entmax15"), Steps: 4, Tolerance: 1e-2})
	if err != nil {
		t.Fatal(err)
	}
	var a, b SupportHistogram
	var pa, pb Paths
	e, err := NewEvaluation(set, []Target{{h, &a}, {h, &pa}})
	if err != nil {
		t.Fatal(err)
	}
	// 1000 rows of one query: 63 chunks of 16 (the last of 8).
	if e.Chunks() != 63 || e.Queries() != 1000 {
		t.Fatalf("%d chunks of %d queries, want 63 of 1000", e.Chunks(), e.Queries())
	}
	if err := Evaluate(set, []Target{{h, &a}, {h, &pa}}, Serial{}); err != nil {
		t.Fatal(err)
	}
	if err := Evaluate(set, []Target{{h, &b}, {h, &pb}}, reverseRunner{}); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(a.Counts, b.Counts) || a.White != b.White || a.Retrieved != b.Retrieved || a.Queries != 1000 {
		t.Errorf("histograms differ with the runner: %+v, %+v", a, b)
	}
	for i := range pa.Paths {
		if !slices.Equal(pa.Paths[i].Points, pb.Paths[i].Points) || pa.Paths[i].Label != pb.Paths[i].Label {
			t.Fatalf("path %d differs with the runner", i)
		}
	}
	var c SupportHistogram
	if err := Evaluate(set, []Target{{h, &c}}, stopRunner{3}); !errors.Is(err, errStopped) {
		t.Errorf("stopped evaluation: %v, want the runner's error", err)
	}
	var p Panel
	bad := [][]Target{
		nil,
		{{h, nil}},
		{{h, &p}, {h, &p}},
	}
	for i, targets := range bad {
		if _, err := NewEvaluation(set, targets); err == nil {
			t.Errorf("bad targets %d accepted", i)
		}
	}
	if _, err := NewEvaluation(&Grid2D{XS: []float64{0, 1}, YS: []float64{0, 1}}, []Target{{h, &p}}); err == nil {
		t.Error("an 8-dimensional model on a plane grid accepted")
	}
	if _, err := NewEvaluation(&Grid2D{XS: []float64{0, 1}, YS: []float64{0, 1}}, []Target{{&stepsModel{gradientModel{pts: []float64{0, 0}}}, &p}}); err == nil {
		t.Error("a model of 0 retrieval steps accepted")
	}
	if _, err := NewQuerySet(2, []float64{1, 2, math.NaN(), 0}); err == nil {
		t.Error("a query set with NaN accepted")
	}
}

// TestEvaluationDoesNotAllocate reuses an evaluation of the general loop
// and of the grid kernel: once sized, neither allocates.
func TestEvaluationDoesNotAllocate(t *testing.T) {
	rng := rand.New(rand.NewPCG(61, 62))
	r := randomRun(t, rng, 10, 3, 3, true, 5)
	queries := make([]float64, 3*200)
	for i := range queries {
		queries[i] = rng.NormFloat64()
	}
	set, _ := NewQuerySet(3, queries)
	h, _ := r.Model(5, ModelSettings{Space: FeatureSpace, Beta: 4, Separation: mustMap(t, "entmax15"), Steps: 4, Tolerance: 1e-2})
	var hist SupportHistogram
	var p Panel
	e, err := NewEvaluation(set, []Target{{h, &hist}, {h, &p}})
	if err != nil {
		t.Fatal(err)
	}
	runOnce := func() {
		if err := Serial.Run(Serial{}, e.Chunks(), e); err != nil {
			t.Fatal(err)
		}
		e.Finish()
	}
	runOnce()
	if n := testing.AllocsPerRun(5, runOnce); n != 0 {
		t.Errorf("general loop: %v allocations per evaluation", n)
	}
	// Run again, and chunk 0 once more: a chunk that runs again replaces
	// what it counted before.
	e.RunChunk(0)
	e.Finish()
	white := 0
	for _, l := range p.Labels {
		if l == LabelWhite {
			white++
		}
	}
	if hist.Queries != 200 || p.Unlabeled != white || hist.White != white {
		t.Errorf("after re-running: %d queries, %d white in the panel and %d in the histogram; want 200, %d", hist.Queries, p.Unlabeled, hist.White, white)
	}
	run := standardRun(t)
	fs := standardFrameSettings(t)
	var f Frame
	render := func() {
		if err := run.Render(&f, 0, fs, Serial{}); err != nil {
			t.Fatal(err)
		}
	}
	render()
	if n := testing.AllocsPerRun(5, render); n != 0 {
		t.Errorf("Render: %v allocations per frame", n)
	}
}

// stepsModel is gradientModel with 0 retrieval steps, out of contract.
type stepsModel struct{ gradientModel }

func (stepsModel) Steps() int { return 0 }

// TestRowsSplitIntoParts renders frames whose grids have fewer rows than
// the chunks asked for, so that chunks are parts of rows (odd widths
// included): every cell is the same as with whole rows, bit for bit.
func TestRowsSplitIntoParts(t *testing.T) {
	run := clusteredRun(t)
	for _, g := range []GridSpec{{NX: 33, NY: 5, Margin: 0.3}, {NX: 8, NY: 3, Margin: 0.3}, {NX: 2, NY: 2, Margin: 0.3}} {
		fs := standardFrameSettings(t)
		fs.Grid = g
		var want, got Frame
		if err := run.Render(&want, 0, fs, Serial{}); err != nil {
			t.Fatal(err)
		}
		var fp FramePlan
		fp.SetChunks(1000)
		if err := run.PrepareFrame(&fp, 0, fs); err != nil {
			t.Fatal(err)
		}
		wantChunks := g.NY * ((g.NX + 1) / 2)
		if fp.Chunks() != wantChunks {
			t.Errorf("%d×%d grid: %d chunks, want %d (one per pair of cells)", g.NX, g.NY, fp.Chunks(), wantChunks)
		}
		if err := fp.Render(&got, reverseRunner{}); err != nil {
			t.Fatal(err)
		}
		for pi := range want.Panels {
			a, b := &want.Panels[pi], &got.Panels[pi]
			for i := range a.Labels {
				if math.Float64bits(a.Energy[i]) != math.Float64bits(b.Energy[i]) || a.Labels[i] != b.Labels[i] || a.Support[i] != b.Support[i] {
					t.Fatalf("%d×%d grid, panel %d, cell %d differs when rows are split", g.NX, g.NY, pi, i)
				}
			}
			if a.Unlabeled != b.Unlabeled || a.Undefined != b.Undefined {
				t.Fatalf("%d×%d grid, panel %d: counts differ", g.NX, g.NY, pi)
			}
		}
	}
}
