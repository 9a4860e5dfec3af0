package live

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"errors"
	"io"
	"math"
	"os"
	"sync"
	"testing"

	"hoplab/internal/live/livetest"
	"hoplab/internal/sim"
	"hoplab/internal/sim/separation"
)

// testTile is a grid2d tile of nx × ny cells and the given number of
// panels, with labels and support spread over [0, m) and some white and
// undefined cells, deterministic in seed.
func testTile(space sim.Space, nx, ny, panels, m, seed int) *sim.Frame {
	f := &sim.Frame{Space: space, XS: make([]float64, nx), YS: make([]float64, ny)}
	for j := range nx {
		f.XS[j] = -1 + 2*float64(j)/float64(nx-1) + float64(seed)
	}
	for i := range ny {
		f.YS[i] = -0.5 + float64(i)/float64(ny-1)
	}
	for k := range panels {
		p := sim.Panel{Separation: separation.Softmax(), Energy: make([]float64, nx*ny),
			Labels: make([]int32, nx*ny), Support: make([]int32, nx*ny)}
		for c := range nx * ny {
			p.Energy[c] = math.Sin(float64(c*(k+1)+seed)) * 10
			p.Labels[c] = int32((c*31 + k*7 + seed*1000) % max(m, 1))
			p.Support[c] = int32(1 + (c*13+k)%max(m, 1))
			switch (c + k + seed) % 11 {
			case 2:
				p.Labels[c] = sim.LabelWhite
				p.Unlabeled++
			case 7:
				p.Labels[c], p.Energy[c], p.Support[c] = sim.LabelUndefined, math.NaN(), 0
				p.Undefined++
			}
		}
		f.Panels = append(f.Panels, p)
	}
	return f
}

// testPoints is a point set of m points of dim coordinates.
func testPoints(space sim.Space, m, dim int) pointSet {
	xs := make([]float64, m*dim)
	for i := range xs {
		xs[i] = math.Cos(float64(i)) * float64(1+i%5)
	}
	return pointSet{space: space, dim: dim, xs: xs}
}

// wireLabelOf is the label a frame must carry for the engine's label l.
func wireLabelOf(l int32) uint16 {
	switch l {
	case sim.LabelWhite:
		return labelNone
	case sim.LabelUndefined:
		return labelUndefined
	}
	return uint16(l)
}

// checkDecoded compares a frame decoded by livetest with what was encoded:
// the header, every point, label and support exactly, energies within
// half a quantisation step.
func checkDecoded(t *testing.T, got *livetest.Frame, h frameHeader, points []pointSet, tiles []*sim.Frame) {
	t.Helper()
	if got.Seq != h.seq || got.Epoch != h.epoch || got.T != h.t || got.Iterations != h.iterations || got.M != h.m ||
		got.Coarse != h.coarse || got.EnergyBits != energyBits || got.Skipped != 0 ||
		math.Float64bits(got.Loss) != math.Float64bits(h.loss) || math.Float64bits(got.DeltaMin) != math.Float64bits(h.deltaMin) ||
		math.Float64bits(got.MinAngleDeg) != math.Float64bits(h.minAngleDeg) {
		t.Errorf("header %+v, encoded %+v", got, h)
	}
	if len(got.PointSets) != len(points) {
		t.Fatalf("%d point sets, encoded %d", len(got.PointSets), len(points))
	}
	for i, p := range points {
		g := got.PointSets[i]
		if g.Space != spaceByte(p.space) || g.Dim != p.dim || !equalFloats(g.Points, p.xs) {
			t.Errorf("point set %d: space %d dim %d, encoded %v %d", i, g.Space, g.Dim, p.space, p.dim)
		}
	}
	if len(got.Views) != len(tiles) {
		t.Fatalf("%d tiles, encoded %d", len(got.Views), len(tiles))
	}
	if len(tiles) > 0 && (got.NX != len(tiles[0].XS) || got.NY != len(tiles[0].YS)) {
		t.Errorf("frame grid %d×%d, the first tile's %d×%d", got.NX, got.NY, len(tiles[0].XS), len(tiles[0].YS))
	}
	for ti, f := range tiles {
		v := got.Views[ti]
		nx, ny := len(f.XS), len(f.YS)
		if v.Space != spaceByte(f.Space) || v.NX != nx || v.NY != ny || v.XMin != f.XS[0] || v.XMax != f.XS[nx-1] ||
			v.YMin != f.YS[0] || v.YMax != f.YS[ny-1] || len(v.Panels) != len(f.Panels) {
			t.Fatalf("tile %d: %+v, encoded %v %d×%d with %d panels", ti, v, f.Space, nx, ny, len(f.Panels))
		}
		for pi := range f.Panels {
			wp, gp := &f.Panels[pi], &v.Panels[pi]
			lo, hi := energyRange(wp.Energy)
			if gp.Separation != pi || gp.EnergyMin != lo || gp.EnergyMax != hi || gp.Unlabeled != wp.UnlabeledFraction() {
				t.Errorf("tile %d panel %d: header %d %g %g %g", ti, pi, gp.Separation, gp.EnergyMin, gp.EnergyMax, gp.Unlabeled)
			}
			tol := (hi-lo)/(2*energyLevels) + 1e-12*math.Max(math.Abs(lo), math.Abs(hi))
			for c := range wp.Labels {
				if gp.Labels[c] != wireLabelOf(wp.Labels[c]) || gp.Support[c] != uint16(wp.Support[c]) {
					t.Fatalf("tile %d panel %d cell %d: label %d support %d, encoded %d %d", ti, pi, c, gp.Labels[c], gp.Support[c], wp.Labels[c], wp.Support[c])
				}
				if e := wp.Energy[c]; !math.IsNaN(e) && math.Abs(gp.Energy[c]-e) > tol {
					t.Fatalf("tile %d panel %d cell %d: energy %g, encoded %g", ti, pi, c, gp.Energy[c], e)
				}
			}
		}
	}
}

