package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"hoplab/internal/codetable"
	"hoplab/internal/scenario"
	"hoplab/internal/sim/sphere"
)

// codesPath is the path of the table of spherical codes.
const codesPath = "/api/v1/spherical-codes"

// Limits of GET /api/v1/spherical-codes (docs/api.md). They are constants,
// not part of Limits: the largest answer, D = 2 without m=, is 1023 small
// entries computed in well under a millisecond.
const (
	// maxCodesDim is the largest dimension D (parameter dim).
	maxCodesDim = 1024
	// maxCodesM is the largest number of points M (parameter m).
	maxCodesM = 1024
	// maxCodesValues is the most values one m= list may hold.
	maxCodesValues = 256
	// boundsOnlyMaxM is the last M listed, with its bounds, for a D other
	// than 2 and 3 when no m= is given: the range of the Prop. 3.1 figure.
	boundsOnlyMaxM = 130
)

// codesCacheControl lets clients and proxies keep an answer for a day: it
// depends only on the query and on the server's version.
const codesCacheControl = "public, max-age=86400"

// codesMsg is the answer of GET /api/v1/spherical-codes.
type codesMsg struct {
	Dim   int               `json:"dim"`
	Codes []codetable.Entry `json:"codes"`
}

// handleCodes serves GET /api/v1/spherical-codes?dim=D[&m=M1,M2,…]
// (docs/api.md): the best known codes and the bounds of Prop. 3.1.
func (s *server) handleCodes(w http.ResponseWriter, r *http.Request) {
	dim, ms, aerr := parseCodesQuery(r.URL.RawQuery)
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	if ms == nil {
		ms = defaultCodeMs(dim)
	}
	msg := codesMsg{Dim: dim, Codes: make([]codetable.Entry, len(ms))}
	for i, m := range ms {
		msg.Codes[i] = codetable.Lookup(dim, m)
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", codesCacheControl)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(&msg); err != nil {
		s.log.Info("writing the spherical codes failed", "err", err)
	}
}

// defaultCodeMs lists the M answered for dim when the query names none:
// every M up to maxCodesM for the polygons, the table's rows for dim 3, and
// 2 … boundsOnlyMaxM otherwise.
func defaultCodeMs(dim int) []int {
	switch dim {
	case 2:
		return intRange(2, maxCodesM)
	case 3:
		tab := sphere.Tammes()
		ms := make([]int, len(tab))
		for i, e := range tab {
			ms[i] = e.M
		}
		return ms
	}
	return intRange(2, boundsOnlyMaxM)
}

// intRange returns lo, lo+1, …, hi.
func intRange(lo, hi int) []int {
	out := make([]int, 0, hi-lo+1)
	for v := lo; v <= hi; v++ {
		out = append(out, v)
	}
	return out
}

// parseCodesQuery checks the query of GET /api/v1/spherical-codes: dim
// (required), m (optional, a comma-separated list), nothing else, each at
// most once. ms is nil when m is not given; otherwise it holds the M in the
// order asked.
func parseCodesQuery(raw string) (dim int, ms []int, e *scenario.Error) {
	q, err := url.ParseQuery(raw)
	if err != nil {
		return 0, nil, scenario.Invalid("", "the query string does not parse: %v", err)
	}
	for _, key := range slices.Sorted(maps.Keys(q)) { // sorted: the same query always gets the same error
		vals := q[key]
		switch {
		case key != "dim" && key != "m":
			return 0, nil, &scenario.Error{Status: http.StatusBadRequest, Code: scenario.CodeUnknownField, Field: key,
				Message: fmt.Sprintf("unknown parameter %q; the parameters are dim and m", key)}
		case len(vals) > 1:
			return 0, nil, &scenario.Error{Status: http.StatusBadRequest, Code: scenario.CodeDuplicateField, Field: key,
				Message: fmt.Sprintf("parameter %s is given more than once (%d times); give it once", key, len(vals))}
		}
	}
	if _, ok := q["dim"]; !ok {
		return 0, nil, scenario.Invalid("dim", "missing: give the dimension D of the space, dim=2 … %d (the points lie on the sphere S^{D−1} of R^D)", maxCodesDim)
	}
	dim, e = parseCodesInt("dim", q.Get("dim"), "D", maxCodesDim)
	if e != nil {
		return 0, nil, e
	}
	v, ok := q["m"]
	if !ok {
		return dim, nil, nil
	}
	list := v[0]
	if list == "" {
		return 0, nil, scenario.Invalid("m", "empty: give a comma-separated list of numbers of points, like m=7,24,130, or leave m out for every M known")
	}
	if n := strings.Count(list, ",") + 1; n > maxCodesValues {
		return 0, nil, scenario.OverLimit("m", "%d values exceed the limit of %d per request", n, maxCodesValues)
	}
	parts := strings.Split(list, ",")
	ms = make([]int, len(parts))
	seen := make(map[int]int, len(parts))
	for i, p := range parts {
		m, e := parseCodesInt("m", p, fmt.Sprintf("value %d of m", i+1), maxCodesM)
		if e != nil {
			return 0, nil, e
		}
		if j, dup := seen[m]; dup {
			return 0, nil, scenario.Invalid("m", "M = %d is given twice (values %d and %d of m); give each M once", m, j+1, i+1)
		}
		seen[m] = i
		ms[i] = m
	}
	return dim, ms, nil
}

// parseCodesInt reads an integer in [2, limit] for parameter field, called
// what in messages: a value below 2 or not an integer is invalid_field, one
// above limit limit_exceeded.
func parseCodesInt(field, s, what string, limit int) (int, *scenario.Error) {
	v, err := strconv.Atoi(s)
	switch {
	case err != nil && errors.Is(err, strconv.ErrRange) && !strings.HasPrefix(s, "-"):
		return 0, scenario.OverLimit(field, "%s = %s exceeds the limit of %d", what, s, limit)
	case err != nil:
		return 0, scenario.Invalid(field, "%s is %q, not an integer", what, s)
	case v < 2:
		return 0, scenario.Invalid(field, "%s = %d; it must be at least 2", what, v)
	case v > limit:
		return 0, scenario.OverLimit(field, "%s = %d exceeds the limit of %d", what, v, limit)
	}
	return v, nil
}
