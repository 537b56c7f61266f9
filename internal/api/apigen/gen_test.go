package apigen

import (
	"fmt"
	"strings"
	"testing"
)

func TestNames(t *testing.T) {
	tests := []struct{ got, want string }{
		{exported("thingName"), "ThingName"},
		{exported("x-amz-tagging"), "XAmzTagging"},
		{exported("3rdParty"), "X3rdParty"},
		{enumConstName("PENDING_TRANSFER"), "PendingTransfer"},
		{enumConstName("p99.9"), "P999"},
		{enumConstName(""), "Empty"},
		{localName("type"), "type_"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

func TestFieldNames(t *testing.T) {
	m := mustModel(t, `{"shapes": {
		"E": {"type": "structure", "exception": true, "members": {
			"error": {"shape": "S"}, "Error": {"shape": "S"}, "writeHeaders": {"shape": "S"}, "a-b": {"shape": "S"}, "aB": {"shape": "S"}}},
		"S": {"type": "string"}}}`)
	want := map[string]string{"error": "Error__", "Error": "Error_", "writeHeaders": "WriteHeaders_", "a-b": "AB", "aB": "AB_"}
	for member, field := range want {
		if got := m.FieldName("E", member); got != field {
			t.Errorf("FieldName(E, %s) = %s, want %s", member, got, field)
		}
	}
}

func mustModel(t *testing.T, text string) *Model {
	t.Helper()
	m, err := ParseModel([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

const opModel = `{"operations": {"Op": {"http": {"method": "POST", "requestUri": "/op"}, "input": {"shape": "In"}}},
	"shapes": {"In": {"type": "structure", "members": {"x": {"shape": "%s", "locationName": "x"}}},
		"S": {"type": "string"}, "L": {"type": "list", "member": {"shape": "S"}},
		"M": {"type": "map", "key": {"shape": "S"}, "value": {"shape": "S"}},
		"MI": {"type": "map", "key": {"shape": "S"}, "value": {"shape": "I"}},
		"I": {"type": "integer"}, "St": {"type": "structure", "members": {}}}}`

func TestGenerateRejectsUnsupportedBindings(t *testing.T) {
	tests := []struct{ shape, location, want string }{
		{"St", "header", "a structure cannot be bound"},
		{"St", "uri", "a structure cannot be bound"},
		{"M", "header", "a map cannot be bound"},
		{"MI", "headers", "prefix headers must be a map of strings"},
		{"MI", "querystring", "query maps must map to strings or lists of strings"},
	}
	for _, tt := range tests {
		m := mustModel(t, fmt.Sprintf(opModel, tt.shape))
		m.Shapes["In"].Members["x"].Location = tt.location
		_, err := Generate(m, Config{Package: "p", Source: "m.json"})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s in %s: error %v, want one saying %q", tt.shape, tt.location, err, tt.want)
		}
	}
	for _, ok := range []struct{ shape, location string }{{"S", "header"}, {"L", "header"}, {"M", "headers"}, {"M", "querystring"}, {"I", "uri"}} {
		m := mustModel(t, fmt.Sprintf(opModel, ok.shape))
		m.Shapes["In"].Members["x"].Location = ok.location
		if _, err := Generate(m, Config{Package: "p", Source: "m.json"}); err != nil {
			t.Errorf("%s in %s: %v", ok.shape, ok.location, err)
		}
	}
}

func TestBundle(t *testing.T) {
	m := mustModel(t, fmt.Sprintf(opModel, "S"))
	unit := func(pkg, prefix, source string) Unit {
		return Unit{Model: m, Config: Config{Package: pkg, Prefix: prefix, Source: source, Codecs: true}}
	}
	src, err := Bundle([]Unit{unit("p", "A", "a.json"), unit("p", "B", "b.json"), unit("p", "C", "a.json")})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"from a.json, b.json. DO NOT EDIT.", "type AOperations interface", "var BRoutes", "var CCodecs", "func cdecodeOp("} {
		if !strings.Contains(string(src), want) {
			t.Errorf("the bundle has no %q", want)
		}
	}
	for _, bad := range [][]Unit{
		nil,
		{unit("p", "A", "a.json"), unit("q", "B", "b.json")},
		{unit("p", "A", "a.json"), unit("p", "A", "b.json")},
	} {
		if _, err := Bundle(bad); err == nil {
			t.Errorf("Bundle of %d units with a conflict succeeded", len(bad))
		}
	}
}
