// Package live runs hoplab's live sessions (docs/protocol.md) on
// websocket connections that the HTTP layer has accepted.
//
// A live session (live.go, session.go, session_commands.go) holds one
// scenario, its U-Hop+ trajectory and the iteration on show. Its state is
// owned by one goroutine, which applies the client's typed JSON messages
// (protocol.go) in order, plays, and renders frames on the shared worker
// pool; a reader goroutine feeds it messages, a writer drains its outbox
// (outbox.go: the newest state and frame win, so a slow client gets fewer
// frames, never a growing queue) with a deadline per write, and a pinger
// (ping.go) drops peers that stop answering. Frames are binary: a 64-byte
// header and a deflated body of points and quantised grids (wire.go).
// A scenario that a message makes is checked as a /run scenario is
// (package scenario), and against the live limits (Limits.MaxLive*); a
// refused message gets an error reply and changes nothing. A Server bounds
// the sessions open at once, overall and per client address, and closes
// them all with 1001 when the server shuts down (Server.CloseAll,
// Server.Wait).
package live
