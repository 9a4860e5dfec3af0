package api

import (
	"context"
	"hoplab/internal/live/livetest"
	"hoplab/internal/scenario"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/coder/websocket"
)

// TestHostCheck sends requests with many Host headers to every kind of
// route: the allowed ones are served, the others get 421 host_not_allowed.
func TestHostCheck(t *testing.T) {
	for _, tc := range []struct {
		allowed []string // Config.AllowedHosts
		ok, bad []string // Host headers
	}{
		{nil, // the default: loopback names only
			[]string{"localhost", "localhost:8080", "LocalHost.:80", "app.localhost:1", "127.0.0.1", "127.0.0.1:65535", "[::1]:8080", "[0:0:0:0:0:0:0:1]", "::1"},
			[]string{"evil.example", "evil.example:8080", "127.0.0.1.evil.example", "localhost.evil.example", "evil-localhost", "127.0.0.2", "[::2]:80", "0.0.0.0:8080", "192.168.1.5:8080"}},
		{[]string{"hoplab.example.org", "*.lab.example", "192.168.1.5", "fe80::1"},
			[]string{"hoplab.example.org", "HOPLAB.example.org:443", "a.lab.example", "x.y.lab.example:8080", "192.168.1.5:8080", "[fe80::1%25eth0]:8080"},
			[]string{"localhost", "127.0.0.1:8080", "lab.example", "xlab.example", "example.org", "192.168.1.50"}},
		{[]string{"*"}, []string{"evil.example", "localhost:1"}, nil},
	} {
		s := newTestServer(t, scenario.Limits{})
		s.hosts = newHostList(tc.allowed)
		if tc.allowed == nil {
			s = newServer(Config{Pool: s.pool})
		}
		h := s.routes(nil)
		for _, path := range []string{"/healthz", "/", "/static/style.css", "/api/v1/run", "/nope"} {
			for _, host := range tc.ok {
				req := httptest.NewRequest(http.MethodGet, path, nil)
				req.Host = host
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code == http.StatusMisdirectedRequest {
					t.Errorf("allowed %v: GET %s with Host %q: 421, want it served", tc.allowed, path, host)
				}
			}
			for _, host := range tc.bad {
				req := httptest.NewRequest(http.MethodGet, path, nil)
				req.Host = host
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != http.StatusMisdirectedRequest {
					t.Errorf("allowed %v: GET %s with Host %q: %d, want 421", tc.allowed, path, host, rec.Code)
					continue
				}
				if e := errorOf(t, rec); e.Code != codeHostNotAllowed || !strings.Contains(e.Message, "-allowed-hosts") || !strings.Contains(e.Message, host) {
					t.Errorf("Host %q: error %+v", host, e)
				}
			}
		}
	}
}

// TestLiveOrigin opens live sessions over real HTTP with chosen Host and
// Origin headers: a DNS-rebound page (Host and Origin both evil.example)
// is refused, as is a foreign Origin; a page of the server's own names on
// any port, and a script without Origin, are admitted.
func TestLiveOrigin(t *testing.T) {
	_, url := startLive(t, scenario.Limits{})
	port := url[strings.LastIndexByte(url, ':')+1 : strings.Index(url, "/api")]
	for _, tc := range []struct {
		host, origin string
		status       int
		code         string
	}{
		{"evil.example", "http://evil.example", http.StatusMisdirectedRequest, codeHostNotAllowed},
		{"evil.example:" + port, "http://evil.example:" + port, http.StatusMisdirectedRequest, codeHostNotAllowed},
		{"", "http://evil.example", http.StatusForbidden, codeOriginNotAllowed},
		{"", "null", http.StatusForbidden, codeOriginNotAllowed},
		{"", "http://localhost.evil.example:" + port, http.StatusForbidden, codeOriginNotAllowed},
		{"", "", http.StatusSwitchingProtocols, ""},
		{"", "http://127.0.0.1:" + port, http.StatusSwitchingProtocols, ""},
		{"localhost:" + port, "http://localhost:3000", http.StatusSwitchingProtocols, ""},
		{"", "https://app.localhost", http.StatusSwitchingProtocols, ""},
	} {
		ctx, cancel := context.WithTimeout(context.Background(), livetest.Timeout)
		opts := &websocket.DialOptions{Host: tc.host, HTTPHeader: http.Header{}}
		if tc.origin != "" {
			opts.HTTPHeader.Set("Origin", tc.origin)
		}
		conn, resp, err := websocket.Dial(ctx, url, opts)
		cancel()
		if conn != nil {
			conn.CloseNow()
		}
		if resp == nil {
			t.Errorf("Host %q Origin %q: %v", tc.host, tc.origin, err)
			continue
		}
		if resp.StatusCode != tc.status {
			t.Errorf("Host %q Origin %q: status %d, want %d", tc.host, tc.origin, resp.StatusCode, tc.status)
			continue
		}
		if tc.code != "" {
			body, _ := io.ReadAll(resp.Body)
			if !strings.Contains(string(body), `"code":"`+tc.code+`"`) {
				t.Errorf("Host %q Origin %q: body %s, want code %s", tc.host, tc.origin, body, tc.code)
			}
		}
	}
}

// TestLiveOriginAnyHost: with "*" the Host is not checked, and the Origin
// must then be the request's own host and port.
func TestLiveOriginAnyHost(t *testing.T) {
	_, url := startLiveWith(t, scenario.Limits{}, func(s *server) { s.hosts = newHostList([]string{"*"}) })
	hostport := url[len("ws://"):strings.Index(url, "/api")]
	for origin, want := range map[string]int{
		"http://" + hostport:       http.StatusSwitchingProtocols,
		"http://evil.example":      http.StatusForbidden,
		"http://localhost:1":       http.StatusForbidden,
		"http://" + hostport + "0": http.StatusForbidden,
	} {
		ctx, cancel := context.WithTimeout(context.Background(), livetest.Timeout)
		conn, resp, _ := websocket.Dial(ctx, url, &websocket.DialOptions{HTTPHeader: http.Header{"Origin": {origin}}})
		cancel()
		if conn != nil {
			conn.CloseNow()
		}
		if resp == nil || resp.StatusCode != want {
			t.Errorf("Origin %q: %v, want %d", origin, resp, want)
		}
	}
}

func TestCheckHostPattern(t *testing.T) {
	for p, ok := range map[string]bool{
		"localhost": true, "*.localhost": true, "*": true, "192.168.1.5": true, "::1": true, "fe80::1": true, "hoplab.example.org": true,
		"": false, "*.": false, "a*b": false, "**.x": false, "localhost:8080": false, "http://localhost": false, "[::1]:80": false, "a b": false,
	} {
		if err := CheckHostPattern(p); (err == nil) != ok {
			t.Errorf("CheckHostPattern(%q) = %v, want ok %v", p, err, ok)
		}
	}
}
