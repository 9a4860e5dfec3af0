package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"hoplab/internal/scenario"
)

// jobsPath is the collection of background jobs (docs/api.md, "Jobs").
const jobsPath = "/api/v1/jobs"

// Members of POST /api/v1/jobs's body.
const (
	jobFieldKind    = "kind"
	jobFieldRequest = "request"
)

// jobJSON is a job as GET /api/v1/jobs/{id} shows it, "result" aside
// (writeJob adds it, raw, after the other members). Every member is
// present but status and error: status only when the job is done, error
// only when it failed.
type jobJSON struct {
	ID        string       `json:"id"`
	Kind      string       `json:"kind"`
	State     jobState     `json:"state"`
	Progress  progressJSON `json:"progress"`
	CreatedAt string       `json:"createdAt"`
	StartedAt *string      `json:"startedAt"` // null while queued
	EndedAt   *string      `json:"endedAt"`   // null until it ends
	ExpiresAt *string      `json:"expiresAt"` // null until it ends: then ended + JobRetention
	Status    int          `json:"status,omitempty"`
	Error     *errorDetail `json:"error,omitempty"`
}

// progressJSON counts a job's chunks of work.
type progressJSON struct {
	Done  int64 `json:"done"`
	Total int64 `json:"total"`
}

// jobTimeLayout is RFC 3339 in UTC with milliseconds.
const jobTimeLayout = "2006-01-02T15:04:05.000Z07:00"

func formatTime(t time.Time) string { return t.UTC().Format(jobTimeLayout) }

// optionalTime is t formatted, or nil when t is zero.
func optionalTime(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := formatTime(t)
	return &s
}

// handleCreateJob serves POST /api/v1/jobs: it decodes the job, checks its
// request entirely as the kind's endpoint does, and accepts it (202, with
// Location) within the job limits.
func (s *server) handleCreateJob(w http.ResponseWriter, r *http.Request) {
	body, ok := s.readJSON(w, r, `the job ({"kind": …, "request": …})`)
	if !ok {
		return
	}
	kind, request, aerr := decodeJob(body)
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	work, err := jobKinds[kind].prepare(s, request)
	if err != nil {
		writeError(w, scenario.AsError(err))
		return
	}
	snap, refused := s.jobs.create(kind, clientAddr(r), work)
	if refused != nil {
		if refused.Code == codeBusy {
			w.Header().Set("Retry-After", "1")
		}
		writeError(w, refused)
		return
	}
	w.Header().Set("Location", jobsPath+"/"+snap.view.ID)
	s.writeJob(w, http.StatusAccepted, snap, false)
}

// handleGetJob serves GET /api/v1/jobs/{id}: the job, with the result of
// its request when it is done.
func (s *server) handleGetJob(w http.ResponseWriter, r *http.Request) {
	snap, ok := s.jobs.get(chi.URLParam(r, "id"))
	if !ok {
		writeJobNotFound(w, s.limits)
		return
	}
	s.writeJob(w, http.StatusOK, snap, true)
}

// handleDeleteJob serves DELETE /api/v1/jobs/{id}: it cancels the job and
// answers once it has stopped, with the job as GET shows it but without
// its result.
func (s *server) handleDeleteJob(w http.ResponseWriter, r *http.Request) {
	snap, ok := s.jobs.cancel(r.Context(), chi.URLParam(r, "id"))
	if !ok {
		writeJobNotFound(w, s.limits)
		return
	}
	s.writeJob(w, http.StatusOK, snap, false)
}

func writeJobNotFound(w http.ResponseWriter, lim scenario.Limits) {
	writeError(w, &scenario.Error{Status: http.StatusNotFound, Code: codeJobNotFound,
		Message: fmt.Sprintf("no such job: it never existed, or it ended more than %v ago, or the results of later jobs took its place", lim.JobRetention)})
}

