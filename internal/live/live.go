package live

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/coder/websocket"

	"hoplab/internal/scenario"
	"hoplab/internal/sim"
	"hoplab/internal/workpool"
)

// closeTimeout bounds the closing handshake of a session.
const closeTimeout = 5 * time.Second

// liveSessions tracks the open live sessions, so that a shutdown can close
// them (http.Server.Shutdown does not see hijacked connections) and that
// the session limits hold.
type liveSessions struct {
	mu      sync.Mutex // guards the fields below
	closing bool
	// cancels holds each open session's cancel function and its client's
	// address; perAddr counts the open sessions by address.
	cancels map[*context.CancelCauseFunc]string
	perAddr map[string]int
	// change, when not nil, is closed at the next add or remove.
	change chan struct{}
}

// errGoingAway is the cause of sessions cancelled by a shutdown.
var errGoingAway = &closeCause{status: websocket.StatusGoingAway, reason: "server shutting down"}

// add registers a session's cancel function and its client's address. It
// refuses, with the reason for the client, when the server is shutting
// down, when max sessions are open, or when perAddr (if > 0) are open
// from addr.
func (ls *liveSessions) add(cancel *context.CancelCauseFunc, addr string, max, perAddr int) (refused string) {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	switch {
	case ls.closing:
		return "the server is shutting down"
	case len(ls.cancels) >= max:
		return fmt.Sprintf("the server has %d live sessions open already; retry later", max)
	case perAddr > 0 && ls.perAddr[addr] >= perAddr:
		return fmt.Sprintf("your address has %d live sessions open already; close one and retry", perAddr)
	}
	if ls.cancels == nil {
		ls.cancels, ls.perAddr = map[*context.CancelCauseFunc]string{}, map[string]int{}
	}
	ls.cancels[cancel] = addr
	ls.perAddr[addr]++
	ls.notifyLocked()
	return ""
}

// sessionsOpen returns the number of open sessions.
func (ls *liveSessions) sessionsOpen() int {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	return len(ls.cancels)
}

// remove unregisters a session that has ended.
func (ls *liveSessions) remove(cancel *context.CancelCauseFunc) {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	addr := ls.cancels[cancel]
	delete(ls.cancels, cancel)
	if ls.perAddr[addr]--; ls.perAddr[addr] <= 0 {
		delete(ls.perAddr, addr)
	}
	ls.notifyLocked()
}

// notifyLocked wakes those waiting for a change; ls.mu is held.
func (ls *liveSessions) notifyLocked() {
	if ls.change != nil {
		close(ls.change)
		ls.change = nil
	}
}

// closeAll refuses new sessions and ends the open ones with 1001.
func (ls *liveSessions) closeAll() {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	ls.closing = true
	for cancel := range ls.cancels {
		(*cancel)(errGoingAway)
	}
}

// wait waits until every session has ended, or ctx is done.
func (ls *liveSessions) wait(ctx context.Context) error { return ls.waitOpen(ctx, 0) }

// waitOpen waits until at most n sessions are open, or ctx is done.
func (ls *liveSessions) waitOpen(ctx context.Context, n int) error {
	for {
		ls.mu.Lock()
		open := len(ls.cancels)
		if ls.change == nil {
			ls.change = make(chan struct{})
		}
		change := ls.change
		ls.mu.Unlock()
		if open <= n {
			return nil
		}
		select {
		case <-change:
		case <-ctx.Done():
			return fmt.Errorf("%d live sessions still open: %w", open, ctx.Err())
		}
	}
}

// Config holds the dependencies of a Server.
type Config struct {
	// Logger receives the sessions' logs and errors; nil discards them.
	Logger *slog.Logger
	// Limits bound every session; the zero value means
	// scenario.DefaultLimits().
	Limits scenario.Limits
	// Runner returns the sim.Runner that runs a session's job j under ctx
	// on the shared pool (required): its frames, probes and trajectories.
	Runner func(ctx context.Context, j workpool.Job) sim.Runner
	// AfterStep, when not nil, is called after each U-Hop+ step of a
	// session, in its trajectory job, with the job's context and the
	// number of steps taken (a hook for tests).
	AfterStep func(ctx context.Context, t int)
	// Observer, when not nil, is told what the sessions do (for metrics).
	Observer Observer
}

