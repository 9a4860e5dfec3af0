package api

import "net/http"

// securityHeaders sets, on every response (pages, assets, JSON, errors,
// 404s, upgrades):
//
//   - X-Content-Type-Options: nosniff, so a browser takes every body for
//     the type it is sent as;
//   - Referrer-Policy: no-referrer, so links from the pages do not tell
//     other sites the address of the server or of a permalink, whose
//     fragment holds a whole scenario.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		next.ServeHTTP(w, r)
	})
}