// TestFrameRoundTrip encodes frames of every shape the format allows and
// decodes them with livetest's reading of docs/protocol.md.
func TestFrameRoundTrip(t *testing.T) {
	big := testTile(sim.InputSpace, 3, 2, 1, 1, 0)
	big.Panels[0].Labels = []int32{0, maxWireLabel, 65000, sim.LabelWhite, sim.LabelUndefined, 300}
	big.Panels[0].Support = []int32{1, maxWireLabel + 1, 2, -1, 0, 65533} // −1 is sent as 0
	for _, tc := range []struct {
		name   string
		h      frameHeader
		points []pointSet
		tiles  []*sim.Frame
	}{
		{name: "empty", h: frameHeader{seq: 1, loss: math.NaN(), deltaMin: math.NaN(), minAngleDeg: math.NaN()}},
		{name: "points only", h: frameHeader{m: 5, coarse: true},
			points: []pointSet{testPoints(sim.InputSpace, 5, 2), testPoints(sim.FeatureSpace, 5, 3)}},
		{name: "one tile, no points", h: frameHeader{m: 8, seq: 9, epoch: 3, t: 10, iterations: 20},
			tiles: []*sim.Frame{testTile(sim.FeatureSpace, 128, 128, 3, 8, 1)}},
		{name: "three tiles of different sizes, M = 300, coarse",
			h:      frameHeader{seq: math.MaxUint32, epoch: 7, t: 99, iterations: 100, m: 300, coarse: true, loss: 1.5, deltaMin: 0.01, minAngleDeg: 3},
			points: []pointSet{testPoints(sim.InputSpace, 300, 2), testPoints(sim.FeatureSpace, 300, 2)},
			tiles: []*sim.Frame{testTile(sim.InputSpace, 40, 24, 3, 300, 2), testTile(sim.FeatureSpace, 25, 31, 2, 300, 3),
				testTile(sim.InputSpace, 2, 2, 1, 300, 4)}},
		{name: "the largest labels and support", h: frameHeader{m: maxWireLabel + 1},
			points: []pointSet{testPoints(sim.InputSpace, maxWireLabel+1, 1)}, tiles: []*sim.Frame{big}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var enc frameEncoder
			b, err := enc.encode(nil, tc.h, tc.points, tc.tiles, sim.Serial{})
			if err != nil {
				t.Fatal(err)
			}
			got, err := livetest.DecodeFrame(b)
			if err != nil {
				t.Fatal(err)
			}
			if tc.name == "the largest labels and support" {
				big.Panels[0].Support[3] = 0 // what must arrive
			}
			checkDecoded(t, got, tc.h, tc.points, tc.tiles)
		})
	}
}

// goRunner runs every chunk on a goroutine of its own, as the pool may.
type goRunner struct{}

func (goRunner) Run(n int, task sim.Task) error {
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { task.RunChunk(i) })
	}
	wg.Wait()
	return nil
}

