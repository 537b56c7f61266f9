package awsjson

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// The JSON body codec works on the generated structures by reflection, reading
// member keys from their `json` tags (a tag of "-" marks a member bound to the
// URI, query string, headers or status code). It differs from encoding/json where
// the protocol does: member keys match exactly, null means absent, floats carry
// NaN and ±Infinity as strings, a wrong type is reported with the member's path,
// and documents keep their raw JSON text.

// Document is a model document: any JSON value, kept as its raw text.
type Document = json.RawMessage

var (
	documentType    = reflect.TypeFor[Document]()
	marshalerType   = reflect.TypeFor[json.Marshaler]()
	unmarshalerType = reflect.TypeFor[json.Unmarshaler]()
)

// UnmarshalBody decodes a JSON request body into v, a pointer to a generated
// structure. An empty body carries no members. The error message says what is
// wrong in terms a client can act on, naming the member that has the wrong type.
func UnmarshalBody(body []byte, v any) error {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return nil
	}
	if !json.Valid(body) {
		var x any
		err := json.Unmarshal(body, &x)
		var syntaxErr *json.SyntaxError
		if errors.As(err, &syntaxErr) {
			return fmt.Errorf("The request body is not valid JSON: %v (at byte %d).", syntaxErr, syntaxErr.Offset)
		}
		return fmt.Errorf("The request body is not valid JSON: %v.", err)
	}
	if kind := jsonKind(body); kind != "object" {
		return fmt.Errorf("The request body must be a JSON object, not a JSON %s.", kind)
	}
	return decodeValue(body, reflect.ValueOf(v).Elem(), "")
}

// jsonKind names the kind of a valid JSON value by its first byte.
func jsonKind(raw []byte) string {
	switch raw[0] {
	case '{':
		return "object"
	case '[':
		return "array"
	case '"':
		return "string"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	}
	return "number"
}

// wrongType is the error for a value of the wrong JSON kind at path.
func wrongType(raw []byte, path, want string) error {
	if path == "" {
		return fmt.Errorf("The request body has the wrong type: expected %s, got a JSON %s.", want, jsonKind(raw))
	}
	return fmt.Errorf("Value of type %s at '%s' has the wrong type: expected %s.", jsonKind(raw), path, want)
}

// decodeValue decodes the valid JSON value raw into v.
func decodeValue(raw []byte, v reflect.Value, path string) error {
	if raw[0] == 'n' {
		return nil // null: the member is absent
	}
	t := v.Type()
	switch {
	case t == documentType:
		v.SetBytes(bytes.Clone(raw))
		return nil
	case t.Kind() == reflect.Pointer:
		elem := reflect.New(t.Elem())
		if err := decodeValue(raw, elem.Elem(), path); err != nil {
			return err
		}
		v.Set(elem)
		return nil
	case reflect.PointerTo(t).Implements(unmarshalerType):
		if err := v.Addr().Interface().(json.Unmarshaler).UnmarshalJSON(raw); err != nil {
			return wrongType(raw, path, "a timestamp")
		}
		return nil
	}
	switch t.Kind() {
	case reflect.Struct:
		return decodeStruct(raw, v, path)
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return decodeBlob(raw, v, path)
		}
		return decodeList(raw, v, path)
	case reflect.Map:
		return decodeMap(raw, v, path)
	case reflect.String:
		var s string
		if raw[0] != '"' || json.Unmarshal(raw, &s) != nil {
			return wrongType(raw, path, "a string")
		}
		v.SetString(s)
	case reflect.Bool:
		if raw[0] != 't' && raw[0] != 'f' {
			return wrongType(raw, path, "a boolean")
		}
		v.SetBool(raw[0] == 't')
	case reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, err := strconv.ParseInt(string(raw), 10, t.Bits())
		if err != nil {
			return wrongType(raw, path, fmt.Sprintf("an integer of %d bits", t.Bits()))
		}
		v.SetInt(n)
	case reflect.Float32, reflect.Float64:
		f, ok := decodeFloat(raw, t.Bits())
		if !ok {
			return wrongType(raw, path, "a number")
		}
		v.SetFloat(f)
	default:
		return fmt.Errorf("awsjson: cannot decode into %s", t)
	}
	return nil
}

