package protocoltest

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"time"

	"github.com/iotdefender/iotdefender/internal/api/apigen"
	"github.com/iotdefender/iotdefender/internal/api/awsjson"
)

// The suites write parameters as JSON values keyed by member name: numbers
// (timestamps as epoch seconds), strings (blobs as their text, NaN and
// ±Infinity by name), booleans, lists and objects. The converters below move
// between that form and the generated Go values, guided by the model.

// toParams converts the Go value v of the member's shape into the params form;
// ok is false when the value is absent (a nil pointer, list, map, blob or
// document, or an empty enum).
func toParams(m *apigen.Model, ref *apigen.Member, v reflect.Value) (p any, ok bool) {
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return nil, false
		}
		v = v.Elem()
	}
	s := m.Shapes[ref.Shape]
	switch s.Type {
	case "structure":
		if s.Document {
			if v.Len() == 0 {
				return nil, false
			}
			var doc any
			if err := json.Unmarshal(v.Bytes(), &doc); err != nil {
				return fmt.Sprintf("invalid document %q", v.Bytes()), true
			}
			return doc, true
		}
		out := map[string]any{}
		for name, mem := range s.Members {
			if x, ok := toParams(m, mem, v.FieldByName(m.FieldName(ref.Shape, name))); ok {
				out[name] = x
			}
		}
		return out, true
	case "list":
		if v.IsNil() {
			return nil, false
		}
		out := []any{}
		for i := range v.Len() {
			x, _ := toParams(m, s.Member, v.Index(i))
			out = append(out, x)
		}
		return out, true
	case "map":
		if v.IsNil() {
			return nil, false
		}
		out := map[string]any{}
		for _, k := range v.MapKeys() {
			x, _ := toParams(m, s.Value, v.MapIndex(k))
			out[k.String()] = x
		}
		return out, true
	case "string":
		if len(s.Enum) > 0 && v.String() == "" {
			return nil, false
		}
		return v.String(), true
	case "boolean":
		return v.Bool(), true
	case "byte", "short", "integer", "long":
		return float64(v.Int()), true
	case "float", "double":
		return floatParam(v.Float(), v.Type().Bits()), true
	case "timestamp":
		t := v.FieldByName("Time").Interface().(time.Time)
		return float64(t.UnixMilli()) / 1000, true
	case "blob":
		if v.IsNil() {
			return nil, false
		}
		return string(v.Bytes()), true
	}
	panic("toParams: shape type " + s.Type)
}

// floatParam writes a number of the given bit size as the suites do.
func floatParam(f float64, bits int) any {
	switch {
	case math.IsNaN(f), math.IsInf(f, 0):
		return awsjson.FormatFloat(f, bits)
	}
	// The shortest decimal of a float32 read as a float64, as the suites write it.
	f, _ = strconv.ParseFloat(strconv.FormatFloat(f, 'g', -1, bits), 64)
	return f
}

// fromParams converts the params form p of the member's shape into a Go value
// of type t.
func fromParams(m *apigen.Model, ref *apigen.Member, p any, t reflect.Type) (reflect.Value, error) {
	if t.Kind() == reflect.Pointer {
		elem, err := fromParams(m, ref, p, t.Elem())
		if err != nil {
			return reflect.Value{}, err
		}
		ptr := reflect.New(t.Elem())
		ptr.Elem().Set(elem)
		return ptr, nil
	}
	s := m.Shapes[ref.Shape]
	bad := func() (reflect.Value, error) {
		return reflect.Value{}, fmt.Errorf("%T %v is not a value of shape %s (%s)", p, p, ref.Shape, s.Type)
	}
	v := reflect.New(t).Elem()
	switch s.Type {
	case "structure":
		if s.Document {
			doc, err := json.Marshal(p)
			if err != nil {
				return bad()
			}
			v.SetBytes(doc)
			return v, nil
		}
		members, ok := p.(map[string]any)
		if !ok {
			return bad()
		}
		for name, x := range members {
			mem := s.Members[name]
			if mem == nil {
				return reflect.Value{}, fmt.Errorf("%s has no member %s", ref.Shape, name)
			}
			if x == nil {
				continue
			}
			f := v.FieldByName(m.FieldName(ref.Shape, name))
			fv, err := fromParams(m, mem, x, f.Type())
			if err != nil {
				return reflect.Value{}, fmt.Errorf("%s.%s: %w", ref.Shape, name, err)
			}
			f.Set(fv)
		}
	case "list":
		items, ok := p.([]any)
		if !ok {
			return bad()
		}
		v.Set(reflect.MakeSlice(t, 0, len(items)))
		for _, x := range items {
			e, err := fromParams(m, s.Member, x, t.Elem())
			if err != nil {
				return reflect.Value{}, err
			}
			v.Set(reflect.Append(v, e))
		}
	case "map":
		entries, ok := p.(map[string]any)
		if !ok {
			return bad()
		}
		v.Set(reflect.MakeMap(t))
		for k, x := range entries {
			e, err := fromParams(m, s.Value, x, t.Elem())
			if err != nil {
				return reflect.Value{}, err
			}
			v.SetMapIndex(reflect.ValueOf(k), e)
		}
	case "string":
		str, ok := p.(string)
		if !ok {
			return bad()
		}
		v.SetString(str)
	case "blob":
		str, ok := p.(string)
		if !ok {
			return bad()
		}
		v.SetBytes([]byte(str))
	case "boolean":
		b, ok := p.(bool)
		if !ok {
			return bad()
		}
		v.SetBool(b)
	case "byte", "short", "integer", "long":
		n, ok := p.(float64)
		if !ok || n != math.Trunc(n) {
			return bad()
		}
		v.SetInt(int64(n))
	case "float", "double":
		f, ok := p.(float64)
		if str, isStr := p.(string); isStr {
			f, ok = awsjson.ParseFloat(str, 64)
		}
		if !ok {
			return bad()
		}
		v.SetFloat(f)
	case "timestamp":
		n, ok := p.(float64)
		if !ok {
			return bad()
		}
		ts, err := awsjson.ParseEpoch(strconv.FormatFloat(n, 'f', -1, 64))
		if err != nil {
			return bad()
		}
		v.FieldByName("Time").Set(reflect.ValueOf(ts))
	default:
		return bad()
	}
	return v, nil
}

