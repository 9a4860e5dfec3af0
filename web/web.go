// Package web holds hoplab's browser assets: the templ components under
// templates/ and the static files (CSS, ES modules, vendored libraries)
// under static/, which are embedded into the binary.
package web

import "embed"

// Static holds the files of the static/ directory, under the path prefix
// "static/" (for example "static/style.css").
//
//go:embed static
var Static embed.FS
