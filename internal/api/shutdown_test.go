package api

import (
	"context"
	"hoplab/internal/scenario"
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestCancelRuns holds a run in its second step until its context ends,
// then calls CancelRuns: the run answers 503 shutting_down, and so does a
// run that starts afterwards.
func TestCancelRuns(t *testing.T) {
	s := newTestServer(t, scenario.Limits{})
	inStep := make(chan struct{})
	s.afterStep = func(ctx context.Context, n int) {
		if n == 2 {
			close(inStep)
			<-ctx.Done()
		}
	}
	h := &Handler{Handler: s.routes(nil), srv: s}
	const body = `{"memories": [[1, 0], [0, 1]], "uhop": {"iterations": 3}, "view": {"grid": {"nx": 3, "ny": 3}}}`
	answered := make(chan *httptest.ResponseRecorder, 1)
	go func() { answered <- postRun(h, body) }()
	<-inStep
	h.CancelRuns()
	if rec := <-answered; rec.Code != http.StatusServiceUnavailable || errorOf(t, rec).Code != codeShuttingDown {
		t.Errorf("the run in flight: %d %s, want 503 shutting_down", rec.Code, rec.Body)
	}
	rec := postRun(h, `{"memories": [[1, 0], [0, 1]], "uhop": {"iterations": 1}}`)
	if rec.Code != http.StatusServiceUnavailable || errorOf(t, rec).Code != codeShuttingDown {
		t.Errorf("a run after CancelRuns: %d %s, want 503 shutting_down", rec.Code, rec.Body)
	}
}
