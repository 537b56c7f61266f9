package policydoc

import (
	"encoding/json"
	"errors"
	"io"
	"strings"
)

// jsonValue is a decoded JSON value that keeps object members in order and
// duplicates visible, which encoding/json's maps would hide.
type jsonValue struct {
	kind    jsonKind
	text    string // string value, number literal, or "true"/"false"
	members []jsonMember
	items   []jsonValue
}

type jsonMember struct {
	name  string
	value jsonValue
}

type jsonKind int

const (
	jsonNull jsonKind = iota
	jsonBool
	jsonNumber
	jsonString
	jsonArray
	jsonObject
)

var errTrailingData = errors.New("data after the top-level value")

// decodeJSON decodes exactly one JSON value from s.
func decodeJSON(s string) (jsonValue, error) {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	v, err := readJSON(dec)
	if err != nil {
		return jsonValue{}, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return jsonValue{}, errTrailingData
	}
	return v, nil
}

func readJSON(dec *json.Decoder) (jsonValue, error) {
	tok, err := dec.Token()
	if err != nil {
		return jsonValue{}, err
	}
	switch t := tok.(type) {
	case json.Delim:
		if t == '{' {
			return readObject(dec)
		}
		return readArray(dec)
	case string:
		return jsonValue{kind: jsonString, text: t}, nil
	case json.Number:
		return jsonValue{kind: jsonNumber, text: t.String()}, nil
	case bool:
		text := "false"
		if t {
			text = "true"
		}
		return jsonValue{kind: jsonBool, text: text}, nil
	}
	return jsonValue{kind: jsonNull}, nil
}

func readObject(dec *json.Decoder) (jsonValue, error) {
	v := jsonValue{kind: jsonObject}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return jsonValue{}, err
		}
		name, _ := tok.(string) // the decoder only yields strings as keys
		value, err := readJSON(dec)
		if err != nil {
			return jsonValue{}, err
		}
		v.members = append(v.members, jsonMember{name: name, value: value})
	}
	_, err := dec.Token() // '}'
	return v, err
}

func readArray(dec *json.Decoder) (jsonValue, error) {
	v := jsonValue{kind: jsonArray}
	for dec.More() {
		item, err := readJSON(dec)
		if err != nil {
			return jsonValue{}, err
		}
		v.items = append(v.items, item)
	}
	_, err := dec.Token() // ']'
	return v, err
}
