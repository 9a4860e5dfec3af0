package live

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime/debug"
	"sync"
	"time"

	"hoplab/internal/scenario"
	"hoplab/internal/sim"
	"hoplab/internal/workpool"
)

// A session schedules; it does not compute. Its loop hands every
// computation to the shared pool as a job charged to the session (its
// owner):
//
//   - a frame job (Interactive) renders the shown views from models taken
//     at the scenario's iteration (sim.FramePlan) and encodes the frame;
//     while a memory is dragged, on a coarser grid that fits a budget
//     (coarseGrid), refined once the drag rests (refine);
//   - a probe job (Interactive) traces one query (sim.FramePlan.Probe);
//   - a trajectory job (sequential chunks of about scenario.TrainChunkNs;
//     Interactive when short, else Background) starts a run if need be and
//     takes U-Hop+ steps towards a pending state: a new run after a
//     training change, or more iterations of the run shown.
//
// Results come back to the loop on s.jobs.results. The loop holds
// s.jobs.runMu while it handles a message or a result, and a trajectory
// chunk while it takes one step, so a run is never touched by both, and
// neither waits longer than one step or one message. Newer input cancels
// stale jobs: a newer target cancels the trajectory job (the steps taken
// on the shown run are kept), and a frame that is less than half done when
// the state changes is cancelled and started anew, unless no frame has
// been shown for frameStarvation or the session plays. Only a session's
// first load, and a new run whose start is cheap (inlineStartNs), start on
// the loop. When the session ends, every job's context is cancelled and
// the loop waits for them: no chunk of the session starts after that.

const (
	// frameStarvation: a stale frame job is finished rather than cancelled
	// when no frame has been handed to the writer for this long, so that a
	// continuous drag still shows frames.
	frameStarvation = 100 * time.Millisecond
	// progressEvery is how often a trajectory job's progress is sent, in
	// the state message.
	progressEvery = 100 * time.Millisecond
	// restDelay: input that has not changed the picture for this long is
	// at rest; the frames are then full resolution.
	restDelay = 100 * time.Millisecond
	// minCoarseSide is the smallest side of a coarse grid.
	minCoarseSide = 24
	// clientBudget is the time a client that acknowledges frames may take
	// for a coarse frame, from its hand-over to the writer to its
	// acknowledgement: 25 ms, so that a frame is painted every 1/30 s with
	// room for the page's other work (coarseScale).
	clientBudget = 25 * time.Millisecond
	// frameWindow is the number of frames a client that acknowledges
	// frames (msgAck) may have unacknowledged: one being painted and one
	// on its way, so rendering overlaps painting.
	frameWindow = 2
	// maxProbes bounds the probe jobs of a session in flight; a probe
	// beyond it is answered busy.
	maxProbes = 8
	// interactiveTrajectoryNs is the estimated work (scenario.StepNs per
	// step, the start included) up to which a trajectory job is
	// interactive, not background.
	interactiveTrajectoryNs = 20e6
	// codeBusy answers a probe beyond maxProbes.
	codeBusy = "busy"
)

// sessionJobs is what a session's jobs share with its loop. Its fields are
// pointers or channels, so that a session's checkpoint (a shallow copy)
// shares them.
type sessionJobs struct {
	owner   *workpool.Owner
	ctx     context.Context // parent of every job's context
	stop    context.CancelFunc
	runMu   *sync.Mutex // guards the runs: held by the loop while it works and by a trajectory chunk
	wg      *sync.WaitGroup
	results chan jobResult
}

func newSessionJobs(ctx context.Context) sessionJobs {
	jctx, stop := context.WithCancel(ctx)
	return sessionJobs{owner: workpool.NewOwner("session"), ctx: jctx, stop: stop,
		runMu: new(sync.Mutex), wg: new(sync.WaitGroup), results: make(chan jobResult, 2*maxProbes)}
}

