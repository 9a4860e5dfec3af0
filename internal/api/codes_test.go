package api

import (
	"bytes"
	"encoding/json"
	"maps"
	"math"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"

	"hoplab/internal/live/livetest"
	"hoplab/internal/scenario"
	"hoplab/internal/sim/sphere"
)

// codesJSON is a spherical-codes answer as a client decodes it; nullable
// members are pointers.
type codesJSON struct {
	Dim   *int            `json:"dim"`
	Codes []codeEntryJSON `json:"codes"`
}

type codeEntryJSON struct {
	M        int      `json:"m"`
	AngleDeg *float64 `json:"angleDeg"`
	DeltaMin *float64 `json:"deltaMin"`
	Proven   bool     `json:"proven"`
	Source   *string  `json:"source"`
	Prop31   struct {
		Lower *float64 `json:"lower"`
		Upper *float64 `json:"upper"`
	} `json:"prop31"`
}

// codeEntryKeys are the members every entry has, null or not.
var codeEntryKeys = []string{"angleDeg", "deltaMin", "m", "prop31", "proven", "source"} // sorted

// getCodes asks GET /api/v1/spherical-codes?query.
func getCodes(h http.Handler, query string) *httptest.ResponseRecorder {
	return request(h, http.MethodGet, codesPath+"?"+query, "", "")
}

// codesOf checks that rec is a 200 answer with the documented headers and
// members, and decodes it strictly.
func codesOf(t *testing.T, rec *httptest.ResponseRecorder) *codesJSON {
	t.Helper()
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d, want 200; body %.300s", rec.Code, rec.Body)
	}
	for key, want := range map[string]string{"Content-Type": "application/json", "Cache-Control": "public, max-age=86400", "X-Content-Type-Options": "nosniff"} {
		if got := rec.Header().Get(key); got != want {
			t.Errorf("%s = %q, want %q", key, got, want)
		}
	}
	dec := json.NewDecoder(bytes.NewReader(rec.Body.Bytes()))
	dec.DisallowUnknownFields()
	var res codesJSON
	if err := dec.Decode(&res); err != nil || res.Dim == nil || res.Codes == nil {
		t.Fatalf("answer does not decode (%v) or lacks dim or codes: %.300s", err, rec.Body)
	}
	var raw struct {
		Codes []map[string]json.RawMessage `json:"codes"`
	}
	livetest.MustUnmarshal(t, rec.Body.Bytes(), &raw)
	for i, e := range raw.Codes {
		if keys := slices.Sorted(maps.Keys(e)); !slices.Equal(keys, codeEntryKeys) {
			t.Fatalf("codes[%d] has members %v, want %v", i, keys, codeEntryKeys)
		}
	}
	return &res
}

// checkBounds checks that e carries the Prop. 3.1 bounds for (dim, e.M).
func checkBounds(t *testing.T, dim int, e codeEntryJSON) {
	t.Helper()
	lower, upper := sphere.Prop31Bounds(e.M, dim)
	if e.Prop31.Lower == nil || e.Prop31.Upper == nil || *e.Prop31.Lower != lower || *e.Prop31.Upper != upper {
		t.Errorf("D=%d M=%d: prop31 = %v, %v, want %v, %v", dim, e.M, e.Prop31.Lower, e.Prop31.Upper, lower, upper)
	}
}

