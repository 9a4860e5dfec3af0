package live

import (
	"context"
	"hoplab/internal/live/livetest"
	"hoplab/internal/scenario"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
)

// startLive serves a test server's routes over real HTTP and returns its
// websocket URL. Its sessions are closed and waited for when the test ends.
func startLive(t *testing.T, lim scenario.Limits) (*testServer, string) {
	t.Helper()
	return startLiveWith(t, lim, nil)
}

// startLiveWith is startLive with setup, when not nil, called on the server
// before it serves (to set test hooks).
func startLiveWith(t *testing.T, lim scenario.Limits, setup func(*testServer)) (*testServer, string) {
	t.Helper()
	s := newTestServer(t, lim)
	if setup != nil {
		setup(s)
	}
	ts := httptest.NewServer(s.handler())
	t.Cleanup(func() {
		s.live.closeAll()
		ctx, cancel := context.WithTimeout(context.Background(), livetest.Timeout)
		defer cancel()
		if err := s.live.wait(ctx); err != nil {
			t.Errorf("live sessions did not end: %v", err)
		}
		ts.Close()
	})
	return s, "ws" + strings.TrimPrefix(ts.URL, "http") + livePath
}

// jsonFloat writes a finite v as the shortest JSON number that reads back as v.
func jsonFloat(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
