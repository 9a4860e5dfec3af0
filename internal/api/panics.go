package api

import (
	"errors"
	"fmt"
	"log/slog"

	"hoplab/internal/workpool"
)

// No panic escapes the goroutines that work for a request:
//
//   - a request's handler: recoverPanics answers 500 internal;
//   - a chunk on the worker pool: workpool.Do returns a *workpool.PanicError,
//     which a /run answers with 500 internal.
//
// Live sessions recover their own panics (package live, panics.go). Each
// panic is logged once, at level error, with its stack.

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