// jobResult is what a job's goroutine sends the loop.
type jobResult struct {
	frame *frameJob
	traj  *trajJob
	probe *probeJob
	bytes []byte   // the encoded frame
	run   *sim.Run // the trajectory job's run
	reply any      // the probe's message
	err   error
}

// start runs fn as a job goroutine: its result goes to the loop unless the
// session has ended. A panic in fn (outside the pool's chunks, which report
// theirs as errors) becomes the job's error.
func (sj *sessionJobs) start(fn func() jobResult, onPanic func(any) jobResult) {
	sj.wg.Add(1)
	go func() {
		defer sj.wg.Done()
		var r jobResult
		func() {
			defer func() {
				if v := recover(); v != nil {
					r = onPanic(v)
				}
			}()
			r = fn()
		}()
		select {
		case sj.results <- r:
		case <-sj.ctx.Done():
		}
	}()
}

// stopAll cancels every job and waits until their goroutines have ended,
// taking their results meanwhile. The loop calls it when it ends, without
// holding runMu.
func (sj *sessionJobs) stopAll() {
	sj.stop()
	done := make(chan struct{})
	go func() { sj.wg.Wait(); close(done) }()
	for {
		select {
		case <-sj.results:
		case <-done:
			return
		}
	}
}

// DefaultCoarseBudget is the time a frame may take while a memory is
// dragged or the session plays: a frame whose full grids are expected to
// take longer is rendered on coarser grids expected to fit (coarseScale),
// and the full grids follow once the input rests for restDelay or playing
// stops. 8 ms leaves a 2-core machine room for the browser that paints
// the frames (README, "In the browser").
const DefaultCoarseBudget = 8 * time.Millisecond

// frameJob is a frame being rendered.
type frameJob struct {
	coarse    bool
	cells     int // the grid cells of its views
	started   time.Time
	cancel    context.CancelFunc
	cancelled bool
	progress  *workpool.Progress
	buf       []byte // the buffer it encodes into, from the outbox
}

// trajJob is a trajectory job: U-Hop+ steps on pend.run up to pend.t.
type trajJob struct {
	// sentDone and shown: the progress last sent in a state message.
	sentDone int64
	shown    bool
	ctx      context.Context
	cancel   context.CancelFunc
	pend     *pending
	progress *workpool.Progress
	started  time.Time
}

// frameBufs are the buffers of a session's frames: the plans, the
// rendered frames and the encoder. A frame job uses them alone.
type frameBufs struct {
	plans  [2]sim.FramePlan
	frames [2]sim.Frame
	enc    frameEncoder
}

// probeJob is a probe being traced.
type probeJob struct {
	cancel context.CancelFunc
	seq    uint32
}

// pending is the newest accepted state of a session that needs steps
// before it can be shown: a scenario whose trajectory is recomputed
// (rebuild: a new run, a new epoch when shown) or extended, or an
// iteration beyond those computed. It is shown (adopt) when its
// trajectory job ends.
type pending struct {
	plan *scenario.Plan
	// run is the run to step, or nil to start one from W₀: the trajectory
	// job then creates it (sim.New computes the loss at t = 0, as costly
	// as a step) in its first chunk, on the pool.
	run     *sim.Run
	sc      *scenario.Scenario // canonical, as the state reports it
	preset  *string
	t       int
	rebuild bool
	// play: the clock of a playing session asked for it; a pause ends it
	// at the last iteration computed.
	play bool
	// repair: run is the shown run rebuilt after a failed trajectory job
	// (the same steps give the same trajectory: the epoch is kept).
	repair bool
	seq    uint32 // of the message it answers: a divergence is reported with it
}

// schedule makes pend the session's pending state and starts its
// trajectory job, cancelling the job of an older one; a pending state
// whose iteration is computed already is shown at once.
func (s *session) schedule(pend *pending) {
	s.cancelTrajectory()
	if pend.run != nil && pend.run.Iterations() >= pend.t {
		s.adopt(pend, nil)
		return
	}
	if pend.run != nil {
		if _, diverged := pend.run.Diverged(); diverged {
			s.adopt(pend, scenario.DivergedAt(pend.run.Iterations()+1))
			return
		}
	}
	s.pending = pend // its job starts when the messages that have arrived are applied (startTrajectory)
}

