package scenario

import (
	"fmt"
	"hoplab/internal/golden"
	"strings"
)

// Test inputs written as JSON text, as in package api's tests.

// matrixJSON returns a rows×cols JSON matrix whose entries are v(i, j).
func matrixJSON(rows, cols int, v func(i, j int) float64) string {
	var b strings.Builder
	b.WriteByte('[')
	for i := range rows {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('[')
		for j := range cols {
			if j > 0 {
				b.WriteByte(',')
			}
			fmt.Fprint(&b, v(i, j))
		}
		b.WriteByte(']')
	}
	b.WriteByte(']')
	return b.String()
}

// goldenFile returns a golden file of package golden by its file name
// ("contours2.json").
func goldenFile(name string) ([]byte, error) {
	return golden.Raw(strings.TrimSuffix(name, ".json"))
}
