// Package e2e drives the real hoplab server binary from a real headless
// Chromium. TestMain builds ./cmd/server, starts it on a free loopback port
// and stops it with SIGINT after the tests, failing the run unless it exits
// cleanly. Browser tests skip when Chromium is missing, or fail when the
// environment variable CI is set.
package e2e

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// srv is the server under test, set by TestMain.
var srv *server

func TestMain(m *testing.M) {
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	dir, err := os.MkdirTemp("", "hoplab-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	defer os.RemoveAll(dir)

	bin, err := buildServer(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	srv, err = startServer(bin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}

	code := m.Run()

	if err := srv.stop(); err != nil {
		fmt.Fprintf(os.Stderr, "e2e: FAIL: graceful shutdown: %v\n", err)
		code = 1
	}
	if code != 0 {
		fmt.Fprintf(os.Stderr, "e2e: server log:\n%s", srv.log)
	}
	return code
}

// artifactsDir is where tests write screenshots (git-ignored).
const artifactsDir = "artifacts"

func TestHealthz(t *testing.T) {
	resp, err := http.Get(srv.url + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(resp.Body)
		t.Fatalf("GET /healthz: %s %s", resp.Status, body)
	}
}

func TestAboutPage(t *testing.T) {
	tb := newTab(t)
	tb.open(t, "/about")

	title, err := chromedp.Run(tb.ctx, chromedp.Title())
	if err != nil {
		t.Fatalf("title: %v", err)
	}
	if !strings.Contains(strings.ToLower(title), "hoplab") {
		t.Errorf("title = %q, want it to contain %q", title, "hoplab")
	}

	png, err := chromedp.Run(tb.ctx, chromedp.FullScreenshot(100)) // quality 100: PNG
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	if err := os.MkdirAll(artifactsDir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(artifactsDir, "about.png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s (%d bytes)", path, len(png))

	tb.checkConsole(t, nil)
}

// fetchResult is what the page's fetch of the API returns to the test.
type fetchResult struct {
	Status      int             `json:"status"`
	ContentType string          `json:"contentType"`
	Body        json.RawMessage `json:"body"` // null when the body is not JSON
	Text        string          `json:"text"`
}

// fetchJSON posts body (a JavaScript expression) to path from the page's own
// origin and returns the status and the decoded JSON answer.
func fetchJSON(t *testing.T, tb *tab, path, body string) fetchResult {
	t.Helper()
	js := fmt.Sprintf(`(async () => {
		const r = await fetch(%q, {
			method: 'POST',
			headers: {'Content-Type': 'application/json'},
			body: %s,
		});
		const text = await r.text();
		let body = null;
		try { body = JSON.parse(text); } catch (e) {}
		return {status: r.status, contentType: r.headers.get('Content-Type') || '', body, text};
	})()`, path, body)
	res, err := chromedp.Run(tb.ctx, chromedp.Evaluate[fetchResult](js, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("fetch %s: %v", path, err)
	}
	return res
}

// runResult is the part of the API's Result the test checks.
type runResult struct {
	Trajectory []struct {
		Iteration int `json:"iteration"`
	} `json:"trajectory"`
	Snapshots []struct {
		Iteration int          `json:"iteration"`
		Points    [][2]float64 `json:"points"`
		Xs        []float64    `json:"xs"`
		Ys        []float64    `json:"ys"`
		Panels    []struct {
			Separation string      `json:"separation"`
			Energy     [][]float64 `json:"energy"`
			Labels     [][]int     `json:"labels"`
			Support    [][]int     `json:"support"`
		} `json:"panels"`
	} `json:"snapshots"`
}

// apiErrorBody is the API's JSON error.
type apiErrorBody struct {
	Error *struct {
		Code    string  `json:"code"`
		Message string  `json:"message"`
		Field   *string `json:"field"`
	} `json:"error"`
}

func TestRunAPIFromBrowser(t *testing.T) {
	tb := newTab(t)
	tb.open(t, "/about")

	t.Run("valid", func(t *testing.T) {
		const nx, ny = 8, 8
		res := fetchJSON(t, tb, "/api/v1/run", `JSON.stringify({memories: [[1, 0], [0, 1], [-1, 0]], view: {grid: {nx: 8, ny: 8}}})`)
		if res.Status != http.StatusOK {
			t.Fatalf("status %d, want 200; body: %s", res.Status, res.Text)
		}
		if !strings.HasPrefix(res.ContentType, "application/json") {
			t.Errorf("Content-Type = %q, want application/json", res.ContentType)
		}
		var r runResult
		if err := json.Unmarshal(res.Body, &r); err != nil {
			t.Fatalf("decode result: %v; body: %.500s", err, res.Text)
		}
		if len(r.Trajectory) != 1 || r.Trajectory[0].Iteration != 0 {
			t.Errorf("trajectory has %d entries, want 1 (iteration 0, no U-Hop+ steps by default)", len(r.Trajectory))
		}
		if len(r.Snapshots) == 0 {
			t.Fatal("no snapshots")
		}
		want := []string{"softmax", "entmax15", "sparsemax"}
		for si, s := range r.Snapshots {
			if s.Iteration != 0 {
				t.Errorf("snapshot %d: iteration %d, want 0", si, s.Iteration)
			}
			if len(s.Points) != 3 {
				t.Errorf("snapshot %d: %d points, want 3 (one per memory)", si, len(s.Points))
			}
			if len(s.Xs) != nx || len(s.Ys) != ny {
				t.Errorf("snapshot %d: %d xs and %d ys, want %d and %d", si, len(s.Xs), len(s.Ys), nx, ny)
			}
			if len(s.Panels) != len(want) {
				t.Fatalf("snapshot %d: %d panels, want %d", si, len(s.Panels), len(want))
			}
			for pi, p := range s.Panels {
				if p.Separation != want[pi] {
					t.Errorf("snapshot %d panel %d: separation %q, want %q", si, pi, p.Separation, want[pi])
				}
				checkGrid(t, fmt.Sprintf("snapshot %d %s energy", si, p.Separation), len(p.Energy), func(i int) int { return len(p.Energy[i]) }, nx, ny)
				checkGrid(t, fmt.Sprintf("snapshot %d %s labels", si, p.Separation), len(p.Labels), func(i int) int { return len(p.Labels[i]) }, nx, ny)
				checkGrid(t, fmt.Sprintf("snapshot %d %s support", si, p.Separation), len(p.Support), func(i int) int { return len(p.Support[i]) }, nx, ny)
				for _, row := range p.Labels {
					for _, l := range row {
						if l < -1 || l >= 3 {
							t.Errorf("snapshot %d %s: label %d, want -1..2", si, p.Separation, l)
						}
					}
				}
			}
		}
	})

	for _, tc := range []struct {
		name   string
		body   string // a JavaScript expression for the request body
		status int
		code   string
		field  string
	}{
		{
			name:   "grid too small",
			body:   `JSON.stringify({memories: [[1, 0], [0, 1], [-1, 0]], view: {grid: {nx: 1, ny: 8}}})`,
			status: http.StatusBadRequest,
			code:   "invalid_field",
			field:  "view.grid.nx",
		},
		{
			name:   "negative beta",
			body:   `JSON.stringify({memories: [[1, 0], [0, 1]], beta: -1})`,
			status: http.StatusBadRequest,
			code:   "invalid_field",
			field:  "beta",
		},
		{
			name:   "unknown field",
			body:   `JSON.stringify({memories: [[1, 0], [0, 1]], betta: 2})`,
			status: http.StatusBadRequest,
			code:   "unknown_field",
			field:  "betta",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := fetchJSON(t, tb, "/api/v1/run", tc.body)
			if res.Status != tc.status {
				t.Errorf("status %d, want %d; body: %s", res.Status, tc.status, res.Text)
			}
			if !strings.HasPrefix(res.ContentType, "application/json") {
				t.Errorf("Content-Type = %q, want application/json", res.ContentType)
			}
			var e apiErrorBody
			if err := json.Unmarshal(res.Body, &e); err != nil || e.Error == nil {
				t.Fatalf("want a JSON error body, got %s (%v)", res.Text, err)
			}
			if e.Error.Code != tc.code {
				t.Errorf("error.code = %q, want %q", e.Error.Code, tc.code)
			}
			if e.Error.Field == nil {
				t.Errorf("error has no field member: %s", res.Text)
			} else if *e.Error.Field != tc.field {
				t.Errorf("error.field = %q, want %q", *e.Error.Field, tc.field)
			}
			if e.Error.Message == "" {
				t.Errorf("error.message is empty")
			}
		})
	}

	// The rejected requests show up in the browser log as failed loads of
	// the API; anything else at error level is a bug of the page.
	tb.checkConsole(t, func(m chromedp.ConsoleMessage) bool {
		return m.Source == "network" && strings.HasSuffix(m.URL, "/api/v1/run")
	})
}

// checkGrid checks that a grid has ny rows of nx cells.
func checkGrid(t *testing.T, what string, rows int, cols func(row int) int, nx, ny int) {
	t.Helper()
	if rows != ny {
		t.Errorf("%s: %d rows, want %d", what, rows, ny)
		return
	}
	for i := range rows {
		if c := cols(i); c != nx {
			t.Errorf("%s: row %d has %d cells, want %d", what, i, c, nx)
			return
		}
	}
}
