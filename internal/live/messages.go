package live

import (
	"encoding/json"
	"hoplab/internal/codetable"
	"hoplab/internal/scenario"
)

// Server → client text messages (docs/protocol.md).
type (
	stateMsg struct {
		Type           string   `json:"type"`
		Seq            uint32   `json:"seq"`
		Epoch          uint32   `json:"epoch"`
		T              int      `json:"t"`
		Iterations     int      `json:"iterations"`
		MaxT           int      `json:"maxT"`
		Playing        bool     `json:"playing"`
		Speed          float64  `json:"speed"`
		Views          []string `json:"views"`
		AvailableViews []string `json:"availableViews"`
		Separations    []string `json:"separations"`
		Dims           struct {
			M int `json:"m"`
			D int `json:"d"`
			K int `json:"k"`
		} `json:"dims"`
		Scenario *scenario.Scenario `json:"scenario"`
		// Optimum is the best code known for the scenario's (D_Φ, M), the
		// entry of GET /api/v1/spherical-codes with its dim; nil (null)
		// when M < 2 or D_Φ < 2.
		Optimum *optimumMsg `json:"optimum"`
		// Preset names the preset whose scenario the session shows (at
		// any iteration), or is null once anything but t differs from it
		// (scenario.MatchPreset), so that its caption always fits the picture.
		Preset *string `json:"preset"`
		// Computing is the trajectory job computing the newest state, or
		// nil (null) when the frames show it.
		Computing *computingMsg `json:"computing"`
	}
	// computingMsg is the progress of a trajectory job: it computes
	// iteration T of the newest scenario (of a new trajectory if Rebuild),
	// in Total chunks of U-Hop+ steps of which Done are done.
	computingMsg struct {
		T       int   `json:"t"`
		Done    int64 `json:"done"`
		Total   int64 `json:"total"`
		Rebuild bool  `json:"rebuild"`
	}
	errorMsg struct {
		Type    string `json:"type"`
		Seq     uint32 `json:"seq"`
		Code    string `json:"code"`
		Message string `json:"message"`
		Field   string `json:"field"`
		// Iteration is present only with code "diverged".
		Iteration *int `json:"iteration,omitempty"`
	}
	probeMsg struct {
		Type  string         `json:"type"`
		Seq   uint32         `json:"seq"`
		Space string         `json:"space"`
		X     float64        `json:"x"`
		Y     float64        `json:"y"`
		T     int            `json:"t"`
		Epoch uint32         `json:"epoch"`
		Paths []probePathMsg `json:"paths"`
	}
	probePathMsg struct {
		Separation string             `json:"separation"`
		Points     [][2]nullableFloat `json:"points"` // null after an overflow (label -2)
		Energy     []nullableFloat    `json:"energy"`
		Support    []int              `json:"support"`
		Label      int                `json:"label"`
	}
)

// metricsMsg is the "metrics" message: the trajectory's numbers for
// iterations From, From+1, … of one epoch.
type metricsMsg struct {
	Type        string          `json:"type"`
	Epoch       uint32          `json:"epoch"`
	From        int             `json:"from"`
	Loss        []nullableFloat `json:"loss"`
	DeltaMin    []nullableFloat `json:"deltaMin"`
	MinAngleDeg []nullableFloat `json:"minAngleDeg"`
}

// nullableFloat is a float64 written as JSON null when it is not finite.
type nullableFloat float64

// MarshalJSON implements json.Marshaler.
func (f nullableFloat) MarshalJSON() ([]byte, error) {
	v := float64(f)
	if v != v || v > maxFinite || v < -maxFinite {
		return []byte("null"), nil
	}
	return json.Marshal(v)
}

const maxFinite = 1.7976931348623157e308

// optimumMsg is the "optimum" member of a live state message: the entry of
// the spherical-codes table for the session's (D_Φ, M), with its D.
type optimumMsg struct {
	Dim int `json:"dim"`
	codetable.Entry
}

// optimum is the "optimum" of a live session whose feature dimension is
// dim and which has m memories, or nil when m < 2 (no pair, no angle) or
// dim < 2 (S⁰ has two points, and Prop. 3.1 needs D ≥ 2).
func optimum(dim, m int) *optimumMsg {
	if m < 2 || dim < 2 {
		return nil
	}
	return &optimumMsg{Dim: dim, Entry: codetable.Lookup(dim, m)}
}
