package api

import (
	"io/fs"
	"net/http"
	"strings"
	"testing"

	"hoplab/internal/scenario"
	"hoplab/web"
)

// TestStaticSkipsTests checks that the JavaScript unit tests and testdata
// embedded with the assets are not served, while the modules they test are.
func TestStaticSkipsTests(t *testing.T) {
	h := newTestServer(t, scenario.Limits{}).routes(nil)
	var tests []string
	err := fs.WalkDir(web.Static, "static", func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && (strings.HasSuffix(path, ".test.js") || strings.Contains(path, "/testdata/")) {
			tests = append(tests, path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(tests) == 0 {
		t.Fatal("no *.test.js file is embedded; this test has nothing to check")
	}
	for _, path := range tests {
		if rec := request(h, http.MethodGet, "/"+path, "", ""); rec.Code != http.StatusNotFound {
			t.Errorf("GET /%s: %d, want 404", path, rec.Code)
		}
	}
	for _, path := range []string{"/static/js/frame.js", "/static/js/store.js"} {
		if rec := request(h, http.MethodGet, path, "", ""); rec.Code != http.StatusOK {
			t.Errorf("GET %s: %d, want 200", path, rec.Code)
		}
	}
}
