package sim

import (
	"errors"
	"fmt"
	"math"

	"hoplab/internal/sim/separation"
)

// Space chooses where the landscape is drawn (SCIENCE §4).
type Space int

const (
	// FeatureSpace draws the Hopfield model of the normalised feature
	// memories u_μ on a grid in feature space, as the paper's figures do:
	// E(q) = ½‖q‖² − β⁻¹Ψ*(β U q), q ← Uᵀ Sep(β U q). Needs D_Φ = 2.
	FeatureSpace Space = iota
	// InputSpace draws the KHM over input space with unnormalised features:
	// E_K(x) = ½‖Φ(x)‖² − β⁻¹Ψ*(β Φ(Ξ)Φ(x)), x ← Ξᵀ Sep(β Φ(Ξ)Φ(x)). Needs d = 2.
	InputSpace
)

// Rect is an axis-aligned box of the plane.
type Rect struct{ XMin, XMax, YMin, YMax float64 }

// GridSpec places the evaluation grid.
type GridSpec struct {
	// NX, NY ≥ 2 are the numbers of grid points along x and y.
	NX, NY int
	// Bounds, if not nil, fixes the grid box. Otherwise the box is the
	// bounding box of the view's memory points widened by Margin on every
	// side; an axis along which all points coincide and Margin is 0 is
	// widened by ±0.5 so that it keeps a width.
	Bounds *Rect
	// Margin ≥ 0 widens the automatic box.
	Margin float64
}

// FrameSettings say what to draw for one snapshot.
type FrameSettings struct {
	Space Space
	// Beta is the inverse temperature β > 0.
	Beta float64
	// Separations are the maps to draw, one panel each (at least one).
	Separations []separation.Map
	// Steps ≥ 1 is the number of synchronous retrieval updates per grid point.
	Steps int
	// Tolerance > 0: a cell gets label μ when its final state is strictly
	// within this distance of the view's point of memory μ (the nearest such
	// one, the lowest index on ties); otherwise it is LabelWhite (-1), or
	// LabelUndefined (-2) where the cell's values overflow.
	Tolerance float64
	// SupportEps ≥ 0: softmax entries above it count toward the support;
	// other maps count entries > 0.
	SupportEps float64
	Grid       GridSpec
	// PaperSoftmaxEnergy draws softmax panels as the authors' contours.py
	// does, ½‖q‖² − Ψ*(z) = ½‖q‖² − log Σ exp(β q·u_μ) without the factor
	// 1/β (SCIENCE §4, discrepancy 1), so that Figure 1 can be redrawn as
	// published. Other maps, labels and support are unaffected.
	PaperSoftmaxEnergy bool
}

// Labels of grid cells (Panel.Labels) and probes (ProbePath.Label) that
// are not a memory's index.
const (
	// LabelWhite marks a cell whose final state is not within the
	// tolerance of any memory's view point ("white": a metastable mixture
	// or a state that has not converged yet, SCIENCE §7.2).
	LabelWhite = -1
	// LabelUndefined marks a cell whose landscape is not defined in
	// float64: the snapshot is finite, but at this query the scores, the
	// energy or the retrieved state overflow (±Inf or NaN), as a huge W
	// can make them in the input view. Such a cell has Energy NaN and
	// Support 0; it is never white.
	LabelUndefined = -2
)

// Panel is the landscape of one separation map on the grid. Cell (i, j)
// sits at (XS[j], YS[i]) and is stored at index i·NX + j.
type Panel struct {
	Separation separation.Map
	// Energy at the cell, without additive constants (SCIENCE §9); NaN
	// exactly at undefined cells.
	Energy []float64
	// Labels: the memory the cell's query is retrieved to, LabelWhite (-1)
	// if it is retrieved to none, or LabelUndefined (-2) if the cell is
	// undefined: its scores, energy or state overflow.
	Labels []int32
	// Support: the number of non-zero entries of the last probability
	// vector (0 at undefined cells).
	Support []int32
	// Unlabeled is the number of white cells, labelled LabelWhite (-1).
	Unlabeled int
	// Undefined is the number of undefined cells, labelled LabelUndefined
	// (-2); they are not counted in Unlabeled.
	Undefined int

	chunks []labelCounts // per chunk of an evaluation, merged by end
}

// UnlabeledFraction is the fraction of cells labelled LabelWhite (-1).
func (p *Panel) UnlabeledFraction() float64 {
	if len(p.Labels) == 0 {
		return 0
	}
	return float64(p.Unlabeled) / float64(len(p.Labels))
}

// Frame is one rendered snapshot. Render reuses its buffers when they are
// large enough, so a caller that keeps a Frame renders without allocating.
type Frame struct {
	Iteration int
	Space     Space
	// Points are the M memories as drawn in this view (M×2 row-major): u_μ
	// in the feature view, ξ_μ in the input view.
	Points []float64
	// XS (NX) and YS (NY) are the grid coordinates.
	XS, YS []float64
	Panels []Panel
}

