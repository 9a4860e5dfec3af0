package scenario

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strings"

	"hoplab/internal/sim"
	"hoplab/internal/sim/separation"
)

// docs/api.md defaults of the scenario fields.
const (
	defaultBeta       = 20
	defaultLR         = 0.1
	defaultTau        = 1
	defaultSteps      = 5
	defaultTolerance  = 0.001
	defaultSupportEps = 0.01
	defaultGridSide   = 100
	defaultMargin     = 0.1
	MaxSeed           = 1 << 53 // seeds stay exact in JavaScript numbers
)

var defaultSeparations = []separation.Map{separation.Softmax(), separation.Entmax15(), separation.Sparsemax()}

// Plan is a scenario with its defaults applied, checked against the API's
// own rules and the Limits, in the engine's vocabulary.
type Plan struct {
	Settings   sim.Settings
	Frame      sim.FrameSettings
	Iterations int   // N
	Snapshots  []int // iterations to render, each in 0..N
}

// Resolve applies the docs/api.md defaults to sc and checks what only the API
// knows: enums, integer ranges, explicit bounds given all four or none,
// snapshots in 0..N, and the Limits; then the engine's own rules
// (sim.Settings.Check and the frame checks). Errors are *Error.
func Resolve(sc *Scenario, lim Limits) (*Plan, error) {
	p := &Plan{}
	s, fs := &p.Settings, &p.Frame

	// memories
	if sc.Memories == nil {
		return nil, Invalid("memories", "is required: an array of M memories, each an array of d numbers")
	}
	mem := [][]float64(*sc.Memories)
	if len(mem) > lim.MaxMemories {
		return nil, OverLimit("memories", "M = %d memories exceed the limit of %d", len(mem), lim.MaxMemories)
	}
	for i, row := range mem {
		if len(row) > lim.MaxInputDim {
			return nil, OverLimit(fmt.Sprintf("memories[%d]", i), "d = %d coordinates exceed the limit of %d", len(row), lim.MaxInputDim)
		}
		if err := checkAbs(row, fmt.Sprintf("memories[%d]", i), lim); err != nil {
			return nil, err
		}
	}
	s.Memories = mem
	m, d := len(mem), 0
	if m > 0 {
		d = len(mem[0])
	}
	s.NormalizeMemories = valueOr(sc.NormalizeMemories, true)

	// beta
	fs.Beta = valueOr(sc.Beta, defaultBeta)
	if fs.Beta > lim.MaxBeta {
		return nil, OverLimit("beta", "β = %g exceeds the limit of %g", fs.Beta, lim.MaxBeta)
	}

	// separations
	fs.Separations = defaultSeparations
	if sc.Separations != nil {
		names := *sc.Separations
		if len(names) > lim.MaxSeparations {
			return nil, OverLimit("separations", "%d separation maps exceed the limit of %d", len(names), lim.MaxSeparations)
		}
		fs.Separations = make([]separation.Map, len(names))
		for i, name := range names {
			field := fmt.Sprintf("separations[%d]", i)
			sep, err := separation.Parse(name)
			if err != nil {
				return nil, Invalid(field, "%s", strings.TrimPrefix(err.Error(), "separation: "))
			}
			for j, prev := range fs.Separations[:i] {
				if prev == sep {
					return nil, Invalid(field, "%q repeats separations[%d]", name, j)
				}
			}
			fs.Separations[i] = sep
		}
	}

	// featureMap
	fm := valueOr(sc.FeatureMap, FeatureMap{})
	k := d
	if fm.Dim != nil {
		if *fm.Dim < 1 {
			return nil, Invalid("featureMap.dim", "must be an integer ≥ 1")
		}
		k = *fm.Dim
	}
	if k > lim.MaxFeatureDim {
		return nil, OverLimit("featureMap.dim", "D_Φ = %d exceeds the limit of %d", k, lim.MaxFeatureDim)
	}
	s.FeatureMap.Dim = k
	init := valueOr(fm.Init, "identity")
	var ok bool
	if s.FeatureMap.Init, ok = inits.parse(init); !ok {
		return nil, Invalid("featureMap.init", "unknown init %q: want %s", init, inits.choices())
	}
	// torchLinear is nn.Linear's map, affine unless told otherwise (and
	// then refused by the engine: it draws a bias).
	s.FeatureMap.Affine = valueOr(fm.Affine, s.FeatureMap.Init == sim.InitTorchLinear)
	seed := valueOr(fm.Seed, 1)
	if seed < 0 || seed > MaxSeed {
		return nil, Invalid("featureMap.seed", "must be an integer in 0 … 2^53, not %d", seed)
	}
	s.FeatureMap.Seed = uint64(seed)
	if fm.W != nil {
		w := [][]float64(*fm.W)
		for i, row := range w {
			if err := checkAbs(row, fmt.Sprintf("featureMap.W[%d]", i), lim); err != nil {
				return nil, err
			}
		}
		s.FeatureMap.W = w
	}
	if fm.B != nil {
		b := []float64(*fm.B)
		if err := checkAbs(b, "featureMap.b", lim); err != nil {
			return nil, err
		}
		s.FeatureMap.B = b
	}

	// uhop
	uh := valueOr(sc.UHop, UHop{})
	p.Iterations = valueOr(uh.Iterations, 0)
	if p.Iterations < 0 {
		return nil, Invalid("uhop.iterations", "must be an integer ≥ 0")
	}
	if p.Iterations > lim.MaxIterations {
		return nil, OverLimit("uhop.iterations", "N = %d exceeds the limit of %d", p.Iterations, lim.MaxIterations)
	}
	opt := valueOr(uh.Optimizer, "adam")
	if s.UHop.Optimizer, ok = optimizers.parse(opt); !ok {
		return nil, Invalid("uhop.optimizer", "unknown optimizer %q: want %s", opt, optimizers.choices())
	}
	s.UHop.LR = valueOr(uh.LR, defaultLR)
	if s.UHop.LR > lim.MaxLR {
		return nil, OverLimit("uhop.lr", "learning rate %g exceeds the limit of %g", s.UHop.LR, lim.MaxLR)
	}
	s.UHop.Momentum = valueOr(uh.Momentum, 0)
	if s.UHop.Momentum > lim.MaxMomentum {
		return nil, OverLimit("uhop.momentum", "momentum %g exceeds the limit of %g", s.UHop.Momentum, lim.MaxMomentum)
	}
	s.UHop.Tau = valueOr(uh.Tau, defaultTau)
	if tau := s.UHop.Tau; (tau > 0 && tau < lim.MinTau) || tau > lim.MaxTau {
		return nil, OverLimit("uhop.tau", "τ = %g is outside the limits %g..%g", tau, lim.MinTau, lim.MaxTau)
	}
	loss := valueOr(uh.Loss, "pairs")
	if s.UHop.Loss, ok = losses.parse(loss); !ok {
		return nil, Invalid("uhop.loss", "unknown loss %q: want %s", loss, losses.choices())
	}
	if uh.BatchOrder != nil {
		order := [][]int(*uh.BatchOrder)
		if len(order) < p.Iterations {
			return nil, Invalid("uhop.batchOrder", "has %d rows, fewer than the N = %d steps (uhop.iterations): give one order of the memory rows per step", len(order), p.Iterations)
		}
		if len(order) > lim.MaxIterations {
			return nil, OverLimit("uhop.batchOrder", "%d rows exceed the limit of %d (the limit on uhop.iterations)", len(order), lim.MaxIterations)
		}
		s.UHop.BatchOrder = order // each row a permutation: the engine checks
	}

	// retrieval
	rt := valueOr(sc.Retrieval, Retrieval{})
	fs.Steps = valueOr(rt.Steps, defaultSteps)
	if fs.Steps > lim.MaxRetrievalSteps {
		return nil, OverLimit("retrieval.steps", "%d steps exceed the limit of %d", fs.Steps, lim.MaxRetrievalSteps)
	}
	fs.Tolerance = valueOr(rt.Tolerance, defaultTolerance)
	if fs.Tolerance > lim.MaxTolerance {
		return nil, OverLimit("retrieval.tolerance", "%g exceeds the limit of %g", fs.Tolerance, lim.MaxTolerance)
	}
	fs.SupportEps = valueOr(rt.SupportEps, defaultSupportEps)
	if fs.SupportEps > lim.MaxSupportEps {
		return nil, OverLimit("retrieval.supportEps", "%g exceeds the limit of %g", fs.SupportEps, lim.MaxSupportEps)
	}

	// view
	v := valueOr(sc.View, View{})
	space, err := ParseSpace(valueOr(v.Space, "feature"), "view.space")
	if err != nil {
		return nil, err
	}
	fs.Space = space
	fs.PaperSoftmaxEnergy = valueOr(v.PaperSoftmaxEnergy, false)
	if err := resolveGrid(&fs.Grid, valueOr(v.Grid, Grid{}), lim); err != nil {
		return nil, err
	}

	// snapshots
	if sc.Snapshots == nil {
		p.Snapshots = []int{0, p.Iterations}
		if p.Iterations == 0 {
			p.Snapshots = p.Snapshots[:1] // [0, N] with N = 0 is the one snapshot 0
		}
	} else {
		p.Snapshots = *sc.Snapshots
		if len(p.Snapshots) > lim.MaxSnapshots {
			return nil, OverLimit("snapshots", "%d snapshots exceed the limit of %d", len(p.Snapshots), lim.MaxSnapshots)
		}
		for i, t := range p.Snapshots {
			if t < 0 || t > p.Iterations {
				return nil, Invalid(fmt.Sprintf("snapshots[%d]", i), "iteration %d is outside 0..%d (uhop.iterations)", t, p.Iterations)
			}
		}
	}

	if ui := bytes.TrimSpace(sc.UI); len(ui) > 0 && ui[0] != '{' && !bytes.Equal(ui, []byte("null")) {
		return nil, Invalid("ui", "must be an object")
	}

	if err := p.checkEngine(); err != nil {
		return nil, err
	}
	if err := p.checkWork(m, d, k, lim); err != nil {
		return nil, err
	}
	return p, nil
}

