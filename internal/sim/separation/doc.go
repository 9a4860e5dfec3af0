// Package separation implements the separation maps Sep_α of the α-entmax
// family and their convex conjugates Ψ*_α, the two ingredients of the
// generalised (Hopfield–Fenchel–Young) Hopfield energy and update
//
//	E_α(x) = ½‖x‖² − β⁻¹ Ψ*_α(β Ξᵀx),   T_α(x) = Ξ Sep_α(β Ξᵀx).
//
// With the Tsallis entropy (Shannon for α = 1)
//
//	H_α(p) = (1 − Σ_j p_j^α) / (α(α−1)),   H_1(p) = −Σ_j p_j log p_j,
//
// the map and its conjugate are, over the probability simplex Δ,
//
//	Sep_α(z) = argmax_{p∈Δ} ⟨p, z⟩ + H_α(p),
//	Ψ*_α(z)  = max_{p∈Δ} ⟨p, z⟩ + H_α(p) = ⟨Sep_α(z), z⟩ + H_α(Sep_α(z)),
//
// so that ∇Ψ*_α = Sep_α (Danskin). The solution has the closed form
// p_j = [(α−1)z_j − τ]_+^{1/(α−1)} with τ chosen so that Σ_j p_j = 1. α = 1 is
// softmax with Ψ*_1 = log Σ exp; α = 2 is sparsemax (Martins & Astudillo
// 2016); α = 1.5 is 1.5-entmax (Peters, Niculae & Martins 2019), which like
// sparsemax returns exact zeros. The exact sort-based algorithms for α = 1.5
// and α = 2 and the bisection for general α follow Peters, Niculae & Martins
// 2019 and their pip package entmax; the energy is that of Santos et al.,
// "Hopfield-Fenchel-Young Networks" (2024, arXiv 2411.08590). The formulas
// are restated in shared/SCIENCE.md §3.
//
// All maps are shift-invariant: Sep_α(z + c1) = Sep_α(z) and
// Ψ*_α(z + c1) = Ψ*_α(z) + c. Every algorithm works on z − max(z) and adds
// max(z) back to Ψ*, so any finite z (up to ±math.MaxFloat64, even where
// z_j − max z overflows) gives a finite Ψ* and a p in the simplex, with no
// overflow and no NaN. Scores with a ±Inf or NaN entry give p all NaN and
// Ψ* = NaN: the maps are total and never panic on any score vector.
//
// The maps are made for the innermost loop of the visualiser (hundreds of
// thousands of calls per frame on vectors of length about 8): Map is a small
// comparable value, Sep and SepPsi take a caller-owned Workspace, never
// allocate and are deterministic. SepPair computes two vectors side by side,
// bit for bit as Sep does, so that the CPU overlaps their short dependency
// chains. A Workspace must not be shared by concurrent calls; a Map may be.
package separation
