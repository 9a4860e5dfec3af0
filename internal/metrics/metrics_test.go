package metrics

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"hoplab/internal/workpool"
)

// TestObserverMovesTheSeries drives the observer by hand through every
// path of a job's life and checks each series it moves, after each event.
func TestObserverMovesTheSeries(t *testing.T) {
	m := New()
	const bg, ia = workpool.Background, workpool.Interactive
	type series struct {
		queued, running, done, cancelled, failed float64
		latency, wait                            uint64 // observations
	}
	read := func(kind string, pri workpool.Priority) series {
		p := pri.String()
		return series{
			queued:    testutil.ToFloat64(m.queued.WithLabelValues(kind, p)),
			running:   testutil.ToFloat64(m.running.WithLabelValues(kind, p)),
			done:      testutil.ToFloat64(m.done.WithLabelValues(kind, p)),
			cancelled: testutil.ToFloat64(m.cancelled.WithLabelValues(kind, p)),
			failed:    testutil.ToFloat64(m.failed.WithLabelValues(kind, p)),
			latency:   sampleCount(t, m, "hoplab_job_latency_seconds", kind),
			wait:      sampleCount(t, m, "hoplab_job_wait_seconds", kind),
		}
	}
	steps := []struct {
		name  string
		event func()
		kind  string
		pri   workpool.Priority
		want  series
	}{
		{"run queued", func() { m.Queued("run", bg) }, "run", bg, series{queued: 1}},
		{"run started", func() { m.Started("run", bg, time.Millisecond) }, "run", bg, series{running: 1, wait: 1}},
		{"run done", func() { m.Finished("run", bg, workpool.Completed, true, time.Second) }, "run", bg, series{done: 1, latency: 1, wait: 1}},
		{"frame queued", func() { m.Queued("frame", ia) }, "frame", ia, series{queued: 1}},
		{"frame cancelled before it started", func() { m.Finished("frame", ia, workpool.Cancelled, false, time.Millisecond) }, "frame", ia, series{cancelled: 1}},
		{"frame queued again", func() { m.Queued("frame", ia) }, "frame", ia, series{queued: 1, cancelled: 1}},
		{"frame started", func() { m.Started("frame", ia, 0) }, "frame", ia, series{running: 1, cancelled: 1, wait: 1}},
		{"frame cancelled while running", func() { m.Finished("frame", ia, workpool.Cancelled, true, time.Millisecond) }, "frame", ia, series{cancelled: 2, wait: 1}},
		{"probe queued", func() { m.Queued("probe", ia) }, "probe", ia, series{queued: 1}},
		{"probe started", func() { m.Started("probe", ia, 0) }, "probe", ia, series{running: 1, wait: 1}},
		{"probe failed", func() { m.Finished("probe", ia, workpool.Failed, true, time.Millisecond) }, "probe", ia, series{failed: 1, wait: 1}},
		{"the run's series kept", func() {}, "run", bg, series{done: 1, latency: 1, wait: 1}},
		{"no run of the other priority; the histograms are by kind", func() {}, "run", ia, series{latency: 1, wait: 1}},
	}
	for _, st := range steps {
		st.event()
		if got := read(st.kind, st.pri); got != st.want {
			t.Errorf("after %s: %s/%s series %+v, want %+v", st.name, st.kind, st.pri, got, st.want)
		}
	}
}

// sampleCount returns the number of observations of histogram name with
// label kind, 0 when it has none.
func sampleCount(t *testing.T, m *Metrics, name, kind string) uint64 {
	t.Helper()
	mfs, err := m.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, metric := range mf.GetMetric() {
			for _, l := range metric.GetLabel() {
				if l.GetName() == "kind" && l.GetValue() == kind {
					return metric.GetHistogram().GetSampleCount()
				}
			}
		}
	}
	return 0
}

// TestPoolObserver runs jobs on a real pool observed by Metrics: one done,
// one cancelled, one failed; while a job holds the only worker, another
// one is queued. The gauges return to 0 once they have all ended.
func TestPoolObserver(t *testing.T) {
	m := New()
	queued := make(chan string, 8)
	p := workpool.New(1, workpool.WithObserver(tee{m, queued}))
	defer p.Close()
	ctx := context.Background()
	if err := p.Do(ctx, workpool.Job{Kind: "frame"}, 3, func(int) {}); err != nil {
		t.Fatal(err)
	}
	cctx, cancel := context.WithCancel(ctx)
	p.Do(cctx, workpool.Job{Kind: "run", Priority: workpool.Background, Sequential: true}, 5, func(int) { cancel() })
	p.Do(ctx, workpool.Job{Kind: "probe"}, 1, func(int) { panic("boom") })

	// A trajectory holds the worker while a run waits behind it.
	hold, release := make(chan struct{}), make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		p.Do(ctx, workpool.Job{Kind: "trajectory", Priority: workpool.Background}, 1, func(int) { close(hold); <-release })
	}()
	<-hold
	go func() {
		defer wg.Done()
		p.Do(ctx, workpool.Job{Kind: "run", Priority: workpool.Background}, 1, func(int) {})
	}()
	for range 5 { // frame, run, probe, trajectory, run
		<-queued
	}
	bg := workpool.Background.String()
	if q := testutil.ToFloat64(m.queued.WithLabelValues("run", bg)); q != 1 {
		t.Errorf("runs queued %v, want 1", q)
	}
	if r := testutil.ToFloat64(m.running.WithLabelValues("trajectory", bg)); r != 1 {
		t.Errorf("trajectories running %v, want 1", r)
	}
	close(release)
	wg.Wait()

	ia := workpool.Interactive.String()
	for _, c := range []struct {
		series, kind, pri string
		vec               func(kind, pri string) float64
		want              float64
	}{
		{"done", "frame", ia, counter(m.done), 1},
		{"cancelled", "run", bg, counter(m.cancelled), 1},
		{"done", "run", bg, counter(m.done), 1},
		{"failed", "probe", ia, counter(m.failed), 1},
		{"done", "trajectory", bg, counter(m.done), 1},
		{"queued", "run", bg, gauge(m.queued), 0},
		{"running", "trajectory", bg, gauge(m.running), 0},
		{"running", "frame", ia, gauge(m.running), 0},
	} {
		if got := c.vec(c.kind, c.pri); got != c.want {
			t.Errorf("%s{kind=%q,priority=%q} = %v, want %v", c.series, c.kind, c.pri, got, c.want)
		}
	}
	if n := sampleCount(t, m, "hoplab_job_latency_seconds", "run"); n != 1 {
		t.Errorf("%d run latencies observed, want 1 (the run done, not the run cancelled)", n)
	}
}