// startTrajectory starts the trajectory job of the pending state, unless it
// runs already. The loop calls it after it has applied every message that
// had arrived, so that a state that a later message replaced costs nothing.
func (s *session) startTrajectory() {
	pend := s.pending
	if pend == nil || s.traj != nil {
		return
	}
	m, d, k := pend.plan.Dims()
	from := 0
	if pend.run != nil {
		from = pend.run.Iterations()
	}
	per := scenario.StepsPerChunk(m, d, k)
	n := max(1, (pend.t-from+per-1)/per)
	ctx, cancel := context.WithCancel(s.jobs.ctx)
	job := &trajJob{ctx: ctx, cancel: cancel, pend: pend, progress: new(workpool.Progress), started: time.Now()}
	job.progress.SetTotal(int64(n))
	s.traj = job
	// A short trajectory (an edit at a small t, the steps of play) is part
	// of the interaction, and as urgent as a frame; a long one is
	// background work.
	pri := workpool.Background
	if float64(pend.t-from+1)*scenario.StepNs(m, d, k) <= interactiveTrajectoryNs {
		pri = workpool.Interactive
	}
	runner := s.srv.runner(ctx, workpool.Job{Owner: s.jobs.owner, Priority: pri,
		Kind: "trajectory", Sequential: true, Progress: job.progress})
	run, plan, target, mu, afterStep := pend.run, pend.plan, pend.t, s.jobs.runMu, s.srv.afterStep
	s.jobs.start(func() jobResult {
		var startErr error
		err := runner.Run(n, chunkFunc(func(c int) {
			if run == nil { // the first chunk; the job's run is its own until it ends
				if run, startErr = plan.Start(); startErr != nil {
					return
				}
			}
			last := min(from+(c+1)*per, target)
			for {
				// The lock is taken per step, so the loop never waits
				// longer than one step for it.
				mu.Lock()
				_, diverged := run.Diverged()
				if diverged || ctx.Err() != nil || run.Iterations() >= last {
					mu.Unlock()
					return
				}
				run.Step()
				it := run.Iterations()
				mu.Unlock()
				if afterStep != nil {
					afterStep(ctx, it)
				}
			}
		}))
		if startErr != nil {
			err = startErr
		}
		return jobResult{traj: job, run: run, err: err}
	}, func(v any) jobResult {
		return jobResult{traj: job, err: &workpool.PanicError{Value: v, Stack: debug.Stack()}}
	})
}

// ctxErr is the job's context's error, or context.Canceled.
func (j *trajJob) ctxErr() error {
	if err := j.ctx.Err(); err != nil {
		return err
	}
	return context.Canceled
}

// chunkFunc is a function as a sim.Task.
type chunkFunc func(int)

func (f chunkFunc) RunChunk(i int) { f(i) }

// cancelTrajectory cancels the trajectory job, if any, and forgets the
// pending state.
func (s *session) cancelTrajectory() {
	if s.traj != nil {
		s.traj.cancel()
		s.traj = nil
		s.stateDirty = true
	}
	s.pending = nil
}

