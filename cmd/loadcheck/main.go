// Command loadcheck measures what users of a busy hoplab feel: the CPU a
// server burns after its client has gone, a light session's frame latency
// beside a heavy one, and a small /run's latency while big ones run. It
// starts hoplab's real handler and pool in-process, on a loopback port,
// and talks to it over HTTP and websockets as clients do.
//
//	go run ./cmd/loadcheck                 # the three checks of a busy server
//	go run ./cmd/loadcheck -check light    # one: disconnect | light | run
//	go run ./cmd/loadcheck -check drag -sessions 8 [-url http://host:port]
//	go run ./cmd/loadcheck -check play -sessions 8 [-url http://host:port]
//
// drag and play run N live sessions on the clustered preset against the
// server at -url (or one started in-process): drag moves a memory at
// 30 Hz with one move in flight per session; play plays at the fastest
// speed. They print each session's frames per second, move → frame
// p50/p99, the errors, and the server's RSS and goroutines from /metrics.
//
// The numbers depend on the machine; the README quotes them with its
// description. Run one load tool at a time: they share the cores.
package main

import (
	"bytes"
	"compress/flate"
	"context"
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"os"
	"runtime"
	"slices"
	"sync"
	"syscall"
	"time"

	"github.com/coder/websocket"

	"hoplab/internal/api"
	"hoplab/internal/metrics"
	"hoplab/internal/workpool"
)