// decodeFloat reads a JSON number, or one of the strings "NaN", "Infinity" and
// "-Infinity" the protocol uses for the values JSON numbers cannot write.
func decodeFloat(raw []byte, bits int) (float64, bool) {
	switch string(raw) {
	case `"NaN"`:
		return math.NaN(), true
	case `"Infinity"`:
		return math.Inf(1), true
	case `"-Infinity"`:
		return math.Inf(-1), true
	}
	if jsonKind(raw) != "number" {
		return 0, false
	}
	f, err := strconv.ParseFloat(string(raw), bits)
	return f, err == nil
}

func decodeStruct(raw []byte, v reflect.Value, path string) error {
	if raw[0] != '{' {
		return wrongType(raw, path, "an object")
	}
	var members map[string]json.RawMessage
	if err := json.Unmarshal(raw, &members); err != nil {
		return err
	}
	for _, f := range bodyFields(v.Type()) {
		if m, ok := members[f.key]; ok {
			if err := decodeValue(m, v.Field(f.index), JoinPath(path, f.key)); err != nil {
				return err
			}
		}
	}
	return nil
}

func decodeBlob(raw []byte, v reflect.Value, path string) error {
	var s string
	if raw[0] != '"' || json.Unmarshal(raw, &s) != nil {
		return wrongType(raw, path, "a base64-encoded string")
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return fmt.Errorf("Value at '%s' is not valid base64: %v.", path, err)
	}
	v.SetBytes(b)
	return nil
}

func decodeList(raw []byte, v reflect.Value, path string) error {
	if raw[0] != '[' {
		return wrongType(raw, path, "a list")
	}
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return err
	}
	list := reflect.MakeSlice(v.Type(), 0, len(items))
	for i, item := range items {
		if item[0] == 'n' {
			continue // a list of the protocol is dense: a null element is dropped
		}
		elem := reflect.New(v.Type().Elem()).Elem()
		if err := decodeValue(item, elem, ElemPath(path, i)); err != nil {
			return err
		}
		list = reflect.Append(list, elem)
	}
	v.Set(list)
	return nil
}

func decodeMap(raw []byte, v reflect.Value, path string) error {
	if raw[0] != '{' {
		return wrongType(raw, path, "a map")
	}
	var entries map[string]json.RawMessage
	if err := json.Unmarshal(raw, &entries); err != nil {
		return err
	}
	m := reflect.MakeMapWithSize(v.Type(), len(entries))
	for _, k := range slices.Sorted(maps.Keys(entries)) {
		item := entries[k]
		if item[0] == 'n' {
			continue // a map of the protocol is dense: a null value is dropped
		}
		elem := reflect.New(v.Type().Elem()).Elem()
		if err := decodeValue(item, elem, JoinPath(path, k)); err != nil {
			return err
		}
		m.SetMapIndex(reflect.ValueOf(k).Convert(v.Type().Key()), elem)
	}
	v.Set(m)
	return nil
}

// bodyField is a structure field that travels in the JSON body.
type bodyField struct {
	key      string
	index    int
	omitZero bool
}

var bodyFieldsCache sync.Map // reflect.Type -> []bodyField

// bodyFields lists the fields of a generated structure that the body carries,
// in declaration order.
func bodyFields(t reflect.Type) []bodyField {
	if fs, ok := bodyFieldsCache.Load(t); ok {
		return fs.([]bodyField)
	}
	var out []bodyField
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if !f.IsExported() || tag == "-" {
			continue
		}
		key, opts, _ := strings.Cut(tag, ",")
		if key == "" {
			key = f.Name
		}
		out = append(out, bodyField{key: key, index: i, omitZero: opts == "omitzero"})
	}
	bodyFieldsCache.Store(t, out)
	return out
}
