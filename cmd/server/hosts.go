package main

import (
	"fmt"
	"net"
	"os"
	"slices"
	"strings"

	"hoplab/internal/api"
)

// defaultAllowedHosts lists the host names the server can honestly be
// reached by, for the Host and Origin checks against DNS rebinding: the
// loopback names, the host of the listen address as given (addr) and as
// bound, and, when bound to a wildcard address (0.0.0.0, ::, or no host),
// every address of the machine's interfaces and its host name (with
// ".local" added when it has no dot, for mDNS), so that a class reaches a
// teacher's machine at 192.168.x.y:8080.
func defaultAllowedHosts(addr string, bound net.Addr) []string {
	hosts := api.LoopbackHosts()
	add := func(h string) {
		h = strings.ToLower(strings.TrimSuffix(h, "."))
		if h != "" && !slices.Contains(hosts, h) {
			hosts = append(hosts, h)
		}
	}
	wildcard := false
	if h, _, err := net.SplitHostPort(addr); err == nil {
		if ip := net.ParseIP(h); h == "" || ip != nil && ip.IsUnspecified() {
			wildcard = true
		} else {
			add(h)
		}
	}
	if tcp, ok := bound.(*net.TCPAddr); ok {
		if tcp.IP.IsUnspecified() {
			wildcard = true
		} else {
			add(tcp.IP.String())
		}
	}
	if !wildcard {
		return hosts
	}
	if addrs, err := net.InterfaceAddrs(); err == nil {
		for _, a := range addrs {
			if n, ok := a.(*net.IPNet); ok {
				add(n.IP.String())
			}
		}
	}
	if name, err := os.Hostname(); err == nil && name != "" {
		add(name)
		if !strings.Contains(name, ".") {
			add(name + ".local")
		}
	}
	return hosts
}

// parseAllowedHosts splits the comma-separated value of -allowed-hosts
// and checks every entry.
func parseAllowedHosts(v string) ([]string, error) {
	var hosts []string
	for _, h := range strings.Split(v, ",") {
		h = strings.TrimSpace(h)
		if h == "" {
			continue
		}
		if err := api.CheckHostPattern(h); err != nil {
			return nil, fmt.Errorf("-allowed-hosts: %w", err)
		}
		hosts = append(hosts, h)
	}
	if len(hosts) == 0 {
		return nil, fmt.Errorf("-allowed-hosts %q lists no host", v)
	}
	return hosts, nil
}
