// Package api is hoplab's HTTP layer: the routes (routes.go), the
// streaming Result encoder, the live sessions of docs/protocol.md, and the
// pages. The JSON scenario contract of docs/api.md (strict decoding,
// validation, limits, presets) is package scenario.
//
// Routes (NewHandler):
//
//	GET  /             the live explorer page
//	GET  /about        the JSON API and its limits
//	GET  /healthz      200 {"status":"ok"}
//	GET  /static/*     the embedded assets
//	POST /api/v1/run   run a scenario (docs/api.md)
//	GET  /api/v1/live  a live session over a websocket (docs/protocol.md)
//	GET  /api/v1/spherical-codes  best known codes and Prop. 3.1 bounds (docs/api.md)
//
// A request to POST /api/v1/run goes through four stages, and only the last
// one does real work:
//
//	scenario.Decode   strict JSON → Scenario (unknown fields, wrong types, trailing data)
//	scenario.Resolve  defaults, enums, ranges and Limits → Plan
//	Plan.Start        the engine's own checks (sim.New, Run.CheckFrame)
//	compute           N U-Hop+ steps, then the snapshots on the shared pool
//
// Every rejection is a JSON body {"error": {"code", "message", "field"}}
// with the field's path in the scenario's camelCase ("memories[2][1]",
// "view.grid.nx"); the codes are listed in errors.go here and in package
// scenario.
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
// A scenario that a message makes is checked as a /run scenario is, and
// against the live limits (Limits.MaxLive*); a refused message gets an
// error reply and changes nothing. liveSessions bounds the sessions open at once, overall and per
// client address, and closes them all with 1001 when the server shuts down
// (Handler.CloseSessions, Handler.WaitSessions).
package api
