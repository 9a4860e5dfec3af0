package api

import (
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"

	"hoplab/internal/scenario"
)

// DNS rebinding: a page from evil.example whose name then resolves to
// 127.0.0.1 (or a classroom address) talks to this server as its own
// origin. Its requests carry "Host: evil.example", so every request must
// name one of the server's own host names, and a live session's Origin,
// which a browser always sends, must name one too.

// Error codes of the host checks.
const (
	codeHostNotAllowed   = "host_not_allowed"   // 421: the Host header is not an allowed host
	codeOriginNotAllowed = "origin_not_allowed" // 403: a live session's Origin is not an allowed host
)

// LoopbackHosts returns the names of the machine itself, which a browser
// resolves to a loopback address only: localhost and its subdomains
// (RFC 6761), 127.0.0.1 and ::1. They are Config.AllowedHosts's default.
func LoopbackHosts() []string { return []string{"localhost", "*.localhost", "127.0.0.1", "::1"} }

// CheckHostPattern reports whether p can be an entry of
// Config.AllowedHosts: a host name or an IP address without port or
// scheme, "*.suffix" for every subdomain of suffix, or "*".
func CheckHostPattern(p string) error {
	name := strings.TrimPrefix(p, "*.")
	switch {
	case p == "*":
		return nil
	case name == "" || strings.ContainsAny(name, "*/@ \t"):
		return fmt.Errorf("%q is not a host name, an IP address, *.suffix or *", p)
	case net.ParseIP(name) == nil && strings.Contains(name, ":"):
		return fmt.Errorf("%q has a port or a scheme; give the host name alone (any port is accepted)", p)
	}
	return nil
}

// hostList is an allow-list of host names, matched case-insensitively on
// any port. IP addresses match in any spelling (::1 is 0:0:0:0:0:0:0:1).
type hostList struct {
	any      bool            // "*": every host
	exact    map[string]bool // canonical names
	suffixes []string        // ".example.org" for "*.example.org"
	names    []string        // as given, for messages
}

func newHostList(patterns []string) *hostList {
	h := &hostList{exact: map[string]bool{}, names: patterns}
	for _, p := range patterns {
		switch {
		case p == "*":
			h.any = true
		case strings.HasPrefix(p, "*."):
			h.suffixes = append(h.suffixes, canonicalHost(p[1:]))
		default:
			h.exact[canonicalHost(p)] = true
		}
	}
	return h
}

// canonicalHost lower-cases name and drops a trailing dot and an IPv6
// zone; an IP address is written in its canonical form.
func canonicalHost(name string) string {
	name = strings.TrimSuffix(strings.ToLower(name), ".")
	if i := strings.IndexByte(name, '%'); i >= 0 && strings.Contains(name, ":") {
		name = name[:i] // fe80::1%eth0, or %25eth0 in a URL
	}
	if ip := net.ParseIP(name); ip != nil {
		return ip.String()
	}
	return name
}

// hostOf returns the host of a Host header or URL authority, without its
// port and IPv6 brackets.
func hostOf(hostport string) string {
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		return h
	}
	return strings.TrimSuffix(strings.TrimPrefix(hostport, "["), "]")
}

// allows reports whether the host of hostport (a Host header or a URL's
// host, port optional) is on the list.
func (h *hostList) allows(hostport string) bool {
	if h.any {
		return true
	}
	name := canonicalHost(hostOf(hostport))
	if h.exact[name] {
		return true
	}
	for _, s := range h.suffixes {
		if strings.HasSuffix(name, s) && len(name) > len(s) {
			return true
		}
	}
	return false
}

// checkHost answers a request whose Host header is not an allowed host
// with 421 host_not_allowed. A request without Host (HTTP/1.0) cannot come
// from a browser and passes.
func (s *server) checkHost(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Host != "" && !s.hosts.allows(r.Host) {
			writeError(w, &scenario.Error{Status: http.StatusMisdirectedRequest, Code: codeHostNotAllowed,
				Message: fmt.Sprintf("this server does not answer to the host %q (a protection against DNS rebinding); "+
					"use one of the names it serves (its log lists them at start), or start it with -allowed-hosts", r.Host)})
			return
		}
		next.ServeHTTP(w, r)
	})
}

// checkOrigin checks a live session's Origin header: absent (scripts), or
// an allowed host on any port. With "*" among the allowed hosts it must be
// the request's own host and port (same origin). It returns a 403
// origin_not_allowed error, or nil.
func (s *server) checkOrigin(r *http.Request) *scenario.Error {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return nil
	}
	u, err := url.Parse(origin)
	ok := err == nil && u.Host != ""
	if ok && s.hosts.any {
		ok = strings.EqualFold(u.Host, r.Host)
	} else if ok {
		ok = s.hosts.allows(u.Host)
	}
	if ok {
		return nil
	}
	return &scenario.Error{Status: http.StatusForbidden, Code: codeOriginNotAllowed,
		Message: fmt.Sprintf("live sessions are not open to pages from %q: the Origin must be one of the server's own host names", origin)}
}
