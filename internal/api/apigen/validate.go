package apigen

import (
	"encoding/json"
	"fmt"
	"strconv"
)

func (g *gen) validatorName(shape string) string {
	return localPrefix(g.cfg.Prefix) + "validate" + exported(shape)
}

// needsValidation reports whether a value of the shape can violate a constraint.
func (g *gen) needsValidation(name string) bool {
	if v, ok := g.validated[name]; ok {
		return v
	}
	if g.visiting == nil {
		g.visiting = map[string]bool{}
	}
	if g.visiting[name] {
		return false // a cycle adds no constraint of its own
	}
	g.visiting[name] = true
	defer delete(g.visiting, name)
	s := g.m.Shapes[name]
	need := s.Min != nil || s.Max != nil || s.Pattern != "" || len(s.Enum) > 0 || len(s.Required) > 0 || s.Union
	for _, mem := range s.allMembers() {
		if need {
			break
		}
		need = g.needsValidation(mem.Shape)
	}
	if s.Type == "structure" && s.Document {
		need = false
	}
	g.validated[name] = need
	return need
}

// genValidators writes one validation function per structure reachable from an
// input that has something to check.
func (g *gen) genValidators() {
	seen := map[string]bool{}
	var order []string
	var visit func(name string)
	visit = func(name string) {
		s := g.m.Shapes[name]
		if s.Type == "structure" {
			if seen[name] || s.Document {
				return
			}
			seen[name] = true
			if g.needsValidation(name) {
				order = append(order, name)
			}
		}
		for _, mem := range s.allMembers() {
			visit(mem.Shape)
		}
	}
	for _, in := range sortedKeys(g.inputs) {
		visit(in)
	}
	for _, name := range order {
		g.genValidator(name)
	}
}

func (g *gen) genValidator(name string) {
	s := g.m.Shapes[name]
	g.p("func %s(v *awsjson.Validator, path string, x *%s) {\nif x == nil {\nreturn\n}\n", g.validatorName(name), g.typeName(name))
	if s.Union {
		g.p("set := 0\n")
		for _, mn := range s.memberNames() {
			g.p("if %s {\nset++\n}\n", g.present(s.Members[mn], "x."+g.fieldName(name, mn)))
		}
		g.p("v.Union(path, set)\n")
	}
	for _, mn := range s.memberNames() {
		mem := s.Members[mn]
		required := s.isRequired(mn)
		if !required && !g.needsValidation(mem.Shape) {
			continue
		}
		field := "x." + g.fieldName(name, mn)
		path := fmt.Sprintf("awsjson.JoinPath(path, %q)", mn)
		switch checks := g.needsValidation(mem.Shape); {
		case required && checks:
			g.p("if %s {\nv.Missing(%s)\n} else {\n", g.absent(mem, field), path)
			g.genChecks(mem, g.valueOf(mem, field), path, 0)
			g.p("}\n")
		case required:
			g.p("if %s {\nv.Missing(%s)\n}\n", g.absent(mem, field), path)
		default:
			g.p("if %s {\n", g.present(mem, field))
			g.genChecks(mem, g.valueOf(mem, field), path, 0)
			g.p("}\n")
		}
	}
	g.p("}\n\n")
}

// absent is the Go condition that a field of the member's shape is not set.
func (g *gen) absent(mem *Member, field string) string {
	if _, isEnum := g.enumOf(mem); isEnum {
		return field + ` == ""`
	}
	return field + " == nil"
}

// present is the negation of absent.
func (g *gen) present(mem *Member, field string) string {
	if _, isEnum := g.enumOf(mem); isEnum {
		return field + ` != ""`
	}
	return field + " != nil"
}

// valueOf turns a field expression into a value expression for the checks.
func (g *gen) valueOf(mem *Member, field string) string {
	s := g.m.Shapes[mem.Shape]
	switch {
	case s.Type == "structure", s.Type == "list", s.Type == "map", s.Type == "blob":
		return field
	case s.Type == "string" && len(s.Enum) > 0:
		return field
	}
	return "*" + field
}

