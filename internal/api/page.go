package api

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"

	"github.com/a-h/templ"

	"hoplab/internal/scenario"
	"hoplab/web/templates"
)

// Paths of the pages and of the live endpoint.
const (
	explorerPath = "/"
	aboutPath    = "/about"
	livePath     = "/api/v1/live"
)

// pageSecurityPolicy lets pages load only this server's scripts, styles
// and connections: no inline script can run.
const pageSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"

// handleExplorer serves the live explorer.
func (s *server) handleExplorer(w http.ResponseWriter, r *http.Request) {
	s.renderPage(w, r, "explorer", templates.Explorer(templates.ExplorerView{
		Title:     "hoplab: modern Hopfield networks, live",
		LivePath:  livePath,
		AboutPath: aboutPath,
	}))
}

// handleAbout serves the page about the JSON API and its limits.
func (s *server) handleAbout(w http.ResponseWriter, r *http.Request) {
	s.renderPage(w, r, "about", templates.Index(indexView(s.limits, r)))
}

// renderPage renders a page into memory and writes it, or a 500 when the
// rendering fails.
func (s *server) renderPage(w http.ResponseWriter, r *http.Request, name string, c templ.Component) {
	var buf bytes.Buffer
	if err := c.Render(r.Context(), &buf); err != nil {
		s.log.Error("rendering a page failed", "page", name, "err", err)
		writeError(w, &scenario.Error{Status: http.StatusInternalServerError, Code: scenario.CodeInternal, Message: "rendering the page failed"})
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	h.Set("Content-Security-Policy", pageSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	w.Write(buf.Bytes())
}

// handleHealth serves GET /healthz.
func handleHealth(w http.ResponseWriter, _ *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	w.Write([]byte(`{"status":"ok"}` + "\n"))
}

// curlScenario is the scenario of the start page's example: three memories,
// twenty U-Hop+ steps, the default views.
const curlScenario = `{"memories": [[1, 0], [0.8, 0.6], [-0.6, 0.8]], "uhop": {"iterations": 20}}`

// indexView is the start page's view model for a request to this server.
func indexView(lim scenario.Limits, r *http.Request) templates.IndexView {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	runURL := scheme + "://" + r.Host + "/api/v1/run"
	return templates.IndexView{
		Title:           "hoplab",
		RunURL:          runURL,
		JobsURL:         scheme + "://" + r.Host + jobsPath,
		FiguresURL:      scheme + "://" + r.Host + figuresPath,
		FiguresPagePath: figuresPagePath,
		FigureNames:     figureNames(),
		JobKinds:        jobKindNames(),
		CurlExample: "curl -sS " + runURL + " \\\n" +
			"  -H 'Content-Type: application/json' \\\n" +
			"  -d '" + curlScenario + "'",
		Limits: limitRows(lim),
	}
}

// limitRows lists lim for people, in the order of the scenario's fields,
// then the fixed limits of GET /api/v1/spherical-codes.
func limitRows(lim scenario.Limits) []templates.LimitRow {
	return []templates.LimitRow{
		{What: "request body", Value: formatBytes(lim.MaxBodyBytes) + " (413 beyond)"},
		{What: "memories M", Value: strconv.Itoa(lim.MaxMemories), Field: "memories"},
		{What: "memory length d", Value: strconv.Itoa(lim.MaxInputDim), Field: "memories[i]"},
		{What: "|value| of every number in memories, W, b, grid bounds and margin", Value: formatFloat(lim.MaxAbsValue)},
		{What: "β", Value: formatFloat(lim.MaxBeta), Field: "beta"},
		{What: "separation maps (distinct)", Value: strconv.Itoa(lim.MaxSeparations), Field: "separations"},
		{What: "feature dimension D_Φ", Value: strconv.Itoa(lim.MaxFeatureDim), Field: "featureMap.dim"},
		{What: "U-Hop+ iterations N", Value: strconv.Itoa(lim.MaxIterations), Field: "uhop.iterations"},
		{What: "learning rate", Value: formatFloat(lim.MaxLR), Field: "uhop.lr"},
		{What: "momentum", Value: formatFloat(lim.MaxMomentum), Field: "uhop.momentum"},
		{What: "loss temperature τ", Value: formatFloat(lim.MinTau) + " … " + formatFloat(lim.MaxTau), Field: "uhop.tau"},
		{What: "retrieval steps", Value: strconv.Itoa(lim.MaxRetrievalSteps), Field: "retrieval.steps"},
		{What: "retrieval tolerance", Value: formatFloat(lim.MaxTolerance), Field: "retrieval.tolerance"},
		{What: "softmax support threshold", Value: formatFloat(lim.MaxSupportEps), Field: "retrieval.supportEps"},
		{What: "grid side nx, ny", Value: strconv.Itoa(lim.MaxGridSide), Field: "view.grid.nx, view.grid.ny"},
		{What: "grid cells nx·ny", Value: strconv.Itoa(lim.MaxGridCells), Field: "view.grid"},
		{What: "snapshots", Value: strconv.Itoa(lim.MaxSnapshots), Field: "snapshots"},
		{What: "output cells nx·ny·separations·snapshots", Value: strconv.Itoa(lim.MaxOutputCells), Field: "snapshots"},
		{What: "training work N·(M·d·D_Φ + M²·D_Φ)", Value: formatFloat(float64(lim.MaxTrainWork)), Field: "uhop.iterations"},
		{What: "trajectory numbers (N+1)·(D_Φ·d + D_Φ)", Value: strconv.FormatInt(lim.MaxTrajectoryValues, 10), Field: "uhop.iterations"},
		{What: "rendering time nx·ny·snapshots·steps·M·Σ cost, in CPU-ns (cost per map: softmax 8 + M/40, entmax15 and sparsemax 12 + M/8, entmax:α 3000 + 2M)",
			Value: formatFloat(float64(lim.MaxRenderWork)), Field: "retrieval.steps"},
		{What: "computations at once, small ones aside (503 busy beyond)", Value: strconv.Itoa(lim.MaxConcurrentRuns)},
		{What: "estimated work of the computations running at once, small ones aside, in CPU-ns (503 busy beyond; one alone is always admitted)", Value: formatFloat(float64(lim.MaxAdmittedWork))},
		{What: "small computations (estimated work up to " + formatFloat(float64(lim.SmallRunWork)) + " CPU-ns) at once, beside the others (503 busy beyond)", Value: strconv.Itoa(lim.MaxSmallRuns)},
		{What: "time per computation (503 timeout beyond)", Value: lim.RunTimeout.String()},
		{What: "jobs queued or running (503 busy beyond)", Value: strconv.Itoa(lim.MaxJobs)},
		{What: "jobs queued or running from one client address (503 busy beyond)", Value: perAddr(lim.MaxJobsPerAddr)},
		{What: "jobs running at once (the others wait, queued)", Value: strconv.Itoa(lim.MaxRunningJobs)},
		{What: "time per job from its start (then failed: timeout)", Value: lim.JobTimeout.String()},
		{What: "an ended job is kept for (then 404 job_not_found)", Value: lim.JobRetention.String()},
		{What: "ended jobs kept: their results and 1 KiB each (the first ended are forgotten beyond; a figure's answer is kept once by the server, not by its jobs)", Value: formatBytes(lim.MaxKeptJobBytes)},
		{What: "ended jobs kept from one client address (beyond, that address's own first ended are forgotten)", Value: strconv.Itoa(maxEndedJobsPerAddr)},
		{What: "POST " + capacityPath + ": memories M", Value: strconv.Itoa(lim.MaxCapacityMemories), Field: "memories, memories.gaussian.count"},
		{What: "POST " + capacityPath + ": memory length d", Value: strconv.Itoa(lim.MaxCapacityInputDim), Field: "memories[i], memories.gaussian.dim"},
		{What: "POST " + capacityPath + ": feature dimension D_Φ", Value: strconv.Itoa(lim.MaxCapacityFeatureDim), Field: "featureMap.dim"},
		{What: "POST " + capacityPath + ": generated queries Q (explicit ones: the body size)", Value: strconv.Itoa(lim.MaxCapacityQueries), Field: "queries.gaussian.count"},
		{What: "POST " + capacityPath + ": query values Q·d", Value: strconv.FormatInt(lim.MaxCapacityQueryValues, 10), Field: "queries, queries.gaussian.count"},
		{What: "POST " + capacityPath + ": estimated work of a request answered on its connection, in CPU-ns (beyond: run it as a job)", Value: formatFloat(float64(lim.MaxCapacityWork)), Field: "queries, queries.gaussian.count"},
		{What: "jobs of kind capacity: estimated work, in CPU-ns", Value: formatFloat(float64(lim.MaxCapacityJobWork)), Field: "queries, queries.gaussian.count"},
		{What: "GET " + codesPath + ": dimension D", Value: strconv.Itoa(maxCodesDim), Field: "dim"},
		{What: "GET " + codesPath + ": number of points M", Value: strconv.Itoa(maxCodesM), Field: "m"},
		{What: "GET " + codesPath + ": values in one m= list", Value: strconv.Itoa(maxCodesValues), Field: "m"},
	}
}

// perAddr writes a per-address bound, 0 meaning none.
func perAddr(n int) string {
	if n <= 0 {
		return "no limit"
	}
	return strconv.Itoa(n)
}

// formatFloat writes v short, with a plain exponent: 1e6, 0.0001, 2e9.
func formatFloat(v float64) string {
	s := strconv.FormatFloat(v, 'g', -1, 64)
	mant, exp, ok := strings.Cut(s, "e")
	if !ok {
		return s
	}
	sign := ""
	if exp[0] == '-' {
		sign = "-"
	}
	return mant + "e" + sign + strings.TrimLeft(exp[1:], "0")
}

// formatBytes writes n in MiB or KiB when it is a whole number of them.
func formatBytes(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + " MiB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.FormatInt(n>>10, 10) + " KiB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}
