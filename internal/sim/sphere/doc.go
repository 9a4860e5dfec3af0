// Package sphere holds the mathematics of spherical codes that hoplab uses to
// judge how well a feature map separates memories: the closest pair of a code,
// found by its chord, and from that chord its minimal separation
// Δ_min = 1 − max cos = chord²/2 and its minimal angle, the optimal 2-D codes
// (regular polygons), the best-known 3-D codes (the Tammes table) and the bounds of
// Proposition 3.1 of Hu, Wu & Liu (NeurIPS 2024, arXiv 2410.23126) on Δ_min of
// an optimal code.
//
// Section numbers (§5, §5.1, §5.2) refer to shared/SCIENCE.md.
//
// Everything here is pure: no I/O, no shared mutable state, and the same
// inputs always give the same outputs.
package sphere
