package awsjson

import (
	"math"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestHeaderLists(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"  ", nil},
		{"a", []string{"a"}},
		{"a, b,c ", []string{"a", "b", "c"}},
		{`"b,c", "\"def\"", a`, []string{"b,c", `"def"`, "a"}},
		{`"a\\b"`, []string{`a\b`}},
		{"a,,b", []string{"a", "", "b"}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, SplitHeaderList(tt.in)); diff != "" {
			t.Errorf("SplitHeaderList(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
	dates := SplitHTTPDateList("Mon, 16 Dec 2019 23:48:18 GMT, Tue, 17 Dec 2019 23:48:18 GMT")
	if diff := cmp.Diff([]string{"Mon, 16 Dec 2019 23:48:18 GMT", "Tue, 17 Dec 2019 23:48:18 GMT"}, dates); diff != "" {
		t.Errorf("SplitHTTPDateList (-want +got):\n%s", diff)
	}
	for in, want := range map[string]string{"a": "a", "b,c": `"b,c"`, `"def"`: `"\"def\""`, `a\"b`: `"a\\\"b"`} {
		if got := QuoteHeaderItem(in); got != want {
			t.Errorf("QuoteHeaderItem(%q) = %q, want %q", in, got, want)
		}
		if in != "a" {
			if got := SplitHeaderList(QuoteHeaderItem(in)); len(got) != 1 || got[0] != in {
				t.Errorf("SplitHeaderList(QuoteHeaderItem(%q)) = %q", in, got)
			}
		}
	}
}

func TestScalars(t *testing.T) {
	floats := []struct {
		in   string
		bits int
		want float64
		ok   bool
	}{
		{"1.1", 64, 1.1, true},
		{"-0.5", 32, -0.5, true},
		{"1e3", 64, 1000, true},
		{"NaN", 64, math.NaN(), true},
		{"Infinity", 32, math.Inf(1), true},
		{"-Infinity", 64, math.Inf(-1), true},
		{"inf", 64, 0, false},
		{"nan", 64, 0, false},
		{"0x1p4", 64, 0, false},
		{"1_000", 64, 0, false},
		{"", 64, 0, false},
		{"1e39", 32, 0, false},
	}
	for _, tt := range floats {
		got, ok := ParseFloat(tt.in, tt.bits)
		if ok != tt.ok || (ok && !sameFloat(got, tt.want)) {
			t.Errorf("ParseFloat(%q, %d) = %v, %t; want %v, %t", tt.in, tt.bits, got, ok, tt.want, tt.ok)
		}
	}
	formats := []struct {
		f    float64
		bits int
		want string
	}{
		{float64(float32(1.1)), 32, "1.1"},
		{1.1, 64, "1.1"},
		{1e21, 64, "1000000000000000000000"},
		{math.NaN(), 64, "NaN"},
		{math.Inf(1), 32, "Infinity"},
		{math.Inf(-1), 64, "-Infinity"},
	}
	for _, tt := range formats {
		if got := FormatFloat(tt.f, tt.bits); got != tt.want {
			t.Errorf("FormatFloat(%v, %d) = %q, want %q", tt.f, tt.bits, got, tt.want)
		}
	}
	if n, ok := ParseInt("2147483648", 32); ok {
		t.Errorf("ParseInt accepted %d for 32 bits", n)
	}
	if n, ok := ParseInt("-12", 64); !ok || n != -12 {
		t.Errorf("ParseInt(-12) = %d, %t", n, ok)
	}
	for in, want := range map[string]bool{"true": true, "false": false} {
		if got, ok := ParseBool(in); !ok || got != want {
			t.Errorf("ParseBool(%q) = %t, %t", in, got, ok)
		}
	}
	for _, bad := range []string{"True", "1", ""} {
		if _, ok := ParseBool(bad); ok {
			t.Errorf("ParseBool(%q) accepted", bad)
		}
	}
}

func TestPrefixHeaders(t *testing.T) {
	h := http.Header{}
	h.Set("X-Foo", "Foo")
	h.Set("X-Foo-Abc", "Abc value")
	h.Add("X-Foo-Def", "1")
	h.Add("X-Foo-Def", "2")
	h.Set("X-Foo-", "empty name")
	if diff := cmp.Diff(map[string]string{"abc": "Abc value", "def": "1, 2", "": "empty name"}, PrefixHeaders(h, "x-foo-")); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if got := PrefixHeaders(h, "x-bar-"); got != nil {
		t.Errorf("no match gave %v, want nil", got)
	}
	if got := PrefixHeaders(h, ""); len(got) != 4 || got["x-foo"] != "Foo" {
		t.Errorf("empty prefix gave %v", got)
	}
}

func TestDecodePayload(t *testing.T) {
	tests := []struct {
		body string
		want *testTag
	}{
		{"", nil},
		{" {  } ", nil},
		{`{"Key":"k"}`, &testTag{Key: Ptr("k")}},
	}
	for _, tt := range tests {
		got, err := DecodePayload[testTag]([]byte(tt.body))
		if err != nil {
			t.Fatalf("%q: %v", tt.body, err)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%q (-want +got):\n%s", tt.body, diff)
		}
	}
	if _, err := DecodePayload[testTag]([]byte(`{"Key":1}`)); err == nil {
		t.Error("a member of the wrong type decoded")
	}
	doc, err := DecodeDocument([]byte(` "hello" `))
	if err != nil || string(doc) != `"hello"` {
		t.Errorf("DecodeDocument = %s, %v", doc, err)
	}
	if doc, err := DecodeDocument(nil); doc != nil || err != nil {
		t.Errorf("DecodeDocument(empty) = %s, %v", doc, err)
	}
	if _, err := DecodeDocument([]byte(`{`)); err == nil {
		t.Error("DecodeDocument accepted invalid JSON")
	}
}

func TestWriteBody(t *testing.T) {
	tests := []struct {
		name        string
		write       func(w http.ResponseWriter) error
		status      int
		contentType string
		length      string
		body        string
	}{
		{"json", func(w http.ResponseWriter) error { return WriteJSON(w, 200, testTag{Key: Ptr("k")}) },
			200, "application/json", "11", `{"Key":"k"}`},
		{"empty", func(w http.ResponseWriter) error { return WriteBody(w, 204, "text/plain", nil) },
			204, "", "0", ""},
		{"content type set by a header member", func(w http.ResponseWriter) error {
			w.Header().Set("Content-Type", "image/jpeg")
			return WriteBody(w, 200, "application/octet-stream", []byte("jpg"))
		}, 200, "image/jpeg", "3", "jpg"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			if err := tt.write(rec); err != nil {
				t.Fatal(err)
			}
			if rec.Code != tt.status {
				t.Errorf("status %d, want %d", rec.Code, tt.status)
			}
			got := []string{rec.Header().Get("Content-Type"), rec.Header().Get("Content-Length"), rec.Body.String()}
			if diff := cmp.Diff([]string{tt.contentType, tt.length, tt.body}, got); diff != "" {
				t.Errorf("content type, length, body (-want +got):\n%s", diff)
			}
		})
	}
}
