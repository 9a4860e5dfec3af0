package e2e

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Bounds of the server's life in the suite. They guard against hangs; no
// test waits for them to pass.
const (
	buildTimeout    = 3 * time.Minute
	startTimeout    = 30 * time.Second
	shutdownTimeout = 10 * time.Second
)

// listeningRE finds the address in the server's start line, which reads
// "listening on http://HOST:PORT" (inside a quoted slog message or not).
var listeningRE = regexp.MustCompile(`listening on (http://[^\s"]+)`)

// server is the real hoplab binary, built and started once by TestMain.
type server struct {
	url string // base URL without a trailing slash, e.g. http://127.0.0.1:40123
	cmd *exec.Cmd

	exited  chan struct{} // closed when the process has exited and exitErr is set
	exitErr error

	log *lockedBuffer // everything the server wrote to stderr and stdout
}

// lockedBuffer is a bytes buffer safe for concurrent writes and reads.
type lockedBuffer struct {
	mu sync.Mutex // guards b
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// moduleRoot returns the directory of hoplab's go.mod.
func moduleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", errors.New("go env GOMOD: not inside a module")
	}
	return filepath.Dir(gomod), nil
}

// buildServer compiles ./cmd/server into dir and returns the binary's path.
func buildServer(dir string) (string, error) {
	root, err := moduleRoot()
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "hoplab")
	ctx, cancel := context.WithTimeout(context.Background(), buildTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/server")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./cmd/server: %w\n%s", err, out)
	}
	return bin, nil
}

// startServer runs bin on a free loopback port, reads the address from its
// start line and waits until /healthz answers 200.
func startServer(bin string) (*server, error) {
	s := &server{log: &lockedBuffer{}, exited: make(chan struct{})}
	s.cmd = exec.Command(bin, "-addr", "127.0.0.1:0")
	s.cmd.Stdout = s.log
	s.cmd.SysProcAttr = serverProcAttr()
	stderr, err := s.cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := s.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start server: %w", err)
	}

	// Copy stderr into the log for the whole life of the process, so the
	// server never blocks on a full pipe, and hand over the first address.
	addr := make(chan string, 1)
	copied := make(chan struct{})
	go func() {
		defer close(copied)
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		found := false
		for sc.Scan() {
			line := sc.Text()
			fmt.Fprintln(s.log, line)
			if m := listeningRE.FindStringSubmatch(line); m != nil && !found {
				found = true
				addr <- m[1]
			}
		}
		_, _ = io.Copy(s.log, stderr) // a line longer than the buffer
	}()
	go func() {
		<-copied // Wait must not close the pipe before it is read to the end
		s.exitErr = s.cmd.Wait()
		close(s.exited)
	}()

	timeout := time.NewTimer(startTimeout)
	defer timeout.Stop()
	select {
	case s.url = <-addr:
	case <-s.exited:
		return nil, fmt.Errorf("server exited before listening (%v); its log:\n%s", s.exitErr, s.log)
	case <-timeout.C:
		s.kill()
		return nil, fmt.Errorf("server did not log %q within %v; its log:\n%s", "listening on http://", startTimeout, s.log)
	}

	if err := waitHealthy(s.url+"/healthz", timeout.C, s.exited); err != nil {
		s.kill()
		return nil, fmt.Errorf("%w; server log:\n%s", err, s.log)
	}
	return s, nil
}

// waitHealthy polls url until it answers 200, the deadline fires or the
// process exits. The listener is open once the start line is logged, so the
// first request normally succeeds.
func waitHealthy(url string, deadline <-chan time.Time, exited <-chan struct{}) error {
	client := &http.Client{Timeout: 5 * time.Second}
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	var last error
	for {
		resp, err := client.Get(url)
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			err = fmt.Errorf("status %s", resp.Status)
		}
		last = err
		select {
		case <-tick.C:
		case <-deadline:
			return fmt.Errorf("GET %s never answered 200: %v", url, last)
		case <-exited:
			return fmt.Errorf("server exited while waiting for %s: %v", url, last)
		}
	}
}

// stop sends SIGINT and waits for a clean exit (status 0) within
// shutdownTimeout; otherwise it kills the process and reports why.
func (s *server) stop() error {
	if err := s.cmd.Process.Signal(syscall.SIGINT); err != nil {
		return fmt.Errorf("SIGINT: %w", err)
	}
	timeout := time.NewTimer(shutdownTimeout)
	defer timeout.Stop()
	select {
	case <-s.exited:
		if s.exitErr != nil {
			return fmt.Errorf("server exited with %v after SIGINT", s.exitErr)
		}
		return nil
	case <-timeout.C:
		s.kill()
		return fmt.Errorf("server still running %v after SIGINT; killed", shutdownTimeout)
	}
}

// kill ends the process and waits for it.
func (s *server) kill() {
	_ = s.cmd.Process.Kill()
	<-s.exited
}