// checkEngine applies the engine's own rules to the settings and the view.
// With no snapshot nothing is drawn, so the view need not fit the
// dimensions (a trajectory of a high-dimensional map is a valid request);
// its other settings are still checked.
func (p *Plan) checkEngine() error {
	var err error
	if len(p.Snapshots) == 0 {
		if err = p.Settings.Check(); err == nil {
			err = sim.CheckFrameSettings(&p.Frame)
		}
	} else {
		err = p.Settings.CheckFrame(&p.Frame)
	}
	if err != nil {
		return EngineError(err)
	}
	return nil
}

// resolveGrid fills g from the scenario's view.grid.
func resolveGrid(g *sim.GridSpec, sg Grid, lim Limits) error {
	g.NX = valueOr(sg.NX, defaultGridSide)
	g.NY = valueOr(sg.NY, defaultGridSide)
	if g.NX > lim.MaxGridSide {
		return OverLimit("view.grid.nx", "nx = %d exceeds the limit of %d", g.NX, lim.MaxGridSide)
	}
	if g.NY > lim.MaxGridSide {
		return OverLimit("view.grid.ny", "ny = %d exceeds the limit of %d", g.NY, lim.MaxGridSide)
	}
	if g.NX > 0 && g.NY > 0 && g.NX*g.NY > lim.MaxGridCells {
		return OverLimit("view.grid", "nx·ny = %d cells exceed the limit of %d", g.NX*g.NY, lim.MaxGridCells)
	}
	bounds := []struct {
		name string
		v    *float64
	}{{"xmin", sg.XMin}, {"xmax", sg.XMax}, {"ymin", sg.YMin}, {"ymax", sg.YMax}}
	given := 0
	for _, b := range bounds {
		if b.v != nil {
			given++
		}
	}
	switch given {
	case 0:
	case len(bounds):
		for _, b := range bounds {
			if math.Abs(*b.v) > lim.MaxAbsValue {
				return OverLimit("view.grid."+b.name, "|%g| exceeds the limit of %g on absolute values", *b.v, lim.MaxAbsValue)
			}
		}
		g.Bounds = &sim.Rect{XMin: *sg.XMin, XMax: *sg.XMax, YMin: *sg.YMin, YMax: *sg.YMax}
	default:
		for _, b := range bounds {
			if b.v == nil {
				return Invalid("view.grid."+b.name, "is missing: give all four of xmin, xmax, ymin, ymax, or none")
			}
		}
	}
	g.Margin = valueOr(sg.Margin, defaultMargin)
	if math.Abs(g.Margin) > lim.MaxAbsValue {
		return OverLimit("view.grid.margin", "|%g| exceeds the limit of %g on absolute values", g.Margin, lim.MaxAbsValue)
	}
	return nil
}

