package scenario

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
)

// encoding/json keeps the last of two equal keys of an object and says
// nothing: {"uhop": {"lr": 1, "lr": 1000}} would run with lr = 1000. Every
// JSON input (the /run body, live messages) is therefore checked for
// repeated keys, anywhere, "ui" included.

// DuplicateError reports the first repeated key of data as 400
// duplicate_field naming its path (e.g. "uhop.lr", "ui.marks[2].x"), or
// returns nil. data must be valid JSON: this is checked after decoding.
func DuplicateError(data []byte) *Error {
	path, key, found := duplicateKey(data)
	if !found {
		return nil
	}
	return &Error{Status: http.StatusBadRequest, Code: CodeDuplicateField, Field: path,
		Message: fmt.Sprintf("the key %q appears more than once in the same object; give each member once", key)}
}

// duplicateKey returns the path and the name of the first key of data
// that repeats an earlier key of the same object, comparing keys as
// encoding/json decodes them (escapes resolved). data must be valid JSON.
func duplicateKey(data []byte) (path, key string, found bool) {
	type container struct {
		object  bool
		path    string
		wantKey bool                // object: the next string is a key
		key     string              // object: the key of the current member
		keys    map[string]struct{} // object: the keys seen, once there are two
		index   int                 // array: the current element
	}
	var stack []container
	// valuePath is the path of a value that starts now in the innermost
	// container.
	valuePath := func() string {
		if len(stack) == 0 {
			return ""
		}
		c := &stack[len(stack)-1]
		if !c.object {
			return c.path + "[" + strconv.Itoa(c.index) + "]"
		}
		if c.path == "" {
			return c.key
		}
		return c.path + "." + c.key
	}
	for i := 0; i < len(data); i++ {
		switch b := data[i]; b {
		case '{', '[':
			stack = append(stack, container{object: b == '{', path: valuePath(), wantKey: b == '{'})
		case '}', ']':
			stack = stack[:len(stack)-1]
		case ',':
			if c := &stack[len(stack)-1]; c.object {
				c.wantKey = true
			} else {
				c.index++
			}
		case '"':
			start := i
			plain := true // no escape, ASCII only: the bytes are the key
			for i++; data[i] != '"'; i++ {
				if data[i] == '\\' {
					i++
					plain = false
				} else if data[i] >= 0x80 {
					plain = false
				}
			}
			if len(stack) == 0 || !stack[len(stack)-1].object || !stack[len(stack)-1].wantKey {
				continue // a string value
			}
			c := &stack[len(stack)-1]
			k := string(data[start+1 : i])
			if !plain {
				_ = json.Unmarshal(data[start:i+1], &k) // valid JSON: no error
			}
			if c.index > 0 {
				if c.keys == nil { // the second key: c.key is the first
					c.keys = map[string]struct{}{c.key: {}}
				}
				if _, dup := c.keys[k]; dup {
					c.key = k
					return valuePath(), k, true
				}
				c.keys[k] = struct{}{}
			}
			c.key, c.wantKey = k, false
			c.index++ // objects count their members here
		}
	}
	return "", "", false
}
