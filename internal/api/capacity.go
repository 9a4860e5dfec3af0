package api

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"

	"hoplab/internal/scenario"
	"hoplab/internal/sim"
	"hoplab/internal/workpool"
)

// capacityPath computes the metastable-state statistics of the capacity
// lab (docs/api.md, "POST /api/v1/capacity").
const capacityPath = "/api/v1/capacity"

// jobKindCapacity is the kind of a capacity job, and the pool's job kind
// of its computations.
const jobKindCapacity = "capacity"

// prepareCapacity decodes and checks a capacity request entirely, its
// work included: against the endpoint's limit (MaxCapacityWork), or, for
// a job, a job's (MaxCapacityJobWork).
func (s *server) prepareCapacity(body []byte, job bool) (*scenario.CapacityPlan, error) {
	c, err := scenario.DecodeCapacityWithin(body, s.limits)
	if err != nil {
		return nil, err
	}
	cp, err := scenario.ResolveCapacity(c, s.limits)
	if err != nil {
		return nil, err
	}
	if err := cp.CheckWork(s.limits, job); err != nil {
		return nil, err
	}
	return cp, nil
}

// capacityChunks is the total of a capacity computation's progress: the
// training chunks, then the chunks of the retrievals, map after map.
func capacityChunks(cp *scenario.CapacityPlan) int64 {
	training, _ := trainingChunks(&cp.Plan)
	return int64(training + len(cp.Frame.Separations)*sim.ChunksOf(cp.NQueries, 1, cp.EvaluationChunks()))
}

