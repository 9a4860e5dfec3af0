package api

import (
	"encoding/json"
	"hoplab/internal/scenario"
	"net/http"
	"testing"
)

// FuzzRun posts arbitrary bodies through the whole handler, under limits
// small enough that every accepted scenario computes in microseconds: the
// answer is never a 500 and never a hang, a 4xx always carries a JSON error,
// and a 200 is a Result whose grids have the announced shape.
func FuzzRun(f *testing.F) {
	for _, seed := range []string{
		`{"memories": [[1, 0], [0, 1]], "view": {"grid": {"nx": 4, "ny": 3}}}`,
		`{"memories": [[1, 0], [0.9, 0.1], [-1, 0]], "featureMap": {"affine": true, "init": "random", "seed": 3},
		  "uhop": {"iterations": 3, "optimizer": "sgd", "momentum": 0.5, "loss": "paper"}, "view": {"grid": {"nx": 5, "ny": 5}}}`,
		`{"memories": [[1, 0], [0, 0]], "normalizeMemories": false, "separations": ["entmax:3"], "view": {"space": "input", "grid": {"nx": 2, "ny": 2, "margin": 0}}}`,
		`{"memories": [[1, 2, 3]], "featureMap": {"dim": 2, "init": "random"}, "uhop": {"iterations": 2}, "view": {"grid": {"nx": 3, "ny": 3}}}`,
		`{"memories": [[1e6, -1e6], [1e-300, 1]], "beta": 1e6, "featureMap": {"affine": true, "b": [1e6, -1e6]}, "view": {"grid": {"nx": 2, "ny": 2}}}`,
		`{"memories": [[0, 0]], "normalizeMemories": false, "view": {"grid": {"nx": 2, "ny": 2, "margin": 0}}}`,
		`{"memories": [[1, 0], [0, 1]], "uhop": {"iterations": 4, "lr": 1000, "tau": 0.0001}, "view": {"grid": {"nx": 3, "ny": 3}}}`,
		`{"memories": [[1, 0], [0, 1]], "uhop": {"lr": 1, "lr": 2}, "ui": {"a": [{"b": 1, "b": 2}]}}`,
	} {
		f.Add([]byte(seed))
	}
	lim := scenario.DefaultLimits()
	lim.MaxMemories, lim.MaxInputDim, lim.MaxFeatureDim = 6, 6, 6
	lim.MaxIterations, lim.MaxRetrievalSteps = 8, 8
	lim.MaxGridSide, lim.MaxGridCells, lim.MaxSnapshots = 8, 64, 4
	lim.MaxOutputCells, lim.MaxRenderWork, lim.MaxTrainWork = 4096, 1<<20, 1<<16
	s := newServer(Config{Limits: lim})
	h := s.routes(nil)
	f.Fuzz(func(t *testing.T, body []byte) {
		rec := postRun(h, string(body))
		switch {
		case rec.Code == http.StatusOK:
			var res resultJSON
			if err := json.Unmarshal(rec.Body.Bytes(), &res); err != nil {
				t.Fatalf("200 with a body that does not decode: %v\n%s", err, rec.Body)
			}
			for _, sn := range res.Snapshots {
				for _, p := range sn.Panels {
					if len(p.Energy) != len(sn.YS) || len(p.Labels) != len(sn.YS) || len(p.Support) != len(sn.YS) {
						t.Fatalf("panel %s has %d rows, the grid %d", p.Separation, len(p.Energy), len(sn.YS))
					}
					for i := range p.Energy {
						if len(p.Energy[i]) != len(sn.XS) || len(p.Labels[i]) != len(sn.XS) || len(p.Support[i]) != len(sn.XS) {
							t.Fatalf("panel %s row %d is not %d wide", p.Separation, i, len(sn.XS))
						}
					}
				}
			}
		case rec.Code >= 400 && rec.Code < 500:
			errorOf(t, rec)
		default:
			t.Fatalf("status %d for %q: %s", rec.Code, body, rec.Body)
		}
	})
}
