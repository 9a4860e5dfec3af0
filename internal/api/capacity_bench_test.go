package api

import (
	"fmt"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	"hoplab/internal/scenario"
	"hoplab/internal/workpool"
)

// BenchmarkCapacityUnits measures what the capacity work limits count, on
// this machine and one core (no pool), end to end (decoding, training,
// retrievals, JSON), for shapes from the authors' default to the limits,
// every map alone, with and without the normalised models, at β where
// supports are full (0.01, 1) and sparse (20). Few queries settle early
// at these β, but some do: the model must stay above the measured time.
// It reports ns per query update (of every model, from the time of the
// request less that of the same request with one query), the model of
// that part (RetrievalWork) over its measure, and model/measured:
// CapacityPlan.Work over the worst time of the whole request. Both must
// stay above 1 for the limits to hold. capacity.go (scenario) quotes these numbers.
// Run it alone on a quiet machine:
//
//	go test ./internal/api -run '^$' -bench CapacityUnits -benchtime 1x
func BenchmarkCapacityUnits(b *testing.B) {
	lim := scenario.DefaultLimits()
	lim.RunTimeout = time.Hour
	lim.MaxCapacityWork = lim.MaxCapacityJobWork
	h := newServer(Config{Limits: lim}).routes(nil)
	for _, c := range []struct{ m, d, k, q int }{
		{10, 5, 5, 20000}, {64, 16, 16, 4000}, {256, 64, 64, 1000}, {1024, 64, 64, 300}, {1024, 8, 8, 1000}, {16, 512, 512, 1000}, {2, 512, 8, 10000},
	} {
		for _, sep := range []string{"softmax", "entmax15", "sparsemax"} {
			for _, beta := range []float64{0.01, 1, 20} {
				for _, norm := range []bool{false, true} {
					body := func(q int) string {
						return fmt.Sprintf(`{"memories":{"gaussian":{"count":%d,"dim":%d,"seed":1}},"queries":{"gaussian":{"count":%d,"seed":2}},
						"beta":%g,"separations":[%q],"featureMap":{"dim":%d,"init":"torchLinear"},"uhop":{"iterations":2,"lr":0.1,"tau":0.1,"loss":"paper"},
						"retrieval":{"steps":10,"normalizeFeatures":%v}}`, c.m, c.d, q, beta, sep, c.k, norm)
					}
					plan := func(q int) *scenario.CapacityPlan {
						cr, err := scenario.DecodeCapacity([]byte(body(q)))
						if err != nil {
							b.Fatal(err)
						}
						cp, err := scenario.ResolveCapacity(cr, lim)
						if err != nil {
							b.Fatal(err)
						}
						return cp
					}
					full, base := plan(c.q), plan(1)
					post := func(q int) float64 {
						start := time.Now()
						rec := request(h, http.MethodPost, capacityPath, "application/json", body(q))
						if rec.Code != http.StatusOK {
							b.Fatalf("status %d: %.300s", rec.Code, rec.Body)
						}
						return float64(time.Since(start).Nanoseconds())
					}
					name := fmt.Sprintf("M=%d,d=%d,k=%d/%s/beta=%g/normalized=%v", c.m, c.d, c.k, sep, beta, norm)
					b.Run(name, func(b *testing.B) {
						var worst, worstRetrieval float64
						for b.Loop() {
							all, one := post(c.q), post(1)
							worst = math.Max(worst, all)
							worstRetrieval = math.Max(worstRetrieval, all-one)
						}
						b.ReportMetric(worstRetrieval/float64((c.q-1)*10), "ns/query-update")
						b.ReportMetric((full.RetrievalWork()-base.RetrievalWork())/worstRetrieval, "retrieval-model/measured")
						b.ReportMetric(full.Work()/worst, "model/measured")
					})
				}
			}
		}
	}
}

// BenchmarkCapacityDefault times POST /api/v1/capacity end to end on a
// pool of two workers, as the server runs it, for the authors' synthetic
// setting (defaultCapacity: d = 5, M = 10, D_Φ = 5, β = 1, 20 steps, 20
// Adam steps of lr 1 with the paper loss and τ = 0.1, 1000 queries, the
// three maps), without and with the normalised model:
//
//	go test ./internal/api -run '^$' -bench CapacityDefault -count 5
func BenchmarkCapacityDefault(b *testing.B) {
	pool := workpool.New(2)
	defer pool.Close()
	h := newServer(Config{Pool: pool}).routes(nil)
	for _, c := range []struct{ name, body string }{
		{"plain", strings.Replace(defaultCapacity, `"normalizeFeatures": true`, `"normalizeFeatures": false`, 1)},
		{"normalized", defaultCapacity},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if rec := request(h, http.MethodPost, capacityPath, "application/json", c.body); rec.Code != http.StatusOK {
					b.Fatalf("status %d: %.300s", rec.Code, rec.Body)
				}
			}
		})
	}
}
