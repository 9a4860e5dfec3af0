package separation

import (
	"math"
	"math/big"
	"math/rand/v2"
	"slices"
	"testing"
)

// bigExp returns e^x rounded to float64, from a 300-bit Taylor series.
func bigExp(x float64) float64 {
	const prec = 300
	ln2 := new(big.Float).SetPrec(prec)
	ln2.SetString("0.6931471805599453094172321214581765680755001343602552541206800094933936219696947156058633269964186875")
	k := math.Floor(x / math.Ln2)
	r := new(big.Float).SetPrec(prec).SetFloat64(x)
	r.Sub(r, new(big.Float).SetPrec(prec).Mul(new(big.Float).SetPrec(prec).SetFloat64(k), ln2))
	sum := new(big.Float).SetPrec(prec).SetInt64(1)
	term := new(big.Float).SetPrec(prec).SetInt64(1)
	for n := int64(1); n < 60; n++ {
		term.Mul(term, r)
		term.Quo(term, new(big.Float).SetPrec(prec).SetInt64(n))
		sum.Add(sum, term)
	}
	sum.SetMantExp(sum, int(k))
	f, _ := sum.Float64()
	return f
}

func ulps(got, want float64) float64 {
	return math.Abs(got-want) / (math.Nextafter(want, math.Inf(1)) - want)
}

// TestExpNonPositive checks the softmax exponential against a 300-bit
// reference: at most 1 ulp everywhere it reduces the argument itself, exact
// at 0, and math.Exp's answers below its range.
func TestExpNonPositive(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	worst := 0.0
	for i := range 20000 {
		x := -rng.Float64() * 708
		if i%2 == 0 {
			x = -rng.Float64() * 4
		}
		worst = max(worst, ulps(expNonPositive(x), bigExp(x)))
	}
	if worst > 1 {
		t.Errorf("worst error %v ulp, want ≤ 1", worst)
	}
	for _, x := range []float64{0, -1e-300, -math.Ln2, -0.5 * math.Ln2 / 32, -708, -1} {
		if got, want := expNonPositive(x), bigExp(x); ulps(got, want) > 1 {
			t.Errorf("exp(%v) = %v, want %v", x, got, want)
		}
	}
	if expNonPositive(0) != 1 || expNonPositive(math.Copysign(0, -1)) != 1 {
		t.Error("exp(0) != 1")
	}
	for _, x := range []float64{-708.5, -745, -746, -1e300, math.Inf(-1)} {
		if got, want := expNonPositive(x), math.Exp(x); got != want {
			t.Errorf("exp(%v) = %v, math.Exp gives %v", x, got, want)
		}
	}
	if !math.IsNaN(expNonPositive(math.NaN())) {
		t.Error("exp(NaN) is not NaN")
	}
	for j, v := range expTable {
		if want := math.Exp2(float64(j) / 32); ulps(v, want) > 1 {
			t.Errorf("table[%d] = %v, 2^(j/32) = %v", j, v, want)
		}
	}
}

// steps is the number of float64 values from a to b, for finite a, b ≥ 0:
// 0 when they are equal, 1 when they are neighbours.
func steps(a, b float64) int64 {
	d := int64(math.Float64bits(a)) - int64(math.Float64bits(b))
	return max(d, -d)
}