// An Observer is told what the live sessions do, for metrics. Its methods
// are called from the sessions' goroutines, concurrently: they must be
// safe for that and quick, and must not block.
type Observer interface {
	// SessionOpened: Serve starts a session; SessionClosed: it has ended
	// (its connection is closed and its goroutines have returned).
	SessionOpened()
	SessionClosed()
	// FrameRendered: a frame job has rendered the shown views and encoded
	// them, d after it started (waits for the pool included). Frames
	// cancelled or failed are not reported.
	FrameRendered(d time.Duration)
	// FrameSent: the writer has written a binary frame of n bytes;
	// TextSent: a text message of n bytes (hello, state, metrics, replies).
	FrameSent(n int)
	TextSent(n int)
}

// nopObserver is the Observer of a Config without one.
type nopObserver struct{}

func (nopObserver) SessionOpened()              {}
func (nopObserver) SessionClosed()              {}
func (nopObserver) FrameRendered(time.Duration) {}
func (nopObserver) FrameSent(int)               {}
func (nopObserver) TextSent(int)                {}

// Server runs the live sessions of docs/protocol.md on websocket
// connections that the HTTP layer has accepted, and keeps track of them:
// it bounds the sessions open at once, overall and per client address,
// and closes them all with 1001 when the server shuts down (CloseAll,
// Wait).
type Server struct {
	log       *slog.Logger
	limits    scenario.Limits
	runner    func(ctx context.Context, j workpool.Job) sim.Runner
	afterStep func(ctx context.Context, t int)
	// coarseBudget: while input moves, a frame whose full grid is
	// expected to take longer is rendered on a coarser grid that fits it
	// (coarseGrid); DefaultCoarseBudget unless a test sets it.
	coarseBudget time.Duration
	obs          Observer // never nil
	// live tracks the open sessions.
	live liveSessions
}

