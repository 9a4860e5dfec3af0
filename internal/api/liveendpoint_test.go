package api

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/coder/websocket"

	"hoplab/internal/live/livetest"
	"hoplab/internal/scenario"
)

// Tests of GET /api/v1/live through the HTTP layer: the upgrade, the
// refusals and the shutdown of sessions. The sessions themselves are
// package live's.

// startLive serves a test server's routes over real HTTP and returns its
// websocket URL. Its sessions are closed and waited for when the test ends.
func startLive(t *testing.T, lim scenario.Limits) (*server, string) {
	t.Helper()
	return startLiveWith(t, lim, nil)
}

// startLiveWith is startLive with setup, when not nil, called on the server
// before it serves (to set test hooks).
func startLiveWith(t *testing.T, lim scenario.Limits, setup func(*server)) (*server, string) {
	t.Helper()
	s := newTestServer(t, lim)
	if setup != nil {
		setup(s)
	}
	ts := httptest.NewServer(s.routes(nil))
	t.Cleanup(func() {
		s.live.CloseAll()
		ctx, cancel := context.WithTimeout(context.Background(), livetest.Timeout)
		defer cancel()
		if err := s.live.Wait(ctx); err != nil {
			t.Errorf("live sessions did not end: %v", err)
		}
		ts.Close()
	})
	return s, "ws" + strings.TrimPrefix(ts.URL, "http") + livePath
}

// TestLiveLimits checks the session limit, the message size limit and
// the shutdown: 503 beyond MaxLiveSessions, 1009 for a large message, 1001
// when the server closes its sessions, and no goroutine left behind. It
// waits on conditions only: the open sessions reaching 0, every handler
// call returning and the worker pool closing; after them no goroutine
// started during the test may still run the server's code or the
// websocket library's.
func TestLiveLimits(t *testing.T) {
	before := goroutineStacks()
	lim := scenario.DefaultLimits()
	lim.MaxLiveSessions = 1
	lim.MaxMessageBytes = 1 << 10
	s := newTestServer(t, lim)
	// handlers counts the handler calls in flight: a live session's
	// goroutines are all joined before its handler returns.
	var handlers sync.WaitGroup
	routes := s.routes(nil)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		handlers.Add(1)
		defer handlers.Done()
		routes.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	t.Cleanup(s.live.CloseAll)
	url := "ws" + strings.TrimPrefix(ts.URL, "http") + livePath
	c := livetest.Dial(t, url)

	ctx, cancel := context.WithTimeout(context.Background(), livetest.Timeout)
	defer cancel()
	_, resp, err := websocket.Dial(ctx, url, nil)
	if err == nil || resp == nil || resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("a second session: err %v, response %v; want 503", err, resp)
	}

	c.SendRaw(`{"type": "patch", "scenario": {"ui": {"note": "` + strings.Repeat("x", 2<<10) + `"}}}`)
	_, _, err = c.Conn.Read(ctx)
	if websocket.CloseStatus(err) != websocket.StatusMessageTooBig {
		t.Errorf("a message over the limit: %v, want close 1009", err)
	}

	// The first session has ended, so a new one may open; a shutdown
	// closes it with 1001.
	if err := s.live.WaitOpen(ctx, 0); err != nil {
		t.Fatal(err)
	}
	d := livetest.Dial(t, url)
	s.live.CloseAll()
	_, _, err = d.Conn.Read(ctx)
	if websocket.CloseStatus(err) != websocket.StatusGoingAway {
		t.Errorf("shutdown: %v, want close 1001", err)
	}
	if err := s.live.Wait(ctx); err != nil {
		t.Fatalf("sessions did not end: %v", err)
	}
	if n := s.live.OpenSessions(); n != 0 {
		t.Fatalf("%d sessions open after they all ended", n)
	}
	d.Conn.CloseNow()
	c.Conn.CloseNow()
	returned := make(chan struct{})
	go func() {
		handlers.Wait()
		close(returned)
	}()
	select {
	case <-returned:
	case <-ctx.Done():
		t.Fatalf("handler calls still running after the sessions ended:\n%s", stacksOf(goroutineStacks()))
	}
	s.pool.Close()
	ts.Close()
	checkNoLeaks(t, ctx, before)
}

