//go:build !purego

package separation

import "golang.org/x/sys/cpu"

// vecExp reports whether expShiftedVec computes: on a processor with
// AVX-512 F and DQ (eight float64 lanes, and conversions between float64
// and int64 lanes) whose operating system saves the vector state, as
// golang.org/x/sys/cpu reports it. Elsewhere, and in builds with the
// purego tag, expShifted runs the portable loop (exp_novec.go).
var vecExp = cpu.X86.HasAVX512F && cpu.X86.HasAVX512DQ

// expConstsLen is the length of expConsts.
const expConstsLen = 43

// expConsts are Recipe's numbers in the layout expShiftedAVX512 reads:
// the table, then 32/ln2, 0.5, ln2/32 (high, low), −708 and the
// polynomial's coefficients from 1/720 to 1.
var expConsts = func() (c [expConstsLen]float64) {
	r := Recipe()
	copy(c[:32], r.Table[:])
	c[32], c[33], c[34], c[35], c[36] = r.InvLn2x32, r.Half, r.Ln2d32Hi, r.Ln2d32Lo, r.MinArg
	copy(c[37:], r.P[:])
	return c
}()

// expShiftedVec is expShiftedScalar 8 values at a time in AVX-512
// assembly (exp_amd64.s): the same operations on each lane (separate
// multiplications and additions, never fused; conversions that truncate;
// the table looked up by two two-register permutations), so the same
// bits, and the sum added in index order afterwards. It reports false,
// having written nothing useful, if an argument is below expMinArg or not
// a number; the caller then takes expShiftedScalar, which handles those.
func expShiftedVec(dst, src []float64, shift float64) (sum float64, ok bool) {
	if len(src) == 0 {
		return 0, true
	}
	dst = dst[:len(src)]
	if !expShiftedAVX512(&dst[0], &src[0], len(src), shift, &expConsts) {
		return 0, false
	}
	for _, e := range dst {
		sum += e
	}
	return sum, true
}

// expShiftedPairVec is expShiftedVec of (dst0, src0, shift0) and of
// (dst1, src1, shift1), len(src1) == len(src0). It reports false unless
// both are computed.
func expShiftedPairVec(dst0, src0 []float64, shift0 float64, dst1, src1 []float64, shift1 float64) (sum0, sum1 float64, ok bool) {
	s0, ok0 := expShiftedVec(dst0, src0, shift0)
	if !ok0 {
		return 0, 0, false
	}
	s1, ok1 := expShiftedVec(dst1, src1[:len(src0)], shift1)
	return s0, s1, ok1
}

// expShiftedAVX512 writes dst[i] = e^(src[i] − shift) for i < n, n ≥ 1,
// or reports false (see exp_amd64.s).
//
//go:noescape
func expShiftedAVX512(dst, src *float64, n int, shift float64, k *[expConstsLen]float64) bool
