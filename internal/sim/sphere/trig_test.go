package sphere

import (
	"math"
	"math/rand/v2"
	"runtime"
	"testing"
)

// mulAdd returns x*y + z as this build compiles it: fused into one
// multiply-add or not.
//
//go:noinline
func mulAdd(x, y, z float64) float64 { return x*y + z }

// fusesMultiplyAdds reports whether this build fuses x*y + z: the product
// (1 + 2⁻³⁰)(1 − 2⁻³⁰) = 1 − 2⁻⁶⁰ rounds to 1, so the sum is 0 when the
// product is rounded first and −2⁻⁶⁰ when it is fused.
func fusesMultiplyAdds() bool { return mulAdd(1+0x1p-30, 1-0x1p-30, -1) != 0 }

// TestSincosMatchesMath: where the standard library is compiled without
// fusion (amd64 below GOAMD64=v3, whose math.Sincos is portable Go), Sincos
// gives its bits; everywhere, it is within 1 ulp of math.Sin and math.Cos.
func TestSincosMatchesMath(t *testing.T) {
	exact := runtime.GOARCH == "amd64" && !fusesMultiplyAdds()
	t.Logf("GOARCH %s, fuses multiply-adds: %v; compared bit for bit: %v", runtime.GOARCH, fusesMultiplyAdds(), exact)
	rng := rand.New(rand.NewPCG(5, 31))
	args := []float64{0, math.Copysign(0, -1), 1e-300, math.Pi / 4, math.Pi / 2, math.Pi, 2 * math.Pi, -math.Pi / 3,
		53.6578501 * math.Pi / 360, 1<<29 - 1, 1 << 29, 1e10, math.Inf(1), math.Inf(-1), math.NaN()}
	for range 200000 {
		x := (rng.Float64()*2 - 1) * math.Pow(2, float64(rng.IntN(40)-30))
		args = append(args, x)
	}
	for _, x := range args {
		sin, cos := Sincos(x)
		ws, wc := math.Sin(x), math.Cos(x)
		if math.IsNaN(ws) {
			if !math.IsNaN(sin) || !math.IsNaN(cos) {
				t.Fatalf("Sincos(%v) = %v, %v; want NaN, NaN", x, sin, cos)
			}
			continue
		}
		if exact && (math.Float64bits(sin) != math.Float64bits(ws) || math.Float64bits(cos) != math.Float64bits(wc)) {
			t.Fatalf("Sincos(%v) = %v, %v; math: %v, %v", x, sin, cos, ws, wc)
		}
		for _, c := range [][2]float64{{sin, ws}, {cos, wc}} {
			if c[0] != c[1] && math.Nextafter(c[0], c[1]) != c[1] {
				t.Fatalf("Sincos(%v) = %v, %v; math: %v, %v (more than 1 ulp apart)", x, sin, cos, ws, wc)
			}
		}
	}
}
