package scenario

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strconv"
)

// Scenario is the request body of POST /api/v1/run, field for field the
// table of docs/api.md. Every field is a pointer: nil means the field was
// absent (or null), and then the docs/api.md default applies. memories has no
// default, so it is required.
type Scenario struct {
	Memories          *Matrix     `json:"memories,omitempty"`
	NormalizeMemories *bool       `json:"normalizeMemories,omitempty"`
	Beta              *float64    `json:"beta,omitempty"`
	Separations       *Strings    `json:"separations,omitempty"`
	FeatureMap        *FeatureMap `json:"featureMap,omitempty"`
	UHop              *UHop       `json:"uhop,omitempty"`
	Retrieval         *Retrieval  `json:"retrieval,omitempty"`
	View              *View       `json:"view,omitempty"`
	Snapshots         *Ints       `json:"snapshots,omitempty"`
	// UI holds the page's UI-only settings (a JSON object); the API keeps
	// it out of the computation.
	UI json.RawMessage `json:"ui,omitempty"`
}

// FeatureMap is the scenario's "featureMap" object.
type FeatureMap struct {
	Dim    *int    `json:"dim,omitempty"`
	Affine *bool   `json:"affine,omitempty"`
	Init   *string `json:"init,omitempty"`
	Seed   *int64  `json:"seed,omitempty"`
	W      *Matrix `json:"W,omitempty"`
	B      *Vector `json:"b,omitempty"`
}

// UHop is the scenario's "uhop" object.
type UHop struct {
	Iterations *int     `json:"iterations,omitempty"`
	Optimizer  *string  `json:"optimizer,omitempty"`
	LR         *float64 `json:"lr,omitempty"`
	Momentum   *float64 `json:"momentum,omitempty"`
	Tau        *float64 `json:"tau,omitempty"`
	Loss       *string  `json:"loss,omitempty"`
	// BatchOrder (extension) is the order of the memory rows in the loss
	// of each step (docs/api.md).
	BatchOrder *IntMatrix `json:"batchOrder,omitempty"`
}

// Retrieval is the scenario's "retrieval" object.
type Retrieval struct {
	Steps      *int     `json:"steps,omitempty"`
	Tolerance  *float64 `json:"tolerance,omitempty"`
	SupportEps *float64 `json:"supportEps,omitempty"`
}

// View is the scenario's "view" object.
type View struct {
	Space *string `json:"space,omitempty"`
	Grid  *Grid   `json:"grid,omitempty"`
	// PaperSoftmaxEnergy (extension) draws softmax energies without the
	// 1/β, as the authors' Figure 1 does.
	PaperSoftmaxEnergy *bool `json:"paperSoftmaxEnergy,omitempty"`
}

// Grid is the scenario's "view.grid" object.
type Grid struct {
	NX     *int     `json:"nx,omitempty"`
	NY     *int     `json:"ny,omitempty"`
	XMin   *float64 `json:"xmin,omitempty"`
	XMax   *float64 `json:"xmax,omitempty"`
	YMin   *float64 `json:"ymin,omitempty"`
	YMax   *float64 `json:"ymax,omitempty"`
	Margin *float64 `json:"margin,omitempty"`
}

// The list types below decode JSON arrays strictly: encoding/json would
// silently turn a null element into 0 (or ""), and its type errors do not
// say which element is wrong. Their errors are *json.UnmarshalTypeError
// whose Field is the element's index path ("[2][1]"); the decoder prefixes
// the path of the enclosing field.

// Matrix is a JSON array of arrays of numbers (rows). Rows may differ in
// length here; the engine checks shapes.
type Matrix [][]float64

// Vector is a JSON array of numbers.
type Vector []float64

// Ints is a JSON array of integers.
type Ints []int

// IntMatrix is a JSON array of arrays of integers (rows).
type IntMatrix [][]int

// Strings is a JSON array of strings.
type Strings []string

var (
	float64Type = reflect.TypeFor[float64]()
	intType     = reflect.TypeFor[int]()
	stringType  = reflect.TypeFor[string]()
	vectorType  = reflect.TypeFor[Vector]()
)

// UnmarshalJSON implements json.Unmarshaler.
func (m *Matrix) UnmarshalJSON(data []byte) error {
	rows, err := splitArray(data, reflect.TypeFor[Matrix](), "")
	if err != nil {
		return err
	}
	out := make(Matrix, len(rows))
	for i, row := range rows {
		if out[i], err = decodeNumbers(row, "["+strconv.Itoa(i)+"]"); err != nil {
			return err
		}
	}
	*m = out
	return nil
}

