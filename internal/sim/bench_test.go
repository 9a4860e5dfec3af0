package sim

import (
	"context"
	"math"
	"runtime"
	"testing"

	"hoplab/internal/sim/separation"
	"hoplab/internal/workpool"
)

var t0ctx = context.Background()

// standardFrameSettings is the standard frame of the issue: β = 20, a
// 128×128 grid on [−1.2, 1.2]², softmax, 1.5-entmax and sparsemax panels,
// 5 retrieval steps, tolerance 1e-3, in the feature view.
func standardFrameSettings(tb testing.TB) FrameSettings {
	return FrameSettings{
		Space:       FeatureSpace,
		Beta:        20,
		Separations: []separation.Map{mustMap(tb, "softmax"), mustMap(tb, "entmax15"), mustMap(tb, "sparsemax")},
		Steps:       5,
		Tolerance:   1e-3,
		SupportEps:  0.01,
		Grid:        GridSpec{NX: 128, NY: 128, Bounds: &Rect{-1.2, 1.2, -1.2, 1.2}},
	}
}

// standardRun holds 8 unit memories at 0°, 45°, …, 315° and the identity map.
func standardRun(tb testing.TB) *Run {
	mem := make([][]float64, 8)
	for i := range mem {
		a := float64(i) * math.Pi / 4
		mem[i] = []float64{math.Cos(a), math.Sin(a)}
	}
	r, err := New(Settings{Memories: mem, NormalizeMemories: true, UHop: UHopSettings{Optimizer: Adam, LR: 0.1, Tau: 1}})
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

var frameSink Frame

// BenchmarkStandardFrame renders the standard frame (energy, labels and
// support for three panels) per op on a pool with one worker per core.
func BenchmarkStandardFrame(b *testing.B) {
	run := standardRun(b)
	fs := standardFrameSettings(b)
	pool := workpool.New(runtime.GOMAXPROCS(0))
	defer pool.Close()
	runner := poolRunner(pool)
	if err := run.Render(&frameSink, 0, fs, runner); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if err := run.Render(&frameSink, 0, fs, runner); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStandardFrameSerial is the same frame on one goroutine.
func BenchmarkStandardFrameSerial(b *testing.B) {
	run := standardRun(b)
	fs := standardFrameSettings(b)
	b.ReportAllocs()
	for b.Loop() {
		if err := run.Render(&frameSink, 0, fs, Serial{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStep is one U-Hop+ step for 8 memories in the plane.
func BenchmarkStep(b *testing.B) {
	run := standardRun(b)
	b.ReportAllocs()
	for b.Loop() {
		run.Step()
	}
}

// clusteredRun holds the explorer's default preset: 8 unit memories 10°
// apart on a 70° arc and the affine identity map. Hardly any query of it
// settles before the last retrieval step, which makes it the renderer's
// worst case.
func clusteredRun(tb testing.TB) *Run {
	mem := make([][]float64, 8)
	for i := range mem {
		a := float64(i) * 10 * math.Pi / 180
		mem[i] = []float64{math.Cos(a), math.Sin(a)}
	}
	r, err := New(Settings{
		Memories: mem, NormalizeMemories: true,
		FeatureMap: FeatureMapSettings{Affine: true, Init: InitIdentity},
		UHop:       UHopSettings{Optimizer: Adam, LR: 0.02, Tau: 0.1},
	})
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

// BenchmarkClusteredFramesSerial renders the explorer's default frame, the
// standard three panels on [−1.5, 1.5]² in both the input and the feature
// view, on one goroutine: the CPU time one live frame costs.
func BenchmarkClusteredFramesSerial(b *testing.B) {
	run := clusteredRun(b)
	fs := standardFrameSettings(b)
	fs.Grid.Bounds = &Rect{-1.5, 1.5, -1.5, 1.5}
	var input, feature Frame
	b.ReportAllocs()
	for b.Loop() {
		fs.Space = InputSpace
		if err := run.Render(&input, 0, fs, Serial{}); err != nil {
			b.Fatal(err)
		}
		fs.Space = FeatureSpace
		if err := run.Render(&feature, 0, fs, Serial{}); err != nil {
			b.Fatal(err)
		}
	}
}
