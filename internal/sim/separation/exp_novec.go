//go:build !goexperiment.simd || !amd64

package separation

// vecExp reports whether expShiftedVec computes: not in a build without
// GOEXPERIMENT=simd on amd64 (see exp_vec_amd64.go).
const vecExp = false

// expShiftedVec is never called in this build.
func expShiftedVec(dst, src []float64, shift float64) (sum float64, ok bool) { return 0, false }
