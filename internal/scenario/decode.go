package scenario

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"
)

// Decode decodes body, which must be exactly one JSON object with
// only the fields of Scenario, each at most once (white space around it is
// fine). Errors are *Error: invalid_json, unknown_field,
// duplicate_field or invalid_field (a wrong type, with the field's path).
// The range an integer field's error names has the upper ends of
// DefaultLimits; DecodeWithin names those of other limits.
func Decode(body []byte) (*Scenario, error) {
	return DecodeWithin(body, DefaultLimits())
}

// DecodeWithin decodes body as Decode does; the errors about integer
// fields name their ranges with lim's upper ends (those Resolve checks
// against lim).
func DecodeWithin(body []byte, lim Limits) (*Scenario, error) {
	return decodeObject[Scenario](body, "scenario", lim)
}

// decodeObject decodes body, which must be exactly one JSON object with
// only the fields of T, each at most once, as Decode describes; what names
// the object in messages ("scenario"); lim gives the upper ends of the
// ranges that errors about integer fields name.
func decodeObject[T any](body []byte, what string, lim Limits) (*T, error) {
	root := reflect.TypeFor[T]()
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	var v *T
	if err := dec.Decode(&v); err != nil {
		return nil, decodeError(body, err, root, what, lim)
	}
	if v == nil {
		return nil, &Error{Status: http.StatusBadRequest, Code: CodeInvalidJSON, Message: fmt.Sprintf("the body must be a JSON object (a %s), not null", what)}
	}
	if e := DuplicateError(body[:dec.InputOffset()]); e != nil {
		return nil, e
	}
	if path, want, found := miscasedKey(body, root); found {
		key := path[strings.LastIndexByte(path, '.')+1:]
		return nil, &Error{Status: http.StatusBadRequest, Code: CodeUnknownField, Field: path,
			Message: fmt.Sprintf("unknown field %q; did you mean %q? (names are case-sensitive camelCase)", key, want)}
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, &Error{Status: http.StatusBadRequest, Code: CodeInvalidJSON,
			Message: fmt.Sprintf("unexpected data after the %s object at byte %d; send exactly one JSON object", what, dec.InputOffset())}
	}
	return v, nil
}

// JSONError reports err, an error of json.Decoder.Decode reading body
// that is not about the Go value (an empty body, one that ends too early,
// a syntax error), as 400 invalid_json, the way Decode reports it: a
// syntax error with its line and column. what names the object expected
// ("a scenario"). ok is false for any other error.
func JSONError(body []byte, err error, what string) (e *Error, ok bool) {
	bad := func(format string, args ...any) (*Error, bool) {
		return &Error{Status: http.StatusBadRequest, Code: CodeInvalidJSON, Message: fmt.Sprintf(format, args...)}, true
	}
	var syn *json.SyntaxError
	switch {
	case errors.Is(err, io.EOF):
		return bad("the body is empty; send a JSON object (%s)", what)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return bad("the JSON ends too early")
	case errors.As(err, &syn):
		line, col := position(body, syn.Offset)
		return bad("malformed JSON at line %d, column %d: %s", line, col, strings.TrimPrefix(syn.Error(), "json: "))
	}
	return nil, false
}

// decodeError turns an error of json.Decoder.Decode into an *Error; root
// is the type of the object decoded, what names it, lim gives the upper
// ends of integer fields' ranges.
func decodeError(body []byte, err error, root reflect.Type, what string, lim Limits) *Error {
	bad := func(code, field, format string, args ...any) *Error {
		return &Error{Status: http.StatusBadRequest, Code: code, Field: field, Message: fmt.Sprintf(format, args...)}
	}
	if e, ok := JSONError(body, err, "a "+what); ok {
		return e
	}
	if e, ok := errors.AsType[*Error](err); ok { // from a field's own UnmarshalJSON
		return e
	}
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &typ):
		field := strings.ReplaceAll(typ.Field, ".[", "[")
		if field == "" {
			return bad(CodeInvalidJSON, "", "the body must be a JSON object (a %s), not %s", what, typ.Value)
		}
		want, got := describeType(typ.Type), typ.Value
		if num, ok := strings.CutPrefix(got, "number "); ok {
			got = num // "must be an integer in 1 … 512, not 1.5"
			if want == "a number" {
				want = "a number within the range of float64 (±1.8e308)"
			}
			// An integer field's range, as its other checks name it: an
			// integer beyond Go's int (99999999999999999999, 1e20) is an
			// integer, but not one in the range.
			if r := intRange(field, root, lim); r != "" && want == "an integer" {
				want = "an integer in " + r
			}
		}
		return bad(CodeInvalidField, field, "must be %s, not %s", want, got)
	}
	// encoding/json reports an unknown key only by name, as
	// `json: unknown field "name"`; find where it is.
	if quoted, ok := strings.CutPrefix(err.Error(), `json: unknown field `); ok {
		name, uerr := strconv.Unquote(quoted) // the key as encoding/json quoted it with %q
		if uerr != nil {
			name = quoted
		}
		path := unknownFieldPath(body, root, name)
		return bad(CodeUnknownField, path, "unknown field %q; see the %s fields in docs/api.md (names are camelCase)", name, what)
	}
	return bad(CodeInvalidJSON, "", "%s", strings.TrimPrefix(err.Error(), "json: "))
}

