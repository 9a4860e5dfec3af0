// Package metrics is what hoplab tells Prometheus: the shared pool's jobs,
// the renderings, the live sessions and what they send, and the Go runtime
// and the process, on a registry of its own, served in the text format by
// Handler (GET /metrics).
//
// A *Metrics is fed through small hooks so that the packages it watches do
// not import Prometheus: it is the pool's workpool.Observer
// (workpool.WithObserver), the live sessions' observer (live.Config's
// Observer, through api.Config), and the HTTP layer reports /run's
// renderings with ObserveRender. Every method may be called concurrently
// and returns quickly; none blocks.
//
// The series (docs/api.md, "GET /metrics"):
//
//	hoplab_jobs_queued{kind,priority}          gauge: jobs accepted whose first chunk has not started
//	hoplab_jobs_running{kind,priority}         gauge: jobs with a chunk started that have not ended
//	hoplab_jobs_done_total{kind,priority}      counter: jobs whose every chunk ran
//	hoplab_jobs_cancelled_total{kind,priority} counter: jobs ended by their context (or the pool's close)
//	hoplab_jobs_failed_total{kind,priority}    counter: jobs ended by a chunk's panic
//	hoplab_job_latency_seconds{kind}           histogram: queue → end of the jobs done
//	hoplab_job_wait_seconds{kind}              histogram: queue → first chunk of the jobs that started
//	hoplab_render_seconds{kind}                histogram: one picture, start to bytes (see ObserveRender)
//	hoplab_live_sessions_open                  gauge: live sessions being served
//	hoplab_live_sent_frames_total              counter: binary frames written to live clients
//	hoplab_live_sent_bytes_total{message}      counter: payload bytes written to live clients, "frame" or "text"
//
// plus the standard go_* (goroutines, memory, GC) and process_* (resident
// memory, CPU time, open files) series.
package metrics

import (
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"hoplab/internal/workpool"
)

// Histogram buckets, in seconds. Jobs run from a fraction of a millisecond
// (a small frame's view) to the 60 s of scenario.Limits.RunTimeout (a
// /run's training); a job's wait is short unless the pool is saturated;
// a live frame should take tens of milliseconds, a /run snapshot may take
// seconds.
var (
	latencyBuckets = []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 25, 60}
	waitBuckets    = []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}
	renderBuckets  = []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}
)

// maxScrapes bounds the scrapes served at once; more get 503.
const maxScrapes = 4

// Metrics holds hoplab's series and the registry they are served from. The
// zero value is not usable; call New.
type Metrics struct {
	reg *prometheus.Registry

	queued, running           *prometheus.GaugeVec // by kind, priority
	done, cancelled, failed   *prometheus.CounterVec
	latency, wait, renderTime *prometheus.HistogramVec // by kind

	sessionsOpen prometheus.Gauge
	sentFrames   prometheus.Counter
	sentBytes    *prometheus.CounterVec // by message
	frameBytes   prometheus.Counter     // sentBytes{message="frame"}
	textBytes    prometheus.Counter     // sentBytes{message="text"}
}

