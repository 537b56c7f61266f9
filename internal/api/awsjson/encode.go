package awsjson

import (
	"encoding/base64"
	"encoding/json"
	"math"
	"reflect"
	"slices"
	"strconv"
	"sync"
	"unicode/utf8"
)

// MarshalBody encodes v, a generated structure or a value of one of its
// members, as the JSON the protocol writes: absent members are left out, map keys
// are sorted, and NaN and ±Infinity are written as strings.
//
// Encoding works from a function built once per Go type, so that a response's
// cost is writing it rather than inspecting types.
func MarshalBody(v any) ([]byte, error) {
	if v == nil {
		return []byte("null"), nil
	}
	rv := reflect.ValueOf(v)
	return encoderOf(rv.Type())(make([]byte, 0, 512), rv)
}

type encoder func(b []byte, v reflect.Value) ([]byte, error)

var encoders sync.Map // reflect.Type -> encoder

var (
	stringMapType    = reflect.TypeFor[map[string]string]()
	timeType         = reflect.TypeFor[Time]()
	timeISO8601Type  = reflect.TypeFor[TimeISO8601]()
	timeHTTPDateType = reflect.TypeFor[TimeHTTPDate]()
)

func encoderOf(t reflect.Type) encoder {
	if e, ok := encoders.Load(t); ok {
		return e.(encoder)
	}
	// A recursive type reaches itself while its encoder is being built: the
	// placeholder forwards to the finished one.
	var final encoder
	var once sync.WaitGroup
	once.Add(1)
	placeholder := encoder(func(b []byte, v reflect.Value) ([]byte, error) {
		once.Wait()
		return final(b, v)
	})
	if e, loaded := encoders.LoadOrStore(t, placeholder); loaded {
		return e.(encoder)
	}
	final = newEncoder(t)
	once.Done()
	encoders.Store(t, final)
	return final
}

func newEncoder(t reflect.Type) encoder {
	switch t {
	case documentType:
		return func(b []byte, v reflect.Value) ([]byte, error) {
			if v.Len() == 0 {
				return append(b, "null"...), nil
			}
			return append(b, v.Bytes()...), nil
		}
	case timeType:
		return func(b []byte, v reflect.Value) ([]byte, error) {
			return append(b, FormatEpoch(v.Interface().(Time).Time)...), nil
		}
	case timeISO8601Type, timeHTTPDateType:
		return marshalerEncoder
	}
	switch t.Kind() {
	case reflect.Pointer, reflect.Interface:
		return func(b []byte, v reflect.Value) ([]byte, error) {
			if v.IsNil() {
				return append(b, "null"...), nil
			}
			e := v.Elem()
			return encoderOf(e.Type())(b, e)
		}
	}
	if t.Implements(marshalerType) {
		return marshalerEncoder
	}
	switch t.Kind() {
	case reflect.Struct:
		return structEncoder(t)
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return func(b []byte, v reflect.Value) ([]byte, error) {
				if v.IsNil() {
					return append(b, "null"...), nil
				}
				b = append(b, '"')
				b = base64.StdEncoding.AppendEncode(b, v.Bytes())
				return append(b, '"'), nil
			}
		}
		return listEncoder(t)
	case reflect.Map:
		if t == stringMapType {
			return stringMapEncoder
		}
		return mapEncoder(t)
	case reflect.String:
		return func(b []byte, v reflect.Value) ([]byte, error) { return appendString(b, v.String()), nil }
	case reflect.Bool:
		return func(b []byte, v reflect.Value) ([]byte, error) { return strconv.AppendBool(b, v.Bool()), nil }
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return func(b []byte, v reflect.Value) ([]byte, error) { return strconv.AppendInt(b, v.Int(), 10), nil }
	case reflect.Float32, reflect.Float64:
		bits := t.Bits()
		return func(b []byte, v reflect.Value) ([]byte, error) {
			f := v.Float()
			if math.IsNaN(f) || math.IsInf(f, 0) {
				return append(b, `"`+FormatFloat(f, 64)+`"`...), nil
			}
			return strconv.AppendFloat(b, f, 'g', -1, bits), nil
		}
	}
	return func(b []byte, v reflect.Value) ([]byte, error) {
		raw, err := json.Marshal(v.Interface())
		return append(b, raw...), err
	}
}

func marshalerEncoder(b []byte, v reflect.Value) ([]byte, error) {
	raw, err := v.Interface().(json.Marshaler).MarshalJSON()
	return append(b, raw...), err
}

func structEncoder(t reflect.Type) encoder {
	fields := bodyFields(t)
	keys := make([][]byte, len(fields))
	for i, f := range fields {
		keys[i] = append(appendString(nil, f.key), ':')
	}
	return func(b []byte, v reflect.Value) ([]byte, error) {
		b = append(b, '{')
		first := true
		for i, f := range fields {
			fv := v.Field(f.index)
			if f.omitZero && absent(fv) {
				continue
			}
			if !first {
				b = append(b, ',')
			}
			first = false
			b = append(b, keys[i]...)
			var err error
			if b, err = encoderOf(fv.Type())(b, fv); err != nil {
				return nil, err
			}
		}
		return append(b, '}'), nil
	}
}

// absent reports whether a member value is unset: a nil pointer, list, map or
// document, or an empty enum.
func absent(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface, reflect.Slice, reflect.Map:
		return v.IsNil()
	}
	return v.IsZero()
}

func listEncoder(t reflect.Type) encoder {
	elem := encoderOf(t.Elem())
	return func(b []byte, v reflect.Value) ([]byte, error) {
		if v.IsNil() {
			return append(b, "null"...), nil
		}
		b = append(b, '[')
		for i := range v.Len() {
			if i > 0 {
				b = append(b, ',')
			}
			var err error
			if b, err = elem(b, v.Index(i)); err != nil {
				return nil, err
			}
		}
		return append(b, ']'), nil
	}
}

func mapEncoder(t reflect.Type) encoder {
	elem := encoderOf(t.Elem())
	return func(b []byte, v reflect.Value) ([]byte, error) {
		if v.IsNil() {
			return append(b, "null"...), nil
		}
		type entry struct {
			key string
			val reflect.Value
		}
		entries := make([]entry, 0, v.Len())
		for it := v.MapRange(); it.Next(); {
			entries = append(entries, entry{it.Key().String(), it.Value()})
		}
		slices.SortFunc(entries, func(x, y entry) int {
			switch {
			case x.key < y.key:
				return -1
			case x.key > y.key:
				return 1
			}
			return 0
		})
		b = append(b, '{')
		for i, e := range entries {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, e.key)
			b = append(b, ':')
			var err error
			if b, err = elem(b, e.val); err != nil {
				return nil, err
			}
		}
		return append(b, '}'), nil
	}
}

// stringMapEncoder is mapEncoder for the commonest map, attributes and tags,
// without a reflect.Value per entry.
func stringMapEncoder(b []byte, v reflect.Value) ([]byte, error) {
	if v.IsNil() {
		return append(b, "null"...), nil
	}
	m := v.Interface().(map[string]string)
	var small [16]string
	keys := small[:0]
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, k)
		b = append(b, ':')
		b = appendString(b, m[k])
	}
	return append(b, '}'), nil
}

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string, escaping what JSON requires (and,
// like encoding/json, U+2028 and U+2029) and replacing invalid UTF-8 with U+FFFD.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
