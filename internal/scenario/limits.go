package scenario

import (
	"time"

	"hoplab/internal/sim"
	"hoplab/internal/sim/separation"
)

// Limits bound the work and the memory of one request. They are checked
// after decoding and before any computation starts; a request beyond one of
// them gets 400 limit_exceeded (413 body_too_large for the body) with a
// message that names the limit and the offending value.
//
// Upper bounds apply to values that are otherwise valid: a value that is
// not even in its mathematical domain (a negative β, nx = 1) is reported as
// invalid_field by the engine's own checks instead.
type Limits struct {
	// MaxBodyBytes is the largest request body accepted (413 beyond).
	MaxBodyBytes int64
	// MaxDrainBytes bounds how much of a body over MaxBodyBytes is read,
	// and discarded, before the 413 is sent, so that a client that sends
	// its whole body before reading sees the 413 rather than a reset
	// connection. A longer body's 413 is sent at once and closes the
	// connection.
	MaxDrainBytes int64
	// MaxMemories bounds M, the number of memories (field "memories").
	MaxMemories int
	// MaxInputDim bounds d, the length of a memory (field "memories").
	MaxInputDim int
	// MaxFeatureDim bounds D_Φ (field "featureMap.dim").
	MaxFeatureDim int
	// MaxIterations bounds N, the number of U-Hop+ steps (field "uhop.iterations").
	MaxIterations int
	// MaxAbsValue bounds |v| for every number of memories, featureMap.W,
	// featureMap.b, the explicit grid bounds and the grid margin.
	MaxAbsValue float64
	// MaxBeta bounds the inverse temperature β (field "beta").
	MaxBeta float64
	// MaxLR bounds the learning rate (field "uhop.lr").
	MaxLR float64
	// MinTau and MaxTau bound the loss temperature τ > 0 (field "uhop.tau").
	MinTau, MaxTau float64
	// MaxMomentum bounds the SGD momentum (field "uhop.momentum").
	MaxMomentum float64
	// MaxTolerance bounds the retrieval tolerance (field "retrieval.tolerance").
	MaxTolerance float64
	// MaxSupportEps bounds the softmax support threshold (field "retrieval.supportEps").
	MaxSupportEps float64
	// MaxRetrievalSteps bounds the retrieval updates per grid point (field "retrieval.steps").
	MaxRetrievalSteps int
	// MaxGridSide bounds nx and ny (fields "view.grid.nx", "view.grid.ny").
	MaxGridSide int
	// MaxGridCells bounds nx·ny (field "view.grid").
	MaxGridCells int
	// MaxSeparations bounds the number of separation maps (field "separations").
	MaxSeparations int
	// MaxSnapshots bounds the number of rendered snapshots (field "snapshots").
	MaxSnapshots int
	// MaxOutputCells bounds the grid cells of the response,
	// nx·ny·len(separations)·len(snapshots) (field "snapshots").
	MaxOutputCells int
	// MaxTrainWork bounds the arithmetic of training,
	// N·(M·d·D_Φ + M²·D_Φ) (field "uhop.iterations"). Training runs on one
	// core; one unit costs at most about 8 ns there (TrainUnitNs).
	MaxTrainWork int64
	// MaxTrajectoryValues bounds the numbers of the returned trajectory,
	// (N+1)·(D_Φ·d + D_Φ) (field "uhop.iterations").
	MaxTrajectoryValues int64
	// MaxRenderWork bounds the estimated CPU time of rendering, in
	// nanoseconds of one core: nx·ny·len(snapshots)·steps·M·Σ
	// renderUnitNs(separation, M), the measured worst cost of one cell, one
	// update and one memory (field "retrieval.steps"). Rendering is spread
	// over the worker pool.
	MaxRenderWork int64
	// MaxConcurrentRuns bounds the computations running at once, small
	// ones (SmallRunWork) aside; a run beyond it gets 503 busy with
	// Retry-After.
	MaxConcurrentRuns int
	// MaxAdmittedWork bounds the estimated work (Plan.Work, nanoseconds of
	// one core) of the computations running at once, small ones aside: a
	// run that would take the total beyond it gets 503 busy, at once,
	// instead of sharing the cores with so many others that none ends
	// within RunTimeout. One run is always admitted when none is running.
	MaxAdmittedWork int64
	// SmallRunWork is the estimated work (ns) up to which a run is small:
	// small runs have lanes of their own (MaxSmallRuns), so that they get
	// through while big ones run; the pool shares the cores among all
	// runs fairly.
	SmallRunWork int64
	// MaxSmallRuns bounds the small runs running at once.
	MaxSmallRuns int
	// RunTimeout bounds the time of one computation; beyond it the run is
	// stopped and answered with 503 timeout.
	RunTimeout time.Duration

	// Jobs (POST /api/v1/jobs): a request computed in the background,
	// which a client follows by polling. The limits above apply to the
	// request of a job, but JobTimeout replaces RunTimeout; jobs are not
	// counted by MaxConcurrentRuns or MaxAdmittedWork.

	// MaxJobs bounds the jobs not yet ended (queued or running) overall;
	// a job beyond it gets 503 busy with Retry-After.
	MaxJobs int
	// MaxJobsPerAddr, when > 0, bounds the jobs not yet ended from one
	// client address (the host of the connection's remote address, as
	// MaxLiveSessionsPerAddr counts it); a job beyond it gets 503 busy
	// with Retry-After. 0 means no bound.
	MaxJobsPerAddr int
	// MaxRunningJobs bounds the jobs computing at once; the others wait,
	// queued, in the order they were accepted. So a crowd of jobs does not
	// slow every one of them beyond JobTimeout.
	MaxRunningJobs int
	// JobTimeout bounds the time of one job from its start (not counting
	// its time in the queue); beyond it the job fails with code timeout.
	JobTimeout time.Duration
	// JobRetention is how long an ended job, and its result, is kept;
	// then it is forgotten (404 job_not_found).
	JobRetention time.Duration
	// MaxKeptJobBytes bounds the memory of the ended jobs kept: the bytes
	// of their results plus JobRecordBytes for each. Beyond it the jobs
	// that ended first are forgotten; a result larger than it alone fails
	// its job with code result_too_large.
	MaxKeptJobBytes int64

	// The capacity lab (POST /api/v1/capacity and jobs of kind
	// "capacity"). The limits above apply to the fields it shares with a
	// scenario, but these replace MaxMemories, MaxInputDim and
	// MaxFeatureDim, and its work is bounded by its own limits.

	// MaxCapacityMemories bounds M (fields "memories",
	// "memories.gaussian.count").
	MaxCapacityMemories int
	// MaxCapacityInputDim bounds d ("memories[i]", "memories.gaussian.dim").
	MaxCapacityInputDim int
	// MaxCapacityFeatureDim bounds D_Φ ("featureMap.dim").
	MaxCapacityFeatureDim int
	// MaxCapacityQueries bounds Q of generated queries
	// ("queries.gaussian.count"); explicit ones are bounded by the body.
	MaxCapacityQueries int
	// MaxCapacityQueryValues bounds Q·d, the numbers of the queries held
	// while a request computes (8 bytes each).
	MaxCapacityQueryValues int64
	// MaxCapacityWork bounds the estimated CPU time (CapacityPlan.Work,
	// nanoseconds of one core) of a request answered on its connection;
	// one beyond it, within MaxCapacityJobWork, is told to run as a job.
	MaxCapacityWork int64
	// MaxCapacityJobWork bounds the estimated CPU time of a capacity job,
	// so that it ends well within JobTimeout on a 2-core machine shared
	// with others.
	MaxCapacityJobWork int64

	// Live sessions (docs/protocol.md). The limits above apply to their
	// scenarios too, but MaxLiveFrameWork replaces MaxRenderWork.

	// MaxLiveFrameWork bounds the estimated CPU time of one live frame of
	// both views, in nanoseconds of one core, as MaxRenderWork counts it.
	MaxLiveFrameWork int64

	// MaxLiveSessions bounds the websocket sessions open at once; an
	// upgrade beyond it gets 503 busy.
	MaxLiveSessions int
	// MaxLiveSessionsPerAddr, when > 0, bounds the sessions open at once
	// from one client address (the host of the connection's remote
	// address; behind a proxy, the proxy's); an upgrade beyond it gets 503
	// busy. 0, the default, means no bound: a classroom behind one NAT
	// shares one address.
	MaxLiveSessionsPerAddr int
	// LivePingInterval is how often a live connection is pinged, and
	// LivePingTimeout how long its pong may take; a peer that does not
	// answer in time loses its session. So a dead peer, or one that never
	// reads, frees its slot within LivePingInterval + LivePingTimeout. A
	// zero interval sends no pings.
	LivePingInterval, LivePingTimeout time.Duration
	// MaxMessageBytes bounds one client message; a larger one closes the
	// connection with status 1009.
	MaxMessageBytes int64
	// MaxLiveMemories bounds M in a live session (field "memories").
	MaxLiveMemories int
	// MaxLiveGridSide bounds nx and ny in a live session.
	MaxLiveGridSide int
	// MinSpeed and MaxSpeed bound the playing speed in iterations per second.
	MinSpeed, MaxSpeed float64
	// LiveWriteTimeout bounds the writing of one message; a client that
	// takes longer loses its session.
	LiveWriteTimeout time.Duration
}

