package api

import (
	"fmt"
	"sync"

	"hoplab/internal/scenario"
)

// admission admits /run computations by their estimated work
// (scenario.Plan.Work), so that a small run gets through while big ones
// run, and big ones are refused at once rather than all slowed beyond
// RunTimeout:
//   - a small run (work ≤ SmallRunWork) takes one of MaxSmallRuns lanes;
//   - another run needs one of MaxConcurrentRuns places and room in
//     MaxAdmittedWork (a run is always admitted when no big one runs).
//
// The pool then shares the cores fairly among the admitted runs and the
// live sessions (workpool).
type admission struct {
	lim   scenario.Limits
	mu    sync.Mutex
	big   int     // big runs running
	small int     // small runs running
	work  float64 // estimated work of the big runs running, ns
}

func newAdmission(lim scenario.Limits) *admission { return &admission{lim: lim} }

// admit admits a run of the given work and returns its release, or the
// reason for refusing it.
func (a *admission) admit(work float64) (release func(), refused string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if work <= float64(a.lim.SmallRunWork) {
		if a.small >= max(a.lim.MaxSmallRuns, 1) {
			return nil, fmt.Sprintf("the server is running %d small computations already; retry in a second", a.small)
		}
		a.small++
		return a.releaser(func() { a.small-- }), ""
	}
	if a.big >= max(a.lim.MaxConcurrentRuns, 1) {
		return nil, fmt.Sprintf("the server is running %d computations already; retry in a second", a.big)
	}
	if a.big > 0 && a.work+work > float64(a.lim.MaxAdmittedWork) {
		return nil, fmt.Sprintf("the computations running need about %.3g CPU-seconds; this one, about %.3g more, would take them beyond %.3g; retry when they are done, or ask for less work",
			a.work/1e9, work/1e9, float64(a.lim.MaxAdmittedWork)/1e9)
	}
	a.big++
	a.work += work
	return a.releaser(func() { a.big--; a.work -= work }), ""
}

// releaser returns a release that runs undo once, under the lock.
func (a *admission) releaser(undo func()) func() {
	var once sync.Once
	return func() {
		once.Do(func() {
			a.mu.Lock()
			defer a.mu.Unlock()
			undo()
		})
	}
}

// held returns the number of runs admitted and not released.
func (a *admission) held() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.big + a.small
}
