package sim

import "fmt"

// A Domain is the set of queries a model is evaluated at: a grid of the
// plane today; a mesh on S² (the sphere lab) and explicit queries in ℝⁿ
// (QuerySet, for the capacity lab). Queries are numbered 0 … Len()−1.
//
// An evaluation splits a domain into chunks of whole rows of Row()
// consecutive queries; the split depends only on Len() and Row(), never on
// the runner, so results are the same on any number of cores.
type Domain interface {
	// Dim is the dimension n of the queries.
	Dim() int
	// Len is the number of queries.
	Len() int
	// Row is the number of consecutive queries a chunk keeps together
	// (a grid row; 1 for a set of unrelated queries). Len is a multiple
	// of it.
	Row() int
	// Query writes query i (0 ≤ i < Len()) into dst (length Dim()).
	Query(dst []float64, i int)
}

// Grid2D is the grid of the plane whose cell (i, j) sits at (XS[j], YS[i])
// and is query i·len(XS) + j. A Frame's grid is one.
type Grid2D struct {
	XS, YS []float64
}

// Dim implements Domain: 2.
func (g *Grid2D) Dim() int { return 2 }

// Len implements Domain: len(XS)·len(YS).
func (g *Grid2D) Len() int { return len(g.XS) * len(g.YS) }

// Row implements Domain: one row of the grid, len(XS) cells.
func (g *Grid2D) Row() int { return len(g.XS) }

// Query implements Domain.
func (g *Grid2D) Query(dst []float64, i int) {
	nx := len(g.XS)
	dst[0], dst[1] = g.XS[i%nx], g.YS[i/nx]
}

// QuerySet is an explicit set of queries in ℝⁿ.
type QuerySet struct {
	n       int
	queries []float64
}

// NewQuerySet returns the set of the rows of queries (len(queries)/n rows
// of n coordinates, row-major), which it keeps and the caller must not
// modify. It returns an error unless n ≥ 1, the length is a non-zero
// multiple of n and every coordinate is finite.
func NewQuerySet(n int, queries []float64) (*QuerySet, error) {
	if n < 1 || len(queries) == 0 || len(queries)%n != 0 {
		return nil, fmt.Errorf("sim: a query set needs n ≥ 1 and a non-zero multiple of n coordinates, not n = %d and %d", n, len(queries))
	}
	for i, v := range queries {
		if !finite(v) {
			return nil, fmt.Errorf("sim: coordinate %d of query %d is not finite", i%n, i/n)
		}
	}
	return &QuerySet{n: n, queries: queries}, nil
}

// Dim implements Domain.
func (s *QuerySet) Dim() int { return s.n }

// Len implements Domain.
func (s *QuerySet) Len() int { return len(s.queries) / s.n }

// Row implements Domain: 1.
func (s *QuerySet) Row() int { return 1 }

// Query implements Domain.
func (s *QuerySet) Query(dst []float64, i int) { copy(dst, s.queries[i*s.n:i*s.n+s.n]) }
