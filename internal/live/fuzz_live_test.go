package live

import (
	"context"
	"encoding/json"
	"hoplab/internal/scenario"
	"testing"
)

// FuzzLiveMessage feeds arbitrary control messages to a loaded session (no
// network) and renders after each: nothing may panic, every refused
// message must get exactly one error reply, never an internal one (a
// recovered panic), and the session must keep a valid scenario.
func FuzzLiveMessage(f *testing.F) {
	for _, seed := range []string{
		`{"type": "step"}`, `{"type": "back"}`, `{"type": "goto", "t": 3}`, `{"type": "reset"}`,
		`{"type": "reseed", "seed": 9}`, `{"type": "play"}`, `{"type": "pause"}`,
		`{"type": "move", "i": 0, "x": 0.3, "y": -0.2}`, `{"type": "add", "x": 1, "y": 1}`, `{"type": "remove", "i": 2}`,
		`{"type": "patch", "scenario": {"beta": 3, "separations": ["entmax:1.3"]}}`,
		`{"type": "patch", "scenario": {"view": {"grid": {"xmin": null}}}}`,
		`{"type": "patch", "scenario": {"featureMap": {"dim": 3}}}`,
		`{"type": "views", "views": ["feature"]}`, `{"type": "speed", "itersPerSecond": 3}`,
		`{"type": "probe", "space": "feature", "x": 0.1, "y": 0.9}`,
		`{"type": "preset", "name": "random", "seed": 4}`,
		`{"type": "load", "protocol": 1, "scenario": {"memories": [[1, 0, 0], [0, 1, 0]], "featureMap": {"dim": 2, "init": "random"}}}`,
		`{"seq": 4294967295, "type": "move", "i": 0, "x": 1e308, "y": 0}`, `[]`, `{"type": null}`, `{`,
		`{"type": "probe", "space": "input", "x": 1e308, "y": -1e308}`, `{"type": "probe", "space": "feature", "x": -1e6, "y": 1e6}`,
		`{"type": "patch", "scenario": {"uhop": {"lr": 1, "lr": 2}}}`, `{"type": "step", "type": "play"}`,
	} {
		f.Add([]byte(seed))
	}
	lim := scenario.DefaultLimits()
	lim.MaxLiveGridSide = 12
	lim.MaxIterations = 50
	lim.MaxLiveFrameWork = 4e6 // about 4 ms of CPU per frame
	s := newServerOn(nil, lim)
	f.Fuzz(func(t *testing.T, data []byte) {
		out := newOutbox()
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		sess := newSession(ctx, s.Server, nil, out)
		defer sess.jobs.stopAll()
		sess.work(func() {
			sess.handle([]byte(`{"type": "load", "protocol": 1, "scenario": {"memories": [[1, 0], [0, 1], [-1, 0.5]], "view": {"grid": {"nx": 8, "ny": 6}}}}`))
		})
		settle(sess)
		if !sess.loaded {
			t.Fatal("the base scenario was refused")
		}
		out.take()
		sess.work(func() { sess.handle(data) })
		settle(sess)
		b, _ := out.take()
		errorsSent := 0
		for _, r := range b.replies {
			var m struct{ Type, Code string }
			if err := json.Unmarshal(r, &m); err != nil {
				t.Fatalf("reply %s is not JSON: %v", r, err)
			}
			if m.Type == "error" {
				errorsSent++
			}
			if m.Code == scenario.CodeInternal {
				t.Fatalf("message %q: internal error %s", data, r)
			}
		}
		if errorsSent > 1 {
			t.Fatalf("%d error replies to one message", errorsSent)
		}
		if errorsSent == 0 && b.state == nil {
			t.Fatalf("message %q got neither an error nor a state", data)
		}
		if _, err := sess.resolveLive(sess.sc); err != nil {
			t.Fatalf("the session's scenario is no longer valid: %v", err)
		}
	})
}

// settle runs the session's jobs to their end as its loop would, until
// none is in flight.
func settle(sess *session) {
	for sess.frame != nil || sess.traj != nil || sess.probes > 0 {
		r := <-sess.jobs.results
		sess.work(func() { sess.jobDone(r) })
	}
}
