// Package scenario is hoplab's scenario contract (docs/api.md): the JSON
// body of POST /api/v1/run and of the live sessions' load and patch
// messages, decoded strictly, checked, and resolved with its defaults into
// a Plan in the engine's vocabulary. It holds the Limits and the cost model
// they are calibrated with, the errors that the contract produces (*Error,
// with the codes clients may rely on), the canonical form a live session
// reports, and the explorer's presets with their generated captions.
//
// A scenario goes through three stages before any real work:
//
//	Decode     strict JSON → Scenario (unknown fields, wrong types, repeated keys, trailing data)
//	Resolve    defaults, enums, ranges and Limits → Plan
//	Plan.Start the engine's own checks (sim.New)
//
// Every rejection is an *Error whose Field is the scenario path in
// camelCase ("memories[2][1]", "view.grid.nx"). The package knows nothing
// of HTTP beyond the status each error stands for; the HTTP layer (package
// api) writes the errors and adds codes of its own.
package scenario