// bodyParams converts a JSON body value (as encoding/json decodes into any) of
// the member's shape into the params form, reading timestamps in the format the
// model gives the member and skipping the "__type" key clients ignore. It fails
// on a key the shape does not have and on a value of the wrong form.
func bodyParams(m *apigen.Model, ref *apigen.Member, j any) (any, error) {
	s := m.Shapes[ref.Shape]
	bad := func() (any, error) {
		return nil, fmt.Errorf("%T %v is not a body value of shape %s (%s)", j, j, ref.Shape, s.Type)
	}
	if s.Type == "structure" && s.Document {
		return j, nil
	}
	switch s.Type {
	case "structure":
		obj, ok := j.(map[string]any)
		if !ok {
			return bad()
		}
		out := map[string]any{}
		for key, x := range obj {
			name, mem := bodyMember(s, key)
			switch {
			case mem == nil && key == "__type":
				continue
			case mem == nil:
				return nil, fmt.Errorf("%s has no body member %q", ref.Shape, key)
			case x == nil:
				continue
			}
			p, err := bodyParams(m, mem, x)
			if err != nil {
				return nil, fmt.Errorf("%s.%s: %w", ref.Shape, name, err)
			}
			out[name] = p
		}
		return out, nil
	case "list":
		items, ok := j.([]any)
		if !ok {
			return bad()
		}
		out := []any{}
		for _, x := range items {
			p, err := bodyParams(m, s.Member, x)
			if err != nil {
				return nil, err
			}
			out = append(out, p)
		}
		return out, nil
	case "map":
		entries, ok := j.(map[string]any)
		if !ok {
			return bad()
		}
		out := map[string]any{}
		for k, x := range entries {
			if x == nil {
				continue // clients drop null values of dense maps
			}
			p, err := bodyParams(m, s.Value, x)
			if err != nil {
				return nil, err
			}
			out[k] = p
		}
		return out, nil
	case "string":
		if _, ok := j.(string); !ok {
			return bad()
		}
		return j, nil
	case "blob":
		str, ok := j.(string)
		if !ok {
			return bad()
		}
		b, err := base64.StdEncoding.DecodeString(str)
		if err != nil {
			return bad()
		}
		return string(b), nil
	case "boolean":
		if _, ok := j.(bool); !ok {
			return bad()
		}
		return j, nil
	case "byte", "short", "integer", "long":
		if n, ok := j.(float64); !ok || n != math.Trunc(n) {
			return bad()
		}
		return j, nil
	case "float", "double":
		switch x := j.(type) {
		case float64:
			return x, nil
		case string:
			if f, ok := awsjson.ParseFloat(x, 64); ok && (math.IsNaN(f) || math.IsInf(f, 0)) {
				return x, nil
			}
		}
		return bad()
	case "timestamp":
		return bodyTimestamp(m, ref, j)
	}
	return bad()
}

// bodyTimestamp reads a body timestamp in the member's format.
func bodyTimestamp(m *apigen.Model, ref *apigen.Member, j any) (any, error) {
	format := ref.TimestampFormat
	if format == "" {
		format = m.Shapes[ref.Shape].TimestampFormat
	}
	str, isString := j.(string)
	var t time.Time
	var err error
	switch {
	case format == "iso8601" && isString:
		t, err = time.Parse(time.RFC3339Nano, str)
	case format == "rfc822" && isString:
		t, err = http1123(str)
	case (format == "" || format == "unixTimestamp") && !isString:
		n, ok := j.(float64)
		if !ok {
			return nil, fmt.Errorf("timestamp %v is not epoch seconds", j)
		}
		return n, nil
	default:
		return nil, fmt.Errorf("timestamp %v is not in the %q format", j, format)
	}
	if err != nil {
		return nil, err
	}
	return float64(t.UnixMilli()) / 1000, nil
}

func http1123(s string) (time.Time, error) {
	return time.Parse("Mon, 02 Jan 2006 15:04:05 GMT", s)
}

// bodyMember finds the body member a JSON key names.
func bodyMember(s *apigen.Shape, key string) (string, *apigen.Member) {
	for name, mem := range s.Members {
		if mem.Location != "" {
			continue
		}
		if mem.LocationName == key || (mem.LocationName == "" && name == key) {
			return name, mem
		}
	}
	return "", nil
}

// dropNulls removes null members from the objects of a params value, as a
// missing and a null parameter mean the same.
func dropNulls(p any) any {
	switch x := p.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, v := range x {
			if v != nil {
				out[k] = dropNulls(v)
			}
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, v := range x {
			out[i] = dropNulls(v)
		}
		return out
	}
	return p
}

// dropEmptyBound removes the empty lists and maps of the members bound to the
// query string or headers: the wire cannot tell them from absent ones.
func dropEmptyBound(s *apigen.Shape, params map[string]any) {
	for name, mem := range s.Members {
		if mem.Location != "querystring" && mem.Location != "header" && mem.Location != "headers" {
			continue
		}
		switch x := params[name].(type) {
		case []any:
			if len(x) == 0 {
				delete(params, name)
			}
		case map[string]any:
			if len(x) == 0 {
				delete(params, name)
			}
		}
	}
}
