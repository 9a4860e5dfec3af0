package sim

import (
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"gonum.org/v1/gonum/mat"

	"hoplab/internal/sim/separation"
	"hoplab/internal/workpool"
)

func mustMap(t testing.TB, name string) separation.Map {
	t.Helper()
	m, err := separation.Parse(name)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

var allMaps = []string{"softmax", "entmax15", "sparsemax", "entmax:1.3", "entmax:3"}

// refModel is a straightforward reference for one snapshot, written with
// gonum from the definitions in SCIENCE §4 and without the reductions of the
// renderer: scores are β⟨key_μ, φ(q)⟩ with the view's keys and feature
// function, the update is Σ_μ p_μ P_μ, every step is taken.
type refModel struct {
	keys   *mat.Dense // M×D: the vectors scores are taken against
	phiW   *mat.Dense // D×2: φ(q) = phiW q + phiB
	phiB   *mat.VecDense
	points *mat.Dense // M×2: the update's targets and the labels' points
	beta   float64
}

func newRefModel(r *Run, t int, space Space, beta float64) refModel {
	m, d, k := r.Dims()
	st := r.State(t)
	x := mat.NewDense(m, d, r.Memories())
	w := mat.NewDense(k, d, st.W)
	var f mat.Dense
	f.Mul(x, w.T())
	for mu := range m {
		row := f.RawRowView(mu)
		for i := range row {
			row[i] += st.B[i]
		}
	}
	switch space {
	case FeatureSpace:
		u := mat.DenseCopyOf(&f)
		for mu := range m {
			row := u.RawRowView(mu)
			n := max(math.Hypot(row[0], row[1]), normEps)
			row[0], row[1] = row[0]/n, row[1]/n
		}
		return refModel{keys: u, phiW: mat.NewDense(2, 2, []float64{1, 0, 0, 1}), phiB: mat.NewVecDense(2, nil), points: u, beta: beta}
	default:
		return refModel{keys: &f, phiW: w, phiB: mat.NewVecDense(k, append([]float64(nil), st.B...)), points: x, beta: beta}
	}
}

// eval returns the energy at q, the state after steps updates and the last
// probability vector.
func (rm refModel) eval(sep separation.Map, q []float64, steps int) (energy float64, qT, p []float64) {
	m, _ := rm.keys.Dims()
	ws := separation.NewWorkspace(m)
	scores := func(q []float64) []float64 {
		var phi mat.VecDense
		phi.MulVec(rm.phiW, mat.NewVecDense(2, q))
		phi.AddVec(&phi, rm.phiB)
		var z mat.VecDense
		z.MulVec(rm.keys, &phi)
		z.ScaleVec(rm.beta, &z)
		return z.RawVector().Data
	}
	var phi mat.VecDense
	phi.MulVec(rm.phiW, mat.NewVecDense(2, q))
	phi.AddVec(&phi, rm.phiB)
	p = make([]float64, m)
	psi := sep.SepPsi(p, scores(q), ws)
	energy = 0.5*mat.Dot(&phi, &phi) - psi/rm.beta
	qT = append([]float64(nil), q...)
	for s := range steps {
		if s > 0 {
			sep.Sep(p, scores(qT), ws)
		}
		var next mat.VecDense
		next.MulVec(rm.points.T(), mat.NewVecDense(m, p))
		qT = next.RawVector().Data
	}
	return energy, qT, p
}

func randomRun(t testing.TB, rng *rand.Rand, m, d, k int, affine bool, iters int) *Run {
	t.Helper()
	mem := make([][]float64, m)
	for i := range mem {
		mem[i] = make([]float64, d)
		for j := range mem[i] {
			mem[i][j] = rng.NormFloat64()
		}
	}
	r, err := New(Settings{
		Memories: mem, NormalizeMemories: true,
		FeatureMap: FeatureMapSettings{Dim: k, Affine: affine, Init: InitRandom, Seed: rng.Uint64()},
		UHop:       UHopSettings{Optimizer: Adam, LR: 0.1, Tau: 1, Loss: LossPairs},
	})
	if err != nil {
		t.Fatal(err)
	}
	for range iters {
		r.Step()
	}
	return r
}

// TestRenderMatchesReference compares every cell of rendered frames with the
// reference model, in both views, for every kind of separation map.
func TestRenderMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	cases := []struct {
		name  string
		run   *Run
		t     int
		space Space
		beta  float64
		steps int
	}{
		{"feature identity", randomRun(t, rng, 5, 2, 2, false, 0), 0, FeatureSpace, 20, 5},
		{"feature affine trained", randomRun(t, rng, 6, 2, 2, true, 4), 3, FeatureSpace, 8, 7},
		{"input linear", randomRun(t, rng, 4, 2, 3, false, 2), 2, InputSpace, 2, 5},
		{"input affine wide", randomRun(t, rng, 7, 2, 5, true, 3), 1, InputSpace, 0.7, 3},
	}
	var maps []separation.Map
	for _, name := range allMaps {
		maps = append(maps, mustMap(t, name))
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fs := FrameSettings{Space: c.space, Beta: c.beta, Separations: maps, Steps: c.steps,
				Tolerance: 1e-3, SupportEps: 0.01, Grid: GridSpec{NX: 13, NY: 9, Margin: 0.3}}
			var fr Frame
			if err := c.run.Render(&fr, c.t, fs, Serial{}); err != nil {
				t.Fatal(err)
			}
			ref := newRefModel(c.run, c.t, c.space, c.beta)
			m, _ := ref.points.Dims()
			for mu := range m {
				if math.Abs(fr.Points[2*mu]-ref.points.At(mu, 0)) > 1e-15 || math.Abs(fr.Points[2*mu+1]-ref.points.At(mu, 1)) > 1e-15 {
					t.Fatalf("point %d: %v, reference %v", mu, fr.Points[2*mu:2*mu+2], ref.points.RawRowView(mu))
				}
			}
			for pi, sep := range maps {
				panel := &fr.Panels[pi]
				unlabeled := 0
				for i, y := range fr.YS {
					for j, x := range fr.XS {
						cell := i*len(fr.XS) + j
						e, qT, p := ref.eval(sep, []float64{x, y}, c.steps)
						if tol := 1e-9 * (1 + math.Abs(e)); math.Abs(panel.Energy[cell]-e) > tol {
							t.Fatalf("%s (%g,%g): energy %.15g, reference %.15g", sep.Name(), x, y, panel.Energy[cell], e)
						}
						want, margin := refLabel(ref.points, qT, fs.Tolerance)
						if panel.Labels[cell] != want && margin > 1e-9 {
							t.Errorf("%s (%g,%g): label %d, reference %d (state %v)", sep.Name(), x, y, panel.Labels[cell], want, qT)
						}
						if want < 0 {
							unlabeled++
						}
						if got, want := panel.Support[cell], refSupport(sep, p, fs.SupportEps); got != want {
							t.Errorf("%s (%g,%g): support %d, reference %d (p %v)", sep.Name(), x, y, got, want, p)
						}
					}
				}
				if panel.Unlabeled != unlabeled {
					t.Errorf("%s: %d unlabeled cells, reference %d", sep.Name(), panel.Unlabeled, unlabeled)
				}
			}
		})
	}
}