// trajectoryDone handles the end of trajectory job j: its pending state is
// shown, at the last finite iteration if the run diverged on the way.
func (s *session) trajectoryDone(j *trajJob, run *sim.Run, err error) {
	if s.traj != j {
		return // cancelled: a newer state replaced it
	}
	s.traj, s.pending = nil, nil
	s.stateDirty = true
	pend := j.pend
	if run == nil { // the run could not be started
		if err == nil {
			err = j.ctxErr()
		}
		if s.ctx.Err() == nil && !errors.Is(err, context.Canceled) {
			s.replyError(pend.seq, err)
		}
		return
	}
	pend.run = run
	if t, diverged := pend.run.Diverged(); diverged && pend.run.Iterations() < pend.t {
		s.adopt(pend, scenario.DivergedAt(t))
		return
	}
	if err == nil && pend.run.Iterations() < pend.t {
		err = j.ctxErr() // its last chunk stopped early: cancelled
	}
	if err != nil {
		if s.ctx.Err() != nil || errors.Is(err, context.Canceled) {
			return
		}
		logFailure(s.log, "live session: the trajectory failed", err)
		if pend.repair {
			s.log.Error("live session: the run cannot be rebuilt after a failure; closing")
			s.lost = true
			return
		}
		s.pause()
		s.replyError(pend.seq, &scenario.Error{Code: scenario.CodeInternal,
			Message: "internal error while computing the trajectory; it has been logged, and the session is back to its state before"})
		if pend.run == s.run {
			// A step failed half-way through the shown run: rebuild it.
			s.schedule(&pending{plan: s.plan, sc: s.sc, preset: s.preset, t: s.t, repair: true, seq: pend.seq})
		}
		return
	}
	s.adopt(pend, nil)
}

// adopt shows pend: its plan, run and iteration become the session's. A
// divergence (stepErr) shows the last finite iteration, stops playing and
// is reported to the message that asked for the state.
func (s *session) adopt(pend *pending, stepErr error) {
	t := pend.t
	if stepErr != nil {
		t = pend.run.Iterations()
	}
	rebuild := (pend.rebuild || pend.run != s.run) && !pend.repair
	s.plan, s.run, s.t = pend.plan, pend.run, t
	s.sc, s.preset = pend.sc, pend.preset
	s.loaded = true
	s.stateDirty, s.frameDirty = true, true
	if rebuild {
		s.newEpoch()
	}
	if stepErr != nil {
		s.pause()
		s.replyError(pend.seq, stepErr)
	}
}

// startFrame starts a frame job of the shown views at s.t, encoding into a
// buffer from the outbox.
func (s *session) startFrame() error {
	m, d, k := s.run.Dims()
	views := s.shownViews()
	total, cells, fullCells := 0, 0, 0
	for _, space := range views {
		fs := s.frameSettings(space)
		fullCells += fs.Grid.NX * fs.Grid.NY
	}
	f, coarse := s.coarseScale(fullCells)
	for i, space := range views {
		fs := s.frameSettings(space)
		if coarse {
			fs.Grid.NX, fs.Grid.NY = coarseSides(fs.Grid.NX, fs.Grid.NY, f)
		}
		cells += fs.Grid.NX * fs.Grid.NY
		plan := &s.bufs.plans[i]
		plan.SetChunks(scenario.FrameChunks(&fs, m))
		if err := s.run.PrepareFrame(plan, s.t, fs); err != nil {
			return err
		}
		total += plan.Chunks()
	}
	coarse = coarse && cells < fullCells // no grid shrank: a full frame
	// The points the page draws: the memories in each 2-D space.
	var points []pointSet
	if d == 2 {
		points = append(points, pointSet{space: sim.InputSpace, dim: 2, xs: s.run.Memories()})
	}
	if k == 2 {
		points = append(points, pointSet{space: sim.FeatureSpace, dim: 2, xs: s.run.Features(nil, s.t)})
	}
	st := s.run.State(s.t)
	h := frameHeader{seq: s.seq, epoch: s.epoch, t: s.t, iterations: s.run.Iterations(), m: m,
		loss: st.Loss, deltaMin: st.DeltaMin, minAngleDeg: st.MinAngleDeg, coarse: coarse}

	ctx, cancel := context.WithCancel(s.jobs.ctx)
	job := &frameJob{coarse: coarse, cells: cells, started: time.Now(), cancel: cancel, progress: new(workpool.Progress), buf: s.out.takeSpare()}
	job.progress.SetTotal(int64(total))
	s.frame = job
	runner := s.srv.runner(ctx, workpool.Job{Owner: s.jobs.owner, Priority: workpool.Interactive, Kind: "frame", Progress: job.progress})
	bufs := s.bufs // the job's alone until its result is back
	n := len(views)
	obs := s.srv.obs
	s.jobs.start(func() jobResult {
		start := time.Now()
		ptrs := make([]*sim.Frame, n)
		for i := range n {
			if err := bufs.plans[i].Render(&bufs.frames[i], runner); err != nil {
				return jobResult{frame: job, err: err}
			}
			ptrs[i] = &bufs.frames[i]
		}
		b, err := bufs.enc.encode(job.buf, h, points, ptrs, runner)
		if err == nil {
			obs.FrameRendered(time.Since(start))
		}
		return jobResult{frame: job, bytes: b, err: err}
	}, func(v any) jobResult {
		return jobResult{frame: job, err: &workpool.PanicError{Value: v, Stack: debug.Stack()}}
	})
	return nil
}

