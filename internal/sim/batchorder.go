package sim

import "fmt"

// checkBatchOrder checks that every row of order is a permutation of
// 0 … m−1 and reports the first that is not as a *FieldError naming it
// ("uhop.batchOrder[t]" or, for an entry out of range or repeated,
// "uhop.batchOrder[t][i]").
func checkBatchOrder(order [][]int, m int) error {
	if len(order) == 0 {
		return nil
	}
	seen := make([]int, m) // seen[μ] = t+1 once μ appeared in row t
	for t, row := range order {
		if len(row) != m {
			return fieldErr(fmt.Sprintf("uhop.batchOrder[%d]", t), "has %d entries; a batch order is a permutation of the M = %d memory rows", len(row), m)
		}
		for i, mu := range row {
			field := fmt.Sprintf("uhop.batchOrder[%d][%d]", t, i)
			if mu < 0 || mu >= m {
				return fieldErr(field, "memory row %d is outside 0 … %d", mu, m-1)
			}
			if seen[mu] == t+1 {
				return fieldErr(field, "memory row %d appears twice in this step's order; each row is a permutation of 0 … %d", mu, m-1)
			}
			seen[mu] = t + 1
		}
	}
	return nil
}

// flattenOrder copies the batch order into one slice, row after row.
func flattenOrder(order [][]int) []int {
	if len(order) == 0 {
		return nil
	}
	out := make([]int, 0, len(order)*len(order[0]))
	for _, row := range order {
		out = append(out, row...)
	}
	return out
}

// batchMemories returns the memories in the order of the loss of the step
// from W_t: x itself when no order is given for t, else the rows
// x[order_t[0]], x[order_t[1]], … written into r.xb.
func (r *Run) batchMemories(t int) []float64 {
	m, d := r.m, r.d
	if m == 0 || (t+1)*m > len(r.order) {
		return r.x
	}
	for i, mu := range r.order[t*m : (t+1)*m] {
		copy(r.xb[i*d:i*d+d], r.x[mu*d:mu*d+d])
	}
	return r.xb
}
