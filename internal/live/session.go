package live

import (
	"context"
	"encoding/json"
	"log/slog"
	"reflect"
	"time"

	"hoplab/internal/scenario"
	"hoplab/internal/sim"
)

// playTick is how often a playing session looks at the clock to advance.
const playTick = 10 * time.Millisecond

// inlineStartNs is the estimated cost (scenario.StepNs) up to which a new
// run is started on the session's goroutine rather than in its trajectory
// job: a small fraction of a frame.
const inlineStartNs = 1e6

// defaultSpeed is the playing speed of a new session, in iterations per second.
const defaultSpeed = 10

// session is the state of one live session (docs/protocol.md). Everything
// but in, out and ctx is owned by the goroutine running loop; a reader
// goroutine feeds in and a writer goroutine drains out.
type session struct {
	srv *Server
	log *slog.Logger
	lim scenario.Limits
	ctx context.Context // done when the session ends
	in  <-chan []byte   // text messages, in order of arrival
	out *outbox

	loaded    bool
	preset    *string            // the preset the plan equals (scenario.MatchPreset), or nil
	sc        *scenario.Scenario // canonical (every field explicit); uhop.iterations is stale, t is the truth
	plan      *scenario.Plan
	run       *sim.Run
	t         int
	epoch     uint32
	seq       uint32 // of the last message handled
	playing   bool
	speed     float64
	playBase  int         // t when playing started or the speed changed
	playStart time.Time   // and when
	views     []sim.Space // the views asked for; nil: every view the dimensions allow
	// metricsSent counts the iterations of this epoch whose metrics are
	// sent (or pending in out).
	metricsSent int

	stateDirty, frameDirty bool

	// The session's jobs (jobs.go): the shared parts, the frame, probe and
	// trajectory jobs in flight, and the pending state the trajectory job
	// computes.
	jobs         sessionJobs
	frame        *frameJob
	traj         *trajJob
	pending      *pending
	probes       int
	bufs         *frameBufs
	lost         bool                  // the session cannot go on: the loop ends it with 1011
	lastFrameAt  time.Time             // when a frame was last handed to the writer
	lastInputAt  time.Time             // when a message last changed the picture
	cellCost     float64               // seconds of a frame per grid cell, start to result, a moving average (coarseGrid)
	framesSent   int64                 // binary frames handed to the writer
	framesAcked  int64                 // the newest "ack": frames the client is done with (flow control once > 0 or acked)
	clientCost   float64               // seconds per grid cell from a frame's hand-over to the writer to its ack, a moving average (coarseScale)
	sentLog      [sentLogLen]sentFrame // the last frames handed to the writer, by framesSent modulo sentLogLen
	flow         bool                  // the client acknowledges frames: at most frameWindow unacknowledged
	shownCoarse  bool                  // the last frame sent was coarse: the full one is due at rest
	refineAt     time.Time             // no full frame is asked for before (after a failed rendering)
	lastProgress time.Time             // when the trajectory's progress was last sent
}

func newSession(ctx context.Context, srv *Server, in <-chan []byte, out *outbox) *session {
	return &session{srv: srv, log: srv.log, lim: srv.limits, ctx: ctx, in: in, out: out, speed: defaultSpeed,
		jobs: newSessionJobs(ctx), bufs: new(frameBufs), lastFrameAt: time.Now()}
}

// sentFrame is when a frame was handed to the writer, and its grid cells.
type sentFrame struct {
	at    time.Time
	cells int
}

// sentLogLen is the number of frames sent whose times a session keeps to
// learn the client's time per cell from their acknowledgements; more than
// frameWindow, so every acknowledged frame of a flow-controlled client is
// still there.
const sentLogLen = 8

