package api

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"

	"hoplab/internal/sim"
	"hoplab/internal/sim/separation"
)

// TestWriteResultMatchesEncodingJSON encodes results with writeResult and
// with encoding/json on a plain nested reference, decodes both with
// encoding/json and compares: same values (bit for bit), same shapes,
// non-finite numbers as null.
func TestWriteResultMatchesEncodingJSON(t *testing.T) {
	special := []float64{0, math.Copysign(0, -1), 1, -1.5, 1e21, 1e-7, 5e-324, math.MaxFloat64, -math.SmallestNonzeroFloat64,
		0.1, 1.0 / 3, math.NaN(), math.Inf(1), math.Inf(-1)}
	rng := rand.New(rand.NewPCG(1, 2))
	value := func() float64 {
		if rng.IntN(3) == 0 {
			return special[rng.IntN(len(special))]
		}
		return rng.NormFloat64() * math.Pow(10, float64(rng.IntN(21)-10))
	}
	values := func(n int) []float64 {
		v := make([]float64, n)
		for i := range v {
			v[i] = value()
		}
		return v
	}
	ints := func(n, lo, hi int) []int32 {
		v := make([]int32, n)
		for i := range v {
			v[i] = int32(lo + rng.IntN(hi-lo+1))
		}
		return v
	}
	entmax, err := separation.Entmax(1.25)
	if err != nil {
		t.Fatal(err)
	}
	seps := []separation.Map{separation.Softmax(), separation.Entmax15(), separation.Sparsemax(), entmax}

	for trial := range 50 {
		m, d, k := 1+rng.IntN(5), 1+rng.IntN(4), 1+rng.IntN(4)
		nx, ny := 2+rng.IntN(5), 2+rng.IntN(5)
		res := &result{}
		for it := range rng.IntN(4) {
			res.trajectory = append(res.trajectory, sim.State{Iteration: it, W: values(k * d), B: values(k),
				Loss: value(), DeltaMin: value(), MinAngleDeg: value()})
		}
		for range rng.IntN(3) {
			f := sim.Frame{Iteration: rng.IntN(10), Points: values(2 * m), XS: values(nx), YS: values(ny)}
			for range 1 + rng.IntN(3) {
				p := sim.Panel{Separation: seps[rng.IntN(len(seps))], Energy: values(nx * ny),
					Labels: ints(nx*ny, -2, m-1), Support: ints(nx*ny, 1, m)}
				for _, l := range p.Labels {
					switch l {
					case sim.LabelWhite:
						p.Unlabeled++
					case sim.LabelUndefined:
						p.Undefined++
					}
				}
				f.Panels = append(f.Panels, p)
			}
			res.frames = append(res.frames, f)
		}

		var got bytes.Buffer
		if err := writeResult(&got, res); err != nil {
			t.Fatal(err)
		}
		if !json.Valid(got.Bytes()) {
			t.Fatalf("trial %d: invalid JSON: %s", trial, got.Bytes())
		}
		want, err := json.Marshal(reference(res))
		if err != nil {
			t.Fatal(err)
		}
		var g, w any
		if err := json.Unmarshal(got.Bytes(), &g); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(want, &w); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(g, w) {
			t.Fatalf("trial %d: writeResult gives\n%s\nencoding/json gives\n%s", trial, got.Bytes(), want)
		}
	}
}

// reference builds the docs/api.md Result of res as plain nested values for
// encoding/json; nil stands for a non-finite number.
func reference(res *result) map[string]any {
	num := func(v float64) any {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil
		}
		return v
	}
	nums := func(v []float64) []any {
		out := []any{}
		for _, x := range v {
			out = append(out, num(x))
		}
		return out
	}
	rows := func(v []float64, cols int) []any {
		out := []any{}
		for r := 0; r < len(v)/cols; r++ {
			out = append(out, nums(v[r*cols:(r+1)*cols]))
		}
		return out
	}
	intRows := func(v []int32, cols int) []any {
		out := []any{}
		for r := 0; r < len(v)/cols; r++ {
			row := []any{}
			for _, x := range v[r*cols : (r+1)*cols] {
				row = append(row, x)
			}
			out = append(out, row)
		}
		return out
	}
	traj := []any{}
	for _, st := range res.trajectory {
		traj = append(traj, map[string]any{
			"iteration": st.Iteration, "W": rows(st.W, len(st.W)/len(st.B)), "b": nums(st.B),
			"loss": num(st.Loss), "deltaMin": num(st.DeltaMin), "minAngleDeg": num(st.MinAngleDeg),
		})
	}
	snaps := []any{}
	for _, f := range res.frames {
		panels := []any{}
		for _, p := range f.Panels {
			panels = append(panels, map[string]any{
				"separation": p.Separation.Name(), "energy": rows(p.Energy, len(f.XS)),
				"labels": intRows(p.Labels, len(f.XS)), "support": intRows(p.Support, len(f.XS)),
				"unlabeledFraction": num(float64(p.Unlabeled) / float64(len(p.Labels))),
				"undefinedCells":    p.Undefined,
			})
		}
		snaps = append(snaps, map[string]any{
			"iteration": f.Iteration, "points": rows(f.Points, 2), "xs": nums(f.XS), "ys": nums(f.YS), "panels": panels,
		})
	}
	return map[string]any{"trajectory": traj, "snapshots": snaps}
}