// NewServer returns a Server with no session open. cfg.Runner must not
// be nil.
func NewServer(cfg Config) *Server {
	s := &Server{log: cfg.Logger, limits: cfg.Limits, runner: cfg.Runner, afterStep: cfg.AfterStep, obs: cfg.Observer,
		coarseBudget: DefaultCoarseBudget}
	if s.obs == nil {
		s.obs = nopObserver{}
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.limits == (scenario.Limits{}) {
		s.limits = scenario.DefaultLimits()
	}
	return s
}

// A Ticket is a session's place among the open sessions, from Admit until
// Release.
type Ticket struct {
	ctx    context.Context // done when the session is to end
	cancel context.CancelCauseFunc
}

// Admit reserves a place for a session of the client at addr (the host of
// its address, which MaxLiveSessionsPerAddr counts). It refuses, with the
// reason for the client, when the server is shutting down, when
// MaxLiveSessions are open, or when MaxLiveSessionsPerAddr are open from
// addr. The caller must Release an admitted ticket.
func (s *Server) Admit(addr string) (t *Ticket, refused string) {
	t = &Ticket{}
	t.ctx, t.cancel = context.WithCancelCause(context.Background())
	if refused := s.live.add(&t.cancel, addr, s.limits.MaxLiveSessions, s.limits.MaxLiveSessionsPerAddr); refused != "" {
		t.cancel(nil)
		return nil, refused
	}
	return t, ""
}

// Release gives up the place of t.
func (s *Server) Release(t *Ticket) {
	s.live.remove(&t.cancel)
	t.cancel(nil)
}

// Serve runs the session of ticket t on conn, a websocket connection that
// the caller has accepted, until the client leaves or the server shuts
// down; then it closes conn. remote names the client in the logs.
func (s *Server) Serve(t *Ticket, conn *websocket.Conn, remote string) {
	ctx, cancel := t.ctx, t.cancel
	conn.SetReadLimit(s.limits.MaxMessageBytes)
	s.log.Info("live: session opened", "remote", remote)
	s.obs.SessionOpened()
	defer s.obs.SessionClosed()

	in := make(chan []byte, 8)
	out := newOutbox()
	var wg sync.WaitGroup
	wg.Add(3)
	go func() { // reader: its Read is ended by closing conn, never by a context
		defer wg.Done()
		defer s.endOnPanic(cancel, "reader")
		s.readLive(ctx, cancel, conn, in, out)
	}()
	go func() {
		defer wg.Done()
		defer s.endOnPanic(cancel, "writer")
		s.writeLive(ctx, cancel, conn, out)
	}()
	go func() {
		defer wg.Done()
		defer s.endOnPanic(cancel, "pinger")
		s.pingLive(ctx, cancel, conn)
	}()

	status, reason := s.runSession(ctx, in, out)
	cancel(nil)
	closeCtxErr := context.Cause(ctx)
	abrupt := false
	if cc, ok := errors.AsType[*closeCause](closeCtxErr); ok {
		status, reason, abrupt = cc.status, cc.reason, cc.abrupt
	}
	if abrupt {
		conn.CloseNow()
	} else {
		closeConn(conn, status, reason)
	}
	wg.Wait()
	s.log.Info("live: session closed", "remote", remote, "why", closeCtxErr)
}

// CloseAll refuses new sessions and closes the open ones with status 1001
// (going away). It does not wait.
func (s *Server) CloseAll() { s.live.closeAll() }

// Wait waits until every session has ended, or ctx is done.
func (s *Server) Wait(ctx context.Context) error { return s.live.wait(ctx) }

// WaitOpen waits until at most n sessions are open, or ctx is done.
func (s *Server) WaitOpen(ctx context.Context, n int) error { return s.live.waitOpen(ctx, n) }

// OpenSessions returns the number of open sessions.
func (s *Server) OpenSessions() int { return s.live.sessionsOpen() }

// runSession sends the hello and runs the session's loop until ctx is
// done. A panic that the loop's own recovery (recoverMessage) did not
// handle ends the session with status 1011 instead of the server.
func (s *Server) runSession(ctx context.Context, in <-chan []byte, out *outbox) (status websocket.StatusCode, reason string) {
	defer func() {
		if v := recover(); v != nil {
			if _, lost := v.(sessionLost); !lost { // logged already
				logPanic(s.log, "live: panic in a session", v, debug.Stack())
			}
			status, reason = errInternalClose.status, errInternalClose.reason
		}
	}()
	hello, err := json.Marshal(s.helloMsg())
	if err != nil {
		panic("live: the hello message cannot be encoded: " + err.Error())
	}
	out.putReply(hello)
	newSession(ctx, s, in, out).loop()
	return websocket.StatusNormalClosure, ""
}

// closeConn closes conn with a close handshake bounded by closeTimeout.
func closeConn(conn *websocket.Conn, status websocket.StatusCode, reason string) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		conn.Close(status, reason) // an error means the peer is gone already
	}()
	select {
	case <-done:
	case <-time.After(closeTimeout):
		conn.CloseNow()
		<-done
	}
}

// readLive reads text messages into in until the connection fails or
// closes, then cancels the session. A binary message is answered with an
// error at once; a text message that is not UTF-8 (RFC 6455 §8.1) ends the
// session with status 1007.
func (s *Server) readLive(ctx context.Context, cancel context.CancelCauseFunc, conn *websocket.Conn, in chan<- []byte, out *outbox) {
	for {
		typ, data, err := conn.Read(context.Background())
		if err != nil {
			cancel(fmt.Errorf("reading: %w", err))
			return
		}
		if typ != websocket.MessageText {
			if b, err := json.Marshal(errorMsg{Type: "error", Code: scenario.CodeInvalidJSON,
				Message: "control messages are JSON text messages; binary messages are not accepted"}); err == nil {
				out.putReply(b)
			}
			continue
		}
		if !utf8.Valid(data) {
			cancel(&closeCause{status: websocket.StatusInvalidFramePayloadData, reason: "text messages must be UTF-8"})
			return
		}
		select {
		case in <- data:
		case <-ctx.Done():
			return
		}
	}
}

