package sim

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/stat"

	"hoplab/internal/sim/sphere"
)

func TestSettingsErrors(t *testing.T) {
	good := func() Settings {
		return Settings{Memories: [][]float64{{1, 0}, {0, 1}, {-1, -1}}, NormalizeMemories: true,
			UHop: UHopSettings{Optimizer: Adam, LR: 0.1, Tau: 1}}
	}
	cases := []struct {
		name  string
		edit  func(*Settings)
		field string
	}{
		{"ok", func(*Settings) {}, ""},
		{"no memories", func(s *Settings) { s.Memories = nil }, "memories"},
		{"empty memory", func(s *Settings) { s.Memories = [][]float64{{}} }, "memories[0]"},
		{"ragged", func(s *Settings) { s.Memories[2] = []float64{1} }, "memories[2]"},
		{"nan", func(s *Settings) { s.Memories[1][1] = math.NaN() }, "memories[1][1]"},
		{"zero memory normalised", func(s *Settings) { s.Memories[0] = []float64{0, 0} }, "memories[0]"},
		{"zero memory kept", func(s *Settings) { s.Memories[0] = []float64{0, 0}; s.NormalizeMemories = false }, ""},
		{"negative dim", func(s *Settings) { s.FeatureMap.Dim = -1 }, "featureMap.dim"},
		{"identity needs square", func(s *Settings) { s.FeatureMap.Dim = 3 }, "featureMap.init"},
		{"random rectangular", func(s *Settings) { s.FeatureMap.Dim = 3; s.FeatureMap.Init = InitRandom }, ""},
		{"bad init", func(s *Settings) { s.FeatureMap.Init = 7 }, "featureMap.init"},
		{"W rows", func(s *Settings) { s.FeatureMap.W = [][]float64{{1, 0}} }, "featureMap.W"},
		{"W cols", func(s *Settings) { s.FeatureMap.W = [][]float64{{1, 0}, {0}} }, "featureMap.W[1]"},
		{"W inf", func(s *Settings) { s.FeatureMap.W = [][]float64{{1, 0}, {0, math.Inf(1)}} }, "featureMap.W[1][1]"},
		{"b without affine", func(s *Settings) { s.FeatureMap.B = []float64{0, 0} }, "featureMap.b"},
		{"b length", func(s *Settings) { s.FeatureMap.Affine = true; s.FeatureMap.B = []float64{0} }, "featureMap.b"},
		{"b nan", func(s *Settings) { s.FeatureMap.Affine = true; s.FeatureMap.B = []float64{0, math.NaN()} }, "featureMap.b[1]"},
		{"optimizer", func(s *Settings) { s.UHop.Optimizer = 9 }, "uhop.optimizer"},
		{"lr", func(s *Settings) { s.UHop.LR = 0 }, "uhop.lr"},
		{"momentum", func(s *Settings) { s.UHop.Momentum = -1 }, "uhop.momentum"},
		{"tau", func(s *Settings) { s.UHop.Tau = math.Inf(1) }, "uhop.tau"},
		{"loss", func(s *Settings) { s.UHop.Loss = 5 }, "uhop.loss"},
	}
	for _, c := range cases {
		s := good()
		c.edit(&s)
		_, err := New(s)
		checkFieldError(t, c.name, err, c.field)
	}
}

// checkFieldError reports err unless it is nil for field "" or a
// *FieldError for field.
func checkFieldError(t *testing.T, name string, err error, field string) {
	t.Helper()
	var fe *FieldError
	switch {
	case field == "" && err != nil:
		t.Errorf("%s: unexpected error %v", name, err)
	case field != "" && (!errors.As(err, &fe) || fe.Field != field):
		t.Errorf("%s: error %v, want one for field %q", name, err, field)
	}
}

