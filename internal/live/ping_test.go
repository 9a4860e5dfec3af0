package live

import (
	"context"
	"hoplab/internal/live/livetest"
	"hoplab/internal/scenario"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// TestLivePingFreesDeadPeers opens a session whose client never reads, so
// it never answers the server's pings, and one whose client reads: the
// first loses its session and its slot, the second keeps answering.
func TestLivePingFreesDeadPeers(t *testing.T) {
	lim := scenario.DefaultLimits()
	lim.MaxLiveSessions = 2
	lim.LivePingInterval = 10 * time.Millisecond
	lim.LivePingTimeout = 2 * time.Second // generous: a reading client must answer in time under -race
	var logs syncBuffer
	s, url := startLiveWith(t, lim, func(s *testServer) { s.log = slog.New(slog.NewTextHandler(&logs, nil)) })
	ctx, cancel := context.WithTimeout(context.Background(), livetest.Timeout)
	defer cancel()

	// The live client reads in a goroutine of its own, which answers the
	// pings, and counts them.
	pings := make(chan struct{}, 100)
	alive, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{
		OnPingReceived: func(context.Context, []byte) bool {
			select {
			case pings <- struct{}{}:
			default:
			}
			return true
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer alive.CloseNow()
	readErr := make(chan error, 1)
	go func() {
		for {
			if _, _, err := alive.Read(ctx); err != nil {
				readErr <- err
				return
			}
		}
	}()

	dead, _, err := websocket.Dial(ctx, url, nil) // never reads
	if err != nil {
		t.Fatal(err)
	}
	defer dead.CloseNow()
	if _, resp, err := websocket.Dial(ctx, url, nil); err == nil || resp == nil || resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("a third session: %v, want 503: the limit is 2", err)
	}

	if err := s.live.waitOpen(ctx, 1); err != nil {
		t.Fatalf("the session that never reads was not closed: %v", err)
	}
	if !strings.Contains(logs.String(), "no pong within 2s") {
		t.Errorf("the log does not say why the session ended:\n%s", logs.String())
	}
	// Its slot is free again…
	d := livetest.Dial(t, url)
	d.UntilSeq(d.Send(`{"type": "preset", "name": "clustered"}`))
	// …and the reading client is still pinged and still there.
	for range 3 {
		select {
		case <-pings:
		case err := <-readErr:
			t.Fatalf("the client that reads lost its session: %v", err)
		case <-ctx.Done():
			t.Fatal("no pings")
		}
	}
	if n := s.live.sessionsOpen(); n != 2 {
		t.Errorf("%d sessions open, want 2", n)
	}
}
