package api

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
)

// preset is a named scenario of the explorer.
type preset struct {
	Name        string `json:"name"`
	Title       string `json:"title"`
	Description string `json:"description"`
	// scenario returns the preset's scenario JSON; seed matters only for
	// presets that draw random numbers.
	scenario func(seed int64) string
}

// defaultPreset is the scenario a new page starts with.
const defaultPreset = "clustered"

// liveBox is the input-view box of the presets, whose memories are unit
// vectors: the unit disc with room around it.
const liveBox = `"grid": {"nx": 128, "ny": 128, "xmin": -1.5, "xmax": 1.5, "ymin": -1.5, "ymax": 1.5}`

// presets lists the explorer's presets in the order the page shows them.
// Figure 1's memories and initial maps are those of the authors'
// contours.py (SCIENCE §7.1, the golden files); the basins figure's
// memories are torch.manual_seed(42); torch.randn(5, 2) to the four
// decimals torch prints (SCIENCE §7.2), its initial map is this engine's
// Kaiming draw, not torch's.
var presets = []preset{
	{
		Name:  "clustered",
		Title: "Clustered memories",
		Description: "Eight memories crowded into a 70° arc, 10° apart. Press play: U-Hop+ trains the affine map Φ so that " +
			"their features spread out on the circle. The minimum angle climbs, with a few setbacks where Adam overshoots, " +
			"from 10° to about 26° by iteration 150 and settles near 27.5°, short of the optimal 45° (dashed line); " +
			"the white metastable regions of the 1.5-entmax and sparsemax feature panels shrink to almost nothing, while softmax at β = 20 " +
			"still mixes neighbours that far apart (raise β to see it retrieve). The input view stays mostly white: its kernel scores " +
			"use the unnormalised features Wξ + b, which stay close together.",
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
		Description: "The paper's Figure 1 with 2 memories (β = 1/0.9): the authors' memories and initial affine map, " +
			"SGD with learning rate 0.1 on their loss. Step to t = 1, 2 and 5 for the figure's rows; softmax energies " +
			"are drawn without the 1/β, as published.",
		scenario: func(int64) string {
			return `{"memories": [[-0.15936654806137085, -0.9872194528579712], [0.9532274603843689, 0.3022540211677551]],
				"normalizeMemories": true, "beta": 1.1111111111111112,
				"featureMap": {"dim": 2, "affine": true, "W": [[-1.5276598930358887, 0.9984577894210815], [-0.9476476907730103, -0.17780768871307373]], "b": [0.5830293297767639, -0.2794203758239746]},
				"uhop": {"iterations": 0, "optimizer": "sgd", "lr": 0.1, "momentum": 0, "tau": 1, "loss": "paper"},
				"view": {"paperSoftmaxEnergy": true, ` + liveBox + `}}`
		},
	},
	{
		Name:  "figure1-4",
		Title: "Figure 1, four memories",
		Description: "The paper's Figure 1 with 4 memories (β = 20): two pairs of nearby memories whose valleys " +
			"U-Hop+ pulls apart. The authors' memories and initial affine map, SGD with learning rate 0.1 on their loss.",
		scenario: func(int64) string {
			return `{"memories": [[-0.39849114418029785, -0.9171721339225769], [-0.6452694535255432, -0.7639549970626831], [0.745269238948822, 0.6667636036872864], [0.9998707175254822, -0.016080887988209724]],
				"normalizeMemories": true, "beta": 20,
				"featureMap": {"dim": 2, "affine": true, "W": [[0.8229625225067139, -1.5139460563659668], [-1.0790865421295166, -0.8488715291023254]], "b": [-0.4338694214820862, 0.5944920778274536]},
				"uhop": {"iterations": 0, "optimizer": "sgd", "lr": 0.1, "momentum": 0, "tau": 1, "loss": "paper"},
				"view": {"paperSoftmaxEnergy": true, ` + liveBox + `}}`
		},
	},
	{
		Name:  "basins",
		Title: "Basins of attraction figure",
		Description: "The basins figure's setting: 5 memories (torch seed 42), β = 20, 5 update steps, tolerance 0.001, " +
			"Adam with learning rate 0.1 on the authors' loss. White cells end within 0.001 of no single memory. " +
			"The initial affine map is this lab's random draw, not torch's, so the pictures differ in detail.",
		scenario: func(int64) string {
			return `{"memories": [[0.3367, 0.1288], [0.2345, 0.2303], [-1.1229, -0.1863], [2.2082, -0.6380], [0.4617, 0.2674]],
				"normalizeMemories": true, "beta": 20,
				"featureMap": {"dim": 2, "affine": true, "init": "random", "seed": 42},
				"uhop": {"iterations": 0, "optimizer": "adam", "lr": 0.1, "tau": 1, "loss": "paper"},
				"retrieval": {"steps": 5, "tolerance": 0.001},
				"view": {` + liveBox + `}}`
		},
	},
	{
		Name:  "antipodal",
		Title: "Antipodal pair",
		Description: "Two opposite memories, already an optimal code (180°). Every map has two basins split by the " +
			"line through the origin; sparsemax keeps a band of exact mixtures around it.",
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
		Description: "Eight memories drawn from a standard normal distribution and normalised, with a random " +
			"initial affine map; the seed fixes both.",
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

// findPreset returns the preset called name.
func findPreset(name string) (*preset, bool) {
	for i := range presets {
		if presets[i].Name == name {
			return &presets[i], true
		}
	}
	return nil, false
}

// presetNames lists the presets' names.
func presetNames() []string {
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
		a := (start + float64(i)*step) * math.Pi / 180
		rows[i] = fmt.Sprintf("[%s, %s]", jsonFloat(math.Cos(a)), jsonFloat(math.Sin(a)))
	}
	return "[" + strings.Join(rows, ", ") + "]"
}

// jsonFloat writes a finite v as the shortest JSON number that reads back as v.
func jsonFloat(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
