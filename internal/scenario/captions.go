package scenario

import (
	"fmt"
	"math"
	"reflect"
	"strings"
	"sync"

	"hoplab/internal/sim"
	"hoplab/internal/sim/separation"
	"hoplab/internal/sim/sphere"
)

// A preset's caption is generated from the preset's own scenario: its
// settings, and numbers computed by running it as a live session shows it
// (the same plan, views and grids), so that the text cannot drift from the
// picture. Reasons are stated only where the numbers establish them.

// captionStory says what a preset's caption follows: the iterations it
// compares (0 and until), and which extra facts it states.
type captionStory struct {
	until int
	// rawRow: compare the raw memories (the identity map, the paper's row
	// N = 0) with the initial map W₀, as Figure 1 does.
	rawRow bool
	// settingsOnly: state the settings and no numbers, for a preset whose
	// numbers depend on a seed the page chooses.
	settingsOnly bool
}

// presetCaptions computes the caption of every preset once, on first use.
var presetCaptions = sync.OnceValue(func() map[string]string {
	out := make(map[string]string, len(presets))
	for _, p := range presets {
		c, err := presetCaption(&p)
		if err != nil {
			c = p.Intro // the intro alone is still true
		}
		out[p.Name] = c
	}
	return out
})

// PresetsWithCaptions returns the presets with their generated
// descriptions, for the hello message.
func PresetsWithCaptions() []Preset {
	caps := presetCaptions()
	out := make([]Preset, len(presets))
	for i, p := range presets {
		out[i] = p
		out[i].Description = caps[p.Name]
	}
	return out
}

// presetCaption runs preset p (seed 1) and writes its caption: the intro,
// the settings, and what happens between t = 0 and t = story.until.
func presetCaption(p *Preset) (string, error) {
	pl, err := presetPlan(p, 1)
	if err != nil {
		return "", err
	}
	run, err := pl.Start()
	if err != nil {
		return "", err
	}
	for run.Iterations() < p.story.until {
		run.Step()
		if _, ok := run.Diverged(); ok {
			return "", fmt.Errorf("preset %s diverges", p.Name)
		}
	}
	var b strings.Builder
	b.WriteString(p.Intro)
	b.WriteString(" ")
	b.WriteString(settingsSentence(&pl.Settings, &pl.Frame))
	if p.story.settingsOnly {
		return b.String(), nil
	}

	m, _, k := run.Dims()
	t0, t1 := run.State(0), run.State(p.story.until)
	if p.story.rawRow && m >= 2 {
		raw := run.Memories()
		chord, _, _, _ := sphere.MinChord(raw, m, len(raw)/m)
		fmt.Fprintf(&b, " The raw memories are %s apart at the closest; the initial map W₀ puts their features %s apart at t = 0",
			deg(sphere.AngleDegFromChord(chord)), deg(t0.MinAngleDeg))
		if d := math.Abs(t1.MinAngleDeg - t0.MinAngleDeg); d < 0.05*max(t0.MinAngleDeg, 1) {
			fmt.Fprintf(&b, ", and %d training steps change that by only %.2f°: the change from the raw row to N = 1 comes from the initial map, not from training.",
				p.story.until, t1.MinAngleDeg-t0.MinAngleDeg)
		} else {
			b.WriteString(".")
		}
	}
	if m >= 2 && p.story.until > 0 {
		b.WriteString(" ")
		b.WriteString(angleSentence(run, p.story.until, k))
	}
	if p.story.until > 0 && m >= 2 {
		if l0, l1 := fmt.Sprintf("%.6g", t0.Loss), fmt.Sprintf("%.6g", t1.Loss); l0 == l1 {
			fmt.Fprintf(&b, " The loss L stays at %s.", l0)
		} else {
			fmt.Fprintf(&b, " The loss L goes from %s to %s.", l0, l1)
		}
	}
	whites, err := whiteSentence(run, pl, p.story.until)
	if err != nil {
		return "", err
	}
	b.WriteString(" ")
	b.WriteString(whites)
	return b.String(), nil
}

// WithoutSnapshots is sc with no snapshots, as live sessions resolve it.
func WithoutSnapshots(sc *Scenario) *Scenario {
	cp := *sc
	cp.Snapshots = &Ints{}
	return &cp
}

// settingsSentence states the scenario's settings in words.
func settingsSentence(s *sim.Settings, fs *sim.FrameSettings) string {
	m := len(s.Memories)
	opt := "Adam"
	if s.UHop.Optimizer == sim.SGD {
		opt = "SGD"
		if s.UHop.Momentum > 0 {
			opt += fmt.Sprintf(" with momentum %g", s.UHop.Momentum)
		}
	}
	loss := "the pairs loss"
	if s.UHop.Loss == sim.LossPaper {
		loss = "the authors' loss"
	}
	mapKind := "a linear map"
	if s.FeatureMap.Affine {
		mapKind = "an affine map"
	}
	return fmt.Sprintf("Settings: M = %d, β = %s, %d retrieval steps, tolerance %g; U-Hop+ trains %s with %s, learning rate %g, τ = %g, on %s.",
		m, betaText(fs.Beta), fs.Steps, fs.Tolerance, mapKind, opt, s.UHop.LR, s.UHop.Tau, loss)
}

// betaText writes β, as a fraction where it is one (1/0.9).
func betaText(beta float64) string {
	if inv := 1 / beta; beta > 1 && beta < 2 && math.Abs(float64(inv*10)-math.Round(inv*10)) < 1e-9 {
		return fmt.Sprintf("1/%g", math.Round(inv*10)/10)
	}
	return fmt.Sprintf("%g", beta)
}

