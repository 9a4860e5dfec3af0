package live

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"hoplab/internal/scenario"
)

// protocolVersion is the version of the JSON messages of docs/protocol.md
// that this server speaks (hello's and load's "protocol"). Binary frames
// carry their own format's version, frameVersion.
const protocolVersion = 1

// Error codes of live sessions, besides those of the JSON API.
const (
	codeUnknownType      = "unknown_type"      // a message type the protocol does not have
	codeProtocolMismatch = "protocol_mismatch" // load with another protocol version
	codeNotLoaded        = "not_loaded"        // a command before any load or preset
)

// Control message types (docs/protocol.md, "Client → server").
const (
	msgLoad    = "load"
	msgPreset  = "preset"
	msgPatch   = "patch"
	msgMove    = "move"
	msgAdd     = "add"
	msgRemove  = "remove"
	msgPlay    = "play"
	msgPause   = "pause"
	msgStep    = "step"
	msgBack    = "back"
	msgGoto    = "goto"
	msgReset   = "reset"
	msgReseed  = "reseed"
	msgSpeed   = "speed"
	msgViews   = "views"
	msgProbe   = "probe"
	msgAck     = "ack"
	fieldType_ = "type"
	fieldSeq   = "seq"
)

// messageFields lists the members each message type may have besides
// "type" and "seq", and which of them are required.
var messageFields = map[string]struct{ optional, required []string }{
	msgLoad:   {required: []string{"protocol", "scenario"}},
	msgPreset: {required: []string{"name"}, optional: []string{"seed"}},
	msgPatch:  {required: []string{"scenario"}},
	msgMove:   {required: []string{"i", "x", "y"}},
	msgAdd:    {required: []string{"x", "y"}},
	msgRemove: {required: []string{"i"}},
	msgPlay:   {},
	msgPause:  {},
	msgStep:   {},
	msgBack:   {},
	msgGoto:   {required: []string{"t"}},
	msgReset:  {},
	msgReseed: {optional: []string{"seed"}},
	msgSpeed:  {required: []string{"itersPerSecond"}},
	msgViews:  {required: []string{"views"}},
	msgProbe:  {required: []string{"space", "x", "y"}},
	msgAck:    {required: []string{"frames"}},
}

// message is one decoded control message: its type, its seq and its other
// members, checked against messageFields. The accessors decode one member
// each and report a wrong type as invalid_field with the member's name.
type message struct {
	typ     string
	seq     uint32
	members map[string]json.RawMessage
}

// decodeMessage decodes one control message strictly: one JSON object
// without a repeated key (at any depth), a known "type", exactly the
// members of that type (case-sensitive), and
// "seq" an integer 0 … 2³²−1 when present. Errors are *scenario.Error. The
// message's seq is returned even with an error when it could be read.
func decodeMessage(data []byte) (*message, error) {
	var members map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&members); err != nil || members == nil {
		return nil, &scenario.Error{Code: scenario.CodeInvalidJSON, Message: "a control message must be one JSON object: " + describeDecodeError(err)}
	}
	if dec.More() || dec.InputOffset() < int64(len(bytes.TrimRight(data, " \t\r\n"))) {
		return nil, &scenario.Error{Code: scenario.CodeInvalidJSON, Message: "a control message must be one JSON object, with nothing after it"}
	}
	dup := scenario.DuplicateError(data[:dec.InputOffset()])
	if dup != nil {
		if dup.Field == fieldSeq {
			return nil, dup
		}
		// A scenario's fields are named by their scenario path, as in
		// its other errors.
		dup.Field = strings.TrimPrefix(dup.Field, "scenario.")
	}
	m := &message{members: members}
	if raw, ok := members[fieldSeq]; ok {
		seq, err := strconv.ParseUint(string(raw), 10, 32)
		if err != nil {
			return nil, scenario.Invalid(fieldSeq, "must be an integer 0 … 4294967295, not %s", scenario.DescribeJSON(raw))
		}
		m.seq = uint32(seq)
		delete(members, fieldSeq)
	}
	if dup != nil {
		return m, dup
	}
	raw, ok := members[fieldType_]
	if !ok {
		return m, scenario.Invalid(fieldType_, "is required: one of %s", strings.Join(messageTypes(), ", "))
	}
	if err := json.Unmarshal(raw, &m.typ); err != nil || raw[0] != '"' {
		return m, scenario.Invalid(fieldType_, "must be a string, not %s", scenario.DescribeJSON(raw))
	}
	delete(members, fieldType_)
	spec, ok := messageFields[m.typ]
	if !ok {
		return m, &scenario.Error{Code: codeUnknownType, Field: fieldType_,
			Message: fmt.Sprintf("unknown message type %q: want one of %s", m.typ, strings.Join(messageTypes(), ", "))}
	}
	allowed := append(slices.Clone(spec.required), spec.optional...)
	for _, name := range slices.Sorted(maps.Keys(members)) {
		if !slices.Contains(allowed, name) {
			msg := fmt.Sprintf("%q messages have no member %q", m.typ, name)
			for _, a := range allowed {
				if strings.EqualFold(a, name) {
					msg += fmt.Sprintf(" (did you mean %q? names are case-sensitive)", a)
				}
			}
			if len(allowed) == 0 {
				msg += "; they take none"
			} else {
				msg += "; they take " + strings.Join(allowed, ", ")
			}
			return m, &scenario.Error{Code: scenario.CodeUnknownField, Field: name, Message: msg}
		}
	}
	for _, name := range spec.required {
		if raw, ok := members[name]; !ok || bytes.Equal(raw, []byte("null")) {
			return m, scenario.Invalid(name, "is required in %q messages", m.typ)
		}
	}
	return m, nil
}

