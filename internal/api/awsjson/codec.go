package awsjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"strconv"
	"strings"
)

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

// ParseFloat parses a query-string or header number of the given bit size:
// a decimal number, or NaN, Infinity or -Infinity as the protocol writes them.
func ParseFloat(s string, bits int) (float64, bool) {
	switch s {
	case "NaN":
		return math.NaN(), true
	case "Infinity":
		return math.Inf(1), true
	case "-Infinity":
		return math.Inf(-1), true
	}
	if s == "" || strings.ContainsAny(s, "_xXpPiInN") {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, bits)
	return f, err == nil
}

// FormatFloat formats a header or query number of the given bit size as the
// protocol does: the shortest decimal that reads back as the same value, and
// NaN, Infinity, -Infinity for the special values.
func FormatFloat(f float64, bits int) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	}
	return strconv.FormatFloat(f, 'f', -1, bits)
}

// SplitHeaderList splits a header list value at commas, honouring double-quoted
// items, and trims each item. An empty value is an empty list.
func SplitHeaderList(s string) []string {
	var out []string
	for len(strings.TrimSpace(s)) > 0 {
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

// DecodePayload decodes a request body that is one structure of the input (its
// payload member). A body that is empty or an empty object leaves the member
// absent: that is what a client sends for an unset payload.
func DecodePayload[T any](body []byte) (*T, error) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 || isEmptyObject(body) {
		return nil, nil
	}
	v := new(T)
	if err := UnmarshalBody(body, v); err != nil {
		return nil, err
	}
	return v, nil
}

func isEmptyObject(b []byte) bool {
	return len(b) >= 2 && b[0] == '{' && b[len(b)-1] == '}' && len(bytes.TrimSpace(b[1:len(b)-1])) == 0
}

// WriteJSON writes a successful response whose body is v encoded as JSON.
func WriteJSON(w http.ResponseWriter, status int, v any) error {
	b, err := MarshalBody(v)
	if err != nil {
		return err
	}
	return WriteBody(w, status, "application/json", b)
}

// WriteBody writes a response whose body is b. The content type is set only for
// a body, and only when no header member has set it already. An empty body
// writes a response without one.
func WriteBody(w http.ResponseWriter, status int, contentType string, b []byte) error {
	h := w.Header()
	if len(b) > 0 && h.Get("Content-Type") == "" {
		h.Set("Content-Type", contentType)
	}
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	if len(b) == 0 {
		return nil
	}
	_, err := w.Write(b)
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

// DecodeDocument reads a request body that is a document payload: any JSON
// value. An empty body leaves the member absent.
func DecodeDocument(body []byte) (Document, error) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return nil, nil
	}
	if !json.Valid(body) {
		return nil, errors.New("The request body is not valid JSON.")
	}
	return Document(bytes.Clone(body)), nil
}

// PrefixHeaders collects the headers whose names start with prefix (in any
// case) into a map from the rest of the name, in lower case, to the value; nil
// when there are none. An empty prefix collects every header.
func PrefixHeaders(h http.Header, prefix string) map[string]string {
	var out map[string]string
	for name, vs := range h {
		if len(name) < len(prefix) || !strings.EqualFold(name[:len(prefix)], prefix) {
			continue
		}
		if out == nil {
			out = map[string]string{}
		}
		out[strings.ToLower(name[len(prefix):])] = strings.Join(vs, ", ")
	}
	return out
}