// refLabel is the nearest point strictly within tol of q, or -1, and how far
// the decision is from the tolerance boundary.
func refLabel(points *mat.Dense, q []float64, tol float64) (label int32, margin float64) {
	m, _ := points.Dims()
	label, best := -1, math.Inf(1)
	for mu := range m {
		if d := math.Hypot(q[0]-points.At(mu, 0), q[1]-points.At(mu, 1)); d < best {
			best, label = d, int32(mu)
		}
	}
	if best >= tol {
		label = -1
	}
	return label, math.Abs(best - tol)
}

func refSupport(sep separation.Map, p []float64, eps float64) int32 {
	if !sep.IsSoftmax() {
		eps = 0
	}
	n := int32(0)
	for _, v := range p {
		if v > eps {
			n++
		}
	}
	return n
}

// TestEnergyGradientIsUpdate checks ∇E(q) = q − T(q) in the feature view for
// every map (∇Ψ* = Sep makes this hold for all α), and in the input view
// ∇E_K(x) = Wᵀ(Φ(x) − Φ(T_Φ(x))), by central differences of rendered energies.
func TestEnergyGradientIsUpdate(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const h = 1e-6
	for _, space := range []Space{FeatureSpace, InputSpace} {
		run := randomRun(t, rng, 5, 2, 2, true, 2)
		st := run.State(2)
		for _, name := range allMaps {
			sep := mustMap(t, name)
			for range 5 {
				q := []float64{rng.Float64()*2 - 1, rng.Float64()*2 - 1}
				var fr Frame
				energyAt := func(x, y float64) float64 {
					// A 2×2 grid with explicit bounds evaluates the energy at its corners.
					fs := FrameSettings{Space: space, Beta: 3, Separations: []separation.Map{sep}, Steps: 1,
						Tolerance: 1e-3, Grid: GridSpec{NX: 2, NY: 2, Bounds: &Rect{x, x + 1, y, y + 1}}}
					if err := run.Render(&fr, 2, fs, Serial{}); err != nil {
						t.Fatal(err)
					}
					return fr.Panels[0].Energy[0]
				}
				grad := []float64{
					(energyAt(q[0]+h, q[1]) - energyAt(q[0]-h, q[1])) / (2 * h),
					(energyAt(q[0], q[1]+h) - energyAt(q[0], q[1]-h)) / (2 * h),
				}
				_, tq, _ := newRefModel(run, 2, space, 3).eval(sep, q, 1)
				want := []float64{q[0] - tq[0], q[1] - tq[1]}
				if space == InputSpace {
					// Wᵀ(Φ(q) − Φ(T(q))) = Wᵀ W (q − T(q)): the bias cancels.
					w := mat.NewDense(2, 2, st.W)
					var g mat.VecDense
					g.MulVec(w, mat.NewVecDense(2, want))
					g.MulVec(w.T(), &g)
					want = g.RawVector().Data
				}
				if math.Abs(grad[0]-want[0]) > 1e-5 || math.Abs(grad[1]-want[1]) > 1e-5 {
					t.Errorf("%v %s at %v: ∇E %v, expected %v", space, name, q, grad, want)
				}
			}
		}
	}
}

