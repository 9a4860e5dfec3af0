package live

import (
	"context"
	"fmt"
	"time"

	"github.com/coder/websocket"
)

// pingLive pings the session's peer every Limits.LivePingInterval until ctx
// is done. A peer that does not answer within Limits.LivePingTimeout
// (dead, gone without closing, or not reading) ends the session: its
// connection is dropped without a closing handshake, which it would not
// answer either, and its slot is free. The reader goroutine reads the
// pongs; coder/websocket completes a ping only while some goroutine reads.
func (s *Server) pingLive(ctx context.Context, cancel context.CancelCauseFunc, conn *websocket.Conn) {
	interval, timeout := s.limits.LivePingInterval, s.limits.LivePingTimeout
	if interval <= 0 {
		return
	}
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
		// Not a context derived from ctx: a ping cancelled by the
		// session's end would drop the connection before its close frame.
		pctx, done := context.WithTimeout(context.Background(), timeout)
		err := conn.Ping(pctx)
		done()
		if err != nil {
			cancel(&closeCause{status: websocket.StatusPolicyViolation, abrupt: true,
				reason: fmt.Sprintf("no pong within %v: %v", timeout, err)})
			return
		}
	}
}