func TestCodesValues(t *testing.T) {
	h := newTestServer(t, scenario.Limits{}).routes(nil)
	null := math.NaN()
	tests := []struct {
		name, query string
		dim         int
		m           int
		angleDeg    float64 // NaN: null
		angleTol    float64
		deltaMin    float64 // NaN: null
		deltaTol    float64 // relative
		proven      bool
		source      string // "": null
	}{
		{"2-D heptagon", "dim=2&m=7", 2, 7, 360.0 / 7, 1e-13, 1 - math.Cos(2*math.Pi/7), 1e-14, true, "regular polygon"},
		{"2-D digon", "dim=2&m=2", 2, 2, 180, 0, 2, 0, true, "regular polygon"},
		{"2-D largest M", "dim=2&m=1024", 2, 1024, 360.0 / 1024, 1e-15, 2 * math.Pow(math.Sin(math.Pi/1024), 2), 1e-14, true, "regular polygon"},
		{"3-D M=7, proven", "dim=3&m=7", 3, 7, 77.8695421, 0, 1 - 0.210138312730603, 1e-8, true, "OEIS A383859"},
		{"3-D M=8 (issue 9)", "dim=3&m=8", 3, 8, 74.8584922, 0, 1 - math.Cos(74.8584922*math.Pi/180), 1e-13, true, "square antiprism; OEIS A381756"},
		{"3-D icosahedron", "dim=3&m=12", 3, 12, 63.4349488, 0, 1 - 1/math.Sqrt(5), 1e-8, true, "regular icosahedron"},
		{"3-D snub cube", "dim=3&m=24", 3, 24, 43.6907671, 0, 1 - math.Cos(43.6907671*math.Pi/180), 1e-13, true, "snub cube (Robinson 1961); OEIS A383861"},
		{"3-D M=130, best known", "dim=3&m=130", 3, 130, 18.5103522, 0, 1 - math.Cos(18.5103522*math.Pi/180), 1e-12, false,
			"best known, not proven (Sloane's packing tables; the authors' bound_simulation.py)"},
		{"3-D M not in the table", "dim=3&m=51", 3, 51, null, 0, null, 0, false, ""},
		{"3-D M=1024", "dim=3&m=1024", 3, 1024, null, 0, null, 0, false, ""},
		{"5-D, bounds only", "dim=5&m=10", 5, 10, null, 0, null, 0, false, ""},
		{"largest D", "dim=1024&m=1024", 1024, 1024, null, 0, null, 0, false, ""},
		{"D=2 written +2", "dim=%2B2&m=07", 2, 7, 360.0 / 7, 1e-13, 1 - math.Cos(2*math.Pi/7), 1e-14, true, "regular polygon"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := codesOf(t, getCodes(h, tc.query))
			if *res.Dim != tc.dim || len(res.Codes) != 1 {
				t.Fatalf("dim %d, %d codes; want %d, 1", *res.Dim, len(res.Codes), tc.dim)
			}
			e := res.Codes[0]
			if e.M != tc.m {
				t.Errorf("m = %d, want %d", e.M, tc.m)
			}
			if math.IsNaN(tc.angleDeg) {
				if e.AngleDeg != nil || e.DeltaMin != nil || e.Source != nil || e.Proven {
					t.Errorf("entry %+v, want angleDeg, deltaMin and source null, proven false", e)
				}
			} else {
				if e.AngleDeg == nil || math.Abs(*e.AngleDeg-tc.angleDeg) > tc.angleTol {
					t.Errorf("angleDeg = %v, want %.15g ± %g", e.AngleDeg, tc.angleDeg, tc.angleTol)
				}
				if e.DeltaMin == nil || math.Abs(*e.DeltaMin-tc.deltaMin) > tc.deltaTol*tc.deltaMin {
					t.Errorf("deltaMin = %v, want %.15g (relative ± %g)", e.DeltaMin, tc.deltaMin, tc.deltaTol)
				}
				if e.Proven != tc.proven || e.Source == nil || *e.Source != tc.source {
					t.Errorf("proven %v, source %v; want %v, %q", e.Proven, e.Source, tc.proven, tc.source)
				}
			}
			checkBounds(t, tc.dim, e)
		})
	}
}

// TestCodesD3Bounds: for D = 3 Prop. 3.1's bounds are 2/(3M) and 4/√M
// (SCIENCE §5.1), and every row of the table lies between them.
func TestCodesD3Bounds(t *testing.T) {
	h := newTestServer(t, scenario.Limits{}).routes(nil)
	res := codesOf(t, getCodes(h, "dim=3"))
	for _, e := range res.Codes {
		lower, upper := 2/(3*float64(e.M)), 4/math.Sqrt(float64(e.M))
		if math.Abs(*e.Prop31.Lower-lower) > 1e-12*lower || math.Abs(*e.Prop31.Upper-upper) > 1e-12*upper {
			t.Errorf("M=%d: prop31 = %v, %v, want 2/(3M) = %v, 4/√M = %v", e.M, *e.Prop31.Lower, *e.Prop31.Upper, lower, upper)
		}
		if !(*e.Prop31.Lower <= *e.DeltaMin && *e.DeltaMin <= *e.Prop31.Upper) {
			t.Errorf("M=%d: deltaMin %v outside the Prop. 3.1 bounds [%v, %v]", e.M, *e.DeltaMin, *e.Prop31.Lower, *e.Prop31.Upper)
		}
	}
}

