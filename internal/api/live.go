package api

import (
	"net"
	"net/http"

	"github.com/coder/websocket"
)

// handleLive serves GET /api/v1/live: it checks the Origin, upgrades to a
// websocket and runs one session (docs/protocol.md) until the client
// leaves or the server shuts down.
func (s *server) handleLive(w http.ResponseWriter, r *http.Request) {
	if err := s.checkOrigin(r); err != nil {
		writeError(w, err)
		return
	}
	ticket, refused := s.live.Admit(clientAddr(r))
	if refused != "" {
		writeBusy(w, refused)
		return
	}
	defer s.live.Release(ticket)

	// The Origin was checked above, against the allowed hosts rather than
	// coder/websocket's same host and port. No compression: frames are
	// deflated already.
	conn, err := websocket.Accept(w, r, &websocket.AcceptOptions{InsecureSkipVerify: true, CompressionMode: websocket.CompressionDisabled})
	if err != nil {
		s.log.Info("live: the upgrade failed", "err", err)
		return // Accept has written the HTTP error
	}
	s.live.Serve(ticket, conn, r.RemoteAddr)
}

// clientAddr is the address that MaxLiveSessionsPerAddr counts: the host
// of the connection's remote address (behind a proxy, the proxy's).
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
