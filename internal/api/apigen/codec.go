package apigen

import (
	"fmt"
	"strings"
)

// genOperationCodec writes the decode, encode and serve functions of op.
func (g *gen) genOperationCodec(op *Operation) error {
	lp, name := localPrefix(g.cfg.Prefix), exported(op.Name)
	in := g.inputType(op)
	g.p("func %sserve%s(ctx context.Context, ops %sOperations, req *awsjson.Request, w http.ResponseWriter) error {\n", lp, name, g.cfg.Prefix)
	g.p("in, err := %sdecode%s(req)\nif err != nil {\nreturn err\n}\n", lp, name)
	if op.Input != nil && g.needsValidation(op.Input.Shape) {
		g.p("var v awsjson.Validator\n%s(&v, \"\", in)\nif msg := v.Message(); msg != \"\" {\nreturn %snewValidationError(msg)\n}\n", g.validatorName(op.Input.Shape), lp)
	}
	if op.Output == nil {
		g.p("if err := ops.%s(ctx, in); err != nil {\nreturn err\n}\n", name)
		code := op.HTTP.ResponseCode
		if code == 0 {
			code = 200
		}
		g.p("return awsjson.WriteJSON(w, %d, struct{}{})\n}\n\n", code)
	} else {
		g.p("out, err := ops.%s(ctx, in)\nif err != nil {\nreturn err\n}\nreturn %sencode%s(w, out)\n}\n\n", name, lp, name)
	}
	if err := g.genDecode(op, in); err != nil {
		return err
	}
	if op.Output != nil {
		return g.genEncode(op)
	}
	return nil
}

func (g *gen) genDecode(op *Operation, in string) error {
	lp, name := localPrefix(g.cfg.Prefix), exported(op.Name)
	g.p("func %sdecode%s(req *awsjson.Request) (*%s, error) {\nin := new(%s)\n", lp, name, in, in)
	if op.Input == nil {
		g.p("return in, nil\n}\n\n")
		return nil
	}
	shapeName := op.Input.Shape
	s := g.m.Shapes[shapeName]
	hasBody, hasQuery := false, false
	var queryNames []string
	for _, mn := range s.memberNames() {
		switch mem := s.Members[mn]; mem.Location {
		case "":
			hasBody = true
		case "querystring":
			hasQuery = true
			if mem.LocationName != "" {
				queryNames = append(queryNames, mem.LocationName)
			}
		}
	}
	if s.Payload != "" {
		if err := g.genDecodePayload(shapeName, s); err != nil {
			return err
		}
	} else if hasBody {
		g.p("if err := awsjson.UnmarshalBody(req.Body, in); err != nil {\nreturn nil, %snewValidationError(err.Error())\n}\n", lp)
	}
	if hasQuery {
		g.p("q := req.Query()\n")
	}
	for _, mn := range s.memberNames() {
		mem := s.Members[mn]
		field := "in." + g.fieldName(shapeName, mn)
		switch mem.Location {
		case "uri":
			g.p("{\nraw := req.Params.Get(%q)\n", mem.LocationName)
			g.genParseScalar(mem, field, "raw", mn, "iso8601")
			g.p("}\n")
		case "querystring":
			if err := g.genDecodeQuery(mem, field, mn, queryNames); err != nil {
				return err
			}
		case "header":
			if err := g.genDecodeHeader(mem, field, mn); err != nil {
				return err
			}
		case "headers":
			g.p("for key, vs := range req.HTTP.Header {\nif len(key) >= %d && strings.EqualFold(key[:%d], %q) {\nif %s == nil {\n%s = map[string]string{}\n}\n%s[key[%d:]] = strings.Join(vs, \", \")\n}\n}\n",
				len(mem.LocationName), len(mem.LocationName), mem.LocationName, field, field, field, len(mem.LocationName))
		}
	}
	g.p("return in, nil\n}\n\n")
	return nil
}