// TestAntipodalPair checks an analytic case: memories ±e₁ in the feature
// view with the identity map. On the line x = 0 the scores tie, every map
// gives p = (½, ½) and T(q) = 0, a mixture: white cells with support 2.
// Elsewhere at β = 20 a query is retrieved to the memory on its side, and
// the energy at q = e₁ is ½ − β⁻¹Ψ*(β, −β).
func TestAntipodalPair(t *testing.T) {
	run, err := New(Settings{Memories: [][]float64{{1, 0}, {-1, 0}}, NormalizeMemories: true,
		UHop: UHopSettings{Optimizer: Adam, LR: 0.1, Tau: 1}})
	if err != nil {
		t.Fatal(err)
	}
	st := run.State(0)
	if st.DeltaMin != 2 || st.MinAngleDeg != 180 {
		t.Errorf("antipodal pair: Δmin %v, angle %v; want 2 and 180", st.DeltaMin, st.MinAngleDeg)
	}
	for _, name := range []string{"softmax", "entmax15", "sparsemax"} {
		sep := mustMap(t, name)
		var fr Frame
		fs := FrameSettings{Space: FeatureSpace, Beta: 20, Separations: []separation.Map{sep}, Steps: 5,
			Tolerance: 1e-3, SupportEps: 0.01, Grid: GridSpec{NX: 5, NY: 3, Bounds: &Rect{-1, 1, -0.5, 0.5}}}
		if err := run.Render(&fr, 0, fs, Serial{}); err != nil {
			t.Fatal(err)
		}
		p := fr.Panels[0]
		for i := range 3 {
			row := p.Labels[i*5 : i*5+5]
			if row[0] != 1 || row[1] != 1 || row[2] != -1 || row[3] != 0 || row[4] != 0 {
				t.Errorf("%s row %d labels %v, want [1 1 -1 0 0]", name, i, row)
			}
			if s := p.Support[i*5+2]; s != 2 {
				t.Errorf("%s row %d: support at x=0 is %d, want 2", name, i, s)
			}
		}
		z := []float64{20, -20}
		pr := make([]float64, 2)
		want := 0.5 - sep.SepPsi(pr, z, separation.NewWorkspace(2))/20
		if got := p.Energy[1*5+4]; math.Abs(got-want) > 1e-14 {
			t.Errorf("%s: energy at e₁ %v, want %v", name, got, want)
		}
		if p.Unlabeled != 3 {
			t.Errorf("%s: %d unlabeled cells, want 3", name, p.Unlabeled)
		}
	}
}

