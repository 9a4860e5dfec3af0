package api

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"hoplab/internal/golden"
	"hoplab/internal/live/livetest"
	"hoplab/internal/scenario"
	"hoplab/internal/workpool"
)

// newTestServer returns a server with a small pool of its own; lim zero
// means the default limits.
func newTestServer(t *testing.T, lim scenario.Limits) *server {
	t.Helper()
	pool := workpool.New(2)
	t.Cleanup(pool.Close)
	s := newServer(Config{Pool: pool, Limits: lim, Logger: slog.New(slog.NewTextHandler(&testLogWriter{t: t}, nil))})
	// Jobs outlive requests: stop them as a server shutting down does,
	// before the pool closes.
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), livetest.Timeout)
		defer cancel()
		s.stopRuns()
		if err := s.jobs.wait(ctx); err != nil {
			t.Errorf("stopping the jobs: %v", err)
		}
	})
	return s
}

// testLogWriter sends the handler's logs to t.Log.
type testLogWriter struct {
	mu sync.Mutex
	t  *testing.T
}

func (w *testLogWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.t.Log(strings.TrimSuffix(string(p), "\n"))
	return len(p), nil
}

// testOrigin is the scheme and host of the tests' requests: a loopback
// name, which the default allowed hosts include.
const testOrigin = "http://localhost"

// request serves one request on h and returns the recorded response.
func request(h http.Handler, method, path, contentType, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, testOrigin+path, strings.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// postRun posts body to /api/v1/run as JSON.
func postRun(h http.Handler, body string) *httptest.ResponseRecorder {
	return request(h, http.MethodPost, "/api/v1/run", "application/json", body)
}

// errorOf decodes the JSON error body of rec strictly.
func errorOf(t *testing.T, rec *httptest.ResponseRecorder) errorDetail {
	t.Helper()
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Fatalf("Content-Type = %q, want application/json; body %s", ct, rec.Body)
	}
	dec := json.NewDecoder(bytes.NewReader(rec.Body.Bytes()))
	dec.DisallowUnknownFields()
	var body struct {
		Error *errorDetail `json:"error"`
	}
	if err := dec.Decode(&body); err != nil || body.Error == nil {
		t.Fatalf("error body %q does not decode: %v", rec.Body, err)
	}
	if !strings.Contains(rec.Body.String(), `"field":`) {
		t.Errorf("error body %s has no field member", rec.Body)
	}
	if body.Error.Message == "" {
		t.Errorf("error body %s has an empty message", rec.Body)
	}
	return *body.Error
}

// resultJSON is the docs/api.md Result as a client decodes it. Nullable
// numbers are pointers.
type resultJSON struct {
	Trajectory []stateJSON    `json:"trajectory"`
	Snapshots  []snapshotJSON `json:"snapshots"`
}

type stateJSON struct {
	Iteration   int         `json:"iteration"`
	W           [][]float64 `json:"W"`
	B           []float64   `json:"b"`
	Loss        *float64    `json:"loss"`
	DeltaMin    *float64    `json:"deltaMin"`
	MinAngleDeg *float64    `json:"minAngleDeg"`
}

type snapshotJSON struct {
	Iteration int         `json:"iteration"`
	Points    [][]float64 `json:"points"`
	XS        []float64   `json:"xs"`
	YS        []float64   `json:"ys"`
	Panels    []panelJSON `json:"panels"`
}

type panelJSON struct {
	Separation        string       `json:"separation"`
	Energy            [][]*float64 `json:"energy"`
	Labels            [][]int      `json:"labels"`
	Support           [][]int      `json:"support"`
	UnlabeledFraction float64      `json:"unlabeledFraction"`
	UndefinedCells    int          `json:"undefinedCells"`
}

// resultOf checks that rec is a 200 JSON Result and decodes it strictly.
func resultOf(t *testing.T, rec *httptest.ResponseRecorder) *resultJSON {
	t.Helper()
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d, want 200; body %.500s", rec.Code, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Fatalf("Content-Type = %q, want application/json", ct)
	}
	dec := json.NewDecoder(bytes.NewReader(rec.Body.Bytes()))
	dec.DisallowUnknownFields()
	var res resultJSON
	if err := dec.Decode(&res); err != nil {
		t.Fatalf("result does not decode: %v; body %.500s", err, rec.Body)
	}
	return &res
}

// matrixJSON returns a rows×cols JSON matrix whose entries are v(i, j).
func matrixJSON(rows, cols int, v func(i, j int) float64) string {
	var b strings.Builder
	b.WriteByte('[')
	for i := range rows {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('[')
		for j := range cols {
			if j > 0 {
				b.WriteByte(',')
			}
			fmt.Fprint(&b, v(i, j))
		}
		b.WriteByte(']')
	}
	b.WriteByte(']')
	return b.String()
}

// listJSON returns a JSON array of n copies of elem.
func listJSON(n int, elem string) string {
	return "[" + strings.TrimSuffix(strings.Repeat(elem+",", n), ",") + "]"
}

// goldenFile returns a golden file of package golden by its file name
// ("contours2.json").
func goldenFile(name string) ([]byte, error) {
	return golden.Raw(strings.TrimSuffix(name, ".json"))
}

var update = flag.Bool("update", false, "rewrite the golden files of TestBehaviourHashes and TestWriteFigureTestdata")
