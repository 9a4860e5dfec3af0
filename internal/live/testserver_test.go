package live

import (
	"bytes"
	"context"
	"fmt"
	"hoplab/internal/scenario"
	"hoplab/internal/sim"
	"hoplab/internal/workpool"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/coder/websocket"
)

// The live tests serve sessions as package api does (its handleLive and
// its server's runner), without the HTTP layer's routes, middleware and
// Origin check, which package api tests.

// livePath is the path of package api's live route; the test handler
// serves it.
const livePath = "/api/v1/live"

// testServer is a Server with the runner package api gives it: the
// pool's, or serial without a pool, wrapped by wrapRunner when set. Tests
// set the hooks (and the Server's log and afterStep) before it serves.
type testServer struct {
	*Server
	pool *workpool.Pool
	// wrapRunner, when not nil, wraps every runner of a rendering.
	wrapRunner func(sim.Runner) sim.Runner
}

// newTestServer returns a server with a small pool of its own; lim zero
// means the default limits.
func newTestServer(t *testing.T, lim scenario.Limits) *testServer {
	t.Helper()
	pool := workpool.New(2)
	t.Cleanup(pool.Close)
	s := &testServer{pool: pool}
	s.Server = NewServer(Config{Limits: lim, Runner: s.runner, Logger: slog.New(slog.NewTextHandler(&testLogWriter{t: t}, nil))})
	s.coarseBudget = 0 // full frames only, unless a test asks for coarse ones
	return s
}

// runner returns the sim.Runner for a computation under ctx.
func (s *testServer) runner(ctx context.Context, j workpool.Job) sim.Runner {
	var r sim.Runner = serialRunner{ctx}
	if s.pool != nil {
		r = workpool.Runner{Pool: s.pool, Ctx: ctx, Job: j}
	}
	if s.wrapRunner != nil {
		r = s.wrapRunner(r)
	}
	return r
}

// handler serves sessions on livePath as package api does, after its
// Origin check: a session beyond the limits gets 503 with Retry-After.
func (s *testServer) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc(livePath, func(w http.ResponseWriter, r *http.Request) {
		host, _, err := net.SplitHostPort(r.RemoteAddr)
		if err != nil {
			host = r.RemoteAddr
		}
		ticket, refused := s.Admit(host)
		if refused != "" {
			w.Header().Set("Retry-After", "1")
			http.Error(w, refused, http.StatusServiceUnavailable)
			return
		}
		defer s.Release(ticket)
		conn, err := websocket.Accept(w, r, &websocket.AcceptOptions{InsecureSkipVerify: true, CompressionMode: websocket.CompressionDisabled})
		if err != nil {
			return
		}
		s.Serve(ticket, conn, r.RemoteAddr)
	})
	return mux
}

// serialRunner runs the chunks on the calling goroutine, checking ctx
// between them.
type serialRunner struct{ ctx context.Context }

// Run implements sim.Runner.
func (r serialRunner) Run(n int, task sim.Task) error {
	for i := range n {
		if err := r.ctx.Err(); err != nil {
			return err
		}
		task.RunChunk(i)
	}
	return r.ctx.Err()
}

// testLogWriter sends the handler's logs to t.Log.
type testLogWriter struct {
	mu sync.Mutex
	t  *testing.T
}

func (w *testLogWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.t.Log(strings.TrimSuffix(string(p), "\n"))
	return len(p), nil
}

// syncBuffer is a bytes.Buffer safe for concurrent writes and reads.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func equalFloats(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func first(v []float64) any {
	if len(v) == 0 {
		return nil
	}
	return v[0]
}

func last(v []float64) any {
	if len(v) == 0 {
		return nil
	}
	return v[len(v)-1]
}

// goid returns the calling goroutine's id, read from its stack header
// ("goroutine 7 [running]:").
func goid() string {
	buf := make([]byte, 64)
	buf = buf[:runtime.Stack(buf, false)]
	return strings.Fields(string(buf))[1]
}

// panicRunner wraps a runner; while armed, its next task panics once in a
// chunk. With onWorker, the panic happens on a pool worker, never on the
// goroutine that asked for the rendering: the caller's chunks wait until
// a worker's chunk has panicked.
type panicRunner struct {
	inner    sim.Runner
	caller   string // goid of the goroutine that made the runner
	armed    *atomic.Bool
	onWorker bool
}

func (r panicRunner) Run(n int, task sim.Task) error {
	if n < 2 || !r.armed.CompareAndSwap(true, false) {
		return r.inner.Run(n, task)
	}
	var once sync.Once
	panicked := make(chan struct{})
	return r.inner.Run(n, chunkFunc(func(i int) {
		if r.onWorker && goid() == r.caller {
			<-panicked
			return
		}
		defer once.Do(func() { close(panicked) })
		panic("test panic in a chunk")
	}))
}

// armPanics makes s's renderings panic once in a chunk whenever armed is
// set.
func armPanics(s *testServer, armed *atomic.Bool, onWorker bool) {
	s.wrapRunner = func(r sim.Runner) sim.Runner {
		return panicRunner{inner: r, caller: goid(), armed: armed, onWorker: onWorker}
	}
}

// divergentScenario is the request of issue 8: within every limit, its
// SGD steps with lr 1000 and momentum `momentum` drive W past the float64
// range. The grid is nx×nx.
func divergentScenario(momentum float64, nx int, extra string) string {
	return fmt.Sprintf(`{"memories":[[1,0],[0.9,0.3],[0.8,-0.4]],"featureMap":{"affine":true},
	  "uhop":{"iterations":104,"optimizer":"sgd","lr":1000,"momentum":%g},
	  "separations":["entmax15"],"view":{"grid":{"nx":%d,"ny":%d}},"snapshots":[104]%s}`, momentum, nx, nx, extra)
}

// newServerOn returns a server that renders on pool (serially when nil)
// with limits lim (zero: the defaults) and discards its logs, as package
// api's server does with no Logger, for benchmarks and fuzzing.
func newServerOn(pool *workpool.Pool, lim scenario.Limits) *testServer {
	s := &testServer{pool: pool}
	s.Server = NewServer(Config{Limits: lim, Runner: s.runner})
	s.coarseBudget = 0
	return s
}