// TestFrameSegmentsConcurrent: the tiles are compressed as segments on
// their own goroutines, and the joined stream is the same frame, byte for
// byte, as one encoded serially; an encoder reused for frames of fewer
// and more tiles gives the same bytes as a fresh one.
func TestFrameSegmentsConcurrent(t *testing.T) {
	points := []pointSet{testPoints(sim.InputSpace, 8, 2)}
	tiles := []*sim.Frame{testTile(sim.InputSpace, 64, 48, 3, 8, 0), testTile(sim.FeatureSpace, 32, 32, 3, 8, 1),
		testTile(sim.InputSpace, 7, 5, 2, 8, 2), testTile(sim.FeatureSpace, 9, 3, 1, 8, 3)}
	h := frameHeader{m: 8, seq: 3}
	var serial, reused frameEncoder
	want, err := serial.encode(nil, h, points, tiles, sim.Serial{})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{4, 1, 2, 4} {
		w, err := serial.encode(nil, h, points, tiles[:n], sim.Serial{})
		if err != nil {
			t.Fatal(err)
		}
		got, err := reused.encode(nil, h, points, tiles[:n], goRunner{})
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, w) {
			t.Fatalf("%d tiles: the concurrent encoding differs from the serial one", n)
		}
		f, err := livetest.DecodeFrame(got)
		if err != nil {
			t.Fatal(err)
		}
		checkDecoded(t, f, h, points, tiles[:n])
	}
	if got, _ := reused.encode(nil, h, points, tiles, goRunner{}); !bytes.Equal(got, want) {
		t.Fatal("the reused encoder's frame differs")
	}
}

// TestFrameLayoutRefused: what the format cannot say is an error, before
// any work.
func TestFrameLayoutRefused(t *testing.T) {
	one := testTile(sim.InputSpace, 4, 3, 1, 2, 0)
	bad := testTile(sim.InputSpace, 4, 3, 1, 2, 0)
	bad.Panels[0].Labels = bad.Panels[0].Labels[:5]
	thin := testTile(sim.InputSpace, 4, 3, 1, 2, 0)
	thin.YS = thin.YS[:1]
	many := testTile(sim.InputSpace, 2, 2, maxSeparations+1, 2, 0)
	for _, tc := range []struct {
		name   string
		m      int
		points []pointSet
		tiles  []*sim.Frame
	}{
		{"M beyond the labels", maxWireLabel + 2, nil, nil},
		{"a point set of the wrong length", 3, []pointSet{testPoints(sim.InputSpace, 2, 2)}, nil},
		{"a point set of dimension 0", 0, []pointSet{{space: sim.InputSpace}}, nil},
		{"a panel of the wrong size", 2, nil, []*sim.Frame{one, bad}},
		{"a grid of one row", 2, nil, []*sim.Frame{thin}},
		{"more panels than separation indices", 2, nil, []*sim.Frame{many}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var enc frameEncoder
			if _, err := enc.encode(nil, frameHeader{m: tc.m}, tc.points, tc.tiles, sim.Serial{}); !errors.Is(err, errFrameLayout) {
				t.Fatalf("error %v, want errFrameLayout", err)
			}
		})
	}
}

// TestFrameEncodeAllocs: a warm encoder allocates nothing.
func TestFrameEncodeAllocs(t *testing.T) {
	points := []pointSet{testPoints(sim.InputSpace, 8, 2), testPoints(sim.FeatureSpace, 8, 2)}
	tiles := []*sim.Frame{testTile(sim.InputSpace, 64, 64, 3, 8, 0), testTile(sim.FeatureSpace, 64, 64, 3, 8, 1)}
	var enc frameEncoder
	buf, err := enc.encode(nil, frameHeader{m: 8}, points, tiles, sim.Serial{})
	if err != nil {
		t.Fatal(err)
	}
	if n := testing.AllocsPerRun(20, func() { buf, _ = enc.encode(buf[:0], frameHeader{m: 8}, points, tiles, sim.Serial{}) }); n != 0 {
		t.Errorf("%v allocations per frame, want 0", n)
	}
}

// TestDecodeFrameSkipsUnknownTiles: a tile of a kind the client does not
// know is skipped by its length (docs/protocol.md, "Tiles"), and the
// grid2d tiles around it decode.
func TestDecodeFrameSkipsUnknownTiles(t *testing.T) {
	tiles := []*sim.Frame{testTile(sim.InputSpace, 5, 4, 2, 3, 0), testTile(sim.FeatureSpace, 6, 3, 1, 3, 1)}
	points := []pointSet{testPoints(sim.InputSpace, 3, 2)}
	h := frameHeader{m: 3}
	var enc frameEncoder
	b, err := enc.encode(nil, h, points, tiles, sim.Serial{})
	if err != nil {
		t.Fatal(err)
	}
	body := inflateBody(t, b)
	// Insert a tile of kind 200 with 13 bytes after the first tile.
	first := pointSetHeaderLen + 3*2*8 + tileHeaderLen + tileRestLen(5, 4, 2)
	unknown := append([]byte{200, 1, 5, 0, 13, 0, 0, 0}, bytes.Repeat([]byte{0xab}, 13)...)
	spliced := append(append(append([]byte(nil), body[:first]...), unknown...), body[first:]...)
	out := rewrap(t, b[:frameHeaderLen], spliced)
	binary.LittleEndian.PutUint16(out[28:], 3) // three tiles
	got, err := livetest.DecodeFrame(out)
	if err != nil {
		t.Fatal(err)
	}
	if got.Skipped != 1 {
		t.Errorf("%d tiles skipped, want 1", got.Skipped)
	}
	got.Skipped = 0
	checkDecoded(t, got, h, points, tiles)
}

