// Package suite reads botocore's rest-json protocol test suites and turns the
// model fragment of each group of cases into an apigen model, so that the
// generator can write code for all of them into package protocoltest.
package suite

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/format"
	"os"
	"path/filepath"
	"strconv"

	"github.com/iotdefender/iotdefender/internal/api/apigen"
)

// The suite files, as botocore names them.
const (
	InputFile  = "rest-json-input.json"
	OutputFile = "rest-json-output.json"
)

// Group is a group of cases that share one model fragment.
type Group struct {
	Description    string                     `json:"description"`
	Metadata       map[string]any             `json:"metadata"`
	Shapes         map[string]json.RawMessage `json:"shapes"`
	ClientEndpoint string                     `json:"clientEndpoint"`
	Cases          []*Case                    `json:"cases"`

	// Prefix is the prefix of the group's generated identifiers.
	Prefix string `json:"-"`
	// Model is the group's model: its shapes and the operations its cases give.
	Model *apigen.Model `json:"-"`
}

// Case is one test case: a request a client makes of given parameters (input
// suite), or a response and the result or error a client reads from it
// (output suite).
type Case struct {
	ID          string          `json:"id"`
	Description string          `json:"description"`
	Given       json.RawMessage `json:"given"`

	Params     map[string]any `json:"params"`
	Serialized *Request       `json:"serialized"`

	Result       map[string]any `json:"result"`
	Error        map[string]any `json:"error"`
	ErrorCode    string         `json:"errorCode"`
	ErrorMessage string         `json:"errorMessage"`
	Response     *Response      `json:"response"`

	// Operation is the name the group's model gives the case's operation.
	Operation string `json:"-"`
}

// Request is a serialized HTTP request.
type Request struct {
	Method  string            `json:"method"`
	URI     string            `json:"uri"`
	Host    string            `json:"host"`
	Headers map[string]string `json:"headers"`
	Body    *string           `json:"body"`
}

// Response is a serialized HTTP response.
type Response struct {
	StatusCode int               `json:"status_code"`
	Headers    map[string]string `json:"headers"`
	Body       string            `json:"body"`
}

// Load reads the suite file at path and builds the model of every group; prefix
// starts the generated identifiers of its groups ("In", "Out").
func Load(path, prefix string) ([]*Group, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var groups []*Group
	if err := json.Unmarshal(b, &groups); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	prefixes := map[string]int{}
	for i, g := range groups {
		if len(g.Cases) == 0 {
			return nil, fmt.Errorf("%s: group %d has no cases", path, i)
		}
		if err := g.buildModel(); err != nil {
			return nil, fmt.Errorf("%s: group %q: %w", path, g.Description, err)
		}
		// Several groups may test one operation: number all but the first.
		name := prefix + g.Cases[0].Operation
		prefixes[name]++
		g.Prefix = name
		if n := prefixes[name]; n > 1 {
			g.Prefix += strconv.Itoa(n)
		}
	}
	return groups, nil
}

// given is the part of a case's operation the model takes.
type given struct {
	Name string `json:"name"`
}

// buildModel makes the group's model. Cases that give the same operation name
// with different definitions get distinct names (Name2, Name3, ...).
func (g *Group) buildModel() error {
	ops := map[string]json.RawMessage{}
	defs := map[string]string{} // canonical definition -> operation name
	for _, c := range g.Cases {
		var gv given
		if err := json.Unmarshal(c.Given, &gv); err != nil {
			return fmt.Errorf("case %s: %w", c.ID, err)
		}
		def, err := canonical(c.Given)
		if err != nil {
			return fmt.Errorf("case %s: %w", c.ID, err)
		}
		if name, ok := defs[def]; ok {
			c.Operation = name
			continue
		}
		name := gv.Name
		for n := 2; ops[name] != nil; n++ {
			name = gv.Name + strconv.Itoa(n)
		}
		defs[def], ops[name], c.Operation = name, c.Given, name
	}
	doc, err := json.Marshal(map[string]any{"metadata": g.Metadata, "operations": ops, "shapes": g.Shapes})
	if err != nil {
		return err
	}
	m, err := apigen.ParseModel(doc)
	if err != nil {
		return err
	}
	for name, op := range m.Operations {
		op.Name = name
	}
	g.Model = m
	return nil
}

// canonical is the JSON text of an operation definition without its
// documentation, with sorted keys.
func canonical(def json.RawMessage) (string, error) {
	var v map[string]any
	if err := json.Unmarshal(def, &v); err != nil {
		return "", err
	}
	delete(v, "documentation")
	b, err := json.Marshal(v)
	return string(b), err
}

// Package is the Go package the suites are generated into.
const Package = "protocoltest"

// GeneratedFiles returns the generated sources of package protocoltest for the
// suites in dir, by file name: the code of every group's model, and the table of
// the groups' units.
func GeneratedFiles(dir string) (map[string][]byte, error) {
	var units []apigen.Unit
	var prefixes []string
	for _, s := range []struct{ file, prefix string }{{InputFile, "In"}, {OutputFile, "Out"}} {
		groups, err := Load(filepath.Join(dir, s.file), s.prefix)
		if err != nil {
			return nil, err
		}
		for _, g := range groups {
			units = append(units, apigen.Unit{Model: g.Model, Config: apigen.Config{Package: Package, Prefix: g.Prefix, Source: s.file, Codecs: true}})
			prefixes = append(prefixes, g.Prefix)
		}
	}
	code, err := apigen.Bundle(units)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "// Code generated from %s and %s. DO NOT EDIT.\n\npackage %s\n\n", InputFile, OutputFile, Package)
	b.WriteString("// units returns every group's routes and codecs, by the group's prefix.\nfunc units() map[string]unit {\nreturn map[string]unit{\n")
	for _, p := range prefixes {
		fmt.Fprintf(&b, "%q: {match: matcher(%sRoutes), codecs: %sCodecs, exceptions: %sExceptions},\n", p, p, p, p)
	}
	b.WriteString("}\n}\n")
	table, err := format.Source(b.Bytes())
	if err != nil {
		return nil, err
	}
	return map[string][]byte{"suites_gen.go": code, "units_gen.go": table}, nil
}
