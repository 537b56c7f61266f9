package awsjson

import (
	"encoding/json"
	"os"
	"testing"
)

// Every pattern of the AWS IoT model translates into a regular expression Go
// compiles.
func TestEveryIoTModelPatternCompiles(t *testing.T) {
	b, err := os.ReadFile("../model/iot-2015-05-28.json")
	if err != nil {
		t.Fatal(err)
	}
	var model struct {
		Shapes map[string]struct {
			Pattern string `json:"pattern"`
		} `json:"shapes"`
	}
	if err := json.Unmarshal(b, &model); err != nil {
		t.Fatal(err)
	}
	n := 0
	for name, s := range model.Shapes {
		if s.Pattern == "" {
			continue
		}
		n++
		if _, err := CompilePattern(s.Pattern); err != nil {
			t.Errorf("shape %s: pattern %q (as %q): %v", name, s.Pattern, TranslatePattern(s.Pattern), err)
		}
	}
	if n < 100 {
		t.Errorf("only %d patterns in the model", n)
	}
}

func TestPatternMatching(t *testing.T) {
	tests := []struct {
		pattern, value string
		want           bool
	}{
		// The whole value must match, not a part of it.
		{"[a-zA-Z0-9:_-]+", "thing-1", true},
		{"[a-zA-Z0-9:_-]+", "thing 1", false},
		{"[a-zA-Z0-9:_-]+", "", false},
		{"[0-9]+", "a1", false},
		{"[0-9]+", "1a", false},
		{"([\\n\\t])|(\\r\\n)|(,)", ",", true},
		{"([\\n\\t])|(\\r\\n)|(,)", ",,", false},
		{"^[.\\-_/#A-Za-z0-9]+$", "a/b#c", true},
		// \p{Graph} is Java's ASCII class: visible characters, no space.
		{"[\\p{Graph}\\x20]*", "arn:aws:iam::123456789012:role/x y", true},
		{"[\\p{Graph}\\x20]*", "tab\there", false},
		{"[\\p{Graph}\\x20]*", "é", false},
		{"\\p{Graph}+", "a b", false},
		{"\\p{Graph}+", "a!b", true},
		// [^\p{C}] is any character but a control or format character.
		{"[^\\p{C}]+", "Ünïcode name ✓", true},
		{"[^\\p{C}]+", "line\nbreak", false},
		{"[^\\p{C}]+", "zero\u200bwidth", false},
		{"[^\\p{C}]*", "", true},
		{"[^\\p{Cntrl}]*", "no controls", true},
		{"[^\\p{Cntrl}]*", "bell\a", false},
		{"[\\p{Upper}\\p{Digit}_]+", "AWS_IOT_1", true},
		{"[\\p{Upper}\\p{Digit}_]+", "aws", false},
		{"[\\s\\S]*", "anything\n at all", true},
		{"\\S{36,64}", "0123456789abcdef0123456789abcdef0123", true},
		{"\\S{36,64}", "short", false},
	}
	for _, tt := range tests {
		p, err := CompilePattern(tt.pattern)
		if err != nil {
			t.Errorf("%q: %v", tt.pattern, err)
			continue
		}
		var v Validator
		v.Pattern("x", tt.value, p)
		if got := v.Message() == ""; got != tt.want {
			t.Errorf("%q matches %q: %t, want %t", tt.pattern, tt.value, got, tt.want)
		}
	}
}

func TestTranslatePattern(t *testing.T) {
	tests := []struct{ in, want string }{
		{"[\\p{Graph}\\x20]*", "[\\x21-\\x7E\\x20]*"},
		{"\\p{Alnum}+", "[0-9A-Za-z]+"},
		{"[^\\p{C}]+", "[^\\p{C}]+"},
		{"\\p{L}\\p{N}", "\\p{L}\\p{N}"},
		{"a\\[b\\]\\p{Digit}", "a\\[b\\][0-9]"},
	}
	for _, tt := range tests {
		if got := TranslatePattern(tt.in); got != tt.want {
			t.Errorf("TranslatePattern(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
