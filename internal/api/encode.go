package api

import (
	"bufio"
	"encoding/json"
	"io"
	"math"
	"strconv"
	"unicode/utf8"

	"hoplab/internal/scenario"
	"hoplab/internal/sim"
)

// result is what POST /api/v1/run computed: the trajectory t = 0..N and one
// frame per requested snapshot, in the engine's flat row-major form.
type result struct {
	trajectory []sim.State
	frames     []sim.Frame
}

// writeResult writes res as the docs/api.md Result JSON. It streams: the flat
// slices of the engine are written as nested arrays without building a tree
// of values first. Non-finite numbers (the NaN loss of a single memory, an
// overflowing energy) are written as null.
//
// Shapes: W has len(B) rows (D_Φ); energy, labels and support have len(YS)
// rows of len(XS), energy[i][j] at (XS[j], YS[i]); points are [x, y] pairs.
func writeResult(w io.Writer, res *result) error {
	j := &jsonWriter{w: bufio.NewWriterSize(w, 64<<10)}
	j.raw(`{"trajectory":`)
	j.trajectory(res.trajectory)
	j.raw(`,"snapshots":[`)
	for i := range res.frames {
		f := &res.frames[i]
		if i > 0 {
			j.raw(",")
		}
		nx := len(f.XS)
		j.raw(`{"iteration":`)
		j.int(int64(f.Iteration))
		j.raw(`,"points":`)
		j.floatRows(f.Points, 2)
		j.raw(`,"xs":`)
		j.floats(f.XS)
		j.raw(`,"ys":`)
		j.floats(f.YS)
		j.raw(`,"panels":[`)
		for pi := range f.Panels {
			p := &f.Panels[pi]
			if pi > 0 {
				j.raw(",")
			}
			j.raw(`{"separation":`)
			j.str(p.Separation.Name())
			j.raw(`,"energy":`)
			j.floatRows(p.Energy, nx)
			j.raw(`,"labels":`)
			j.intRows(p.Labels, nx)
			j.raw(`,"support":`)
			j.intRows(p.Support, nx)
			j.raw(`,"unlabeledFraction":`)
			j.float(p.UnlabeledFraction())
			j.raw(`,"undefinedCells":`)
			j.int(int64(p.Undefined))
			j.raw("}")
		}
		j.raw("]}")
	}
	j.raw("]}\n")
	return j.w.Flush() // bufio.Writer keeps the first write error
}

// writeDiverged writes the body of a run that diverged: the error, as
// writeError does, and the finite prefix of the trajectory (docs/api.md,
// "Divergence").
func writeDiverged(w io.Writer, e *scenario.Error, trajectory []sim.State) error {
	detail, err := json.Marshal(detail(e))
	if err != nil {
		return err
	}
	j := &jsonWriter{w: bufio.NewWriterSize(w, 64<<10)}
	j.raw(`{"error":`)
	j.w.Write(detail)
	j.raw(`,"trajectory":`)
	j.trajectory(trajectory)
	j.raw("}\n")
	return j.w.Flush()
}

// trajectory writes the states as the Result's "trajectory" array.
func (j *jsonWriter) trajectory(states []sim.State) {
	j.raw("[")
	for i := range states {
		st := &states[i]
		if i > 0 {
			j.raw(",")
		}
		k := len(st.B)
		d := 0
		if k > 0 {
			d = len(st.W) / k
		}
		j.raw(`{"iteration":`)
		j.int(int64(st.Iteration))
		j.raw(`,"W":`)
		j.floatRows(st.W, d)
		j.raw(`,"b":`)
		j.floats(st.B)
		j.raw(`,"loss":`)
		j.float(st.Loss)
		j.raw(`,"deltaMin":`)
		j.float(st.DeltaMin)
		j.raw(`,"minAngleDeg":`)
		j.float(st.MinAngleDeg)
		j.raw("}")
	}
	j.raw("]")
}

// jsonWriter appends JSON tokens to a buffered writer. Write errors are
// sticky in bufio.Writer and reported by Flush.
type jsonWriter struct {
	w   *bufio.Writer
	num []byte // scratch for number formatting
}

func (j *jsonWriter) raw(s string) { j.w.WriteString(s) }

// float writes v in the shortest form that reads back exactly, or null
// when v is NaN or infinite.
func (j *jsonWriter) float(v float64) {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		j.w.WriteString("null")
		return
	}
	j.num = strconv.AppendFloat(j.num[:0], v, 'g', -1, 64)
	j.w.Write(j.num)
}

func (j *jsonWriter) int(v int64) {
	j.num = strconv.AppendInt(j.num[:0], v, 10)
	j.w.Write(j.num)
}

// floats writes v as an array.
func (j *jsonWriter) floats(v []float64) {
	j.w.WriteByte('[')
	for i, x := range v {
		if i > 0 {
			j.w.WriteByte(',')
		}
		j.float(x)
	}
	j.w.WriteByte(']')
}

// floatRows writes the row-major v as an array of rows of cols values
// (the last row shorter if cols does not divide len(v)); with cols ≤ 0 it
// writes [].
func (j *jsonWriter) floatRows(v []float64, cols int) {
	j.w.WriteByte('[')
	if cols > 0 {
		for r := 0; r*cols < len(v); r++ {
			if r > 0 {
				j.w.WriteByte(',')
			}
			j.floats(v[r*cols : min((r+1)*cols, len(v))])
		}
	}
	j.w.WriteByte(']')
}

// intRows writes the row-major v as an array of rows of cols integers.
func (j *jsonWriter) intRows(v []int32, cols int) {
	j.w.WriteByte('[')
	if cols > 0 {
		for r := 0; r*cols < len(v); r++ {
			if r > 0 {
				j.w.WriteByte(',')
			}
			j.w.WriteByte('[')
			for i, x := range v[r*cols : min((r+1)*cols, len(v))] {
				if i > 0 {
					j.w.WriteByte(',')
				}
				j.int(int64(x))
			}
			j.w.WriteByte(']')
		}
	}
	j.w.WriteByte(']')
}

// str writes s as a JSON string, escaping quotes, backslashes and control
// characters; invalid UTF-8 becomes U+FFFD.
func (j *jsonWriter) str(s string) {
	const hex = "0123456789abcdef"
	j.w.WriteByte('"')
	for _, r := range s { // invalid bytes arrive as utf8.RuneError
		switch {
		case r == '"' || r == '\\':
			j.w.WriteByte('\\')
			j.w.WriteRune(r)
		case r < 0x20:
			j.w.WriteString(`\u00`)
			j.w.WriteByte(hex[r>>4])
			j.w.WriteByte(hex[r&0xf])
		case r == utf8.RuneError:
			j.w.WriteString(`\ufffd`)
		default:
			j.w.WriteRune(r)
		}
	}
	j.w.WriteByte('"')
}
