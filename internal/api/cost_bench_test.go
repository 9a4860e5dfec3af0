package api

import (
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"
	"time"

	"hoplab/internal/scenario"
	"hoplab/internal/sim/separation"
)

// BenchmarkWorkUnits measures what the work limits count, on this machine
// and one core (no pool), for shapes that defeat the early exits: a unit
// of MaxTrainWork, and one cell update per memory of MaxRenderWork for
// every kind of separation map, with few and with many memories, end to
// end (decoding, work, JSON). It reports ns/unit, and model/measured:
// the estimate that MaxRenderWork (renderWork) and MaxTrainWork
// (scenario.TrainUnitNs) make of the time, over the time measured; it must stay
// above 1 for the limits to hold. limits.go quotes these numbers. Run it
// alone on a quiet machine:
//
//	go test ./internal/api -run '^$' -bench WorkUnits -benchtime 1x
func BenchmarkWorkUnits(b *testing.B) {
	lim := scenario.DefaultLimits()
	lim.RunTimeout = time.Hour
	h := newServer(Config{Limits: lim}).routes(nil)
	memories := func(m, d int, seed uint64) string {
		rng := rand.New(rand.NewPCG(seed, 1))
		rows := make([]string, m)
		for i := range rows {
			v := make([]string, d)
			for j := range v {
				v[j] = fmt.Sprint(rng.NormFloat64())
			}
			rows[i] = "[" + strings.Join(v, ",") + "]"
		}
		return "[" + strings.Join(rows, ",") + "]"
	}
	type shape struct {
		name  string
		body  string
		units func() int64
		model func() float64 // estimated ns
	}
	var shapes []shape
	// Training: N·(M·d·D_Φ + M²·D_Φ).
	for _, c := range []struct{ m, d, k, n int }{{512, 2, 2, 200}, {64, 512, 512, 2}, {512, 512, 512, 1}, {8, 2, 2, 10000}} {
		shapes = append(shapes, shape{
			name: fmt.Sprintf("train/M=%d,d=%d,k=%d", c.m, c.d, c.k),
			body: fmt.Sprintf(`{"memories":%s,"featureMap":{"dim":%d,"init":"random","affine":true},"uhop":{"iterations":%d},"snapshots":[]}`,
				memories(c.m, c.d, 1), c.k, c.n),
			units: func() int64 { return int64(c.n) * (int64(c.m*c.d*c.k) + int64(c.m*c.m*c.k)) },
			model: func() float64 {
				return scenario.TrainUnitNs * float64(c.n) * (float64(c.m*c.d*c.k) + float64(c.m*c.m*c.k))
			},
		})
	}
	// Rendering: nx·ny·snapshots·steps·M·cost, at several β (large β
	// takes exp's slow path and sparser supports, small β keeps every
	// memory in the support), tolerance tiny so that no cell settles on
	// the tolerance, and bisection maps with a fast (α = 1.25:
	// 1/(α−1) = 4) and a general exponent.
	for _, sep := range []string{"softmax", "entmax15", "sparsemax", "entmax:1.25", "entmax:1.2", "entmax:7"} {
		for _, beta := range []float64{0.01, 1, 20, 5000} {
			for _, c := range []struct{ m, nx, steps int }{{2, 128, 100}, {16, 96, 50}, {64, 48, 40}, {512, 16, 20}} {
				if strings.HasPrefix(sep, "entmax:") {
					c.steps /= 4
				}
				shapes = append(shapes, shape{
					name: fmt.Sprintf("render/%s/beta=%g/M=%d", sep, beta, c.m),
					body: fmt.Sprintf(`{"memories":%s,"beta":%g,"separations":[%q],"retrieval":{"steps":%d,"tolerance":1e-12},"view":{"grid":{"nx":%d,"ny":%d}},"snapshots":[0]}`,
						memories(c.m, 2, 2), beta, sep, c.steps, c.nx, c.nx),
					units: func() int64 { return int64(c.nx*c.nx) * int64(c.steps) * int64(c.m) },
					model: func() float64 {
						m, err := separation.Parse(sep)
						if err != nil {
							panic(err)
						}
						return scenario.RenderWork(int64(c.nx*c.nx)*int64(c.steps), c.m, []separation.Map{m})
					},
				})
			}
		}
	}
	for _, sh := range shapes {
		b.Run(sh.name, func(b *testing.B) {
			var worst float64
			for b.Loop() {
				start := time.Now()
				rec := postRun(h, sh.body)
				if rec.Code != http.StatusOK {
					b.Fatalf("status %d: %.300s", rec.Code, rec.Body)
				}
				worst = math.Max(worst, float64(time.Since(start).Nanoseconds()))
			}
			b.ReportMetric(worst/float64(sh.units()), "ns/unit")
			b.ReportMetric(sh.model()/worst, "model/measured")
		})
	}
}
