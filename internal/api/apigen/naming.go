package apigen

import (
	"go/token"
	"strings"
	"unicode"
)

// exported turns a model name into an exported Go identifier.
func exported(name string) string {
	var b strings.Builder
	upperNext := true
	for _, r := range name {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '_' {
			upperNext = true
			continue
		}
		if upperNext {
			r = unicode.ToUpper(r)
			upperNext = false
		}
		b.WriteRune(r)
	}
	s := b.String()
	if s == "" || unicode.IsDigit(rune(s[0])) {
		s = "X" + s
	}
	return s
}

// enumConstName turns an enum value into the suffix of its Go constant:
// "PENDING_TRANSFER" -> "PendingTransfer", "p99.9" -> "P999".
func enumConstName(value string) string {
	var b strings.Builder
	upperNext := true
	for _, r := range value {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			upperNext = true
			continue
		}
		if upperNext {
			b.WriteRune(unicode.ToUpper(r))
			upperNext = false
		} else {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	s := b.String()
	if s == "" {
		s = "Empty"
	}
	return s
}

// localName makes a safe unexported identifier.
func localName(name string) string {
	e := exported(name)
	s := strings.ToLower(e[:1]) + e[1:]
	if token.IsKeyword(s) {
		s += "_"
	}
	return s
}