// has reports whether the member is present and not null.
func (m *message) has(name string) bool {
	raw, ok := m.members[name]
	return ok && !bytes.Equal(raw, []byte("null"))
}

// raw returns the member's JSON.
func (m *message) raw(name string) json.RawMessage { return m.members[name] }

// number decodes a finite number member.
func (m *message) number(name string) (float64, error) {
	raw := m.members[name]
	if len(raw) == 0 || (raw[0] != '-' && (raw[0] < '0' || raw[0] > '9')) {
		return 0, scenario.Invalid(name, "must be a number, not %s", scenario.DescribeJSON(raw))
	}
	v, err := strconv.ParseFloat(string(raw), 64)
	if err != nil || math.IsInf(v, 0) {
		return 0, scenario.Invalid(name, "must be a finite number, not %s", scenario.DescribeJSON(raw))
	}
	return v, nil
}

// coordinate decodes a point's coordinate: a finite number with
// |v| ≤ maxAbs (Limits.MaxAbsValue, as for memories and grid bounds).
func (m *message) coordinate(name string, maxAbs float64) (float64, error) {
	v, err := m.number(name)
	if err != nil {
		return 0, err
	}
	if math.Abs(v) > maxAbs {
		return 0, scenario.OverLimit(name, "|%g| exceeds the limit of %g on absolute values, as for memories and grid bounds", v, maxAbs)
	}
	return v, nil
}

// integer decodes an integer member in lo … hi.
func (m *message) integer(name string, lo, hi int64) (int64, error) {
	raw := m.members[name]
	v, err := strconv.ParseInt(string(raw), 10, 64)
	if err != nil {
		return 0, scenario.Invalid(name, "must be an integer, not %s", scenario.DescribeJSON(raw))
	}
	if v < lo || v > hi {
		return 0, scenario.Invalid(name, "must be an integer in %d … %d, not %d", lo, hi, v)
	}
	return v, nil
}

// str decodes a string member.
func (m *message) str(name string) (string, error) {
	raw := m.members[name]
	var s string
	if len(raw) == 0 || raw[0] != '"' || json.Unmarshal(raw, &s) != nil {
		return "", scenario.Invalid(name, "must be a string, not %s", scenario.DescribeJSON(raw))
	}
	return s, nil
}

// strings decodes a member that is an array of strings.
func (m *message) strings(name string) ([]string, error) {
	var s scenario.Strings
	if err := s.UnmarshalJSON(m.members[name]); err != nil {
		return nil, scenario.Invalid(name, "must be an array of strings")
	}
	return s, nil
}

// messageTypes lists the message types, sorted.
func messageTypes() []string { return slices.Sorted(maps.Keys(messageFields)) }

// describeDecodeError says briefly why encoding/json refused a message.
func describeDecodeError(err error) string {
	if err == nil {
		return "got null"
	}
	if _, ok := err.(*json.UnmarshalTypeError); ok {
		return "got another JSON value"
	}
	return err.Error()
}
