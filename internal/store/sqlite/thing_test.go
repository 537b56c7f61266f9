package sqlite

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestDecodeThingAttributes(t *testing.T) {
	for _, m := range []map[string]string{
		{},
		{"a": "b"},
		{"serial": "SN-1", "model": "x/2", "site": "a,b:c#d=e[f]@g.h_i-j"},
		{"quote": `say "hi"`, "back": `c:\dir`},
		{"html": "<&>", "unicode": "é\u2028"},
		{"empty-looking": "", "colon:key": "v"},
	} {
		b, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		got, err := decodeThingAttributes(string(b))
		if err != nil {
			t.Fatalf("%s: %v", b, err)
		}
		if diff := cmp.Diff(m, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", b, diff)
		}
	}
	for _, bad := range []string{`{"a":"b",}`, `{"a":"b"`, `{"a":1}`, `{"a" : "b"}`, `{"a":"b"}x`, `["a"]`} {
		if m, ok := parseFlatJSONObject(bad); ok {
			t.Errorf("parseFlatJSONObject(%s) = %v, true; want false", bad, m)
		}
	}
	if _, err := decodeThingAttributes(`{"a":1}`); err == nil {
		t.Error("a non-string value decoded without error")
	}
}

func FuzzDecodeThingAttributes(f *testing.F) {
	f.Add("a", "b", "c", "d")
	f.Add(`"`, `\`, ":", ",")
	f.Fuzz(func(t *testing.T, k1, v1, k2, v2 string) {
		m := map[string]string{k1: v1, k2: v2}
		b, _ := json.Marshal(m)
		var want map[string]string
		if err := json.Unmarshal(b, &want); err != nil {
			t.Skip()
		}
		got, err := decodeThingAttributes(string(b))
		if err != nil {
			t.Fatalf("%s: %v", b, err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", b, diff)
		}
	})
}
