package api

import (
	"context"
	"errors"
	"net/http"

	"hoplab/internal/scenario"
)

// codeShuttingDown: 503, the server is shutting down and stopped the
// computation (Handler.CancelRuns).
const codeShuttingDown = "shutting_down"

// errShuttingDown is the cause of computations stopped by CancelRuns.
var errShuttingDown = errors.New("api: the server is shutting down")

// CancelRuns stops the running /run computations, and any started later:
// each answers 503 shutting_down. A server shutting down calls it when the
// grace period of its running requests ends, so that those that would not
// finish in time are still answered before their connections close.
func (h *Handler) CancelRuns() { h.srv.stopRuns() }

// runContext returns the context of a request's computation: done when
// the request's context is, after Limits.RunTimeout, or on CancelRuns,
// with the cause errShuttingDown.
func (s *server) runContext(parent context.Context) (context.Context, context.CancelFunc) {
	ctx, cancelCause := context.WithCancelCause(parent)
	if s.draining.Err() != nil {
		cancelCause(errShuttingDown) // at once, not in AfterFunc's goroutine
	}
	ctx, cancelTimeout := context.WithTimeout(ctx, s.limits.RunTimeout)
	stop := context.AfterFunc(s.draining, func() { cancelCause(errShuttingDown) })
	return ctx, func() {
		stop()
		cancelTimeout()
		cancelCause(nil)
	}
}

// shuttingDown is the answer to a computation stopped by CancelRuns.
var shuttingDown = &scenario.Error{Status: http.StatusServiceUnavailable, Code: codeShuttingDown,
	Message: "the server is shutting down and stopped this computation before it could finish; retry once it is back"}
