package api

import (
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"hoplab/internal/scenario"
)

// logRequests logs one line per request: method, path, status, bytes and
// duration. Status 0 means nothing was written (the client went away).
func (s *server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
		next.ServeHTTP(ww, r)
		level := slog.LevelInfo
		if ww.Status() >= 500 {
			level = slog.LevelWarn
		}
		s.log.LogAttrs(r.Context(), level, "request",
			slog.String("method", r.Method),
			slog.String("path", r.URL.Path),
			slog.Int("status", ww.Status()),
			slog.Int("bytes", ww.BytesWritten()),
			slog.Duration("duration", time.Since(start)))
	})
}

// recoverPanics turns a panic of a handler into a logged 500 internal error
// (when nothing was written yet), so one bad request never takes the
// server down. http.ErrAbortHandler is passed on, as net/http expects.
func (s *server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.log.Error("panic serving a request",
				"method", r.Method, "path", r.URL.Path,
				"panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			if ww.Status() == 0 {
				writeError(ww, &scenario.Error{Status: http.StatusInternalServerError, Code: scenario.CodeInternal,
					Message: "internal error; it has been logged"})
			}
		}()
		next.ServeHTTP(ww, r)
	})
}

// notFound answers an unknown path.
func (s *server) notFound(w http.ResponseWriter, r *http.Request) {
	writeError(w, &scenario.Error{Status: http.StatusNotFound, Code: codeNotFound,
		Message: fmt.Sprintf("no such path: %s", r.URL.Path)})
}

// methodNotAllowed answers a known path asked with the wrong method, with
// the Allow header. chi does not pass the allowed methods to a custom
// handler, so they are found by matching the path against mux.
func (s *server) methodNotAllowed(mux *chi.Mux) http.HandlerFunc {
	methods := []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut,
		http.MethodPatch, http.MethodDelete, http.MethodOptions}
	return func(w http.ResponseWriter, r *http.Request) {
		path := r.URL.RawPath
		if path == "" {
			path = r.URL.Path
		}
		var allow []string
		for _, m := range methods {
			ok := mux.Match(chi.NewRouteContext(), m, path)
			if m == http.MethodHead { // middleware.GetHead answers HEAD with GET routes
				ok = ok || mux.Match(chi.NewRouteContext(), http.MethodGet, path)
			}
			if ok {
				allow = append(allow, m)
			}
		}
		if len(allow) == 0 {
			s.notFound(w, r)
			return
		}
		list := strings.Join(allow, ", ")
		w.Header().Set("Allow", list)
		writeError(w, &scenario.Error{Status: http.StatusMethodNotAllowed, Code: codeMethodNotAllowed,
			Message: fmt.Sprintf("%s is not allowed on %s; use %s", r.Method, r.URL.Path, list)})
	}
}