// writeJob writes the job with status; withResult adds a done job's
// result, the body of its endpoint's answer as it is, as the last member.
func (s *server) writeJob(w http.ResponseWriter, status int, snap jobSnapshot, withResult bool) {
	var head bytes.Buffer
	enc := json.NewEncoder(&head)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(&snap.view); err != nil {
		panic("api: a job does not encode: " + err.Error()) // strings and numbers only
	}
	parts := [][]byte{head.Bytes()}
	if withResult && snap.result != nil {
		// The result is written as it is kept, not copied: it may be tens
		// of MiB.
		members := bytes.TrimSuffix(bytes.TrimSuffix(head.Bytes(), []byte("\n")), []byte("}"))
		parts = [][]byte{members, []byte(`,"result":`), snap.result, []byte("}\n")}
	}
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Length", strconv.Itoa(n))
	w.WriteHeader(status)
	for _, p := range parts {
		if _, err := w.Write(p); err != nil {
			s.log.Info("writing a job failed", "err", err)
			return
		}
	}
}

// decodeJob decodes the body of POST /api/v1/jobs strictly, as
// scenario.Decode decodes a scenario: one JSON object, no key given twice
// at any depth, exactly the members "kind" (one of jobKinds) and
// "request" (any JSON but null, which the kind checks). A repeated key
// inside the request is named by its path in the request, as the kind's
// own endpoint names it.
func decodeJob(body []byte) (kind string, request json.RawMessage, e *scenario.Error) {
	invalidJSON := func(format string, args ...any) *scenario.Error {
		return &scenario.Error{Status: http.StatusBadRequest, Code: scenario.CodeInvalidJSON, Message: fmt.Sprintf(format, args...)}
	}
	const what = `a job: {"kind": …, "request": …}`
	dec := json.NewDecoder(bytes.NewReader(body))
	var members map[string]json.RawMessage
	if err := dec.Decode(&members); err != nil {
		if e, ok := scenario.JSONError(body, err, what); ok {
			return "", nil, e
		}
		return "", nil, invalidJSON("the body must be a JSON object (%s), not %s", what, scenario.DescribeJSON(body))
	}
	if members == nil {
		return "", nil, invalidJSON("the body must be a JSON object (%s), not null", what)
	}
	if dup := scenario.DuplicateError(body[:dec.InputOffset()]); dup != nil {
		dup.Field = strings.TrimPrefix(dup.Field, jobFieldRequest+".")
		return "", nil, dup
	}
	if _, err := dec.Token(); err != io.EOF {
		return "", nil, invalidJSON("unexpected data after the job object at byte %d; send exactly one JSON object", dec.InputOffset())
	}
	allowed := []string{jobFieldKind, jobFieldRequest}
	for _, name := range slices.Sorted(maps.Keys(members)) {
		if slices.Contains(allowed, name) {
			continue
		}
		msg := fmt.Sprintf("unknown field %q; a job has \"kind\" and \"request\"", name)
		for _, a := range allowed {
			if strings.EqualFold(a, name) {
				msg = fmt.Sprintf("unknown field %q; did you mean %q? (names are case-sensitive camelCase)", name, a)
			}
		}
		return "", nil, &scenario.Error{Status: http.StatusBadRequest, Code: scenario.CodeUnknownField, Field: name, Message: msg}
	}
	kinds := strings.Join(jobKindNames(), ", ")
	raw, ok := members[jobFieldKind]
	switch {
	case !ok || bytes.Equal(raw, []byte("null")):
		return "", nil, scenario.Invalid(jobFieldKind, "is required: one of %s", kinds)
	case raw[0] != '"' || json.Unmarshal(raw, &kind) != nil:
		return "", nil, scenario.Invalid(jobFieldKind, "must be a string, one of %s, not %s", kinds, scenario.DescribeJSON(raw))
	}
	if _, ok := jobKinds[kind]; !ok {
		return "", nil, scenario.Invalid(jobFieldKind, "unknown kind %q: want one of %s", kind, kinds)
	}
	request, ok = members[jobFieldRequest]
	if !ok || bytes.Equal(request, []byte("null")) {
		return "", nil, scenario.Invalid(jobFieldRequest, "is required: for kind %q, the body of a request to %s", kind, jobKinds[kind].endpoint)
	}
	return kind, request, nil
}

// StopJobs cancels the jobs (as CancelRuns does: running ones fail with
// shutting_down, and no new one is accepted), waits until none runs or ctx
// is done, and stops the timer that forgets ended jobs. A server shutting
// down calls it once it has stopped serving requests, before it closes
// the worker pool.
func (h *Handler) StopJobs(ctx context.Context) error {
	h.srv.stopRuns()
	return h.srv.jobs.wait(ctx)
}
