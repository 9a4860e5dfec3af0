package api

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	"hoplab/internal/scenario"
)

// staticFiles serves the embedded assets. They are not fingerprinted, so
// every response carries a strong ETag of its content with Cache-Control
// no-cache: browsers keep the file and revalidate it on each use, which
// costs a 304 and never serves a stale asset after a new build.
type staticFiles struct {
	fsys  fs.FS
	etags map[string]string // file path → ETag; only these paths are served
}

// newStaticFiles indexes the files of fsys and their ETags. The
// JavaScript unit tests (*.test.js, run by node --test) and any testdata
// directory are left out: they are embedded with the rest, since go:embed
// cannot exclude files by pattern, but they are not served.
func newStaticFiles(fsys fs.FS) *staticFiles {
	sf := &staticFiles{fsys: fsys, etags: map[string]string{}}
	err := fs.WalkDir(fsys, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == "testdata" {
				return fs.SkipDir
			}
			return nil
		}
		if !servedAsset(path) {
			return nil
		}
		data, err := fs.ReadFile(fsys, path)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		sf.etags[path] = `"` + hex.EncodeToString(sum[:12]) + `"`
		return nil
	})
	if err != nil {
		panic("api: reading the embedded static files: " + err.Error()) // embedded files cannot fail to read
	}
	return sf
}

// servedAsset reports whether a static file is for browsers: not a
// JavaScript unit test.
func servedAsset(path string) bool {
	return !strings.HasSuffix(path, ".test.js")
}

// ServeHTTP serves the file named by the route's wildcard; directories and
// unknown files are 404.
func (sf *staticFiles) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name := chi.URLParam(r, "*")
	etag, ok := sf.etags[name]
	if !ok {
		writeError(w, &scenario.Error{Status: http.StatusNotFound, Code: codeNotFound, Message: "no such file: " + r.URL.Path})
		return
	}
	h := w.Header()
	h.Set("ETag", etag)
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Content-Type-Options", "nosniff")
	http.ServeFileFS(w, r, sf.fsys, name) // answers If-None-Match with 304
}
