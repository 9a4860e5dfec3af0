package api

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"hoplab/internal/live/livetest"
	"hoplab/internal/metrics"
	"hoplab/internal/scenario"
	"hoplab/internal/workpool"
)

// newMetricsServer returns a server with metrics, and a pool of its own
// that reports to them, as cmd/server wires them.
func newMetricsServer(t *testing.T) *server {
	t.Helper()
	m := metrics.New()
	pool := workpool.New(2, workpool.WithObserver(m))
	t.Cleanup(pool.Close)
	return newServer(Config{Pool: pool, Metrics: m, Logger: slog.New(slog.NewTextHandler(&testLogWriter{t: t}, nil))})
}

// scrape GETs /metrics and returns its body, checking the status and the
// text format's content type.
func scrape(t *testing.T, h http.Handler) string {
	t.Helper()
	rec := request(h, http.MethodGet, metricsPath, "", "")
	if ct := rec.Header().Get("Content-Type"); rec.Code != http.StatusOK || !strings.HasPrefix(ct, "text/plain") {
		t.Fatalf("GET /metrics: %d %q, want 200 text/plain\n%.500s", rec.Code, ct, rec.Body)
	}
	return rec.Body.String()
}

// sampleOf returns the value of series (its name and labels as the text
// format writes them, `name{a="x",b="y"}`) in a scrape.
func sampleOf(t *testing.T, body, series string) float64 {
	t.Helper()
	for line := range strings.Lines(body) {
		if v, ok := strings.CutPrefix(line, series+" "); ok {
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil {
				t.Fatalf("%s: %v", line, err)
			}
			return f
		}
	}
	t.Fatalf("the scrape has no %s:\n%s", series, body)
	return 0
}

// TestMetricsAfterRun posts a run and scrapes /metrics: the run's jobs
// are done, its two snapshots were rendered, and the Go and process
// collectors are there. HEAD answers too; another method gets 405.
func TestMetricsAfterRun(t *testing.T) {
	s := newMetricsServer(t)
	h := s.routes(nil)
	resultOf(t, postRun(h, `{"memories": [[1, 0], [0, 1], [-1, 0.2]], "uhop": {"iterations": 3}, "view": {"grid": {"nx": 5, "ny": 4}}}`))
	body := scrape(t, h)
	// Training (one job) and two snapshots (a job each).
	if n := sampleOf(t, body, `hoplab_jobs_done_total{kind="run",priority="background"}`); n != 3 {
		t.Errorf("%v run jobs done, want 3: the training and two snapshots", n)
	}
	for series, want := range map[string]float64{
		`hoplab_jobs_queued{kind="run",priority="background"}`:  0,
		`hoplab_jobs_running{kind="run",priority="background"}`: 0,
		`hoplab_job_latency_seconds_count{kind="run"}`:          3,
		`hoplab_job_wait_seconds_count{kind="run"}`:             3,
		`hoplab_render_seconds_count{kind="run"}`:               2,
		`hoplab_live_sessions_open`:                             0,
	} {
		if got := sampleOf(t, body, series); got != want {
			t.Errorf("%s = %v, want %v", series, got, want)
		}
	}
	if g := sampleOf(t, body, "go_goroutines"); g < 3 {
		t.Errorf("go_goroutines = %v, want the test's and the pool's workers at least", g)
	}
	if rss := sampleOf(t, body, "process_resident_memory_bytes"); rss < 1<<20 {
		t.Errorf("process_resident_memory_bytes = %v, want more than 1 MiB", rss)
	}
	if rec := request(h, http.MethodHead, metricsPath, "", ""); rec.Code != http.StatusOK {
		t.Errorf("HEAD /metrics: %d, want 200", rec.Code)
	}
	if rec := request(h, http.MethodPost, metricsPath, "text/plain", ""); rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST /metrics: %d, want 405", rec.Code)
	}
}

// TestMetricsBehindMiddleware: /metrics checks the Host like every route,
// and has the security headers; without Config.Metrics it is not there.
func TestMetricsBehindMiddleware(t *testing.T) {
	h := newMetricsServer(t).routes(nil)
	req := httptest.NewRequest(http.MethodGet, "http://attacker.example"+metricsPath, nil)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusMisdirectedRequest || errorOf(t, rec).Code != codeHostNotAllowed {
		t.Errorf("GET /metrics with a foreign Host: %d %s, want 421 host_not_allowed", rec.Code, rec.Body)
	}
	rec = request(h, http.MethodGet, metricsPath, "", "")
	if rec.Header().Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("GET /metrics lacks the security headers: %v", rec.Header())
	}

	off := newTestServer(t, scenario.Limits{}).routes(nil)
	if rec := request(off, http.MethodGet, metricsPath, "", ""); rec.Code != http.StatusNotFound || errorOf(t, rec).Code != codeNotFound {
		t.Errorf("GET /metrics without metrics: %d %s, want 404 not_found", rec.Code, rec.Body)
	}
}

// TestMetricsOfLiveSessions renders frames in a live session and scrapes
// /metrics once it has ended: the frames were rendered and sent, with at
// least the bytes the client read, and no session is open.
func TestMetricsOfLiveSessions(t *testing.T) {
	s := newMetricsServer(t)
	ts := httptest.NewServer(s.routes(nil))
	defer ts.Close()
	c := livetest.Dial(t, "ws"+strings.TrimPrefix(ts.URL, "http")+livePath)
	if n := sampleOf(t, scrape(t, s.routes(nil)), "hoplab_live_sessions_open"); n != 1 {
		t.Errorf("%v live sessions open, want 1", n)
	}
	f := c.UntilSeq(c.Send(`{"type": "preset", "name": "clustered"}`))
	c.UntilSeq(c.Send(`{"type": "step"}`))
	if c.Frames < 2 || f.M != 8 {
		t.Fatalf("%d frames read, want 2 at least", c.Frames)
	}

	s.live.CloseAll()
	ctx, cancel := context.WithTimeout(context.Background(), livetest.Timeout)
	defer cancel()
	if err := s.live.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	body := scrape(t, s.routes(nil))
	for series, atLeast := range map[string]float64{
		`hoplab_live_sent_frames_total`:                               float64(c.Frames),
		`hoplab_live_sent_bytes_total{message="frame"}`:               1000 * float64(c.Frames), // 64-byte headers and deflated grids
		`hoplab_live_sent_bytes_total{message="text"}`:                1000,                     // the hello alone is more
		`hoplab_render_seconds_count{kind="frame"}`:                   float64(c.Frames),
		`hoplab_jobs_done_total{kind="frame",priority="interactive"}`: float64(c.Frames),
		`hoplab_job_latency_seconds_count{kind="frame"}`:              float64(c.Frames),
	} {
		if got := sampleOf(t, body, series); got < atLeast {
			t.Errorf("%s = %v, want %v at least", series, got, atLeast)
		}
	}
	if n := sampleOf(t, body, "hoplab_live_sessions_open"); n != 0 {
		t.Errorf("%v live sessions open after they ended, want 0", n)
	}
}
