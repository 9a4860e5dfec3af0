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
// page waits for the first time, its job's queueing and polling aside.
// The server's copy of the figure is dropped before every request, so
// each one computes; BenchmarkFigureKept times the answers from it.
//
//	flock /tmp/hoplab-bench.lock go test ./internal/api -run '^$' -bench Figure -benchtime 20x -count 5
func BenchmarkFigure(b *testing.B) {
	benchmarkFigure(b, true)
}

// BenchmarkFigureKept serves POST /api/v1/figures for a figure the server
// has computed: the request's checks and the kept answer's bytes.
func BenchmarkFigureKept(b *testing.B) {
	benchmarkFigure(b, false)
}

func benchmarkFigure(b *testing.B, compute bool) {
	pool := workpool.New(runtime.GOMAXPROCS(0))
	defer pool.Close()
	s := newServer(Config{Pool: pool})
	h := s.routes(nil)
	for _, name := range figureNames() {
		b.Run(name, func(b *testing.B) {
			body := `{"figure": "` + name + `"}`
			if !compute {
				request(h, http.MethodPost, figuresPath, "application/json", body) // computes and keeps it
			}
			size := 0
			for b.Loop() {
				if compute {
					s.figures.mu.Lock()
					s.figures.answers = nil
					s.figures.mu.Unlock()
				}
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