// DefaultLimits returns the limits of the public server. They are
// calibrated by BenchmarkWorkUnits on a 2-core AMD EPYC machine: the largest
// accepted /run trains for at most about 16 s (2e9 units of at most 8 ns,
// on one core) and renders for at most 40 CPU-seconds (20 s on two
// cores), so it ends well within RunTimeout on a 2-core machine, with
// tens of MiB of memory.
func DefaultLimits() Limits {
	return Limits{
		MaxBodyBytes:           8 << 20,
		MaxDrainBytes:          16 << 20,
		MaxMemories:            512,
		MaxInputDim:            512,
		MaxFeatureDim:          512,
		MaxIterations:          10000,
		MaxAbsValue:            1e6,
		MaxBeta:                1e6,
		MaxLR:                  1e3,
		MinTau:                 1e-4,
		MaxTau:                 1e4,
		MaxMomentum:            1e3,
		MaxTolerance:           1e6,
		MaxSupportEps:          1,
		MaxRetrievalSteps:      1000,
		MaxGridSide:            1024,
		MaxGridCells:           262144,
		MaxSeparations:         8,
		MaxSnapshots:           64,
		MaxOutputCells:         1 << 20,
		MaxTrainWork:           2e9,
		MaxTrajectoryValues:    1 << 20,
		MaxRenderWork:          4e10,
		MaxConcurrentRuns:      8,
		MaxAdmittedWork:        1.2e11,
		SmallRunWork:           1e9,
		MaxSmallRuns:           16,
		RunTimeout:             60 * time.Second,
		MaxJobs:                32,
		MaxJobsPerAddr:         4,
		MaxRunningJobs:         2,
		JobTimeout:             10 * time.Minute,
		JobRetention:           15 * time.Minute,
		MaxKeptJobBytes:        256 << 20,
		MaxCapacityMemories:    1024,
		MaxCapacityInputDim:    512,
		MaxCapacityFeatureDim:  512,
		MaxCapacityQueries:     1_000_000,
		MaxCapacityQueryValues: 1 << 23,
		MaxCapacityWork:        4e10,
		MaxCapacityJobWork:     4e11,
		MaxLiveFrameWork:       3e9,
		MaxLiveSessions:        32,
		LivePingInterval:       15 * time.Second,
		LivePingTimeout:        10 * time.Second,
		MaxMessageBytes:        1 << 20,
		MaxLiveMemories:        64,
		MaxLiveGridSide:        256,
		MinSpeed:               0.1,
		MaxSpeed:               1000,
		LiveWriteTimeout:       10 * time.Second,
	}
}