// New returns Metrics registered on a registry of their own (not
// Prometheus's global default), with the Go runtime's and the process's
// collectors.
func New() *Metrics {
	jobLabels := []string{"kind", "priority"}
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		queued: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "hoplab_jobs_queued",
			Help: "Jobs on the shared pool whose first chunk has not started."}, jobLabels),
		running: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "hoplab_jobs_running",
			Help: "Jobs on the shared pool with a chunk started that have not ended."}, jobLabels),
		done: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "hoplab_jobs_done_total",
			Help: "Jobs on the shared pool whose every chunk ran."}, jobLabels),
		cancelled: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "hoplab_jobs_cancelled_total",
			Help: "Jobs on the shared pool ended by their context or the pool's close."}, jobLabels),
		failed: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "hoplab_jobs_failed_total",
			Help: "Jobs on the shared pool ended by a chunk's panic."}, jobLabels),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "hoplab_job_latency_seconds",
			Help:    "Time from queueing to the end of the jobs done (cancelled and failed jobs are counted, not timed).",
			Buckets: latencyBuckets}, []string{"kind"}),
		wait: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "hoplab_job_wait_seconds",
			Help:    "Time from queueing to the first chunk's start, of every job that started.",
			Buckets: waitBuckets}, []string{"kind"}),
		renderTime: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "hoplab_render_seconds",
			Help:    `Time to render one picture, pool waits included: kind="frame" a live frame's views and encoding, kind="run" one snapshot of a /run, kind="figure" one snapshot of a figure's run.`,
			Buckets: renderBuckets}, []string{"kind"}),
		sessionsOpen: prometheus.NewGauge(prometheus.GaugeOpts{Name: "hoplab_live_sessions_open",
			Help: "Live sessions being served."}),
		sentFrames: prometheus.NewCounter(prometheus.CounterOpts{Name: "hoplab_live_sent_frames_total",
			Help: "Binary frames written to live clients."}),
		sentBytes: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "hoplab_live_sent_bytes_total",
			Help: "Payload bytes written to live clients (before websocket framing): binary frames and text messages."}, []string{"message"}),
	}
	m.frameBytes = m.sentBytes.WithLabelValues("frame")
	m.textBytes = m.sentBytes.WithLabelValues("text")
	m.reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.queued, m.running, m.done, m.cancelled, m.failed,
		m.latency, m.wait, m.renderTime,
		m.sessionsOpen, m.sentFrames, m.sentBytes,
	)
	return m
}

// Handler serves the series in the Prometheus text format (protobuf when
// the scraper asks for it), gathered afresh for each request, at most
// maxScrapes at once (503 beyond).
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg, MaxRequestsInFlight: maxScrapes})
}

// Queued implements workpool.Observer.
func (m *Metrics) Queued(kind string, pri workpool.Priority) {
	m.queued.WithLabelValues(kind, pri.String()).Inc()
}

// Started implements workpool.Observer.
func (m *Metrics) Started(kind string, pri workpool.Priority, wait time.Duration) {
	p := pri.String()
	m.queued.WithLabelValues(kind, p).Dec()
	m.running.WithLabelValues(kind, p).Inc()
	m.wait.WithLabelValues(kind).Observe(wait.Seconds())
}

// Finished implements workpool.Observer.
func (m *Metrics) Finished(kind string, pri workpool.Priority, outcome workpool.Outcome, started bool, total time.Duration) {
	p := pri.String()
	if started {
		m.running.WithLabelValues(kind, p).Dec()
	} else {
		m.queued.WithLabelValues(kind, p).Dec()
	}
	switch outcome {
	case workpool.Completed:
		m.done.WithLabelValues(kind, p).Inc()
		m.latency.WithLabelValues(kind).Observe(total.Seconds())
	case workpool.Cancelled:
		m.cancelled.WithLabelValues(kind, p).Inc()
	default:
		m.failed.WithLabelValues(kind, p).Inc()
	}
}

// ObserveRender records the rendering of one picture of a job kind, from
// its start to its bytes, waits for the pool's workers included: "frame"
// for a live frame (its views rendered and encoded), "run" for one
// snapshot of a /run, "figure" for one snapshot of a figure's run. A
// picture is several pool jobs (a view each, the encoding), which is why
// it is timed here rather than read from the latency of kind "frame".
func (m *Metrics) ObserveRender(kind string, d time.Duration) {
	m.renderTime.WithLabelValues(kind).Observe(d.Seconds())
}

// SessionOpened counts a live session that starts being served.
func (m *Metrics) SessionOpened() { m.sessionsOpen.Inc() }

// SessionClosed counts a live session that has ended.
func (m *Metrics) SessionClosed() { m.sessionsOpen.Dec() }

// FrameRendered records a live frame's rendering: ObserveRender("frame", d).
func (m *Metrics) FrameRendered(d time.Duration) { m.ObserveRender("frame", d) }

// FrameSent counts a binary frame of n bytes written to a live client.
func (m *Metrics) FrameSent(n int) {
	m.sentFrames.Inc()
	m.frameBytes.Add(float64(n))
}

// TextSent counts a text message of n bytes written to a live client.
func (m *Metrics) TextSent(n int) { m.textBytes.Add(float64(n)) }

var _ workpool.Observer = (*Metrics)(nil)
