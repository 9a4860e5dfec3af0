//go:build !amd64 || purego

package sim

// haveLanes reports whether softmaxLanes computes: not in this build,
// which has no vector path (see lanes_amd64.go); the grid kernel pairs
// cells instead.
const haveLanes = false

// softmaxLanes declines in this build: the grid kernel never calls it,
// since haveLanes is false.
func softmaxLanes(st *laneState, coef, buf []float64, steps int, eps float64, k *[lcLen]float64) bool {
	return false
}

// softmaxLanes2 declines in this build, as softmaxLanes.
func softmaxLanes2(stA, stB *laneState, coef, buf []float64, steps int, eps float64, k *[lcLen]float64) bool {
	return false
}

// sparseLanes declines in this build, as softmaxLanes.
func sparseLanes(st *laneState, coef, buf []float64, steps int, fixed uint64, entmax bool, k *[lcLen]float64) bool {
	return false
}

// finishLanes is never called in this build, as softmaxLanes.
func finishLanes(st *laneState, coef, gh []float64, psiDivisor, tol float64) {
	panic("sim: no vector path in this build")
}
