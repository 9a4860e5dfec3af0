package live

import (
	"context"
	"encoding/binary"
	"math"
	"net/http/httptest"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"hoplab/internal/live/livetest"
	"hoplab/internal/scenario"
	"hoplab/internal/sim"
	"hoplab/internal/workpool"
)

// The live benchmarks run a real server on loopback with a pool of one
// worker per CPU, as cmd/server does, and a real websocket client, at the
// page's defaults: M = 8, input and feature views, 128×128 grids, three
// panels (softmax, 1.5-entmax, sparsemax), for the presets benchPresets.
//
//	go test ./internal/live -run '^$' -bench Live -benchtime 300x

var benchWorkers = runtime.GOMAXPROCS(0)

// startBenchLive serves the routes over loopback for a benchmark and
// opens a session.
func startBenchLive(b *testing.B) (*livetest.Client, func()) {
	b.Helper()
	pool := workpool.New(benchWorkers)
	s := newServerOn(pool, scenario.Limits{})
	ts := httptest.NewServer(s.handler())
	c := livetest.Dial(b, "ws"+strings.TrimPrefix(ts.URL, "http")+livePath)
	return c, func() {
		c.Conn.CloseNow()
		s.live.closeAll()
		ctx, cancel := context.WithTimeout(context.Background(), livetest.Timeout)
		defer cancel()
		if err := s.live.wait(ctx); err != nil {
			b.Errorf("sessions did not end: %v", err)
		}
		ts.Close()
		pool.Close()
	}
}

// benchFrame is a frame's arrival: its seq, t, size and time.
type benchFrame struct {
	seq   uint32
	t     int
	bytes int
	at    time.Time
}

// readFrames reads until the connection closes, sending each frame's
// arrival on out (text messages are skipped; a malformed frame ends it).
func readFrames(conn *websocket.Conn, out chan<- benchFrame) {
	defer close(out)
	for {
		typ, data, err := conn.Read(context.Background())
		if err != nil {
			return
		}
		if typ != websocket.MessageBinary {
			continue
		}
		// Only the header: decoding the body is the page's work, on the
		// client's machine, and is tested by TestLiveFrameMatchesEngine.
		at := time.Now()
		if len(data) < frameHeaderLen || string(data[:4]) != frameMagic {
			return
		}
		out <- benchFrame{seq: binary.LittleEndian.Uint32(data[8:]), t: int(binary.LittleEndian.Uint32(data[16:])), bytes: len(data), at: at}
	}
}

// BenchmarkLiveDrag drags memory 0 around a circle as the page does: the
// pointer moves every 1/60 s, and the client keeps at most one move in
// flight, sending the newest pointer position at the first pointer event
// after the frame of the previous move has arrived (positions in between
// are never drawn). For every move it measures the time from sending it to
// the arrival of the first frame that reflects it, and reports the p50 and
// p99 of that latency, and the largest frame. b.N is the number of moves
// sent.
func BenchmarkLiveDrag(b *testing.B) {
	for _, preset := range benchPresets {
		b.Run(preset, func(b *testing.B) { benchmarkLiveDrag(b, preset) })
	}
}

// benchPresets are the presets the live benchmarks run: the page's default
// (clustered, the renderer's worst case: no query settles early) and
// random memories.
var benchPresets = []string{"clustered", "random"}

func benchmarkLiveDrag(b *testing.B, preset string) {
	c, stop := startBenchLive(b)
	defer stop()
	frames := make(chan benchFrame, 1024)
	c.Send(`{"type": "preset", "name": "` + preset + `"}`)
	go readFrames(c.Conn, frames)
	waitSeq(b, frames, c.Seq())

	const interval = time.Second / 60
	var latencies []float64
	maxBytes := 0
	start := time.Now()
	pointer := func(now time.Time) (x, y float64) {
		k := int(now.Sub(start) / interval) // the newest pointer event
		a := 2 * math.Pi * float64(k) / 240
		return math.Cos(a), math.Sin(a)
	}
	b.ResetTimer()
	for range b.N {
		x, y := pointer(time.Now())
		at := time.Now()
		seq := c.Send(`{"type": "move", "i": 0, "x": ` + jsonFloat(x) + `, "y": ` + jsonFloat(y) + `}`)
		for done := false; !done; {
			select {
			case f, ok := <-frames:
				if !ok {
					b.Fatal("the connection closed")
				}
				maxBytes = max(maxBytes, f.bytes)
				if f.seq >= seq {
					latencies = append(latencies, float64(f.at.Sub(at))/float64(time.Millisecond))
					done = true
				}
			case <-time.After(livetest.Timeout):
				b.Fatalf("no frame for move %d", seq)
			}
		}
		// The next pointer event comes at the next tick of the 60 Hz clock.
		next := start.Add((time.Since(start)/interval + 1) * interval)
		if c.Seq() == seq { // wait for it unless it has happened already
			time.Sleep(time.Until(next))
		}
	}
	b.StopTimer()
	slices.Sort(latencies)
	b.ReportMetric(percentile(latencies, 0.50), "p50-ms")
	b.ReportMetric(percentile(latencies, 0.99), "p99-ms")
	b.ReportMetric(float64(maxBytes), "max-frame-bytes")
}

