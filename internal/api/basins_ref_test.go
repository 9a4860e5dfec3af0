package api

import (
	"encoding/json"
	"math"
	"slices"
	"testing"

	"gonum.org/v1/gonum/floats"

	"hoplab/internal/golden"
	"hoplab/internal/scenario"
)

// This file re-implements the labelling of the authors' basins.py, slowly
// and apart from internal/sim, to check the basins figure cell by cell.
// For the feature memories U (rows u_μ) and a grid of queries Q:
//
//	Xi = Q; 5 times: p = entmax(Xi Uᵀ / temp, α); Xi = p U
//	dists = cdist(Xi, U); response[dists[:, μ] < thresh] = μ + 1   (μ = 0 … M−1, in order)
//
// with temp = 0.05, thresh = 0.001 and entmax the entmax package's exact
// softmax (α = 1), entmax15 (α = 1.5, sort-based) and sparsemax (α = 2,
// sort-based). A cell within thresh of several memories takes the last one
// (the loop overwrites); 0 is white. The grid is linspace(min − 0.1,
// max + 0.1, 100) per axis over the plotted points.
//
// The reference is generic over the float type: float64 checks the logic;
// float32 follows the arithmetic of the authors' torch run where it is
// known (float32 throughout, divisions by temp, torch.cdist's
// matrix-product distances ‖x‖² + ‖y‖² − 2x·y, which it uses beyond 25
// rows), to estimate how many cells sit so close to a decision that the
// authors' float32 run may label them otherwise. It cannot be bit-exact
// (torch's vectorised exp and BLAS summation orders are not reproduced).

// authorsTemp and authorsThresh are basins.py's temp and thresh.
const (
	authorsTemp   = 0.05
	authorsThresh = 0.001
	authorsSteps  = 5
	authorsGrid   = 100
)

type float interface{ ~float32 | ~float64 }

// refSoftmax is torch.softmax: exp(z − max z) / Σ.
func refSoftmax[T float](z, p []T) {
	mx := slices.Max(z)
	var sum T
	for i, v := range z {
		p[i] = T(math.Exp(float64(v - mx)))
		sum += p[i]
	}
	for i := range p {
		p[i] /= sum
	}
}

// refSparsemax is the entmax package's sparsemax: z − max z, sorted
// descending; the support is the k with k·z_(k) > Σ_{j≤k} z_(j) − 1;
// τ = (Σ_{j≤k} z_(j) − 1)/k; p = max(z − τ, 0).
func refSparsemax[T float](z, p []T) {
	mx := slices.Max(z)
	x := make([]T, len(z))
	for i, v := range z {
		x[i] = v - mx
	}
	srt := slices.Clone(x)
	slices.SortFunc(srt, func(a, b T) int { return -cmpT(a, b) })
	var cum T
	cums := make([]T, len(srt))
	k := 0
	for j, v := range srt {
		cum += v
		cums[j] = cum - 1
		if T(j+1)*v > cums[j] {
			k++
		}
	}
	tau := cums[k-1] / T(k)
	for i, v := range x {
		p[i] = max(v-tau, 0)
	}
}

// refEntmax15 is the entmax package's exact 1.5-entmax: x = (z − max z)/2,
// sorted descending; with ρ = 1 … M, mean = cumsum(x)/ρ, meanSq =
// cumsum(x²)/ρ, ss = ρ(meanSq − mean²), δ = (1 − ss)/ρ, τ = mean −
// √max(δ, 0); the support size is #{τ_ρ ≤ x_(ρ)} and p = max(x − τ*, 0)².
func refEntmax15[T float](z, p []T) {
	mx := slices.Max(z)
	x := make([]T, len(z))
	for i, v := range z {
		x[i] = (v - mx) / 2
	}
	srt := slices.Clone(x)
	slices.SortFunc(srt, func(a, b T) int { return -cmpT(a, b) })
	taus := make([]T, len(srt))
	var cum, cumSq T
	support := 0
	for j, v := range srt {
		rho := T(j + 1)
		cum += v
		cumSq += v * v
		mean, meanSq := cum/rho, cumSq/rho
		ss := rho * (meanSq - mean*mean)
		delta := (1 - ss) / rho
		taus[j] = mean - T(math.Sqrt(float64(max(delta, 0))))
		if taus[j] <= v {
			support++
		}
	}
	tau := taus[support-1]
	for i, v := range x {
		d := max(v-tau, 0)
		p[i] = d * d
	}
}

