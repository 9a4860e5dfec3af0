package api

import (
	"bytes"
	"compress/flate"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hoplab/internal/scenario"
	"io"
	"math"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// liveTimeout bounds every wait of a live test, so a broken session fails
// the test instead of hanging it.
const liveTimeout = 20 * time.Second

// startLive serves a test server's routes over real HTTP and returns its
// websocket URL. Its sessions are closed and waited for when the test ends.
func startLive(t *testing.T, lim scenario.Limits) (*server, string) {
	t.Helper()
	return startLiveWith(t, lim, nil)
}

// startLiveWith is startLive with setup, when not nil, called on the server
// before it serves (to set test hooks).
func startLiveWith(t *testing.T, lim scenario.Limits, setup func(*server)) (*server, string) {
	t.Helper()
	s := newTestServer(t, lim)
	if setup != nil {
		setup(s)
	}
	ts := httptest.NewServer(s.routes(nil))
	t.Cleanup(func() {
		s.live.closeAll()
		ctx, cancel := context.WithTimeout(context.Background(), liveTimeout)
		defer cancel()
		if err := s.live.wait(ctx); err != nil {
			t.Errorf("live sessions did not end: %v", err)
		}
		ts.Close()
	})
	return s, "ws" + strings.TrimPrefix(ts.URL, "http") + livePath
}

// liveClient is a real websocket client of a live session.
type liveClient struct {
	t    testing.TB
	conn *websocket.Conn
	seq  uint32
	// hello is the session's first message.
	hello map[string]any
	// state, metrics: the newest of each seen so far.
	state   *liveStateJSON
	metrics map[int]float64 // minAngleDeg by iteration, this epoch
	loss    map[int]float64
	errors  []errorMsg
	probes  []probeJSON
	frames  int
}

// liveStateJSON is a state message as a client decodes it.
type liveStateJSON struct {
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
}

// probeJSON is a probe message as a client decodes it.
type probeJSON struct {
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

// dialLive opens a session and reads its hello.
func dialLive(t testing.TB, url string) *liveClient {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), liveTimeout)
	defer cancel()
	conn, _, err := websocket.Dial(ctx, url, nil)
	if err != nil {
		t.Fatalf("dial %s: %v", url, err)
	}
	conn.SetReadLimit(16 << 20)
	c := &liveClient{t: t, conn: conn, metrics: map[int]float64{}, loss: map[int]float64{}}
	t.Cleanup(func() { conn.CloseNow() })
	typ, data := c.read()
	if typ != websocket.MessageText {
		t.Fatalf("first message is binary")
	}
	if err := json.Unmarshal(data, &c.hello); err != nil || c.hello["type"] != "hello" {
		t.Fatalf("first message %s is not a hello (%v)", data, err)
	}
	return c
}

// send sends a control message with the next seq and returns that seq.
// msg is a JSON object without seq.
func (c *liveClient) send(msg string) uint32 {
	c.t.Helper()
	c.seq++
	msg = strings.TrimSpace(msg)
	full := fmt.Sprintf(`{"seq": %d, %s`, c.seq, strings.TrimPrefix(msg, "{"))
	c.sendRaw(full)
	return c.seq
}

// sendRaw sends text as it is.
func (c *liveClient) sendRaw(text string) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), liveTimeout)
	defer cancel()
	if err := c.conn.Write(ctx, websocket.MessageText, []byte(text)); err != nil {
		c.t.Fatalf("send %s: %v", text, err)
	}
}

// read reads one message.
func (c *liveClient) read() (websocket.MessageType, []byte) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), liveTimeout)
	defer cancel()
	typ, data, err := c.conn.Read(ctx)
	if err != nil {
		c.t.Fatalf("read: %v", err)
	}
	return typ, data
}

// next reads messages, recording the text ones, until a frame arrives,
// and returns it decoded.
func (c *liveClient) next() *wireFrame {
	c.t.Helper()
	for {
		typ, data := c.read()
		if typ == websocket.MessageBinary {
			c.frames++
			f, err := decodeWireFrame(data)
			if err != nil {
				c.t.Fatalf("frame: %v", err)
			}
			return f
		}
		c.record(data)
	}
}

// until reads frames until one satisfies ok, and returns it.
func (c *liveClient) until(what string, ok func(*wireFrame) bool) *wireFrame {
	c.t.Helper()
	deadline := time.Now().Add(liveTimeout)
	for time.Now().Before(deadline) {
		if f := c.next(); ok(f) {
			return f
		}
	}
	c.t.Fatalf("no frame with %s within %v", what, liveTimeout)
	return nil
}

// untilSeq reads frames until one reflects message seq.
func (c *liveClient) untilSeq(seq uint32) *wireFrame {
	c.t.Helper()
	return c.until(fmt.Sprintf("seq ≥ %d", seq), func(f *wireFrame) bool { return f.seq >= seq })
}

// untilState reads messages until a state message acknowledges seq.
func (c *liveClient) untilState(seq uint32) *liveStateJSON {
	c.t.Helper()
	deadline := time.Now().Add(liveTimeout)
	for c.state == nil || c.state.Seq < seq {
		if time.Now().After(deadline) {
			c.t.Fatalf("no state for seq %d within %v", seq, liveTimeout)
		}
		typ, data := c.read()
		if typ == websocket.MessageBinary {
			c.frames++
			continue
		}
		c.record(data)
	}
	return c.state
}