// writeLive writes what out holds until ctx is done or a write fails; each
// write has Limits.LiveWriteTimeout.
func (s *Server) writeLive(ctx context.Context, cancel context.CancelCauseFunc, conn *websocket.Conn, out *outbox) {
	write := func(typ websocket.MessageType, data []byte) bool {
		wctx, done := context.WithTimeout(context.Background(), s.limits.LiveWriteTimeout)
		defer done()
		if err := conn.Write(wctx, typ, data); err != nil {
			cancel(fmt.Errorf("writing: %w", err))
			return false
		}
		if typ == websocket.MessageBinary {
			s.obs.FrameSent(len(data))
		} else {
			s.obs.TextSent(len(data))
		}
		return true
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-out.wake:
		}
		for {
			b, ok := out.take()
			if !ok {
				break
			}
			for _, r := range b.replies {
				if !write(websocket.MessageText, r) {
					return
				}
			}
			if b.state != nil && !write(websocket.MessageText, b.state) {
				return
			}
			if b.metrics != nil {
				data, err := json.Marshal(b.metrics)
				if err != nil {
					cancel(fmt.Errorf("encoding metrics: %w", err))
					return
				}
				if !write(websocket.MessageText, data) {
					return
				}
			}
			if b.frame != nil {
				if !write(websocket.MessageBinary, b.frame) {
					return
				}
				out.giveBack(b.frame)
			}
		}
	}
}

// helloMsg is the first message of every session.
func (s *Server) helloMsg() any {
	lim := s.limits
	type limits struct {
		MaxMessageBytes   int64   `json:"maxMessageBytes"`
		MaxSessions       int     `json:"maxSessions"`
		MaxMemories       int     `json:"maxMemories"`
		MaxGridSide       int     `json:"maxGridSide"`
		MaxIterations     int     `json:"maxIterations"`
		MinSpeed          float64 `json:"minSpeed"`
		MaxSpeed          float64 `json:"maxSpeed"`
		MaxBeta           float64 `json:"maxBeta"`
		MaxAbsValue       float64 `json:"maxAbsValue"`
		MaxLR             float64 `json:"maxLR"`
		MinTau            float64 `json:"minTau"`
		MaxTau            float64 `json:"maxTau"`
		MaxMomentum       float64 `json:"maxMomentum"`
		MaxRetrievalSteps int     `json:"maxRetrievalSteps"`
		MaxTolerance      float64 `json:"maxTolerance"`
		MaxSeparations    int     `json:"maxSeparations"`
	}
	return struct {
		Type          string            `json:"type"`
		Protocol      int               `json:"protocol"`
		Limits        limits            `json:"limits"`
		Presets       []scenario.Preset `json:"presets"`
		DefaultPreset string            `json:"defaultPreset"`
	}{
		Type: "hello", Protocol: protocolVersion,
		Limits: limits{
			MaxMessageBytes: lim.MaxMessageBytes, MaxSessions: lim.MaxLiveSessions,
			MaxMemories: lim.MaxLiveMemories, MaxGridSide: lim.MaxLiveGridSide,
			MaxIterations: lim.MaxIterations, MinSpeed: lim.MinSpeed, MaxSpeed: lim.MaxSpeed,
			MaxBeta: lim.MaxBeta, MaxAbsValue: lim.MaxAbsValue, MaxLR: lim.MaxLR,
			MinTau: lim.MinTau, MaxTau: lim.MaxTau, MaxMomentum: lim.MaxMomentum,
			MaxRetrievalSteps: lim.MaxRetrievalSteps, MaxTolerance: lim.MaxTolerance,
			MaxSeparations: lim.MaxSeparations,
		},
		Presets: scenario.PresetsWithCaptions(), DefaultPreset: scenario.DefaultPreset,
	}
}
