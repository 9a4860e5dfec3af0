package api

import (
	"net/http"
	"runtime"
	"testing"

	"hoplab/internal/workpool"
)

// BenchmarkFigure serves POST /api/v1/figures end to end for each figure
// (the request's checks, the runs' U-Hop+ steps and renderings, the
// answer's JSON), on a pool with one worker per core: what the figures
// page waits for, its job's queueing and polling aside.
//
//	flock /tmp/hoplab-bench.lock go test ./internal/api -run '^$' -bench Figure -benchtime 20x -count 5
func BenchmarkFigure(b *testing.B) {
	pool := workpool.New(runtime.GOMAXPROCS(0))
	defer pool.Close()
	h := newServer(Config{Pool: pool}).routes(nil)
	for _, name := range figureNames() {
		b.Run(name, func(b *testing.B) {
			body := `{"figure": "` + name + `"}`
			size := 0
			for b.Loop() {
				rec := request(h, http.MethodPost, figuresPath, "application/json", body)
				if rec.Code != http.StatusOK {
					b.Fatalf("status %d: %.300s", rec.Code, rec.Body)
				}
				size = rec.Body.Len()
			}
			b.ReportMetric(float64(size)/1024, "KiB/op")
		})
	}
}