// TestCodesListings: without m= the answer lists every M known for D = 2
// and 3, and M = 2 … 130 for other D; with m= the M asked, in that order.
func TestCodesListings(t *testing.T) {
	h := newTestServer(t, scenario.Limits{}).routes(nil)
	ms := func(res *codesJSON) []int {
		out := make([]int, len(res.Codes))
		for i, e := range res.Codes {
			out[i] = e.M
		}
		return out
	}
	span := func(lo, hi int) []int { return intRange(lo, hi) }
	var tammesM []int
	for _, e := range sphere.Tammes() {
		tammesM = append(tammesM, e.M)
	}
	for _, c := range []struct {
		query string
		dim   int
		want  []int
		known func(m int) bool
	}{
		{"dim=2", 2, span(2, 1024), func(int) bool { return true }},
		{"dim=3", 3, tammesM, func(int) bool { return true }},
		{"dim=4", 4, span(2, 130), func(int) bool { return false }},
		{"dim=1024", 1024, span(2, 130), func(int) bool { return false }},
		{"dim=3&m=130,7,51,24", 3, []int{130, 7, 51, 24}, func(m int) bool { return m != 51 }},
		{"m=5,3&dim=2", 2, []int{5, 3}, func(int) bool { return true }},
	} {
		res := codesOf(t, getCodes(h, c.query))
		if *res.Dim != c.dim || !slices.Equal(ms(res), c.want) {
			t.Errorf("%s: dim %d, M %v; want %d, %v", c.query, *res.Dim, ms(res), c.dim, c.want)
			continue
		}
		for _, e := range res.Codes {
			if known := e.AngleDeg != nil; known != c.known(e.M) || (e.DeltaMin != nil) != known || (e.Source != nil) != known {
				t.Errorf("%s: M=%d: angleDeg %v, deltaMin %v, source %v; want known = %v", c.query, e.M, e.AngleDeg, e.DeltaMin, e.Source, c.known(e.M))
			}
			if e.AngleDeg != nil {
				want, _ := sphere.BestKnown(c.dim, e.M)
				if *e.AngleDeg != want.AngleDeg || *e.DeltaMin != want.DeltaMin || e.Proven != want.Proven || *e.Source != want.Source {
					t.Errorf("%s: M=%d: %+v, want %+v", c.query, e.M, e, want)
				}
			}
			checkBounds(t, c.dim, e)
		}
	}
	// Deterministic: the same query gets the same bytes; HEAD answers too.
	a, b := getCodes(h, "dim=3"), getCodes(h, "dim=3")
	if !bytes.Equal(a.Body.Bytes(), b.Body.Bytes()) {
		t.Error("two answers to dim=3 differ")
	}
	if rec := request(h, http.MethodHead, codesPath+"?dim=3", "", ""); rec.Code != http.StatusOK || rec.Header().Get("Cache-Control") != codesCacheControl {
		t.Errorf("HEAD: %d, Cache-Control %q", rec.Code, rec.Header().Get("Cache-Control"))
	}
}