// inflateBody returns the decompressed body of frame b.
func inflateBody(t testing.TB, b []byte) []byte {
	t.Helper()
	body, err := io.ReadAll(flate.NewReader(bytes.NewReader(b[frameHeaderLen:])))
	if err != nil {
		t.Fatal(err)
	}
	return body
}

// rewrap returns a frame of header (its body length set) and body,
// deflated in one segment.
func rewrap(t testing.TB, header, body []byte) []byte {
	t.Helper()
	var z bytes.Buffer
	w, _ := flate.NewWriter(&z, flate.BestSpeed)
	w.Write(body)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	out := append(append([]byte(nil), header...), z.Bytes()...)
	binary.LittleEndian.PutUint32(out[60:], uint32(len(body)))
	return out
}

// FuzzDecodeFrame decodes arbitrary frames with livetest's decoder, which
// must never panic; a frame it accepts is encoded again from what it read
// and decoded once more, which must give the same header, points, labels
// and support, and energies within one quantisation step.
func FuzzDecodeFrame(f *testing.F) {
	for _, g := range goldenFrames {
		if b, err := os.ReadFile(g.name + ".bin"); err == nil {
			f.Add(b)
		}
	}
	var enc frameEncoder
	b, _ := enc.encode(nil, frameHeader{m: 3, coarse: true}, []pointSet{testPoints(sim.FeatureSpace, 3, 2)},
		[]*sim.Frame{testTile(sim.InputSpace, 3, 2, 2, 3, 0)}, sim.Serial{})
	f.Add(b)
	// A body to mutate past the deflate layer: the same frame stored.
	f.Add(rewrapStored(f, b[:frameHeaderLen], inflateBody(f, b)))
	f.Fuzz(func(t *testing.T, data []byte) {
		first, err := livetest.DecodeFrame(data)
		if err != nil || len(first.Views) > 16 {
			return // a frame of many tiles costs the encoder a compressor each: too slow to fuzz
		}
		h := frameHeader{seq: first.Seq, epoch: first.Epoch, t: first.T, iterations: first.Iterations, m: first.M,
			loss: first.Loss, deltaMin: first.DeltaMin, minAngleDeg: first.MinAngleDeg, coarse: first.Coarse}
		var points []pointSet
		for _, p := range first.PointSets {
			points = append(points, pointSet{space: sim.Space(p.Space), dim: p.Dim, xs: p.Points})
		}
		var tiles []*sim.Frame
		for _, v := range first.Views {
			fr := &sim.Frame{Space: sim.Space(v.Space), XS: make([]float64, v.NX), YS: make([]float64, v.NY)}
			fr.XS[0], fr.XS[v.NX-1], fr.YS[0], fr.YS[v.NY-1] = v.XMin, v.XMax, v.YMin, v.YMax
			for _, p := range v.Panels {
				sp := sim.Panel{Energy: p.Energy, Labels: make([]int32, len(p.Labels)), Support: make([]int32, len(p.Support))}
				for c, l := range p.Labels {
					switch l {
					case livetest.LabelWhite:
						sp.Labels[c] = sim.LabelWhite
						sp.Unlabeled++
					case livetest.LabelUndefined:
						sp.Labels[c] = sim.LabelUndefined
					default:
						sp.Labels[c] = int32(l)
					}
					sp.Support[c] = int32(p.Support[c])
				}
				fr.Panels = append(fr.Panels, sp)
			}
			tiles = append(tiles, fr)
		}
		var enc frameEncoder
		again, err := enc.encode(nil, h, points, tiles, sim.Serial{})
		if err != nil {
			t.Fatalf("a frame the decoder accepts cannot be encoded again: %v", err)
		}
		second, err := livetest.DecodeFrame(again)
		if err != nil {
			t.Fatalf("the frame encoded again does not decode: %v", err)
		}
		checkDecoded(t, second, h, points, tiles)
	})
}

// rewrapStored is rewrap with the body in stored (uncompressed) blocks.
func rewrapStored(t testing.TB, header, body []byte) []byte {
	t.Helper()
	var z bytes.Buffer
	w, _ := flate.NewWriter(&z, flate.NoCompression)
	w.Write(body)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	out := append(append([]byte(nil), header...), z.Bytes()...)
	binary.LittleEndian.PutUint32(out[60:], uint32(len(body)))
	return out
}