// checkNoLeaks checks that no goroutine started since before (a
// goroutineStacks) still runs the server's code or the websocket
// library's. A goroutine that has just called wg.Done may still be
// listed, on its way out: it waits until none is left, or until ctx is
// done.
func checkNoLeaks(t *testing.T, ctx context.Context, before map[string]string) {
	t.Helper()
	var leaked []string
	for {
		leaked = leaked[:0]
		for id, stack := range goroutineStacks() {
			if _, old := before[id]; !old && runsOwnCode(stack) {
				leaked = append(leaked, stack)
			}
		}
		if len(leaked) == 0 || ctx.Err() != nil {
			break
		}
		runtime.Gosched()
	}
	if len(leaked) > 0 {
		t.Errorf("%d goroutines of the server or the websocket library outlive their work:\n\n%s", len(leaked), strings.Join(leaked, "\n\n"))
	}
}

// goroutineStacks returns the stack of every goroutine by its header's
// "goroutine N".
func goroutineStacks() map[string]string {
	buf := make([]byte, 1<<16)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	out := map[string]string{}
	for _, g := range strings.Split(strings.TrimSpace(string(buf)), "\n\n") {
		id, _, _ := strings.Cut(g, " [")
		out[id] = g
	}
	return out
}

func stacksOf(m map[string]string) string {
	var all []string
	for _, s := range m {
		all = append(all, s)
	}
	return strings.Join(all, "\n\n")
}

// runsOwnCode reports whether a goroutine's stack (runtime.Stack's text)
// has a frame, or was created by a function, of hoplab outside its tests,
// or of coder/websocket: a goroutine the server or the library started or
// still runs in. Each function line is followed by its file line.
func runsOwnCode(stack string) bool {
	lines := strings.Split(stack, "\n")
	for i := 1; i+1 < len(lines); i++ {
		fn := strings.TrimPrefix(lines[i], "created by ")
		file := strings.TrimSpace(lines[i+1])
		if strings.HasPrefix(fn, "github.com/coder/websocket") ||
			strings.HasPrefix(fn, "hoplab/") && !strings.Contains(file, "_test.go:") {
			return true
		}
	}
	return false
}

// TestLiveSessionsPerAddr: with MaxLiveSessionsPerAddr = 2, a third
// session from the same address is refused with 503 busy, and admitted
// once one of the others has ended. Without the cap (the default) many
// sessions from one address are fine.
func TestLiveSessionsPerAddr(t *testing.T) {
	lim := scenario.DefaultLimits()
	lim.MaxLiveSessionsPerAddr = 2
	s, url := startLive(t, lim)
	ctx, cancel := context.WithTimeout(context.Background(), livetest.Timeout)
	defer cancel()
	a := livetest.Dial(t, url)
	livetest.Dial(t, url)
	_, resp, err := websocket.Dial(ctx, url, nil)
	if err == nil || resp == nil || resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("a third session from one address: %v, want 503", err)
	}
	body, _ := io.ReadAll(resp.Body)
	var e errorBody
	if err := json.Unmarshal(body, &e); err != nil || e.Error.Code != codeBusy || !strings.Contains(e.Error.Message, "your address has 2 live sessions") ||
		resp.Header.Get("Content-Type") != "application/json" || resp.Header.Get("Retry-After") == "" {
		t.Errorf("the refusal: %s %s (%v), headers %v; want JSON busy saying the address has 2 sessions, with Retry-After", resp.Status, body, err, resp.Header)
	}
	a.Conn.Close(websocket.StatusNormalClosure, "")
	if err := s.live.WaitOpen(ctx, 1); err != nil {
		t.Fatal(err)
	}
	livetest.Dial(t, url)

	_, url = startLive(t, scenario.DefaultLimits())
	for range 5 {
		livetest.Dial(t, url)
	}
}
