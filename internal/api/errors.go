package api

import (
	"encoding/json"
	"net/http"

	"hoplab/internal/scenario"
)

// Error codes of the JSON error body that the HTTP layer adds to those of
// the scenario contract (scenario.CodeInvalidJSON, …). Clients may rely on
// them; the messages are for people and may change.
const (
	codeBodyTooLarge         = "body_too_large"         // 413
	codeUnsupportedMediaType = "unsupported_media_type" // 415: not application/json
	codeMethodNotAllowed     = "method_not_allowed"     // 405, with Allow
	codeNotFound             = "not_found"              // 404
	codeBusy                 = "busy"                   // 503, with Retry-After
	codeTimeout              = "timeout"                // 503: the run took longer than Limits.RunTimeout
)

// errorBody is the JSON form of a *scenario.Error.
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
func detail(e *scenario.Error) errorDetail {
	return errorDetail{Code: e.Code, Message: e.Message, Field: e.Field, Iteration: e.Iteration}
}

// writeError writes e as the JSON error body with its status.
func writeError(w http.ResponseWriter, e *scenario.Error) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Del("Content-Length")
	w.WriteHeader(e.Status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false) // keep "<" and ">" of messages readable; the type is JSON, not HTML
	// The body is a few short strings; an error here means the client is gone.
	_ = enc.Encode(errorBody{Error: detail(e)})
}