func counter(v *prometheus.CounterVec) func(kind, pri string) float64 {
	return func(kind, pri string) float64 { return testutil.ToFloat64(v.WithLabelValues(kind, pri)) }
}

func gauge(v *prometheus.GaugeVec) func(kind, pri string) float64 {
	return func(kind, pri string) float64 { return testutil.ToFloat64(v.WithLabelValues(kind, pri)) }
}

// tee is Metrics that also sends the kind of every job queued on queued,
// which must have room.
type tee struct {
	*Metrics
	queued chan string
}

func (o tee) Queued(kind string, pri workpool.Priority) {
	o.Metrics.Queued(kind, pri)
	o.queued <- kind
}

// TestLiveHooks checks the live sessions' hooks and ObserveRender in the
// text the handler serves.
func TestLiveHooks(t *testing.T) {
	m := New()
	m.SessionOpened()
	m.SessionOpened()
	m.SessionClosed()
	m.FrameSent(1000)
	m.FrameSent(500)
	m.TextSent(42)
	m.FrameRendered(20 * time.Millisecond)
	m.ObserveRender("run", 3*time.Second)
	want := `
# HELP hoplab_live_sessions_open Live sessions being served.
# TYPE hoplab_live_sessions_open gauge
hoplab_live_sessions_open 1
# HELP hoplab_live_sent_frames_total Binary frames written to live clients.
# TYPE hoplab_live_sent_frames_total counter
hoplab_live_sent_frames_total 2
# HELP hoplab_live_sent_bytes_total Payload bytes written to live clients (before websocket framing): binary frames and text messages.
# TYPE hoplab_live_sent_bytes_total counter
hoplab_live_sent_bytes_total{message="frame"} 1500
hoplab_live_sent_bytes_total{message="text"} 42
`
	if err := testutil.GatherAndCompare(m.reg, strings.NewReader(want),
		"hoplab_live_sessions_open", "hoplab_live_sent_frames_total", "hoplab_live_sent_bytes_total"); err != nil {
		t.Error(err)
	}
	for kind, bucket := range map[string]string{"frame": `le="0.025"`, "run": `le="5"`} {
		if n := sampleCount(t, m, "hoplab_render_seconds", kind); n != 1 {
			t.Errorf("%d %s renderings observed, want 1", n, kind)
		}
		line := `hoplab_render_seconds_bucket{kind="` + kind + `",` + bucket + `} 1`
		if body := scrape(t, m); !strings.Contains(body, line) {
			t.Errorf("the scrape lacks %s:\n%s", line, body)
		}
	}
}

// TestHandler scrapes the handler: the text format, the hoplab series
// (once a job has been seen) and the Go and process collectors'.
func TestHandler(t *testing.T) {
	m := New()
	m.Queued("run", workpool.Background)
	body := scrape(t, m)
	for _, want := range []string{
		`hoplab_jobs_queued{kind="run",priority="background"} 1`,
		"hoplab_live_sessions_open 0",
		"hoplab_live_sent_frames_total 0",
		"go_goroutines ",
		"go_memstats_heap_alloc_bytes ",
		"process_resident_memory_bytes ",
		"process_open_fds ",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the scrape lacks %q", want)
		}
	}
}

// scrape GETs m.Handler() and returns its text, checking the status and
// the content type.
func scrape(t *testing.T, m *Metrics) string {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/plain") {
		t.Fatalf("GET /metrics: %d %q\n%s", rec.Code, rec.Header().Get("Content-Type"), body)
	}
	return string(body)
}

// TestLint checks the series' names, units and help against Prometheus's
// conventions (promlint).
func TestLint(t *testing.T) {
	m := New()
	m.Queued("run", workpool.Background)
	m.Started("run", workpool.Background, 0)
	m.Finished("run", workpool.Background, workpool.Completed, true, time.Second)
	m.ObserveRender("frame", time.Millisecond)
	problems, err := testutil.GatherAndLint(m.reg)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		if strings.HasPrefix(p.Metric, "hoplab_") {
			t.Errorf("%s: %s", p.Metric, p.Text)
		}
	}
}