func (g *gen) genDecodePayload(shapeName string, s *Shape) error {
	lp := localPrefix(g.cfg.Prefix)
	mem := s.Members[s.Payload]
	field := "in." + g.fieldName(shapeName, s.Payload)
	ps := g.m.Shapes[mem.Shape]
	switch {
	case ps.Type == "blob":
		g.p("if len(req.Body) > 0 {\n%s = req.Body\n}\n", field)
	case ps.Type == "string" && len(ps.Enum) > 0:
		g.p("if len(req.Body) > 0 {\n%s = %s(req.Body)\n}\n", field, g.typeName(mem.Shape))
	case ps.Type == "string":
		g.p("if len(req.Body) > 0 {\n%s = awsjson.Ptr(string(req.Body))\n}\n", field)
	case ps.Type == "structure" && ps.Document:
		g.p("if len(req.Body) > 0 {\n%s = awsjson.Document(req.Body)\n}\n", field)
	case ps.Type == "structure":
		g.p("if len(strings.TrimSpace(string(req.Body))) > 0 {\n%s = new(%s)\nif err := awsjson.UnmarshalBody(req.Body, %s); err != nil {\nreturn nil, %snewValidationError(err.Error())\n}\n}\n", field, g.typeName(mem.Shape), field, lp)
	default:
		return fmt.Errorf("payload %s of type %s is not supported", s.Payload, ps.Type)
	}
	return nil
}

// genParseScalar assigns the scalar in the string expression raw to field,
// answering a validation error when it does not parse. defaultTime is the
// timestamp format of the member's location.
func (g *gen) genParseScalar(mem *Member, field, raw, path, defaultTime string) {
	lp := localPrefix(g.cfg.Prefix)
	s := g.m.Shapes[mem.Shape]
	bad := func(what string) string {
		return fmt.Sprintf("return nil, %snewValidationError(\"Value '\" + %s + \"' at '%s' failed to satisfy constraint: Member must be %s\")", lp, raw, path, what)
	}
	switch s.Type {
	case "string":
		if len(s.Enum) > 0 {
			g.p("%s = %s(%s)\n", field, g.typeName(mem.Shape), raw)
		} else if mem.JSONValue {
			g.p("if b, err := base64.StdEncoding.DecodeString(%s); err == nil {\n%s = awsjson.Ptr(string(b))\n} else {\n%s\n}\n", raw, field, bad("base64-encoded JSON"))
		} else {
			g.p("%s = awsjson.Ptr(%s)\n", field, raw)
		}
	case "boolean":
		g.p("if b, ok := awsjson.ParseBool(%s); ok {\n%s = &b\n} else {\n%s\n}\n", raw, field, bad("a boolean"))
	case "byte", "short", "integer", "long":
		bits, goT := intBits(s.Type)
		g.p("if n, ok := awsjson.ParseInt(%s, %d); ok {\n%s = awsjson.Ptr(%s(n))\n} else {\n%s\n}\n", raw, bits, field, goT, bad("an integer"))
	case "float", "double":
		bits, goT := 64, "float64"
		if s.Type == "float" {
			bits, goT = 32, "float32"
		}
		g.p("if f, ok := awsjson.ParseFloat(%s, %d); ok {\n%s = awsjson.Ptr(%s(f))\n} else {\n%s\n}\n", raw, bits, field, goT, bad("a number"))
	case "timestamp":
		g.p("if t, err := awsjson.ParseTime(%s); err == nil {\n%s = &awsjson.%s{Time: t}\n} else {\n%s\n}\n", raw, field, timeType(g.timestampFormat(mem)), bad("a timestamp"))
	default:
		panic("apigen: scalar location for " + s.Type)
	}
}

func intBits(t string) (int, string) {
	switch t {
	case "byte":
		return 8, "int8"
	case "short":
		return 16, "int16"
	case "integer":
		return 32, "int32"
	}
	return 64, "int64"
}