// CheckFrame reports the first problem of drawing snapshot t with fs as a
// *FieldError, or nil: t must be in 0..Iterations(), the feature view needs
// D_Φ = 2, the input view d = 2, and fs must pass CheckFrameSettings.
func (r *Run) CheckFrame(t int, fs *FrameSettings) error {
	if t < 0 || t > r.Iterations() {
		return fieldErr("snapshots", "iteration %d is outside 0..%d", t, r.Iterations())
	}
	if err := checkSpace(fs.Space, r.d, r.k); err != nil {
		return err
	}
	return CheckFrameSettings(fs)
}

// checkSpace checks that the view fits input dimension d and feature dimension k.
func checkSpace(space Space, d, k int) error {
	switch space {
	case FeatureSpace:
		if k != 2 {
			return fieldErr("view.space", "the feature view needs D_Φ = 2, the feature map has D_Φ = %d", k)
		}
	case InputSpace:
		if d != 2 {
			return fieldErr("view.space", "the input view needs d = 2, the memories have d = %d", d)
		}
	default:
		return fieldErr("view.space", "unknown space %d", space)
	}
	return nil
}

// CheckFrameSettings reports the first problem of fs that does not depend on
// the run (β, maps, retrieval, grid) as a *FieldError, or nil.
func CheckFrameSettings(fs *FrameSettings) error {
	if !positive(fs.Beta) {
		return fieldErr("beta", "must be a finite number > 0")
	}
	if len(fs.Separations) == 0 {
		return fieldErr("separations", "at least one separation map is required")
	}
	for i := range fs.Separations {
		ms := fs.Model(i)
		if err := checkModelSettings(&ms); err != nil {
			return err
		}
	}
	g := &fs.Grid
	if g.NX < 2 {
		return fieldErr("view.grid.nx", "must be ≥ 2")
	}
	if g.NY < 2 {
		return fieldErr("view.grid.ny", "must be ≥ 2")
	}
	if b := g.Bounds; b != nil {
		for _, c := range []struct {
			name string
			v    float64
		}{{"xmin", b.XMin}, {"xmax", b.XMax}, {"ymin", b.YMin}, {"ymax", b.YMax}} {
			if !finite(c.v) {
				return fieldErr("view.grid."+c.name, "must be a finite number")
			}
		}
		if b.XMin >= b.XMax {
			return fieldErr("view.grid.xmax", "must be greater than xmin")
		}
		if b.YMin >= b.YMax {
			return fieldErr("view.grid.ymax", "must be greater than ymin")
		}
	}
	if !finite(g.Margin) || g.Margin < 0 {
		return fieldErr("view.grid.margin", "must be a finite number ≥ 0")
	}
	return nil
}

// Render evaluates the landscape after t steps on the grid for every map in
// fs and writes it into dst, reusing dst's buffers: it is PrepareFrame into
// a plan the run keeps, then FramePlan.Render. Work is split into chunks of
// grid rows that runner may execute concurrently; the result does not
// depend on the runner. A runner error (for example a cancelled context) is
// returned and leaves dst incomplete. Once dst and the run have rendered a
// frame of the same size, Render does not allocate.
func (r *Run) Render(dst *Frame, t int, fs FrameSettings, runner Runner) error {
	if err := r.PrepareFrame(&r.render, t, fs); err != nil {
		return err
	}
	return r.render.Render(dst, runner)
}

// FramePlan is what rendering one snapshot in one view needs, taken from a
// run by PrepareFrame: one *Hopfield model per map (immutable snapshots,
// see Run.Model) and the grid. It shares nothing with the run, so it may be
// rendered on any goroutine while the run steps on. A FramePlan reuses its
// buffers from one PrepareFrame to the next; it is not safe for concurrent
// use.
type FramePlan struct {
	t       int
	space   Space
	grid    GridSpec
	bounds  Rect // what grid.Bounds points to, if set
	models  []Hopfield
	targets []Target
	domain  Grid2D
	eval    Evaluation
	z, p    []float64
	ws      *separation.Workspace
	wsSize  int
}

// PrepareFrame checks the frame of snapshot t in fs (as CheckFrame) and
// takes its models into fp, reusing fp's buffers.
func (r *Run) PrepareFrame(fp *FramePlan, t int, fs FrameSettings) error {
	return r.prepare(fp, t, fs, true)
}

// PrepareProbe is PrepareFrame for FramePlan.Probe: the grid is not
// checked, and the models skip the search for fixed points, which a
// probe, tracing every update, does not use.
func (r *Run) PrepareProbe(fp *FramePlan, t int, fs FrameSettings) error {
	fs.Grid = GridSpec{NX: 2, NY: 2} // the grid is not drawn; any valid one passes the check
	return r.prepare(fp, t, fs, false)
}