// frameDone handles the end of frame job j.
func (s *session) frameDone(j *frameJob, b []byte, err error) {
	if s.frame != j {
		return // from before a rollback
	}
	s.frame = nil
	switch {
	case err == nil:
		s.out.putFrame(b)
		s.sentLog[s.framesSent%sentLogLen] = sentFrame{at: time.Now(), cells: j.cells}
		s.framesSent++
		s.lastFrameAt = time.Now()
		s.shownCoarse = j.coarse
		if j.cells > 0 { // the time per cell, for coarseGrid
			c := s.lastFrameAt.Sub(j.started).Seconds() / float64(j.cells)
			if s.cellCost == 0 {
				s.cellCost = c
			} else {
				s.cellCost += (c - s.cellCost) * 3 / 10
			}
		}
	case j.cancelled || s.ctx.Err() != nil:
		s.frameDirty = true // render the newer state
	default:
		logFailure(s.log, "live session: rendering failed", err)
		s.replyError(s.seq, err)
		s.refineAt = time.Now().Add(refineBackoff)
	}
}

// cancelStaleFrame cancels the frame job when the state has changed since
// it started and it is less than half done, unless no frame has been shown
// for frameStarvation.
func (s *session) cancelStaleFrame(now time.Time) {
	j := s.frame
	// Not while playing: every played iteration is worth its frame, and
	// the next one is newer only by the clock.
	if j == nil || j.cancelled || !s.frameDirty || s.playing || now.Sub(s.lastFrameAt) >= frameStarvation {
		return
	}
	if done, total := j.progress.Load(); 2*done < total {
		j.cancel()
		j.cancelled = true
	}
}

// startProbe starts a probe job of (x, y) in view space at s.t, answering
// message seq.
func (s *session) startProbe(seq uint32, name string, space sim.Space, x, y float64) error {
	if s.probes >= maxProbes {
		return &scenario.Error{Code: codeBusy, Field: "probe", Message: fmt.Sprintf("%d probes of this session are being traced already; wait for their answers", maxProbes)}
	}
	var fp sim.FramePlan
	if err := s.run.PrepareProbe(&fp, s.t, s.frameSettings(space)); err != nil {
		return scenario.EngineError(err)
	}
	ctx, cancel := context.WithCancel(s.jobs.ctx)
	job := &probeJob{cancel: cancel, seq: seq}
	s.probes++
	runner := s.srv.runner(ctx, workpool.Job{Owner: s.jobs.owner, Priority: workpool.Interactive, Kind: "probe"})
	t, epoch := s.t, s.epoch
	s.jobs.start(func() jobResult {
		paths, err := fp.Probe(x, y, runner)
		if err != nil {
			return jobResult{probe: job, err: err}
		}
		return jobResult{probe: job, reply: newProbeMsg(seq, name, x, y, t, epoch, paths)}
	}, func(v any) jobResult {
		return jobResult{probe: job, err: &workpool.PanicError{Value: v, Stack: debug.Stack()}}
	})
	return nil
}

