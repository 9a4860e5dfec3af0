package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"hoplab/internal/scenario"
	"hoplab/internal/sim"
	"hoplab/internal/workpool"
)

// handleRun serves POST /api/v1/run: decode and check the scenario, then,
// holding one of the MaxConcurrentRuns slots, run U-Hop+ for N steps,
// render the snapshots and stream the Result.
func (s *server) handleRun(w http.ResponseWriter, r *http.Request) {
	if err := checkContentType(r.Header.Get("Content-Type")); err != nil {
		writeError(w, err)
		return
	}
	body, aerr := s.readBody(w, r)
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	sc, err := scenario.Decode(body)
	if err != nil {
		writeError(w, scenario.AsError(err))
		return
	}
	p, err := scenario.Resolve(sc, s.limits)
	if err != nil {
		writeError(w, scenario.AsError(err))
		return
	}

	select {
	case s.sem <- struct{}{}:
		defer func() { <-s.sem }()
	default:
		w.Header().Set("Retry-After", "1")
		writeError(w, &scenario.Error{Status: http.StatusServiceUnavailable, Code: codeBusy,
			Message: fmt.Sprintf("the server is running %d computations already; retry in a second", cap(s.sem))})
		return
	}

	ctx, cancel := s.runContext(r.Context())
	defer cancel()
	res, err := s.compute(ctx, p)
	var div *scenario.DivergedRun
	switch {
	case err == nil:
	case errors.Is(context.Cause(ctx), errShuttingDown):
		writeError(w, shuttingDown)
		return
	case errors.As(err, &div):
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(div.Err.Status)
		if err := writeDiverged(w, div.Err, div.Trajectory); err != nil {
			s.log.Info("writing the result failed", "err", err)
		}
		return
	case r.Context().Err() != nil:
		s.log.Info("run abandoned: the client went away", "path", r.URL.Path, "err", err)
		return
	case errors.Is(err, context.DeadlineExceeded):
		writeError(w, &scenario.Error{Status: http.StatusServiceUnavailable, Code: codeTimeout,
			Message: fmt.Sprintf("the computation took longer than %v and was stopped; ask for less work", s.limits.RunTimeout)})
		return
	default:
		e := scenario.AsError(err)
		if e.Status >= 500 {
			logFailure(s.log, "run failed", err)
		}
		writeError(w, e)
		return
	}

	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	if err := writeResult(w, res); err != nil {
		s.log.Info("writing the result failed", "err", err)
	}
}

// compute runs the plan: it checks the engine's rules, takes N U-Hop+ steps
// and renders every snapshot. It stops early, with ctx.Err(), once ctx is
// done: between steps, and between the chunks of a rendering. A run that
// diverges stops there with a *scenario.DivergedRun.
func (s *server) compute(ctx context.Context, p *scenario.Plan) (*result, error) {
	run, err := p.Start()
	if err != nil {
		return nil, err
	}
	for run.Iterations() < p.Iterations {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		run.Step()
		if t, ok := run.Diverged(); ok {
			div := &scenario.DivergedRun{Err: scenario.DivergedAt(t), Trajectory: make([]sim.State, t)}
			for i := range div.Trajectory {
				div.Trajectory[i] = run.State(i)
			}
			return nil, div
		}
		if s.afterStep != nil {
			s.afterStep(ctx, run.Iterations())
		}
	}
	res := &result{
		trajectory: make([]sim.State, p.Iterations+1),
		frames:     make([]sim.Frame, len(p.Snapshots)),
	}
	for t := range res.trajectory {
		res.trajectory[t] = run.State(t)
	}
	runner := s.runner(ctx)
	for i, t := range p.Snapshots {
		if err := run.Render(&res.frames[i], t, p.Frame, runner); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// runner returns the sim.Runner for a computation under ctx.
func (s *server) runner(ctx context.Context) sim.Runner {
	var r sim.Runner = serialRunner{ctx}
	if s.pool != nil {
		r = poolRunner{pool: s.pool, ctx: ctx}
	}
	if s.wrapRunner != nil {
		r = s.wrapRunner(r)
	}
	return r
}

// poolRunner runs a rendering's chunks on the shared worker pool and stops
// handing out chunks once ctx is done. A chunk's panic is returned as a
// *workpool.PanicError.
type poolRunner struct {
	pool *workpool.Pool
	ctx  context.Context
}

// Run implements sim.Runner.
func (r poolRunner) Run(n int, task sim.Task) error {
	return r.pool.Do(r.ctx, n, task.RunChunk)
}

// serialRunner runs the chunks on the calling goroutine, checking ctx
// between them.
type serialRunner struct{ ctx context.Context }

// Run implements sim.Runner.
func (r serialRunner) Run(n int, task sim.Task) error {
	for i := range n {
		if err := r.ctx.Err(); err != nil {
			return err
		}
		task.RunChunk(i)
	}
	return r.ctx.Err()
}

// readBody reads the request body, at most Limits.MaxBodyBytes of it. A
// larger body gets 413, after drainBody.
func (s *server) readBody(w http.ResponseWriter, r *http.Request) ([]byte, *scenario.Error) {
	limit := s.limits.MaxBodyBytes
	tooLarge := &scenario.Error{Status: http.StatusRequestEntityTooLarge, Code: codeBodyTooLarge,
		Message: fmt.Sprintf("the body exceeds the limit of %d bytes", limit)}
	if r.ContentLength > limit {
		s.drainBody(w, r, 0)
		return nil, tooLarge
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	if err != nil {
		return nil, &scenario.Error{Status: http.StatusBadRequest, Code: scenario.CodeInvalidJSON, Message: "reading the body failed: " + err.Error()}
	}
	if int64(len(body)) > limit {
		s.drainBody(w, r, int64(len(body)))
		return nil, tooLarge
	}
	return body, nil
}

// checkContentType accepts "application/json", optionally with
// charset=utf-8 (JSON is UTF-8, RFC 8259).
func checkContentType(v string) *scenario.Error {
	bad := &scenario.Error{Status: http.StatusUnsupportedMediaType, Code: codeUnsupportedMediaType,
		Message: fmt.Sprintf("send the scenario with Content-Type: application/json, not %q", v)}
	mt, params, err := mime.ParseMediaType(v)
	if err != nil || mt != "application/json" {
		return bad
	}
	for name, value := range params {
		if name != "charset" || !strings.EqualFold(value, "utf-8") {
			return bad
		}
	}
	return nil
}
