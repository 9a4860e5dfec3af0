// Package api is hoplab's HTTP layer: the routes (routes.go), the
// middleware, POST /api/v1/run with its streaming Result encoder, the
// pages, and the upgrade to a live session. The JSON scenario contract of
// docs/api.md (strict decoding, validation, limits, presets) is package
// scenario; the live sessions of docs/protocol.md are package live.
//
// Routes (NewHandler):
//
//	GET  /             the live explorer page
//	GET  /about        the JSON API and its limits
//	GET  /figures      the paper's figures, computed live (figures_page.go)
//	GET  /healthz      200 {"status":"ok"}
//	GET  /static/*     the embedded assets
//	POST /api/v1/run   run a scenario (docs/api.md)
//	POST /api/v1/figures  compute one of the paper's figures (figures.go)
//	POST /api/v1/capacity  metastable-state histograms of the capacity lab (capacity.go)
//	POST /api/v1/jobs  run a request as a background job (docs/api.md, "Jobs")
//	GET, DELETE /api/v1/jobs/{id}  follow a job, cancel it
//	GET  /api/v1/live  a live session over a websocket (docs/protocol.md)
//	GET  /api/v1/spherical-codes  best known codes and Prop. 3.1 bounds (docs/api.md)
//	GET  /metrics      Prometheus text format, when Config.Metrics is set (metrics.go)
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
// POST /api/v1/jobs takes a request of one of the job kinds (jobkinds.go;
// "run" takes a /run scenario, "figure" a figure request, "capacity" a
// capacity request), checks it entirely as the kind's endpoint
// does, and computes it in the background (jobstore.go): queued, then at
// most Limits.MaxRunningJobs at once, each as an owner of its own at
// Background priority on the shared pool. GET /api/v1/jobs/{id} follows it
// and, once done, carries the endpoint's answer; DELETE cancels it. Ended
// jobs are forgotten after Limits.JobRetention, or sooner beyond
// Limits.MaxKeptJobBytes. The handler's StopJobs stops them on shutdown.
//
// GET /api/v1/live checks the Origin, admits the session within the
// session limits (503 busy beyond them), upgrades to a websocket and hands
// the connection to package live (live.go here). The handler's
// CloseSessions and WaitSessions close and wait for the open sessions when
// the server shuts down.
package api
