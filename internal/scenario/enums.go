package scenario

import (
	"strconv"
	"strings"

	"hoplab/internal/sim"
)

// names are the JSON names of the values of one of the engine's enums
// (docs/api.md), in the order an error lists them: Resolve reads the names
// with them and Canonical writes them back.
type names[T comparable] []struct {
	value T
	name  string
}

var (
	inits      = names[sim.Init]{{sim.InitIdentity, "identity"}, {sim.InitRandom, "random"}, {sim.InitTorchLinear, "torchLinear"}}
	optimizers = names[sim.Optimizer]{{sim.Adam, "adam"}, {sim.SGD, "sgd"}}
	losses     = names[sim.LossForm]{{sim.LossPairs, "pairs"}, {sim.LossPaper, "paper"}}
	spaces     = names[sim.Space]{{sim.FeatureSpace, "feature"}, {sim.InputSpace, "input"}}
)

// parse returns the value called name.
func (ns names[T]) parse(name string) (T, bool) {
	for _, n := range ns {
		if n.name == name {
			return n.value, true
		}
	}
	var zero T
	return zero, false
}

// name returns the name of v, or "" if it has none.
func (ns names[T]) name(v T) string {
	for _, n := range ns {
		if n.value == v {
			return n.name
		}
	}
	return ""
}

// choices lists the names for an error message: "adam" or "sgd".
func (ns names[T]) choices() string {
	q := make([]string, len(ns))
	for i, n := range ns {
		q[i] = strconv.Quote(n.name)
	}
	if len(q) < 2 {
		return strings.Join(q, "")
	}
	return strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1]
}
