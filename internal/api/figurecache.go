package api

import (
	"context"
	"errors"
	"sync"
)

// figureCache keeps the answer of each figure once computed, for the
// server's life. A figure's answer depends only on its request, whose one
// member names the figure (its runs and their settings are compiled in),
// and on the server's build, so every later POST /api/v1/figures and job
// of kind "figure" for it is answered from here without computing, and
// every job kept with it refers to the same bytes. It holds at most one
// answer per figure (figureSpecs: 3, about 4.3 MB in all).
//
// Requests for a figure not yet computed share the one computation in
// flight (do): the first computes, the others wait for its answer. A
// computation whose caller left (its context ended) is taken over by one
// of the callers still waiting.
type figureCache struct {
	mu      sync.Mutex
	answers map[string][]byte        // by figure name; guarded by mu
	flights map[string]*figureFlight // the computations in flight, by figure name; guarded by mu
}

// figureFlight is one computation of a figure in flight.
type figureFlight struct {
	done    chan struct{} // closed when it has ended
	waiters int           // the callers waiting for it; guarded by figureCache.mu
	// Set before done is closed.
	body []byte
	err  error
	// abandoned: it ended because its caller's context ended (its client
	// left, its job was deleted, its time ran out) or its caller could not
	// start it (errFigureNotStarted); a waiter computes the figure itself.
	abandoned bool
}

// errFigureNotStarted wraps the error of a caller that could not start a
// figure's computation (refused by admission): it is that caller's alone,
// and the callers waiting for it try themselves.
var errFigureNotStarted = errors.New("api: the figure's computation was not started")

// get returns the answer kept for the figure name, if any. The bytes are
// shared: a caller must not change them.
func (c *figureCache) get(name string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	b, ok := c.answers[name]
	return b, ok
}

// do returns the answer of the figure name: the one kept; or, while
// another caller computes it, that computation's answer once it ends
// (waiting at most until ctx ends); or else it computes it with compute,
// keeps it and returns it. compute runs under ctx; when it fails because
// ctx ended, or with errFigureNotStarted, a caller still waiting computes
// instead; any other error is every waiter's answer. computed reports that
// this caller's compute gave the answer.
func (c *figureCache) do(ctx context.Context, name string, compute func() ([]byte, error)) (body []byte, computed bool, err error) {
	for {
		c.mu.Lock()
		if b, ok := c.answers[name]; ok {
			c.mu.Unlock()
			return b, false, nil
		}
		if f, ok := c.flights[name]; ok {
			f.waiters++
			c.mu.Unlock()
			select {
			case <-ctx.Done():
				c.mu.Lock()
				f.waiters--
				c.mu.Unlock()
				return nil, false, context.Cause(ctx)
			case <-f.done:
			}
			if f.abandoned {
				continue // take over
			}
			return f.body, false, f.err
		}
		if _, known := figureSpecs[name]; !known {
			c.mu.Unlock()
			panic("api: a figure computed for an unknown figure " + name) // the maps stay bounded by figureSpecs
		}
		f := &figureFlight{done: make(chan struct{})}
		if c.flights == nil {
			c.flights = make(map[string]*figureFlight, len(figureSpecs))
		}
		c.flights[name] = f
		c.mu.Unlock()
		return c.lead(ctx, name, f, compute)
	}
}

// lead runs compute for the flight f of the figure name and ends f.
func (c *figureCache) lead(ctx context.Context, name string, f *figureFlight, compute func() ([]byte, error)) (body []byte, computed bool, err error) {
	defer func() {
		if p := recover(); p != nil {
			c.end(name, f, nil, errFigureNotStarted, true) // a waiter tries again and answers for itself
			panic(p)
		}
	}()
	body, err = compute()
	abandoned := err != nil && (ctx.Err() != nil || errors.Is(err, errFigureNotStarted))
	body = c.end(name, f, body, err, abandoned)
	return body, err == nil, err
}

// end ends the flight f of the figure name: it keeps body as the figure's
// answer when err is nil, and returns the answer kept.
func (c *figureCache) end(name string, f *figureFlight, body []byte, err error, abandoned bool) []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err == nil {
		if c.answers == nil {
			c.answers = make(map[string][]byte, len(figureSpecs))
		}
		c.answers[name] = body
	}
	delete(c.flights, name)
	f.body, f.err, f.abandoned = body, err, abandoned
	close(f.done)
	return body
}