// TestWriteResultFloats checks that every float reads back exactly and
// that non-finite ones are null.
func TestWriteResultFloats(t *testing.T) {
	in := []float64{0.1, 1.0 / 3, 5e-324, math.MaxFloat64, -2.5e-300, 123456789012345680000, math.NaN(), math.Inf(-1)}
	res := &result{trajectory: []sim.State{{W: in, B: []float64{0}, Loss: math.NaN(), DeltaMin: math.Inf(1), MinAngleDeg: 7}}}
	var buf bytes.Buffer
	if err := writeResult(&buf, res); err != nil {
		t.Fatal(err)
	}
	var out struct {
		Trajectory []struct {
			W           [][]*float64
			Loss        *float64
			DeltaMin    *float64
			MinAngleDeg *float64
		}
	}
	if err := json.Unmarshal(buf.Bytes(), &out); err != nil {
		t.Fatalf("%v: %s", err, buf.Bytes())
	}
	st := out.Trajectory[0]
	if len(st.W) != 1 || len(st.W[0]) != len(in) {
		t.Fatalf("W = %v, want one row of %d", st.W, len(in))
	}
	for j, want := range in {
		got := st.W[0][j]
		finite := !math.IsNaN(want) && !math.IsInf(want, 0)
		if finite && (got == nil || math.Float64bits(*got) != math.Float64bits(want)) || !finite && got != nil {
			t.Errorf("W[0][%d] = %v, want %v", j, deref(got), want)
		}
	}
	if st.Loss != nil || st.DeltaMin != nil || st.MinAngleDeg == nil || *st.MinAngleDeg != 7 {
		t.Errorf("loss, deltaMin, minAngleDeg = %v, %v, %v; want null, null, 7", deref(st.Loss), deref(st.DeltaMin), deref(st.MinAngleDeg))
	}
}

// TestJSONWriterString checks string escaping against encoding/json.
func TestJSONWriterString(t *testing.T) {
	for _, s := range []string{"", "softmax", "entmax:1.25", `a"b\c`, "tab\tnew\nline\x00\x1f", "ünï€😀", "bad\xffutf8"} {
		var buf bytes.Buffer
		j := &jsonWriter{w: bufio.NewWriter(&buf)}
		j.str(s)
		if err := j.w.Flush(); err != nil {
			t.Fatal(err)
		}
		var got string
		if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
			t.Fatalf("%q encodes to invalid JSON %s: %v", s, buf.Bytes(), err)
		}
		want, _ := json.Marshal(s)
		var w string
		json.Unmarshal(want, &w)
		if got != w {
			t.Errorf("%q reads back as %q, want %q", s, got, w)
		}
	}
}

// TestWriteResultError checks that a failing writer's error is returned.
func TestWriteResultError(t *testing.T) {
	res := &result{frames: []sim.Frame{{XS: make([]float64, 300), YS: make([]float64, 300),
		Panels: []sim.Panel{{Separation: separation.Softmax(), Energy: make([]float64, 90000), Labels: make([]int32, 90000), Support: make([]int32, 90000)}}}}}
	errBroken := errors.New("broken pipe")
	if err := writeResult(failingWriter{errBroken}, res); !errors.Is(err, errBroken) {
		t.Errorf("writeResult = %v, want %v", err, errBroken)
	}
}

type failingWriter struct{ err error }

func (w failingWriter) Write([]byte) (int, error) { return 0, w.err }
