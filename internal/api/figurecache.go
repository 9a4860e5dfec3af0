package api

import "sync"

// figureCache keeps the answer of each figure once computed, for the
// server's life. A figure's answer depends only on its request, whose one
// member names the figure (its runs and their settings are compiled in),
// and on the server's build, so every later POST /api/v1/figures and job
// of kind "figure" for it is answered from here without computing, and
// every job kept with it refers to the same bytes. It holds at most one
// answer per figure (figureSpecs: 3, about 4.3 MB in all).
type figureCache struct {
	mu      sync.Mutex
	answers map[string][]byte // by figure name; guarded by mu
}

// get returns the answer kept for the figure name, if any. The bytes are
// shared: a caller must not change them.
func (c *figureCache) get(name string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	b, ok := c.answers[name]
	return b, ok
}

// keep keeps body as the answer of the figure name, unless one is kept
// already (two computations of it ran at once), and returns the one kept,
// so that every answer given for the figure is one byte slice.
func (c *figureCache) keep(name string, body []byte) []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.answers[name]; ok {
		return old
	}
	if _, known := figureSpecs[name]; !known {
		panic("api: a figure answer for an unknown figure " + name) // the map stays bounded by figureSpecs
	}
	if c.answers == nil {
		c.answers = make(map[string][]byte, len(figureSpecs))
	}
	c.answers[name] = body
	return body
}
