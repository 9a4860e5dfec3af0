package api

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// Error codes of the JSON error body. Clients may rely on them; the
// messages are for people and may change.
const (
	codeInvalidJSON          = "invalid_json"           // 400: not one JSON object
	codeUnknownField         = "unknown_field"          // 400: a key the scenario does not have
	codeDuplicateField       = "duplicate_field"        // 400: a key given twice in one object
	codeInvalidField         = "invalid_field"          // 400: a wrong type, a missing or out-of-domain value
	codeLimitExceeded        = "limit_exceeded"         // 400: beyond one of the Limits
	codeBodyTooLarge         = "body_too_large"         // 413
	codeUnsupportedMediaType = "unsupported_media_type" // 415: not application/json
	codeMethodNotAllowed     = "method_not_allowed"     // 405, with Allow
	codeNotFound             = "not_found"              // 404
	codeBusy                 = "busy"                   // 503, with Retry-After
	codeTimeout              = "timeout"                // 503: the run took longer than Limits.RunTimeout
	codeDiverged             = "diverged"               // 422: U-Hop+ left the finite numbers; with "iteration"
	codeInternal             = "internal"               // 500
)

// apiError is a rejected request: the status and the body
// {"error": {"code", "message", "field"}}.
type apiError struct {
	status  int
	code    string
	message string
	field   string // the scenario path in camelCase, or ""
	// iteration, for codeDiverged, is the first iteration that is not
	// finite; nil for every other code.
	iteration *int
}

func (e *apiError) Error() string {
	if e.field == "" {
		return "api: " + e.code + ": " + e.message
	}
	return "api: " + e.code + ": " + e.field + ": " + e.message
}

// invalid reports an invalid field (400 invalid_field).
func invalid(field, format string, args ...any) *apiError {
	return &apiError{status: http.StatusBadRequest, code: codeInvalidField, field: field, message: fmt.Sprintf(format, args...)}
}

// overLimit reports a value beyond a limit (400 limit_exceeded).
func overLimit(field, format string, args ...any) *apiError {
	return &apiError{status: http.StatusBadRequest, code: codeLimitExceeded, field: field, message: fmt.Sprintf(format, args...)}
}

// errorBody is the JSON form of an apiError.
type errorBody struct {
	Error errorDetail `json:"error"`
}

// errorDetail always has all three members; field is "" when the error is
// not about one field.
type errorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field"`
	// Iteration is present only with code "diverged".
	Iteration *int `json:"iteration,omitempty"`
}

// detail returns the JSON form of e.
func (e *apiError) detail() errorDetail {
	return errorDetail{Code: e.code, Message: e.message, Field: e.field, Iteration: e.iteration}
}

// divergedError reports that U-Hop+ diverged at iteration t: W, b or the
// features of that iteration are not finite (sim.Run.Diverged). It is 422:
// the request was valid, but its optimiser settings make the run leave
// the finite numbers.
func divergedError(t int) *apiError {
	finitePart := fmt.Sprintf("iterations 0 … %d are finite", t-1)
	if t == 0 {
		finitePart = "already the initial map is not finite"
	}
	return &apiError{status: http.StatusUnprocessableEntity, code: codeDiverged, field: "uhop.lr", iteration: &t,
		message: fmt.Sprintf("U-Hop+ diverged at iteration %d: the feature map W, b or the features stopped being finite numbers "+
			"(%s); lower uhop.lr or uhop.momentum", t, finitePart)}
}

// writeError writes e as the JSON error body with its status.
func writeError(w http.ResponseWriter, e *apiError) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Del("Content-Length")
	w.WriteHeader(e.status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false) // keep "<" and ">" of messages readable; the type is JSON, not HTML
	// The body is a few short strings; an error here means the client is gone.
	_ = enc.Encode(errorBody{Error: e.detail()})
}