// prepare is PrepareFrame, with or without the models' fixed points.
func (r *Run) prepare(fp *FramePlan, t int, fs FrameSettings, fixedPoints bool) error {
	if err := r.CheckFrame(t, &fs); err != nil {
		return err
	}
	m := r.m
	fp.t, fp.space, fp.grid = t, fs.Space, fs.Grid
	if b := fs.Grid.Bounds; b != nil {
		fp.bounds = *b // the caller's Rect may change
		fp.grid.Bounds = &fp.bounds
	}
	fp.models = grow(fp.models, len(fs.Separations))
	r.reduce(&fp.models[0], t, fs.Space, fs.Beta)
	fp.z, fp.p = grow(fp.z, m), grow(fp.p, m)
	if fp.wsSize < m {
		fp.ws, fp.wsSize = separation.NewWorkspace(m), m
	}
	for i := range fs.Separations {
		h := &fp.models[i]
		if i > 0 {
			// The same form, shared; the separation and fixed points are its own.
			fixed := h.fixed
			*h = fp.models[0]
			h.fixed = fixed
		}
		ms := fs.Model(i)
		h.configure(&ms, fp.ws, fp.z, fp.p, fixedPoints)
	}
	return nil
}

// SetChunks makes the plan's renderings aim at n chunks
// (Evaluation.SetChunks); a costly frame renders in more, shorter chunks.
func (fp *FramePlan) SetChunks(n int) { fp.eval.SetChunks(n) }

// Chunks is the number of chunks the plan's rendering takes.
func (fp *FramePlan) Chunks() int {
	target := fp.eval.target
	if target < 1 {
		target = DefaultChunks
	}
	return ChunksOf(fp.grid.NY, fp.grid.NX, target)
}

// Iteration is the snapshot t of the plan.
func (fp *FramePlan) Iteration() int { return fp.t }

// Render evaluates the plan's grid for every model and writes the frame into
// dst, reusing dst's buffers; see Run.Render.
func (fp *FramePlan) Render(dst *Frame, runner Runner) error {
	if len(fp.models) == 0 {
		return errors.New("sim: the frame plan has not been prepared")
	}
	dst.Iteration, dst.Space = fp.t, fp.space
	dst.Points = append(dst.Points[:0], fp.models[0].pts...)
	g := fp.grid
	b := box(dst.Points, g.Margin)
	if g.Bounds != nil {
		b = *g.Bounds
	}
	dst.XS, dst.YS = grow(dst.XS, g.NX), grow(dst.YS, g.NY)
	linspace(dst.XS, b.XMin, b.XMax)
	linspace(dst.YS, b.YMin, b.YMax)
	fp.domain = Grid2D{XS: dst.XS, YS: dst.YS}

	dst.Panels = grow(dst.Panels, len(fp.models))
	fp.targets = grow(fp.targets, len(fp.models))
	for i := range fp.targets {
		fp.targets[i] = Target{Model: &fp.models[i], Measure: &dst.Panels[i]}
	}
	if err := fp.eval.reset(&fp.domain, fp.targets); err != nil {
		return err
	}
	if err := runner.Run(fp.eval.Chunks(), &fp.eval); err != nil {
		return err
	}
	fp.eval.Finish()
	return nil
}

// String names the space as the scenario does.
func (s Space) String() string {
	switch s {
	case FeatureSpace:
		return "feature"
	case InputSpace:
		return "input"
	}
	return fmt.Sprintf("Space(%d)", int(s))
}

// linspace fills dst with n ≥ 2 evenly spaced values from lo to hi, both
// included, computed as numpy.linspace does: lo + j·step, last value hi.
// Where hi − lo overflows (finite bounds of opposite signs beyond
// ±math.MaxFloat64/2), it takes lo·(1 − j/(n−1)) + hi·j/(n−1) instead, which
// cannot.
func linspace(dst []float64, lo, hi float64) {
	n := len(dst)
	step := (hi - lo) / float64(n-1)
	if math.IsInf(step, 0) {
		for j := range dst {
			t := float64(j) / float64(n-1)
			dst[j] = float64(lo*(1-t)) + float64(hi*t)
		}
	} else {
		for j := range dst {
			dst[j] = float64(float64(j)*step) + lo
		}
	}
	dst[n-1] = hi
}

// AutoBox returns the grid box that a GridSpec without Bounds gets around
// the points (M×2 row-major): their bounding box widened by margin on every
// side, and by ±0.5 along an axis that would otherwise have no width, within
// ±math.MaxFloat64.
func AutoBox(points []float64, margin float64) Rect { return box(points, margin) }

// box returns the automatic grid box around the points (M×2).
func box(points []float64, margin float64) Rect {
	b := Rect{XMin: math.Inf(1), XMax: math.Inf(-1), YMin: math.Inf(1), YMax: math.Inf(-1)}
	for i := 0; i < len(points); i += 2 {
		b.XMin, b.XMax = min(b.XMin, points[i]), max(b.XMax, points[i])
		b.YMin, b.YMax = min(b.YMin, points[i+1]), max(b.YMax, points[i+1])
	}
	widen := func(lo, hi float64) (float64, float64) {
		// Clamped, so that huge points and margins give a finite box.
		lo, hi = max(lo-margin, -math.MaxFloat64), min(hi+margin, math.MaxFloat64)
		if lo == hi {
			lo, hi = lo-0.5, hi+0.5
		}
		return lo, hi
	}
	b.XMin, b.XMax = widen(b.XMin, b.XMax)
	b.YMin, b.YMax = widen(b.YMin, b.YMax)
	return b
}

func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}
