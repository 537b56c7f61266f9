// Package apigen generates the Go API layer of an AWS rest-json service from its
// botocore-format model: shapes with JSON tags, enums, constraint validation,
// request decoding, response encoding, routes, exception types, the Operations
// interface and its Unimplemented default. Documentation text in the model is
// never copied into the output.
package apigen

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"
)

// Model is a botocore service model.
type Model struct {
	Metadata   map[string]any        `json:"metadata"`
	Operations map[string]*Operation `json:"operations"`
	Shapes     map[string]*Shape     `json:"shapes"`
}

// Operation is one API operation.
type Operation struct {
	Name   string `json:"name"`
	HTTP   HTTP   `json:"http"`
	Input  *Ref   `json:"input"`
	Output *Ref   `json:"output"`
}

// HTTP is an operation's HTTP binding.
type HTTP struct {
	Method       string `json:"method"`
	RequestURI   string `json:"requestUri"`
	ResponseCode int    `json:"responseCode"`
}

// Ref names a shape.
type Ref struct {
	Shape string `json:"shape"`
}

// Shape is a named type of the model.
type Shape struct {
	Type            string             `json:"type"`
	Members         map[string]*Member `json:"members"`
	Member          *Member            `json:"member"`
	Key             *Member            `json:"key"`
	Value           *Member            `json:"value"`
	Required        []string           `json:"required"`
	Min             *json.Number       `json:"min"`
	Max             *json.Number       `json:"max"`
	Pattern         string             `json:"pattern"`
	Enum            []string           `json:"enum"`
	Payload         string             `json:"payload"`
	Exception       bool               `json:"exception"`
	Fault           bool               `json:"fault"`
	Error           *ErrorTrait        `json:"error"`
	TimestampFormat string             `json:"timestampFormat"`
	Document        bool               `json:"document"`
	Union           bool               `json:"union"`
}

// ErrorTrait carries an exception's HTTP status and, rarely, a code that differs
// from the shape name.
type ErrorTrait struct {
	Code           string `json:"code"`
	HTTPStatusCode int    `json:"httpStatusCode"`
}

// Member is a member of a structure, or the element, key or value of a collection.
type Member struct {
	Shape           string `json:"shape"`
	Location        string `json:"location"`
	LocationName    string `json:"locationName"`
	TimestampFormat string `json:"timestampFormat"`
	JSONValue       bool   `json:"jsonvalue"`
}

// LoadModel reads a model file.
func LoadModel(path string) (*Model, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	m, err := ParseModel(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

// ParseModel reads a model from its JSON text and checks that every reference
// resolves.
func ParseModel(b []byte) (*Model, error) {
	var m Model
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	return &m, m.check()
}

// check verifies that every reference resolves.
func (m *Model) check() error {
	for name, op := range m.Operations {
		for _, r := range []*Ref{op.Input, op.Output} {
			if r != nil && m.Shapes[r.Shape] == nil {
				return fmt.Errorf("operation %s: unknown shape %s", name, r.Shape)
			}
		}
	}
	for name, s := range m.Shapes {
		for _, mem := range s.allMembers() {
			if m.Shapes[mem.Shape] == nil {
				return fmt.Errorf("shape %s: unknown shape %s", name, mem.Shape)
			}
		}
	}
	return nil
}

func (s *Shape) allMembers() []*Member {
	var out []*Member
	for _, name := range s.memberNames() {
		out = append(out, s.Members[name])
	}
	for _, m := range []*Member{s.Member, s.Key, s.Value} {
		if m != nil {
			out = append(out, m)
		}
	}
	return out
}

// memberNames returns the structure's member names in a stable order.
func (s *Shape) memberNames() []string {
	names := make([]string, 0, len(s.Members))
	for n := range s.Members {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func (s *Shape) isRequired(member string) bool {
	for _, r := range s.Required {
		if r == member {
			return true
		}
	}
	return false
}

// FieldName returns the Go field name the generator gives a member of a
// structure shape: the member name made an exported identifier, unique within
// the structure and clear of the methods exception types carry.
func (m *Model) FieldName(shape, member string) string {
	return m.Shapes[shape].fieldNames()[member]
}

func (s *Shape) fieldNames() map[string]string {
	names := map[string]string{}
	taken := map[string]bool{"Error": true, "ErrorCode": true, "HTTPStatus": true, "WriteHeaders": true}
	for _, mn := range s.memberNames() {
		f := exported(mn)
		for taken[f] {
			f += "_"
		}
		taken[f] = true
		names[mn] = f
	}
	return names
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