// loop runs the session until ctx is done: it applies messages, advances
// while playing, takes the results of its jobs and starts a frame job
// whenever the state changed and the previous frame has been taken by the
// writer. It computes nothing itself (jobs.go). When it ends, every job of
// the session is cancelled and waited for.
func (s *session) loop() {
	ticker := time.NewTicker(playTick)
	defer ticker.Stop()
	defer s.jobs.stopAll()
	for {
		var tick <-chan time.Time
		if s.playing || s.traj != nil || s.shownCoarse {
			tick = ticker.C
		}
		var freed <-chan struct{}
		if s.frameDirty && s.frame == nil {
			freed = s.out.freed
		}
		select {
		case <-s.ctx.Done():
			return
		case data := <-s.in:
			// Apply everything that has arrived, the newest state wins,
			// each message under the run lock of its own, so that a
			// trajectory chunk waits for one message at most; stop when
			// the session ends.
			s.locked(func() { s.handle(data) })
			for more := true; more && s.ctx.Err() == nil; {
				select {
				case data := <-s.in:
					s.locked(func() { s.handle(data) })
				default:
					more = false
				}
			}
			s.work(func() {})
		case now := <-tick:
			s.work(func() {
				s.advance(now)
				s.progress(now)
				s.refine(now)
			})
		case r := <-s.jobs.results:
			s.work(func() { s.jobDone(r) })
		case <-freed:
			s.work(func() {})
		}
	}
}

// locked runs fn holding the run lock. A session that is lost ends with
// 1011 (runSession).
func (s *session) locked(fn func()) {
	func() {
		s.jobs.runMu.Lock()
		defer s.jobs.runMu.Unlock()
		fn()
	}()
	if s.lost {
		panic(sessionLost{})
	}
}

// work runs fn and then flush, holding the run lock. A session that is
// lost ends with 1011 (runSession).
func (s *session) work(fn func()) {
	func() {
		s.jobs.runMu.Lock()
		defer s.jobs.runMu.Unlock()
		fn()
		s.flush()
	}()
	if s.lost {
		panic(sessionLost{})
	}
}

// jobDone takes the result of a job.
func (s *session) jobDone(r jobResult) {
	cp := s.checkpoint()
	defer s.recoverMessage(&cp, "finishing a computation")
	switch {
	case r.frame != nil:
		s.frameDone(r.frame, r.bytes, r.err)
	case r.traj != nil:
		s.trajectoryDone(r.traj, r.run, r.err)
	case r.probe != nil:
		s.probeDone(r.probe, r.reply, r.err)
	}
}

// progress marks the state for sending when the trajectory job has made
// progress since its progress was last sent, at most every progressEvery.
func (s *session) progress(now time.Time) {
	j := s.traj
	if j == nil || now.Sub(s.lastProgress) < progressEvery {
		return
	}
	if done, _ := j.progress.Load(); done != j.sentDone || !j.shown {
		s.lastProgress = now
		s.stateDirty = true
	}
}

// handle decodes and applies one message; a refused message gets an error
// reply and changes nothing else.
func (s *session) handle(data []byte) {
	cp := s.checkpoint()
	defer s.recoverMessage(&cp, "handling a message")
	m, err := decodeMessage(data)
	seq := uint32(0)
	if m != nil {
		seq = m.seq
		s.seq = seq
	}
	if err == nil {
		err = s.apply(m)
	}
	if err == nil {
		switch m.typ {
		case msgAck: // changes nothing shown: no state message for it
		case msgMove: // a drag: coarse frames while it moves (coarseGrid)
			s.lastInputAt = time.Now()
			s.stateDirty = true
		default:
			s.stateDirty = true // the state message acknowledges every applied message by its seq
		}
		return
	}
	{
		if s.ctx.Err() != nil {
			return // the session is ending; nobody will read the error
		}
		e := scenario.AsError(err)
		if e.Code == scenario.CodeInternal {
			s.log.Error("live session: internal error", "err", err)
		}
		s.reply(newErrorMsg(seq, e))
	}
}

// pause stops playing. A trajectory job that playing started ends: the
// session shows the last iteration it computed.
func (s *session) pause() {
	if s.playing {
		s.playing = false
		s.stateDirty = true
	}
	// Only the steps of the shown run stop here; a new trajectory is
	// computed to its end.
	if p := s.pending; p != nil && p.play && p.run != nil && p.run == s.run {
		pend := *p
		s.cancelTrajectory()
		pend.t = min(pend.t, s.run.Iterations())
		s.adopt(&pend, nil)
	}
}

// goTo shows iteration t of the newest state (the pending one, if any).
// An iteration not computed yet becomes a pending state that a trajectory
// job computes; should the run diverge on the way, the last finite
// iteration is shown, playing stops and the divergence is reported then.
func (s *session) goTo(t int, field string) error { return s.goToBy(t, field, false) }

