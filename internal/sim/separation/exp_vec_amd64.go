//go:build goexperiment.simd

package separation

import "simd/archsimd"

// vecExp reports whether expShiftedVec computes: the build has
// GOEXPERIMENT=simd and the processor AVX-512 (F, CD, BW, DQ, VL), whose
// 8 float64 lanes hold a visualiser's score vector (M ≈ 8) at once.
var vecExp = archsimd.X86.AVX512()

// expShiftedVec is expShiftedScalar 8 values at a time (measured: 1.5 ns
// an exponential against 5 ns, and the standard frame 15 % faster): the same
// operations on each lane (separate multiplications and additions, never
// fused; conversions that truncate; the table looked up by two two-register
// permutations), so the same bits, and the sum added in index order. It
// reports false, having written nothing useful, if an argument is below
// expMinArg or not a number; the caller then takes expShiftedScalar, which
// handles those.
func expShiftedVec(dst, src []float64, shift float64) (sum float64, ok bool) {
	dst = dst[:len(src)]
	t0 := archsimd.LoadFloat64x8((*[8]float64)(expTable[0:8]))
	t1 := archsimd.LoadFloat64x8((*[8]float64)(expTable[8:16]))
	t2 := archsimd.LoadFloat64x8((*[8]float64)(expTable[16:24]))
	t3 := archsimd.LoadFloat64x8((*[8]float64)(expTable[24:32]))
	sh := archsimd.BroadcastFloat64x8(shift)
	minArg := archsimd.BroadcastFloat64x8(expMinArg)
	invLn2 := archsimd.BroadcastFloat64x8(expInvLn2x32)
	half := archsimd.BroadcastFloat64x8(0.5)
	hi := archsimd.BroadcastFloat64x8(expLn2d32Hi)
	lo := archsimd.BroadcastFloat64x8(expLn2d32Lo)
	one := archsimd.BroadcastFloat64x8(1)
	c2 := archsimd.BroadcastFloat64x8(1.0 / 2)
	c6 := archsimd.BroadcastFloat64x8(1.0 / 6)
	c24 := archsimd.BroadcastFloat64x8(1.0 / 24)
	c120 := archsimd.BroadcastFloat64x8(1.0 / 120)
	c720 := archsimd.BroadcastFloat64x8(1.0 / 720)
	bit4 := archsimd.BroadcastInt64x8(16)
	zero := archsimd.BroadcastInt64x8(0)
	bias := archsimd.BroadcastInt64x8(1023)
	for at := 0; at < len(src); at += 8 {
		n := min(8, len(src)-at)
		x := archsimd.LoadFloat64x8SlicePart(src[at:]).Sub(sh)
		if x.GreaterEqual(minArg).ToBits()&(1<<n-1) != 1<<n-1 {
			archsimd.ClearAVXUpperBits()
			return 0, false
		}
		k := x.Mul(invLn2).Sub(half).ConvertToInt64()
		fk := k.ConvertToFloat64()
		r := x.Sub(fk.Mul(hi)).Sub(fk.Mul(lo))
		idx := k.AsUint64x8()
		t := t0.ConcatPermute(t1, idx).Merge(t2.ConcatPermute(t3, idx), k.And(bit4).Equal(zero))
		p := c120.Add(r.Mul(c720))
		p = c24.Add(r.Mul(p))
		p = c6.Add(r.Mul(p))
		p = c2.Add(r.Mul(p))
		p = one.Add(r.Mul(p))
		em := r.Mul(p)
		scale := k.ShiftAllRight(5).Add(bias).ShiftAllLeft(52).AsFloat64x8()
		e := t.Add(t.Mul(em)).Mul(scale)
		e.StoreSlicePart(dst[at:])
	}
	// Without this the scalar SSE code that follows runs at half speed
	// (measured: the standard frame took 1.8 times as long).
	archsimd.ClearAVXUpperBits()
	for _, e := range dst {
		sum += e
	}
	return sum, true
}