// probeDone handles the end of a probe job.
func (s *session) probeDone(j *probeJob, reply any, err error) {
	s.probes--
	j.cancel()
	switch {
	case err == nil:
		s.reply(reply)
	case s.ctx.Err() == nil:
		logFailure(s.log, "live session: a probe failed", err)
		s.replyError(j.seq, err)
	}
}

// newProbeMsg is the "probe" answer of paths.
func newProbeMsg(seq uint32, name string, x, y float64, t int, epoch uint32, paths []sim.ProbePath) probeMsg {
	msg := probeMsg{Type: "probe", Seq: seq, Space: name, X: x, Y: y, T: t, Epoch: epoch, Paths: make([]probePathMsg, len(paths))}
	for i, p := range paths {
		energy := make([]nullableFloat, len(p.Energy))
		for j, e := range p.Energy {
			energy[j] = nullableFloat(e)
		}
		points := make([][2]nullableFloat, len(p.Points))
		for j, q := range p.Points {
			points[j] = [2]nullableFloat{nullableFloat(q[0]), nullableFloat(q[1])}
		}
		msg.Paths[i] = probePathMsg{Separation: p.Separation.Name(), Points: points, Energy: energy, Support: p.Support, Label: p.Label}
	}
	return msg
}

// coarseScale returns the factor by which the sides of every view's grid
// shrink in a coarse frame, and true, when the picture moves (a memory
// was dragged within restDelay, or the session plays) and a frame of
// fullCells cells is expected to take longer than its budgets: the
// server's rendering longer than the coarse budget, or, for a client that
// acknowledges frames, the client's part (from the hand-over to the
// writer to the acknowledgement: the network, decoding, painting) longer
// than clientBudget. The expectations are moving averages of the time per
// cell of the session's recent frames, full or coarse, pool waits
// included, so the grid adapts to the machine, the browser and how busy
// the server is: finer where both are fast. The factor is the square root
// of the smaller budget's share of its expectation. Otherwise it returns
// false: full grids.
func (s *session) coarseScale(fullCells int) (float64, bool) {
	budget := s.srv.coarseBudget
	moving := s.playing || time.Since(s.lastInputAt) < restDelay
	if !moving || budget <= 0 || s.cellCost <= 0 {
		return 1, false
	}
	over := s.cellCost * float64(fullCells) / budget.Seconds()
	if s.flow && s.clientCost > 0 {
		// The client's time is taken as all per cell, though much of it
		// (waiting for an animation frame, the page's other work) is the
		// same for any grid: on a slow browser this drives grids to the
		// smallest side and keeps them there. A floor (0.5 or 0.375 of
		// the sides) made the browser benchmark's drag median miss 50 ms
		// in 3 runs of 5; a model of fixed plus per-cell time is left to
		// do (README, "In the browser").
		over = max(over, s.clientCost*float64(fullCells)/clientBudget.Seconds())
	}
	if over <= 1 {
		return 1, false
	}
	return math.Sqrt(1 / over), true
}

// coarseSides scales the sides of an nx×ny grid by f, each at least
// minCoarseSide and at most its full side.
func coarseSides(nx, ny int, f float64) (int, int) {
	return min(nx, max(minCoarseSide, int(float64(nx)*f))), min(ny, max(minCoarseSide, int(float64(ny)*f)))
}

// refine asks for the full grid once the input rests after a coarse frame.
// shownCoarse stays set until a full frame has been sent; after a failed
// rendering it asks again no sooner than refineBackoff.
func (s *session) refine(now time.Time) {
	if s.shownCoarse && !s.playing && now.Sub(s.lastInputAt) >= restDelay && !s.frameDirty && s.frame == nil && !now.Before(s.refineAt) {
		s.frameDirty = true
	}
}

// refineBackoff is how long a session waits before it asks again for a
// full frame whose rendering failed.
const refineBackoff = time.Second
