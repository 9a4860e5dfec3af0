package scenario

import (
	"reflect"
	"regexp"
	"strconv"
)

// intRanges are the documented ranges of the integer fields of a scenario
// and of a capacity request (docs/api.md), by the field's path, so that a
// number these fields cannot take (1.5, or an integer beyond the range of
// Go's int, 99999999999999999999 or 1e20) is answered with the range it
// should have been in, as the checks after decoding answer a value just
// outside it. Upper ends that are limits are lim's; capacity tells a
// capacity request's limits on M, d and D_Φ from a scenario's.
var intRanges = []struct {
	path    *regexp.Regexp
	rangeOf func(lim Limits, capacity bool) string
}{
	{regexp.MustCompile(`^(memories\.gaussian|queries\.gaussian|featureMap)\.seed$`), func(Limits, bool) string { return "0 … 2^53" }},
	{regexp.MustCompile(`^memories\.gaussian\.count$`), func(lim Limits, _ bool) string { return span(1, lim.MaxCapacityMemories) }},
	{regexp.MustCompile(`^memories\.gaussian\.dim$`), func(lim Limits, _ bool) string { return span(1, lim.MaxCapacityInputDim) }},
	{regexp.MustCompile(`^queries\.gaussian\.count$`), func(lim Limits, _ bool) string { return span(1, lim.MaxCapacityQueries) }},
	{regexp.MustCompile(`^featureMap\.dim$`), func(lim Limits, capacity bool) string {
		if capacity {
			return span(1, lim.MaxCapacityFeatureDim)
		}
		return span(1, lim.MaxFeatureDim)
	}},
	{regexp.MustCompile(`^uhop\.iterations$`), func(lim Limits, _ bool) string { return span(0, lim.MaxIterations) }},
	{regexp.MustCompile(`^uhop\.batchOrder\[\d+\]\[\d+\]$`), func(Limits, bool) string { return "0 … M − 1 (a memory row)" }},
	{regexp.MustCompile(`^retrieval\.steps$`), func(lim Limits, _ bool) string { return span(1, lim.MaxRetrievalSteps) }},
	{regexp.MustCompile(`^view\.grid\.n[xy]$`), func(lim Limits, _ bool) string { return span(2, lim.MaxGridSide) }},
	{regexp.MustCompile(`^snapshots\[\d+\]$`), func(Limits, bool) string { return "0 … N (uhop.iterations)" }},
}

func span(lo, hi int) string {
	return strconv.Itoa(lo) + " … " + strconv.Itoa(hi)
}

// intRange returns the documented range of the integer field at path
// ("0 … 2^53"), or "" for a field without one; root is the type of the
// object decoded.
func intRange(path string, root reflect.Type, lim Limits) string {
	for _, r := range intRanges {
		if r.path.MatchString(path) {
			return r.rangeOf(lim, root == reflect.TypeFor[Capacity]())
		}
	}
	return ""
}
