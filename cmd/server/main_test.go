package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// guard bounds every wait of these tests; no test waits for it to pass.
const guard = 20 * time.Second

var listeningRE = regexp.MustCompile(`listening on (http://[^\s"]+)`)

// logWatcher collects the server's log and hands over the address of its
// "listening on" line once.
type logWatcher struct {
	mu      sync.Mutex // guards buf, sent and changed
	buf     bytes.Buffer
	sent    bool
	url     chan string
	changed chan struct{} // closed at the next Write
}

func newLogWatcher() *logWatcher { return &logWatcher{url: make(chan string, 1)} }

func (w *logWatcher) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	if w.changed != nil {
		close(w.changed)
		w.changed = nil
	}
	if m := listeningRE.FindSubmatch(w.buf.Bytes()); m != nil && !w.sent {
		w.sent = true
		w.url <- string(m[1])
	}
	return len(p), nil
}

// waitFor waits until the log contains s, for at most guard.
func (w *logWatcher) waitFor(t *testing.T, s string) {
	t.Helper()
	timeout := time.After(guard)
	for {
		w.mu.Lock()
		found := strings.Contains(w.buf.String(), s)
		if w.changed == nil {
			w.changed = make(chan struct{})
		}
		changed := w.changed
		w.mu.Unlock()
		if found {
			return
		}
		select {
		case <-changed:
		case <-timeout:
			t.Fatalf("the log has no %q within %v:\n%s", s, guard, w)
		}
	}
}

func (w *logWatcher) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// started is a server started by startRun.
type started struct {
	url    string
	logs   *logWatcher
	cancel context.CancelFunc
	done   chan error // receives run's result
}

// startRun calls run with args and env in a goroutine and waits for its
// "listening on" line. The server is stopped when the test ends.
func startRun(t *testing.T, args []string, env map[string]string) *started {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &started{logs: newLogWatcher(), cancel: cancel, done: make(chan error, 1)}
	go func() {
		s.done <- run(ctx, append([]string{"server"}, args...), func(k string) string { return env[k] }, io.Discard, s.logs)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-s.done:
		case <-time.After(guard):
			t.Errorf("run did not return after the test")
		}
	})
	select {
	case s.url = <-s.logs.url:
	case err := <-s.done:
		s.done <- err // for the cleanup
		t.Fatalf("run returned before listening: %v\nlog:\n%s", err, s.logs)
	case <-time.After(guard):
		t.Fatalf("no %q line within %v; log:\n%s", "listening on http://", guard, s.logs)
	}
	return s
}

func TestServeAndShutDown(t *testing.T) {
	s := startRun(t, []string{"-addr", "127.0.0.1:0", "-workers", "2"}, nil)
	if !regexp.MustCompile(`^http://127\.0\.0\.1:[1-9][0-9]*$`).MatchString(s.url) {
		t.Fatalf("listening on %q, want http://127.0.0.1:PORT with the real port", s.url)
	}
	client := &http.Client{Timeout: guard}

	resp, err := client.Get(s.url + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || strings.TrimSpace(string(body)) != `{"status":"ok"}` {
		t.Fatalf("GET /healthz: %s %s", resp.Status, body)
	}

	resp, err = client.Post(s.url+"/api/v1/run", "application/json",
		strings.NewReader(`{"memories": [[1, 0], [0, 1], [-1, 0.2]], "uhop": {"iterations": 3}, "view": {"grid": {"nx": 5, "ny": 4}}}`))
	if err != nil {
		t.Fatal(err)
	}
	var res struct {
		Trajectory []json.RawMessage
		Snapshots  []struct {
			Iteration int
			Panels    []struct{ Separation string }
		}
	}
	err = json.NewDecoder(resp.Body).Decode(&res)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || err != nil {
		t.Fatalf("POST /api/v1/run: %s, decoding: %v", resp.Status, err)
	}
	if len(res.Trajectory) != 4 || len(res.Snapshots) != 2 || res.Snapshots[1].Iteration != 3 || len(res.Snapshots[1].Panels) != 3 {
		t.Errorf("result: %d states, snapshots %+v; want 4 states and snapshots 0 and 3 with 3 panels", len(res.Trajectory), res.Snapshots)
	}

	// A live session stays open until the shutdown closes it with 1001.
	ctx, cancel := context.WithTimeout(context.Background(), guard)
	defer cancel()
	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(s.url, "http")+"/api/v1/live", nil)
	if err != nil {
		t.Fatalf("dial the live endpoint: %v", err)
	}
	defer conn.CloseNow()
	if typ, hello, err := conn.Read(ctx); err != nil || typ != websocket.MessageText || !strings.Contains(string(hello), `"type":"hello"`) {
		t.Fatalf("live hello: %v %s", err, hello)
	}

	s.cancel()
	_, _, err = conn.Read(ctx)
	if websocket.CloseStatus(err) != websocket.StatusGoingAway {
		t.Errorf("the live session ended with %v, want close status 1001", err)
	}
	select {
	case err := <-s.done:
		s.done <- err // for the cleanup
		if err != nil {
			t.Fatalf("run = %v after cancel, want nil", err)
		}
	case <-time.After(guard):
		t.Fatal("run did not return after cancel")
	}
	logs := s.logs.String()
	for _, want := range []string{"shutting down", "msg=stopped", "path=/healthz status=200", "path=/api/v1/run status=200"} {
		if !strings.Contains(logs, want) {
			t.Errorf("log lacks %q:\n%s", want, logs)
		}
	}
	if _, err := client.Get(s.url + "/healthz"); err == nil {
		t.Error("the server still answers after shutting down")
	}
}

