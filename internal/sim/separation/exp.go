package separation

import (
	"math"
	"math/big"
)

// expTable[j] = 2^(j/32), correctly rounded. It is computed once, from five
// square roots of 2^j in 256-bit arithmetic, and never written again.
var expTable = func() (t [32]float64) {
	for j := range t {
		v := new(big.Float).SetPrec(256).SetInt64(1 << j)
		for range 5 {
			v.Sqrt(v)
		}
		t[j], _ = v.Float64()
	}
	return t
}()

const (
	expInvLn2x32 = 32 / math.Ln2
	// ln2/32 split in two: expLn2d32Hi has its low 32 mantissa bits zero,
	// so k·expLn2d32Hi is exact for the |k| < 2^15 used here.
	expLn2d32Hi = 0x1.62e42fefa0000p-6
	expLn2d32Lo = 0x1.cf79abc9e3b3ap-45
	// expMinArg is the smallest argument expNonPositive reduces itself;
	// below it the result is subnormal or 0 and math.Exp takes over.
	expMinArg = -708.0
)

// expShifted writes dst[i] = e^(src[i] − shift) and returns their sum, for
// src[i] ≤ shift (softmax's exponentials after subtracting the maximum).
// For src[i] = −Inf it writes NaN rather than 0, so that the sum tells
// softmax that a score is not finite.
// Each value is within 1 ulp of the exact one, as math.Exp's, and is
// computed in portable Go arithmetic, so results do not depend on the
// machine's assembly routines. The loop holds the whole computation so that
// no call is made per entry.
//
// Method: x = (32k' + j)·ln2/32 + r with |r| ≤ ln2/64, then
// e^x = 2^k' · 2^(j/32) · e^r with e^r − 1 from its Taylor polynomial of
// degree 6 (truncation error < r⁷/7! ≈ 3e-18). k = 32k' + j is x·32/ln2
// rounded to the nearest integer (halves away from zero). Below −708 the
// result would be subnormal or 0 and math.Exp computes it.
//
// Where the build and the processor have 8-lane vectors (vecExp) the
// exponentials are computed 8 at a time by expShiftedVec, with the same
// operations in the same order, so the same bits; otherwise, or for an
// argument below −708, by expShiftedScalar.
func expShifted(dst, src []float64, shift float64) (sum float64) {
	if vecExp {
		if sum, ok := expShiftedVec(dst, src, shift); ok {
			return sum
		}
	}
	return expShiftedScalar(dst, src, shift)
}

// expShiftedScalar is expShifted one value at a time, in portable Go.
func expShiftedScalar(dst, src []float64, shift float64) (sum float64) {
	dst = dst[:len(src)]
	for i, v := range src {
		x := v - shift
		var e float64
		if x >= expMinArg {
			k := int64(float64(x*expInvLn2x32) - 0.5)
			fk := float64(k)
			r := float64(x-float64(fk*expLn2d32Hi)) - float64(fk*expLn2d32Lo)
			t := expTable[k&31]
			em := expPoly(r)
			e = float64(t+float64(t*em)) * math.Float64frombits(uint64(1023+(k>>5))<<52)
		} else {
			e = math.Exp(x) // tiny, zero or NaN
			if v < -math.MaxFloat64 {
				e = math.NaN() // v = −Inf
			}
		}
		dst[i] = e
		sum += e
	}
	return sum
}

// expPoly returns e^r − 1 for |r| ≤ ln2/64 from its Taylor polynomial of
// degree 6 in Horner form, r·(1 + r·(1/2 + r·(1/6 + r·(1/24 + r·(1/120 +
// r/720))))). Every product and sum is rounded on its own (float64(…)),
// so that no build fuses them into multiply-adds (GOAMD64=v3 would) and
// the vector kernels that follow ExpRecipe give the same bits.
func expPoly(r float64) float64 {
	p := float64(r * (1.0 / 720))
	p = float64(r * float64(1.0/120+p))
	p = float64(r * float64(1.0/24+p))
	p = float64(r * float64(1.0/6+p))
	p = float64(r * float64(1.0/2+p))
	return float64(r * float64(1+p))
}

// expShiftedPair is expShifted(dst0, src0, shift0) and
// expShifted(dst1, src1, shift1), bit for bit, computed side by side so that
// the two chains overlap. len(src1) == len(src0).
// With vectors (vecExp) it is expShiftedPairVec instead.
func expShiftedPair(dst0, src0 []float64, shift0 float64, dst1, src1 []float64, shift1 float64) (sum0, sum1 float64) {
	if vecExp {
		if s0, s1, ok := expShiftedPairVec(dst0, src0, shift0, dst1, src1, shift1); ok {
			return s0, s1
		}
	}
	return expShiftedPairScalar(dst0, src0, shift0, dst1, src1, shift1)
}

