package scenario

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"hoplab/internal/golden"
	"hoplab/internal/sim/sphere"
)

// Preset is a named scenario of the explorer.
type Preset struct {
	Name  string `json:"name"`
	Title string `json:"title"`
	// Description is the caption the page shows: Intro, then sentences
	// generated from the scenario and from running it (captions.go).
	Description string `json:"description"`
	// Intro says where the scenario comes from; it claims nothing about
	// what happens when it runs.
	Intro string `json:"-"`
	// story says what the generated part of the caption follows.
	story captionStory
	// scenario returns the preset's scenario JSON; seed matters only for
	// presets that draw random numbers.
	scenario func(seed int64) string
}

// DefaultPreset is the scenario a new page starts with: the paper's
// basins figure, whose panels show white regions beside coloured basins
// from the first frame on.
const DefaultPreset = "basins"

// liveGrid is the input-view grid of the presets, whose memories are unit
// vectors: the unit disc with room around it.
var liveGrid = map[string]any{"nx": 128, "ny": 128, "xmin": -1.5, "xmax": 1.5, "ymin": -1.5, "ymax": 1.5}

// liveBox is liveGrid as the "grid" member of a scenario's view.
var liveBox = func() string {
	b, err := json.Marshal(liveGrid)
	if err != nil {
		panic(err) // a map of numbers always encodes
	}
	return `"grid": ` + string(b)
}()

// presets lists the explorer's presets in the order the page shows them.
// Figure 1's and the basins figure's memories and initial maps are those
// of the authors' contours.py and basins.py (SCIENCE §7.1, §7.2, the golden
// files).
var presets = []Preset{
	{
		Name:  "clustered",
		Title: "Clustered memories",
		Intro: "Eight memories crowded into a 70° arc, 10° apart, with an affine map that starts as the identity.",
		story: captionStory{until: 150},
		scenario: func(int64) string {
			return fmt.Sprintf(`{"memories": %s, "normalizeMemories": true, "beta": 20,
				"featureMap": {"dim": 2, "affine": true, "init": "identity"},
				"uhop": {"iterations": 0, "optimizer": "adam", "lr": 0.02, "tau": 0.1, "loss": "pairs"},
				"view": {%s}}`, arc(8, 0, 10), liveBox)
		},
	},
	{
		Name:  "figure1-2",
		Title: "Figure 1, two memories",
		Intro: "The paper's Figure 1 with two memories: the authors' memories and initial affine map W₀ (contours.py). " +
			"Step to t = 1, 2 and 5 for the figure's rows N = 1, 2, 5; softmax energies are drawn without the 1/β, as published.",
		story:    captionStory{until: 5, rawRow: true},
		scenario: func(int64) string { return paperPreset(golden.Contours2, true) },
	},
	{
		Name:  "figure1-4",
		Title: "Figure 1, four memories",
		Intro: "The paper's Figure 1 with four memories: the authors' memories and initial affine map W₀ (contours.py). " +
			"Step to t = 1, 2 and 5 for the figure's rows N = 1, 2, 5; softmax energies are drawn without the 1/β, as published.",
		story:    captionStory{until: 5, rawRow: true},
		scenario: func(int64) string { return paperPreset(golden.Contours4, true) },
	},
	{
		Name:  "basins",
		Title: "Basins of attraction figure",
		Intro: "The paper's basins-of-attraction figure: the authors' five memories and initial affine map W₀ (basins.py). " +
			"Step to t = 1, 2 and 5 for the figure's rows N = 1, 2, 5. A cell is white when its query ends within the tolerance of no single memory.",
		story:    captionStory{until: 5, rawRow: true},
		scenario: func(int64) string { return paperPreset(golden.Basins5, false) },
	},
	{
		Name:  "antipodal",
		Title: "Antipodal pair",
		Intro: "Two opposite memories, already an optimal code (180°), with a linear map that starts as the identity.",
		story: captionStory{until: 20},
		scenario: func(int64) string {
			return `{"memories": [[1, 0], [-1, 0]], "normalizeMemories": true, "beta": 20,
				"featureMap": {"dim": 2, "affine": false, "init": "identity"},
				"uhop": {"iterations": 0, "optimizer": "adam", "lr": 0.05, "tau": 0.2, "loss": "pairs"},
				"view": {` + liveBox + `}}`
		},
	},
	{
		Name:  "random",
		Title: "Random memories",
		Intro: "Eight memories drawn from a standard normal distribution and normalised, with a random initial affine map; " +
			"the seed fixes both.",
		story: captionStory{settingsOnly: true},
		scenario: func(seed int64) string {
			rng := rand.New(rand.NewPCG(uint64(seed), 0x5eed))
			rows := make([]string, 8)
			for i := range rows {
				rows[i] = fmt.Sprintf("[%s, %s]", jsonFloat(rng.NormFloat64()), jsonFloat(rng.NormFloat64()))
			}
			return fmt.Sprintf(`{"memories": [%s], "normalizeMemories": true, "beta": 20,
				"featureMap": {"dim": 2, "affine": true, "init": "random", "seed": %d},
				"uhop": {"iterations": 0, "optimizer": "adam", "lr": 0.05, "tau": 0.2, "loss": "pairs"},
				"view": {%s}}`, strings.Join(rows, ", "), seed, liveBox)
		},
	},
}

// paperPreset is the scenario of a golden case (package golden: the
// authors' memories and initial map, one source for the presets and the
// engine's golden tests) at iteration 0, on the presets' input-view box;
// paperSoftmax draws its softmax panels as the published Figure 1 does.
// The case's own view space and snapshots do not apply to live sessions.
func paperPreset(name string, paperSoftmax bool) string {
	view := map[string]any{"space": nil, "grid": liveGrid}
	if paperSoftmax {
		view["paperSoftmaxEnergy"] = true
	}
	b, err := golden.Scenario(name, map[string]any{"uhop": map[string]any{"iterations": 0}, "view": view, "snapshots": nil})
	if err != nil {
		panic("scenario: the golden case " + name + " is broken: " + err.Error()) // compiled-in data: a build error
	}
	return string(b)
}

// FindPreset returns the preset called name.
func FindPreset(name string) (*Preset, bool) {
	for i := range presets {
		if presets[i].Name == name {
			return &presets[i], true
		}
	}
	return nil, false
}

// PresetNames lists the presets' names.
func PresetNames() []string {
	names := make([]string, len(presets))
	for i, p := range presets {
		names[i] = p.Name
	}
	return names
}

// arc returns n unit vectors at the angles start, start+step, … degrees as
// a JSON matrix.
func arc(n int, start, step float64) string {
	rows := make([]string, n)
	for i := range rows {
		a := (start + float64(float64(i)*step)) * math.Pi / 180
		sin, cos := sphere.Sincos(a)
		rows[i] = fmt.Sprintf("[%s, %s]", jsonFloat(cos), jsonFloat(sin))
	}
	return "[" + strings.Join(rows, ", ") + "]"
}

// jsonFloat writes a finite v as the shortest JSON number that reads back as v.
func jsonFloat(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// Scenario returns the preset's scenario JSON; seed matters only for
// presets that draw random numbers.
func (p *Preset) Scenario(seed int64) string { return p.scenario(seed) }

// Presets returns the explorer's presets in the order the page shows them,
// without their captions (PresetsWithCaptions).
func Presets() []Preset { return slices.Clone(presets) }
