package api

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"hoplab/internal/scenario"
	"hoplab/internal/workpool"
)

// figureTestdataDir holds answers of POST /api/v1/figures on small grids
// for the page's unit tests (web/static/js/figures/*.test.js), so that the
// page's modules and this server agree on one format.
const figureTestdataDir = "../../web/static/js/figures/testdata"

// figureTestdataGrid is the side of their grids: small, and odd.
const figureTestdataGrid = 5

// TestWriteFigureTestdata checks that the figures' answers in
// web/static/js/figures/testdata are what the server answers now, on
// 5 × 5 grids (Prop. 3.1 whole). With -update it writes them instead:
//
//	go test ./internal/api -run TestWriteFigureTestdata -update
func TestWriteFigureTestdata(t *testing.T) {
	s := newTestServer(t, scenario.Limits{})
	for _, name := range figureNames() {
		spec := figureSpecs[name]
		if spec.grid != 0 {
			spec.grid = figureTestdataGrid
		}
		fig, err := planFigure(name, spec, s.limits)
		if err != nil {
			t.Fatal(err)
		}
		body, err := s.computeFigure(context.Background(), fig, workpool.NewOwner("test"), nil)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(figureTestdataDir, name+".json")
		if *update {
			if err := os.WriteFile(path, body, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		old, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (write the files with -update)", err)
		}
		if !bytes.Equal(old, body) {
			t.Errorf("%s differs from the server's answer now (%d bytes, now %d); if the change is meant, run go test ./internal/api -run TestWriteFigureTestdata -update and commit it", path, len(old), len(body))
		}
	}
}