func (g *gen) genDecodeQuery(mem *Member, field, path string, named []string) error {
	s := g.m.Shapes[mem.Shape]
	switch s.Type {
	case "map":
		// A map without a name takes every query parameter no other member binds.
		g.p("for key, vs := range q {\nswitch key {\n")
		if len(named) > 0 {
			g.p("case %s:\ncontinue\n", quoteList(named))
		}
		g.p("}\nif %s == nil {\n%s = %s{}\n}\n", field, field, g.goType(mem, true))
		if g.m.Shapes[s.Value.Shape].Type == "list" {
			g.p("%s[key] = vs\n}\n", field)
		} else {
			g.p("%s[key] = vs[0]\n}\n", field)
		}
	case "list":
		elem := s.Member
		g.p("if vs, ok := q[%q]; ok {\n%s = %s{}\nfor _, raw := range vs {\nvar e %s\n", mem.LocationName, field, g.goType(mem, true), g.goType(elem, true))
		g.genParseScalar(elem, "e", "raw", path, "iso8601")
		g.p("%s = append(%s, %s)\n}\n}\n", field, field, derefIfPointer(g.goType(elem, true), "e"))
	default:
		g.p("if vs, ok := q[%q]; ok && len(vs) > 0 {\nraw := vs[0]\n", mem.LocationName)
		g.genParseScalar(mem, field, "raw", path, "iso8601")
		g.p("}\n")
	}
	return nil
}

func (g *gen) genDecodeHeader(mem *Member, field, path string) error {
	s := g.m.Shapes[mem.Shape]
	g.p("if vs := req.HTTP.Header.Values(%q); len(vs) > 0 {\nhv := strings.Join(vs, \", \")\n", mem.LocationName)
	if s.Type == "list" {
		elem := s.Member
		split := "awsjson.SplitHeaderList(hv)"
		if g.m.Shapes[elem.Shape].Type == "timestamp" && g.timestampFormat(elem) != "iso8601" && g.timestampFormat(elem) != "unixTimestamp" {
			split = "awsjson.SplitHTTPDateList(hv)"
		}
		g.p("%s = %s{}\nfor _, raw := range %s {\nvar e %s\n", field, g.goType(mem, true), split, g.goType(elem, true))
		g.genParseScalar(elem, "e", "raw", path, "rfc822")
		g.p("%s = append(%s, %s)\n}\n", field, field, derefIfPointer(g.goType(elem, true), "e"))
	} else {
		g.p("raw := strings.TrimSpace(hv)\n")
		g.genParseScalar(mem, field, "raw", path, "rfc822")
	}
	g.p("}\n")
	return nil
}

func derefIfPointer(goType, expr string) string {
	if strings.HasPrefix(goType, "*") {
		return "*" + expr
	}
	return expr
}

func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	return strings.Join(q, ", ")
}

