package api

import (
	"net/http"
	"runtime"
	"testing"

	"hoplab/internal/workpool"
)

// BenchmarkRun serves POST /api/v1/run end to end (decoding, checks, 20
// U-Hop+ steps, two 100×100 snapshots of three maps, JSON encoding) for
// eight memories, on a pool with one worker per core.
func BenchmarkRun(b *testing.B) {
	pool := workpool.New(runtime.GOMAXPROCS(0))
	defer pool.Close()
	h := newServer(Config{Pool: pool}).routes(nil)
	body := `{"memories": [[1,0],[0.7,0.7],[0,1],[-0.7,0.7],[-1,0],[-0.7,-0.7],[0,-1],[0.75,-0.65]],
		"featureMap": {"affine": true, "init": "random", "seed": 7}, "uhop": {"iterations": 20}}`
	size := 0
	for b.Loop() {
		rec := postRun(h, body)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
		size = rec.Body.Len()
	}
	b.ReportMetric(float64(size)/1024, "KiB/op")
}
