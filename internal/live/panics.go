package live

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"time"

	"github.com/coder/websocket"

	"hoplab/internal/scenario"
	"hoplab/internal/workpool"
)

// No panic escapes the goroutines that work for a session:
//
//   - a chunk on the worker pool: workpool.Do returns a *workpool.PanicError,
//     which a session answers with an error message;
//   - a session's goroutine, while it applies a message, renders or plays:
//     recoverMessage answers an error message (code internal) and rolls the
//     session back to its state before, or closes it with 1011 when it
//     cannot;
//   - a session's reader, writer and pinger: endOnPanic closes the session
//     with 1011.
//
// Each panic is logged once, at level error, with its stack.

// logPanic logs a recovered panic with its stack.
func logPanic(log *slog.Logger, msg string, value any, stack []byte, attrs ...any) {
	log.Error(msg, append(attrs, "panic", fmt.Sprint(value), "stack", string(stack))...)
}

// logFailure logs err at level error; a chunk's panic is logged with its
// stack.
func logFailure(log *slog.Logger, msg string, err error, attrs ...any) {
	if pe, ok := errors.AsType[*workpool.PanicError](err); ok {
		logPanic(log, msg, pe.Value, pe.Stack, attrs...)
		return
	}
	log.Error(msg, append(attrs, "err", err)...)
}

// closeCause is the cause of a session's end that decides how its
// connection is closed.
type closeCause struct {
	status websocket.StatusCode
	reason string // sent in the close frame: short, UTF-8
	// abrupt: the peer does not answer, so the connection is dropped
	// without a closing handshake.
	abrupt bool
}

func (c *closeCause) Error() string {
	return fmt.Sprintf("close %d (%s)", int(c.status), c.reason)
}

// errInternalClose ends a session after a panic it cannot recover from.
var errInternalClose = &closeCause{status: websocket.StatusInternalError, reason: "internal error; it has been logged"}

// endOnPanic, deferred by a session's helper goroutine, turns its panic
// into the session's end with status 1011.
func (s *Server) endOnPanic(cancel context.CancelCauseFunc, who string) {
	if v := recover(); v != nil {
		logPanic(s.log, "live: panic in the session's "+who, v, debug.Stack())
		cancel(errInternalClose)
	}
}

// sessionLost is the panic value with which a session that could not be
// rolled back after a panic ends its loop; runSession closes it with 1011
// without logging it again.
type sessionLost struct{}

// checkpoint is what a session needs to undo a step that panicked.
type checkpoint struct {
	s          session // a shallow copy of every field
	iterations int     // the run's iterations then
}

// checkpoint notes the session's state. Every field is replaced, never
// changed in place, by the session's commands, except the run, whose
// trajectory grows in place; it is rebuilt on a rollback.
func (s *session) checkpoint() checkpoint {
	cp := checkpoint{s: *s}
	if s.run != nil {
		cp.iterations = s.run.Iterations()
	}
	return cp
}

// recoverMessage, deferred by the session's handlers (handle, advance,
// flush), recovers a panic of theirs. It logs the panic, restores the
// session to cp, pauses it and queues an error message (code internal,
// with the seq of the last message). A frame that panicked is not rendered
// again until something changes. If the session cannot be restored, it
// panics with sessionLost, which closes the session with 1011.
func (s *session) recoverMessage(cp *checkpoint, while string) {
	v := recover()
	if v == nil {
		return
	}
	logPanic(s.log, "live session: panic while "+while, v, debug.Stack())
	seq := s.seq
	if err := s.rollBack(cp); err != nil {
		s.log.Error("live session: the state before the panic cannot be restored; closing", "err", err)
		panic(sessionLost{})
	}
	s.pause()
	if while == "rendering" {
		s.frameDirty = false
		s.refineAt = time.Now().Add(refineBackoff) // a coarse picture is refined later, not at once again
	}
	s.replyError(seq, &scenario.Error{Code: scenario.CodeInternal,
		Message: "internal error while " + while + "; it has been logged, and the session is back to its state before"})
}

// rollBack restores the session to cp. The jobs in flight are cancelled
// (their results will be ignored), and the frames get new buffers, which
// a cancelled frame job may still use. The run may have been stepped
// half-way, so it is rebuilt from the plan: U-Hop+ is deterministic, and
// the same steps give the same trajectory, so the epoch is kept.
func (s *session) rollBack(cp *checkpoint) (err error) {
	if s.frame != nil {
		s.frame.cancel()
	}
	if s.traj != nil {
		s.traj.cancel()
	}
	probes := s.probes
	*s = cp.s
	s.frame, s.traj, s.pending, s.probes = nil, nil, nil, probes
	s.bufs = new(frameBufs) // an encoder's compressors may have stopped mid-stream
	s.frameDirty = true
	if s.run == nil {
		return nil
	}
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("rebuilding the run panicked: %v", v)
		}
	}()
	run, err := s.plan.Start()
	if err != nil {
		return err
	}
	if err := s.stepRun(run, cp.iterations); err != nil {
		return err
	}
	s.run = run
	return nil
}
