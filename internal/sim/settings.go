package sim

import (
	"fmt"
	"math"
)

// Init chooses the initial weight matrix W₀ of the feature map.
type Init int

const (
	// InitIdentity sets W₀ = I (needs D_Φ = d).
	InitIdentity Init = iota
	// InitRandom draws W₀ Kaiming-normal, W_ij ~ N(0, 2/d), from the seed (SCIENCE §6.2).
	InitRandom
	// InitTorchLinear draws the authors' initial map as torch's nn.Linear
	// re-initialised by feature_map.py does (SCIENCE §6.2): W₀ exactly as
	// InitRandom (the same numbers for the same seed), then, from the same
	// generator, b₀_i ~ U(−1/√d, 1/√d) for i = 0 … D_Φ−1 (torch's default
	// bias of nn.Linear, fan_in = d). The generator is hoplab's (see New),
	// not torch's: the distributions are the authors', the numbers are not.
	// Needs an affine map. An explicit W replaces the drawn weights and an
	// explicit B the drawn bias; the bias is drawn after the D_Φ·d weight
	// numbers either way, so b₀ does not depend on whether W is given.
	InitTorchLinear
)

// LossForm chooses the separation loss of U-Hop+.
type LossForm int

const (
	// LossPairs is (1/M)·log mean_{μ<ν} exp(u_μ·u_ν/τ) with its full gradient (SCIENCE §6.4).
	LossPairs LossForm = iota
	// LossPaper is the authors' form with its stop-gradient (SCIENCE §6.2):
	// (1/M)·log([Σ_{μ<ν} exp(s_μν/τ) + M(M+1)/2] / (M(M−1)/2)), gradient only through u_μ, μ<ν.
	LossPaper
)

// Optimizer chooses the U-Hop+ optimiser; both follow torch semantics.
type Optimizer int

const (
	// Adam with β1 = 0.9, β2 = 0.999, ε = 1e-8 and torch's bias correction.
	Adam Optimizer = iota
	// SGD with optional momentum (torch: buf = μ·buf + g, first buf = g; no dampening).
	SGD
)

// FeatureMapSettings describe the initial feature map Φ(x) = W x (+ b).
type FeatureMapSettings struct {
	// Dim is D_Φ, the feature dimension; 0 means d.
	Dim int
	// Affine adds a trained bias: Φ(x) = W x + b.
	Affine bool
	// Init chooses W₀ when W is nil.
	Init Init
	// Seed seeds InitRandom.
	Seed uint64
	// W, if not nil, is the explicit initial D_Φ×d matrix (rows).
	W [][]float64
	// B, if not nil, is the explicit initial bias (needs Affine); default zeros.
	B []float64
}

// UHopSettings are the optimiser settings of U-Hop+ (SCIENCE §6).
type UHopSettings struct {
	Optimizer Optimizer
	// LR is the learning rate η > 0.
	LR float64
	// Momentum is the SGD momentum ≥ 0 (ignored by Adam).
	Momentum float64
	// Tau is the loss temperature τ > 0.
	Tau float64
	// Loss is the loss form.
	Loss LossForm
	// BatchOrder, if not nil, fixes the order of the memory rows in the
	// loss of each step: step t+1 (from W_t to W_{t+1}) evaluates the loss
	// and its gradient on the rows BatchOrder[t][0], BatchOrder[t][1], …,
	// as the authors' DataLoader, which reshuffles the memories before
	// every step, presents them (SCIENCE §6.2). Each row is a permutation
	// of 0 … M−1. The paper loss is not symmetric in the rows (its
	// stop-gradient lets the gradient flow through the first member of
	// each pair only), so the order changes the trajectory; the pairs loss
	// is symmetric, and the order changes it only by rounding. Steps
	// beyond len(BatchOrder) use the memories' own order, as do all steps
	// when BatchOrder is nil.
	BatchOrder [][]int
}

// Settings describe a U-Hop+ run: the memories, the initial feature map and
// the optimiser.
type Settings struct {
	// Memories are the stored patterns ξ_μ as rows (M×d, M ≥ 1, d ≥ 1, finite).
	Memories [][]float64
	// NormalizeMemories scales every memory to unit length first; every
	// memory must then have a non-zero entry. The norm is taken without
	// overflow or underflow, so any non-zero memory becomes a unit vector.
	NormalizeMemories bool
	FeatureMap        FeatureMapSettings
	UHop              UHopSettings
}

// A FieldError reports an invalid setting. Field is the setting's path in
// the scenario's camelCase vocabulary (for example "featureMap.W[1][0]" or
// "uhop.tau"), so callers can point a user at the exact input.
type FieldError struct {
	Field string
	Msg   string
}

func (e *FieldError) Error() string { return "sim: " + e.Field + ": " + e.Msg }

