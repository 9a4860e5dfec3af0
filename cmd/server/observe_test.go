package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"
)

// get GETs url with host as the Host header (when not empty) and returns
// the status and body.
func get(t *testing.T, url, host string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if host != "" {
		req.Host = host
	}
	client := &http.Client{Timeout: guard, Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// TestMetricsFlag: GET /metrics is served by default, with the Go and
// process collectors and the jobs of a /run; -metrics=false leaves it out.
func TestMetricsFlag(t *testing.T) {
	s := startRun(t, []string{"-addr", "127.0.0.1:0", "-workers", "2"}, nil)
	resp, err := (&http.Client{Timeout: guard}).Post(s.url+"/api/v1/run", "application/json",
		strings.NewReader(`{"memories": [[1, 0], [0, 1]], "uhop": {"iterations": 2}, "view": {"grid": {"nx": 4, "ny": 4}}}`))
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("POST /api/v1/run: %s", resp.Status)
	}
	status, body := get(t, s.url+"/metrics", "")
	if status != http.StatusOK {
		t.Fatalf("GET /metrics: %d %.300s", status, body)
	}
	for _, want := range []string{`hoplab_jobs_done_total{kind="run",priority="background"} `, "hoplab_live_sessions_open 0", "go_goroutines ", "process_resident_memory_bytes "} {
		if !strings.Contains(body, want) {
			t.Errorf("GET /metrics lacks %q", want)
		}
	}
	if !strings.Contains(s.logs.String(), "metrics=true") {
		t.Errorf("the listening line does not say metrics=true:\n%s", s.logs)
	}

	s = startRun(t, []string{"-addr", "127.0.0.1:0", "-metrics=false"}, nil)
	if status, body := get(t, s.url+"/metrics", ""); status != http.StatusNotFound || !strings.Contains(body, `"not_found"`) {
		t.Errorf("GET /metrics with -metrics=false: %d %s, want 404 not_found", status, body)
	}
}

var pprofRE = regexp.MustCompile(`pprof on (http://[^\s"]+)/debug/pprof/`)

// TestPprof: -pprof-addr serves /debug/pprof/ on a listener of its own,
// logged before the listening line, to loopback Host names only; the
// public address does not serve it. When run returns, the listener and
// its goroutines are gone. Without the flag the process listens on the
// server's address alone.
func TestPprof(t *testing.T) {
	before := goroutineIDs()
	listening := listenersOf(t)
	s := startRun(t, []string{"-addr", "127.0.0.1:0", "-pprof-addr", "127.0.0.1:0"}, nil)
	m := pprofRE.FindStringSubmatch(s.logs.String())
	if m == nil {
		t.Fatalf("no pprof line before the listening line:\n%s", s.logs)
	}
	pprofURL := m[1]
	if pprofURL == s.url {
		t.Fatalf("pprof shares the server's address %s", s.url)
	}
	if n := newListeners(t, listening); n != 2 && n != -1 {
		t.Errorf("the process listens on %d new addresses, want 2: the server's and pprof's", n)
	}
	for path, want := range map[string]string{
		"/debug/pprof/":                  "goroutine",
		"/debug/pprof/goroutine?debug=1": "goroutine profile: total",
		"/debug/pprof/cmdline":           "server",
	} {
		if status, body := get(t, pprofURL+path, ""); status != http.StatusOK || !strings.Contains(body, want) {
			t.Errorf("GET pprof %s: %d %.200q, want 200 with %q", path, status, body, want)
		}
	}
	port := strings.TrimPrefix(pprofURL, "http://127.0.0.1")
	if status, _ := get(t, pprofURL+"/debug/pprof/", "localhost"+port); status != http.StatusOK {
		t.Errorf("GET pprof with Host localhost: %d, want 200", status)
	}
	if status, _ := get(t, pprofURL+"/debug/pprof/", "rebound.example"+port); status != http.StatusMisdirectedRequest {
		t.Errorf("GET pprof with Host rebound.example: %d, want 421", status)
	}
	if status, _ := get(t, s.url+"/debug/pprof/", ""); status != http.StatusNotFound {
		t.Errorf("GET /debug/pprof/ on the server's address: %d, want 404", status)
	}

	s.cancel()
	select {
	case err := <-s.done:
		s.done <- err // for the cleanup
		if err != nil {
			t.Fatalf("run = %v", err)
		}
	case <-time.After(guard):
		t.Fatal("run did not return")
	}
	if conn, err := net.DialTimeout("tcp", strings.TrimPrefix(pprofURL, "http://"), guard); err == nil {
		conn.Close()
		t.Errorf("pprof still listens at %s after run returned", pprofURL)
	}
	if n := newListeners(t, listening); n > 0 {
		t.Errorf("%d listeners left after run returned", n)
	}
	checkNoServerGoroutines(t, before)

	// Without the flag: the server's listener alone, and no pprof line.
	s = startRun(t, []string{"-addr", "127.0.0.1:0"}, nil)
	if n := newListeners(t, listening); n != 1 && n != -1 {
		t.Errorf("without -pprof-addr the process listens on %d new addresses, want 1", n)
	}
	if strings.Contains(s.logs.String(), "pprof") {
		t.Errorf("without -pprof-addr the log mentions pprof:\n%s", s.logs)
	}
}

func TestPprofAddrMustBeLoopback(t *testing.T) {
	for _, addr := range []string{":6060", "0.0.0.0:6060", "[::]:6060", "192.0.2.1:6060", "example.org:6060", "127.0.0.1"} {
		var stderr bytes.Buffer
		err := run(context.Background(), []string{"server", "-addr", "127.0.0.1:0", "-pprof-addr", addr}, func(string) string { return "" }, io.Discard, &stderr)
		if err == nil || !strings.Contains(err.Error(), "-pprof-addr") {
			t.Errorf("-pprof-addr %s: run = %v, want a -pprof-addr error", addr, err)
		}
	}
	for _, host := range []string{"127.0.0.1", "127.1.2.3", "::1", "localhost", "LOCALHOST."} {
		if !isLoopback(host) {
			t.Errorf("isLoopback(%q) = false", host)
		}
	}
}

// goroutineIDs returns the ids of the goroutines running now.
func goroutineIDs() map[string]bool {
	ids := map[string]bool{}
	for _, g := range goroutines() {
		id, _, _ := strings.Cut(g, " [")
		ids[id] = true
	}
	return ids
}

func goroutines() []string {
	buf := make([]byte, 1<<16)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			return strings.Split(strings.TrimSpace(string(buf[:n])), "\n\n")
		}
		buf = make([]byte, 2*len(buf))
	}
}