func TestCodesErrors(t *testing.T) {
	h := newTestServer(t, scenario.Limits{}).routes(nil)
	many := strings.Repeat("2,", 256) + "2" // 257 values
	distinct := make([]string, 257)
	for i := range distinct {
		distinct[i] = strconv.Itoa(i + 2)
	}
	tests := []struct {
		name, query, code, field, inMessage string
	}{
		{"no query", "", scenario.CodeInvalidField, "dim", "missing"},
		{"no dim", "m=7", scenario.CodeInvalidField, "dim", "missing"},
		{"empty dim", "dim=", scenario.CodeInvalidField, "dim", "not an integer"},
		{"dim a word", "dim=three", scenario.CodeInvalidField, "dim", "not an integer"},
		{"dim a decimal", "dim=3.0", scenario.CodeInvalidField, "dim", "not an integer"},
		{"dim 1", "dim=1", scenario.CodeInvalidField, "dim", "at least 2"},
		{"dim 0", "dim=0", scenario.CodeInvalidField, "dim", "at least 2"},
		{"dim negative", "dim=-3", scenario.CodeInvalidField, "dim", "at least 2"},
		{"dim hugely negative", "dim=-99999999999999999999", scenario.CodeInvalidField, "dim", "not an integer"},
		{"dim beyond the limit", "dim=1025", scenario.CodeLimitExceeded, "dim", "1024"},
		{"dim beyond int", "dim=99999999999999999999", scenario.CodeLimitExceeded, "dim", "1024"},
		{"dim twice", "dim=3&dim=3", scenario.CodeDuplicateField, "dim", "more than once"},
		{"unknown parameter", "dim=3&n=7", scenario.CodeUnknownField, "n", "dim and m"},
		{"unknown before duplicate", "dim=3&dim=4&a=1", scenario.CodeUnknownField, "a", "dim and m"},
		{"bad query string", "dim=%zz", scenario.CodeInvalidField, "", "does not parse"},
		{"empty m", "dim=3&m=", scenario.CodeInvalidField, "m", "empty"},
		{"empty value in m", "dim=3&m=7,,8", scenario.CodeInvalidField, "m", "value 2 of m"},
		{"trailing comma", "dim=3&m=7,", scenario.CodeInvalidField, "m", "value 2 of m"},
		{"m with a space", "dim=3&m=7,%2024", scenario.CodeInvalidField, "m", "not an integer"},
		{"m a word", "dim=3&m=7,x", scenario.CodeInvalidField, "m", `"x"`},
		{"m 1", "dim=3&m=1", scenario.CodeInvalidField, "m", "at least 2"},
		{"m negative", "dim=2&m=-5", scenario.CodeInvalidField, "m", "at least 2"},
		{"m beyond the limit", "dim=2&m=1025", scenario.CodeLimitExceeded, "m", "1024"},
		{"m beyond int", "dim=2&m=7,99999999999999999999", scenario.CodeLimitExceeded, "m", "1024"},
		{"m repeated value", "dim=3&m=7,24,7", scenario.CodeInvalidField, "m", "twice"},
		{"m twice", "dim=3&m=7&m=8", scenario.CodeDuplicateField, "m", "more than once"},
		{"too many values", "dim=3&m=" + many, scenario.CodeLimitExceeded, "m", "256"},
		{"too many distinct values", "dim=3&m=" + strings.Join(distinct, ","), scenario.CodeLimitExceeded, "m", "256"},
		{"dim checked before m", "dim=1&m=1", scenario.CodeInvalidField, "dim", "at least 2"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := getCodes(h, tc.query)
			if rec.Code != http.StatusBadRequest {
				t.Fatalf("status %d, want 400; body %s", rec.Code, rec.Body)
			}
			e := errorOf(t, rec)
			if e.Code != tc.code || e.Field != tc.field || !strings.Contains(e.Message, tc.inMessage) {
				t.Errorf("error %+v, want code %s, field %q, a message with %q", e, tc.code, tc.field, tc.inMessage)
			}
			if cc := rec.Header().Get("Cache-Control"); cc != "" {
				t.Errorf("an error has Cache-Control %q", cc)
			}
		})
	}
	// The limits that the page and the docs quote.
	if rec := getCodes(h, "dim=3&m="+strings.Join(distinct[:256], ",")); rec.Code != http.StatusOK {
		t.Errorf("256 values: status %d, want 200", rec.Code)
	}
	rec := request(h, http.MethodPost, codesPath+"?dim=3", "application/json", "{}")
	if rec.Code != http.StatusMethodNotAllowed || rec.Header().Get("Allow") != "GET, HEAD" {
		t.Errorf("POST: %d, Allow %q; want 405, GET, HEAD", rec.Code, rec.Header().Get("Allow"))
	}
}

// TestCodesLimitsOnAboutPage: the /about page lists the endpoint's limits.
func TestCodesLimitsOnAboutPage(t *testing.T) {
	h := newTestServer(t, scenario.Limits{}).routes(nil)
	page := request(h, http.MethodGet, aboutPath, "", "").Body.String()
	for _, want := range []string{
		"GET /api/v1/spherical-codes: dimension D</td><td class=\"num\">1024</td><td><code>dim</code>",
		"GET /api/v1/spherical-codes: number of points M</td><td class=\"num\">1024</td><td><code>m</code>",
		"GET /api/v1/spherical-codes: values in one m= list</td><td class=\"num\">256</td><td><code>m</code>",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the about page lacks %q", want)
		}
	}
}