func fieldErr(field, format string, args ...any) *FieldError {
	return &FieldError{Field: field, Msg: fmt.Sprintf(format, args...)}
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// positive reports whether v is finite and > 0.
func positive(v float64) bool { return finite(v) && v > 0 }

// Check reports the first invalid setting of s as a *FieldError, or nil. It
// does no other work; New runs the same checks.
func (s *Settings) Check() error {
	_, _, _, err := s.validate()
	return err
}

// CheckFrame reports whether fs can be drawn for runs of s: the settings of
// both, and that the view fits the dimensions (see Run.CheckFrame).
func (s *Settings) CheckFrame(fs *FrameSettings) error {
	_, d, k, err := s.validate()
	if err != nil {
		return err
	}
	if err := checkSpace(fs.Space, d, k); err != nil {
		return err
	}
	return CheckFrameSettings(fs)
}

// validate checks s and returns the dimensions M, d, D_Φ.
func (s *Settings) validate() (m, d, k int, err error) {
	m = len(s.Memories)
	if m == 0 {
		return 0, 0, 0, fieldErr("memories", "at least one memory is required")
	}
	d = len(s.Memories[0])
	if d == 0 {
		return 0, 0, 0, fieldErr("memories[0]", "a memory needs at least one coordinate")
	}
	for i, row := range s.Memories {
		if len(row) != d {
			return 0, 0, 0, fieldErr(fmt.Sprintf("memories[%d]", i), "has %d coordinates, memories[0] has %d", len(row), d)
		}
		zero := true
		for j, v := range row {
			if !finite(v) {
				return 0, 0, 0, fieldErr(fmt.Sprintf("memories[%d][%d]", i, j), "must be a finite number")
			}
			zero = zero && v == 0
		}
		// Only the zero vector has no direction: any other memory, however
		// small or large its entries, normalises to a unit vector (norm.go).
		if s.NormalizeMemories && zero {
			return 0, 0, 0, fieldErr(fmt.Sprintf("memories[%d]", i), "memory %d is the zero vector, which cannot be normalised to unit length", i)
		}
	}

	fm := &s.FeatureMap
	k = fm.Dim
	if k < 0 {
		return 0, 0, 0, fieldErr("featureMap.dim", "must be ≥ 1")
	}
	if k == 0 {
		k = d
	}
	if fm.W != nil {
		if len(fm.W) != k {
			return 0, 0, 0, fieldErr("featureMap.W", "has %d rows, D_Φ = %d", len(fm.W), k)
		}
		for i, row := range fm.W {
			if len(row) != d {
				return 0, 0, 0, fieldErr(fmt.Sprintf("featureMap.W[%d]", i), "has %d columns, d = %d", len(row), d)
			}
			for j, v := range row {
				if !finite(v) {
					return 0, 0, 0, fieldErr(fmt.Sprintf("featureMap.W[%d][%d]", i, j), "must be a finite number")
				}
			}
		}
	} else {
		switch fm.Init {
		case InitIdentity:
			if k != d {
				return 0, 0, 0, fieldErr("featureMap.init", "identity needs D_Φ = d (D_Φ = %d, d = %d); use random or give W", k, d)
			}
		case InitRandom, InitTorchLinear:
		default:
			return 0, 0, 0, fieldErr("featureMap.init", "unknown init %d", fm.Init)
		}
	}
	if fm.Init == InitTorchLinear && !fm.Affine {
		return 0, 0, 0, fieldErr("featureMap.affine", "torchLinear draws a bias, as nn.Linear does: it needs an affine map")
	}
	if fm.B != nil {
		if !fm.Affine {
			return 0, 0, 0, fieldErr("featureMap.b", "a bias needs an affine map (featureMap.affine = true)")
		}
		if len(fm.B) != k {
			return 0, 0, 0, fieldErr("featureMap.b", "has %d entries, D_Φ = %d", len(fm.B), k)
		}
		for i, v := range fm.B {
			if !finite(v) {
				return 0, 0, 0, fieldErr(fmt.Sprintf("featureMap.b[%d]", i), "must be a finite number")
			}
		}
	}

	u := &s.UHop
	if u.Optimizer != Adam && u.Optimizer != SGD {
		return 0, 0, 0, fieldErr("uhop.optimizer", "unknown optimizer %d", u.Optimizer)
	}
	if !positive(u.LR) {
		return 0, 0, 0, fieldErr("uhop.lr", "must be a finite number > 0")
	}
	if !finite(u.Momentum) || u.Momentum < 0 {
		return 0, 0, 0, fieldErr("uhop.momentum", "must be a finite number ≥ 0")
	}
	if !positive(u.Tau) {
		return 0, 0, 0, fieldErr("uhop.tau", "must be a finite number > 0")
	}
	if u.Loss != LossPairs && u.Loss != LossPaper {
		return 0, 0, 0, fieldErr("uhop.loss", "unknown loss form %d", u.Loss)
	}
	if err := checkBatchOrder(u.BatchOrder, m); err != nil {
		return 0, 0, 0, err
	}
	return m, d, k, nil
}

// MemoryPoints returns the memories as a run of s uses them, M×d
// row-major: normalised to unit length if s asks for it (as New does), else
// as given. s must pass Check. It costs O(M·d), nothing of a run's start.
func (s *Settings) MemoryPoints() []float64 {
	m := len(s.Memories)
	if m == 0 {
		return nil
	}
	d := len(s.Memories[0])
	x := make([]float64, m*d)
	for mu, row := range s.Memories {
		if s.NormalizeMemories {
			normalize(x[mu*d:mu*d+d], row)
		} else {
			copy(x[mu*d:], row)
		}
	}
	return x
}
