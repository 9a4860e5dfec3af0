package api

import (
	"context"
	"io/fs"
	"log/slog"
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

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
	Limits Limits
}

// NewHandler returns hoplab's HTTP handler:
//
//	GET  /             the live explorer
//	GET  /about        the JSON API and its limits
//	GET  /healthz      200 {"status":"ok"}
//	GET  /static/*     embedded assets (ETag, revalidated on every use)
//	POST /api/v1/run   run a scenario (docs/api.md)
//
// Every error is a JSON body {"error": {"code", "message", "field"}}. GET
// routes answer HEAD too.
func NewHandler(cfg Config) http.Handler {
	return newServer(cfg).routes(nil)
}

// server holds the handler's dependencies and shared state.
type server struct {
	log    *slog.Logger
	pool   *workpool.Pool
	limits Limits
	static *staticFiles
	// sem holds one token per running computation; its capacity is
	// Limits.MaxConcurrentRuns.
	sem chan struct{}

	// afterStep, when not nil, is called after each U-Hop+ step with the
	// computation's context and the number of steps taken (a test hook).
	afterStep func(ctx context.Context, t int)
}

func newServer(cfg Config) *server {
	s := &server{log: cfg.Logger, pool: cfg.Pool, limits: cfg.Limits}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.limits == (Limits{}) {
		s.limits = DefaultLimits()
	}
	s.sem = make(chan struct{}, max(s.limits.MaxConcurrentRuns, 1))
	sub, err := fs.Sub(web.Static, "static")
	if err != nil {
		panic("api: the embedded static directory is missing: " + err.Error()) // a build error, not a runtime one
	}
	s.static = newStaticFiles(sub)
	return s
}

// routes builds the router. extra, when not nil, adds routes behind the
// same middleware (a test hook).
func (s *server) routes(extra func(chi.Router)) http.Handler {
	r := chi.NewRouter()
	r.Use(s.logRequests, s.recoverPanics, middleware.GetHead)
	r.NotFound(s.notFound)
	r.MethodNotAllowed(s.methodNotAllowed(r))

	r.Get(explorerPath, s.handleExplorer)
	r.Get(aboutPath, s.handleAbout)
	r.Get("/healthz", handleHealth)
	r.Get("/static/*", s.static.ServeHTTP)
	r.Post("/api/v1/run", s.handleRun)

	if extra != nil {
		extra(r)
	}
	return r
}
