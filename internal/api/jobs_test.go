package api

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"hoplab/internal/live/livetest"
	"hoplab/internal/scenario"
	"hoplab/internal/sim"
)

// Tests of POST /api/v1/jobs, GET and DELETE /api/v1/jobs/{id}, over real
// HTTP with the real pool. They wait on conditions (a job's end, a step
// reached); livetest.Timeout only guards against a hang.

// jobsClient talks to a test server over HTTP.
type jobsClient struct {
	t   *testing.T
	url string
}

// startJobs serves a test server's routes over real HTTP; setup, when not
// nil, is called on the server first (to set test hooks).
func startJobs(t *testing.T, lim scenario.Limits, setup func(*server)) (*server, *jobsClient) {
	t.Helper()
	s := newTestServer(t, lim)
	if setup != nil {
		setup(s)
	}
	ts := httptest.NewServer(s.routes(nil))
	t.Cleanup(ts.Close)
	return s, &jobsClient{t: t, url: ts.URL}
}

// reply is an HTTP answer, read whole.
type reply struct {
	status int
	header http.Header
	body   []byte
}

func (c *jobsClient) do(method, path, contentType, body string) reply {
	c.t.Helper()
	req, err := http.NewRequest(method, c.url+path, strings.NewReader(body))
	if err != nil {
		c.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := (&http.Client{Timeout: livetest.Timeout}).Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	return reply{resp.StatusCode, resp.Header, b}
}

func (c *jobsClient) post(body string) reply {
	return c.do(http.MethodPost, jobsPath, "application/json", body)
}

func (c *jobsClient) get(id string) reply { return c.do(http.MethodGet, jobsPath+"/"+id, "", "") }

func (c *jobsClient) delete(id string) reply { return c.do(http.MethodDelete, jobsPath+"/"+id, "", "") }

func (c *jobsClient) run(body string) reply {
	return c.do(http.MethodPost, "/api/v1/run", "application/json", body)
}

// runJob is the body of a job of kind run with this scenario.
func runJob(sc string) string { return `{"kind": "run", "request": ` + sc + `}` }

// jobReply is a job as a client decodes it.
type jobReply struct {
	ID        string       `json:"id"`
	Kind      string       `json:"kind"`
	State     string       `json:"state"`
	Progress  progressJSON `json:"progress"`
	CreatedAt string       `json:"createdAt"`
	StartedAt *string      `json:"startedAt"`
	EndedAt   *string      `json:"endedAt"`
	ExpiresAt *string      `json:"expiresAt"`
	Status    int          `json:"status"`
	Error     *errorDetail `json:"error"`
	// Result is the raw JSON of "result".
	Result json.RawMessage `json:"result"`
}

var jobIDPattern = regexp.MustCompile(`^[0-9a-f]{32}$`)

// jobOf checks that r is a job with status want, decodes it strictly, and
// checks the members every job has and those of its state.
func jobOf(t *testing.T, r reply, want int) jobReply {
	t.Helper()
	if r.status != want {
		t.Fatalf("status %d, want %d; body %.500s", r.status, want, r.body)
	}
	if ct, cc := r.header.Get("Content-Type"), r.header.Get("Cache-Control"); ct != "application/json" || cc != "no-store" {
		t.Errorf("Content-Type %q, Cache-Control %q; want application/json, no-store", ct, cc)
	}
	dec := json.NewDecoder(bytes.NewReader(r.body))
	dec.DisallowUnknownFields()
	var j jobReply
	if err := dec.Decode(&j); err != nil {
		t.Fatalf("job does not decode: %v; %.500s", err, r.body)
	}
	var members map[string]json.RawMessage
	if err := json.Unmarshal(r.body, &members); err != nil {
		t.Fatal(err)
	}
	for _, m := range []string{"id", "kind", "state", "progress", "createdAt", "startedAt", "endedAt", "expiresAt"} {
		if _, ok := members[m]; !ok {
			t.Errorf("job lacks %q: %.300s", m, r.body)
		}
	}
	if !jobIDPattern.MatchString(j.ID) {
		t.Errorf("id %q is not 32 hex digits", j.ID)
	}
	for name, ts := range map[string]*string{"createdAt": &j.CreatedAt, "startedAt": j.StartedAt, "endedAt": j.EndedAt, "expiresAt": j.ExpiresAt} {
		if ts == nil {
			continue
		}
		if _, err := time.Parse(time.RFC3339, *ts); err != nil {
			t.Errorf("%s = %q is not RFC 3339: %v", name, *ts, err)
		}
	}
	ended := j.State == "done" || j.State == "failed" || j.State == "cancelled"
	// A job that ended while queued never started.
	started := j.State == "running" || j.State == "done" || ended && j.StartedAt != nil
	if (j.StartedAt != nil) != started || (j.EndedAt == nil) == ended || (j.ExpiresAt == nil) == ended {
		t.Errorf("state %s with startedAt %v, endedAt %v, expiresAt %v", j.State, j.StartedAt, j.EndedAt, j.ExpiresAt)
	}
	if (j.Status != 0) != (j.State == "done") || (j.Error != nil) != (j.State == "failed") {
		t.Errorf("state %s with status %d and error %+v", j.State, j.Status, j.Error)
	}
	if j.Result != nil && j.State != "done" {
		t.Errorf("state %s with a result", j.State)
	}
	return j
}

// errorReply decodes the JSON error of r and checks its status.
func errorReply(t *testing.T, r reply, want int) errorDetail {
	t.Helper()
	rec := httptest.NewRecorder()
	for k, v := range r.header {
		rec.Header()[k] = v
	}
	rec.Code = r.status
	rec.Body.Write(r.body)
	if r.status != want {
		t.Fatalf("status %d, want %d; body %.300s", r.status, want, r.body)
	}
	return errorOf(t, rec)
}

// waitEnded waits until the job has ended.
func waitEnded(t *testing.T, s *server, id string) {
	t.Helper()
	s.jobs.mu.Lock()
	j, ok := s.jobs.byID[id]
	s.jobs.mu.Unlock()
	if !ok {
		t.Fatalf("no job %s", id)
	}
	select {
	case <-j.done:
	case <-time.After(livetest.Timeout):
		t.Fatalf("job %s did not end", id)
	}
}

// holdAt makes every computation that reaches step n wait there until its
// context ends, and returns a channel that receives once per computation
// that got there.
func holdAt(s *server, n int) <-chan struct{} {
	reached := make(chan struct{}, 64)
	s.afterStep = func(ctx context.Context, t int) {
		if t == n {
			reached <- struct{}{}
			<-ctx.Done()
		}
	}
	return reached
}

func waitReached(t *testing.T, reached <-chan struct{}) {
	t.Helper()
	select {
	case <-reached:
	case <-time.After(livetest.Timeout):
		t.Fatal("the computation did not reach the step")
	}
}

// heldRun is a scenario whose job holdAt(s, 2) holds in its second step.
const heldRun = `{"memories": [[1, 0], [0.6, 0.8], [-1, 0.1]], "uhop": {"iterations": 50}, "view": {"grid": {"nx": 4, "ny": 4}}}`

// TestJobRunMatchesRun accepts jobs of kind run, follows them until done
// and checks that each result is, byte for byte, what POST /api/v1/run
// answers for the same scenario, with its status.
func TestJobRunMatchesRun(t *testing.T) {
	s, c := startJobs(t, scenario.Limits{}, nil)
	for _, sc := range []string{
		`{"memories": [[1, 0], [0, 1]]}`,
		`{"memories": [[1, 0], [0.8, 0.6], [-0.6, 0.8]], "uhop": {"iterations": 20}, "separations": ["softmax", "entmax:1.5"],
		  "view": {"grid": {"nx": 30, "ny": 20}}, "snapshots": [0, 7, 20]}`,
		`{"memories": [[1, 0, 0], [0, 1, 0], [0, 0, 1]], "featureMap": {"dim": 2, "init": "random", "seed": 3}, "uhop": {"iterations": 5},
		  "view": {"space": "feature", "grid": {"nx": 10, "ny": 10}}}`,
		divergentScenario(0.9, 8, ""),
	} {
		accepted := c.post(runJob(sc))
		j := jobOf(t, accepted, http.StatusAccepted)
		if loc := accepted.header.Get("Location"); loc != jobsPath+"/"+j.ID {
			t.Errorf("Location %q, want %s/%s", loc, jobsPath, j.ID)
		}
		p, err := scenario.Resolve(mustDecodeScenario(t, sc), scenario.DefaultLimits())
		if err != nil {
			t.Fatal(err)
		}
		if j.Kind != "run" || j.State != "queued" || j.Progress != (progressJSON{0, int64(computeChunks(p))}) {
			t.Errorf("accepted: kind %q, state %q, progress %+v; want run, queued, 0 of %d", j.Kind, j.State, j.Progress, computeChunks(p))
		}
		waitEnded(t, s, j.ID)
		done := jobOf(t, c.get(j.ID), http.StatusOK)
		direct := c.run(sc)
		if done.State != "done" || done.Status != direct.status {
			t.Fatalf("job: state %q, status %d; want done, %d (error %+v)", done.State, done.Status, direct.status, done.Error)
		}
		if want := bytes.TrimSuffix(direct.body, []byte("\n")); !bytes.Equal(done.Result, want) {
			t.Errorf("result (%d bytes) differs from the /run body (%d bytes):\n%.300s\n%.300s", len(done.Result), len(want), done.Result, want)
		}
		if direct.status == http.StatusUnprocessableEntity {
			divergedOf(t, done.Status, done.Result)
		} else if done.Progress.Done != done.Progress.Total || done.Progress.Total != j.Progress.Total {
			t.Errorf("progress %+v, want all %d chunks done", done.Progress, j.Progress.Total)
		}
		if done.ID != j.ID || done.CreatedAt != j.CreatedAt {
			t.Errorf("id, createdAt %s %s changed from %s %s", done.ID, done.CreatedAt, j.ID, j.CreatedAt)
		}
	}
	// HEAD answers as GET, without the body.
	j := jobOf(t, c.post(runJob(`{"memories": [[1, 0]]}`)), http.StatusAccepted)
	if r := c.do(http.MethodHead, jobsPath+"/"+j.ID, "", ""); r.status != http.StatusOK || len(r.body) != 0 {
		t.Errorf("HEAD: %d with %d bytes", r.status, len(r.body))
	}
}

func mustDecodeScenario(t *testing.T, body string) *scenario.Scenario {
	t.Helper()
	sc, err := scenario.Decode([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

// TestJobRunning holds a job in its second step: it shows as running,
// with its start and some progress, and a second job waits queued
// behind MaxRunningJobs = 1.
func TestJobRunning(t *testing.T) {
	lim := scenario.DefaultLimits()
	lim.MaxRunningJobs = 1
	var reached <-chan struct{}
	s, c := startJobs(t, lim, func(s *server) { reached = holdAt(s, 2) })
	first := jobOf(t, c.post(runJob(heldRun)), http.StatusAccepted)
	waitReached(t, reached)
	second := jobOf(t, c.post(runJob(heldRun)), http.StatusAccepted)

	j := jobOf(t, c.get(first.ID), http.StatusOK)
	if j.State != "running" || j.StartedAt == nil || j.Progress.Done != 0 || j.Progress.Total != first.Progress.Total {
		t.Errorf("held job: state %q, startedAt %v, progress %+v; want running, a start, 0 of %d", j.State, j.StartedAt, j.Progress, first.Progress.Total)
	}
	if j := jobOf(t, c.get(second.ID), http.StatusOK); j.State != "queued" || j.StartedAt != nil {
		t.Errorf("second job: state %q, startedAt %v; want queued, null", j.State, j.StartedAt)
	}
	// Cancelling the first starts the second, which gets held too.
	jobOf(t, c.delete(first.ID), http.StatusOK)
	waitReached(t, reached)
	if j := jobOf(t, c.get(second.ID), http.StatusOK); j.State != "running" {
		t.Errorf("second job after the first was cancelled: state %q, want running", j.State)
	}
	jobOf(t, c.delete(second.ID), http.StatusOK)
	waitEnded(t, s, second.ID)
}

// TestJobInvalidRequest: a job whose request /run would refuse is refused
// with /run's error, field for field (fields are named as in the scenario,
// without a "request." prefix), and nothing is accepted.
func TestJobInvalidRequest(t *testing.T) {
	s, c := startJobs(t, scenario.Limits{}, nil)
	for _, sc := range []string{
		`{"memories": [[1, 0]], "beta": "x"}`,
		`{"memories": [[1, 0]], "bta": 3}`,
		`{"memories": [[1, 0]], "Beta": 3}`,
		`{"memories": [[1, 0]], "uhop": {"lr": 1, "lr": 2}}`,
		`{"memories": [[1, 0]], "view": {"grid": {"nx": 4096}}}`,
		`{"memories": [[1, 0]], "view": {"grid": {"nx": 1}}}`,
		`{"beta": 2}`,
		`{"memories": [[1, 0], [0, 0]]}`,
		`{"memories": [[1, 0]], "uhop": {"iterations": 10}, "snapshots": [11]}`,
		`[1, 2]`,
		`3`,
		`"memories"`,
		`{}`,
	} {
		direct := c.run(sc)
		want := errorReply(t, direct, direct.status)
		r := c.post(runJob(sc))
		got := errorReply(t, r, direct.status)
		if got != want && !(got.Iteration == nil && want.Iteration == nil && got.Code == want.Code && got.Message == want.Message && got.Field == want.Field) {
			t.Errorf("%s: job error %+v, want /run's %+v", sc, got, want)
		}
		if r.status/100 != 4 {
			t.Errorf("%s: status %d, want 4xx", sc, r.status)
		}
	}
	// The example of docs/api.md.
	if e := errorReply(t, c.post(runJob(`{"memories": [[1, 0]], "uhop": {"lr": -1}}`)), http.StatusBadRequest); e.Field != "uhop.lr" {
		t.Errorf("a negative learning rate: %+v, want field uhop.lr", e)
	}
	s.jobs.mu.Lock()
	defer s.jobs.mu.Unlock()
	if n := len(s.jobs.byID); n != 0 {
		t.Errorf("%d jobs kept after refusals", n)
	}
}

// TestJobEnvelope: the body of POST /api/v1/jobs is decoded strictly,
// like a scenario: each case is refused with its code and field.
func TestJobEnvelope(t *testing.T) {
	_, c := startJobs(t, scenario.Limits{}, nil)
	const sc = `{"memories": [[1, 0]]}`
	for _, tt := range []struct {
		body, code, field, message string
	}{
		{`{"kind": "basins", "request": ` + sc + `}`, scenario.CodeInvalidField, "kind", `unknown kind "basins": want one of capacity, figure, run`},
		{`{"kind": "capacity", "request": ` + sc + `}`, scenario.CodeInvalidField, "queries", "is required"},
		{`{"request": ` + sc + `}`, scenario.CodeInvalidField, "kind", "is required"},
		{`{"kind": null, "request": ` + sc + `}`, scenario.CodeInvalidField, "kind", "is required"},
		{`{"kind": 1, "request": ` + sc + `}`, scenario.CodeInvalidField, "kind", "must be a string"},
		{`{"kind": ["run"], "request": ` + sc + `}`, scenario.CodeInvalidField, "kind", "must be a string"},
		{`{"kind": "run"}`, scenario.CodeInvalidField, "request", "POST /api/v1/run"},
		{`{"kind": "run", "request": null}`, scenario.CodeInvalidField, "request", "is required"},
		{`{"kind": "run", "request": ` + sc + `, "priority": 1}`, scenario.CodeUnknownField, "priority", `a job has "kind" and "request"`},
		{`{"Kind": "run", "request": ` + sc + `}`, scenario.CodeUnknownField, "Kind", `did you mean "kind"?`},
		{`{"kind": "run", "kind": "run", "request": ` + sc + `}`, scenario.CodeDuplicateField, "kind", "more than once"},
		{`{"kind": "run", "request": ` + sc + `, "request": ` + sc + `}`, scenario.CodeDuplicateField, "request", "more than once"},
		{`{"kind": "run", "request": {"memories": [[1, 0]], "ui": {"a": 1, "a": 2}}}`, scenario.CodeDuplicateField, "ui.a", "more than once"},
		{`{"kind": "run", "request": ` + sc + `} {}`, scenario.CodeInvalidJSON, "", "unexpected data after the job object"},
		{`{"kind": "run", "request": ` + sc + `,}`, scenario.CodeInvalidJSON, "", "malformed JSON at line 1, column 51"},
		{`{"kind": "run", "request": `, scenario.CodeInvalidJSON, "", "ends too early"},
		{``, scenario.CodeInvalidJSON, "", "the body is empty"},
		{`null`, scenario.CodeInvalidJSON, "", "not null"},
		{`["run"]`, scenario.CodeInvalidJSON, "", "not array"},
	} {
		e := errorReply(t, c.post(tt.body), http.StatusBadRequest)
		if e.Code != tt.code || e.Field != tt.field || !strings.Contains(e.Message, tt.message) {
			t.Errorf("%s: error %+v, want %s on %q saying %q", tt.body, e, tt.code, tt.field, tt.message)
		}
	}
	if e := errorReply(t, c.do(http.MethodPost, jobsPath, "text/plain", runJob(sc)), http.StatusUnsupportedMediaType); e.Code != codeUnsupportedMediaType {
		t.Errorf("text/plain: %+v", e)
	}
	r := c.do(http.MethodPut, jobsPath, "application/json", runJob(sc))
	if e := errorReply(t, r, http.StatusMethodNotAllowed); e.Code != codeMethodNotAllowed || r.header.Get("Allow") != "POST" {
		t.Errorf("PUT: %+v, Allow %q", e, r.header.Get("Allow"))
	}
	r = c.do(http.MethodPost, jobsPath+"/0123", "application/json", runJob(sc))
	if e := errorReply(t, r, http.StatusMethodNotAllowed); e.Code != codeMethodNotAllowed || r.header.Get("Allow") != "GET, HEAD, DELETE" {
		t.Errorf("POST to a job: %+v, Allow %q", e, r.header.Get("Allow"))
	}
}

// TestJobNotFound: an id that names no job gets 404 job_not_found.
func TestJobNotFound(t *testing.T) {
	_, c := startJobs(t, scenario.Limits{}, nil)
	for _, id := range []string{"0123456789abcdef0123456789abcdef", "x", "%2e%2e"} {
		for _, r := range []reply{c.get(id), c.delete(id)} {
			if e := errorReply(t, r, http.StatusNotFound); e.Code != codeJobNotFound || e.Field != "" {
				t.Errorf("job %q: %+v, want job_not_found", id, e)
			}
		}
	}
}

// TestJobDelete cancels a job held in its second step: DELETE answers
// once it has stopped, as cancelled without a result; no further step is
// taken and no chunk runs. A second DELETE changes nothing; a queued job
// is cancelled at once; a done job stays done, with its result.
func TestJobDelete(t *testing.T) {
	lim := scenario.DefaultLimits()
	lim.MaxRunningJobs = 1
	var steps atomic.Int64
	reached := make(chan struct{}, 8)
	s, c := startJobs(t, lim, func(s *server) {
		s.afterStep = func(ctx context.Context, n int) {
			steps.Add(1)
			if n == 2 {
				reached <- struct{}{}
				<-ctx.Done()
			}
		}
	})
	before := goroutineStacks() // the pool's workers are running
	held := jobOf(t, c.post(runJob(heldRun)), http.StatusAccepted)
	waitReached(t, reached)
	queued := jobOf(t, c.post(runJob(heldRun)), http.StatusAccepted)

	// The queued job first: it ends at once and never starts.
	if j := jobOf(t, c.delete(queued.ID), http.StatusOK); j.State != "cancelled" || j.StartedAt != nil || j.Progress.Done != 0 {
		t.Errorf("cancelled while queued: %+v", j)
	}
	j := jobOf(t, c.delete(held.ID), http.StatusOK)
	if j.State != "cancelled" || j.StartedAt == nil || j.Status != 0 || j.Result != nil {
		t.Errorf("cancelled while running: %+v", j)
	}
	if n := steps.Load(); n != 2 {
		t.Errorf("%d steps taken, want 2", n)
	}
	if n := s.pool.Running(); n != 0 {
		t.Errorf("%d chunks still running after DELETE answered", n)
	}
	ctx, cancel := context.WithTimeout(context.Background(), livetest.Timeout)
	defer cancel()
	checkNoLeaks(t, ctx, before) // the job's goroutine has returned
	if j := jobOf(t, c.get(held.ID), http.StatusOK); j.State != "cancelled" || j.Result != nil {
		t.Errorf("GET after DELETE: %+v", j)
	}
	if j := jobOf(t, c.delete(held.ID), http.StatusOK); j.State != "cancelled" {
		t.Errorf("a second DELETE: %+v", j)
	}
	if n := steps.Load(); n != 2 {
		t.Errorf("%d steps taken in the end, want 2", n)
	}

	small := jobOf(t, c.post(runJob(`{"memories": [[1, 0], [0, 1]], "uhop": {"iterations": 1}}`)), http.StatusAccepted)
	waitEnded(t, s, small.ID)
	if j := jobOf(t, c.delete(small.ID), http.StatusOK); j.State != "done" || j.Status != http.StatusOK || j.Result != nil {
		t.Errorf("DELETE of a done job: %+v (DELETE answers without the result)", j)
	}
	if j := jobOf(t, c.get(small.ID), http.StatusOK); j.State != "done" || len(j.Result) == 0 {
		t.Errorf("GET after DELETE of a done job: state %q, %d bytes of result", j.State, len(j.Result))
	}
}

// TestJobLimits: beyond MaxJobsPerAddr jobs not ended from one address,
// or MaxJobs overall, a job is refused with 503 busy and Retry-After;
// once one has ended, another is accepted. Ended jobs do not count.
func TestJobLimits(t *testing.T) {
	lim := scenario.DefaultLimits()
	lim.MaxJobs = 3
	lim.MaxJobsPerAddr = 2
	lim.MaxRunningJobs = 1
	var reached <-chan struct{}
	s, c := startJobs(t, lim, func(s *server) { reached = holdAt(s, 2) })
	h := s.routes(nil)
	// postFrom posts a job from another client address, through the handler.
	postFrom := func(addr string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodPost, testOrigin+jobsPath, strings.NewReader(runJob(heldRun)))
		req.Header.Set("Content-Type", "application/json")
		req.RemoteAddr = addr
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	busy := func(what string, status int, header http.Header, e errorDetail, message string) {
		t.Helper()
		if status != http.StatusServiceUnavailable || header.Get("Retry-After") != "1" || e.Code != codeBusy || !strings.Contains(e.Message, message) {
			t.Errorf("%s: %d, Retry-After %q, %+v; want 503 busy saying %q", what, status, header.Get("Retry-After"), e, message)
		}
	}

	first := jobOf(t, c.post(runJob(heldRun)), http.StatusAccepted)
	waitReached(t, reached)
	jobOf(t, c.post(runJob(heldRun)), http.StatusAccepted) // queued
	r := c.post(runJob(heldRun))
	busy("a third job from one address", r.status, r.header, errorReply(t, r, r.status), "your address has 2 jobs")

	if rec := postFrom("192.0.2.7:4000"); rec.Code != http.StatusAccepted {
		t.Fatalf("a job from another address: %d %s", rec.Code, rec.Body)
	}
	rec := postFrom("192.0.2.8:4000")
	busy("a fourth job overall", rec.Code, rec.Header(), errorOf(t, rec), "the server has 3 jobs")
	// An invalid request is still told what is wrong.
	if e := errorReply(t, c.post(runJob(`{"memories": 1}`)), http.StatusBadRequest); e.Code != scenario.CodeInvalidField {
		t.Errorf("an invalid job while busy: %+v", e)
	}

	jobOf(t, c.delete(first.ID), http.StatusOK)
	waitReached(t, reached) // the queued job runs now
	jobOf(t, c.post(runJob(heldRun)), http.StatusAccepted)
}

// TestJobRetention: with a clock of the test's, an ended job is kept for
// JobRetention exactly, then forgotten (404); a job's expiresAt says when.
// Beyond MaxKeptJobBytes the jobs that ended first are forgotten; a
// result larger than the bound alone fails its job with result_too_large.
func TestJobRetention(t *testing.T) {
	lim := scenario.DefaultLimits()
	lim.JobRetention = time.Hour
	s, c := startJobs(t, lim, nil)
	clock := newTestClock()
	s.jobs.now = clock.now

	const sc = `{"memories": [[1, 0], [0, 1]], "view": {"grid": {"nx": 5, "ny": 5}}}`
	j := jobOf(t, c.post(runJob(sc)), http.StatusAccepted)
	waitEnded(t, s, j.ID)
	done := jobOf(t, c.get(j.ID), http.StatusOK)
	if want := formatTime(clock.now().Add(time.Hour)); done.ExpiresAt == nil || *done.ExpiresAt != want {
		t.Errorf("expiresAt %v, want %s", done.ExpiresAt, want)
	}
	clock.advance(time.Hour - time.Millisecond)
	jobOf(t, c.get(j.ID), http.StatusOK)
	clock.advance(time.Millisecond)
	if e := errorReply(t, c.get(j.ID), http.StatusNotFound); e.Code != codeJobNotFound {
		t.Errorf("after the retention: %+v", e)
	}
	s.jobs.mu.Lock()
	if n, kept := len(s.jobs.byID), s.jobs.keptBytes; n != 0 || kept != 0 {
		t.Errorf("%d jobs, %d bytes kept after the retention", n, kept)
	}
	s.jobs.mu.Unlock()

	// Room for one result of sc and the records of two jobs, not for two
	// results: the second result to end forgets the first job.
	size := int64(len(bytes.TrimSuffix(c.run(sc).body, []byte("\n"))))
	s.jobs.lim.MaxKeptJobBytes = size + 2*scenario.JobRecordBytes + size/2
	a := jobOf(t, c.post(runJob(sc)), http.StatusAccepted)
	waitEnded(t, s, a.ID)
	b := jobOf(t, c.post(runJob(sc)), http.StatusAccepted)
	waitEnded(t, s, b.ID)
	errorReply(t, c.get(a.ID), http.StatusNotFound)
	if j := jobOf(t, c.get(b.ID), http.StatusOK); j.State != "done" || int64(len(j.Result)) != size {
		t.Errorf("the last job: state %q, %d bytes of result; want done, %d", j.State, len(j.Result), size)
	}
	s.jobs.lim.MaxKeptJobBytes = size + scenario.JobRecordBytes - 1
	big := jobOf(t, c.post(runJob(sc)), http.StatusAccepted)
	waitEnded(t, s, big.ID)
	if j := jobOf(t, c.get(big.ID), http.StatusOK); j.State != "failed" || j.Error.Code != codeResultTooLarge {
		t.Errorf("a result beyond MaxKeptJobBytes: state %q, error %+v; want failed, result_too_large", j.State, j.Error)
	}
}

// testClock is a clock that moves only when told.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func newTestClock() *testClock { return &testClock{t: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)} }

func (c *testClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// TestJobTimeout lets a job outlive JobTimeout: it fails with timeout.
func TestJobTimeout(t *testing.T) {
	lim := scenario.DefaultLimits()
	lim.JobTimeout = 1 // nanosecond
	s, c := startJobs(t, lim, func(s *server) { s.afterStep = func(ctx context.Context, _ int) { <-ctx.Done() } })
	j := jobOf(t, c.post(runJob(heldRun)), http.StatusAccepted)
	waitEnded(t, s, j.ID)
	if j := jobOf(t, c.get(j.ID), http.StatusOK); j.State != "failed" || j.Error.Code != codeTimeout || !strings.Contains(j.Error.Message, "1ns") {
		t.Errorf("state %q, error %+v; want failed with timeout", j.State, j.Error)
	}
}

// TestJobShutdown: CancelRuns stops the running job (failed,
// shutting_down) and the queued one, and refuses new jobs with 503
// shutting_down; StopJobs then returns at once. No goroutine of the
// server outlives the jobs.
func TestJobShutdown(t *testing.T) {
	before := goroutineStacks()
	lim := scenario.DefaultLimits()
	lim.MaxRunningJobs = 1
	var reached <-chan struct{}
	s, c := startJobs(t, lim, func(s *server) { reached = holdAt(s, 2) })
	hd := &Handler{srv: s}
	running := jobOf(t, c.post(runJob(heldRun)), http.StatusAccepted)
	waitReached(t, reached)
	queued := jobOf(t, c.post(runJob(heldRun)), http.StatusAccepted)

	hd.CancelRuns()
	for _, id := range []string{running.ID, queued.ID} {
		waitEnded(t, s, id)
		if j := jobOf(t, c.get(id), http.StatusOK); j.State != "failed" || j.Error.Code != codeShuttingDown {
			t.Errorf("job %s after CancelRuns: state %q, error %+v; want failed, shutting_down", id[:8], j.State, j.Error)
		}
	}
	if e := errorReply(t, c.post(runJob(heldRun)), http.StatusServiceUnavailable); e.Code != codeShuttingDown {
		t.Errorf("a job after CancelRuns: %+v, want shutting_down", e)
	}
	ctx, cancel := context.WithTimeout(context.Background(), livetest.Timeout)
	defer cancel()
	if err := hd.StopJobs(ctx); err != nil {
		t.Fatal(err)
	}
	s.pool.Close()
	checkNoLeaks(t, ctx, before)
}

// TestJobPanics: a panic in a chunk of a job's rendering, on a pool
// worker, or on the job's own goroutine, fails the job with internal and
// is logged once with its stack; the server goes on with the next job.
func TestJobPanics(t *testing.T) {
	var logs syncBuffer
	var armed, onCaller atomic.Bool
	s, c := startJobs(t, scenario.Limits{}, func(s *server) {
		s.jobs.log = slog.New(slog.NewTextHandler(&logs, nil))
		armPanics(s, &armed, true)
		chunks := s.wrapRunner
		s.wrapRunner = func(r sim.Runner) sim.Runner {
			if onCaller.CompareAndSwap(true, false) {
				panic("test panic on the job's goroutine")
			}
			return chunks(r)
		}
	})
	const sc = `{"memories": [[1, 0], [0, 1], [-1, 0.2]], "uhop": {"iterations": 2}, "view": {"grid": {"nx": 16, "ny": 16}}}`
	for _, tt := range []struct {
		arm          *atomic.Bool
		panic, where string
	}{
		{&armed, "test panic in a chunk", "(*Pool).worker"},
		{&onCaller, "test panic on the job's goroutine", "(*jobStore).execute"},
	} {
		tt.arm.Store(true)
		j := jobOf(t, c.post(runJob(sc)), http.StatusAccepted)
		waitEnded(t, s, j.ID)
		if j := jobOf(t, c.get(j.ID), http.StatusOK); j.State != "failed" || j.Error.Code != scenario.CodeInternal {
			t.Errorf("%s: state %q, error %+v; want failed, internal", tt.panic, j.State, j.Error)
		}
		out := logs.String()
		if n := strings.Count(out, tt.panic); n != 1 || !strings.Contains(out, tt.where) {
			t.Errorf("%q is logged %d times, want once with a stack through %s:\n%s", tt.panic, n, tt.where, out)
		}
	}
	j := jobOf(t, c.post(runJob(sc)), http.StatusAccepted)
	waitEnded(t, s, j.ID)
	if j := jobOf(t, c.get(j.ID), http.StatusOK); j.State != "done" {
		t.Errorf("the next job: state %q, error %+v", j.State, j.Error)
	}
}

// TestJobSweptWithoutRequests: an ended job's memory is freed when it
// expires even if no request comes to find it expired.
func TestJobSweptWithoutRequests(t *testing.T) {
	lim := scenario.DefaultLimits()
	lim.JobRetention = time.Millisecond
	s, c := startJobs(t, lim, nil)
	// No waitEnded: kept for 1 ms, the ended job may be gone before it
	// could be looked up. It was listed when accepted; the loop waits for
	// it to be swept.
	jobOf(t, c.post(runJob(`{"memories": [[1, 0], [0, 1]]}`)), http.StatusAccepted)
	guard := time.After(livetest.Timeout)
	for {
		s.jobs.mu.Lock()
		n, kept, armed := len(s.jobs.byID), s.jobs.keptBytes, s.jobs.sweep != nil
		s.jobs.mu.Unlock()
		if n == 0 && kept == 0 && !armed {
			break
		}
		select {
		case <-guard:
			t.Fatalf("%d jobs, %d bytes still kept, timer armed %v", n, kept, armed)
		case <-time.After(time.Millisecond): // poll
		}
	}
}

// TestJobFloodKeepsOthers: one address ending jobs by the thousand (jobs
// of a known figure, accepted done beyond the limits on jobs queued or
// running) forgets its own first ended jobs beyond maxEndedJobsPerAddr,
// never another address's kept job; the list of ended jobs stays bounded.
func TestJobFloodKeepsOthers(t *testing.T) {
	lim := scenario.DefaultLimits()
	lim.JobRetention = time.Hour
	lim.MaxKeptJobBytes = 4 * maxEndedJobsPerAddr * scenario.JobRecordBytes
	st := newJobStore(lim, slog.New(slog.NewTextHandler(io.Discard, nil)), context.Background())
	ready := func() *jobWork {
		return &jobWork{chunks: 1, shared: true, ready: &jobAnswer{status: http.StatusOK, body: []byte("{}\n")}}
	}
	other, e := st.create("figure", "192.0.2.2", ready())
	if e != nil {
		t.Fatal(e)
	}
	var flood []string
	for range 50 * maxEndedJobsPerAddr {
		snap, e := st.create("figure", "192.0.2.1", ready())
		if e != nil {
			t.Fatal(e)
		}
		flood = append(flood, snap.view.ID)
	}
	if _, ok := st.get(other.view.ID); !ok {
		t.Fatal("the other address's job was forgotten by the flood")
	}
	for i, id := range flood {
		_, ok := st.get(id)
		if want := i >= len(flood)-maxEndedJobsPerAddr; ok != want {
			t.Fatalf("the flood's job %d of %d kept: %v, want %v (its address keeps its last %d)", i, len(flood), ok, want, maxEndedJobsPerAddr)
		}
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	kept := int64(len(st.byID))
	if kept != maxEndedJobsPerAddr+1 || st.keptBytes != kept*scenario.JobRecordBytes || len(st.ended) > 2*int(kept)+1 {
		t.Errorf("%d jobs kept, %d bytes, %d ended listed; want %d, their records, at most twice as many listed", kept, st.keptBytes, len(st.ended), maxEndedJobsPerAddr+1)
	}
	// Beyond MaxKeptJobBytes, the first ended are forgotten, whoever's.
	st.lim.MaxKeptJobBytes = scenario.JobRecordBytes
	st.mu.Unlock()
	last, _ := st.create("figure", "192.0.2.3", ready())
	st.mu.Lock()
	if len(st.byID) != 1 || st.byID[last.view.ID] == nil || len(st.endedBy) != 1 || len(st.ended)-st.early != 1 {
		t.Errorf("after a job beyond a bound of one record: %d kept, %d addresses; want the last alone", len(st.byID), len(st.endedBy))
	}
}