// goToBy is goTo; play marks the steps as asked for by the playing clock.
func (s *session) goToBy(t int, field string, play bool) error {
	base := s.newest()
	if maxT := s.maxT(base.plan); t > maxT {
		return scenario.OverLimit(field, "iteration %d is beyond %d, the last this scenario may reach: the limits on iterations, training work and trajectory size", t, maxT)
	}
	if s.pending == nil && t <= s.run.Iterations() {
		if t != s.t {
			s.t = t
			s.stateDirty, s.frameDirty = true, true
		}
		return nil
	}
	next := *base
	next.t, next.seq, next.play = t, s.seq, play
	s.schedule(&next)
	return nil
}

// newest is the newest accepted state: the pending one, or the one shown.
func (s *session) newest() *pending {
	if s.pending != nil {
		return s.pending
	}
	return &pending{plan: s.plan, run: s.run, sc: s.sc, preset: s.preset, t: s.t, seq: s.seq}
}

// lastT is the last iteration the session can show: maxT of its plan, or
// the last finite iteration once the run has diverged.
func (s *session) lastT() int {
	last := s.maxT(s.plan)
	if t, ok := s.run.Diverged(); ok {
		last = min(last, t-1)
	}
	return last
}

// advance moves a playing session to the iteration its clock has reached.
// Playing stops at the last iteration; when that is the last finite one of
// a diverged run, the client is told why. While a trajectory job runs, it
// waits for it.
func (s *session) advance(now time.Time) {
	if !s.playing || s.traj != nil {
		return
	}
	cp := s.checkpoint()
	defer s.recoverMessage(&cp, "playing")
	target := s.playBase + int(now.Sub(s.playStart).Seconds()*s.speed)
	if last := s.lastT(); target >= last {
		target = last
		s.pause()
		if t, ok := s.run.Diverged(); ok {
			s.replyError(s.seq, scenario.DivergedAt(t))
		}
	}
	if target > s.t {
		if err := s.goToBy(target, "t", true); err != nil {
			s.pause()
			s.replyError(s.seq, err)
		}
	}
}

// stepRun takes U-Hop+ steps until run has computed iteration t, on the
// calling goroutine, checking ctx between steps. Only a rollback uses it
// (panics.go); sessions step their runs in trajectory jobs. It returns the
// divergence (scenario.DivergedAt) if the run diverges before t.
func (s *session) stepRun(run *sim.Run, t int) error {
	for i := 0; run.Iterations() < t; i++ {
		if i%256 == 0 {
			if err := s.ctx.Err(); err != nil {
				return err
			}
		}
		run.Step()
		if dt, ok := run.Diverged(); ok {
			return scenario.DivergedAt(dt)
		}
	}
	return nil
}

// setScenario makes sc the session's newest scenario if it passes every
// check, at iteration uhop.iterations. The trajectory is recomputed from
// W₀ (a new epoch when shown) only when a training setting differs from
// the newest state's; either way the steps are a trajectory job, and the
// scenario is shown once they are done (schedule).
func (s *session) setScenario(sc *scenario.Scenario) error {
	p, err := s.resolveLive(sc)
	if err != nil {
		return err
	}
	var base *pending
	if s.loaded {
		base = s.newest()
	}
	rebuild := base == nil || !reflect.DeepEqual(p.Settings, base.plan.Settings)
	var run *sim.Run // nil: the trajectory job starts it from W₀
	switch {
	case !rebuild:
		run = base.run
	case scenario.StepNs(p.Dims()) <= inlineStartNs:
		// Starting costs about a step; a cheap one is done here, so that
		// a drag at t = 0 shows its frame without a trip through the pool.
		if run, err = p.Start(); err != nil {
			return err
		}
	}
	if _, d, _ := p.Dims(); p.Frame.Grid.Bounds == nil && d == 2 {
		box := sim.AutoBox(p.Settings.MemoryPoints(), p.Frame.Grid.Margin)
		p.Frame.Grid.Bounds = &box
	}
	t := p.Iterations
	next := &pending{plan: p, run: run, sc: scenario.Canonical(p, sc, t), preset: scenario.MatchPreset(p),
		t: t, rebuild: rebuild || base != nil && base.rebuild, seq: s.seq,
		// Still the playing clock's, if only the picture changed.
		play: base != nil && base.play && t == base.t && !rebuild}
	if !s.loaded {
		// Nothing is shown yet: start the run here, once per session (the
		// cost of one step), show iteration 0 at once, and then the
		// trajectory's progress towards t.
		if next.run, err = p.Start(); err != nil {
			return err
		}
		first := *next
		first.t = 0
		s.adopt(&first, nil)
		next.rebuild = false
	}
	s.schedule(next)
	return nil
}