// TestExpAgainstMathExp measures how the table-driven exp differs from
// math.Exp, which the README quotes. On 200,000 seeded arguments (half in
// [−4, 0], where softmax's exponentials mostly are, half in [−708, 0]) the
// two disagree in a fraction of the samples. Both are at most one float64
// step from the correctly rounded e^x (checked against the 300-bit
// reference on every tenth sample, the reference being slow), so where
// they disagree they are one step apart, or two when they round to
// opposite sides. The fraction depends on math.Exp's implementation
// (assembly on some architectures), so it is logged, not pinned; the
// bounds are asserted.
func TestExpAgainstMathExp(t *testing.T) {
	rng := rand.New(rand.NewPCG(29, 1))
	const n = 200000
	var apart [3]int // by the number of steps between the table and math.Exp
	worstRef, worstMathRef := int64(0), int64(0)
	for i := range n {
		x := -rng.Float64() * 708
		if i%2 == 0 {
			x = -rng.Float64() * 4
		}
		got, std := expNonPositive(x), math.Exp(x)
		d := steps(got, std)
		if d > 2 {
			t.Fatalf("exp(%v): table %v, math.Exp %v: %d steps apart, want ≤ 2", x, got, std, d)
		}
		apart[d]++
		if i%10 == 0 {
			ref := bigExp(x)
			worstRef = max(worstRef, steps(got, ref))
			worstMathRef = max(worstMathRef, steps(std, ref))
		}
	}
	differ := apart[1] + apart[2]
	t.Logf("the table exp differs from math.Exp in %d of %d samples (%.1f %%): %d by 1 ulp, %d by 2 ulp; "+
		"from the correctly rounded value at most %d ulp (math.Exp %d ulp)",
		differ, n, 100*float64(differ)/n, apart[1], apart[2], worstRef, worstMathRef)
	if worstRef > 1 {
		t.Errorf("the table exp is %d ulp from the correctly rounded value, want ≤ 1", worstRef)
	}
}

// TestExpShiftedVecMatchesScalar checks that the vector exponentials
// (exp_amd64.s, on processors with AVX-512 F and DQ) are the portable
// ones bit for bit, values and sum, on seeded vectors of every length up
// to 20 (whole vectors of 8 and a part) with arguments where softmax
// meets them, over the whole reduced range, at the ends of the range, at
// the halves where the rounding of k changes, and at ±0; and that an
// argument below −708, −Inf or NaN sends the caller to the scalar code.
// expShiftedPairVec is checked the same way (checkPairVec). Without
// vectors in the build it is skipped.
func TestExpShiftedVecMatchesScalar(t *testing.T) {
	if !vecExp {
		t.Skip("no vector exp on this processor or in this build (it needs amd64 with AVX-512 F and DQ, without the purego tag)")
	}
	rng := rand.New(rand.NewPCG(7, 2026))
	special := []float64{0, math.Copysign(0, -1), -708, math.Nextafter(-708, 0), -1e-300, -5e-324,
		-math.Ln2 / 64, -math.Ln2 / 32, -math.Ln2, -20, -40, -707.5}
	arg := func(i int) float64 {
		switch i % 5 {
		case 0:
			return -rng.Float64() * 4
		case 1:
			return -rng.Float64() * 708
		case 2:
			// x·32/ln2 − 0.5 within a few ulps of an integer.
			k := float64(rng.IntN(32000))
			x := -(k + 0.5) * math.Ln2 / 32
			for range rng.IntN(4) {
				x = math.Nextafter(x, math.Inf(rng.IntN(2)*2-1))
			}
			return max(x, -708)
		case 3:
			return special[rng.IntN(len(special))]
		}
		return -rng.ExpFloat64() * 10
	}
	checked := 0
	for n := 1; n <= 20; n++ {
		src := make([]float64, n)
		want, got := make([]float64, n), make([]float64, n)
		for range 3000 {
			shift := 0.0
			if rng.IntN(2) == 0 {
				shift = rng.NormFloat64() * 30
			}
			for i := range src {
				src[i] = arg(rng.IntN(5)) + shift
			}
			for i := range src {
				// What softmax does: arguments x = src − shift ≤ 0.
				src[i] = min(src[i], shift)
			}
			ws := expShiftedScalar(want, src, shift)
			gs, ok := expShiftedVec(got, src, shift)
			checkPairVec(t, src, shift)
			below := false
			for _, v := range src {
				below = below || !(v-shift >= expMinArg)
			}
			if ok == below {
				t.Fatalf("src %v, shift %v: vector ok = %v with an argument below −708: %v", src, shift, ok, below)
			}
			if !ok {
				continue
			}
			checked++
			if math.Float64bits(gs) != math.Float64bits(ws) {
				t.Fatalf("src %v, shift %v: vector sum %v, scalar %v", src, shift, gs, ws)
			}
			for i := range want {
				if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
					t.Fatalf("src %v, shift %v: vector e[%d] = %v, scalar %v", src, shift, i, got[i], want[i])
				}
			}
		}
	}
	for _, bad := range []float64{-708.5, -1e300, math.Inf(-1), math.NaN()} {
		src := []float64{0, -1, bad, -2}
		if _, ok := expShiftedVec(make([]float64, 4), src, 0); ok {
			t.Errorf("expShiftedVec took %v itself", bad)
		}
	}
	t.Logf("%d vectors compared", checked)
}