// TestKaimingInit checks W₀ ~ N(0, 2/d): the same seed gives the same map,
// another seed another one, and the sample moments fit.
func TestKaimingInit(t *testing.T) {
	mem := make([][]float64, 4)
	for i := range mem {
		mem[i] = make([]float64, 8)
		mem[i][i] = 1
	}
	newW := func(seed uint64) []float64 {
		r, err := New(Settings{Memories: mem, FeatureMap: FeatureMapSettings{Dim: 500, Init: InitRandom, Seed: seed},
			UHop: UHopSettings{Optimizer: Adam, LR: 0.1, Tau: 1}})
		if err != nil {
			t.Fatal(err)
		}
		return r.State(0).W
	}
	a, b, c := newW(42), newW(42), newW(43)
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("seed 42 gave two different maps at %d", i)
		}
	}
	same := 0
	for i := range a {
		if a[i] == c[i] {
			same++
		}
	}
	if same > 0 {
		t.Errorf("seeds 42 and 43 share %d weights", same)
	}
	mean, std := stat.MeanStdDev(a, nil)
	// 4000 draws: the standard error of the mean is 0.5/√4000 ≈ 0.008.
	if math.Abs(mean) > 0.04 || math.Abs(std-0.5) > 0.03 {
		t.Errorf("W₀ mean %v std %v, want 0 and √(2/8) = 0.5", mean, std)
	}
}

// TestIdentityStart checks iteration 0 of the default map: the features are
// the (normalised) memories and Δ_min is that of the raw memory code.
func TestIdentityStart(t *testing.T) {
	run := standardRun(t)
	st := run.State(0)
	if st.Iteration != 0 || run.Iterations() != 0 {
		t.Fatalf("iteration %d/%d", st.Iteration, run.Iterations())
	}
	if want := sphere.OptimalDeltaMin2D(8); math.Abs(st.DeltaMin-want) > 1e-15 {
		t.Errorf("Δmin %v, want %v", st.DeltaMin, want)
	}
	if math.Abs(st.MinAngleDeg-45) > 1e-12 {
		t.Errorf("min angle %v, want 45", st.MinAngleDeg)
	}
	u := run.Features(nil, 0)
	x := run.Memories()
	for i := range u {
		if math.Abs(u[i]-x[i]) > 1e-15 {
			t.Fatalf("feature %d = %v, memory %v", i, u[i], x[i])
		}
	}
	// The regular octagon is a stationary point of the pairs loss: Adam
	// leaves W where it is, but for rounding noise in the ~1e-17 gradient
	// that its ε = 1e-8 turns into steps of ~1e-10.
	run.Step()
	w := run.State(1).W
	for i, want := range []float64{1, 0, 0, 1} {
		if math.Abs(w[i]-want) > 1e-9 {
			t.Errorf("W after a step from the optimum: %v", w)
		}
	}
}

// TestSingleMemory: with M = 1 there is no pair; metrics are NaN and steps
// leave the map alone.
func TestSingleMemory(t *testing.T) {
	run, err := New(Settings{Memories: [][]float64{{3, 4}}, NormalizeMemories: true,
		FeatureMap: FeatureMapSettings{Affine: true, B: []float64{0.5, 0}},
		UHop:       UHopSettings{Optimizer: SGD, LR: 0.1, Tau: 1}})
	if err != nil {
		t.Fatal(err)
	}
	run.Step()
	st := run.State(1)
	if !math.IsNaN(st.Loss) || !math.IsNaN(st.DeltaMin) || !math.IsNaN(st.MinAngleDeg) {
		t.Errorf("M=1 metrics %v %v %v, want NaN", st.Loss, st.DeltaMin, st.MinAngleDeg)
	}
	if st.W[0] != 1 || st.B[0] != 0.5 {
		t.Errorf("M=1 map moved: W %v b %v", st.W, st.B)
	}
	if x := run.Memories(); x[0] != 0.6 || x[1] != 0.8 {
		t.Errorf("normalised memory %v, want (0.6, 0.8)", x)
	}
}