// TestRenderDeterministic renders the same frame serially with GOMAXPROCS=1
// and on a pool with GOMAXPROCS=2, and requires bit-identical results.
func TestRenderDeterministic(t *testing.T) {
	run := randomRun(t, rand.New(rand.NewPCG(5, 6)), 8, 2, 2, true, 3)
	fs := standardFrameSettings(t)
	fs.Grid = GridSpec{NX: 64, NY: 61, Margin: 0.1}
	render := func(procs int, runner Runner) Frame {
		old := runtime.GOMAXPROCS(procs)
		defer runtime.GOMAXPROCS(old)
		var fr Frame
		if err := run.Render(&fr, 3, fs, runner); err != nil {
			t.Fatal(err)
		}
		return fr
	}
	pool := workpool.New(2)
	defer pool.Close()
	a := render(1, Serial{})
	b := render(2, poolRunner(pool))
	for pi := range a.Panels {
		pa, pb := a.Panels[pi], b.Panels[pi]
		for i := range pa.Energy {
			if math.Float64bits(pa.Energy[i]) != math.Float64bits(pb.Energy[i]) || pa.Labels[i] != pb.Labels[i] || pa.Support[i] != pb.Support[i] {
				t.Fatalf("panel %d cell %d differs: %v/%d/%d vs %v/%d/%d", pi, i, pa.Energy[i], pa.Labels[i], pa.Support[i], pb.Energy[i], pb.Labels[i], pb.Support[i])
			}
		}
		if pa.Unlabeled != pb.Unlabeled {
			t.Fatalf("panel %d: unlabeled %d vs %d", pi, pa.Unlabeled, pb.Unlabeled)
		}
	}
}

// poolRunner runs chunks on a workpool.Pool.
func poolRunner(p *workpool.Pool) Runner { return workpool.Runner{Pool: p, Ctx: t0ctx} }

func TestCheckFrame(t *testing.T) {
	feature := randomRun(t, rand.New(rand.NewPCG(1, 1)), 3, 3, 2, false, 1)
	input := randomRun(t, rand.New(rand.NewPCG(1, 2)), 3, 2, 4, false, 0)
	good := func() FrameSettings { return standardFrameSettings(t) }
	cases := []struct {
		name  string
		run   *Run
		t     int
		edit  func(*FrameSettings)
		field string
	}{
		{"ok feature", feature, 1, func(*FrameSettings) {}, ""},
		{"ok input", input, 0, func(fs *FrameSettings) { fs.Space = InputSpace }, ""},
		{"iteration beyond", feature, 2, func(*FrameSettings) {}, "snapshots"},
		{"feature needs D=2", input, 0, func(*FrameSettings) {}, "view.space"},
		{"input needs d=2", feature, 0, func(fs *FrameSettings) { fs.Space = InputSpace }, "view.space"},
		{"beta zero", feature, 0, func(fs *FrameSettings) { fs.Beta = 0 }, "beta"},
		{"beta inf", feature, 0, func(fs *FrameSettings) { fs.Beta = math.Inf(1) }, "beta"},
		{"no maps", feature, 0, func(fs *FrameSettings) { fs.Separations = nil }, "separations"},
		{"steps", feature, 0, func(fs *FrameSettings) { fs.Steps = 0 }, "retrieval.steps"},
		{"tolerance", feature, 0, func(fs *FrameSettings) { fs.Tolerance = -1 }, "retrieval.tolerance"},
		{"supportEps", feature, 0, func(fs *FrameSettings) { fs.SupportEps = math.NaN() }, "retrieval.supportEps"},
		{"nx", feature, 0, func(fs *FrameSettings) { fs.Grid.NX = 1 }, "view.grid.nx"},
		{"ny", feature, 0, func(fs *FrameSettings) { fs.Grid.NY = 0 }, "view.grid.ny"},
		{"margin", feature, 0, func(fs *FrameSettings) { fs.Grid.Margin = -0.1 }, "view.grid.margin"},
		{"xmax", feature, 0, func(fs *FrameSettings) { fs.Grid.Bounds = &Rect{1, 1, 0, 1} }, "view.grid.xmax"},
		{"ymax", feature, 0, func(fs *FrameSettings) { fs.Grid.Bounds = &Rect{0, 1, 2, 1} }, "view.grid.ymax"},
		{"xmin nan", feature, 0, func(fs *FrameSettings) { fs.Grid.Bounds = &Rect{math.NaN(), 1, 0, 1} }, "view.grid.xmin"},
	}
	for _, c := range cases {
		fs := good()
		c.edit(&fs)
		err := c.run.CheckFrame(c.t, &fs)
		checkFieldError(t, c.name, err, c.field)
	}
}

