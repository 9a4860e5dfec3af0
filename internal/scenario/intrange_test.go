package scenario

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// TestIntegerRanges: a number that an integer field with a range cannot
// take, a fraction or an integer beyond Go's int (written in digits or
// with an exponent), is answered invalid_field with the field's range,
// as a value just outside it is, in a scenario and in a capacity request,
// with the upper ends of the limits the server checks against.
func TestIntegerRanges(t *testing.T) {
	lim := DefaultLimits()
	small := lim
	small.MaxCapacityInputDim, small.MaxFeatureDim, small.MaxIterations = 7, 3, 11
	const gauss = `"memories": {"gaussian": {"count": 10, "dim": 5}}, "queries": {"gaussian": {"count": 5}}`
	for _, c := range []struct {
		capacity bool
		lim      Limits
		body     string
		field    string
		message  string
	}{
		{true, lim, `{"memories": {"gaussian": {"count": 10, "dim": 99999999999999999999}}}`, "memories.gaussian.dim", "must be an integer in 1 … 512, not 99999999999999999999"},
		{true, small, `{"memories": {"gaussian": {"count": 10, "dim": 99999999999999999999}}}`, "memories.gaussian.dim", "must be an integer in 1 … 7, not 99999999999999999999"},
		{true, lim, `{"memories": {"gaussian": {"count": 1e20, "dim": 5}}}`, "memories.gaussian.count", "must be an integer in 1 … 1024, not 1e20"},
		{true, lim, `{"memories": {"gaussian": {"count": 10, "dim": 5, "seed": 18446744073709551615}}}`, "memories.gaussian.seed", "must be an integer in 0 … 2^53, not 18446744073709551615"},
		{true, lim, `{"memories": {"gaussian": {"count": 10, "dim": 5, "seed": -9223372036854775809}}}`, "memories.gaussian.seed", "must be an integer in 0 … 2^53, not -9223372036854775809"},
		{true, lim, `{"queries": {"gaussian": {"count": 5, "seed": 1e20}}}`, "queries.gaussian.seed", "must be an integer in 0 … 2^53, not 1e20"},
		{true, lim, `{"queries": {"gaussian": {"count": 1.5}}}`, "queries.gaussian.count", "must be an integer in 1 … 1000000, not 1.5"},
		{true, lim, `{"featureMap": {"seed": 1e300}}`, "featureMap.seed", "must be an integer in 0 … 2^53, not 1e300"},
		{true, lim, `{"featureMap": {"dim": 99999999999999999999}}`, "featureMap.dim", "must be an integer in 1 … 512, not 99999999999999999999"},
		{false, small, `{"featureMap": {"dim": 99999999999999999999}}`, "featureMap.dim", "must be an integer in 1 … 3, not 99999999999999999999"},
		{true, lim, `{"uhop": {"iterations": 1e20}}`, "uhop.iterations", "must be an integer in 0 … 10000, not 1e20"},
		{false, small, `{"uhop": {"iterations": 1e20}}`, "uhop.iterations", "must be an integer in 0 … 11, not 1e20"},
		{true, lim, `{"uhop": {"iterations": 1, "batchOrder": [[1, 1e20]]}}`, "uhop.batchOrder[0][1]", "must be an integer in 0 … M − 1 (a memory row), not 1e20"},
		{false, lim, `{"uhop": {"iterations": 1, "batchOrder": [[0], [99999999999999999999]]}}`, "uhop.batchOrder[1][0]", "must be an integer in 0 … M − 1 (a memory row), not 99999999999999999999"},
		{true, lim, `{"retrieval": {"steps": 99999999999999999999}}`, "retrieval.steps", "must be an integer in 1 … 1000, not 99999999999999999999"},
		{false, lim, `{"view": {"grid": {"nx": 1e20}}}`, "view.grid.nx", "must be an integer in 2 … 1024, not 1e20"},
		{false, lim, `{"view": {"grid": {"ny": 2.5}}}`, "view.grid.ny", "must be an integer in 2 … 1024, not 2.5"},
		{false, lim, `{"snapshots": [0, 1e20]}`, "snapshots[1]", "must be an integer in 0 … N (uhop.iterations), not 1e20"},
		// not numbers: the type is what is wrong
		{true, lim, `{"memories": {"gaussian": {"count": "10"}}}`, "memories.gaussian.count", "must be an integer, not string"},
		// in range: Resolve's checks, with the same words
		{true, lim, `{` + gauss + `, "featureMap": {"seed": 9007199254740993}}`, "featureMap.seed", "must be an integer in 0 … 2^53, not 9007199254740993"},
		{true, lim, `{"memories": {"gaussian": {"count": 10, "dim": 5, "seed": 9223372036854775807}}, "queries": {"gaussian": {"count": 5}}}`, "memories.gaussian.seed", "must be an integer in 0 … 2^53, not 9223372036854775807"},
		{true, lim, `{` + gauss + `}`, "", ""},
	} {
		var err error
		if c.capacity {
			var cr *Capacity
			if cr, err = DecodeCapacityWithin([]byte(c.body), c.lim); err == nil {
				_, err = ResolveCapacity(cr, c.lim)
			}
		} else {
			_, err = DecodeWithin([]byte(c.body), c.lim)
		}
		if c.field == "" {
			if err != nil {
				t.Errorf("%s: %v", c.body, err)
			}
			continue
		}
		e, ok := errors.AsType[*Error](err)
		if !ok {
			t.Errorf("%s: got %v, want an *Error", c.body, err)
			continue
		}
		if e.Code != CodeInvalidField || e.Field != c.field || e.Message != c.message || e.Status != 400 {
			t.Errorf("%s:\n got %d %s %s %q\nwant 400 %s %s %q", c.body, e.Status, e.Code, e.Field, e.Message, CodeInvalidField, c.field, c.message)
		}
	}
	// Decode and DecodeCapacity name DefaultLimits' ends.
	if _, err := DecodeCapacity([]byte(`{"memories": {"gaussian": {"dim": 1e20}}}`)); err == nil || !strings.Contains(err.Error(), "1 … 512,") {
		t.Errorf("DecodeCapacity: %v", err)
	}
	want := fmt.Sprintf("must be an integer in 1 … %d, not 1e20", lim.MaxFeatureDim)
	if _, err := Decode([]byte(`{"featureMap": {"dim": 1e20}}`)); err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("Decode: %v, want %q", err, want)
	}
}
