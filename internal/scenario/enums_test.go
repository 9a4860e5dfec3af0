package scenario

import (
	"testing"

	"hoplab/internal/sim"
)

// TestEnumNames: each name reads back as its value and the value writes
// back as its name, an unknown name or value is refused, and the choices
// read as the error messages of docs/api.md list them.
func TestEnumNames(t *testing.T) {
	for _, tc := range []struct {
		names []string
		check func(name string) bool // parse, then name again
	}{
		{[]string{"identity", "random", "torchLinear"}, func(n string) bool { v, ok := inits.parse(n); return ok && inits.name(v) == n }},
		{[]string{"adam", "sgd"}, func(n string) bool { v, ok := optimizers.parse(n); return ok && optimizers.name(v) == n }},
		{[]string{"pairs", "paper"}, func(n string) bool { v, ok := losses.parse(n); return ok && losses.name(v) == n }},
		{[]string{"feature", "input"}, func(n string) bool { v, ok := spaces.parse(n); return ok && spaces.name(v) == n }},
	} {
		for _, n := range tc.names {
			if !tc.check(n) {
				t.Errorf("%q does not read back", n)
			}
		}
	}
	for _, c := range []struct{ got, want string }{
		{inits.choices(), `"identity", "random" or "torchLinear"`},
		{optimizers.choices(), `"adam" or "sgd"`},
		{losses.choices(), `"pairs" or "paper"`},
		{spaces.choices(), `"feature" or "input"`},
		{names[int]{{1, "a"}, {2, "b"}, {3, "c"}}.choices(), `"a", "b" or "c"`},
	} {
		if c.got != c.want {
			t.Errorf("choices %s, want %s", c.got, c.want)
		}
	}
	if _, ok := optimizers.parse("Adam"); ok {
		t.Error(`optimizers.parse("Adam") succeeded; names are case-sensitive`)
	}
	if n := losses.name(sim.LossForm(9)); n != "" {
		t.Errorf("losses.name(9) = %q, want \"\"", n)
	}
}