// JobRecordBytes is what MaxKeptJobBytes counts for an ended job besides
// its result: its identity, state, times and error, generously. It bounds
// the number of ended jobs kept, with or without results.
const JobRecordBytes = 1 << 10

// TrainUnitNs is the measured worst cost of one unit of MaxTrainWork, in
// nanoseconds of one core (BenchmarkWorkUnits: 3.6–8.0 ns).
const TrainUnitNs = 8

// renderUnitNs is the estimated worst cost, in nanoseconds of one core, of
// one retrieval update of one grid cell per memory, for M memories and
// map sep. It is an upper envelope of BenchmarkWorkUnits (2-core AMD EPYC;
// β from 0.01 to 5000, every cell running all its updates), with a margin:
//   - softmax: 1.2–8 ns up to M = 64, 14 at M = 512 with β = 5000 (exp of
//     large negative scores), counted as 8 + M/40;
//   - entmax15 and sparsemax sort the candidate scores: up to 10 ns at
//     M = 16, 17 at 64, 52 at 512, counted as 12 + M/8;
//   - entmax:α bisects 64 times with a power per entry in the support:
//     up to 2.3 µs at M = 2 and 2.9 µs at 512 (general α; α whose
//     1/(α−1) is small and whole are faster but not counted apart),
//     counted as 3000 + 2M.
func renderUnitNs(sep separation.Map, m int) float64 {
	switch sep {
	case separation.Softmax():
		return 8 + float64(m)/40
	case separation.Entmax15(), separation.Sparsemax():
		return 12 + float64(float64(m)/8)
	}
	return 3000 + 2*float64(m)
}