// checkWork checks the limits on the size of the answer and on the work,
// for M memories of length d and feature dimension k. Every factor has
// been bounded, so the products fit in an int64.
func (p *Plan) checkWork(m, d, k int, lim Limits) error {
	fs := &p.Frame
	nx, ny := int64(max(fs.Grid.NX, 0)), int64(max(fs.Grid.NY, 0))
	nsep, nsnap := int64(len(fs.Separations)), int64(len(p.Snapshots))
	if cells := nx * ny * nsep * nsnap; cells > int64(lim.MaxOutputCells) {
		return OverLimit("snapshots", "nx·ny·separations·snapshots = %d·%d·%d·%d = %d output cells exceed the limit of %d",
			nx, ny, nsep, nsnap, cells, lim.MaxOutputCells)
	}
	n, m64, d64, k64 := int64(p.Iterations), int64(m), int64(d), int64(k)
	if work := n * trainUnitsPerStep(m64, d64, k64); work > lim.MaxTrainWork {
		return OverLimit("uhop.iterations", "training work N·(M·d·D_Φ + M²·D_Φ) = %d exceeds the limit of %d", work, lim.MaxTrainWork)
	}
	if values := (n + 1) * stateValues(d64, k64); values > lim.MaxTrajectoryValues {
		return OverLimit("uhop.iterations", "the trajectory has (N+1)·(D_Φ·d + D_Φ) = %d numbers, beyond the limit of %d", values, lim.MaxTrajectoryValues)
	}
	if work := RenderWork(nx*ny*nsnap*int64(max(fs.Steps, 0)), m, fs.Separations); work > float64(lim.MaxRenderWork) {
		return OverLimit("retrieval.steps", "rendering nx·ny·snapshots·steps = %d·%d·%d·%d cell updates of %d memories would take about %.3g CPU-seconds, beyond the limit of %.3g; ask for fewer cells, snapshots, steps or maps",
			nx, ny, nsnap, fs.Steps, m, work/1e9, float64(lim.MaxRenderWork)/1e9)
	}
	return nil
}