// angleSentence says how the minimum angle of the features moves from
// t = 0 to until, against the optimum for (D_Φ, M).
func angleSentence(run *sim.Run, until, k int) string {
	m, _, _ := run.Dims()
	a0, a1 := run.State(0).MinAngleDeg, run.State(until).MinAngleDeg
	best, bestT := a0, 0
	for t := 1; t <= until; t++ {
		if a := run.State(t).MinAngleDeg; a > best {
			best, bestT = a, t
		}
	}
	var b strings.Builder
	switch {
	case a1 > a0+0.5:
		fmt.Fprintf(&b, "Over %d iterations U-Hop+ spreads the features: the minimum angle grows from %s to %s", until, deg(a0), deg(a1))
		if best > a1+0.5 {
			fmt.Fprintf(&b, " (it peaks at %s at t = %d)", deg(best), bestT)
		}
	case a1 < a0-0.5:
		fmt.Fprintf(&b, "Over %d iterations the minimum angle falls from %s to %s", until, deg(a0), deg(a1))
	default:
		fmt.Fprintf(&b, "Over %d iterations the minimum angle stays near %s (%s at t = %d)", until, deg(a0), deg(a1), until)
	}
	if k == 2 {
		fmt.Fprintf(&b, "; the optimal code for M = %d on the circle has %s.", m, deg(sphere.OptimalAngle2DDeg(m)))
	} else {
		b.WriteString(".")
	}
	return b.String()
}

// whiteSentence renders the session's views at t = 0 and until and says
// how much of each map's panel is white (no single memory).
func whiteSentence(run *sim.Run, p *Plan, until int) (string, error) {
	_, d, k := run.Dims()
	var views []sim.Space
	if d == 2 {
		views = append(views, sim.InputSpace)
	}
	if k == 2 {
		views = append(views, sim.FeatureSpace)
	}
	var parts []string
	var f0, f1 sim.Frame
	for _, space := range views {
		fs := ViewSettings(p, space)
		if err := run.Render(&f0, 0, fs, sim.Serial{}); err != nil {
			return "", err
		}
		if err := run.Render(&f1, until, fs, sim.Serial{}); err != nil {
			return "", err
		}
		var maps []string
		for i := range f0.Panels {
			name := separationTitle(f0.Panels[i].Separation)
			w0, w1 := f0.Panels[i].UnlabeledFraction(), f1.Panels[i].UnlabeledFraction()
			if until == 0 || pct(w0) == pct(w1) {
				maps = append(maps, fmt.Sprintf("%s %s", name, pct(w0)))
			} else {
				maps = append(maps, fmt.Sprintf("%s %s → %s", name, pct(w0), pct(w1)))
			}
		}
		parts = append(parts, fmt.Sprintf("%s view: %s", space, strings.Join(maps, ", ")))
	}
	when := "at t = 0"
	if until > 0 {
		when = fmt.Sprintf("from t = 0 to %d", until)
	}
	return fmt.Sprintf("White (no single memory after the retrieval steps), %s, %s.", when, strings.Join(parts, "; ")), nil
}

// featureBox is the feature view's grid box: around the unit circle, where
// the normalised features u_μ live.
var featureBox = sim.Rect{XMin: -1.25, XMax: 1.25, YMin: -1.25, YMax: 1.25}

// ViewSettings returns the frame settings of view space for plan p, as a
// live session draws it: the feature view on a fixed box around the unit
// circle, the input view on the scenario's grid.
func ViewSettings(p *Plan, space sim.Space) sim.FrameSettings {
	fs := p.Frame
	fs.Space = space
	if space == sim.FeatureSpace {
		box := featureBox
		fs.Grid.Bounds = &box
	}
	return fs
}

// separationTitle is the name of a map in the words of the page.
func separationTitle(m separation.Map) string {
	switch m {
	case separation.Softmax():
		return "softmax"
	case separation.Entmax15():
		return "1.5-entmax"
	case separation.Sparsemax():
		return "sparsemax"
	}
	return fmt.Sprintf("%g-entmax", m.Alpha())
}

func deg(v float64) string { return fmt.Sprintf("%.1f°", v) }

func pct(v float64) string { return fmt.Sprintf("%.0f %%", 100*v) }

// presetPlans are the plans of the presets (seed 1), resolved as a live
// session resolves a scenario, for MatchPreset.
var presetPlans = sync.OnceValue(func() map[string]*Plan {
	out := make(map[string]*Plan, len(presets))
	for _, p := range presets {
		if pl, err := presetPlan(&p, 1); err == nil {
			out[p.Name] = pl
		}
	}
	return out
})

// presetPlan resolves preset p with seed as a live session does.
func presetPlan(p *Preset, seed int64) (*Plan, error) {
	sc, err := Decode([]byte(p.scenario(seed)))
	if err != nil {
		return nil, err
	}
	return Resolve(WithoutSnapshots(sc), DefaultLimits())
}

// MatchPreset returns the name of the preset whose settings and frame
// settings pl has (the iteration aside), or nil. A seeded preset (random)
// is matched with pl's map seed.
func MatchPreset(pl *Plan) *string {
	if pl == nil {
		return nil
	}
	same := func(q *Plan) bool {
		return q != nil && reflect.DeepEqual(q.Settings, pl.Settings) && reflect.DeepEqual(q.Frame, pl.Frame)
	}
	for i := range presets {
		p := &presets[i]
		q := presetPlans()[p.Name]
		if p.story.settingsOnly { // its scenario depends on the seed
			var err error
			if q, err = presetPlan(p, int64(pl.Settings.FeatureMap.Seed)); err != nil {
				continue
			}
		}
		if same(q) {
			return &p.Name
		}
	}
	return nil
}