// BenchmarkLivePlay plays at 1000 iterations per second and measures the
// frames per second that reach the client, and their size.
func BenchmarkLivePlay(b *testing.B) {
	for _, preset := range benchPresets {
		b.Run(preset, func(b *testing.B) { benchmarkLivePlay(b, preset) })
	}
}

func benchmarkLivePlay(b *testing.B, preset string) {
	c, stop := startBenchLive(b)
	defer stop()
	frames := make(chan benchFrame, 1024)
	c.Send(`{"type": "preset", "name": "` + preset + `"}`)
	go readFrames(c.Conn, frames)
	waitSeq(b, frames, c.Seq())
	c.Send(`{"type": "speed", "itersPerSecond": 1000}`)
	c.Send(`{"type": "play"}`)
	waitSeq(b, frames, c.Seq())

	b.ResetTimer()
	start := time.Now()
	total, maxBytes, lastT := 0, 0, -1
	for range b.N {
		select {
		case f, ok := <-frames:
			if !ok {
				b.Fatal("the connection closed")
			}
			if f.t < lastT {
				b.Fatalf("frame t = %d after t = %d while playing: time went backwards", f.t, lastT)
			}
			lastT = f.t
			total += f.bytes
			maxBytes = max(maxBytes, f.bytes)
		case <-time.After(livetest.Timeout):
			b.Fatal("no frame while playing")
		}
	}
	elapsed := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "frames/s")
	b.ReportMetric(float64(total)/float64(b.N), "mean-frame-bytes")
	b.ReportMetric(float64(maxBytes), "max-frame-bytes")
}

// percentile returns the q-quantile of sorted values (nearest rank).
func percentile(sorted []float64, q float64) float64 {
	if len(sorted) == 0 {
		return math.NaN()
	}
	i := int(math.Ceil(q*float64(len(sorted)))) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

// waitSeq waits for a frame that reflects seq.
func waitSeq(b *testing.B, frames <-chan benchFrame, seq uint32) {
	b.Helper()
	for {
		select {
		case f, ok := <-frames:
			if !ok {
				b.Fatal("the connection closed")
			}
			if f.seq >= seq {
				return
			}
		case <-time.After(livetest.Timeout):
			b.Fatalf("no frame for seq %d", seq)
		}
	}
}

// BenchmarkLiveFrame is the server's work for one frame at the defaults,
// without the network: rendering both views on the pool and encoding.
func BenchmarkLiveFrame(b *testing.B) {
	pool := workpool.New(benchWorkers)
	defer pool.Close()
	sess := presetSession(b, pool)
	var buf []byte
	b.ReportAllocs()
	for b.Loop() {
		if err := sess.startFrame(); err != nil {
			b.Fatal(err)
		}
		r := <-sess.jobs.results
		if r.err != nil {
			b.Fatal(r.err)
		}
		sess.frame, buf = nil, r.bytes
		sess.out.giveBack(buf)
	}
	b.ReportMetric(float64(len(buf)), "frame-bytes")
}

// BenchmarkFrameEncode is the encoding alone of the landing preset's frame
// of both views (deflate of the cells), on one goroutine.
func BenchmarkFrameEncode(b *testing.B) {
	sess := presetSession(b, nil)
	var frames []*sim.Frame
	var err error
	for i, space := range sess.shownViews() {
		f := &sess.bufs.frames[i]
		if err := sess.run.Render(f, sess.t, sess.frameSettings(space), sim.Serial{}); err != nil {
			b.Fatal(err)
		}
		frames = append(frames, f)
	}
	var enc frameEncoder
	var buf []byte
	points := []pointSet{{space: sim.InputSpace, dim: 2, xs: sess.run.Memories()}}
	h := frameHeader{m: len(points[0].xs) / 2}
	b.ReportAllocs()
	for b.Loop() {
		if buf, err = enc.encode(buf[:0], h, points, frames, sim.Serial{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(buf)), "frame-bytes")
}

// presetSession returns a session, without the network, that shows the
// landing preset at its iteration, rendering on pool (serially when nil).
func presetSession(b *testing.B, pool *workpool.Pool) *session {
	b.Helper()
	s := newServerOn(pool, scenario.Limits{})
	sess := newSession(context.Background(), s.Server, nil, newOutbox())
	pr, _ := scenario.FindPreset(scenario.DefaultPreset)
	sc, err := scenario.Decode([]byte(pr.Scenario(1)))
	if err != nil {
		b.Fatal(err)
	}
	if err := sess.setScenario(sc); err != nil {
		b.Fatal(err)
	}
	sess.startTrajectory()
	if sess.traj != nil { // the preset's iterations are a trajectory job
		sess.jobDone(<-sess.jobs.results)
	}
	return sess
}