// expShiftedPairScalar is expShiftedPair in portable Go.
func expShiftedPairScalar(dst0, src0 []float64, shift0 float64, dst1, src1 []float64, shift1 float64) (sum0, sum1 float64) {
	n := len(src0)
	dst0, dst1, src1 = dst0[:n], dst1[:n], src1[:n]
	for i, v0 := range src0 {
		x0, x1 := v0-shift0, src1[i]-shift1
		var e0, e1 float64
		if x0 >= expMinArg && x1 >= expMinArg {
			k0, k1 := int64(float64(x0*expInvLn2x32)-0.5), int64(float64(x1*expInvLn2x32)-0.5)
			fk0, fk1 := float64(k0), float64(k1)
			r0 := float64(x0-float64(fk0*expLn2d32Hi)) - float64(fk0*expLn2d32Lo)
			r1 := float64(x1-float64(fk1*expLn2d32Hi)) - float64(fk1*expLn2d32Lo)
			t0, t1 := expTable[k0&31], expTable[k1&31]
			em0, em1 := expPoly(r0), expPoly(r1)
			e0 = float64(t0+float64(t0*em0)) * math.Float64frombits(uint64(1023+(k0>>5))<<52)
			e1 = float64(t1+float64(t1*em1)) * math.Float64frombits(uint64(1023+(k1>>5))<<52)
		} else { // rare: one of them is tiny, zero or NaN
			e0, e1 = expNonPositive(x0), expNonPositive(x1)
			if v0 < -math.MaxFloat64 {
				e0 = math.NaN() // as expShifted
			}
			if src1[i] < -math.MaxFloat64 {
				e1 = math.NaN()
			}
		}
		dst0[i], dst1[i] = e0, e1
		sum0 += e0
		sum1 += e1
	}
	return sum0, sum1
}

// expNonPositive returns e^x for x ≤ 0 as expShifted computes it for a
// finite score: e^−∞ = 0 (an exponent −∞ comes from a difference of finite
// scores that overflows).
func expNonPositive(x float64) float64 {
	if x < -math.MaxFloat64 {
		return 0
	}
	var e [1]float64
	expShiftedScalar(e[:], []float64{x}, 0)
	return e[0]
}

// ExpRecipe is expShifted's arithmetic as numbers, for a vector kernel in
// another package that must give expShifted's bits (the grid's softmax
// lanes in hoplab/internal/sim): for x = src − shift ≥ MinArg,
//
//	k  = int64(x·InvLn2x32 − Half)               (truncated toward zero)
//	r  = (x − float64(k)·Ln2d32Hi) − float64(k)·Ln2d32Lo
//	em = r·(P[5] + r·(P[4] + r·(P[3] + r·(P[2] + r·(P[1] + r·P[0])))))
//	t  = Table[k & 31]
//	e  = (t + t·em) · 2^(k>>5)                  (the power built from its bits: (1023 + k>>5) << 52)
//
// every operation rounded on its own (no fused multiply-add), and the sum
// added in index order from +0. Below MinArg, for −Inf and NaN, expShifted
// does something else, which such a kernel leaves to this package.
type ExpRecipe struct {
	Table     [32]float64 // 2^(j/32), correctly rounded
	InvLn2x32 float64     // 32/ln 2
	Half      float64     // 0.5
	Ln2d32Hi  float64     // ln2/32, its high part (low 32 mantissa bits zero)
	Ln2d32Lo  float64     // ln2/32 − Ln2d32Hi
	MinArg    float64     // −708: the smallest argument reduced as above
	P         [6]float64  // 1/720, 1/120, 1/24, 1/6, 1/2, 1 (Horner order)
}

// Recipe returns expShifted's constants (see ExpRecipe).
func Recipe() ExpRecipe {
	return ExpRecipe{
		Table: expTable, InvLn2x32: expInvLn2x32, Half: 0.5,
		Ln2d32Hi: expLn2d32Hi, Ln2d32Lo: expLn2d32Lo, MinArg: expMinArg,
		P: [6]float64{1.0 / 720, 1.0 / 120, 1.0 / 24, 1.0 / 6, 1.0 / 2, 1},
	}
}
