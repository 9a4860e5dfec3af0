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
// docs/protocol.md.
type Frame struct {
	// Coarse marks a frame rendered on a coarser grid while input moves.
	Coarse            bool
	Seq, Epoch        uint32
	T, Iterations     int
	M, NX, NY         int
	Loss, DeltaMin    float64
	MinAngleDeg       float64
	Input, Feature    []float64
	Views             []View
	CompressedBytes   int
	DecompressedBytes int
}

// View is one view of a frame.
type View struct {
	Space                  byte
	XMin, XMax, YMin, YMax float64
	Panels                 []Panel
}

// Panel is one panel of a view: one separation map's landscape.
type Panel struct {
	EnergyMin, EnergyMax, Unlabeled float64
	Energy                          []float64
	Labels, Support                 []byte
}

// DecodeFrame decodes a frame as docs/protocol.md describes it.
func DecodeFrame(data []byte) (*Frame, error) {
	le := binary.LittleEndian
	if len(data) < 64 || string(data[:4]) != "HOPF" || le.Uint16(data[4:]) != 1 || le.Uint16(data[6:]) != 64 {
		return nil, fmt.Errorf("bad header % x", data[:min(len(data), 8)])
	}
	f := &Frame{
		Seq: le.Uint32(data[8:]), Epoch: le.Uint32(data[12:]),
		T: int(le.Uint32(data[16:])), Iterations: int(le.Uint32(data[20:])),
		M: int(le.Uint16(data[24:])), NX: int(le.Uint16(data[28:])), NY: int(le.Uint16(data[30:])),
		Loss:            math.Float64frombits(le.Uint64(data[32:])),
		DeltaMin:        math.Float64frombits(le.Uint64(data[40:])),
		MinAngleDeg:     math.Float64frombits(le.Uint64(data[48:])),
		CompressedBytes: len(data),
	}
	nviews, npanels, flags := int(data[26]), int(data[27]), data[56]
	bits := int(data[58])
	if data[57] != 1 || bits < 1 || bits > 16 || data[59] != 0 {
		return nil, fmt.Errorf("encoding %d, energy bits %d, reserved %d", data[57], data[58], data[59])
	}
	levels := float64(int(1)<<bits - 1)
	body, err := io.ReadAll(flate.NewReader(bytes.NewReader(data[64:])))
	if err != nil {
		return nil, err
	}
	if len(body) != int(le.Uint32(data[60:])) {
		return nil, fmt.Errorf("body has %d bytes, header says %d", len(body), le.Uint32(data[60:]))
	}
	f.DecompressedBytes = len(body)
	off := 0
	floats := func(n int) []float64 {
		out := make([]float64, n)
		for i := range out {
			out[i] = math.Float64frombits(le.Uint64(body[off:]))
			off += 8
		}
		return out
	}
	f.Coarse = flags&4 != 0
	if flags&1 != 0 {
		f.Input = floats(2 * f.M)
	}
	if flags&2 != 0 {
		f.Feature = floats(2 * f.M)
	}
	cells := f.NX * f.NY
	for range nviews {
		v := View{Space: body[off]}
		off += 8
		b := floats(4)
		v.XMin, v.XMax, v.YMin, v.YMax = b[0], b[1], b[2], b[3]
		for range npanels {
			h := floats(3)
			v.Panels = append(v.Panels, Panel{EnergyMin: h[0], EnergyMax: h[1], Unlabeled: h[2]})
		}
		for pi := range v.Panels {
			p := &v.Panels[pi]
			q := make([]uint16, cells)
			for i := range f.NY {
				for j := range f.NX {
					c := i*f.NX + j
					r := uint16(body[off+c]) | uint16(body[off+cells+c])<<8
					var left, below, belowLeft uint16
					if j > 0 {
						left = q[c-1]
					}
					if i > 0 {
						below = q[c-f.NX]
						if j > 0 {
							belowLeft = q[c-f.NX-1]
						}
					}
					q[c] = r + left + below - belowLeft
				}
			}
			off += 2 * cells
			p.Energy = make([]float64, cells)
			for c, v := range q {
				if span := p.EnergyMax - p.EnergyMin; !math.IsInf(span, 1) {
					p.Energy[c] = p.EnergyMin + float64(v)*span/levels
				} else { // a range beyond float64: the convex form of docs/protocol.md
					t := float64(v) / levels
					p.Energy[c] = p.EnergyMin*(1-t) + p.EnergyMax*t
				}
			}
			p.Labels = body[off : off+cells]
			off += cells
			p.Support = body[off : off+cells]
			off += cells
		}
		f.Views = append(f.Views, v)
	}
	if off != len(body) {
		return nil, fmt.Errorf("body has %d bytes, the layout %d", len(body), off)
	}
	return f, nil
}

// Seq returns the seq of the last message sent.
func (c *Client) Seq() uint32 { return c.seq }
