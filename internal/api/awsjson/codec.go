package awsjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"reflect"
	"strconv"
	"strings"
)

// UnmarshalBody decodes a JSON request body into v. An empty body carries no
// members. The error message names the member that has the wrong type.
func UnmarshalBody(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	err := json.Unmarshal(body, v)
	if err == nil {
		return nil
	}
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		if typeErr.Field == "" {
			return fmt.Errorf("The request body must be a JSON object, not a JSON %s.", typeErr.Value)
		}
		return fmt.Errorf("Value of type %s at '%s' has the wrong type: expected %s.", typeErr.Value, typeErr.Field, jsonKind(typeErr.Type))
	}
	var syntaxErr *json.SyntaxError
	if errors.As(err, &syntaxErr) {
		return fmt.Errorf("The request body is not valid JSON: %v (at byte %d).", syntaxErr, syntaxErr.Offset)
	}
	return fmt.Errorf("The request body could not be read: %v.", err)
}

// jsonKind names a Go type the way a JSON author thinks of it.
func jsonKind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice:
		return "a list"
	case reflect.Map:
		return "a map"
	}
	if t.PkgPath() == reflect.TypeFor[Time]().PkgPath() && strings.HasPrefix(t.Name(), "Time") {
		return "a timestamp"
	}
	return "an object"
}

// ParseBool parses a query-string or header boolean.
func ParseBool(s string) (bool, bool) {
	switch s {
	case "true":
		return true, true
	case "false":
		return false, true
	}
	return false, false
}

// ParseInt parses a query-string or header integer of the given bit size.
func ParseInt(s string, bits int) (int64, bool) {
	n, err := strconv.ParseInt(s, 10, bits)
	return n, err == nil
}

// ParseFloat parses a query-string or header number, including NaN and Infinity
// as the protocol writes them.
func ParseFloat(s string, bits int) (float64, bool) {
	f, err := strconv.ParseFloat(s, bits)
	return f, err == nil
}

// SplitHeaderList splits a header list value at commas, honouring double-quoted
// items, and trims each item.
func SplitHeaderList(s string) []string {
	var out []string
	for len(s) > 0 {
		s = strings.TrimLeft(s, " \t")
		if strings.HasPrefix(s, `"`) {
			var b strings.Builder
			i := 1
			for ; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' && i+1 < len(s) {
					i++
				}
				b.WriteByte(s[i])
			}
			out = append(out, b.String())
			s = s[min(i+1, len(s)):]
			_, s, _ = strings.Cut(s, ",")
			continue
		}
		item, rest, found := strings.Cut(s, ",")
		out = append(out, strings.TrimSpace(item))
		if !found {
			break
		}
		s = rest
	}
	return out
}

// SplitHTTPDateList splits a header list of HTTP dates, whose items themselves
// contain a comma ("Mon, 16 Dec 2019 23:48:18 GMT, Tue, ...").
func SplitHTTPDateList(s string) []string {
	parts := strings.Split(s, ",")
	var out []string
	for i := 0; i+1 < len(parts); i += 2 {
		out = append(out, strings.TrimSpace(parts[i])+", "+strings.TrimSpace(parts[i+1]))
	}
	return out
}

// QuoteHeaderItem quotes a header list item that contains a comma or a quote.
func QuoteHeaderItem(s string) string {
	if strings.ContainsAny(s, `,"`) {
		return `"` + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), `"`, `\"`) + `"`
	}
	return s
}

// WriteJSON writes a successful response with a JSON body.
func WriteJSON(w http.ResponseWriter, status int, body any) error {
	b, err := json.Marshal(body)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, err = w.Write(b)
	return err
}

// Ptr returns a pointer to v.
func Ptr[T any](v T) *T { return &v }

// Value returns *p, or the zero value when p is nil.
func Value[T any](p *T) T {
	if p == nil {
		var zero T
		return zero
	}
	return *p
}

// Document is a model document: any JSON value, kept as its raw text.
type Document = json.RawMessage

// FormatFloat formats a header or query number as the protocol does (NaN,
// Infinity, -Infinity for the special values).
func FormatFloat(f float64) string {
	switch {
	case f != f:
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}
