package awsjson

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

type testKind string

// testThing has the field kinds the generator writes.
type testThing struct {
	Name       *string              `json:"thingName,omitzero"`
	Version    *int64               `json:"version,omitzero"`
	Count      *int32               `json:"count,omitzero"`
	Ratio      *float64             `json:"ratio,omitzero"`
	Small      *float32             `json:"small,omitzero"`
	Enabled    *bool                `json:"enabled,omitzero"`
	Kind       testKind             `json:"kind,omitzero"`
	Created    *Time                `json:"created,omitzero"`
	Blob       []byte               `json:"blob,omitzero"`
	Doc        Document             `json:"doc,omitzero"`
	Attributes map[string]string    `json:"attributes,omitzero"`
	Tags       []testTag            `json:"tags,omitzero"`
	Nested     *testThing           `json:"nested,omitzero"`
	Lists      map[string][]float64 `json:"lists,omitzero"`
	Bound      *string              `json:"-"`
}

type testTag struct {
	Key   *string `json:"Key,omitzero"`
	Value *string `json:"Value,omitzero"`
}

func TestUnmarshalBody(t *testing.T) {
	tests := []struct {
		name, body string
		want       testThing
	}{
		{"empty body", "", testThing{}},
		{"blank body", " \n", testThing{}},
		{"empty object", "{}", testThing{}},
		{"scalars", `{"thingName":"t1","version":9007199254740993,"count":-3,"ratio":0.5,"small":1.1,"enabled":false,"kind":"ON"}`,
			testThing{Name: Ptr("t1"), Version: Ptr(int64(9007199254740993)), Count: Ptr(int32(-3)), Ratio: Ptr(0.5), Small: Ptr(float32(1.1)), Enabled: Ptr(false), Kind: "ON"}},
		{"null is absent", `{"thingName":null,"tags":null,"nested":null,"doc":null}`, testThing{}},
		{"unknown and bound members are ignored", `{"other":1,"Bound":"x","-":"y"}`, testThing{}},
		{"keys match exactly", `{"ThingName":"t1","thingname":"t2"}`, testThing{}},
		{"special floats", `{"ratio":"NaN","small":"-Infinity"}`, testThing{Ratio: Ptr(math.NaN()), Small: Ptr(float32(math.Inf(-1)))}},
		{"timestamp, blob, document", `{"created":1576540098.123,"blob":"aGk=","doc":{"a": [1, "x"]}}`,
			testThing{Created: NewTime(dec16Ms), Blob: []byte("hi"), Doc: Document(`{"a": [1, "x"]}`)}},
		{"collections", `{"attributes":{"a":"1","b":null},"tags":[{"Key":"k"},null],"lists":{"x":[],"y":[1.5]}}`,
			testThing{Attributes: map[string]string{"a": "1"}, Tags: []testTag{{Key: Ptr("k")}}, Lists: map[string][]float64{"x": {}, "y": {1.5}}}},
		{"empty list is not absent", `{"tags":[]}`, testThing{Tags: []testTag{}}},
		{"nested", `{"nested":{"nested":{"count":1}}}`, testThing{Nested: &testThing{Nested: &testThing{Count: Ptr(int32(1))}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got testThing
			if err := UnmarshalBody([]byte(tt.body), &got); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got, cmp.Comparer(sameFloat), cmp.Comparer(sameFloat32)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func sameFloat(a, b float64) bool   { return a == b || (math.IsNaN(a) && math.IsNaN(b)) }
func sameFloat32(a, b float32) bool { return sameFloat(float64(a), float64(b)) }

func TestUnmarshalBodyErrors(t *testing.T) {
	tests := []struct{ name, body, want string }{
		{"malformed", `{"thingName": "t1",}`, "The request body is not valid JSON: invalid character '}' looking for beginning of object key string (at byte 20)."},
		{"truncated", `{"thingName": "t1"`, "The request body is not valid JSON: unexpected end of JSON input (at byte 18)."},
		{"two values", `{} {}`, "The request body is not valid JSON: invalid character '{' after top-level value (at byte 4)."},
		{"array body", `[1]`, "The request body must be a JSON object, not a JSON array."},
		{"string body", `"x"`, "The request body must be a JSON object, not a JSON string."},
		{"null body", `null`, "The request body must be a JSON object, not a JSON null."},
		{"string member", `{"thingName": 1}`, "Value of type number at 'thingName' has the wrong type: expected a string."},
		{"integer member", `{"count": "1"}`, "Value of type string at 'count' has the wrong type: expected an integer of 32 bits."},
		{"fraction for an integer", `{"count": 1.5}`, "Value of type number at 'count' has the wrong type: expected an integer of 32 bits."},
		{"integer overflow", `{"count": 4294967296}`, "Value of type number at 'count' has the wrong type: expected an integer of 32 bits."},
		{"boolean member", `{"enabled": "true"}`, "Value of type string at 'enabled' has the wrong type: expected a boolean."},
		{"number member", `{"ratio": "1.5"}`, "Value of type string at 'ratio' has the wrong type: expected a number."},
		{"timestamp member", `{"created": true}`, "Value of type boolean at 'created' has the wrong type: expected a timestamp."},
		{"blob member", `{"blob": 1}`, "Value of type number at 'blob' has the wrong type: expected a base64-encoded string."},
		{"bad base64", `{"blob": "!!"}`, "Value at 'blob' is not valid base64: illegal base64 data at input byte 0."},
		{"map member", `{"attributes": []}`, "Value of type array at 'attributes' has the wrong type: expected a map."},
		{"map value", `{"attributes": {"a": 1}}`, "Value of type number at 'attributes.a' has the wrong type: expected a string."},
		{"list member", `{"tags": {}}`, "Value of type object at 'tags' has the wrong type: expected a list."},
		{"list element", `{"tags": [{}, {"Key": false}]}`, "Value of type boolean at 'tags.2.member.Key' has the wrong type: expected a string."},
		{"structure member", `{"nested": "x"}`, "Value of type string at 'nested' has the wrong type: expected an object."},
		{"deep member", `{"nested": {"nested": {"kind": 3}}}`, "Value of type number at 'nested.nested.kind' has the wrong type: expected a string."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got testThing
			err := UnmarshalBody([]byte(tt.body), &got)
			if err == nil || err.Error() != tt.want {
				t.Errorf("error\n got %v\nwant %s", err, tt.want)
			}
		})
	}
}

func TestMarshalBody(t *testing.T) {
	tests := []struct {
		name string
		in   any
		want string
	}{
		{"absent members are left out", testThing{Bound: Ptr("header")}, `{}`},
		{"zero values are written", testThing{Name: Ptr(""), Count: Ptr(int32(0)), Enabled: Ptr(false), Tags: []testTag{}, Attributes: map[string]string{}},
			`{"thingName":"","count":0,"enabled":false,"attributes":{},"tags":[]}`},
		{"scalars", testThing{Version: Ptr(int64(9007199254740993)), Ratio: Ptr(1e21), Small: Ptr(float32(1.1)), Kind: "ON"},
			`{"version":9007199254740993,"ratio":1e+21,"small":1.1,"kind":"ON"}`},
		{"special floats", testThing{Ratio: Ptr(math.NaN()), Small: Ptr(float32(math.Inf(1))), Lists: map[string][]float64{"x": {math.Inf(-1)}}},
			`{"ratio":"NaN","small":"Infinity","lists":{"x":["-Infinity"]}}`},
		{"timestamp, blob, document", testThing{Created: NewTime(dec16Ms), Blob: []byte("hi"), Doc: Document(`[1, "x"]`)},
			`{"created":1576540098.123,"blob":"aGk=","doc":[1, "x"]}`},
		{"sorted map keys, nested", testThing{Attributes: map[string]string{"b": "2", "a": "<1>"}, Nested: &testThing{Tags: []testTag{{Value: Ptr("v")}}}},
			`{"attributes":{"a":"<1>","b":"2"},"nested":{"tags":[{"Value":"v"}]}}`},
		{"pointer", &testTag{Key: Ptr("k")}, `{"Key":"k"}`},
		{"protocol error", &Error{Code: "X", Status: 400}, `{"message":""}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := MarshalBody(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != tt.want {
				t.Errorf("\n got %s\nwant %s", b, tt.want)
			}
		})
	}
}

// The string encoder must agree with encoding/json on every string, apart from
// encoding/json's optional escaping of <, > and &.
func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "plain", "quote \" backslash \\", "\x00\x1f\x7f", "é ü 中", "\u2028\u2029", "\xff\xfe bad", "<a&b>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(s); err != nil {
			t.Fatal(err)
		}
		if got := string(appendString(nil, s)); got != strings.TrimSuffix(want.String(), "\n") {
			t.Fatalf("appendString(%q) = %s, encoding/json gives %s", s, got, want.String())
		}
	})
}
