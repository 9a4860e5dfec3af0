package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/coder/websocket"
)

// TestSessionFlags checks that -max-sessions and -max-sessions-per-addr
// reach the handler: one session more than they allow gets 503 busy.
func TestSessionFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string // in the refusal
	}{
		{[]string{"-max-sessions", "2"}, "the server has 2 live sessions"},
		{[]string{"-max-sessions-per-addr", "2"}, "your address has 2 live sessions"},
	} {
		t.Run(tc.args[0], func(t *testing.T) {
			s := startRun(t, append([]string{"-addr", "127.0.0.1:0"}, tc.args...), nil)
			url := "ws" + strings.TrimPrefix(s.url, "http") + "/api/v1/live"
			ctx, cancel := context.WithTimeout(context.Background(), guard)
			defer cancel()
			for range 2 {
				conn, _, err := websocket.Dial(ctx, url, nil)
				if err != nil {
					t.Fatalf("dial: %v", err)
				}
				defer conn.CloseNow()
			}
			_, resp, err := websocket.Dial(ctx, url, nil)
			if err == nil || resp == nil || resp.StatusCode != http.StatusServiceUnavailable {
				t.Fatalf("a third session: %v, want 503", err)
			}
			if body, _ := io.ReadAll(resp.Body); !bytes.Contains(body, []byte(`"code":"busy"`)) || !bytes.Contains(body, []byte(tc.want)) {
				t.Errorf("the refusal %s does not say busy and %s", body, tc.want)
			}
		})
	}
}