// checkNoServerGoroutines fails if a goroutine that was not in before
// serves HTTP or runs the server's code (outside the tests) once run has
// returned. A goroutine on its way out may still be listed for a moment:
// it waits for them to leave, for at most guard.
func checkNoServerGoroutines(t *testing.T, before map[string]bool) {
	t.Helper()
	deadline := time.Now().Add(guard)
	var left []string
	for {
		left = left[:0]
		for _, g := range goroutines() {
			id, _, _ := strings.Cut(g, " [")
			if !before[id] && servesOrRunsServer(g) {
				left = append(left, g)
			}
		}
		if len(left) == 0 || time.Now().After(deadline) {
			break
		}
		runtime.Gosched()
	}
	if len(left) > 0 {
		t.Errorf("%d goroutines of the server outlive run:\n\n%s", len(left), strings.Join(left, "\n\n"))
	}
}

// servesOrRunsServer reports whether a goroutine's stack has a frame of an
// HTTP server, or of this command (hoplab/cmd/server) outside its tests.
func servesOrRunsServer(stack string) bool {
	lines := strings.Split(stack, "\n")
	for i := 1; i+1 < len(lines); i++ {
		fn := strings.TrimPrefix(lines[i], "created by ")
		file := strings.TrimSpace(lines[i+1])
		if strings.HasPrefix(fn, "net/http.(*Server).Serve") || strings.HasPrefix(fn, "net/http.(*conn).serve") ||
			strings.HasPrefix(fn, "hoplab/cmd/server.") && !strings.Contains(file, "_test.go:") {
			return true
		}
	}
	return false
}

// listenersOf returns the inodes of the TCP sockets that this process
// holds in the LISTEN state, read from /proc; nil where there is no /proc.
func listenersOf(t *testing.T) map[string]bool {
	t.Helper()
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return nil
	}
	mine := map[string]bool{}
	for _, fd := range fds {
		link, err := os.Readlink(filepath.Join("/proc/self/fd", fd.Name()))
		if inode, ok := strings.CutPrefix(link, "socket:["); err == nil && ok {
			mine[strings.TrimSuffix(inode, "]")] = true
		}
	}
	out := map[string]bool{}
	for _, table := range []string{"/proc/self/net/tcp", "/proc/self/net/tcp6"} {
		data, err := os.ReadFile(table)
		if err != nil {
			continue
		}
		for line := range strings.Lines(string(data)) {
			f := strings.Fields(line)
			// sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
			if len(f) >= 10 && f[3] == "0A" && mine[f[9]] {
				out[f[9]] = true
			}
		}
	}
	return out
}

// newListeners returns how many of the process's listening sockets are not
// in before, or -1 where /proc cannot tell.
func newListeners(t *testing.T, before map[string]bool) int {
	t.Helper()
	if before == nil {
		return -1
	}
	n := 0
	for inode := range listenersOf(t) {
		if !before[inode] {
			n++
		}
	}
	return n
}
