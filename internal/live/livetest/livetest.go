// Package livetest is a client of hoplab's live sessions for tests: it
// opens a session over a real websocket, sends control messages and
// decodes what the server sends, frames included, by its own reading of
// docs/protocol.md.
package livetest

import (
	"bytes"
	"compress/flate"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// Timeout bounds every wait of a live test, so a broken session fails
// the test instead of hanging it.
const Timeout = 20 * time.Second

// Client is a real websocket client of a live session.
type Client struct {
	t   testing.TB
	seq uint32 // of the last message sent

	Conn *websocket.Conn
	// Hello is the session's first message.
	Hello map[string]any
	// State, Metrics: the newest of each seen so far.
	State   *State
	Metrics map[int]float64 // minAngleDeg by iteration, this epoch
	Loss    map[int]float64
	Errors  []Error
	Probes  []Probe
	Frames  int // the frames read so far
}

// State is a state message as a client decodes it.
type State struct {
	Seq            uint32          `json:"seq"`
	Epoch          uint32          `json:"epoch"`
	T              int             `json:"t"`
	Iterations     int             `json:"iterations"`
	MaxT           int             `json:"maxT"`
	Playing        bool            `json:"playing"`
	Speed          float64         `json:"speed"`
	Views          []string        `json:"views"`
	AvailableViews []string        `json:"availableViews"`
	Separations    []string        `json:"separations"`
	Dims           map[string]int  `json:"dims"`
	Scenario       json.RawMessage `json:"scenario"`
	Optimum        json.RawMessage `json:"optimum"` // "null" when sent as null, nil when absent
	Preset         *string         `json:"preset"`
	// Computing is the progress of the trajectory job, nil when none runs.
	Computing *struct {
		T       int   `json:"t"`
		Done    int64 `json:"done"`
		Total   int64 `json:"total"`
		Rebuild bool  `json:"rebuild"`
	} `json:"computing"`
}

// Error is an error message as a client decodes it.
type Error struct {
	Type    string `json:"type"`
	Seq     uint32 `json:"seq"`
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field"`
	// Iteration is present only with code "diverged".
	Iteration *int `json:"iteration,omitempty"`
}

// Probe is a probe message as a client decodes it.
type Probe struct {
	Seq   uint32  `json:"seq"`
	Space string  `json:"space"`
	X     float64 `json:"x"`
	Y     float64 `json:"y"`
	T     int     `json:"t"`
	Paths []struct {
		Separation string       `json:"separation"`
		Points     [][2]float64 `json:"points"`
		Energy     []*float64   `json:"energy"`
		Support    []int        `json:"support"`
		Label      int          `json:"label"`
	} `json:"paths"`
}

// Dial opens a session and reads its hello.
func Dial(t testing.TB, url string) *Client {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), Timeout)
	defer cancel()
	conn, _, err := websocket.Dial(ctx, url, nil)
	if err != nil {
		t.Fatalf("dial %s: %v", url, err)
	}
	conn.SetReadLimit(16 << 20)
	c := &Client{t: t, Conn: conn, Metrics: map[int]float64{}, Loss: map[int]float64{}}
	t.Cleanup(func() { conn.CloseNow() })
	typ, data := c.Read()
	if typ != websocket.MessageText {
		t.Fatalf("first message is binary")
	}
	if err := json.Unmarshal(data, &c.Hello); err != nil || c.Hello["type"] != "hello" {
		t.Fatalf("first message %s is not a hello (%v)", data, err)
	}
	return c
}

// Send sends a control message with the next seq and returns that seq.
// msg is a JSON object without seq.
func (c *Client) Send(msg string) uint32 {
	c.t.Helper()
	c.seq++
	msg = strings.TrimSpace(msg)
	full := fmt.Sprintf(`{"seq": %d, %s`, c.seq, strings.TrimPrefix(msg, "{"))
	c.SendRaw(full)
	return c.seq
}

// SendRaw sends text as it is.
func (c *Client) SendRaw(text string) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), Timeout)
	defer cancel()
	if err := c.Conn.Write(ctx, websocket.MessageText, []byte(text)); err != nil {
		c.t.Fatalf("send %s: %v", text, err)
	}
}