// UnmarshalJSON implements json.Unmarshaler.
func (v *Vector) UnmarshalJSON(data []byte) error {
	out, err := decodeNumbers(data, "")
	if err != nil {
		return err
	}
	*v = out
	return nil
}

// UnmarshalJSON implements json.Unmarshaler.
func (s *Ints) UnmarshalJSON(data []byte) error {
	out, err := decodeInts(data, "")
	if err != nil {
		return err
	}
	*s = out
	return nil
}

// decodeInts decodes a JSON array of integers; path is the array's index
// path for errors.
func decodeInts(data []byte, path string) ([]int, error) {
	elems, err := splitArray(data, reflect.TypeFor[Ints](), path)
	if err != nil {
		return nil, err
	}
	out := make([]int, len(elems))
	for i, e := range elems {
		n, err := strconv.Atoi(string(e))
		if err != nil { // not an integer literal, or out of range
			return nil, elemTypeError(e, intType, path+"["+strconv.Itoa(i)+"]")
		}
		out[i] = n
	}
	return out, nil
}

// UnmarshalJSON implements json.Unmarshaler.
func (m *IntMatrix) UnmarshalJSON(data []byte) error {
	rows, err := splitArray(data, reflect.TypeFor[IntMatrix](), "")
	if err != nil {
		return err
	}
	out := make(IntMatrix, len(rows))
	for i, row := range rows {
		if out[i], err = decodeInts(row, "["+strconv.Itoa(i)+"]"); err != nil {
			return err
		}
	}
	*m = out
	return nil
}

// UnmarshalJSON implements json.Unmarshaler.
func (s *Strings) UnmarshalJSON(data []byte) error {
	elems, err := splitArray(data, reflect.TypeFor[Strings](), "")
	if err != nil {
		return err
	}
	out := make(Strings, len(elems))
	for i, e := range elems {
		if e[0] != '"' || json.Unmarshal(e, &out[i]) != nil {
			return elemTypeError(e, stringType, "["+strconv.Itoa(i)+"]")
		}
	}
	*s = out
	return nil
}

// decodeNumbers decodes a JSON array of finite float64 numbers; path is
// the array's index path for errors.
func decodeNumbers(data []byte, path string) ([]float64, error) {
	elems, err := splitArray(data, vectorType, path)
	if err != nil {
		return nil, err
	}
	out := make([]float64, len(elems))
	for j, e := range elems {
		// e is a valid JSON value; a number starts with '-' or a digit and
		// then parses (a magnitude beyond float64 gives a range error).
		if c := e[0]; c != '-' && (c < '0' || c > '9') {
			return nil, elemTypeError(e, float64Type, path+"["+strconv.Itoa(j)+"]")
		}
		v, err := strconv.ParseFloat(string(e), 64)
		if err != nil {
			return nil, elemTypeError(e, float64Type, path+"["+strconv.Itoa(j)+"]")
		}
		out[j] = v
	}
	return out, nil
}

// splitArray splits the JSON array data into its elements. data is one
// valid JSON value (the decoder has checked it).
func splitArray(data []byte, t reflect.Type, path string) ([]json.RawMessage, error) {
	if len(data) == 0 || data[0] != '[' {
		return nil, elemTypeError(data, t, path)
	}
	var elems []json.RawMessage
	if err := json.Unmarshal(data, &elems); err != nil {
		return nil, elemTypeError(data, t, path)
	}
	return elems, nil
}

// elemTypeError reports that the JSON value data at path is not of type t.
func elemTypeError(data []byte, t reflect.Type, path string) *json.UnmarshalTypeError {
	return &json.UnmarshalTypeError{Value: DescribeJSON(data), Type: t, Field: path}
}

// DescribeJSON names the kind of the JSON value data the way
// json.UnmarshalTypeError.Value does ("string", "number 1.5", …).
func DescribeJSON(data []byte) string {
	data = bytes.TrimSpace(data)
	if len(data) == 0 {
		return "nothing"
	}
	switch data[0] {
	case '"':
		return "string"
	case '[':
		return "array"
	case '{':
		return "object"
	case 't', 'f':
		return "bool"
	case 'n':
		return "null"
	}
	if len(data) > 32 {
		data = append(data[:29:29], "..."...)
	}
	return "number " + string(data)
}
