// Package templates holds hoplab's templ components. Components take the
// small view-model structs of this package, never domain types, so a page
// can be rendered and tested without the engine.
package templates

// IndexView is what the start page shows.
type IndexView struct {
	// Title is the page title and main heading.
	Title string
	// RunURL is the absolute URL of POST /api/v1/run on this server.
	RunURL string
	// CurlExample is a shell command that posts a small scenario to RunURL.
	CurlExample string
	// JobsURL is the absolute URL of POST /api/v1/jobs on this server.
	JobsURL string
	// FiguresURL is the absolute URL of POST /api/v1/figures on this
	// server; FiguresPagePath is the page that draws them.
	FiguresURL      string
	FiguresPagePath string
	// FigureNames are the figures a figure request may name, sorted.
	FigureNames []string
	// JobKinds are the kinds of background job, sorted.
	JobKinds []string
	// Limits are the request limits of the API, one row each.
	Limits []LimitRow
}

// LimitRow is one request limit of the API.
type LimitRow struct {
	// What the limit bounds, in words.
	What string
	// Value is the limit, formatted for reading.
	Value string
	// Field is the scenario field reported when the limit is exceeded
	// ("" when the limit is not about one field).
	Field string
}

// ExplorerView is what the live explorer page needs from the server.
type ExplorerView struct {
	// Title is the page title.
	Title string
	// LivePath is the path of the live websocket endpoint ("/api/v1/live").
	LivePath string
	// AboutPath is the path of the page about the JSON API and its limits.
	AboutPath string
}
