package scenario

import "testing"

func TestDuplicateKey(t *testing.T) {
	for _, tc := range []struct {
		json, path, key string
	}{
		{`{}`, "", ""},
		{`{"a":1,"b":{"a":2},"c":[{"a":1},{"a":2}]}`, "", ""},
		{`{"a":1,"a":2}`, "a", "a"},
		{` { "a" : 1 , "b" : 2 , "a" : 3 } `, "a", "a"},
		{`{"uhop":{"lr":1,"lr":2}}`, "uhop.lr", "lr"},
		{`{"uhop":{"lr":1,"momentum":2,"tau":1,"lr":2}}`, "uhop.lr", "lr"},
		{`{"ui":{"marks":[{"x":1},{"x":1,"y":2,"x":3}]}}`, "ui.marks[1].x", "x"},
		{`[[1,2],{"a":{"b":[0,{"c":1,"c":1}]}}]`, "[1].a.b[1].c", "c"},
		{`{"b\u0065ta":1,"beta":2}`, "beta", "beta"},
		{`{"a\"b":1,"a\"b":2}`, `a"b`, `a"b`},
		{`{"\u00e9":1,"é":2}`, "é", "é"},
		{`{"a":"{\"a\":1,\"a\":2}","b":"a","a\\":1}`, "", ""}, // keys inside strings are not keys
		{`{"Beta":1,"beta":2}`, "", ""},                       // case differs: a miscased key, reported as such
		{`{"a":[],"b":{},"c":"","a":null}`, "a", "a"},
	} {
		path, key, found := duplicateKey([]byte(tc.json))
		if found != (tc.key != "") || path != tc.path || key != tc.key {
			t.Errorf("duplicateKey(%s) = %q, %q, %v; want %q, %q", tc.json, path, key, found, tc.path, tc.key)
		}
	}
}
