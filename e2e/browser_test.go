package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// browserTimeout bounds everything one test does with its browser, so a hung
// browser fails the test instead of hanging the suite.
const browserTimeout = 60 * time.Second

// chromiumPath finds Debian's Chromium: /usr/bin/chromium, else chromium or
// chromium-browser on PATH. It returns "" when there is none.
func chromiumPath() string {
	if fi, err := os.Stat("/usr/bin/chromium"); err == nil && !fi.IsDir() {
		return "/usr/bin/chromium"
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// tab is one headless Chromium, started for one test, with one page.
type tab struct {
	ctx     context.Context // chromedp context of the page; carries the deadline
	console *consoleLog
}

// newTab starts a fresh headless Chromium (own profile and TMPDIR) with a
// deadline of browserTimeout, and stops it when the test ends. Without a
// Chromium the test is skipped, or fails when the environment variable CI
// is set.
func newTab(t testing.TB) *tab {
	t.Helper()
	exe := chromiumPath()
	if exe == "" {
		const why = "chromium not found (looked for /usr/bin/chromium, chromium and chromium-browser on PATH); install it with: apt-get install -y chromium"
		if os.Getenv("CI") != "" {
			t.Fatalf("%s; CI is set, so browser tests must run", why)
		}
		t.Skip(why)
	}

	// TempDirs are removed after the cleanups registered later have run, so
	// the browser has exited by then.
	profile := t.TempDir()
	tmp := t.TempDir()
	output := &lockedBuffer{}

	opts := append(slices.Clone(chromedp.DefaultExecAllocatorOptions[:]),
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1280, 900),
		chromedp.Env("TMPDIR="+tmp),
		chromedp.CombinedOutput(output),
	)

	// The deadline is on the allocator's context: the browser process lives
	// no longer than browserTimeout, and every action on the page inherits it.
	deadlineCtx, cancelDeadline := context.WithTimeout(context.Background(), browserTimeout)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(deadlineCtx, opts...)
	console := &consoleLog{changed: make(chan struct{})}
	ctx, cancelCtx := chromedp.NewContext(allocCtx, chromedp.WithErrorf(t.Logf))
	t.Cleanup(func() {
		cancelCtx()
		cancelAlloc() // waits for the browser process to exit
		cancelDeadline()
		if t.Failed() {
			t.Logf("chromium output:\n%s", output)
		}
	})

	// The first Do starts the browser and opens the page.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium %s: %v\n%s", exe, err, output)
	}
	console.start(ctx)
	return &tab{ctx: ctx, console: console}
}

// consoleLog collects what the page writes to its console: console API
// calls, uncaught exceptions and browser log entries (failed loads among
// them), in order.
type consoleLog struct {
	mu      sync.Mutex // guards msgs, changed, err and syncSeq
	msgs    []chromedp.ConsoleMessage
	changed chan struct{} // closed and replaced on every new message
	err     error         // why collection ended, if it did
	syncSeq int
}

// start ranges over the page's console in a goroutine until ctx ends.
func (c *consoleLog) start(ctx context.Context) {
	messages := chromedp.Console(ctx) // subscribes now, before any navigation
	go func() {
		for m, err := range messages {
			c.mu.Lock()
			if err != nil {
				c.err = err
			} else {
				c.msgs = append(c.msgs, m)
			}
			close(c.changed)
			c.changed = make(chan struct{})
			c.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
}

// flush writes a marker to the page's console and waits until it arrives, so
// every message the page wrote before has been collected. It returns the
// messages so far, markers excluded.
func (c *consoleLog) flush(ctx context.Context) ([]chromedp.ConsoleMessage, error) {
	c.mu.Lock()
	c.syncSeq++
	marker := fmt.Sprintf("e2e-console-flush-%d", c.syncSeq)
	c.mu.Unlock()
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](fmt.Sprintf("console.debug(%q)", marker))); err != nil {
		return nil, fmt.Errorf("write console marker: %w", err)
	}
	for {
		c.mu.Lock()
		if slices.ContainsFunc(c.msgs, func(m chromedp.ConsoleMessage) bool {
			return m.Type == chromedp.ConsoleDebug && m.Text == marker
		}) {
			out := withoutMarkers(slices.Clone(c.msgs))
			c.mu.Unlock()
			return out, nil
		}
		changed, err := c.changed, c.err
		c.mu.Unlock()
		if err != nil {
			return nil, fmt.Errorf("console collection ended: %w", err)
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return nil, fmt.Errorf("waiting for console marker: %w", ctx.Err())
		}
	}
}

func withoutMarkers(msgs []chromedp.ConsoleMessage) []chromedp.ConsoleMessage {
	return slices.DeleteFunc(msgs, func(m chromedp.ConsoleMessage) bool {
		return m.Type == chromedp.ConsoleDebug && strings.HasPrefix(m.Text, "e2e-console-flush-")
	})
}

// isError reports whether a console message is error level: console.error,
// a failed console.assert, an uncaught exception or unhandled rejection, or
// an error entry of the browser log (such as a failed resource load).
func isError(m chromedp.ConsoleMessage) bool {
	switch m.Type {
	case chromedp.ConsoleError, chromedp.ConsoleException, "assert":
		return true
	}
	return false
}

// checkConsole fails the test for every error-level console message that
// allowed (which may be nil) does not accept, and logs the accepted ones and
// the warnings.
func (tb *tab) checkConsole(t testing.TB, allowed func(chromedp.ConsoleMessage) bool) {
	t.Helper()
	msgs, err := tb.console.flush(tb.ctx)
	if err != nil {
		t.Fatalf("console: %v", err)
	}
	for _, m := range msgs {
		where := ""
		if m.URL != "" {
			where = fmt.Sprintf(" at %s:%d:%d", m.URL, m.Line+1, m.Column+1)
		}
		if m.Source != "" {
			where += fmt.Sprintf(" (source %s)", m.Source)
		}
		switch {
		case isError(m) && allowed != nil && allowed(m):
			t.Logf("console (expected) %s%s", m, where)
		case isError(m):
			t.Errorf("console %s%s", m, where)
		case m.Type == chromedp.ConsoleWarning:
			t.Logf("console %s%s", m, where)
		}
	}
}

// open navigates the tab to path on the test server and waits until the
// page's main element is visible.
func (tb *tab) open(t testing.TB, path string) {
	t.Helper()
	if err := chromedp.Do(tb.ctx,
		chromedp.Navigate(srv.url+path),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="page"]`)),
	); err != nil {
		t.Fatalf("load %s: %v", path, err)
	}
}
