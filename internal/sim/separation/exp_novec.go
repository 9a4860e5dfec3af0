//go:build !amd64 || purego

package separation

// vecExp reports whether expShiftedVec computes: not in this build, which
// has no vector exponentials (see exp_amd64.go).
const vecExp = false

// expShiftedVec is never called in this build.
func expShiftedVec(dst, src []float64, shift float64) (sum float64, ok bool) { return 0, false }

// expShiftedPairVec is never called in this build.
func expShiftedPairVec(dst0, src0 []float64, shift0 float64, dst1, src1 []float64, shift1 float64) (sum0, sum1 float64, ok bool) {
	return 0, 0, false
}
