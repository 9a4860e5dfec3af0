package live

import (
	"bytes"
	"encoding/json"
	"hoplab/internal/codetable"
	"strconv"
	"testing"
)

// TestOptimumMatchesCodes: the optimum of a live state message is the
// spherical-codes entry for (D_Φ, M), plus its dim; null when M < 2 or
// D_Φ < 2.
func TestOptimumMatchesCodes(t *testing.T) {
	for _, c := range []struct{ dim, m int }{{2, 2}, {2, 7}, {3, 8}, {3, 51}, {5, 10}, {512, 64}} {
		o := optimum(c.dim, c.m)
		if o == nil || o.Dim != c.dim {
			t.Fatalf("optimum(%d, %d) = %+v", c.dim, c.m, o)
		}
		got, err := json.Marshal(o.Entry)
		if err != nil {
			t.Fatal(err)
		}
		want, err := json.Marshal(codetable.Lookup(c.dim, c.m))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("optimum(%d, %d) = %s, entry %s", c.dim, c.m, got, want)
		}
		full, _ := json.Marshal(o)
		if !bytes.HasPrefix(full, []byte(`{"dim":`+strconv.Itoa(c.dim)+`,"m":`)) {
			t.Errorf("optimum(%d, %d) encodes as %s, want dim first and the entry's members", c.dim, c.m, full)
		}
	}
	for _, c := range []struct{ dim, m int }{{2, 1}, {2, 0}, {1, 2}, {1, 5}} {
		if o := optimum(c.dim, c.m); o != nil {
			t.Errorf("optimum(%d, %d) = %+v, want nil", c.dim, c.m, o)
		}
	}
}