// handleCapacity serves POST /api/v1/capacity: it checks the request
// (one beyond the endpoint's work limit is told to run as a job), admits
// it by its estimated work as /run is admitted, computes it at background
// priority on the shared pool and answers (computeCapacity).
func (s *server) handleCapacity(w http.ResponseWriter, r *http.Request) {
	body, ok := s.readJSON(w, r, `the capacity request (a scenario with "queries")`)
	if !ok {
		return
	}
	cp, err := s.prepareCapacity(body, false)
	if err != nil {
		writeError(w, scenario.AsError(err))
		return
	}
	release, refused := s.admission.admit(cp.Work())
	if refused != "" {
		writeBusy(w, refused)
		return
	}
	defer release()

	ctx, cancel := s.runContext(r.Context())
	defer cancel()
	var buf bytes.Buffer
	status, err := s.computeCapacity(ctx, cp, workpool.NewOwner("capacity "+r.RemoteAddr), nil, &buf)
	release()
	switch {
	case err == nil:
	case errors.Is(context.Cause(ctx), errShuttingDown):
		writeError(w, shuttingDown)
		return
	case r.Context().Err() != nil:
		s.log.Info("capacity abandoned: the client went away", "path", r.URL.Path, "err", err)
		return
	case errors.Is(err, context.DeadlineExceeded):
		writeError(w, &scenario.Error{Status: http.StatusServiceUnavailable, Code: codeTimeout,
			Message: fmt.Sprintf("the computation took longer than %v and was stopped; ask for less work, or run it as a job (POST %s, kind %q)", s.limits.RunTimeout, jobsPath, jobKindCapacity)})
		return
	default:
		e := scenario.AsError(err)
		if e.Status >= 500 {
			logFailure(s.log, "capacity failed", err)
		}
		writeError(w, e)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	if _, err := w.Write(buf.Bytes()); err != nil {
		s.log.Info("writing the capacity result failed", "err", err)
	}
}

// prepareCapacityJob prepares a job of kind "capacity": its request is a
// capacity request, its answer POST /api/v1/capacity's, byte for byte,
// but that its work may reach MaxCapacityJobWork.
func prepareCapacityJob(s *server, request []byte) (*jobWork, error) {
	cp, err := s.prepareCapacity(request, true)
	if err != nil {
		return nil, err
	}
	return &jobWork{chunks: capacityChunks(cp), run: func(ctx context.Context, owner *workpool.Owner, prog *workpool.Progress) (int, []byte, error) {
		var buf bytes.Buffer
		status, err := s.computeCapacity(ctx, cp, owner, prog, &buf)
		if err != nil {
			return 0, nil, err
		}
		return status, bytes.Clone(buf.Bytes()), nil // exactly its length: kept results are counted by the memory they hold
	}}, nil
}

// capacityModels are the models evaluated for each map, in the order of
// the answer's members.
var capacityModels = []string{"raw", "kernelized", "kernelizedNormalized"}

// computeCapacity computes cp as jobs of owner at Background priority,
// counting its chunks in prog (if not nil): N U-Hop+ steps as /run takes
// them, then, for every map, the retrieval of every query by the plain
// model, the kernelized model of W_N, b_N and (if asked) the normalised
// one, in one evaluation of the queries per map. It writes the answer to out and
// returns its status: 200 with the histograms, or 422 with a diverged
// run's error and trajectory, as /run answers it. An error means there is
// no answer: ctx ended, or the computation failed.
func (s *server) computeCapacity(ctx context.Context, cp *scenario.CapacityPlan, owner *workpool.Owner, prog *workpool.Progress, out io.Writer) (int, error) {
	job := workpool.Job{Owner: owner, Priority: workpool.Background, Kind: jobKindCapacity, Progress: prog}
	run, err := s.train(ctx, &cp.Plan, job)
	if div, ok := errors.AsType[*scenario.DivergedRun](err); ok {
		return div.Err.Status, writeDiverged(out, div.Err, div.Trajectory)
	}
	if err != nil {
		return 0, err
	}
	n := cp.Iterations
	_, d, _ := cp.Dims()
	queries := cp.Queries()
	set, err := sim.NewQuerySet(d, queries)
	if err != nil {
		return 0, err
	}
	models := 2
	if cp.NormalizeFeatures {
		models = 3
	}
	seps := cp.Frame.Separations
	hists := make([]sim.SupportHistogram, len(seps)*models)
	runner := s.runner(ctx, job)
	// One evaluation per map, so that only its models (each with an M×d
	// matrix or two) are held at a time.
	for i := range seps {
		ms := cp.ModelSettings(i)
		plain, err := run.PlainModel(ms)
		if err != nil {
			return 0, err
		}
		kern, err := run.Model(n, ms)
		if err != nil {
			return 0, err
		}
		targets := []sim.Target{{Model: plain, Measure: &hists[i*models]}, {Model: kern, Measure: &hists[i*models+1]}}
		if cp.NormalizeFeatures {
			norm, err := run.NormalizedModel(n, ms)
			if err != nil {
				return 0, err
			}
			targets = append(targets, sim.Target{Model: norm, Measure: &hists[i*models+2]})
		}
		ev, err := sim.NewEvaluationChunks(set, targets, cp.EvaluationChunks())
		if err != nil {
			return 0, err
		}
		if err := runner.Run(ev.Chunks(), ev); err != nil {
			return 0, err
		}
		ev.Finish()
	}

	res := &capacityResult{
		seps: make([]string, len(seps)), models: models, hists: hists, queries: cp.NQueries,
		trajectory: make([]sim.State, n+1),
	}
	for i, sep := range seps {
		res.seps[i] = sep.Name()
	}
	for t := range res.trajectory {
		res.trajectory[t] = run.State(t)
	}
	res.before = capacityGeometry{iteration: 0, minAngleDeg: res.trajectory[0].MinAngleDeg, meanFeatureNorm: run.MeanFeatureNorm(0)}
	res.after = capacityGeometry{iteration: n, minAngleDeg: res.trajectory[n].MinAngleDeg, meanFeatureNorm: run.MeanFeatureNorm(n)}
	if cp.ReturnInputs {
		res.memories, res.queries2, res.dim = run.Memories(), queries, d
	}
	return http.StatusOK, writeCapacity(out, res)
}

// capacityResult is what a capacity computation yields.
type capacityResult struct {
	seps          []string
	models        int                    // 2, or 3 with the normalised features
	hists         []sim.SupportHistogram // map-major: hists[i·models + model]
	queries       int
	before, after capacityGeometry
	trajectory    []sim.State
	// With returnInputs: the memories and queries as used, M×d and Q×d.
	memories, queries2 []float64
	dim                int
}

// capacityGeometry is the feature map's geometry at one iteration.
type capacityGeometry struct {
	iteration                    int
	minAngleDeg, meanFeatureNorm float64
}

// writeCapacity writes res as the docs/api.md answer of
// POST /api/v1/capacity:
//
//	{"capacity": [{"separation", "raw": [n_0 … n_M], "kernelized": […],
//	               ["kernelizedNormalized": […],] "undefined": {"raw": 0, …}}, …],
//	 "queries": Q,
//	 "geometry": {"before": {"iteration", "minAngleDeg", "meanFeatureNorm"}, "after": {…}},
//	 "trajectory": [… as in /run …]
//	 [, "inputs": {"memories": [[…]…], "queries": [[…]…]}]}
func writeCapacity(w io.Writer, res *capacityResult) error {
	j := &jsonWriter{w: bufio.NewWriterSize(w, 64<<10)}
	j.raw(`{"capacity":[`)
	for i, sep := range res.seps {
		if i > 0 {
			j.raw(",")
		}
		j.raw(`{"separation":`)
		j.str(sep)
		hs := res.hists[i*res.models : (i+1)*res.models]
		for mi := range hs {
			j.raw(`,"` + capacityModels[mi] + `":[`)
			for s, c := range hs[mi].Counts {
				if s > 0 {
					j.raw(",")
				}
				j.int(int64(c))
			}
			j.raw("]")
		}
		j.raw(`,"undefined":{`)
		for mi := range hs {
			if mi > 0 {
				j.raw(",")
			}
			j.raw(`"` + capacityModels[mi] + `":`)
			j.int(int64(hs[mi].Undefined))
		}
		j.raw("}}")
	}
	j.raw(`],"queries":`)
	j.int(int64(res.queries))
	j.raw(`,"geometry":{"before":`)
	j.geometry(res.before)
	j.raw(`,"after":`)
	j.geometry(res.after)
	j.raw(`},"trajectory":`)
	j.trajectory(res.trajectory)
	if res.memories != nil {
		j.raw(`,"inputs":{"memories":`)
		j.floatRows(res.memories, res.dim)
		j.raw(`,"queries":`)
		j.floatRows(res.queries2, res.dim)
		j.raw("}")
	}
	j.raw("}\n")
	return j.w.Flush()
}

// geometry writes g as {"iteration", "minAngleDeg", "meanFeatureNorm"}.
func (j *jsonWriter) geometry(g capacityGeometry) {
	j.raw(`{"iteration":`)
	j.int(int64(g.iteration))
	j.raw(`,"minAngleDeg":`)
	j.float(g.minAngleDeg)
	j.raw(`,"meanFeatureNorm":`)
	j.float(g.meanFeatureNorm)
	j.raw("}")
}