func (g *gen) genEncode(op *Operation) error {
	lp, name := localPrefix(g.cfg.Prefix), exported(op.Name)
	shapeName := op.Output.Shape
	s := g.m.Shapes[shapeName]
	out := g.typeName(shapeName)
	code := op.HTTP.ResponseCode
	if code == 0 {
		code = 200
	}
	g.p("func %sencode%s(w http.ResponseWriter, out *%s) error {\nif out == nil {\nout = new(%s)\n}\nstatus := %d\n", lp, name, out, out, code)
	for _, mn := range s.memberNames() {
		mem := s.Members[mn]
		field := "out." + g.fieldName(shapeName, mn)
		switch mem.Location {
		case "header":
			g.genEncodeHeader(mem, field)
		case "headers":
			g.p("for k, v := range %s {\nw.Header().Set(%q+k, v)\n}\n", field, mem.LocationName)
		case "statusCode":
			g.p("if %s != nil {\nstatus = int(*%s)\n}\n", field, field)
		}
	}
	if s.Payload == "" {
		g.p("return awsjson.WriteJSON(w, status, out)\n}\n\n")
		return nil
	}
	mem := s.Members[s.Payload]
	field := "out." + g.fieldName(shapeName, s.Payload)
	ps := g.m.Shapes[mem.Shape]
	switch {
	case ps.Type == "blob":
		g.p("if %s != nil {\nif w.Header().Get(\"Content-Type\") == \"\" {\nw.Header().Set(\"Content-Type\", \"application/octet-stream\")\n}\nw.WriteHeader(status)\n_, err := w.Write(%s)\nreturn err\n}\nw.WriteHeader(status)\nreturn nil\n}\n\n", field, field)
	case ps.Type == "string":
		conv := "*" + field
		cond := field + " != nil"
		if len(ps.Enum) > 0 {
			conv, cond = "string("+field+")", field+" != \"\""
		}
		g.p("if %s {\nw.Header().Set(\"Content-Type\", \"text/plain\")\nw.WriteHeader(status)\n_, err := w.Write([]byte(%s))\nreturn err\n}\nw.WriteHeader(status)\nreturn nil\n}\n\n", cond, conv)
	case ps.Type == "structure":
		g.p("if %s == nil {\nreturn awsjson.WriteJSON(w, status, struct{}{})\n}\nreturn awsjson.WriteJSON(w, status, %s)\n}\n\n", field, field)
	default:
		return fmt.Errorf("output payload of type %s is not supported", ps.Type)
	}
	return nil
}

func (g *gen) genEncodeHeader(mem *Member, field string) {
	s := g.m.Shapes[mem.Shape]
	name := mem.LocationName
	if s.Type == "list" {
		g.p("if %s != nil {\nitems := make([]string, 0, len(%s))\nfor _, e := range %s {\nitems = append(items, %s)\n}\nw.Header().Set(%q, strings.Join(items, \", \"))\n}\n",
			field, field, field, g.headerItem(s.Member, "e", true), name)
		return
	}
	cond := field + " != nil"
	if _, isEnum := g.enumOf(mem); isEnum {
		cond = field + " != \"\""
	}
	g.p("if %s {\nw.Header().Set(%q, %s)\n}\n", cond, name, g.headerItem(mem, field, false))
}

func (g *gen) enumOf(mem *Member) (*Shape, bool) {
	s := g.m.Shapes[mem.Shape]
	return s, s.Type == "string" && len(s.Enum) > 0
}

// headerItem is the header text of a scalar; value says expr is a value rather
// than a pointer.
func (g *gen) headerItem(mem *Member, expr string, inList bool) string {
	s := g.m.Shapes[mem.Shape]
	v := expr
	if !inList && s.Type != "blob" && !(s.Type == "string" && len(s.Enum) > 0) {
		v = "*" + expr
	}
	switch s.Type {
	case "string":
		if len(s.Enum) > 0 {
			return "string(" + v + ")"
		}
		if mem.JSONValue {
			return "base64.StdEncoding.EncodeToString([]byte(" + v + "))"
		}
		if inList {
			return "awsjson.QuoteHeaderItem(" + v + ")"
		}
		return v
	case "boolean":
		return "strconv.FormatBool(" + v + ")"
	case "byte", "short", "integer", "long":
		return "strconv.FormatInt(int64(" + v + "), 10)"
	case "float", "double":
		return "awsjson.FormatFloat(float64(" + v + "))"
	case "timestamp":
		switch g.timestampFormat(mem) {
		case "iso8601":
			return "awsjson.FormatISO8601(" + v + ".Time)"
		case "unixTimestamp":
			return "awsjson.FormatEpoch(" + v + ".Time)"
		}
		return "awsjson.FormatHTTPDate(" + v + ".Time)"
	case "blob":
		return "base64.StdEncoding.EncodeToString(" + v + ")"
	}
	panic("apigen: header of type " + s.Type)
}