func cmpT[T float](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// refLinspace is numpy's linspace(lo, hi, n) in float64: lo + j·step, the
// last value exactly hi.
func refLinspace(lo, hi float64, n int) []float64 {
	out := make([]float64, n)
	step := (hi - lo) / float64(n-1)
	for j := range out {
		out[j] = lo + float64(j)*step
	}
	out[n-1] = hi
	return out
}

// refBasins labels the grid xs × ys (row i at ys[i]) for the memories u
// (rows) with the map sep, as basins.py does; mmDist picks torch.cdist's
// matrix-product distances over the direct ones. Labels: memory index, or
// −1 (white).
func refBasins[T float](u [][]T, xs, ys []T, sep func(z, p []T), mmDist bool) []int {
	m := len(u)
	labels := make([]int, len(xs)*len(ys))
	z, p := make([]T, m), make([]T, m)
	temp := T(authorsTemp)
	for i, y := range ys {
		for j, x := range xs {
			q := [2]T{x, y}
			for range authorsSteps {
				for mu, um := range u {
					z[mu] = (q[0]*um[0] + q[1]*um[1]) / temp
				}
				sep(z, p)
				var nq [2]T
				for mu, um := range u {
					nq[0] += p[mu] * um[0]
					nq[1] += p[mu] * um[1]
				}
				q = nq
			}
			label := -1
			for mu, um := range u {
				var d T
				if mmDist {
					// torch's _euclidean_dist: [−2x, ‖x‖², 1]·[y, 1, ‖y‖²], clamped and rooted.
					xn, yn := q[0]*q[0]+q[1]*q[1], um[0]*um[0]+um[1]*um[1]
					d2 := -2*q[0]*um[0] + -2*q[1]*um[1] + xn + yn
					d = T(math.Sqrt(float64(max(d2, 1e-30))))
				} else {
					d = T(math.Hypot(float64(q[0]-um[0]), float64(q[1]-um[1])))
				}
				if d < authorsThresh {
					label = mu // the last one within thresh wins, as in basins.py
				}
			}
			labels[i*len(xs)+j] = label
		}
	}
	return labels
}

// refSeps are the columns of the basins figure, α = 1, 1.5, 2.
func refSeps[T float]() []func(z, p []T) {
	return []func(z, p []T){refSoftmax[T], refEntmax15[T], refSparsemax[T]}
}

// refGrid returns basins.py's grid axes around the points u (rows), in
// float64: linspace(min − 0.1, max + 0.1, 100) per axis.
func refGrid(u [][]float64) (xs, ys []float64) {
	col := func(k int) []float64 {
		c := make([]float64, len(u))
		for i, r := range u {
			c[i] = r[k]
		}
		return c
	}
	x, y := col(0), col(1)
	return refLinspace(floats.Min(x)-0.1, floats.Max(x)+0.1, authorsGrid), refLinspace(floats.Min(y)-0.1, floats.Max(y)+0.1, authorsGrid)
}

// authorsFeatures returns the normalised features u_μ = Φ(ξ_μ)/‖Φ(ξ_μ)‖
// of the memories xi under the map W, b, in float64 (torch's F.normalize).
func authorsFeatures(xi, w [][]float64, b []float64) [][]float64 {
	u := make([][]float64, len(xi))
	for i, x := range xi {
		f := []float64{w[0][0]*x[0] + w[0][1]*x[1] + b[0], w[1][0]*x[0] + w[1][1]*x[1] + b[1]}
		n := max(floats.Norm(f, 2), 1e-12)
		floats.Scale(1/n, f)
		u[i] = f
	}
	return u
}

// authorsFeatures32 is authorsFeatures in float32, as torch computes
// F.normalize(w(X)) (nn.Linear's addmm, then x / max(‖x‖, 1e-12)).
func authorsFeatures32(xi, w [][]float64, b []float64) [][]float32 {
	u := make([][]float32, len(xi))
	for i, x := range xi {
		x0, x1 := float32(x[0]), float32(x[1])
		f0 := float32(b[0]) + (x0*float32(w[0][0]) + x1*float32(w[0][1]))
		f1 := float32(b[1]) + (x0*float32(w[1][0]) + x1*float32(w[1][1]))
		n := max(float32(math.Sqrt(float64(f0*f0+f1*f1))), 1e-12)
		u[i] = []float32{f0 / n, f1 / n}
	}
	return u
}

// grid32 returns basins.py's grid in float32: the bounds are float32
// (the points' min or max minus or plus 0.1 in float32), linspace
// computes in float64, and Q = torch.from_numpy(Q).float() rounds.
func grid32(u [][]float32) (xs, ys []float32) {
	axis := func(k int) []float32 {
		lo, hi := u[0][k], u[0][k]
		for _, r := range u {
			lo, hi = min(lo, r[k]), max(hi, r[k])
		}
		g := refLinspace(float64(lo-float32(0.1)), float64(hi+float32(0.1)), authorsGrid)
		out := make([]float32, len(g))
		for i, v := range g {
			out[i] = float32(v)
		}
		return out
	}
	return axis(0), axis(1)
}

func to32(rows [][]float64) [][]float32 {
	out := make([][]float32, len(rows))
	for i, r := range rows {
		out[i] = []float32{float32(r[0]), float32(r[1])}
	}
	return out
}

// diffCells counts the cells whose labels differ.
func diffCells(a []int, b [][]int) int {
	n := 0
	for i, row := range b {
		for j, l := range row {
			if a[i*len(row)+j] != l {
				n++
			}
		}
	}
	return n
}

func whiteShare(labels []int) float64 {
	n := 0
	for _, l := range labels {
		if l == -1 {
			n++
		}
	}
	return float64(n) / float64(len(labels))
}

// TestBasinsMatchAuthorsLogic compares every panel of the basins figure
// with the re-implementation of basins.py above, three ways:
//
//   - same points: the reference in float64 on hoplab's own feature points
//     and grid: the labelling logic alone;
//   - authors' maps: the reference in float64 on the features of the maps
//     of the authors' torch run (the golden W_t, b_t) and its own grid:
//     hoplab's training and grid too;
//   - float32: the same in float32, following torch's arithmetic where it
//     is known: how many cells are so close to a decision that the
//     authors' own run may label them otherwise.
//
// The issue allows at most 5 cells in 10,000 per panel to differ from
// the authors' code run on the same inputs; every comparison is held to
// that, and the counts and white shares are logged.
func TestBasinsMatchAuthorsLogic(t *testing.T) {
	h := newTestServer(t, scenario.Limits{}).routes(nil)
	f := figureOf(t, postFigure(h, `{"figure": "basins"}`))
	c, err := golden.Load(golden.Basins5)
	if err != nil {
		t.Fatal(err)
	}
	var sc struct{ Memories [][]float64 }
	if err := json.Unmarshal(c.Scenario, &sc); err != nil {
		t.Fatal(err)
	}
	const maxDiff = 5
	names := []string{"softmax", "1.5-entmax", "sparsemax"}
	for _, run := range f.Runs {
		var res resultJSON
		decodeStrict(t, run.Result, &res)
		for _, snap := range res.Snapshots {
			n := snap.Iteration
			// The authors' feature memories at this row: the raw memories
			// (already unit in float32) at N = 0, the map after step N otherwise.
			var authors [][]float64
			var authors32 [][]float32
			if run.Map == mapIdentity {
				authors = authorsFeatures(sc.Memories, [][]float64{{1, 0}, {0, 1}}, []float64{0, 0})
				authors32 = to32(sc.Memories)
			} else {
				authors = authorsFeatures(sc.Memories, c.W[n-1], c.B[n-1])
				authors32 = authorsFeatures32(sc.Memories, c.W[n-1], c.B[n-1])
			}
			ax, ay := refGrid(authors)
			ax32, ay32 := grid32(authors32)
			for k, p := range snap.Panels {
				if p.Separation != paperSeparations[k] {
					t.Fatalf("N = %d: panel %d is %s", n, k, p.Separation)
				}
				same := refBasins(snap.Points, snap.XS, snap.YS, refSeps[float64]()[k], false)
				theirs := refBasins(authors, ax, ay, refSeps[float64]()[k], false)
				theirs32 := refBasins(authors32, ax32, ay32, refSeps[float32]()[k], true)
				dSame, dTheirs, d32 := diffCells(same, p.Labels), diffCells(theirs, p.Labels), diffCells(theirs32, p.Labels)
				t.Logf("N = %d, %-10s: differing cells: same points %d, authors' maps %d, float32 %d (float32 vs float64 reference: %d); white: hoplab %.4f, reference %.4f, authors' maps %.4f, float32 %.4f",
					n, names[k], dSame, dTheirs, d32, diffInts(theirs32, theirs), p.UnlabeledFraction, whiteShare(same), whiteShare(theirs), whiteShare(theirs32))
				if dSame > maxDiff || dTheirs > maxDiff || d32 > maxDiff {
					t.Errorf("N = %d, %s: %d, %d and %d cells differ from the reference (same points, authors' maps, float32); at most %d may", n, names[k], dSame, dTheirs, d32, maxDiff)
				}
				if math.Abs(whiteShare(same)-p.UnlabeledFraction) > maxDiff/1e4 {
					t.Errorf("N = %d, %s: white share %v, the reference's %v", n, names[k], p.UnlabeledFraction, whiteShare(same))
				}
			}
		}
	}
}

func diffInts(a, b []int) int {
	n := 0
	for i := range a {
		if a[i] != b[i] {
			n++
		}
	}
	return n
}

// TestBasinsReferenceMaps checks the reference's maps on cases whose
// answers are known: a tie spreads evenly; a clear winner takes all
// (sparsemax, 1.5-entmax) or nearly all (softmax); 1.5-entmax's p sums to
// 1 and matches its closed form for two entries.
func TestBasinsReferenceMaps(t *testing.T) {
	p := make([]float64, 3)
	for k, sep := range refSeps[float64]() {
		sep([]float64{2, 2, 2}, p)
		for _, v := range p {
			if math.Abs(v-1.0/3) > 1e-15 {
				t.Errorf("map %d on a tie: %v", k, p)
			}
		}
		sep([]float64{10, 0, -1}, p)
		if k > 0 && (p[0] != 1 || p[1] != 0 || p[2] != 0) || k == 0 && math.Abs(p[0]-1) > 1e-4 {
			t.Errorf("map %d on a clear winner: %v", k, p)
		}
	}
	// Sparsemax of (1, 0.2, 0): the support is the two largest, τ =
	// (1.2 − 1)/2 = 0.1, p = (0.9, 0.1, 0).
	refSparsemax([]float64{1, 0.2, 0}, p)
	if math.Abs(p[0]-0.9) > 1e-15 || math.Abs(p[1]-0.1) > 1e-15 || p[2] != 0 {
		t.Errorf("sparsemax(1, 0.2, 0) = %v, want (0.9, 0.1, 0)", p)
	}
	// 1.5-entmax of two entries z = (a, 0), a < 2 (both in the support):
	// x = (0, −a/2) after the shift and halving; p_i = (x_i − τ)² with
	// (−τ)² + (−a/2 − τ)² = 1, so τ = −a/4 − √(1/2 − a²/16).
	for _, a := range []float64{0.3, 1, 1.9} {
		refEntmax15([]float64{a, 0}, p[:2])
		tau := -a/4 - math.Sqrt(0.5-a*a/16)
		if w0, w1 := tau*tau, (-a/2-tau)*(-a/2-tau); math.Abs(p[0]-w0) > 1e-14 || math.Abs(p[1]-w1) > 1e-14 || math.Abs(p[0]+p[1]-1) > 1e-14 {
			t.Errorf("1.5-entmax(%v, 0) = %v, want (%v, %v)", a, p[:2], w0, w1)
		}
	}
}