func TestGridPlacement(t *testing.T) {
	xs := make([]float64, 5)
	linspace(xs, -1, 1)
	for j, want := range []float64{-1, -0.5, 0, 0.5, 1} {
		if xs[j] != want {
			t.Errorf("linspace[%d] = %v, want %v", j, xs[j], want)
		}
	}
	b := box([]float64{0, 1, 2, 1, 1, -1}, 0.1)
	if b != (Rect{-0.1, 2.1, -1.1, 1.1}) {
		t.Errorf("box %+v", b)
	}
	b = box([]float64{0.5, 0.25}, 0)
	if b != (Rect{0, 1, -0.25, 0.75}) {
		t.Errorf("degenerate box %+v", b)
	}
}

// TestPaperSoftmaxEnergy checks the authors' softmax panel:
// energy2(q) = ½‖q‖² + β(E(q) − ½‖q‖²) (SCIENCE §4), with labels, support
// and the other maps unchanged.
func TestPaperSoftmaxEnergy(t *testing.T) {
	run := randomRun(t, rand.New(rand.NewPCG(21, 22)), 4, 2, 2, true, 2)
	fs := FrameSettings{Space: FeatureSpace, Beta: 20, Separations: []separation.Map{mustMap(t, "softmax"), mustMap(t, "sparsemax")},
		Steps: 5, Tolerance: 1e-3, SupportEps: 0.01, Grid: GridSpec{NX: 9, NY: 7, Margin: 0.1}}
	var plain, paper Frame
	if err := run.Render(&plain, 2, fs, Serial{}); err != nil {
		t.Fatal(err)
	}
	fs.PaperSoftmaxEnergy = true
	if err := run.Render(&paper, 2, fs, Serial{}); err != nil {
		t.Fatal(err)
	}
	for i, y := range plain.YS {
		for j, x := range plain.XS {
			c := i*len(plain.XS) + j
			half := 0.5 * (x*x + y*y)
			want := half + fs.Beta*(plain.Panels[0].Energy[c]-half)
			if got := paper.Panels[0].Energy[c]; math.Abs(got-want) > 1e-12*(1+math.Abs(want)) {
				t.Fatalf("(%g,%g): paper energy %v, want %v", x, y, got, want)
			}
			if paper.Panels[1].Energy[c] != plain.Panels[1].Energy[c] {
				t.Fatalf("(%g,%g): sparsemax energy changed", x, y)
			}
			for pi := range 2 {
				if paper.Panels[pi].Labels[c] != plain.Panels[pi].Labels[c] || paper.Panels[pi].Support[c] != plain.Panels[pi].Support[c] {
					t.Fatalf("(%g,%g): labels or support changed", x, y)
				}
			}
		}
	}
}
