package live

import (
	"encoding/json"
	"fmt"
	"math"
	"time"

	"hoplab/internal/scenario"
	"hoplab/internal/sim"
)

// The session's commands: one method per kind of control message
// (docs/protocol.md, "Client → server"). Each either changes the session
// and returns nil, or returns a *scenario.Error and changes nothing.
// apply carries out one decoded message.
func (s *session) apply(m *message) error {
	switch m.typ {
	case msgAck:
		return s.ack(m)
	case msgLoad:
		v, err := m.integer("protocol", 0, 1<<31)
		if err != nil {
			return err
		}
		if v != protocolVersion {
			return &scenario.Error{Code: codeProtocolMismatch, Field: "protocol",
				Message: fmt.Sprintf("this server speaks protocol %d, not %d", protocolVersion, v)}
		}
		sc, err := scenario.Decode(m.raw("scenario"))
		if err != nil {
			return err
		}
		return s.setScenarioAndPause(sc)
	case msgPreset:
		name, err := m.str("name")
		if err != nil {
			return err
		}
		p, ok := scenario.FindPreset(name)
		if !ok {
			return scenario.Invalid("name", "unknown preset %q: want one of %v", name, scenario.PresetNames())
		}
		seed := int64(1)
		if m.has("seed") {
			if seed, err = m.integer("seed", 0, scenario.MaxSeed); err != nil {
				return err
			}
		}
		sc, err := scenario.Decode([]byte(p.Scenario(seed)))
		if err != nil {
			return &scenario.Error{Code: scenario.CodeInternal, Message: "preset " + name + " is broken: " + err.Error()}
		}
		return s.setScenarioAndPause(sc)
	}

	if !s.loaded {
		return &scenario.Error{Code: codeNotLoaded, Message: fmt.Sprintf("send a %q or %q message first", msgLoad, msgPreset)}
	}
	switch m.typ {
	case msgPatch:
		return s.patch(m)
	case msgMove, msgAdd, msgRemove:
		return s.editMemories(m)
	case msgPlay:
		if t, ok := s.run.Diverged(); ok && s.t >= t-1 {
			return scenario.DivergedAt(t)
		}
		if s.t >= s.maxT(s.plan) {
			return scenario.OverLimit("t", "iteration %d is the last this scenario may reach (uhop.iterations limits)", s.t)
		}
		if !s.playing {
			s.playing, s.playBase, s.playStart = true, s.t, time.Now()
			s.stateDirty = true
		}
	case msgPause:
		s.pause()
	case msgStep:
		s.pause() // first: a play in progress stops at the last iteration computed
		if err := s.goTo(s.newest().t+1, "t"); err != nil {
			return err
		}
	case msgBack:
		s.pause()
		if t := s.newest().t; t > 0 {
			return s.goTo(t-1, "t")
		}
	case msgGoto:
		t, err := m.integer("t", 0, int64(s.lim.MaxIterations))
		if err != nil {
			return err
		}
		if err := s.goTo(int(t), "t"); err != nil {
			return err
		}
		s.pause()
	case msgReset:
		s.pause()
		base := s.newest()
		next := *base
		next.run, next.t, next.rebuild, next.play, next.seq = nil, 0, true, false, s.seq
		s.schedule(&next) // a new run from W₀
	case msgReseed:
		base := s.newest()
		seed := int64(base.plan.Settings.FeatureMap.Seed) + 1
		if m.has("seed") {
			var err error
			if seed, err = m.integer("seed", 0, scenario.MaxSeed); err != nil {
				return err
			}
		}
		sc := *base.sc
		fm := *sc.FeatureMap
		fm.Init, fm.Seed, fm.W, fm.B = ptr("random"), ptr(seed%(scenario.MaxSeed+1)), nil, nil
		sc.FeatureMap = &fm
		sc.UHop = &scenario.UHop{Iterations: ptr(0), Optimizer: sc.UHop.Optimizer, LR: sc.UHop.LR, Momentum: sc.UHop.Momentum, Tau: sc.UHop.Tau, Loss: sc.UHop.Loss}
		return s.setScenarioAndPause(&sc)
	case msgSpeed:
		v, err := m.number("itersPerSecond")
		if err != nil {
			return err
		}
		if v < s.lim.MinSpeed || v > s.lim.MaxSpeed {
			return scenario.OverLimit("itersPerSecond", "%g iterations per second is outside %g … %g", v, s.lim.MinSpeed, s.lim.MaxSpeed)
		}
		s.speed, s.playBase, s.playStart = v, s.t, time.Now()
		s.stateDirty = true
	case msgViews:
		return s.setViews(m)
	case msgProbe:
		return s.probe(m)
	}
	return nil
}

