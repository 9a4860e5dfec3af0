package api

import (
	"context"
	"io/fs"
	"log/slog"
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"hoplab/internal/live"
	"hoplab/internal/metrics"
	"hoplab/internal/scenario"
	"hoplab/internal/sim"
	"hoplab/internal/workpool"
	"hoplab/web"
)

// Config holds the dependencies of the HTTP handler.
type Config struct {
	// Logger receives request logs and errors; nil discards them.
	Logger *slog.Logger
	// Pool is the shared CPU pool that renders landscapes; nil renders on
	// the request's goroutine. The handler never closes it.
	Pool *workpool.Pool
	// Limits bound every request; the zero value means DefaultLimits().
	Limits scenario.Limits
	// AllowedHosts lists the host names that requests may name in their
	// Host header (others get 421 host_not_allowed) and live sessions in
	// their Origin (others get 403 origin_not_allowed; no Origin is fine),
	// against DNS rebinding. Names match case-insensitively on any port;
	// "*.example.org" matches the subdomains of example.org, and "*" any
	// host (then the Origin must be the request's own host and port).
	// Empty means LoopbackHosts(): a server that is reached by other names
	// must list them (cmd/server lists the listen address's and, on a
	// wildcard address, the machine's).
	AllowedHosts []string
	// AfterStep, when not nil, is called after each U-Hop+ step of a /run
	// or a live session, on the computation's goroutine, with its context
	// and the number of steps taken: a hook for tests, which can slow a
	// computation down or hold it until its context ends.
	AfterStep func(ctx context.Context, t int)
	// Metrics, when not nil, is served at GET /metrics and told of the
	// renderings and live sessions (the pool reports its jobs to it
	// itself, through workpool.WithObserver). Nil: no /metrics route.
	Metrics *metrics.Metrics
}

// NewHandler returns hoplab's HTTP handler:
//
//	GET  /             the live explorer
//	GET  /about        the JSON API and its limits
//	GET  /figures      the paper's figures, computed live
//	GET  /healthz      200 {"status":"ok"}
//	GET  /static/*     embedded assets (ETag, revalidated on every use)
//	POST /api/v1/run   run a scenario (docs/api.md)
//	POST /api/v1/figures  compute one of the paper's figures (docs/api.md, "Figures")
//	POST /api/v1/capacity  metastable-state statistics (docs/api.md)
//	POST /api/v1/jobs  run a request as a background job (docs/api.md, "Jobs")
//	GET, DELETE /api/v1/jobs/{id}  follow a job, cancel it
//	GET  /api/v1/live  a live session over a websocket (docs/protocol.md)
//	GET  /api/v1/spherical-codes  best known codes and Prop. 3.1 bounds (docs/api.md)
//	GET  /metrics      Prometheus text format, when Config.Metrics is set (docs/api.md)
//
// Every error is a JSON body {"error": {"code", "message", "field"}}. GET
// routes answer HEAD too.
func NewHandler(cfg Config) *Handler {
	s := newServer(cfg)
	return &Handler{Handler: s.routes(nil), srv: s}
}

// Handler is hoplab's HTTP handler. Its live sessions and jobs outlive the
// requests that opened them, so a server shutting down must also call
// CloseSessions and WaitSessions, and StopJobs; and CancelRuns, to answer
// the computations that would not end within its grace period.
type Handler struct {
	http.Handler
	srv *server
}

// CloseSessions refuses new live sessions and closes the open ones with
// status 1001 (going away). It does not wait; it suits
// http.Server.RegisterOnShutdown.
func (h *Handler) CloseSessions() { h.srv.live.CloseAll() }

// WaitSessions waits until every live session has ended, or ctx is done.
func (h *Handler) WaitSessions(ctx context.Context) error { return h.srv.live.Wait(ctx) }

// server holds the handler's dependencies and shared state.
type server struct {
	log    *slog.Logger
	pool   *workpool.Pool
	limits scenario.Limits
	static *staticFiles
	hosts  *hostList
	// admission admits /run computations by their work.
	admission *admission
	// live runs the live sessions.
	live *live.Server
	// metrics, when not nil, is served at /metrics and told of renderings.
	metrics *metrics.Metrics
	// jobs keeps the background jobs (POST /api/v1/jobs).
	jobs *jobStore
	// figures keeps each figure's answer once computed (POST /api/v1/figures).
	figures figureCache
	// draining is done once stopRuns (Handler.CancelRuns) is called.
	draining context.Context
	stopRuns context.CancelFunc

	// afterStep, when not nil, is called after each U-Hop+ step of a /run
	// or a live session with the computation's context and the number of
	// steps taken (a test hook).
	afterStep func(ctx context.Context, t int)
	// wrapRunner, when not nil, wraps every runner of a rendering (a test
	// hook).
	wrapRunner func(sim.Runner) sim.Runner
}

func newServer(cfg Config) *server {
	s := &server{log: cfg.Logger, pool: cfg.Pool, limits: cfg.Limits, afterStep: cfg.AfterStep, metrics: cfg.Metrics}
	s.draining, s.stopRuns = context.WithCancel(context.Background())
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.limits == (scenario.Limits{}) {
		s.limits = scenario.DefaultLimits()
	}
	hosts := cfg.AllowedHosts
	if len(hosts) == 0 {
		hosts = LoopbackHosts()
	}
	s.hosts = newHostList(hosts)
	s.admission = newAdmission(s.limits)
	s.jobs = newJobStore(s.limits, s.log, s.draining)
	sub, err := fs.Sub(web.Static, "static")
	if err != nil {
		panic("api: the embedded static directory is missing: " + err.Error()) // a build error, not a runtime one
	}
	s.static = newStaticFiles(sub)
	s.live = live.NewServer(live.Config{Logger: s.log, Limits: s.limits, Runner: s.runner, AfterStep: cfg.AfterStep, Observer: s.liveObserver()})
	return s
}

// routes builds the router. extra, when not nil, adds routes behind the
// same middleware (a test hook).
func (s *server) routes(extra func(chi.Router)) http.Handler {
	r := chi.NewRouter()
	r.Use(securityHeaders, s.logRequests, s.recoverPanics, s.checkHost, middleware.GetHead)
	r.NotFound(s.notFound)
	r.MethodNotAllowed(s.methodNotAllowed(r))

	r.Get(explorerPath, s.handleExplorer)
	r.Get(aboutPath, s.handleAbout)
	r.Get(figuresPagePath, s.handleFiguresPage)
	r.Get("/healthz", handleHealth)
	r.Get("/static/*", s.static.ServeHTTP)
	r.Post("/api/v1/run", s.handleRun)
	r.Post(figuresPath, s.handleFigure)
	r.Post(capacityPath, s.handleCapacity)
	r.Post(jobsPath, s.handleCreateJob)
	r.Get(jobsPath+"/{id}", s.handleGetJob)
	r.Delete(jobsPath+"/{id}", s.handleDeleteJob)
	r.Get(codesPath, s.handleCodes)
	r.Get(livePath, s.handleLive) // no timeout or compression middleware: the session is long-lived
	if s.metrics != nil {
		r.Get(metricsPath, s.metrics.Handler().ServeHTTP)
	}

	if extra != nil {
		extra(r)
	}
	return r
}