// Start creates the run at iteration 0. Resolve has checked everything, so
// an error here is the engine's, not the request's.
func (p *Plan) Start() (*sim.Run, error) {
	run, err := sim.New(p.Settings)
	if err != nil {
		return nil, EngineError(err)
	}
	return run, nil
}

// EngineError turns an error of the engine's checks into an *Error.
func EngineError(err error) error {
	var fe *sim.FieldError
	if errors.As(err, &fe) {
		return Invalid(fe.Field, "%s", fe.Msg)
	}
	var de *sim.DivergedError
	if errors.As(err, &de) {
		return &DivergedRun{Err: DivergedAt(de.Iteration)}
	}
	return &Error{Status: http.StatusInternalServerError, Code: CodeInternal, Message: "the engine failed: " + err.Error()}
}

// checkAbs checks |v| ≤ MaxAbsValue for each value of row, whose path is
// field.
func checkAbs(row []float64, field string, lim Limits) error {
	for j, v := range row {
		if math.Abs(v) > lim.MaxAbsValue {
			return OverLimit(fmt.Sprintf("%s[%d]", field, j), "|%g| exceeds the limit of %g on absolute values", v, lim.MaxAbsValue)
		}
	}
	return nil
}

// ParseSpace reads a view's name, "feature" or "input"; field names the
// member that holds it, for the error.
func ParseSpace(name, field string) (sim.Space, error) {
	if space, ok := spaces.parse(name); ok {
		return space, nil
	}
	return 0, Invalid(field, "unknown view %q: want %s", name, spaces.choices())
}

// valueOr returns *p, or def when p is nil (the field was absent or null).
func valueOr[T any](p *T, def T) T {
	if p == nil {
		return def
	}
	return *p
}
