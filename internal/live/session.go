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

	frames    [2]sim.Frame
	framePtrs []*sim.Frame
	features  []float64
	enc       frameEncoder
}

func newSession(ctx context.Context, srv *Server, in <-chan []byte, out *outbox) *session {
	return &session{srv: srv, log: srv.log, lim: srv.limits, ctx: ctx, in: in, out: out, speed: defaultSpeed}
}

// loop runs the session until ctx is done: it applies messages, advances
// while playing and renders a frame whenever the state changed and the
// previous frame has been taken by the writer.
func (s *session) loop() {
	ticker := time.NewTicker(playTick)
	defer ticker.Stop()
	for {
		var tick <-chan time.Time
		if s.playing {
			tick = ticker.C
		}
		var freed <-chan struct{}
		if s.frameDirty {
			freed = s.out.freed
		}
		select {
		case <-s.ctx.Done():
			return
		case data := <-s.in:
			s.handle(data)
			for more := true; more; { // apply everything that has arrived: the newest state wins
				select {
				case data := <-s.in:
					s.handle(data)
				default:
					more = false
				}
			}
		case now := <-tick:
			s.advance(now)
		case <-freed:
		}
		s.flush()
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
		s.stateDirty = true // the state message acknowledges every applied message by its seq
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

// pause stops playing.
func (s *session) pause() {
	if s.playing {
		s.playing = false
		s.stateDirty = true
	}
}

// goTo shows iteration t, computing the trajectory up to it. Should the
// run diverge on the way, it shows the last finite iteration instead, stops
// playing and returns the divergence.
func (s *session) goTo(t int, field string) error {
	if maxT := s.maxT(s.plan); t > maxT {
		return scenario.OverLimit(field, "iteration %d is beyond %d, the last this scenario may reach: the limits on iterations, training work and trajectory size", t, maxT)
	}
	err := s.stepRun(s.run, t)
	if err != nil {
		if _, diverged := s.run.Diverged(); !diverged {
			return err
		}
		t = s.run.Iterations()
		s.pause()
	}
	if t != s.t {
		s.t = t
		s.stateDirty, s.frameDirty = true, true
	}
	return err
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
// a diverged run, the client is told why.
func (s *session) advance(now time.Time) {
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
		if err := s.goTo(target, "t"); err != nil {
			s.pause()
			s.replyError(s.seq, err)
		}
	}
}

// stepRun takes U-Hop+ steps until run has computed iteration t, checking
// ctx between steps. It returns the divergence (scenario.DivergedAt) if the run
// diverges before t.
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
		if s.srv.afterStep != nil {
			s.srv.afterStep(s.ctx, run.Iterations())
		}
	}
	return nil
}

// setScenario makes sc the session's scenario if it passes every check,
// with t = its uhop.iterations. The trajectory is recomputed from W₀ (a
// new epoch) only when a training setting changed.
func (s *session) setScenario(sc *scenario.Scenario) error {
	p, err := s.resolveLive(sc)
	if err != nil {
		return err
	}
	run, rebuild := s.run, s.plan == nil || !reflect.DeepEqual(p.Settings, s.plan.Settings)
	if rebuild {
		if run, err = p.Start(); err != nil {
			return err
		}
	}
	t := p.Iterations
	stepErr := s.stepRun(run, t)
	if stepErr != nil {
		if _, diverged := run.Diverged(); !diverged {
			return stepErr
		}
		t = run.Iterations() // show the last finite iteration, and say why below
	}
	_, d, _ := run.Dims()
	if p.Frame.Grid.Bounds == nil && d == 2 {
		box := sim.AutoBox(run.Memories(), p.Frame.Grid.Margin)
		p.Frame.Grid.Bounds = &box
	}
	s.plan, s.run, s.t = p, run, t
	s.preset = scenario.MatchPreset(p)
	s.sc = scenario.Canonical(p, sc, t)
	s.loaded = true
	s.stateDirty, s.frameDirty = true, true
	if rebuild {
		s.newEpoch()
	}
	if stepErr != nil {
		// The scenario is taken, at its last finite iteration; the client
		// is told why it is not at the one it asked for.
		s.pause()
		s.replyError(s.seq, stepErr)
	}
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
// (Limits.LastIteration), as POST /api/v1/run checks them.
func (s *session) maxT(p *scenario.Plan) int {
	m := int64(len(p.Settings.Memories))
	d := int64(0)
	if m > 0 {
		d = int64(len(p.Settings.Memories[0]))
	}
	return s.lim.LastIteration(m, d, int64(p.Settings.FeatureMap.Dim))
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
// default) that the dimensions allow, input first.
func (s *session) shownViews() []sim.Space {
	var out []sim.Space
	for _, v := range s.availableViews() {
		if s.views == nil || containsSpace(s.views, v) {
			out = append(out, v)
		}
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

// flush hands the writer what changed: the state, new metrics and, when
// the previous frame has been taken, a new frame.
func (s *session) flush() {
	if !s.loaded || s.ctx.Err() != nil {
		return
	}
	cp := s.checkpoint()
	defer s.recoverMessage(&cp, "rendering")
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
	if s.frameDirty && s.out.frameSlotFree() {
		frame, err := s.renderFrame(s.out.takeSpare())
		if err != nil {
			if s.ctx.Err() == nil {
				logFailure(s.log, "live session: rendering failed", err)
				s.replyError(s.seq, err)
			}
			s.frameDirty = false
			return
		}
		s.frameDirty = false
		s.out.putFrame(frame)
	}
}

// renderFrame renders the shown views at t and encodes the frame into dst.
func (s *session) renderFrame(dst []byte) ([]byte, error) {
	m, d, k := s.run.Dims()
	views := s.shownViews()
	s.framePtrs = s.framePtrs[:0]
	runner := s.srv.runner(s.ctx)
	for i, space := range views {
		if err := s.run.Render(&s.frames[i], s.t, s.frameSettings(space), runner); err != nil {
			return nil, err
		}
		s.framePtrs = append(s.framePtrs, &s.frames[i])
	}
	var input, feature []float64
	if d == 2 {
		input = s.run.Memories()
	}
	if k == 2 {
		s.features = s.run.Features(s.features, s.t)
		feature = s.features
	}
	st := s.run.State(s.t)
	h := frameHeader{seq: s.seq, epoch: s.epoch, t: s.t, iterations: s.run.Iterations(), m: m,
		loss: st.Loss, deltaMin: st.DeltaMin, minAngleDeg: st.MinAngleDeg}
	return s.enc.encode(dst, h, input, feature, s.framePtrs, runner)
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
	sc := *s.sc
	sc.UHop = ptr(*s.sc.UHop)
	sc.UHop.Iterations = ptr(s.t)
	msg := &stateMsg{Type: "state", Seq: s.seq, Epoch: s.epoch, T: s.t, Iterations: s.run.Iterations(),
		MaxT: s.lastT(), Playing: s.playing, Speed: s.speed,
		Views: spaceNames(s.shownViews()), AvailableViews: spaceNames(s.availableViews()),
		Separations: []string(*sc.Separations), Scenario: &sc}
	msg.Dims.M, msg.Dims.D, msg.Dims.K = m, d, k
	msg.Optimum = optimum(k, m)
	msg.Preset = s.preset
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
