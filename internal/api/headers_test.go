package api

import (
	"context"
	"hoplab/internal/live/livetest"
	"hoplab/internal/scenario"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/coder/websocket"
	"github.com/go-chi/chi/v5"
)

// TestSecurityHeaders checks X-Content-Type-Options and Referrer-Policy on
// responses of every kind: pages, assets, JSON results, health, every
// error status, and websocket upgrades, accepted or refused.
func TestSecurityHeaders(t *testing.T) {
	s := newTestServer(t, scenario.Limits{})
	h := s.routes(func(r chi.Router) {
		r.Get("/test/panic", func(http.ResponseWriter, *http.Request) { panic("test panic") })
	})
	check := func(what string, status int, hdr http.Header) {
		t.Helper()
		if hdr.Get("X-Content-Type-Options") != "nosniff" || hdr.Get("Referrer-Policy") != "no-referrer" {
			t.Errorf("%s (status %d): X-Content-Type-Options %q, Referrer-Policy %q; want nosniff, no-referrer",
				what, status, hdr.Get("X-Content-Type-Options"), hdr.Get("Referrer-Policy"))
		}
	}
	for _, tc := range []struct {
		method, path, contentType, body, host string
		status                                int
	}{
		{"GET", "/healthz", "", "", "", 200},
		{"HEAD", "/healthz", "", "", "", 200},
		{"GET", "/", "", "", "", 200},
		{"GET", "/about", "", "", "", 200},
		{"GET", "/static/style.css", "", "", "", 200},
		{"POST", "/api/v1/run", "application/json", `{"memories": [[1, 0]], "view": {"grid": {"nx": 2, "ny": 2}}}`, "", 200},
		{"POST", "/api/v1/run", "application/json", `{"memories": 1}`, "", 400},
		{"POST", "/api/v1/run", "text/plain", `{}`, "", 415},
		{"POST", "/api/v1/run", "application/json", `{"memories": [[` + strings.Repeat("0,", 5<<20) + `1]]}`, "", 413},
		{"GET", "/api/v1/run", "", "", "", 405},
		{"GET", "/nope", "", "", "", 404},
		{"GET", "/static/nope.js", "", "", "", 404},
		{"GET", "/test/panic", "", "", "", 500},
		{"GET", "/healthz", "", "", "evil.example", 421},
		{"GET", "/api/v1/live", "", "", "", 426}, // not an upgrade
	} {
		req := httptest.NewRequest(tc.method, testOrigin+tc.path, strings.NewReader(tc.body))
		if tc.contentType != "" {
			req.Header.Set("Content-Type", tc.contentType)
		}
		if tc.host != "" {
			req.Host = tc.host
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != tc.status {
			t.Errorf("%s %s: status %d, want %d", tc.method, tc.path, rec.Code, tc.status)
		}
		check(tc.method+" "+tc.path, rec.Code, rec.Header())
	}

	// Websocket upgrades over real HTTP: accepted, refused for its Origin,
	// refused as busy.
	lim := scenario.DefaultLimits()
	lim.MaxLiveSessions = 1
	_, url := startLive(t, lim)
	ctx, cancel := context.WithTimeout(context.Background(), livetest.Timeout)
	defer cancel()
	conn, resp, err := websocket.Dial(ctx, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.CloseNow()
	check("upgrade", resp.StatusCode, resp.Header)
	for _, origin := range []string{"", "http://evil.example"} {
		_, resp, _ := websocket.Dial(ctx, url, &websocket.DialOptions{HTTPHeader: http.Header{"Origin": {origin}}})
		if resp == nil || resp.StatusCode < 400 {
			t.Fatalf("origin %q: %v, want a refusal", origin, resp)
		}
		check("refused upgrade", resp.StatusCode, resp.Header)
	}
}