// position returns the 1-based line and column of the byte that a
// json.SyntaxError with this Offset (the bytes read, the bad one included)
// complains about.
func position(body []byte, offset int64) (line, col int) {
	i := int(min(max(offset-1, 0), int64(len(body)))) // index of the bad byte
	before := body[:i]
	line = 1 + bytes.Count(before, []byte("\n"))
	col = i - bytes.LastIndexByte(before, '\n')
	return line, col
}

// describeType says in words what a Go type of the scenario expects.
func describeType(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t {
	case reflect.TypeFor[Matrix]():
		return "an array of arrays of numbers"
	case reflect.TypeFor[Vector]():
		return "an array of numbers"
	case reflect.TypeFor[Ints]():
		return "an array of integers"
	case reflect.TypeFor[IntMatrix]():
		return "an array of arrays of integers"
	case reflect.TypeFor[Strings]():
		return "an array of strings"
	case reflect.TypeFor[MemorySource]():
		return `an array of memories (arrays of numbers) or {"gaussian": {"count": M, "dim": d, "seed": s}}`
	case reflect.TypeFor[QuerySource]():
		return `an array of queries (arrays of numbers) or {"gaussian": {"count": Q, "seed": s}}`
	}
	switch t.Kind() {
	case reflect.Float64:
		return "a number"
	case reflect.Int, reflect.Int64:
		return "an integer"
	case reflect.Bool:
		return "true or false"
	case reflect.String:
		return "a string"
	case reflect.Struct:
		return "an object"
	}
	return t.String()
}

// unknownFieldPath returns the path of the first key called name in body
// that is not a field of the scenario object it sits in (as encoding/json
// matches keys, case-insensitively), or name itself if there is none. body
// is valid JSON up to that key (the decoder got that far).
func unknownFieldPath(body []byte, root reflect.Type, name string) string {
	path, _, found := findKey(body, root, func(parent reflect.Type, key string) bool {
		return key == name && fieldType(parent, key, false) == nil
	})
	if !found {
		return name
	}
	return path
}

// miscasedKey finds the first key of body that names a scenario field only
// when case is ignored ("Beta" for "beta"), which encoding/json would accept
// silently. It returns the key's path and the field's real name.
func miscasedKey(body []byte, root reflect.Type) (path, want string, found bool) {
	path, parent, found := findKey(body, root, func(parent reflect.Type, key string) bool {
		return fieldType(parent, key, true) == nil && fieldType(parent, key, false) != nil
	})
	if !found {
		return "", "", false
	}
	key := path[strings.LastIndexByte(path, '.')+1:]
	return path, jsonName(parent, key), true
}

// findKey walks the JSON in body, an object of type root, and returns the
// path of the first object key for which match(the object's struct type,
// key) is true, with that struct type. Only objects of root's struct types
// are searched; keys inside "ui" are free. A syntax error ends the walk.
func findKey(body []byte, root reflect.Type, match func(parent reflect.Type, key string) bool) (path string, parent reflect.Type, found bool) {
	type frame struct {
		t      reflect.Type // Go type of this object or array; nil when not part of Scenario
		object bool
		path   string // path of this object or array
		index  int    // next element index of an array
		key    string // key of the next value of an object
		hasKey bool   // key was read and its value not yet
	}
	var stack []frame
	// value accounts for the next value in the innermost container and
	// returns its Go type and path.
	value := func() (reflect.Type, string) {
		if len(stack) == 0 {
			return root, ""
		}
		f := &stack[len(stack)-1]
		if f.object {
			f.hasKey = false
			t := fieldType(f.t, f.key, false)
			if f.path == "" {
				return t, f.key
			}
			return t, f.path + "." + f.key
		}
		p := f.path + "[" + strconv.Itoa(f.index) + "]"
		f.index++
		return nil, p
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	for {
		tok, err := dec.Token()
		if err != nil {
			return "", nil, false
		}
		if d, ok := tok.(json.Delim); ok && (d == '}' || d == ']') {
			stack = stack[:len(stack)-1]
			continue
		}
		if k, ok := tok.(string); ok && len(stack) > 0 && stack[len(stack)-1].object && !stack[len(stack)-1].hasKey {
			f := &stack[len(stack)-1]
			if f.t != nil && f.t.Kind() == reflect.Struct && match(f.t, k) {
				if f.path == "" {
					return k, f.t, true
				}
				return f.path + "." + k, f.t, true
			}
			f.key, f.hasKey = k, true
			continue
		}
		t, p := value()
		if d, ok := tok.(json.Delim); ok { // '{' or '['
			stack = append(stack, frame{t: t, object: d == '{', path: p})
		}
	}
}

// fieldType returns the type (pointers removed) of the field of the struct
// type t with the JSON key, matched exactly or, if not exact, as
// encoding/json matches keys (case-insensitively); nil when t is nil, not a
// struct, or has no such field.
func fieldType(t reflect.Type, key string, exact bool) reflect.Type {
	f, ok := field(t, key, exact)
	if !ok {
		return nil
	}
	ft := f.Type
	for ft.Kind() == reflect.Pointer {
		ft = ft.Elem()
	}
	return ft
}

// jsonName returns the JSON name of the field of struct type t that key
// names when case is ignored.
func jsonName(t reflect.Type, key string) string {
	f, _ := field(t, key, false)
	tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	return tag
}

func field(t reflect.Type, key string, exact bool) (reflect.StructField, bool) {
	if t == nil || t.Kind() != reflect.Struct {
		return reflect.StructField{}, false
	}
	for i := range t.NumField() {
		f := t.Field(i)
		tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if tag != "" && (tag == key || !exact && strings.EqualFold(tag, key)) {
			return f, true
		}
	}
	return reflect.StructField{}, false
}
