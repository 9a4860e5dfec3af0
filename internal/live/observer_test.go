package live

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"hoplab/internal/live/livetest"
	"hoplab/internal/scenario"
)

// recorder is an Observer that counts what it is told.
type recorder struct {
	mu sync.Mutex // guards n
	n  observed
}

// observed is what a recorder has counted.
type observed struct {
	opened, closed, rendered int
	frames, frameBytes       int
	texts, textBytes         int
}

func (r *recorder) SessionOpened() { r.mu.Lock(); r.n.opened++; r.mu.Unlock() }
func (r *recorder) SessionClosed() { r.mu.Lock(); r.n.closed++; r.mu.Unlock() }
func (r *recorder) FrameRendered(d time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if d > 0 {
		r.n.rendered++
	}
}

func (r *recorder) FrameSent(n int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.n.frames++
	r.n.frameBytes += n
}

func (r *recorder) TextSent(n int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.n.texts++
	r.n.textBytes += n
}

func (r *recorder) get() observed {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.n
}

// TestObserver runs a session that renders frames and checks what the
// Observer is told: the session opened and, once it has ended, closed;
// every frame the client received rendered and sent with its size; the
// text messages (the hello first) sent with theirs. The writer reports a
// message once its write has returned, which may be after the client has
// read it: the counts are compared once the session has ended.
func TestObserver(t *testing.T) {
	rec := &recorder{}
	s, url := startLiveWith(t, scenario.Limits{}, func(s *testServer) { s.obs = rec })
	c := livetest.Dial(t, url)
	if got := rec.get(); got.opened != 1 || got.closed != 0 {
		t.Errorf("after the hello: %+v, want 1 session opened, none closed", got)
	}

	// Read everything raw, up to the frame of a step after the preset's.
	ctx, cancel := context.WithTimeout(context.Background(), livetest.Timeout)
	defer cancel()
	frames, frameBytes, texts, textBytes := 0, 0, 1, 0 // the hello, of a size not counted here
	preset, step := c.Send(`{"type": "preset", "name": "clustered"}`), uint32(0)
	for {
		typ, data, err := c.Conn.Read(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if typ == websocket.MessageText {
			texts++
			textBytes += len(data)
			continue
		}
		frames++
		frameBytes += len(data)
		f, err := livetest.DecodeFrame(data)
		if err != nil {
			t.Fatal(err)
		}
		if step == 0 && f.Seq >= preset {
			step = c.Send(`{"type": "step"}`)
		} else if step != 0 && f.Seq >= step {
			break
		}
	}
	if frames < 2 {
		t.Fatalf("%d frames read, want the preset's and the step's", frames)
	}

	c.Conn.Close(websocket.StatusNormalClosure, "")
	if err := s.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	// The session has ended: its writer has returned, the counts are final.
	got := rec.get()
	t.Logf("observer %+v; client frames %d (%d B), texts %d (%d B)", got, frames, frameBytes, texts, textBytes)
	if got.opened != 1 || got.closed != 1 {
		t.Errorf("sessions opened %d, closed %d; want 1 and 1", got.opened, got.closed)
	}
	if got.frames < frames || got.frameBytes < frameBytes || got.rendered < got.frames {
		t.Errorf("observer: %d frames rendered, %d sent (%d bytes); the client read %d (%d bytes)",
			got.rendered, got.frames, got.frameBytes, frames, frameBytes)
	}
	if got.texts < texts || got.textBytes <= textBytes {
		t.Errorf("observer: %d text messages sent (%d bytes); the client read %d (%d bytes and the hello)",
			got.texts, got.textBytes, texts, textBytes)
	}
}
