package main

import (
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"net/http/pprof"
	"strings"
)

// Profiling (-pprof-addr): net/http/pprof on a listener of its own, never
// on the public handler (the api router is not http.DefaultServeMux, where
// importing net/http/pprof registers it). Its profiles show the process's
// code, command line and memory, and a CPU profile or a trace slows it
// down, so it is off by default and listens on loopback addresses only:
// to profile a remote server, tunnel to it (ssh -L 6060:127.0.0.1:6060).
// It also answers only requests whose Host is a loopback name, so a web
// page cannot read it through DNS rebinding.

// checkPprofAddr accepts a host:port whose host is a loopback IP address
// or "localhost"; a wildcard or another address is refused.
func checkPprofAddr(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("-pprof-addr %q: %w", addr, err)
	}
	if !isLoopback(host) {
		return fmt.Errorf("-pprof-addr %q: pprof listens on a loopback address only (127.0.0.1:6060, [::1]:6060, localhost:6060); tunnel to it to profile a remote server", addr)
	}
	return nil
}

// isLoopback reports whether host (without port or brackets) is
// "localhost" or a loopback IP address.
func isLoopback(host string) bool {
	if strings.EqualFold(strings.TrimSuffix(host, "."), "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// pprofHandler serves the pprof index and profiles under /debug/pprof/ to
// requests whose Host is a loopback name, and 404 elsewhere.
func pprofHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index) // and the named profiles: heap, goroutine, …
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, _, err := net.SplitHostPort(r.Host)
		if err != nil {
			host = r.Host
		}
		if !isLoopback(strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")) {
			http.Error(w, "pprof answers loopback host names only", http.StatusMisdirectedRequest)
			return
		}
		mux.ServeHTTP(w, r)
	})
}

// servePprof serves pprofHandler on ln until stop is called. stop closes
// the listener and the connections at once (a CPU profile or a trace in
// progress is cut short) and returns once Serve has returned.
func servePprof(ln net.Listener, errorLog *log.Logger) (stop func()) {
	srv := &http.Server{
		Handler:           pprofHandler(),
		ReadHeaderTimeout: readHeaderTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		ErrorLog:          errorLog,
		// No WriteTimeout: a profile of ?seconds=30 writes after 30 s.
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			errorLog.Printf("pprof: %v", err)
		}
	}()
	return func() {
		srv.Close()
		<-done
	}
}
