package separation

import "slices"

// insertionMax is the length up to which sortDesc uses insertion sort, the
// fastest choice for the short score vectors (M ≈ 8) of the visualiser.
const insertionMax = 32

// sortDesc sorts c into descending order in place without allocating:
// insertion sort for short slices, slices.Sort (pattern-defeating quicksort,
// O(n log n)) and a reversal for longer ones. c holds no NaN.
func sortDesc(c []float64) {
	if len(c) > insertionMax {
		slices.Sort(c)
		slices.Reverse(c)
		return
	}
	for i := 1; i < len(c); i++ {
		v := c[i]
		j := i
		for ; j > 0 && c[j-1] < v; j-- {
			c[j] = c[j-1]
		}
		c[j] = v
	}
}