// Read reads one message.
func (c *Client) Read() (websocket.MessageType, []byte) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), Timeout)
	defer cancel()
	typ, data, err := c.Conn.Read(ctx)
	if err != nil {
		c.t.Fatalf("read: %v", err)
	}
	return typ, data
}

// Next reads messages, recording the text ones, until a frame arrives,
// and returns it decoded.
func (c *Client) Next() *Frame {
	c.t.Helper()
	for {
		typ, data := c.Read()
		if typ == websocket.MessageBinary {
			c.Frames++
			f, err := DecodeFrame(data)
			if err != nil {
				c.t.Fatalf("frame: %v", err)
			}
			return f
		}
		c.Record(data)
	}
}

// Until reads frames until one satisfies ok, and returns it.
func (c *Client) Until(what string, ok func(*Frame) bool) *Frame {
	c.t.Helper()
	deadline := time.Now().Add(Timeout)
	for time.Now().Before(deadline) {
		if f := c.Next(); ok(f) {
			return f
		}
	}
	c.t.Fatalf("no frame with %s within %v", what, Timeout)
	return nil
}

// UntilSeq reads frames until one reflects message seq.
func (c *Client) UntilSeq(seq uint32) *Frame {
	c.t.Helper()
	return c.Until(fmt.Sprintf("seq ≥ %d", seq), func(f *Frame) bool { return f.Seq >= seq })
}

// UntilState reads messages until a state message acknowledges seq.
func (c *Client) UntilState(seq uint32) *State {
	c.t.Helper()
	c.untilText(fmt.Sprintf("state for seq %d", seq), func() bool { return c.State != nil && c.State.Seq >= seq })
	return c.State
}

// UntilProbe reads messages until the probe reply to seq arrives, and
// returns it. Probes are traced in jobs of their own, so their replies may
// come after later messages' states.
func (c *Client) UntilProbe(seq uint32) Probe {
	c.t.Helper()
	var got Probe
	c.untilText(fmt.Sprintf("probe reply to seq %d", seq), func() bool {
		for _, p := range c.Probes {
			if p.Seq == seq {
				got = p
				return true
			}
		}
		return false
	})
	return got
}

// UntilSettled reads messages until a state message acknowledges seq and
// reports no trajectory being computed: the state that shows the result of
// every message up to seq.
func (c *Client) UntilSettled(seq uint32) *State {
	c.t.Helper()
	c.untilText(fmt.Sprintf("settled state for seq %d", seq), func() bool {
		return c.State != nil && c.State.Seq >= seq && c.State.Computing == nil
	})
	return c.State
}

// untilText reads messages, recording the text ones and counting frames,
// until ok holds of the records, or fails the test after Timeout.
func (c *Client) untilText(what string, ok func() bool) {
	c.t.Helper()
	deadline := time.Now().Add(Timeout)
	for !ok() {
		if time.Now().After(deadline) {
			c.t.Fatalf("no %s within %v", what, Timeout)
		}
		typ, data := c.Read()
		if typ == websocket.MessageBinary {
			c.Frames++
			continue
		}
		c.Record(data)
	}
}

