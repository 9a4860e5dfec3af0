package live

import (
	"encoding/binary"
	"math"
	"slices"

	// klauspost's deflate at level 1 is about twice as fast as the
	// standard library's on frames, and a little smaller; any inflater
	// reads it (the page's DecompressionStream, livetest's compress/flate).
	"github.com/klauspost/compress/flate"

	"hoplab/internal/sim"
)

// Binary frame layout, docs/protocol.md "Frames".
const (
	frameMagic        = "HOPF"
	frameHeaderLen    = 64
	frameEncoding     = 1 // deflate, RFC 1951
	flagInputPoints   = 1 << 0
	flagFeaturePoints = 1 << 1
	flagCoarse        = 1 << 2            // a coarse frame: a smaller grid while input moves
	labelNone         = 255               // the label byte of a white cell
	labelUndefined    = 254               // the label byte of an undefined cell (sim.LabelUndefined)
	maxWireLabel      = 253               // labels above this cannot be sent; MaxLiveMemories keeps M below it
	energyBits        = 12                // the energy's quantisation
	energyLevels      = 1<<energyBits - 1 // the largest quantised energy
	viewBlockHeader   = 8 + 4*8           // space byte, 7 reserved, the box
	panelHeaderLen    = 3 * 8
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

// frameEncoder writes frames. The body is built and compressed in
// segments, one per view (the points go with the first), which a
// sim.Runner may encode concurrently: each segment is its own run of
// deflate blocks, all but the last ended by a flush (an empty stored block)
// rather than a final block, so that their concatenation is one valid
// deflate stream (RFC 1951 §3.2.3; pigz does the same). The encoder keeps
// its buffers and compressors, so that encoding allocates nothing once
// warm. Not safe for concurrent use.
type frameEncoder struct {
	segs [2]segment

	// The frame being encoded, for RunChunk.
	inputPoints, featurePoints []float64
	views                      []*sim.Frame
	nsegs                      int
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

// encode appends the frame of h, the points and views (at most two) to
// dst[:0] and returns it. inputPoints and featurePoints (2M each) may be
// nil; every view has the same grid size and the same number of panels,
// and M ≤ maxWireLabel+1. runner encodes the segments; its error (a
// cancelled context) is returned.
func (e *frameEncoder) encode(dst []byte, h frameHeader, inputPoints, featurePoints []float64, views []*sim.Frame, runner sim.Runner) ([]byte, error) {
	nx, ny, panels := 0, 0, 0
	if len(views) > 0 {
		nx, ny, panels = len(views[0].XS), len(views[0].YS), len(views[0].Panels)
	}
	flags := byte(0)
	if h.coarse {
		flags |= flagCoarse
	}
	if inputPoints != nil {
		flags |= flagInputPoints
	}
	if featurePoints != nil {
		flags |= flagFeaturePoints
	}
	e.inputPoints, e.featurePoints, e.views = inputPoints, featurePoints, views
	e.nsegs = max(len(views), 1)
	defer func() { e.inputPoints, e.featurePoints, e.views = nil, nil, nil }()
	if err := runner.Run(e.nsegs, e); err != nil {
		return nil, err
	}
	bodyLen := 0
	for i := range e.nsegs {
		bodyLen += len(e.segs[i].body)
	}

	out := append(dst[:0], frameMagic...)
	out = binary.LittleEndian.AppendUint16(out, protocolVersion)
	out = binary.LittleEndian.AppendUint16(out, frameHeaderLen)
	out = binary.LittleEndian.AppendUint32(out, h.seq)
	out = binary.LittleEndian.AppendUint32(out, h.epoch)
	out = binary.LittleEndian.AppendUint32(out, uint32(h.t))
	out = binary.LittleEndian.AppendUint32(out, uint32(h.iterations))
	out = binary.LittleEndian.AppendUint16(out, uint16(h.m))
	out = append(out, byte(len(views)), byte(panels))
	out = binary.LittleEndian.AppendUint16(out, uint16(nx))
	out = binary.LittleEndian.AppendUint16(out, uint16(ny))
	out = appendFloat(out, h.loss)
	out = appendFloat(out, h.deltaMin)
	out = appendFloat(out, h.minAngleDeg)
	out = append(out, flags, frameEncoding, energyBits, 0)
	out = binary.LittleEndian.AppendUint32(out, uint32(bodyLen))
	for i := range e.nsegs {
		out = append(out, e.segs[i].out.b...)
	}
	return out, nil
}

// RunChunk builds and compresses segment i: the points and view 0, or
// view 1. It implements sim.Task.
func (e *frameEncoder) RunChunk(i int) {
	sg := &e.segs[i]
	b := sg.body[:0]
	if i == 0 {
		if e.inputPoints != nil {
			b = appendFloats(b, e.inputPoints)
		}
		if e.featurePoints != nil {
			b = appendFloats(b, e.featurePoints)
		}
	}
	if i < len(e.views) {
		b = sg.appendView(b, e.views[i])
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

// appendView appends the view block of f (docs/protocol.md, "Frames").
func (sg *segment) appendView(b []byte, f *sim.Frame) []byte {
	nx, ny := len(f.XS), len(f.YS)
	space := byte(0)
	if f.Space == sim.InputSpace {
		space = 1
	}
	b = append(b, space, 0, 0, 0, 0, 0, 0, 0)
	b = appendFloats(b, []float64{f.XS[0], f.XS[nx-1], f.YS[0], f.YS[ny-1]})
	for pi := range f.Panels {
		lo, hi := energyRange(f.Panels[pi].Energy)
		b = appendFloat(b, lo)
		b = appendFloat(b, hi)
		b = appendFloat(b, f.Panels[pi].UnlabeledFraction())
	}
	for pi := range f.Panels {
		p := &f.Panels[pi]
		b = sg.appendEnergy(b, p.Energy, nx, ny)
		for _, l := range p.Labels {
			switch {
			case l == sim.LabelUndefined:
				b = append(b, labelUndefined)
			case l < 0 || l > maxWireLabel:
				b = append(b, labelNone)
			default:
				b = append(b, byte(l))
			}
		}
		for _, s := range p.Support {
			b = append(b, byte(min(max(s, 0), 255)))
		}
	}
	return b
}

// appendEnergy quantises energy (nx·ny, row-major) to energyBits over its
// range and appends the plane predictor's residuals, low bytes then high
// bytes (docs/protocol.md, "Energy").
func (sg *segment) appendEnergy(b []byte, energy []float64, nx, ny int) []byte {
	lo, hi := energyRange(energy)
	scale := 0.0
	if hi > lo {
		scale = energyLevels / (hi - lo)
	}
	// A range wider than the largest float64 (energies near ±1.8e308 of a
	// run about to diverge) is measured in halves, which cannot overflow.
	halves := math.IsInf(hi-lo, 1)
	if halves {
		scale = energyLevels / (hi/2 - lo/2)
	}
	q := grow(sg.q, len(energy))
	sg.q = q
	for i, v := range energy {
		if !(v >= lo) { // NaN
			q[i] = 0
			continue
		}
		d := v - lo
		if halves {
			d = v/2 - lo/2
		}
		q[i] = uint16(min(math.Round(d*scale), energyLevels))
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