func TestAddrFromEnvironment(t *testing.T) {
	// The environment is used when -addr is not given…
	s := startRun(t, nil, map[string]string{"HOPLAB_ADDR": "127.0.0.1:0"})
	if !strings.HasPrefix(s.url, "http://127.0.0.1:") {
		t.Errorf("listening on %q, want the address of HOPLAB_ADDR", s.url)
	}
	// …and the flag wins over it.
	s = startRun(t, []string{"-addr", "127.0.0.1:0"}, map[string]string{"HOPLAB_ADDR": "not an address"})
	if !strings.HasPrefix(s.url, "http://127.0.0.1:") {
		t.Errorf("listening on %q, want the address of -addr", s.url)
	}
}

func TestRunRejectsBadArguments(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want string // in the error
	}{
		{"bad -addr", []string{"-addr", "127.0.0.1:99999"}, nil, "listen"},
		{"bad HOPLAB_ADDR", nil, map[string]string{"HOPLAB_ADDR": "127.0.0.1:-1"}, "listen"},
		{"unknown flag", []string{"-port", "8080"}, nil, "-port"},
		{"no workers", []string{"-addr", "127.0.0.1:0", "-workers", "0"}, nil, "-workers"},
		{"no shutdown time", []string{"-addr", "127.0.0.1:0", "-shutdown-timeout", "0s"}, nil, "-shutdown-timeout"},
		{"no sessions", []string{"-addr", "127.0.0.1:0", "-max-sessions", "0"}, nil, "-max-sessions"},
		{"negative sessions per address", []string{"-addr", "127.0.0.1:0", "-max-sessions-per-addr", "-1"}, nil, "-max-sessions-per-addr"},
		{"allowed host with a port", []string{"-addr", "127.0.0.1:0", "-allowed-hosts", "localhost:8080"}, nil, "-allowed-hosts"},
		{"no allowed host", []string{"-addr", "127.0.0.1:0", "-allowed-hosts", " , "}, nil, "-allowed-hosts"},
		{"bad HOPLAB_ALLOWED_HOSTS", []string{"-addr", "127.0.0.1:0"}, map[string]string{"HOPLAB_ALLOWED_HOSTS": "http://x"}, "-allowed-hosts"},
		{"extra argument", []string{"-addr", "127.0.0.1:0", "serve"}, nil, "unexpected arguments"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr bytes.Buffer
			err := run(context.Background(), append([]string{"server"}, tt.args...), func(k string) string { return tt.env[k] }, io.Discard, &stderr)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("run = %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func TestHelp(t *testing.T) {
	var stdout bytes.Buffer
	if err := run(context.Background(), []string{"server", "-h"}, func(string) string { return "" }, &stdout, io.Discard); err != nil {
		t.Fatalf("run -h = %v, want nil", err)
	}
	for _, want := range []string{"-addr", "HOPLAB_ADDR", "-workers", "-max-sessions", "-max-sessions-per-addr", "-allowed-hosts", "HOPLAB_ALLOWED_HOSTS", "-shutdown-timeout", "-metrics", "-pprof-addr"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("usage lacks %q:\n%s", want, &stdout)
		}
	}
}