// checkPairVec checks expShiftedPairVec against expShiftedPairScalar on
// src and its reverse (shifted by shift and by 1 more): the same values and
// sums bit for bit, or false exactly when an argument is below −708.
func checkPairVec(t *testing.T, src []float64, shift float64) {
	t.Helper()
	n := len(src)
	rev := slices.Clone(src)
	slices.Reverse(rev)
	w0, w1, g0, g1 := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	ws0, ws1 := expShiftedPairScalar(w0, src, shift, w1, rev, shift+1)
	gs0, gs1, ok := expShiftedPairVec(g0, src, shift, g1, rev, shift+1)
	below := false
	for _, v := range src {
		below = below || !(v-shift-1 >= expMinArg)
	}
	if ok == below {
		t.Fatalf("src %v, shift %v: pair ok = %v with an argument below −708: %v", src, shift, ok, below)
	}
	if !ok {
		return
	}
	if math.Float64bits(gs0) != math.Float64bits(ws0) || math.Float64bits(gs1) != math.Float64bits(ws1) {
		t.Fatalf("src %v, shift %v: pair sums %v %v, scalar %v %v", src, shift, gs0, gs1, ws0, ws1)
	}
	for i := range w0 {
		if math.Float64bits(g0[i]) != math.Float64bits(w0[i]) || math.Float64bits(g1[i]) != math.Float64bits(w1[i]) {
			t.Fatalf("src %v, shift %v: pair e[%d] = %v %v, scalar %v %v", src, shift, i, g0[i], g1[i], w0[i], w1[i])
		}
	}
}

var expSink float64

func BenchmarkExp(b *testing.B) {
	xs := []float64{0, -5.86, -20, -0.3, -40, -14.1, -1.2, -7}
	b.Run("expNonPositive", func(b *testing.B) {
		s := 0.0
		for b.Loop() {
			for _, x := range xs {
				s += expNonPositive(x)
			}
		}
		expSink = s
	})
	b.Run("math.Exp", func(b *testing.B) {
		s := 0.0
		for b.Loop() {
			for _, x := range xs {
				s += math.Exp(x)
			}
		}
		expSink = s
	})
}

// TestRecipeIsExpShifted checks that Recipe describes expShifted: the
// recipe's formula, evaluated in Go with its numbers, gives
// expShiftedScalar's values and sum bit for bit on seeded vectors, so a
// vector kernel that follows the recipe (the grid's softmax lanes in
// hoplab/internal/sim) computes the same exponentials.
func TestRecipeIsExpShifted(t *testing.T) {
	r := Recipe()
	rng := rand.New(rand.NewPCG(3, 1))
	src := make([]float64, 9)
	want := make([]float64, len(src))
	for range 20000 {
		shift := float64(rng.NormFloat64() * 20) // rounded: x + shift must not fuse its product
		for i := range src {
			x := -rng.Float64() * 4
			if i%3 == 0 {
				x = -rng.Float64() * 708
			}
			src[i] = x + shift
		}
		ws := expShiftedScalar(want, src, shift)
		sum := 0.0
		for i, v := range src {
			x := v - shift
			if !(x >= r.MinArg) {
				t.Fatalf("argument %v below the recipe's range", x)
			}
			k := int64(float64(x*r.InvLn2x32) - r.Half)
			fk := float64(k)
			rr := float64(x-float64(fk*r.Ln2d32Hi)) - float64(fk*r.Ln2d32Lo)
			p := float64(rr * r.P[0])
			for _, c := range r.P[1:] {
				p = float64(rr * float64(c+p))
			}
			tt := r.Table[k&31]
			e := float64(float64(tt+float64(tt*p)) * math.Float64frombits(uint64(1023+(k>>5))<<52))
			if math.Float64bits(e) != math.Float64bits(want[i]) {
				t.Fatalf("e^%v: recipe %v, expShifted %v", x, e, want[i])
			}
			sum += e
		}
		if math.Float64bits(sum) != math.Float64bits(ws) {
			t.Fatalf("sum: recipe %v, expShifted %v", sum, ws)
		}
	}
}