// genChecks writes the constraint checks of a present value. For structures the
// expression is a pointer; otherwise it is the value itself.
func (g *gen) genChecks(mem *Member, val, path string, depth int) {
	s := g.m.Shapes[mem.Shape]
	min, max, hasMin, hasMax := bound(s.Min), bound(s.Max), s.Min != nil, s.Max != nil
	switch s.Type {
	case "string":
		if hasMin || hasMax {
			g.p("v.StringLength(%s, string(%s), %s, %s, %t, %t)\n", path, val, min, max, hasMin, hasMax)
		}
		if s.Pattern != "" {
			g.p("v.Pattern(%s, string(%s), %s)\n", path, val, g.patternVar(s.Pattern))
		}
		if len(s.Enum) > 0 {
			g.p("v.Enum(%s, string(%s), enum%sValues)\n", path, val, g.typeName(mem.Shape))
		}
	case "byte", "short", "integer", "long", "float", "double":
		if hasMin || hasMax {
			g.p("v.Range(%s, float64(%s), %s, %s, %t, %t)\n", path, val, min, max, hasMin, hasMax)
		}
	case "blob":
		if hasMin || hasMax {
			g.p("v.Length(%s, len(%s), len(%s), %s, %s, %t, %t)\n", path, val, val, min, max, hasMin, hasMax)
		}
	case "structure":
		if !s.Document && g.needsValidation(mem.Shape) {
			g.p("%s(v, %s, %s)\n", g.validatorName(mem.Shape), path, val)
		}
	case "list":
		if hasMin || hasMax {
			g.p("v.Length(%s, %s, len(%s), %s, %s, %t, %t)\n", path, listValue(g, s, val), val, min, max, hasMin, hasMax)
		}
		if g.needsValidation(s.Member.Shape) {
			e, i, p := "e"+strconv.Itoa(depth), "i"+strconv.Itoa(depth), "p"+strconv.Itoa(depth)
			g.p("for %s, %s := range %s {\n%s := awsjson.ElemPath(%s, %s)\n", i, e, val, p, path, i)
			elem := e
			if g.m.Shapes[s.Member.Shape].Type == "structure" {
				elem = "&" + e
			}
			g.genChecks(s.Member, elem, p, depth+1)
			g.p("}\n")
		}
	case "map":
		if hasMin || hasMax {
			g.p("v.Length(%s, len(%s), len(%s), %s, %s, %t, %t)\n", path, val, val, min, max, hasMin, hasMax)
		}
		keyNeeds, valNeeds := g.needsValidation(s.Key.Shape), g.needsValidation(s.Value.Shape)
		if keyNeeds || valNeeds {
			k, e, p := "k"+strconv.Itoa(depth), "e"+strconv.Itoa(depth), "p"+strconv.Itoa(depth)
			// Sorted keys: the violations of a map are reported in the same
			// order every time.
			g.p("for _, %s := range awsjson.SortedKeys(%s) {\n%s := %s[%s]\n%s := awsjson.JoinPath(%s, %s)\n_ = %s\n", k, val, e, val, k, p, path, k, e)
			if keyNeeds {
				g.genChecks(s.Key, k, p, depth+1)
			}
			if valNeeds {
				elem := e
				if g.m.Shapes[s.Value.Shape].Type == "structure" {
					elem = "&" + e
				}
				g.genChecks(s.Value, elem, p, depth+1)
			}
			g.p("}\n")
		}
	}
}

// listValue is what a length violation of a list prints: the strings themselves
// for a list of plain strings, the count otherwise.
func listValue(g *gen, s *Shape, val string) string {
	if g.goType(s.Member, false) == "string" {
		return val
	}
	return "len(" + val + ")"
}

func bound(n *json.Number) string {
	if n == nil {
		return "0"
	}
	return n.String()
}
