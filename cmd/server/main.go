// Command server runs hoplab's HTTP server: the live explorer page (/),
// the about page (/about), the embedded assets (/static/), a health check
// (/healthz), the JSON API of docs/api.md (POST /api/v1/run, the
// background jobs of /api/v1/jobs), live U-Hop+ sessions over a websocket
// (GET /api/v1/live, docs/protocol.md), whose frames are rendered on the
// same worker pool as the runs, and Prometheus metrics (GET /metrics).
//
// Usage:
//
//	server [-addr host:port] [-workers n] [-max-sessions n] [-max-sessions-per-addr n]
//	       [-allowed-hosts names] [-shutdown-timeout d] [-metrics=false] [-pprof-addr host:port]
//
// -addr (default 127.0.0.1:8080; the environment variable HOPLAB_ADDR is
// used when the flag is not given) is the listen address; with port 0 the
// system picks a free port. -workers (default: the number of CPUs) sizes
// the compute pool. -max-sessions (default 32) bounds the live sessions
// open at once, and -max-sessions-per-addr (default 0, no bound) those of
// one client address. -allowed-hosts (env HOPLAB_ALLOWED_HOSTS) replaces
// the host names that requests may address, against DNS rebinding; by
// default they are the loopback names, the listen address's host and, when
// it is a wildcard address, the machine's interface addresses and host
// name (see defaultAllowedHosts). The list is logged at start. -metrics
// (default on) serves GET /metrics on the same address: counts and times
// of jobs, renderings and live sessions, and the Go runtime's and the
// process's figures, no user data; -metrics=false leaves the route out.
// -pprof-addr (default off) serves net/http/pprof at /debug/pprof/ on a
// listener of its own, which must be a loopback address (pprof.go); its
// line "pprof on http://HOST:PORT/debug/pprof/" is logged before the
// listening line. On start the server logs a line containing
// "listening on http://HOST:PORT" with the real address. SIGINT or SIGTERM
// shut it down gracefully within -shutdown-timeout (default 10 s): no new
// connections; live sessions are closed with 1001; running requests get
// 4/5 of the timeout to finish (runGrace), then the computations still
// running are stopped and answered 503 shutting_down; background jobs
// (POST /api/v1/jobs), which no client can follow once the server stops
// serving, fail with shutting_down then at the latest; the process then
// exits 0. The pprof listener closes last.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"syscall"
	"time"

	"hoplab/internal/api"
	"hoplab/internal/metrics"
	"hoplab/internal/scenario"
	"hoplab/internal/workpool"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args, os.Getenv, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "server:", err)
		os.Exit(1)
	}
}

// Server timeouts. WriteTimeout exceeds scenario.Limits.RunTimeout, so a run
// that ends in time can still be written.
const (
	readHeaderTimeout = 5 * time.Second
	readTimeout       = 30 * time.Second
	writeTimeout      = 90 * time.Second
	idleTimeout       = 120 * time.Second
	maxHeaderBytes    = 64 << 10
)

// runGrace is the part of the shutdown timeout that running computations
// get to finish: all but a fifth of it, or 2 s if that is more, kept to
// stop those still running, answer them 503 shutting_down and let
// http.Server.Shutdown, which looks every 500 ms, see their connections
// close; but at least half of it. 8 s of the default 10 s.
func runGrace(shutdownTimeout time.Duration) time.Duration {
	return max(shutdownTimeout-max(shutdownTimeout/5, 2*time.Second), shutdownTimeout/2)
}

// testHookConfig, when not nil, edits the handler's configuration (a test
// hook).
var testHookConfig func(*api.Config)

