package api

import (
	"hoplab/internal/scenario"
	"net/http"
	"strings"
	"testing"
)

// TestRunDuplicateField posts scenarios with a key given twice: each is
// refused with 400 duplicate_field naming the key's path.
func TestRunDuplicateField(t *testing.T) {
	h := newTestServer(t, scenario.Limits{}).routes(nil)
	for body, field := range map[string]string{
		`{"memories": [[1, 0], [0, 1]], "uhop": {"lr": 1, "lr": 2}}`:                                  "uhop.lr",
		`{"memories": [[1, 0], [0, 1]], "beta": 1, "beta": 1}`:                                        "beta",
		`{"memories": [[1, 0], [0, 1]], "memories": [[1, 0]]}`:                                        "memories",
		`{"memories": [[1, 0], [0, 1]], "view": {"grid": {"nx": 4, "ny": 4, "nx": 5}}}`:               "view.grid.nx",
		`{"memories": [[1, 0], [0, 1]], "ui": {"notes": [{"t": 1, "t": 2}]}}`:                         "ui.notes[0].t",
		`{"memories": [[1, 0], [0, 1]], "featureMap": {"affine": true, "aff\u0069ne": false}}`:        "featureMap.affine",
		"\n{\"memories\": [[1, 0], [0, 1]],\n \"separations\": [\"softmax\"], \"separations\": []}\n": "separations",
	} {
		rec := postRun(h, body)
		if rec.Code != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400", body, rec.Code)
			continue
		}
		if e := errorOf(t, rec); e.Code != scenario.CodeDuplicateField || e.Field != field || !strings.Contains(e.Message, "more than once") {
			t.Errorf("%s: error %+v, want duplicate_field %q", body, e, field)
		}
	}
	// The same key in different objects is fine.
	resultOf(t, postRun(h, `{"memories": [[1, 0], [0, 1]], "view": {"grid": {"nx": 4, "ny": 4}}, "ui": {"a": {"nx": 1}, "b": {"nx": 2}}}`))
}
