package api

import (
	"time"

	"hoplab/internal/live"
)

// metricsPath serves Config.Metrics in the Prometheus text format. It is
// on by default in cmd/server (-metrics): its series are counts, times and
// the process's resources, no user data (no scenario, address or path),
// and it sits behind the same middleware as every route (the Host check
// included).
const metricsPath = "/metrics"

// liveObserver is the live sessions' Observer: the metrics, or none.
func (s *server) liveObserver() live.Observer {
	if s.metrics == nil {
		return nil // not a nil *metrics.Metrics in a non-nil interface
	}
	return s.metrics
}

// observeRender records the rendering of one picture of a job kind
// ("run": one snapshot of a /run), when there are metrics.
func (s *server) observeRender(kind string, d time.Duration) {
	if s.metrics != nil {
		s.metrics.ObserveRender(kind, d)
	}
}
