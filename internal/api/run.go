package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"

	"hoplab/internal/scenario"
	"hoplab/internal/sim"
	"hoplab/internal/workpool"
)

// handleRun serves POST /api/v1/run: decode and check the scenario, then,
// once admitted (admission.admit, by work), run U-Hop+ for N steps and
// render the snapshots as one background job of the request on the shared
// pool, and stream the Result.
func (s *server) handleRun(w http.ResponseWriter, r *http.Request) {
	body, ok := s.readJSON(w, r, "the scenario")
	if !ok {
		return
	}
	sc, err := scenario.DecodeWithin(body, s.limits)
	if err != nil {
		writeError(w, scenario.AsError(err))
		return
	}
	p, err := scenario.Resolve(sc, s.limits)
	if err != nil {
		writeError(w, scenario.AsError(err))
		return
	}

	release, refused := s.admission.admit(p.Work())
	if refused != "" {
		writeBusy(w, refused)
		return
	}
	defer release()

	ctx, cancel := s.runContext(r.Context())
	defer cancel()
	res, err := s.compute(ctx, p, workpool.NewOwner("run "+r.RemoteAddr), nil)
	release() // the computation is over: writing the answer to a slow client holds no place
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

// compute runs the plan as jobs of owner at Background priority: it checks
// the engine's rules, takes N U-Hop+ steps in sequential chunks of about
// scenario.TrainChunkNs, and renders every snapshot. It stops early, with
// ctx.Err(), once ctx is done: between chunks of steps and of renderings.
// A run that diverges stops there with a *scenario.DivergedRun. prog, if
// not nil, counts its chunks, computeChunks(p) in all; the caller sets its
// total (a figure's job counts the chunks of several runs in one total).
func (s *server) compute(ctx context.Context, p *scenario.Plan, owner *workpool.Owner, prog *workpool.Progress) (*result, error) {
	return s.computeAs(ctx, "run", p, owner, prog)
}

// computeAs is compute with the pool jobs, and the renderings /metrics
// times, of kind ("run", or "figure" for a figure's runs).
func (s *server) computeAs(ctx context.Context, kind string, p *scenario.Plan, owner *workpool.Owner, prog *workpool.Progress) (*result, error) {
	job := workpool.Job{Owner: owner, Priority: workpool.Background, Kind: kind, Progress: prog}
	run, err := s.train(ctx, p, job)
	if err != nil {
		return nil, err
	}
	res := &result{
		trajectory: make([]sim.State, p.Iterations+1),
		frames:     make([]sim.Frame, len(p.Snapshots)),
	}
	for t := range res.trajectory {
		res.trajectory[t] = run.State(t)
	}
	runner := s.runner(ctx, job)
	var plan sim.FramePlan
	plan.SetChunks(frameChunks(p))
	for i, t := range p.Snapshots {
		start := time.Now()
		if err := run.PrepareFrame(&plan, t, p.Frame); err != nil {
			return nil, err
		}
		if err := plan.Render(&res.frames[i], runner); err != nil {
			return nil, err
		}
		s.observeRender(job.Kind, time.Since(start))
	}
	return res, nil
}

// train starts the run of p and takes its N U-Hop+ steps as job, made
// sequential, in chunks of about scenario.TrainChunkNs (trainingChunks),
// stopping early, with ctx.Err(), once ctx is done. A run that diverges
// stops there with a *scenario.DivergedRun.
func (s *server) train(ctx context.Context, p *scenario.Plan, job workpool.Job) (*sim.Run, error) {
	training, perChunk := trainingChunks(p)
	train := job
	train.Sequential = true
	var run *sim.Run
	var startErr error
	err := s.do(ctx, train, training, func(c int) {
		if c == 0 { // the run starts on the pool too: sim.New costs a step
			if run, startErr = p.Start(); startErr != nil {
				return
			}
		}
		last := min((c+1)*perChunk, p.Iterations)
		for run.Iterations() < last {
			if _, ok := run.Diverged(); ok || ctx.Err() != nil {
				return
			}
			run.Step()
			if s.afterStep != nil {
				s.afterStep(ctx, run.Iterations())
			}
		}
	})
	if startErr != nil {
		return nil, startErr
	}
	if run == nil { // cancelled before it started
		if err == nil {
			err = ctx.Err()
		}
		return nil, err
	}
	if t, ok := run.Diverged(); ok {
		div := &scenario.DivergedRun{Err: scenario.DivergedAt(t), Trajectory: make([]sim.State, t)}
		for i := range div.Trajectory {
			div.Trajectory[i] = run.State(i)
		}
		return nil, div
	}
	if err == nil && run.Iterations() < p.Iterations {
		err = ctx.Err() // its last chunk stopped early
	}
	if err != nil {
		return nil, err
	}
	return run, nil
}

// trainingChunks returns the number of sequential chunks the start of the
// run and its N steps are taken in (at least one: the start), and the
// steps per chunk.
func trainingChunks(p *scenario.Plan) (chunks, perChunk int) {
	perChunk = scenario.StepsPerChunk(p.Dims())
	return max(1, (p.Iterations+perChunk-1)/perChunk), perChunk
}

// frameChunks is the number of chunks each snapshot of p renders in.
func frameChunks(p *scenario.Plan) int {
	m, _, _ := p.Dims()
	return scenario.FrameChunks(&p.Frame, m)
}

// computeChunks is the number of chunks of compute(p): training, then one
// evaluation per snapshot.
func computeChunks(p *scenario.Plan) int {
	training, _ := trainingChunks(p)
	g := &p.Frame.Grid
	return training + len(p.Snapshots)*sim.ChunksOf(g.NY, g.NX, frameChunks(p))
}

// do runs n chunks of fn as job j on the pool, or on the calling goroutine
// when the server has no pool, checking ctx between chunks.
func (s *server) do(ctx context.Context, j workpool.Job, n int, fn func(int)) error {
	if s.pool != nil {
		return s.pool.Do(ctx, j, n, fn)
	}
	for i := range n {
		if err := ctx.Err(); err != nil {
			return err
		}
		fn(i)
		if j.Progress != nil {
			j.Progress.Add(1)
		}
	}
	return ctx.Err()
}

// runner returns the sim.Runner of a rendering under ctx, as job j.
func (s *server) runner(ctx context.Context, j workpool.Job) sim.Runner {
	var r sim.Runner = serialRunner{s: s, ctx: ctx, job: j}
	if s.pool != nil {
		r = workpool.Runner{Pool: s.pool, Ctx: ctx, Job: j}
	}
	if s.wrapRunner != nil {
		r = s.wrapRunner(r)
	}
	return r
}

// serialRunner runs the chunks on the calling goroutine, checking ctx
// between them.
type serialRunner struct {
	s   *server
	ctx context.Context
	job workpool.Job
}

// Run implements sim.Runner.
func (r serialRunner) Run(n int, task sim.Task) error {
	return r.s.do(r.ctx, r.job, n, task.RunChunk)
}

// readJSON checks the content type and reads the body (readBody). On a
// problem it writes the error and returns false. what names the body the
// endpoint takes, for the 415 message ("the scenario").
func (s *server) readJSON(w http.ResponseWriter, r *http.Request, what string) ([]byte, bool) {
	if err := checkContentType(r.Header.Get("Content-Type"), what); err != nil {
		writeError(w, err)
		return nil, false
	}
	body, err := s.readBody(w, r)
	if err != nil {
		writeError(w, err)
		return nil, false
	}
	return body, true
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
// charset=utf-8 (JSON is UTF-8, RFC 8259); what names the body in the
// error ("the scenario").
func checkContentType(v, what string) *scenario.Error {
	bad := &scenario.Error{Status: http.StatusUnsupportedMediaType, Code: codeUnsupportedMediaType,
		Message: fmt.Sprintf("send %s with Content-Type: application/json, not %q", what, v)}
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

// writeBusy answers 503 busy with message and Retry-After: 1: a
// computation or session refused for want of room (docs/api.md).
func writeBusy(w http.ResponseWriter, message string) {
	w.Header().Set("Retry-After", "1")
	writeError(w, &scenario.Error{Status: http.StatusServiceUnavailable, Code: codeBusy, Message: message})
}