// setScenarioAndPause is setScenario followed, if it succeeds, by a pause:
// a refused scenario leaves the session as it was, playing or not.
func (s *session) setScenarioAndPause(sc *scenario.Scenario) error {
	if err := s.setScenario(sc); err != nil {
		return err
	}
	s.pause()
	return nil
}

// newEpoch notes that the trajectory was recomputed from W₀.
func (s *session) newEpoch() {
	s.epoch++
	s.metricsSent = 0
	s.stateDirty, s.frameDirty = true, true
}

// resolveLive checks sc as docs/api.md does, without its snapshots (live
// sessions draw their own views), and then against the live limits.
func (s *session) resolveLive(sc *scenario.Scenario) (*scenario.Plan, error) {
	cp := *sc
	cp.Snapshots = &scenario.Ints{}
	p, err := scenario.Resolve(&cp, s.lim)
	if err != nil {
		return nil, err
	}
	m := len(p.Settings.Memories)
	if m > s.lim.MaxLiveMemories {
		return nil, scenario.OverLimit("memories", "M = %d memories exceed the limit of %d in a live session", m, s.lim.MaxLiveMemories)
	}
	g := &p.Frame.Grid
	if g.NX > s.lim.MaxLiveGridSide {
		return nil, scenario.OverLimit("view.grid.nx", "nx = %d exceeds the limit of %d in a live session", g.NX, s.lim.MaxLiveGridSide)
	}
	if g.NY > s.lim.MaxLiveGridSide {
		return nil, scenario.OverLimit("view.grid.ny", "ny = %d exceeds the limit of %d in a live session", g.NY, s.lim.MaxLiveGridSide)
	}
	if work := scenario.RenderWork(int64(g.NX)*int64(g.NY)*2*int64(p.Frame.Steps), m, p.Frame.Separations); work > float64(s.lim.MaxLiveFrameWork) {
		return nil, scenario.OverLimit("retrieval.steps", "one frame of both views, nx·ny·2·steps = %d·%d·2·%d cell updates of %d memories, would take about %.3g CPU-seconds, beyond the limit of %.3g for a live frame; ask for a smaller grid, fewer steps or maps",
			g.NX, g.NY, p.Frame.Steps, m, work/1e9, float64(s.lim.MaxLiveFrameWork)/1e9)
	}
	if maxT := s.maxT(p); p.Iterations > maxT {
		return nil, scenario.OverLimit("uhop.iterations", "iteration %d is beyond %d, the last this scenario may reach", p.Iterations, maxT)
	}
	return p, nil
}

// maxT is the last iteration the limits allow for p's dimensions
// (Limits.LastIteration), as POST /api/v1/run checks them, and, with a
// batch order (uhop.batchOrder), the number of its rows: step t+1 follows
// row t, and there is none beyond.
func (s *session) maxT(p *scenario.Plan) int {
	m := int64(len(p.Settings.Memories))
	d := int64(0)
	if m > 0 {
		d = int64(len(p.Settings.Memories[0]))
	}
	last := s.lim.LastIteration(m, d, int64(p.Settings.FeatureMap.Dim))
	if order := p.Settings.UHop.BatchOrder; order != nil {
		last = min(last, len(order))
	}
	return last
}

// availableViews lists the views the run's dimensions allow, input first.
func (s *session) availableViews() []sim.Space {
	_, d, k := s.run.Dims()
	var out []sim.Space
	if d == 2 {
		out = append(out, sim.InputSpace)
	}
	if k == 2 {
		out = append(out, sim.FeatureSpace)
	}
	return out
}

