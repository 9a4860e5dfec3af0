package main

import (
	"net"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"
)

func TestDefaultAllowedHosts(t *testing.T) {
	loopback := []string{"localhost", "*.localhost", "127.0.0.1", "::1"}
	tcp := func(ip string) net.Addr { return &net.TCPAddr{IP: net.ParseIP(ip), Port: 8080} }

	if got := defaultAllowedHosts("127.0.0.1:0", tcp("127.0.0.1")); !slices.Equal(got, loopback) {
		t.Errorf("on 127.0.0.1: %v, want the loopback names only", got)
	}
	got := defaultAllowedHosts("Hoplab.Example.org.:8080", tcp("192.0.2.7"))
	if want := append(slices.Clone(loopback), "hoplab.example.org", "192.0.2.7"); !slices.Equal(got, want) {
		t.Errorf("on a named address: %v, want %v", got, want)
	}

	// On a wildcard address: also every interface address and the host name.
	var machine []string
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok {
			machine = append(machine, n.IP.String())
		}
	}
	if name, err := os.Hostname(); err == nil {
		machine = append(machine, strings.ToLower(name))
	}
	for _, addr := range []string{"0.0.0.0:8080", "[::]:8080", ":8080"} {
		got := defaultAllowedHosts(addr, tcp("::"))
		for _, want := range append(slices.Clone(loopback), machine...) {
			if !slices.Contains(got, want) {
				t.Errorf("on %s: %v lacks %q", addr, got, want)
			}
		}
	}
}

// TestAllowedHosts starts servers and sends requests over loopback with
// chosen Host headers: by default only the server's own names are
// answered; -allowed-hosts and HOPLAB_ALLOWED_HOSTS replace them.
func TestAllowedHosts(t *testing.T) {
	for _, tc := range []struct {
		name    string
		args    []string
		env     map[string]string
		ok, bad []string
	}{
		{"default", nil, nil, []string{"", "localhost", "localhost:1"}, []string{"evil.example", "hoplab.example.org"}},
		{"flag", []string{"-allowed-hosts", "hoplab.example.org, *.lab.example"}, nil,
			[]string{"hoplab.example.org", "hoplab.example.org:443", "a.lab.example"}, []string{"", "localhost", "evil.example"}},
		{"environment", nil, map[string]string{"HOPLAB_ALLOWED_HOSTS": "hoplab.example.org"}, []string{"hoplab.example.org"}, []string{"", "localhost"}},
		{"flag over environment", []string{"-allowed-hosts", "localhost"}, map[string]string{"HOPLAB_ALLOWED_HOSTS": "hoplab.example.org"},
			[]string{"localhost"}, []string{"hoplab.example.org"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := startRun(t, append([]string{"-addr", "127.0.0.1:0"}, tc.args...), tc.env)
			if !strings.Contains(s.logs.String(), "allowed hosts") {
				t.Errorf("the log does not list the allowed hosts:\n%s", s.logs)
			}
			client := &http.Client{Timeout: guard}
			for _, host := range append(tc.ok, tc.bad...) {
				req, err := http.NewRequest(http.MethodGet, s.url+"/healthz", nil)
				if err != nil {
					t.Fatal(err)
				}
				if host != "" { // "": the URL's own, 127.0.0.1:PORT
					req.Host = host
				}
				resp, err := client.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				want := http.StatusOK
				if slices.Contains(tc.bad, host) {
					want = http.StatusMisdirectedRequest
				}
				if resp.StatusCode != want {
					t.Errorf("Host %q: status %d, want %d", host, resp.StatusCode, want)
				}
			}
		})
	}
}