// run parses args (args[0] is the program name), serves until ctx is done
// and then shuts down gracefully. Logs go to stderr; -h prints the usage to
// stdout.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fset := flag.NewFlagSet(args[0], flag.ContinueOnError)
	fset.SetOutput(io.Discard) // Parse's errors are returned; the usage is printed below
	addr := fset.String("addr", "127.0.0.1:8080", "listen `address` host:port (env HOPLAB_ADDR when the flag is not given)")
	workers := fset.Int("workers", runtime.NumCPU(), "`number` of CPU workers shared by all computations")
	limits := scenario.DefaultLimits()
	fset.IntVar(&limits.MaxLiveSessions, "max-sessions", limits.MaxLiveSessions, "`number` of live sessions open at once")
	fset.IntVar(&limits.MaxLiveSessionsPerAddr, "max-sessions-per-addr", 0, "`number` of live sessions open at once from one client address; 0: no limit (a classroom behind one NAT shares an address)")
	shutdownTimeout := fset.Duration("shutdown-timeout", 10*time.Second, "how long a shutdown (SIGINT, SIGTERM) waits for running requests; computations still running after 4/5 of it (but 2 s before its end at the latest) are stopped and answered 503 shutting_down")
	withMetrics := fset.Bool("metrics", true, "serve GET /metrics in the Prometheus text format (jobs, renderings, live sessions, Go runtime, process; no user data); -metrics=false leaves it out")
	pprofAddr := fset.String("pprof-addr", "", "serve net/http/pprof at /debug/pprof/ on this loopback `address` host:port, apart from -addr (e.g. 127.0.0.1:6060); empty: off")
	allowedHosts := fset.String("allowed-hosts", "", "comma-separated host `names` that requests may address, on any port (\"*.example.org\": its subdomains; \"*\": any); replaces the default: loopback names, the listen address and, on a wildcard address, the machine's addresses and host name (env HOPLAB_ALLOWED_HOSTS when the flag is not given)")
	if err := fset.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fset.SetOutput(stdout)
			fset.Usage()
			return nil
		}
		fset.SetOutput(stderr)
		fset.Usage()
		return err
	}
	if fset.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fset.Args())
	}
	set := map[string]bool{}
	fset.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if env := getenv("HOPLAB_ADDR"); !set["addr"] && env != "" {
		*addr = env
	}
	if env := getenv("HOPLAB_ALLOWED_HOSTS"); !set["allowed-hosts"] && env != "" {
		*allowedHosts, set["allowed-hosts"] = env, true
	}
	var hosts []string
	if set["allowed-hosts"] {
		var err error
		if hosts, err = parseAllowedHosts(*allowedHosts); err != nil {
			return err
		}
	}
	if *workers < 1 {
		return fmt.Errorf("-workers must be at least 1, not %d", *workers)
	}
	if *shutdownTimeout <= 0 {
		return fmt.Errorf("-shutdown-timeout must be positive, not %v", *shutdownTimeout)
	}
	if limits.MaxLiveSessions < 1 {
		return fmt.Errorf("-max-sessions must be at least 1, not %d", limits.MaxLiveSessions)
	}
	if limits.MaxLiveSessionsPerAddr < 0 {
		return fmt.Errorf("-max-sessions-per-addr must be 0 (no limit) or more, not %d", limits.MaxLiveSessionsPerAddr)
	}
	if *pprofAddr != "" {
		if err := checkPprofAddr(*pprofAddr); err != nil {
			return err
		}
	}

	logger := slog.New(slog.NewTextHandler(stderr, nil))
	errorLog := slog.NewLogLogger(logger.Handler(), slog.LevelWarn)
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	var pprofLn net.Listener
	if *pprofAddr != "" {
		if pprofLn, err = net.Listen("tcp", *pprofAddr); err != nil {
			ln.Close()
			return fmt.Errorf("-pprof-addr: listen: %w", err)
		}
		stopPprof := servePprof(pprofLn, errorLog)
		defer stopPprof() // on every return, once the server has stopped
	}
	var m *metrics.Metrics
	var poolOpts []workpool.Option
	if *withMetrics {
		m = metrics.New()
		poolOpts = append(poolOpts, workpool.WithObserver(m))
	}
	pool := workpool.New(*workers, poolOpts...)
	if hosts == nil {
		hosts = defaultAllowedHosts(*addr, ln.Addr())
	}

	// Requests get a base context of their own, not ctx: a signal lets the
	// running requests finish; only a shutdown that times out cancels them.
	baseCtx, cancelRequests := context.WithCancel(context.Background())
	defer cancelRequests()
	cfg := api.Config{Logger: logger, Pool: pool, Limits: limits, AllowedHosts: hosts, Metrics: m}
	if testHookConfig != nil {
		testHookConfig(&cfg)
	}
	handler := api.NewHandler(cfg)
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		ErrorLog:          errorLog,
		BaseContext:       func(net.Listener) context.Context { return baseCtx },
	}
	// Shutdown does not see the hijacked connections of live sessions:
	// they are told to close (1001) when it starts, and waited for below.
	srv.RegisterOnShutdown(handler.CloseSessions)
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	// The allowed hosts come first: a script that waits for the
	// "listening on" line finds them logged already.
	logger.Info("allowed hosts, on any port (-allowed-hosts replaces them)", "hosts", strings.Join(hosts, ","))
	if pprofLn != nil {
		logger.Info("pprof on http://" + pprofLn.Addr().String() + "/debug/pprof/ (-pprof-addr)")
	}
	logger.Info("listening on http://"+ln.Addr().String(), "workers", pool.Workers(), "metrics", *withMetrics)

	select {
	case err := <-serveErr: // Serve failed before any shutdown
		pool.Close()
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}

	logger.Info("shutting down", "timeout", *shutdownTimeout)
	shutdownCtx, cancel := context.WithTimeout(context.Background(), *shutdownTimeout)
	defer cancel()
	// Running computations get the grace period; then those that would
	// not finish are stopped and answered, before the timeout.
	grace := time.AfterFunc(runGrace(*shutdownTimeout), func() {
		logger.Info("stopping the computations still running; they are answered 503 shutting_down")
		handler.CancelRuns()
	})
	defer grace.Stop()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		// Requests still running: stop their computations and drop their
		// connections. They may still be returning, so the pool is left
		// to the process exit rather than closed under them.
		cancelRequests()
		srv.Close()
		return fmt.Errorf("shutdown: %w", err)
	}
	<-serveErr // http.ErrServerClosed
	// Jobs outlive the requests that made them; they must stop before the
	// pool closes under them.
	if err := handler.StopJobs(shutdownCtx); err != nil {
		cancelRequests()
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := handler.WaitSessions(shutdownCtx); err != nil {
		cancelRequests()
		return fmt.Errorf("shutdown: live sessions still open: %w", err)
	}
	pool.Close()
	logger.Info("stopped")
	return nil
}
