package scenario

import (
	"errors"
	"fmt"
	"net/http"

	"hoplab/internal/sim"
)

// Error codes of the JSON error body that the scenario contract produces.
// Clients may rely on them; the messages are for people and may change.
// The HTTP layer adds the codes of its own (body_too_large, busy, …).
const (
	CodeInvalidJSON    = "invalid_json"    // 400: not one JSON object
	CodeUnknownField   = "unknown_field"   // 400: a key the scenario does not have
	CodeDuplicateField = "duplicate_field" // 400: a key given twice in one object
	CodeInvalidField   = "invalid_field"   // 400: a wrong type, a missing or out-of-domain value
	CodeLimitExceeded  = "limit_exceeded"  // 400: beyond one of the Limits
	CodeDiverged       = "diverged"        // 422: U-Hop+ left the finite numbers; with "iteration"
	CodeInternal       = "internal"        // 500
)

// Error is a rejected request: the status and the body
// {"error": {"code", "message", "field"}}.
type Error struct {
	Status  int
	Code    string
	Message string
	Field   string // the scenario path in camelCase, or ""
	// Iteration, for CodeDiverged, is the first iteration that is not
	// finite; nil for every other code.
	Iteration *int
}

func (e *Error) Error() string {
	if e.Field == "" {
		return "scenario: " + e.Code + ": " + e.Message
	}
	return "scenario: " + e.Code + ": " + e.Field + ": " + e.Message
}

// Invalid reports an invalid field (400 invalid_field).
func Invalid(field, format string, args ...any) *Error {
	return &Error{Status: http.StatusBadRequest, Code: CodeInvalidField, Field: field, Message: fmt.Sprintf(format, args...)}
}

// OverLimit reports a value beyond a limit (400 limit_exceeded).
func OverLimit(field, format string, args ...any) *Error {
	return &Error{Status: http.StatusBadRequest, Code: CodeLimitExceeded, Field: field, Message: fmt.Sprintf(format, args...)}
}

// DivergedAt reports that U-Hop+ diverged at iteration t: W, b or the
// features of that iteration are not finite (sim.Run.Diverged). It is 422:
// the request was valid, but its optimiser settings make the run leave
// the finite numbers.
func DivergedAt(t int) *Error {
	finitePart := fmt.Sprintf("iterations 0 … %d are finite", t-1)
	if t == 0 {
		finitePart = "already the initial map is not finite"
	}
	return &Error{Status: http.StatusUnprocessableEntity, Code: CodeDiverged, Field: "uhop.lr", Iteration: &t,
		Message: fmt.Sprintf("U-Hop+ diverged at iteration %d: the feature map W, b or the features stopped being finite numbers "+
			"(%s); lower uhop.lr or uhop.momentum", t, finitePart)}
}

// DivergedRun is the error of a run that diverged at or before its last
// iteration: the 422 error and the finite prefix of the trajectory.
type DivergedRun struct {
	Err        *Error
	Trajectory []sim.State
}

func (e *DivergedRun) Error() string { return e.Err.Error() }

// AsError returns err as an *Error; an unexpected error becomes 500.
func AsError(err error) *Error {
	if e, ok := errors.AsType[*Error](err); ok {
		return e
	}
	if d, ok := errors.AsType[*DivergedRun](err); ok {
		return d.Err
	}
	return &Error{Status: http.StatusInternalServerError, Code: CodeInternal, Message: "internal error"}
}
