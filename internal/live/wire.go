package live

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"

	// klauspost's deflate at level 1 is about twice as fast as the
	// standard library's on frames, and a little smaller; any inflater
	// reads it (the page's DecompressionStream, livetest's compress/flate).
	"github.com/klauspost/compress/flate"

	"hoplab/internal/sim"
)

// Binary frame layout, version 2: docs/protocol.md "Frames".
const (
	frameMagic     = "HOPF"
	frameVersion   = 2 // the frame format's own version, apart from protocolVersion of the JSON messages
	frameHeaderLen = 64
	frameEncoding  = 1      // deflate, RFC 1951
	flagCoarse     = 1 << 0 // a coarse frame: a smaller grid while input moves

	labelNone      = 0xffff             // the label of a white cell
	labelUndefined = 0xfffe             // the label of an undefined cell (sim.LabelUndefined)
	maxWireLabel   = labelUndefined - 1 // the largest memory index a frame can carry
	maxWireSupport = 0xffff             // support sizes are u16; larger ones are sent as this

	energyBits   = 12                // the energy's quantisation
	energyLevels = 1<<energyBits - 1 // the largest quantised energy

	pointSetHeaderLen = 8                 // space, dim, 6 reserved
	tileHeaderLen     = 8                 // kind, space, panel count, length of the rest
	tileGrid2D        = 1                 // the tile kind of a 2-D grid
	grid2DGeometryLen = 2 + 2 + 4 + 4*8   // nx, ny, 4 reserved, the box
	panelHeaderLen    = 8 + 3*8           // separation index, 7 reserved, energyMin, energyMax, unlabeled fraction
	panelPlanes       = 6                 // bytes per cell: energy, label and support, each as two byte planes
	spaceFeature      = 0                 // the space byte of feature space
	spaceInput        = 1                 // the space byte of input space
	maxTileBytes      = math.MaxUint32    // a tile's length field is u32
	maxPointDim       = math.MaxUint8     // a point set's dim is a byte
	maxPointSets      = math.MaxUint8     // the header counts point sets in a byte
	maxTiles          = math.MaxUint16    // and tiles in a u16
	maxSeparations    = math.MaxUint8 + 1 // a panel's separation index is a byte
)

// frameHeader holds the header fields of a frame besides the layout's own.
type frameHeader struct {
	seq, epoch    uint32
	t, iterations int
	m             int
	loss          float64
	deltaMin      float64
	minAngleDeg   float64
	coarse        bool
}

// pointSet is one point set of a frame: the M memories as points of one
// space, each of dim coordinates.
type pointSet struct {
	space sim.Space
	dim   int
	// xs holds M·dim coordinates, memory-major: x₀, y₀, …, x₁, y₁, ….
	xs []float64
}

// frameEncoder writes frames. The body is built and compressed in
// segments, one per tile (the point sets go with the first), which a
// sim.Runner may encode concurrently: each segment is its own run of
// deflate blocks, all but the last ended by a flush (an empty stored block)
// rather than a final block, so that their concatenation is one valid
// deflate stream (RFC 1951 §3.2.3; pigz does the same). The encoder keeps
// its buffers and compressors, so that encoding allocates nothing once
// warm. Not safe for concurrent use.
type frameEncoder struct {
	segs []segment

	// The frame being encoded, for RunChunk.
	points []pointSet
	tiles  []*sim.Frame
	nsegs  int
}

// segment is one part of a frame's body.
type segment struct {
	body  []byte // uncompressed
	q     []uint16
	out   appendWriter // compressed
	flate *flate.Writer
}

// appendWriter is an io.Writer that appends to b.
type appendWriter struct{ b []byte }

func (w *appendWriter) Write(p []byte) (int, error) {
	w.b = append(w.b, p...)
	return len(p), nil
}

// errFrameLayout wraps every frame that the format cannot carry.
var errFrameLayout = errors.New("live: the frame format cannot carry this frame")

// encode appends the frame of h, the point sets and the tiles to dst[:0]
// and returns it. Every point set holds h.m points; each tile is a 2-D
// grid (a sim.Frame) of its own size and panels, the panels in the order
// of the state's separations. h.m ≤ maxWireLabel+1, so that every label
// fits. runner encodes the segments; its error (a cancelled context) is
// returned, and an error wrapping errFrameLayout when the frame exceeds
// what the format can say.
func (e *frameEncoder) encode(dst []byte, h frameHeader, points []pointSet, tiles []*sim.Frame, runner sim.Runner) ([]byte, error) {
	if err := checkLayout(h.m, points, tiles); err != nil {
		return nil, err
	}
	flags := byte(0)
	if h.coarse {
		flags |= flagCoarse
	}
	e.points, e.tiles = points, tiles
	e.nsegs = max(len(tiles), 1)
	for len(e.segs) < e.nsegs {
		e.segs = append(e.segs, segment{})
	}
	defer func() { e.points, e.tiles = nil, nil }()
	if err := runner.Run(e.nsegs, e); err != nil {
		return nil, err
	}
	bodyLen := 0
	for i := range e.nsegs {
		bodyLen += len(e.segs[i].body)
	}

	le := binary.LittleEndian
	out := append(dst[:0], frameMagic...)
	out = le.AppendUint16(out, frameVersion)
	out = le.AppendUint16(out, frameHeaderLen)
	out = le.AppendUint32(out, h.seq)
	out = le.AppendUint32(out, h.epoch)
	out = le.AppendUint32(out, uint32(h.t))
	out = le.AppendUint32(out, uint32(h.iterations))
	out = le.AppendUint32(out, uint32(h.m))
	out = le.AppendUint16(out, uint16(len(tiles)))
	out = append(out, byte(len(points)), flags)
	out = appendFloat(out, h.loss)
	out = appendFloat(out, h.deltaMin)
	out = appendFloat(out, h.minAngleDeg)
	out = append(out, frameEncoding, energyBits, 0, 0)
	out = le.AppendUint32(out, uint32(bodyLen))
	for i := range e.nsegs {
		out = append(out, e.segs[i].out.b...)
	}
	return out, nil
}