// patch applies a JSON merge patch to the scenario.
func (s *session) patch(m *message) error {
	patch, err := scenario.DecodeAny(m.raw("scenario"))
	if err != nil {
		return scenario.Invalid("scenario", "is not valid JSON: %v", err)
	}
	if _, ok := patch.(map[string]any); !ok {
		return scenario.Invalid("scenario", "must be an object: a JSON merge patch of the scenario")
	}
	base := s.newest()
	cur := *base.sc
	cur.UHop = ptr(*base.sc.UHop)
	cur.UHop.Iterations = ptr(base.t)
	curJSON, err := json.Marshal(&cur)
	if err != nil {
		return err
	}
	target, err := scenario.DecodeAny(curJSON)
	if err != nil {
		return err
	}
	merged, err := json.Marshal(scenario.MergePatch(target, patch))
	if err != nil {
		return err
	}
	sc, err := scenario.Decode(merged)
	if err != nil {
		return err
	}
	if s.playing && (sc.UHop == nil || sc.UHop.Iterations == nil || *sc.UHop.Iterations != base.t) {
		s.pause()
	}
	return s.setScenario(sc)
}

// editMemories moves, adds or removes a memory (d = 2 only).
func (s *session) editMemories(m *message) error {
	base := s.newest()
	mem := *base.sc.Memories
	if len(mem) > 0 && len(mem[0]) != 2 {
		return scenario.Invalid("memories", "memories can be edited in the plane only; these have d = %d", len(mem[0]))
	}
	point := func() ([]float64, error) {
		x, err := m.number("x")
		if err != nil {
			return nil, err
		}
		y, err := m.number("y")
		if err != nil {
			return nil, err
		}
		return []float64{x, y}, nil
	}
	next := make(scenario.Matrix, 0, len(mem)+1)
	switch m.typ {
	case msgMove:
		i, err := m.integer("i", 0, int64(len(mem)-1))
		if err != nil {
			return err
		}
		p, err := point()
		if err != nil {
			return err
		}
		next = append(next, mem...)
		next[i] = p
	case msgAdd:
		p, err := point()
		if err != nil {
			return err
		}
		next = append(append(next, mem...), p)
	case msgRemove:
		i, err := m.integer("i", 0, int64(len(mem)-1))
		if err != nil {
			return err
		}
		if len(mem) == 1 {
			return scenario.Invalid("i", "the last memory cannot be removed")
		}
		next = append(append(next, mem[:i]...), mem[i+1:]...)
	}
	sc := *base.sc
	sc.Memories = &next
	sc.UHop = ptr(*base.sc.UHop)
	sc.UHop.Iterations = ptr(base.t)
	return s.setScenario(&sc)
}

// setViews chooses the views the frames carry.
func (s *session) setViews(m *message) error {
	names, err := m.strings("views")
	if err != nil {
		return err
	}
	if len(names) == 0 {
		return scenario.Invalid("views", "choose at least one view: \"input\", \"feature\"")
	}
	var views []sim.Space
	for i, name := range names {
		v, err := scenario.ParseSpace(name, fmt.Sprintf("views[%d]", i))
		if err != nil {
			return err
		}
		for _, prev := range views {
			if prev == v {
				return scenario.Invalid(fmt.Sprintf("views[%d]", i), "%q is listed twice", name)
			}
		}
		views = append(views, v)
	}
	s.views = views
	s.stateDirty, s.frameDirty = true, true
	return nil
}

// probe answers a probe message with the query's retrieval paths.
func (s *session) probe(m *message) error {
	name, err := m.str("space")
	if err != nil {
		return err
	}
	space, err := scenario.ParseSpace(name, "space")
	if err != nil {
		return err
	}
	x, err := m.coordinate("x", s.lim.MaxAbsValue)
	if err != nil {
		return err
	}
	y, err := m.coordinate("y", s.lim.MaxAbsValue)
	if err != nil {
		return err
	}
	return s.startProbe(m.seq, name, space, x, y)
}

// ack takes a client's acknowledgement of frames: "frames" is the number
// of binary frames it has finished with (painted, or dropped for a newer
// one) since the session began. From the first ack on, the session keeps
// at most frameWindow frames unacknowledged, so that it renders no frame
// that the client would only drop (docs/protocol.md, "Flow control").
func (s *session) ack(m *message) error {
	n, err := m.integer("frames", 0, math.MaxUint32)
	if err != nil {
		return err
	}
	if n > s.framesSent {
		return scenario.Invalid("frames", "%d frames acknowledged, but %d were sent", n, s.framesSent)
	}
	if n < s.framesAcked {
		return scenario.Invalid("frames", "%d frames acknowledged after %d: acknowledgements count up", n, s.framesAcked)
	}
	if n > s.framesAcked && s.framesSent-n < sentLogLen {
		// The client's time per cell, from its newest frame acknowledged.
		f := s.sentLog[(n-1)%sentLogLen]
		if f.cells > 0 {
			c := time.Since(f.at).Seconds() / float64(f.cells)
			if s.clientCost == 0 {
				s.clientCost = c
			} else {
				s.clientCost += (c - s.clientCost) * 3 / 10
			}
		}
	}
	s.framesAcked, s.flow = n, true
	return nil
}

// windowOpen reports whether the session may start a frame: always for a
// client that does not acknowledge frames, else while fewer than
// frameWindow frames sent are unacknowledged.
func (s *session) windowOpen() bool {
	return !s.flow || s.framesSent-s.framesAcked < frameWindow
}
