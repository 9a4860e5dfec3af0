package sphere

import "math"

// Sincos returns sin x and cos x with the same bits on every architecture
// and GOAMD64 level. It is the algorithm of the standard library's
// math.Sincos (Cephes: Cody–Waite reduction by π/4 in three parts, then
// degree-13 and degree-14 polynomials on [−π/4, π/4]) with every product
// rounded on its own (float64(…)), so that no compiler fuses it into
// multiply-adds. math.Sincos is compiled with fusion where the target allows
// it (arm64, ppc64le, s390x, riscv64, amd64 with GOAMD64=v3), which moves
// some results by an ulp; on amd64 below v3 the two agree bit for bit
// (TestSincosMatchesMath), and both are within 1 ulp of the exact values.
//
// Arguments of magnitude 2²⁹ or more (where math.Sincos switches to
// Payne–Hanek reduction), ±Inf and NaN are passed to math.Sincos; hoplab
// only takes sines of angles within a turn or two.
func Sincos(x float64) (sin, cos float64) {
	const (
		pi4A = 7.85398125648498535156e-1  // 0x3fe921fb40000000, π/4 split into three parts
		pi4B = 3.77489470793079817668e-8  // 0x3e64442d00000000
		pi4C = 2.69515142907905952645e-15 // 0x3ce8469898cc5170
	)
	if x == 0 {
		return x, 1
	}
	if !(math.Abs(x) < 1<<29) { // also ±Inf and NaN
		return math.Sincos(x)
	}
	sinSign, cosSign := false, false
	if x < 0 {
		x = -x
		sinSign = true
	}
	j := uint64(x * (4 / math.Pi)) // integer part of x/(π/4)
	y := float64(j)
	if j&1 == 1 {
		j++
		y++
	}
	j &= 7 // octant modulo 2π
	z := float64(float64(x-float64(y*pi4A))-float64(y*pi4B)) - float64(y*pi4C)
	if j > 3 {
		j -= 4
		sinSign, cosSign = !sinSign, !cosSign
	}
	if j > 1 {
		cosSign = !cosSign
	}
	zz := float64(z * z)
	cos = float64(1.0-float64(0.5*zz)) + float64(float64(zz*zz)*poly(zz, &trigCos))
	sin = z + float64(float64(z*zz)*poly(zz, &trigSin))
	if j == 1 || j == 2 {
		sin, cos = cos, sin
	}
	if cosSign {
		cos = -cos
	}
	if sinSign {
		sin = -sin
	}
	return sin, cos
}

// poly returns ((((c₀z + c₁)z + c₂)z + c₃)z + c₄)z + c₅, each product
// rounded before it is added.
func poly(z float64, c *[6]float64) float64 {
	p := float64(c[0] * z)
	for _, ci := range c[1:5] {
		p = float64(float64(p+ci) * z)
	}
	return p + c[5]
}

// The coefficients of math.Sincos (Cephes sin.c).
var (
	trigSin = [6]float64{
		1.58962301576546568060e-10, // 0x3de5d8fd1fd19ccd
		-2.50507477628578072866e-8, // 0xbe5ae5e5a9291f5d
		2.75573136213857245213e-6,  // 0x3ec71de3567d48a1
		-1.98412698295895385996e-4, // 0xbf2a01a019bfdf03
		8.33333333332211858878e-3,  // 0x3f8111111110f7d0
		-1.66666666666666307295e-1, // 0xbfc5555555555548
	}
	trigCos = [6]float64{
		-1.13585365213876817300e-11, // 0xbda8fa49a0861a9b
		2.08757008419747316778e-9,   // 0x3e21ee9d7b4e3f05
		-2.75573141792967388112e-7,  // 0xbe927e4f7eac4bc6
		2.48015872888517045348e-5,   // 0x3efa01a019c844f5
		-1.38888888888730564116e-3,  // 0xbf56c16c16c14f91
		4.16666666666665929218e-2,   // 0x3fa555555555554b
	}
)