// checkLayout reports, wrapping errFrameLayout, a frame that the format
// cannot carry: too many memories, point sets, tiles or separations, a
// point set of the wrong length, a grid side beyond a u16 or a tile beyond
// 4 GiB. It allocates only when it fails.
func checkLayout(m int, points []pointSet, tiles []*sim.Frame) error {
	if m < 0 || m > maxWireLabel+1 {
		return fmt.Errorf("%w: M = %d memories, at most %d", errFrameLayout, m, maxWireLabel+1)
	}
	if len(points) > maxPointSets || len(tiles) > maxTiles {
		return fmt.Errorf("%w: %d point sets and %d tiles, at most %d and %d", errFrameLayout, len(points), len(tiles), maxPointSets, maxTiles)
	}
	for _, p := range points {
		if p.dim < 1 || p.dim > maxPointDim || len(p.xs) != m*p.dim {
			return fmt.Errorf("%w: a point set of %d coordinates in dimension %d for M = %d", errFrameLayout, len(p.xs), p.dim, m)
		}
	}
	for _, f := range tiles {
		nx, ny, np := len(f.XS), len(f.YS), len(f.Panels)
		if nx < 2 || ny < 2 || nx > math.MaxUint16 || ny > math.MaxUint16 || np > maxSeparations {
			return fmt.Errorf("%w: a %d×%d grid of %d panels", errFrameLayout, nx, ny, np)
		}
		if uint64(grid2DGeometryLen)+uint64(np)*(panelHeaderLen+panelPlanes*uint64(nx)*uint64(ny)) > maxTileBytes {
			return fmt.Errorf("%w: a %d×%d grid of %d panels exceeds 4 GiB", errFrameLayout, nx, ny, np)
		}
		for pi := range f.Panels {
			p := &f.Panels[pi]
			if len(p.Energy) != nx*ny || len(p.Labels) != nx*ny || len(p.Support) != nx*ny {
				return fmt.Errorf("%w: panel %d has %d, %d and %d cells, the grid %d", errFrameLayout, pi, len(p.Energy), len(p.Labels), len(p.Support), nx*ny)
			}
		}
	}
	return nil
}

// tileRestLen is the length of a grid2d tile after its common header.
func tileRestLen(nx, ny, panels int) int {
	return grid2DGeometryLen + panels*(panelHeaderLen+panelPlanes*nx*ny)
}

// RunChunk builds and compresses segment i: the point sets and tile 0, or
// tile i. It implements sim.Task.
func (e *frameEncoder) RunChunk(i int) {
	sg := &e.segs[i]
	b := sg.body[:0]
	if i == 0 {
		for _, p := range e.points {
			b = append(b, spaceByte(p.space), byte(p.dim), 0, 0, 0, 0, 0, 0)
			b = appendFloats(b, p.xs)
		}
	}
	if i < len(e.tiles) {
		b = sg.appendGrid2D(b, e.tiles[i])
	}
	sg.body = b

	sg.out.b = sg.out.b[:0]
	if sg.flate == nil {
		sg.flate, _ = flate.NewWriter(&sg.out, flate.BestSpeed) // BestSpeed is a valid level: no error
	} else {
		sg.flate.Reset(&sg.out)
	}
	// Writes to an appendWriter cannot fail.
	_, _ = sg.flate.Write(b)
	if i == e.nsegs-1 {
		_ = sg.flate.Close() // the final block
	} else {
		_ = sg.flate.Flush() // ends on a byte boundary with no final block
	}
}

func spaceByte(s sim.Space) byte {
	if s == sim.InputSpace {
		return spaceInput
	}
	return spaceFeature
}

