package api

import (
	"bytes"
	"context"
	"errors"
	"maps"
	"net/http"
	"slices"

	"hoplab/internal/scenario"
	"hoplab/internal/workpool"
)

// A jobKind is one kind of background job (POST /api/v1/jobs, "kind"):
// the endpoint whose requests it takes and answers.
type jobKind struct {
	// endpoint is the endpoint whose requests the kind takes, for
	// messages ("POST /api/v1/run").
	endpoint string
	// prepare decodes and checks a job's "request" member entirely, as the
	// kind's own endpoint does, and returns its work. Its errors are that
	// endpoint's (*scenario.Error, fields named as there): every error a
	// client can cause is found here, before the job is accepted.
	prepare func(s *server, request []byte) (*jobWork, error)
}

// jobKinds lists the kinds by their name in "kind". A new kind adds a
// line here.
var jobKinds = map[string]jobKind{
	"run":           {endpoint: "POST /api/v1/run", prepare: prepareRunJob},
	"figure":        {endpoint: "POST " + figuresPath, prepare: prepareFigureJob},
	jobKindCapacity: {endpoint: "POST " + capacityPath, prepare: prepareCapacityJob},
}

// jobKindNames returns the names of the kinds, sorted.
func jobKindNames() []string { return slices.Sorted(maps.Keys(jobKinds)) }

// jobWork is a job's prepared computation.
type jobWork struct {
	// chunks is the total of the job's progress.
	chunks int64
	// run computes at Background priority as jobs of owner, counting its
	// chunks in prog, and returns the answer that the kind's endpoint
	// would give: its status and body (a 4xx body, such as a diverged
	// run's 422, is an answer too). An error means there is none: ctx
	// ended, or the computation failed (the endpoint's 5xx).
	run func(ctx context.Context, owner *workpool.Owner, prog *workpool.Progress) (status int, body []byte, err error)
	// ready, when not nil, is the answer, known already (a figure the
	// server has computed before): the job is accepted done, with all its
	// chunks counted, and run is not called. Such a job is never queued
	// or running, so the limits on those do not apply to it.
	ready *jobAnswer
	// shared says that the answer's bytes are kept by the server anyway
	// (figureCache), whatever becomes of the job: a kept job then counts
	// only its record (scenario.JobRecordBytes) towards MaxKeptJobBytes.
	shared bool
}

// jobAnswer is an answer of a job's endpoint: its status and body.
type jobAnswer struct {
	status int
	body   []byte
}

// prepareRunJob prepares a job of kind "run": request is a scenario, and
// the answer is POST /api/v1/run's, byte for byte: 200 with the Result, or
// 422 with a diverged run's error and trajectory.
func prepareRunJob(s *server, request []byte) (*jobWork, error) {
	sc, err := scenario.DecodeWithin(request, s.limits)
	if err != nil {
		return nil, err
	}
	p, err := scenario.Resolve(sc, s.limits)
	if err != nil {
		return nil, err
	}
	return &jobWork{
		chunks: int64(computeChunks(p)),
		run: func(ctx context.Context, owner *workpool.Owner, prog *workpool.Progress) (int, []byte, error) {
			res, err := s.compute(ctx, p, owner, prog)
			var buf bytes.Buffer
			if div, ok := errors.AsType[*scenario.DivergedRun](err); ok {
				if err := writeDiverged(&buf, div.Err, div.Trajectory); err != nil {
					return 0, nil, err
				}
				return div.Err.Status, bytes.Clone(buf.Bytes()), nil // exactly its length: kept results are counted by the memory they hold
			}
			if err != nil {
				return 0, nil, err
			}
			if err := writeResult(&buf, res); err != nil {
				return 0, nil, err
			}
			return http.StatusOK, bytes.Clone(buf.Bytes()), nil
		},
	}, nil
}