// Record decodes a text message into the client's records.
func (c *Client) Record(data []byte) {
	c.t.Helper()
	var head struct {
		Type string `json:"type"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		c.t.Fatalf("text message %s: %v", data, err)
	}
	switch head.Type {
	case "state":
		c.State = new(State)
		MustUnmarshal(c.t, data, c.State)
	case "metrics":
		var m struct {
			Epoch       uint32     `json:"epoch"`
			From        int        `json:"from"`
			Loss        []*float64 `json:"loss"`
			MinAngleDeg []*float64 `json:"minAngleDeg"`
		}
		MustUnmarshal(c.t, data, &m)
		if m.From == 0 {
			clear(c.Metrics)
			clear(c.Loss)
		}
		for i, v := range m.MinAngleDeg {
			if v != nil {
				c.Metrics[m.From+i] = *v
			}
			if m.Loss[i] != nil {
				c.Loss[m.From+i] = *m.Loss[i]
			}
		}
	case "error":
		var e Error
		MustUnmarshal(c.t, data, &e)
		c.Errors = append(c.Errors, e)
	case "probe":
		var p Probe
		MustUnmarshal(c.t, data, &p)
		c.Probes = append(c.Probes, p)
	default:
		c.t.Fatalf("unexpected message %s", data)
	}
}

// ExpectError reads until an error reply to seq arrives and returns it.
func (c *Client) ExpectError(seq uint32) Error {
	c.t.Helper()
	deadline := time.Now().Add(Timeout)
	for time.Now().Before(deadline) {
		for _, e := range c.Errors {
			if e.Seq == seq {
				return e
			}
		}
		typ, data := c.Read()
		if typ == websocket.MessageBinary {
			c.Frames++
			continue
		}
		c.Record(data)
	}
	c.t.Fatalf("no error for seq %d", seq)
	return Error{}
}

func MustUnmarshal(t testing.TB, data []byte, v any) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(v); err != nil {
		t.Fatalf("decode %s: %v", data, err)
	}
}

// Frame is a frame decoded by the test's own reading of
// docs/protocol.md, "Frames" (version 2).
type Frame struct {
	// Coarse marks a frame rendered on a coarser grid while input moves.
	Coarse        bool
	Seq, Epoch    uint32
	T, Iterations int
	M             int
	// NX, NY: the grid of the first grid2d tile (0 when there is none).
	NX, NY         int
	Loss, DeltaMin float64
	MinAngleDeg    float64
	EnergyBits     int
	PointSets      []PointSet
	// Input, Feature: the coordinates of the first 2-D point set of each
	// space (x₀, y₀, x₁, y₁, …), nil when there is none.
	Input, Feature []float64
	// Views are the grid2d tiles, in order.
	Views []View
	// Skipped counts the tiles of a kind this decoder does not know.
	Skipped           int
	CompressedBytes   int
	DecompressedBytes int
}

// PointSet is one point set of a frame: M points of Dim coordinates,
// memory-major.
type PointSet struct {
	Space  byte // 0 feature, 1 input
	Dim    int
	Points []float64
}

// View is one grid2d tile of a frame.
type View struct {
	Space                  byte // 0 feature, 1 input
	NX, NY                 int
	XMin, XMax, YMin, YMax float64
	Panels                 []Panel
}

// Panel is one panel of a view: one separation map's landscape.
type Panel struct {
	// Separation is the panel's index into the state's separations.
	Separation                      int
	EnergyMin, EnergyMax, Unlabeled float64
	Energy                          []float64
	// Labels: the memory index, 65535 for none (white), 65534 for an
	// undefined cell.
	Labels, Support []uint16
}

// Labels of a frame that are not a memory's index.
const (
	LabelWhite     = 0xffff
	LabelUndefined = 0xfffe
)

// FrameVersion is the version of the frame format DecodeFrame reads.
const FrameVersion = 2

// DecodeFrame decodes a frame as docs/protocol.md describes it. It checks
// every length, reserved byte and value range the document states, so
// that a test fails on a frame the page would refuse.
func DecodeFrame(data []byte) (*Frame, error) {
	le := binary.LittleEndian
	if len(data) < 64 || string(data[:4]) != "HOPF" {
		return nil, fmt.Errorf("frame: bad header % x", data[:min(len(data), 8)])
	}
	if v := le.Uint16(data[4:]); v != FrameVersion {
		return nil, fmt.Errorf("frame: version %d, want %d", v, FrameVersion)
	}
	if n := le.Uint16(data[6:]); n != 64 {
		return nil, fmt.Errorf("frame: header length %d, want 64", n)
	}
	f := &Frame{
		Seq: le.Uint32(data[8:]), Epoch: le.Uint32(data[12:]),
		T: int(le.Uint32(data[16:])), Iterations: int(le.Uint32(data[20:])),
		M:               int(le.Uint32(data[24:])),
		Loss:            math.Float64frombits(le.Uint64(data[32:])),
		DeltaMin:        math.Float64frombits(le.Uint64(data[40:])),
		MinAngleDeg:     math.Float64frombits(le.Uint64(data[48:])),
		EnergyBits:      int(data[57]),
		CompressedBytes: len(data),
	}
	ntiles, nsets, flags := int(le.Uint16(data[28:])), int(data[30]), data[31]
	if flags&^1 != 0 || data[56] != 1 || f.EnergyBits < 1 || f.EnergyBits > 16 || le.Uint16(data[58:]) != 0 {
		return nil, fmt.Errorf("frame: flags %#x, encoding %d, energy bits %d, reserved %d", flags, data[56], data[57], le.Uint16(data[58:]))
	}
	f.Coarse = flags&1 != 0
	if f.M > 0xfffe {
		return nil, fmt.Errorf("frame: M = %d, labels cannot name them", f.M)
	}
	bodyLen := le.Uint32(data[60:])
	if bodyLen > 1<<28 {
		return nil, fmt.Errorf("frame: a %d-byte body", bodyLen)
	}
	body, err := io.ReadAll(io.LimitReader(flate.NewReader(bytes.NewReader(data[64:])), int64(bodyLen)+1))
	if err != nil {
		return nil, fmt.Errorf("frame: body: %w", err)
	}
	if len(body) != int(bodyLen) {
		return nil, fmt.Errorf("frame: body has %d bytes, header says %d", len(body), bodyLen)
	}
	f.DecompressedBytes = len(body)
	r := &reader{b: body}
	for i := range nsets {
		space, dim := r.u8(), int(r.u8())
		if r.zeros(6); r.err == nil && (space > 1 || dim < 1) {
			return nil, fmt.Errorf("frame: point set %d: space %d, dim %d", i, space, dim)
		}
		ps := PointSet{Space: space, Dim: dim, Points: r.floats(f.M * dim)}
		if r.err != nil {
			return nil, fmt.Errorf("frame: point set %d: %w", i, r.err)
		}
		for _, v := range ps.Points {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("frame: point set %d: %g", i, v)
			}
		}
		if dim == 2 && space == 1 && f.Input == nil {
			f.Input = ps.Points
		}
		if dim == 2 && space == 0 && f.Feature == nil {
			f.Feature = ps.Points
		}
		f.PointSets = append(f.PointSets, ps)
	}
	levels := float64(int(1)<<f.EnergyBits - 1)
	for ti := range ntiles {
		kind, space, npanels, rest := r.u8(), r.u8(), int(r.u16()), int(r.u32())
		if r.err != nil {
			return nil, fmt.Errorf("frame: tile %d: %w", ti, r.err)
		}
		if kind != 1 {
			r.skip(rest)
			f.Skipped++
			continue
		}
		end := r.off + rest
		v, err := decodeGrid2D(r, f.M, space, npanels, levels)
		if err != nil {
			return nil, fmt.Errorf("frame: tile %d: %w", ti, err)
		}
		if r.off != end {
			return nil, fmt.Errorf("frame: tile %d: %d bytes, its header says %d", ti, rest+r.off-end, rest)
		}
		if f.NX == 0 {
			f.NX, f.NY = v.NX, v.NY
		}
		f.Views = append(f.Views, v)
	}
	if r.err != nil {
		return nil, fmt.Errorf("frame: %w", r.err)
	}
	if r.off != len(body) {
		return nil, fmt.Errorf("frame: body has %d bytes, the layout %d", len(body), r.off)
	}
	return f, nil
}

// decodeGrid2D reads a grid2d tile after its common header.
func decodeGrid2D(r *reader, m int, space byte, npanels int, levels float64) (View, error) {
	v := View{Space: space, NX: int(r.u16()), NY: int(r.u16())}
	r.zeros(4)
	b := r.floats(4)
	if r.err != nil {
		return v, r.err
	}
	v.XMin, v.XMax, v.YMin, v.YMax = b[0], b[1], b[2], b[3]
	if space > 1 || v.NX < 2 || v.NY < 2 || !(v.XMin < v.XMax && v.YMin < v.YMax) || math.IsInf(v.XMax-v.XMin, 0) || math.IsInf(v.YMax-v.YMin, 0) {
		return v, fmt.Errorf("space %d, grid %d×%d, box %g %g %g %g", space, v.NX, v.NY, v.XMin, v.XMax, v.YMin, v.YMax)
	}
	seen := map[int]bool{}
	for pi := range npanels {
		sep := int(r.u8())
		r.zeros(7)
		h := r.floats(3)
		if r.err != nil {
			return v, r.err
		}
		if seen[sep] || !(h[0] <= h[1]) || math.IsInf(h[0], 0) || math.IsInf(h[1], 0) || !(h[2] >= 0 && h[2] <= 1) {
			return v, fmt.Errorf("panel %d: separation %d (again: %v), energy %g…%g, unlabeled %g", pi, sep, seen[sep], h[0], h[1], h[2])
		}
		seen[sep] = true
		v.Panels = append(v.Panels, Panel{Separation: sep, EnergyMin: h[0], EnergyMax: h[1], Unlabeled: h[2]})
	}
	cells := v.NX * v.NY
	for pi := range v.Panels {
		p := &v.Panels[pi]
		res, labels, support := r.planes(cells), r.planes(cells), r.planes(cells)
		if r.err != nil {
			return v, r.err
		}
		q := make([]uint16, cells)
		for i := range v.NY {
			for j := range v.NX {
				c := i*v.NX + j
				var left, below, belowLeft uint16
				if j > 0 {
					left = q[c-1]
				}
				if i > 0 {
					below = q[c-v.NX]
					if j > 0 {
						belowLeft = q[c-v.NX-1]
					}
				}
				q[c] = res[c] + left + below - belowLeft
				if float64(q[c]) > levels {
					return v, fmt.Errorf("panel %d cell %d: quantised energy %d beyond %g", pi, c, q[c], levels)
				}
			}
		}
		p.Energy = make([]float64, cells)
		for c, qc := range q {
			if span := p.EnergyMax - p.EnergyMin; !math.IsInf(span, 1) {
				p.Energy[c] = p.EnergyMin + float64(qc)*span/levels
			} else { // a range beyond float64: the convex form of docs/protocol.md
				t := float64(qc) / levels
				p.Energy[c] = float64(p.EnergyMin*(1-t)) + float64(p.EnergyMax*t)
			}
		}
		for c := range labels {
			if l := int(labels[c]); l >= m && l != LabelWhite && l != LabelUndefined || int(support[c]) > m {
				return v, fmt.Errorf("panel %d cell %d: label %d, support %d, M = %d", pi, c, labels[c], support[c], m)
			}
		}
		p.Labels, p.Support = labels, support
	}
	return v, nil
}

// reader reads a frame's body; its first error sticks, and later reads
// return zeros.
type reader struct {
	b   []byte
	off int
	err error
}

func (r *reader) take(n int) []byte {
	if r.err != nil {
		return nil
	}
	if n < 0 || n > len(r.b)-r.off {
		r.err = fmt.Errorf("%d bytes wanted at offset %d of a %d-byte body", n, r.off, len(r.b))
		return nil
	}
	r.off += n
	return r.b[r.off-n : r.off]
}

func (r *reader) skip(n int) { r.take(n) }

func (r *reader) u8() byte {
	if b := r.take(1); b != nil {
		return b[0]
	}
	return 0
}

func (r *reader) u16() uint16 {
	if b := r.take(2); b != nil {
		return binary.LittleEndian.Uint16(b)
	}
	return 0
}

func (r *reader) u32() uint32 {
	if b := r.take(4); b != nil {
		return binary.LittleEndian.Uint32(b)
	}
	return 0
}

// zeros reads n reserved bytes, which must be 0.
func (r *reader) zeros(n int) {
	for _, c := range r.take(n) {
		if c != 0 && r.err == nil {
			r.err = fmt.Errorf("reserved byte %#x before offset %d", c, r.off)
		}
	}
}

func (r *reader) floats(n int) []float64 {
	if n < 0 || n > (len(r.b)-r.off)/8 {
		r.take(len(r.b) + 1) // the error, unless there is one
	}
	b := r.take(8 * n)
	if r.err != nil {
		return nil
	}
	out := make([]float64, n)
	for i := range out {
		out[i] = math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:]))
	}
	return out
}

// planes reads n u16 values sent as two byte planes, low bytes first.
func (r *reader) planes(n int) []uint16 {
	if n < 0 || n > (len(r.b)-r.off)/2 {
		r.take(len(r.b) + 1) // the error, unless there is one
	}
	b := r.take(2 * n)
	if r.err != nil {
		return nil
	}
	out := make([]uint16, n)
	for i := range out {
		out[i] = uint16(b[i]) | uint16(b[n+i])<<8
	}
	return out
}

// Seq returns the seq of the last message sent.
func (c *Client) Seq() uint32 { return c.seq }
