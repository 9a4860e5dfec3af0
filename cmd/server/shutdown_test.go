package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"hoplab/internal/api"
)

// TestShutdownAnswersRuns shuts the server down while two runs are in
// flight, held by a test hook in their first U-Hop+ step: a quick one,
// released once the shutdown has started, gets its result; a slow one,
// held in its second step until its computation is stopped, gets 503
// shutting_down when the grace period ends. run then returns nil (the
// process would exit 0) within -shutdown-timeout.
func TestShutdownAnswersRuns(t *testing.T) {
	entered := make(chan struct{}, 2)
	release := make(chan struct{})
	testHookConfig = func(cfg *api.Config) {
		cfg.AfterStep = func(ctx context.Context, step int) {
			switch step {
			case 1:
				entered <- struct{}{}
				<-release
			case 2: // only the slow run gets here: it would never finish
				<-ctx.Done()
			}
		}
	}
	t.Cleanup(func() { testHookConfig = nil })
	s := startRun(t, []string{"-addr", "127.0.0.1:0", "-workers", "2", "-shutdown-timeout", "4s"}, nil)

	type answer struct {
		status int
		body   string
		err    error
	}
	post := func(body string) <-chan answer {
		c := make(chan answer, 1)
		go func() {
			resp, err := (&http.Client{Timeout: guard}).Post(s.url+"/api/v1/run", "application/json", strings.NewReader(body))
			if err != nil {
				c <- answer{err: err}
				return
			}
			b, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			c <- answer{resp.StatusCode, string(b), err}
		}()
		return c
	}
	wait := func(c <-chan answer) answer {
		select {
		case a := <-c:
			return a
		case <-time.After(guard):
			t.Fatal("no answer")
			return answer{}
		}
	}
	quick := post(`{"memories": [[1, 0], [0, 1]], "uhop": {"iterations": 1}, "view": {"grid": {"nx": 3, "ny": 3}}}`)
	slow := post(`{"memories": [[1, 0], [0, 1]], "uhop": {"iterations": 5}, "view": {"grid": {"nx": 3, "ny": 3}}}`)
	for range 2 {
		select {
		case <-entered:
		case <-time.After(guard):
			t.Fatal("the runs did not start")
		}
	}

	s.cancel() // SIGTERM
	s.logs.waitFor(t, "shutting down")
	close(release)

	if a := wait(quick); a.err != nil || a.status != http.StatusOK || !strings.Contains(a.body, `"snapshots"`) {
		t.Errorf("the quick run: %d %.200s (%v), want 200 and its result", a.status, a.body, a.err)
	}
	a := wait(slow)
	var e struct {
		Error struct{ Code, Message string }
	}
	if a.err != nil || a.status != http.StatusServiceUnavailable || json.Unmarshal([]byte(a.body), &e) != nil || e.Error.Code != "shutting_down" {
		t.Errorf("the slow run: %d %s (%v), want 503 shutting_down", a.status, a.body, a.err)
	}
	select {
	case err := <-s.done:
		s.done <- err // for the cleanup
		if err != nil {
			t.Errorf("run = %v after the shutdown, want nil (exit status 0)", err)
		}
	case <-time.After(guard):
		t.Fatal("run did not return")
	}
	for _, want := range []string{"stopping the computations still running", "msg=stopped"} {
		if !strings.Contains(s.logs.String(), want) {
			t.Errorf("the log lacks %q:\n%s", want, s.logs)
		}
	}
}

func TestRunGrace(t *testing.T) {
	for timeout, want := range map[time.Duration]time.Duration{
		10 * time.Second: 8 * time.Second,
		60 * time.Second: 48 * time.Second,
		4 * time.Second:  2 * time.Second,
		2 * time.Second:  time.Second,
		time.Second:      500 * time.Millisecond,
	} {
		if got := runGrace(timeout); got != want {
			t.Errorf("runGrace(%v) = %v, want %v", timeout, got, want)
		}
	}
}

// TestShutdownStopsJobs shuts the server down while a background job is
// held in its second step until its context ends: no request is in
// flight, so the server stops serving at once and the job is stopped then,
// not after the grace period; run returns nil.
func TestShutdownStopsJobs(t *testing.T) {
	held := make(chan struct{}, 1)
	testHookConfig = func(cfg *api.Config) {
		cfg.AfterStep = func(ctx context.Context, step int) {
			if step == 2 {
				held <- struct{}{}
				<-ctx.Done()
			}
		}
	}
	t.Cleanup(func() { testHookConfig = nil })
	s := startRun(t, []string{"-addr", "127.0.0.1:0", "-workers", "2", "-shutdown-timeout", "1h"}, nil)
	resp, err := (&http.Client{Timeout: guard}).Post(s.url+"/api/v1/jobs", "application/json",
		strings.NewReader(`{"kind": "run", "request": {"memories": [[1, 0], [0, 1]], "uhop": {"iterations": 5}}}`))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("POST /api/v1/jobs: %s %s", resp.Status, body)
	}
	select {
	case <-held:
	case <-time.After(guard):
		t.Fatal("the job did not start")
	}

	s.cancel() // SIGTERM
	select {
	case err := <-s.done:
		s.done <- err // for the cleanup
		if err != nil {
			t.Errorf("run = %v after the shutdown, want nil (exit status 0)", err)
		}
	case <-time.After(guard):
		t.Fatal("run did not return: the job held the shutdown")
	}
	if !strings.Contains(s.logs.String(), "state=failed") {
		t.Errorf("the log does not show the job failing:\n%s", s.logs)
	}
}