// appendGrid2D appends the grid2d tile of f (docs/protocol.md, "Frames"):
// the tile header, the geometry, the panel headers and each panel's
// energy, label and support planes.
func (sg *segment) appendGrid2D(b []byte, f *sim.Frame) []byte {
	le := binary.LittleEndian
	nx, ny := len(f.XS), len(f.YS)
	b = append(b, tileGrid2D, spaceByte(f.Space))
	b = le.AppendUint16(b, uint16(len(f.Panels)))
	b = le.AppendUint32(b, uint32(tileRestLen(nx, ny, len(f.Panels))))
	b = le.AppendUint16(b, uint16(nx))
	b = le.AppendUint16(b, uint16(ny))
	b = append(b, 0, 0, 0, 0)
	b = appendFloat(b, f.XS[0])
	b = appendFloat(b, f.XS[nx-1])
	b = appendFloat(b, f.YS[0])
	b = appendFloat(b, f.YS[ny-1])
	for pi := range f.Panels {
		lo, hi := energyRange(f.Panels[pi].Energy)
		b = append(b, byte(pi), 0, 0, 0, 0, 0, 0, 0)
		b = appendFloat(b, lo)
		b = appendFloat(b, hi)
		b = appendFloat(b, f.Panels[pi].UnlabeledFraction())
	}
	for pi := range f.Panels {
		p := &f.Panels[pi]
		lo, hi := energyRange(p.Energy)
		b = sg.appendEnergy(b, p.Energy, nx, ny, lo, hi)
		b = appendLabels(b, p.Labels)
		b = appendSupport(b, p.Support)
	}
	return b
}

// appendLabels appends the cells' labels as u16 in two byte planes, the
// low bytes of every cell, then the high bytes (docs/protocol.md,
// "Frames"): the memory index, labelUndefined, or labelNone (white).
func appendLabels(b []byte, labels []int32) []byte {
	start := len(b)
	b = slices.Grow(b, 2*len(labels))[:start+2*len(labels)]
	lows, highs := b[start:start+len(labels)], b[start+len(labels):]
	for i, l := range labels {
		w := uint16(l)
		switch {
		case l == sim.LabelUndefined:
			w = labelUndefined
		case l < 0 || l > maxWireLabel: // white; checkLayout keeps M ≤ maxWireLabel+1
			w = labelNone
		}
		lows[i], highs[i] = byte(w), byte(w>>8)
	}
	return b
}

// appendSupport appends the support sizes as u16 in two byte planes,
// clamped to [0, maxWireSupport].
func appendSupport(b []byte, support []int32) []byte {
	start := len(b)
	b = slices.Grow(b, 2*len(support))[:start+2*len(support)]
	lows, highs := b[start:start+len(support)], b[start+len(support):]
	for i, s := range support {
		w := uint16(min(max(s, 0), maxWireSupport))
		lows[i], highs[i] = byte(w), byte(w>>8)
	}
	return b
}

// appendEnergy quantises energy (nx·ny, row-major) to energyBits over its
// finite range [lo, hi] and appends the plane predictor's residuals, low
// bytes then high bytes (docs/protocol.md, "Energy").
func (sg *segment) appendEnergy(b []byte, energy []float64, nx, ny int, lo, hi float64) []byte {
	scale := 0.0
	if hi > lo {
		scale = energyLevels / (hi - lo)
	}
	// A range wider than the largest float64 (energies near ±1.8e308 of a
	// run about to diverge) is measured in halves, which cannot overflow.
	halves := math.IsInf(hi-lo, 1)
	if halves {
		scale = energyLevels / (float64(hi/2) - float64(lo/2))
	}
	// A range so narrow that its reciprocal overflows (subnormal
	// differences) is divided by instead.
	narrow := math.IsInf(scale, 1)
	q := grow(sg.q, len(energy))
	sg.q = q
	for i, v := range energy {
		if !(v >= lo) { // NaN
			q[i] = 0
			continue
		}
		d := v - lo
		var x float64
		switch {
		case halves:
			x = (float64(v/2) - float64(lo/2)) * scale
		case narrow:
			x = d / (hi - lo) * energyLevels
		default:
			x = d * scale
		}
		q[i] = uint16(min(math.Round(x), energyLevels))
	}
	start := len(b)
	b = slices.Grow(b, 2*len(q))[:start+2*len(q)]
	lows, highs := b[start:start+len(q)], b[start+len(q):]
	for i := range ny {
		row := q[i*nx : i*nx+nx]
		for j, v := range row {
			var left, below, belowLeft uint16
			if j > 0 {
				left = row[j-1]
			}
			if i > 0 {
				below = q[(i-1)*nx+j]
				if j > 0 {
					belowLeft = q[(i-1)*nx+j-1]
				}
			}
			r := v - (left + below - belowLeft)
			lows[i*nx+j], highs[i*nx+j] = byte(r), byte(r>>8)
		}
	}
	return b
}

// energyRange returns the least and the greatest finite value of energy
// (0, 0 when there is none).
func energyRange(energy []float64) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, v := range energy {
		if v-v != 0 { // ±Inf or NaN
			continue
		}
		if v < lo {
			lo = v
		}
		if v > hi {
			hi = v
		}
	}
	if lo > hi {
		return 0, 0
	}
	return lo, hi
}

func appendFloat(b []byte, v float64) []byte {
	return binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
}

func appendFloats(b []byte, vs []float64) []byte {
	for _, v := range vs {
		b = appendFloat(b, v)
	}
	return b
}

// grow returns s with length n, reallocated only when its capacity is short.
func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}