// TestRenderAllocates nothing once its buffers exist.
func TestRenderAllocatesNothing(t *testing.T) {
	run := standardRun(t)
	fs := standardFrameSettings(t)
	fs.Grid.NX, fs.Grid.NY = 32, 32
	var fr Frame
	if err := run.Render(&fr, 0, fs, Serial{}); err != nil {
		t.Fatal(err)
	}
	if n := testing.AllocsPerRun(5, func() { _ = run.Render(&fr, 0, fs, Serial{}) }); n != 0 {
		t.Errorf("Render allocates %v times per frame", n)
	}
}

// TestTinyAngle checks Δ_min and the minimum angle of two memories 1e-8 rad
// apart (issue 8 §2): from the chord they are 5e-17 and 5.7296e-7°; from
// the dot product, which rounds to 1, both were 0.
func TestTinyAngle(t *testing.T) {
	r, err := New(Settings{Memories: [][]float64{{1, 0}, {0.99999999999999995, 1e-8}, {-1, 0.3}}, NormalizeMemories: true,
		UHop: UHopSettings{Optimizer: Adam, LR: 0.1, Tau: 1}})
	if err != nil {
		t.Fatal(err)
	}
	st := r.State(0)
	if want := 5e-17; math.Abs(st.DeltaMin-want) > 1e-15*want {
		t.Errorf("Δmin = %v, want %v", st.DeltaMin, want)
	}
	if want := 1e-8 * 180 / math.Pi; math.Abs(st.MinAngleDeg-want) > 1e-15*want {
		t.Errorf("min angle = %v°, want %v°", st.MinAngleDeg, want)
	}
}

// TestDuplicateMemoriesDeltaMin trains codes with duplicated memories for a
// few SGD steps: their features coincide, so Δ_min and the angle are 0,
// never negative. From 1 − u·u they were −2.2e-16 where ‖u‖² rounded above 1.
func TestDuplicateMemoriesDeltaMin(t *testing.T) {
	rng := rand.New(rand.NewPCG(61, 62))
	negative := 0
	for trial := range 50 {
		mem := make([][]float64, 4)
		for i := range 3 {
			mem[i] = []float64{rng.NormFloat64(), rng.NormFloat64()}
		}
		mem[3] = mem[trial%3]
		r, err := New(Settings{Memories: mem, NormalizeMemories: true,
			FeatureMap: FeatureMapSettings{Affine: true, Init: InitRandom, Seed: uint64(trial)},
			UHop:       UHopSettings{Optimizer: SGD, LR: 0.1, Tau: 1}})
		if err != nil {
			t.Fatal(err)
		}
		for range 5 {
			r.Step()
		}
		for it := range 6 {
			st := r.State(it)
			if st.DeltaMin != 0 || st.MinAngleDeg != 0 {
				t.Errorf("trial %d, t = %d: Δmin %v, angle %v; want 0 and 0 for duplicates", trial, it, st.DeltaMin, st.MinAngleDeg)
			}
			if st.DeltaMin < 0 {
				negative++
			}
		}
	}
	if negative > 0 {
		t.Errorf("%d negative Δmin", negative)
	}
}

// TestMemoryPoints checks that Settings.MemoryPoints gives the memories a
// run uses, normalised or not.
func TestMemoryPoints(t *testing.T) {
	for _, norm := range []bool{true, false} {
		s := Settings{Memories: [][]float64{{3, 4}, {1e-200, 0}, {-2, 0.5}}, NormalizeMemories: norm,
			UHop: UHopSettings{Optimizer: Adam, LR: 0.1, Tau: 1}}
		r, err := New(s)
		if err != nil {
			t.Fatal(err)
		}
		got, want := s.MemoryPoints(), r.Memories()
		for i := range want {
			if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
				t.Fatalf("normalise %v: points %v, the run's %v", norm, got, want)
			}
		}
	}
}