// record decodes a text message into the client's records.
func (c *liveClient) record(data []byte) {
	c.t.Helper()
	var head struct {
		Type string `json:"type"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		c.t.Fatalf("text message %s: %v", data, err)
	}
	switch head.Type {
	case "state":
		c.state = new(liveStateJSON)
		mustUnmarshal(c.t, data, c.state)
	case "metrics":
		var m struct {
			Epoch       uint32     `json:"epoch"`
			From        int        `json:"from"`
			Loss        []*float64 `json:"loss"`
			MinAngleDeg []*float64 `json:"minAngleDeg"`
		}
		mustUnmarshal(c.t, data, &m)
		if m.From == 0 {
			clear(c.metrics)
			clear(c.loss)
		}
		for i, v := range m.MinAngleDeg {
			if v != nil {
				c.metrics[m.From+i] = *v
			}
			if m.Loss[i] != nil {
				c.loss[m.From+i] = *m.Loss[i]
			}
		}
	case "error":
		var e errorMsg
		mustUnmarshal(c.t, data, &e)
		c.errors = append(c.errors, e)
	case "probe":
		var p probeJSON
		mustUnmarshal(c.t, data, &p)
		c.probes = append(c.probes, p)
	default:
		c.t.Fatalf("unexpected message %s", data)
	}
}

// expectError reads until an error reply to seq arrives and returns it.
func (c *liveClient) expectError(seq uint32) errorMsg {
	c.t.Helper()
	deadline := time.Now().Add(liveTimeout)
	for time.Now().Before(deadline) {
		for _, e := range c.errors {
			if e.Seq == seq {
				return e
			}
		}
		typ, data := c.read()
		if typ == websocket.MessageBinary {
			c.frames++
			continue
		}
		c.record(data)
	}
	c.t.Fatalf("no error for seq %d", seq)
	return errorMsg{}
}

func mustUnmarshal(t testing.TB, data []byte, v any) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(v); err != nil {
		t.Fatalf("decode %s: %v", data, err)
	}
}

// wireFrame is a frame decoded by the test's own reading of
// docs/protocol.md.
type wireFrame struct {
	seq, epoch        uint32
	t, iterations     int
	m, nx, ny         int
	loss, deltaMin    float64
	minAngleDeg       float64
	input, feature    []float64
	views             []wireView
	compressedBytes   int
	decompressedBytes int
}

type wireView struct {
	space                  byte
	xmin, xmax, ymin, ymax float64
	panels                 []wirePanel
}

type wirePanel struct {
	energyMin, energyMax, unlabeled float64
	energy                          []float64
	labels, support                 []byte
}

// decodeWireFrame decodes a frame as docs/protocol.md describes it.
func decodeWireFrame(data []byte) (*wireFrame, error) {
	le := binary.LittleEndian
	if len(data) < 64 || string(data[:4]) != "HOPF" || le.Uint16(data[4:]) != 1 || le.Uint16(data[6:]) != 64 {
		return nil, fmt.Errorf("bad header % x", data[:min(len(data), 8)])
	}
	f := &wireFrame{
		seq: le.Uint32(data[8:]), epoch: le.Uint32(data[12:]),
		t: int(le.Uint32(data[16:])), iterations: int(le.Uint32(data[20:])),
		m: int(le.Uint16(data[24:])), nx: int(le.Uint16(data[28:])), ny: int(le.Uint16(data[30:])),
		loss:            math.Float64frombits(le.Uint64(data[32:])),
		deltaMin:        math.Float64frombits(le.Uint64(data[40:])),
		minAngleDeg:     math.Float64frombits(le.Uint64(data[48:])),
		compressedBytes: len(data),
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
	f.decompressedBytes = len(body)
	off := 0
	floats := func(n int) []float64 {
		out := make([]float64, n)
		for i := range out {
			out[i] = math.Float64frombits(le.Uint64(body[off:]))
			off += 8
		}
		return out
	}
	if flags&1 != 0 {
		f.input = floats(2 * f.m)
	}
	if flags&2 != 0 {
		f.feature = floats(2 * f.m)
	}
	cells := f.nx * f.ny
	for range nviews {
		v := wireView{space: body[off]}
		off += 8
		b := floats(4)
		v.xmin, v.xmax, v.ymin, v.ymax = b[0], b[1], b[2], b[3]
		for range npanels {
			h := floats(3)
			v.panels = append(v.panels, wirePanel{energyMin: h[0], energyMax: h[1], unlabeled: h[2]})
		}
		for pi := range v.panels {
			p := &v.panels[pi]
			q := make([]uint16, cells)
			for i := range f.ny {
				for j := range f.nx {
					c := i*f.nx + j
					r := uint16(body[off+c]) | uint16(body[off+cells+c])<<8
					var left, below, belowLeft uint16
					if j > 0 {
						left = q[c-1]
					}
					if i > 0 {
						below = q[c-f.nx]
						if j > 0 {
							belowLeft = q[c-f.nx-1]
						}
					}
					q[c] = r + left + below - belowLeft
				}
			}
			off += 2 * cells
			p.energy = make([]float64, cells)
			for c, v := range q {
				if span := p.energyMax - p.energyMin; !math.IsInf(span, 1) {
					p.energy[c] = p.energyMin + float64(v)*span/levels
				} else { // a range beyond float64: the convex form of docs/protocol.md
					t := float64(v) / levels
					p.energy[c] = p.energyMin*(1-t) + p.energyMax*t
				}
			}
			p.labels = body[off : off+cells]
			off += cells
			p.support = body[off : off+cells]
			off += cells
		}
		f.views = append(f.views, v)
	}
	if off != len(body) {
		return nil, fmt.Errorf("body has %d bytes, the layout %d", len(body), off)
	}
	return f, nil
}

// jsonFloat writes a finite v as the shortest JSON number that reads back as v.
func jsonFloat(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