// RenderWork is the estimated CPU time of rendering cells·updates grid
// cell updates (nx·ny·snapshots·steps) with M memories for every map of
// seps, in nanoseconds of one core (see MaxRenderWork).
func RenderWork(cellUpdates int64, m int, seps []separation.Map) float64 {
	perMemory := 0.0
	for _, sep := range seps {
		perMemory += renderUnitNs(sep, m)
	}
	return float64(float64(cellUpdates) * float64(m) * perMemory)
}

// trainUnitsPerStep is the work of one U-Hop+ step that MaxTrainWork
// counts, M·d·D_Φ + M²·D_Φ: the features, then the pairs.
func trainUnitsPerStep(m, d, k int64) int64 { return m*d*k + m*m*k }

// stateValues is the count of numbers that one trajectory state adds to
// an answer, D_Φ·d + D_Φ (W and b), as MaxTrajectoryValues counts them.
func stateValues(d, k int64) int64 { return k*d + k }

// LastIteration is the last iteration N that the limits allow for M
// memories of length d and feature dimension k: N ≤ MaxIterations,
// N·trainUnitsPerStep ≤ MaxTrainWork and (N+1)·stateValues ≤
// MaxTrajectoryValues, the checks of POST /api/v1/run.
func (lim Limits) LastIteration(m, d, k int64) int {
	last := int64(lim.MaxIterations)
	if per := trainUnitsPerStep(m, d, k); per > 0 {
		last = min(last, lim.MaxTrainWork/per)
	}
	if per := stateValues(d, k); per > 0 {
		last = min(last, lim.MaxTrajectoryValues/per-1)
	}
	return int(max(last, 0))
}

// StepNs is the estimated worst CPU time of one U-Hop+ step for M memories
// of length d and feature dimension k, in nanoseconds of one core
// (TrainUnitNs per unit of trainUnitsPerStep), at least 1.
func StepNs(m, d, k int) float64 {
	return max(float64(trainUnitsPerStep(int64(m), int64(d), int64(k)))*TrainUnitNs, 1)
}

// TrainChunkNs is the CPU time a chunk of training steps aims at: long
// enough that scheduling costs nothing, short enough that a cancelled or
// outranked training yields the core within about this time.
const TrainChunkNs = 5e6

// StepsPerChunk is the number of U-Hop+ steps of one training chunk for
// these dimensions: about TrainChunkNs of work, at least 1.
func StepsPerChunk(m, d, k int) int {
	return max(1, int(TrainChunkNs/StepNs(m, d, k)))
}

// Dims returns M, d and D_Φ of the plan's settings.
func (p *Plan) Dims() (m, d, k int) {
	m = len(p.Settings.Memories)
	if m > 0 {
		d = len(p.Settings.Memories[0])
	}
	k = p.Settings.FeatureMap.Dim
	if k == 0 {
		k = d
	}
	return m, d, k
}

// Work is the estimated worst CPU time of computing p as POST /api/v1/run
// does, in nanoseconds of one core: the start of the run (the loss at
// t = 0, the cost of a step) and N training steps (StepNs), and the
// rendering of the snapshots (RenderWork). Admission control weighs runs
// by it.
func (p *Plan) Work() float64 {
	m, d, k := p.Dims()
	g := &p.Frame.Grid
	cells := int64(g.NX) * int64(g.NY) * int64(len(p.Snapshots)) * int64(p.Frame.Steps)
	return float64(float64(p.Iterations+1)*StepNs(m, d, k)) + RenderWork(cells, m, p.Frame.Separations)
}

// RenderChunkNs is the estimated worst CPU time a chunk of a rendering
// aims at: a costly frame is split into more chunks (FrameChunks), so that
// a light session's chunks never wait long for a worker, and a cancelled
// rendering stops soon.
const RenderChunkNs = 1e6

// maxFrameChunks bounds the chunks of one rendering.
const maxFrameChunks = 4096

// FrameChunks is the number of chunks a rendering of one view of fs with M
// memories aims at: its estimated work (RenderWork) in chunks of about
// RenderChunkNs, at least sim.DefaultChunks and at most 4096.
func FrameChunks(fs *sim.FrameSettings, m int) int {
	cells := int64(fs.Grid.NX) * int64(fs.Grid.NY) * int64(fs.Steps)
	n := RenderWork(cells, m, fs.Separations) / RenderChunkNs
	return int(min(max(n, sim.DefaultChunks), maxFrameChunks))
}