func main() {
	check := flag.String("check", "all", "which check: disconnect, light, run, all (these three), drag or play")
	samples := flag.Int("samples", 40, "frames measured per light-session run")
	workers := flag.Int("workers", runtime.GOMAXPROCS(0), "workers of the compute pool of an in-process server")
	flag.IntVar(&load.sessions, "sessions", 8, "drag, play: live sessions at once")
	flag.DurationVar(&load.duration, "duration", 10*time.Second, "drag, play: how long they run")
	flag.StringVar(&load.url, "url", "", "drag, play: the server's base URL (http://host:port); empty: start one in-process")
	flag.Parse()
	if *check == "drag" || *check == "play" {
		if err := runLoad(*check, *workers); err != nil {
			fmt.Fprintln(os.Stderr, "loadcheck:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(*check, *samples, *workers); err != nil {
		fmt.Fprintln(os.Stderr, "loadcheck:", err)
		os.Exit(1)
	}
}

// server is hoplab's handler and pool on a loopback listener.
type server struct {
	url     string
	pool    *workpool.Pool
	handler *api.Handler
	srv     *http.Server
}

func start(workers int) (*server, error) {
	m := metrics.New()
	pool := workpool.New(workers, workpool.WithObserver(m))
	h := api.NewHandler(api.Config{Pool: pool, Logger: slog.New(slog.DiscardHandler), Metrics: m})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &server{url: "http://" + ln.Addr().String(), pool: pool, handler: h, srv: &http.Server{Handler: h}}
	go s.srv.Serve(ln)
	return s, nil
}

func (s *server) close() {
	s.handler.CloseSessions()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s.handler.CancelRuns()
	s.srv.Shutdown(ctx)
	s.handler.WaitSessions(ctx)
	s.pool.Close()
}

func run(check string, samples, workers int) error {
	fmt.Printf("machine: %d CPUs (GOMAXPROCS %d), %s/%s, %s; pool of %d workers\n",
		runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.GOOS, runtime.GOARCH, runtime.Version(), workers)
	checks := map[string]func(*server, int) error{"disconnect": checkDisconnect, "light": checkLight, "run": checkRun}
	order := []string{"disconnect", "light", "run"}
	if check != "all" {
		if checks[check] == nil {
			return fmt.Errorf("unknown check %q", check)
		}
		order = []string{check}
	}
	for _, name := range order {
		s, err := start(workers)
		if err != nil {
			return err
		}
		err = checks[name](s, samples)
		s.close()
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	return nil
}

// cpu returns the CPU time (user + system) the process has used.
func cpu() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		panic(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// client is a live session's client.
type client struct {
	conn *websocket.Conn
	seq  uint32

	tolerant bool // error messages are counted, not fatal

	mu      sync.Mutex
	changed chan struct{} // closed and replaced on every message
	frame   uint32        // the seq of the newest frame
	nx      int           // its grid's nx
	coarse  bool          // whether it is coarse (flag bit 0)
	frames  int           // frames received
	errs    int           // error messages received
	state   map[string]any
	err     error
}

func dial(s *server) (*client, error) { return dialURL(s.url) }

func dialURL(base string) (*client, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, _, err := websocket.Dial(ctx, "ws"+base[len("http"):]+"/api/v1/live", nil)
	if err != nil {
		return nil, err
	}
	conn.SetReadLimit(64 << 20)
	c := &client{conn: conn, changed: make(chan struct{})}
	go c.read()
	return c, nil
}

// frameGrid reads whether a frame is coarse, and the nx of its first
// grid tile (0 when it has none), from its header and the start of its
// body (docs/protocol.md, "Frames", version 2): it inflates only the
// point sets and tile headers before that tile.
func frameGrid(data []byte) (nx int, coarse bool, err error) {
	le := binary.LittleEndian
	if len(data) < 64 || string(data[:4]) != "HOPF" || le.Uint16(data[4:]) != 2 {
		return 0, false, fmt.Errorf("not a version-2 frame: % x", data[:min(len(data), 8)])
	}
	m, tiles, sets := int64(le.Uint32(data[24:])), int(le.Uint16(data[28:])), int(data[30])
	coarse = data[31]&1 != 0
	body := flate.NewReader(bytes.NewReader(data[64:]))
	defer body.Close()
	var h [8]byte
	for range sets { // a point set: space, dim, 6 reserved, then M·dim f64
		if _, err := io.ReadFull(body, h[:]); err != nil {
			return 0, coarse, fmt.Errorf("frame: point set: %w", err)
		}
		if _, err := io.CopyN(io.Discard, body, 8*m*int64(h[1])); err != nil {
			return 0, coarse, fmt.Errorf("frame: point set: %w", err)
		}
	}
	for range tiles { // a tile: kind, space, u16 panels, u32 length of the rest
		if _, err := io.ReadFull(body, h[:]); err != nil {
			return 0, coarse, fmt.Errorf("frame: tile: %w", err)
		}
		if h[0] == 1 { // grid2d: u16 nx first
			if _, err := io.ReadFull(body, h[:2]); err != nil {
				return 0, coarse, fmt.Errorf("frame: tile: %w", err)
			}
			return int(le.Uint16(h[:])), coarse, nil
		}
		if _, err := io.CopyN(io.Discard, body, int64(le.Uint32(h[4:]))); err != nil {
			return 0, coarse, fmt.Errorf("frame: tile: %w", err)
		}
	}
	return 0, coarse, nil
}

func (c *client) read() {
	for {
		typ, data, err := c.conn.Read(context.Background())
		c.mu.Lock()
		if err != nil {
			c.err = err
		} else if typ == websocket.MessageBinary && len(data) >= 12 {
			c.frame = binary.LittleEndian.Uint32(data[8:])
			c.frames++
			if nx, coarse, ferr := frameGrid(data); ferr == nil {
				c.nx, c.coarse = nx, coarse
			} else {
				c.err = ferr
			}
		} else if typ == websocket.MessageText {
			var m map[string]any
			if json.Unmarshal(data, &m) == nil {
				switch m["type"] {
				case "state":
					c.state = m
				case "error":
					c.errs++
					if !c.tolerant {
						c.err = fmt.Errorf("the server refused a message: %s", data)
					}
				}
			}
		}
		close(c.changed)
		c.changed = make(chan struct{})
		c.mu.Unlock()
		if err != nil {
			return
		}
	}
}

// send sends msg with the next seq and returns it.
func (c *client) send(msg string) (uint32, error) {
	c.seq++
	var m map[string]any
	if err := json.Unmarshal([]byte(msg), &m); err != nil {
		return 0, err
	}
	m["seq"] = c.seq
	b, _ := json.Marshal(m)
	return c.seq, c.conn.Write(context.Background(), websocket.MessageText, b)
}

// until waits until ok holds (under c.mu) or 60 s pass.
func (c *client) until(what string, ok func() bool) error {
	deadline := time.After(60 * time.Second)
	for {
		c.mu.Lock()
		if ok() {
			c.mu.Unlock()
			return nil
		}
		if c.err != nil {
			err := c.err
			c.mu.Unlock()
			return fmt.Errorf("%s: %w", what, err)
		}
		ch := c.changed
		c.mu.Unlock()
		select {
		case <-ch:
		case <-deadline:
			return fmt.Errorf("%s: not within 60 s", what)
		}
	}
}

// frameFor waits for a frame that reflects message seq.
func (c *client) frameFor(seq uint32) error {
	return c.until(fmt.Sprintf("frame for seq %d", seq), func() bool { return c.frame >= seq })
}

// heavyTraining is the training patch: 64 memories, D_Φ = 512,
// at t = 680 (the last the trajectory limit allows), some 5 CPU-seconds of U-Hop+ steps.
func heavyTraining(tau float64) string {
	mem := make([]string, 64)
	for i := range mem {
		a := float64(i) * 0.0981
		mem[i] = fmt.Sprintf("[%.4f, %.4f]", cos(a), sin(a))
	}
	return fmt.Sprintf(`{"type": "load", "protocol": 1, "scenario": {"memories": [%s],
	  "featureMap": {"dim": 512, "init": "random", "affine": true}, "uhop": {"iterations": 680, "tau": %g},
	  "view": {"grid": {"nx": 64, "ny": 64}}}}`, join(mem), tau)
}

// checkDisconnect loads the heavy training, waits until its trajectory job
// runs, and drops the connection (once with one patch, once after ten);
// then it measures the CPU the server burns from the drop until its pool
// is idle and the session closed, and over the next 300 ms.
func checkDisconnect(s *server, _ int) error {
	fmt.Println("\nCPU burnt after a client disconnects (target < 0.1 CPU-s)")
	for _, patches := range []int{1, 10} {
		c, err := dial(s)
		if err != nil {
			return err
		}
		for i := range patches {
			if _, err := c.send(heavyTraining(0.3 + 0.01*float64(i))); err != nil {
				return err
			}
		}
		if err := c.until("the trajectory job running", func() bool {
			comp, _ := c.state["computing"].(map[string]any)
			done, _ := comp["done"].(float64)
			return comp != nil && done >= 1
		}); err != nil {
			return err
		}
		before, t0 := cpu(), time.Now()
		c.conn.CloseNow()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		err = s.handler.WaitSessions(ctx)
		for err == nil && s.pool.Running() > 0 {
			time.Sleep(time.Millisecond)
		}
		cancel()
		if err != nil {
			return err
		}
		quiet, burnt := time.Since(t0), cpu()-before
		idle0 := cpu()
		time.Sleep(300 * time.Millisecond)
		idle := cpu() - idle0
		fmt.Printf("  %2d patch(es) queued: %.3f CPU-s burnt in the %v until the pool was idle; %.3f CPU-s in the 300 ms after\n",
			patches, burnt.Seconds(), quiet.Round(time.Millisecond), idle.Seconds())
	}
	return nil
}

// lightLoad is the explorer's landing preset; heavyLoad is a session whose
// every frame costs about one CPU-second and which plays at 1000 it/s.
const lightLoad = `{"type": "preset", "name": "basins"}`

func heavyLoad() string {
	mem := make([]string, 16)
	for i := range mem {
		a := float64(i) * 0.39
		mem[i] = fmt.Sprintf("[%.4f, %.4f]", cos(a), sin(a))
	}
	return fmt.Sprintf(`{"type": "load", "protocol": 1, "scenario": {"memories": [%s], "beta": 30,
	  "featureMap": {"dim": 2, "affine": true}, "separations": ["entmax:1.3", "entmax15", "sparsemax"],
	  "retrieval": {"steps": 5}, "uhop": {"iterations": 0, "lr": 0.01},
	  "view": {"grid": {"nx": 64, "ny": 64}}}}`, join(mem))
}

// lightLatencies moves memory 0 of the light session back and forth, one
// move at a time, and returns the time from each move to its frame.
func lightLatencies(c *client, n int) ([]time.Duration, error) {
	out := make([]time.Duration, 0, n)
	for i := range n {
		x := 0.3 + 0.2*float64(i%2)
		t0 := time.Now()
		seq, err := c.send(fmt.Sprintf(`{"type": "move", "i": 0, "x": %g, "y": 0.4}`, x))
		if err != nil {
			return nil, err
		}
		if err := c.frameFor(seq); err != nil {
			return nil, err
		}
		out = append(out, time.Since(t0))
	}
	return out, nil
}

// checkLight measures the light session's frame latency alone and beside
// the heavy session.
func checkLight(s *server, n int) error {
	fmt.Println("\nA light session's frame latency, dragging a memory of the landing preset (target: beside a heavy session at most 2× alone)")
	light, err := dial(s)
	if err != nil {
		return err
	}
	defer light.conn.CloseNow()
	seq, err := light.send(lightLoad)
	if err != nil {
		return err
	}
	if err := light.frameFor(seq); err != nil {
		return err
	}
	if _, err := lightLatencies(light, 5); err != nil { // warm up
		return err
	}
	alone, err := lightLatencies(light, n)
	if err != nil {
		return err
	}
	heavy, err := dial(s)
	if err != nil {
		return err
	}
	defer heavy.conn.CloseNow()
	seq, err = heavy.send(heavyLoad())
	if err != nil {
		return err
	}
	if err := heavy.frameFor(seq); err != nil {
		return err
	}
	for _, m := range []string{`{"type": "speed", "itersPerSecond": 1000}`, `{"type": "play"}`} {
		if _, err := heavy.send(m); err != nil {
			return err
		}
	}
	busy := time.Now()
	for s.pool.Running() == 0 && time.Since(busy) < 5*time.Second {
		time.Sleep(time.Millisecond)
	}
	beside, err := lightLatencies(light, n)
	if err != nil {
		return err
	}
	heavy.mu.Lock()
	heavyFrames := heavy.frame
	heavy.mu.Unlock()
	a, b := stats(alone), stats(beside)
	fmt.Printf("  alone:                median %v, p90 %v, max %v (%d frames)\n", a.median, a.p90, a.max, n)
	fmt.Printf("  beside a heavy one:   median %v, p90 %v, max %v (%d frames; the heavy session is at frame seq %d)\n", b.median, b.p90, b.max, n, heavyFrames)
	fmt.Printf("  ratio of medians: %.2f×\n", float64(b.median)/float64(a.median))
	return nil
}

type summary struct{ median, p90, max time.Duration }

func stats(d []time.Duration) summary {
	s := slices.Clone(d)
	slices.Sort(s)
	r := func(v time.Duration) time.Duration { return v.Round(100 * time.Microsecond) }
	return summary{median: r(s[len(s)/2]), p90: r(s[len(s)*9/10]), max: r(s[len(s)-1])}
}

// bigRun is at the limits of /run: rendering estimated at about 40
// CPU-seconds (entmax:1.3 on a 128×128 grid, 100 retrieval steps).
const bigRun = `{"memories": [[1, 0], [0.7, 0.7], [0, 1], [-0.7, 0.7], [-1, 0], [-0.7, -0.7], [0, -1], [0.7, -0.7]],
  "beta": 5, "separations": ["entmax:1.3"], "retrieval": {"steps": 100, "tolerance": 1e-9},
  "view": {"grid": {"nx": 128, "ny": 128}}, "snapshots": [0]}`

// smallRun is the API's smallest useful request: the defaults.
const smallRun = `{"memories": [[1, 0], [0, 1], [-1, 0.2]]}`

func post(ctx context.Context, s *server, body string) (int, time.Duration, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.url+"/api/v1/run", bytes.NewReader([]byte(body)))
	if err != nil {
		return 0, 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	t0 := time.Now()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, 0, err
	}
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, time.Since(t0), err
}

// checkRun measures a small /run alone and while 8 at-limit runs are
// posted at once (those refused by admission are counted).
func checkRun(s *server, n int) error {
	fmt.Println("\nA small /run while 8 at-limit /run requests are posted (target < 1 s)")
	ctx := context.Background()
	var alone []time.Duration
	for range 10 {
		code, d, err := post(ctx, s, smallRun)
		if err != nil || code != 200 {
			return fmt.Errorf("small run alone: %d %v", code, err)
		}
		alone = append(alone, d)
	}
	bigCtx, stopBig := context.WithCancel(ctx)
	defer stopBig()
	var wg sync.WaitGroup
	codes := make([]int, 8)
	for i := range codes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes[i], _, _ = post(bigCtx, s, bigRun)
		}()
	}
	busy := time.Now()
	for s.pool.Running() < s.pool.Workers() && time.Since(busy) < 10*time.Second {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond) // let the admitted big runs get going
	var beside []time.Duration
	for range 10 {
		code, d, err := post(ctx, s, smallRun)
		if err != nil || code != 200 {
			return fmt.Errorf("small run beside big ones: %d %v", code, err)
		}
		beside = append(beside, d)
	}
	stopBig()
	wg.Wait()
	refused := 0
	for _, c := range codes {
		if c == http.StatusServiceUnavailable {
			refused++
		}
	}
	a, b := stats(alone), stats(beside)
	fmt.Printf("  alone:                  median %v, max %v (10 runs)\n", a.median, a.max)
	fmt.Printf("  beside the big ones:    median %v, max %v (10 runs; of the 8 big ones %d were refused at once with 503 busy, %d admitted)\n",
		b.median, b.max, refused, 8-refused)
	return nil
}

func join(s []string) string {
	var b bytes.Buffer
	for i, v := range s {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(v)
	}
	return b.String()
}

func cos(a float64) float64 { return math.Cos(a) }
func sin(a float64) float64 { return math.Sin(a) }

// load holds the flags of the drag and play checks.
var load struct {
	sessions int
	duration time.Duration
	url      string
}

// sessionStats is what one session of a load run measured.
type sessionStats struct {
	frames    int
	latencies []time.Duration
	sides     []int // the grid side of the frame that answered each move
	coarse    int   // moves answered by a coarse frame
	errors    int
	err       error
}

// runLoad runs load.sessions sessions that drag or play for
// load.duration, and prints what they measured and what /metrics says.
func runLoad(kind string, workers int) error {
	base := load.url
	if base == "" {
		s, err := start(workers)
		if err != nil {
			return err
		}
		defer s.close()
		base = s.url
		fmt.Printf("server: in-process, pool of %d workers\n", workers)
	} else {
		fmt.Printf("server: %s\n", base)
	}
	fmt.Printf("machine: %d CPUs (GOMAXPROCS %d), %s/%s, %s\n", runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.GOOS, runtime.GOARCH, runtime.Version())
	fmt.Printf("%s: %d sessions of the clustered preset for %v\n", kind, load.sessions, load.duration)
	stats := make([]sessionStats, load.sessions)
	type figures struct {
		rss, goroutines float64
		err             error
	}
	during := make(chan figures, 1)
	go func() { // the server's figures while the sessions run
		time.Sleep(load.duration * 9 / 10)
		rss, g, err := serverFigures(base)
		during <- figures{rss, g, err}
	}()
	var wg sync.WaitGroup
	for i := range stats {
		wg.Add(1)
		go func() {
			defer wg.Done()
			stats[i] = oneSession(base, kind, i)
		}()
	}
	wg.Wait()
	var all []time.Duration
	var sides []int
	coarse := 0
	errors, failed := 0, 0
	var fps []float64
	for i, st := range stats {
		if st.err != nil {
			failed++
			fmt.Printf("  session %d failed: %v\n", i, st.err)
			continue
		}
		errors += st.errors
		all = append(all, st.latencies...)
		sides = append(sides, st.sides...)
		coarse += st.coarse
		fps = append(fps, float64(st.frames)/load.duration.Seconds())
	}
	slices.Sort(fps)
	if len(fps) > 0 {
		fmt.Printf("  frames per second per session: min %.1f, median %.1f, max %.1f\n", fps[0], fps[len(fps)/2], fps[len(fps)-1])
	}
	if len(all) > 0 {
		slices.Sort(all)
		p := func(q float64) time.Duration {
			return all[min(len(all)-1, int(q*float64(len(all))))].Round(100 * time.Microsecond)
		}
		fmt.Printf("  move → frame: p50 %v, p99 %v (%d moves)\n", p(0.5), p(0.99), len(all))
		slices.Sort(sides)
		fmt.Printf("  answered by coarse frames: %d of %d moves; grid side of the answering frames: median %d, min %d, max %d (full: 128)\n",
			coarse, len(all), sides[len(sides)/2], sides[0], sides[len(sides)-1])
	}
	fmt.Printf("  errors: %d error messages, %d sessions failed\n", errors, failed)
	f := <-during
	if f.err != nil {
		return f.err
	}
	fmt.Printf("  server, near the end of the run: RSS %.1f MiB, %d goroutines (GET /metrics)\n", f.rss/(1<<20), int(f.goroutines))
	return nil
}

// oneSession runs one session of a load run.
func oneSession(base, kind string, i int) (st sessionStats) {
	c, err := dialURL(base)
	if err != nil {
		return sessionStats{err: err}
	}
	defer c.conn.CloseNow()
	c.tolerant = true
	seq, err := c.send(`{"type": "preset", "name": "clustered"}`)
	if err == nil {
		err = c.frameFor(seq)
	}
	if err != nil {
		return sessionStats{err: err}
	}
	c.mu.Lock()
	startFrames := c.frames
	c.mu.Unlock()
	end := time.Now().Add(load.duration)
	switch kind {
	case "play":
		for _, m := range []string{`{"type": "speed", "itersPerSecond": 1000}`, `{"type": "play"}`} {
			if _, err := c.send(m); err != nil {
				return sessionStats{err: err}
			}
		}
		time.Sleep(time.Until(end))
	default: // drag: a move at 30 Hz, one in flight
		tick := time.NewTicker(time.Second / 30)
		defer tick.Stop()
		for k := 0; time.Now().Before(end); k++ {
			a := 2 * math.Pi * float64(k) / 90
			t0 := time.Now()
			seq, err := c.send(fmt.Sprintf(`{"type": "move", "i": %d, "x": %.4f, "y": %.4f}`, i%8, 0.8*math.Cos(a), 0.8*math.Sin(a)))
			if err == nil {
				err = c.frameFor(seq)
			}
			if err != nil {
				return sessionStats{err: err}
			}
			st.latencies = append(st.latencies, time.Since(t0))
			c.mu.Lock()
			st.sides = append(st.sides, c.nx)
			if c.coarse {
				st.coarse++
			}
			c.mu.Unlock()
			<-tick.C
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	st.frames, st.errors = c.frames-startFrames, c.errs
	return st
}

// serverFigures reads the server's RSS and goroutine count from /metrics.
func serverFigures(base string) (rss, goroutines float64, err error) {
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		return 0, 0, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, 0, err
	}
	if resp.StatusCode != http.StatusOK {
		return 0, 0, fmt.Errorf("GET /metrics: %s", resp.Status)
	}
	for _, line := range bytes.Split(body, []byte("\n")) {
		var v float64
		if n, _ := fmt.Sscanf(string(line), "process_resident_memory_bytes %g", &v); n == 1 {
			rss = v
		}
		if n, _ := fmt.Sscanf(string(line), "go_goroutines %g", &v); n == 1 {
			goroutines = v
		}
	}
	return rss, goroutines, nil
}