// shownViews lists the views the frames carry: those asked for (all by
// default) that the dimensions allow, input first. When none of those asked
// for is allowed (the input view asked for, then memories of d ≠ 2 loaded)
// it is every allowed view, so that a frame never comes without a picture;
// the choice itself is kept and applies again once the dimensions allow it.
func (s *session) shownViews() []sim.Space {
	avail := s.availableViews()
	var out []sim.Space
	for _, v := range avail {
		if s.views == nil || containsSpace(s.views, v) {
			out = append(out, v)
		}
	}
	if len(out) == 0 {
		return avail
	}
	return out
}

func containsSpace(list []sim.Space, v sim.Space) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// frameSettings returns the settings of view space.
func (s *session) frameSettings(space sim.Space) sim.FrameSettings {
	return scenario.ViewSettings(s.plan, space)
}

// flush hands the writer what changed: the state and new metrics; and,
// when the previous frame has been taken, it starts a frame job.
func (s *session) flush() {
	if !s.loaded || s.ctx.Err() != nil {
		return
	}
	cp := s.checkpoint()
	defer s.recoverMessage(&cp, "rendering")
	s.startTrajectory()
	if s.stateDirty {
		s.stateDirty = false
		if b, err := json.Marshal(s.stateMsg()); err != nil {
			s.log.Error("live session: encoding the state failed", "err", err)
		} else {
			s.out.putState(b)
		}
	}
	if n := s.run.Iterations() + 1; s.metricsSent < n {
		mm := &metricsMsg{Type: "metrics", Epoch: s.epoch, From: s.metricsSent}
		for t := s.metricsSent; t < n; t++ {
			st := s.run.State(t)
			mm.Loss = append(mm.Loss, nullableFloat(st.Loss))
			mm.DeltaMin = append(mm.DeltaMin, nullableFloat(st.DeltaMin))
			mm.MinAngleDeg = append(mm.MinAngleDeg, nullableFloat(st.MinAngleDeg))
		}
		s.metricsSent = n
		s.out.putMetrics(mm)
	}
	s.cancelStaleFrame(time.Now())
	if s.frameDirty && s.frame == nil && s.out.frameSlotFree() && s.windowOpen() {
		s.frameDirty = false
		if err := s.startFrame(); err != nil {
			logFailure(s.log, "live session: rendering failed", err)
			s.replyError(s.seq, err)
		}
	}
}

// reply queues an error or probe message.
func (s *session) reply(msg any) {
	b, err := json.Marshal(msg)
	if err != nil {
		s.log.Error("live session: encoding a reply failed", "err", err)
		return
	}
	s.out.putReply(b)
}

// replyError queues err as an error message.
func (s *session) replyError(seq uint32, err error) {
	s.reply(newErrorMsg(seq, scenario.AsError(err)))
}

// newErrorMsg is the "error" message of e, answering message seq.
func newErrorMsg(seq uint32, e *scenario.Error) errorMsg {
	return errorMsg{Type: "error", Seq: seq, Code: e.Code, Message: e.Message, Field: e.Field, Iteration: e.Iteration}
}

// stateMsg is the session's "state" message.
func (s *session) stateMsg() *stateMsg {
	m, d, k := s.run.Dims()
	newest := s.newest()
	sc := *newest.sc
	sc.UHop = ptr(*newest.sc.UHop)
	sc.UHop.Iterations = ptr(newest.t)
	msg := &stateMsg{Type: "state", Seq: s.seq, Epoch: s.epoch, T: s.t, Iterations: s.run.Iterations(),
		MaxT: s.lastT(), Playing: s.playing, Speed: s.speed,
		Views: spaceNames(s.shownViews()), AvailableViews: spaceNames(s.availableViews()),
		Separations: []string(*sc.Separations), Scenario: &sc}
	msg.Dims.M, msg.Dims.D, msg.Dims.K = m, d, k
	msg.Optimum = optimum(k, m)
	msg.Preset = newest.preset
	if j := s.traj; j != nil {
		done, total := j.progress.Load()
		j.sentDone, j.shown = done, true
		msg.Computing = &computingMsg{T: j.pend.t, Done: done, Total: total, Rebuild: j.pend.rebuild || j.pend.run != s.run}
	}
	return msg
}

func spaceNames(spaces []sim.Space) []string {
	out := make([]string, len(spaces))
	for i, v := range spaces {
		out[i] = v.String()
	}
	return out
}

// ptr returns a pointer to a copy of v.
func ptr[T any](v T) *T { return &v }
