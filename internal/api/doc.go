// Package api is hoplab's HTTP layer: the routes, the JSON scenario
// contract of docs/api.md (strict decoding, validation, limits), the
// streaming Result encoder, and the start page.
//
// A request to POST /api/v1/run goes through four stages, and only the last
// one does real work:
//
//	decodeScenario  strict JSON → Scenario (unknown fields, wrong types, trailing data)
//	resolve         defaults, enums, ranges and Limits → plan
//	plan.start      the engine's own checks (sim.New, Run.CheckFrame)
//	compute         N U-Hop+ steps, then the snapshots on the shared pool
//
// Every rejection is a JSON body {"error": {"code", "message", "field"}}
// with the field's path in the scenario's camelCase ("memories[2][1]",
// "view.grid.nx"); the codes are listed in errors.go.
package api
