package scenario

import (
	"strconv"
	"strings"
	"testing"
)

func TestSyntaxErrorPosition(t *testing.T) {
	for _, tt := range []struct {
		body      string
		line, col int
	}{
		{`{"memories": [[1, 0]],}`, 1, 23},
		{"{\n  \"memories\": [[1, 0]]\n  \"beta\": 2}", 3, 3},
		{"{\"memories\": [[1, 0x1]]}", 1, 20},
	} {
		_, err := Decode([]byte(tt.body))
		want := "line " + strconv.Itoa(tt.line) + ", column " + strconv.Itoa(tt.col) + ":"
		if e, ok := err.(*Error); !ok || e.Code != CodeInvalidJSON || !strings.Contains(e.Message, want) {
			t.Errorf("%q: %v, want invalid_json at %s", tt.body, err, want)
		}
	}
}
