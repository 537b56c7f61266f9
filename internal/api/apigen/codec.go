package apigen

import (
	"fmt"
	"strings"
)

// genOperationCodec writes the serve, decode and encode functions of op.
func (g *gen) genOperationCodec(op *Operation) error {
	lp, name := localPrefix(g.cfg.Prefix), exported(op.Name)
	g.p("func %sserve%s(ctx context.Context, ops %sOperations, req *awsjson.Request, w http.ResponseWriter) error {\n", lp, name, g.cfg.Prefix)
	g.p("in, err := %sdecode%s(req)\nif err != nil {\nreturn err\n}\n", lp, name)
	if op.Output == nil {
		g.p("if err := ops.%s(ctx, in); err != nil {\nreturn err\n}\nreturn %sencode%s(w)\n}\n\n", name, lp, name)
	} else {
		g.p("out, err := ops.%s(ctx, in)\nif err != nil {\nreturn err\n}\nreturn %sencode%s(w, out)\n}\n\n", name, lp, name)
	}
	if err := g.genDecode(op); err != nil {
		return err
	}
	return g.genEncode(op)
}

func responseCode(op *Operation) int {
	if op.HTTP.ResponseCode == 0 {
		return 200
	}
	return op.HTTP.ResponseCode
}

// genDecode writes the function that reads op's input from a request and
// checks its constraints.
func (g *gen) genDecode(op *Operation) error {
	lp, name, in := localPrefix(g.cfg.Prefix), exported(op.Name), g.inputType(op)
	g.p("func %sdecode%s(req *awsjson.Request) (*%s, error) {\nin := new(%s)\n", lp, name, in, in)
	if op.Input == nil {
		g.p("return in, nil\n}\n\n")
		return nil
	}
	shapeName := op.Input.Shape
	s := g.m.Shapes[shapeName]
	hasBody, hasQuery := false, false
	for _, mn := range s.memberNames() {
		switch s.Members[mn].Location {
		case "":
			hasBody = true
		case "querystring":
			hasQuery = true
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
		var err error
		switch mem.Location {
		case "uri":
			g.p("{\nraw := req.Params.Get(%q)\n", mem.LocationName)
			err = g.genParseScalar(mem, field, "raw", mn)
			g.p("}\n")
		case "querystring":
			err = g.genDecodeQuery(mem, field, mn)
		case "header":
			err = g.genDecodeHeader(mem, field, mn)
		case "headers":
			if g.goType(mem, true) != "map[string]string" {
				return fmt.Errorf("%s.%s: prefix headers must be a map of strings", shapeName, mn)
			}
			g.p("%s = awsjson.PrefixHeaders(req.HTTP.Header, %q)\n", field, mem.LocationName)
		}
		if err != nil {
			return fmt.Errorf("%s.%s: %w", shapeName, mn, err)
		}
	}
	if g.needsValidation(shapeName) {
		g.p("var v awsjson.Validator\n%s(&v, \"\", in)\nif msg := v.Message(); msg != \"\" {\nreturn nil, %snewValidationError(msg)\n}\n", g.validatorName(shapeName), lp)
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
		g.p("%s = %s(req.Body)\n", field, g.typeName(mem.Shape))
	case ps.Type == "string":
		g.p("if len(req.Body) > 0 {\n%s = awsjson.Ptr(string(req.Body))\n}\n", field)
	case ps.Type == "structure" && ps.Document:
		g.p("if doc, err := awsjson.DecodeDocument(req.Body); err == nil {\n%s = doc\n} else {\nreturn nil, %snewValidationError(err.Error())\n}\n", field, lp)
	case ps.Type == "structure":
		g.p("if p, err := awsjson.DecodePayload[%s](req.Body); err == nil {\n%s = p\n} else {\nreturn nil, %snewValidationError(err.Error())\n}\n", g.typeName(mem.Shape), field, lp)
	default:
		return fmt.Errorf("payload %s of type %s is not supported", s.Payload, ps.Type)
	}
	return nil
}

// genParseScalar assigns the scalar in the string expression raw to field,
// answering a validation error when it does not parse.
func (g *gen) genParseScalar(mem *Member, field, raw, path string) error {
	lp := localPrefix(g.cfg.Prefix)
	s := g.m.Shapes[mem.Shape]
	bad := func(what string) string {
		return fmt.Sprintf("return nil, %snewValidationError(\"Value '\" + %s + \"' at '%s' failed to satisfy constraint: Member must be %s\")", lp, raw, path, what)
	}
	switch s.Type {
	case "string":
		switch {
		case len(s.Enum) > 0:
			g.p("%s = %s(%s)\n", field, g.typeName(mem.Shape), raw)
		case mem.JSONValue:
			g.p("if b, err := base64.StdEncoding.DecodeString(%s); err == nil {\n%s = awsjson.Ptr(string(b))\n} else {\n%s\n}\n", raw, field, bad("base64-encoded JSON"))
		default:
			g.p("%s = awsjson.Ptr(%s)\n", field, raw)
		}
	case "boolean":
		g.p("if b, ok := awsjson.ParseBool(%s); ok {\n%s = &b\n} else {\n%s\n}\n", raw, field, bad("a boolean"))
	case "byte", "short", "integer", "long":
		bits, goT := numberType(s.Type)
		g.p("if n, ok := awsjson.ParseInt(%s, %d); ok {\n%s = awsjson.Ptr(%s(n))\n} else {\n%s\n}\n", raw, bits, field, goT, bad("an integer"))
	case "float", "double":
		bits, goT := numberType(s.Type)
		g.p("if f, ok := awsjson.ParseFloat(%s, %d); ok {\n%s = awsjson.Ptr(%s(f))\n} else {\n%s\n}\n", raw, bits, field, goT, bad("a number"))
	case "timestamp":
		g.p("if t, err := awsjson.ParseTime(%s); err == nil {\n%s = &awsjson.%s{Time: t}\n} else {\n%s\n}\n", raw, field, timeType(g.timestampFormat(mem)), bad("a timestamp"))
	default:
		return fmt.Errorf("a %s cannot be bound to the URI, query string or a header", s.Type)
	}
	return nil
}

// numberType returns the bit size and Go type of a numeric shape type.
func numberType(t string) (int, string) {
	switch t {
	case "byte":
		return 8, "int8"
	case "short":
		return 16, "int16"
	case "integer":
		return 32, "int32"
	case "float":
		return 32, "float32"
	case "double":
		return 64, "float64"
	}
	return 64, "int64"
}

func (g *gen) genDecodeQuery(mem *Member, field, path string) error {
	s := g.m.Shapes[mem.Shape]
	switch s.Type {
	case "map":
		// A map without a name receives every query parameter, including those
		// other members bind (as servers of the protocol do).
		switch g.goType(mem, true) {
		case "map[string][]string":
			g.p("for key, vs := range q {\nif %s == nil {\n%s = map[string][]string{}\n}\n%s[key] = vs\n}\n", field, field, field)
		case "map[string]string":
			g.p("for key, vs := range q {\nif %s == nil {\n%s = map[string]string{}\n}\n%s[key] = vs[0]\n}\n", field, field, field)
		default:
			return fmt.Errorf("query maps must map to strings or lists of strings")
		}
	case "list":
		g.p("if vs, ok := q[%q]; ok {\n%s = %s{}\nfor _, raw := range vs {\nvar e %s\n", mem.LocationName, field, g.goType(mem, true), g.goType(s.Member, true))
		if err := g.genParseScalar(s.Member, "e", "raw", path); err != nil {
			return err
		}
		g.p("%s = append(%s, %s)\n}\n}\n", field, field, derefIfPointer(g.goType(s.Member, true), "e"))
	default:
		g.p("if vs, ok := q[%q]; ok && len(vs) > 0 {\nraw := vs[0]\n", mem.LocationName)
		if err := g.genParseScalar(mem, field, "raw", path); err != nil {
			return err
		}
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
		if g.m.Shapes[elem.Shape].Type == "timestamp" && g.headerTimeFormat(elem) == "rfc822" {
			split = "awsjson.SplitHTTPDateList(hv)"
		}
		g.p("%s = %s{}\nfor _, raw := range %s {\nvar e %s\n", field, g.goType(mem, true), split, g.goType(elem, true))
		if err := g.genParseScalar(elem, "e", "raw", path); err != nil {
			return err
		}
		g.p("%s = append(%s, %s)\n}\n", field, field, derefIfPointer(g.goType(elem, true), "e"))
	} else {
		g.p("raw := strings.TrimSpace(hv)\n")
		if err := g.genParseScalar(mem, field, "raw", path); err != nil {
			return err
		}
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

// genEncode writes the function that writes op's response.
func (g *gen) genEncode(op *Operation) error {
	lp, name := localPrefix(g.cfg.Prefix), exported(op.Name)
	code := responseCode(op)
	if op.Output == nil {
		g.p("func %sencode%s(w http.ResponseWriter) error {\nreturn awsjson.WriteBody(w, %d, \"\", nil)\n}\n\n", lp, name, code)
		return nil
	}
	shapeName := op.Output.Shape
	s := g.m.Shapes[shapeName]
	out := g.typeName(shapeName)
	g.p("func %sencode%s(w http.ResponseWriter, out *%s) error {\nif out == nil {\nout = new(%s)\n}\nstatus := %d\n", lp, name, out, out, code)
	if g.hasHeaderMembers(s) {
		g.p("h := w.Header()\n")
		if err := g.genEncodeHeaders(shapeName, "out", "h"); err != nil {
			return err
		}
	}
	for _, mn := range s.memberNames() {
		if s.Members[mn].Location == "statusCode" {
			field := "out." + g.fieldName(shapeName, mn)
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
		g.p("return awsjson.WriteBody(w, status, \"application/octet-stream\", %s)\n}\n\n", field)
	case ps.Type == "string" && len(ps.Enum) > 0:
		g.p("return awsjson.WriteBody(w, status, \"text/plain\", []byte(%s))\n}\n\n", field)
	case ps.Type == "string":
		g.p("return awsjson.WriteBody(w, status, \"text/plain\", []byte(awsjson.Value(%s)))\n}\n\n", field)
	case ps.Type == "structure" && ps.Document:
		g.p("return awsjson.WriteBody(w, status, \"application/json\", %s)\n}\n\n", field)
	case ps.Type == "structure":
		g.p("if %s == nil {\nreturn awsjson.WriteBody(w, status, \"\", nil)\n}\nreturn awsjson.WriteJSON(w, status, %s)\n}\n\n", field, field)
	default:
		return fmt.Errorf("output payload of type %s is not supported", ps.Type)
	}
	return nil
}

func (g *gen) hasHeaderMembers(s *Shape) bool {
	for _, mem := range s.Members {
		if mem.Location == "header" || mem.Location == "headers" {
			return true
		}
	}
	return false
}

// genEncodeHeaders sets, on the http.Header expression h, the headers the
// members of the structure value v are bound to.
func (g *gen) genEncodeHeaders(shapeName, v, h string) error {
	s := g.m.Shapes[shapeName]
	for _, mn := range s.memberNames() {
		mem := s.Members[mn]
		field := v + "." + g.fieldName(shapeName, mn)
		switch mem.Location {
		case "header":
			if err := g.genEncodeHeader(mem, field, h); err != nil {
				return fmt.Errorf("%s.%s: %w", shapeName, mn, err)
			}
		case "headers":
			if g.goType(mem, true) != "map[string]string" {
				return fmt.Errorf("%s.%s: prefix headers must be a map of strings", shapeName, mn)
			}
			g.p("for k, v := range %s {\n%s.Set(%q+k, v)\n}\n", field, h, mem.LocationName)
		}
	}
	return nil
}

func (g *gen) genEncodeHeader(mem *Member, field, h string) error {
	s := g.m.Shapes[mem.Shape]
	name := mem.LocationName
	if s.Type == "list" {
		item, err := g.headerItem(s.Member, "e", true)
		if err != nil {
			return err
		}
		g.p("if %s != nil {\nitems := make([]string, 0, len(%s))\nfor _, e := range %s {\nitems = append(items, %s)\n}\n%s.Set(%q, strings.Join(items, \", \"))\n}\n",
			field, field, field, item, h, name)
		return nil
	}
	item, err := g.headerItem(mem, field, false)
	if err != nil {
		return err
	}
	g.p("if %s {\n%s.Set(%q, %s)\n}\n", g.present(mem, field), h, name, item)
	return nil
}

func (g *gen) enumOf(mem *Member) (*Shape, bool) {
	s := g.m.Shapes[mem.Shape]
	return s, s.Type == "string" && len(s.Enum) > 0
}

// headerTimeFormat is the timestamp format of a header: http-date unless the
// model says otherwise.
func (g *gen) headerTimeFormat(mem *Member) string {
	if f := g.timestampFormat(mem); f != "" {
		return f
	}
	return "rfc822"
}

// headerItem is the header text of a scalar; inList says expr is a list element
// (a value) rather than a field (a pointer, unless an enum or blob).
func (g *gen) headerItem(mem *Member, expr string, inList bool) (string, error) {
	s := g.m.Shapes[mem.Shape]
	v := expr
	if !inList && s.Type != "blob" && !(s.Type == "string" && len(s.Enum) > 0) {
		v = "*" + expr
	}
	switch s.Type {
	case "string":
		switch {
		case len(s.Enum) > 0:
			v = "string(" + v + ")"
		case mem.JSONValue:
			return "base64.StdEncoding.EncodeToString([]byte(" + v + "))", nil
		}
		if inList {
			return "awsjson.QuoteHeaderItem(" + v + ")", nil
		}
		return v, nil
	case "boolean":
		return "strconv.FormatBool(" + v + ")", nil
	case "byte", "short", "integer", "long":
		return "strconv.FormatInt(int64(" + v + "), 10)", nil
	case "float", "double":
		bits, _ := numberType(s.Type)
		return fmt.Sprintf("awsjson.FormatFloat(float64(%s), %d)", v, bits), nil
	case "timestamp":
		switch g.headerTimeFormat(mem) {
		case "iso8601":
			return "awsjson.FormatISO8601(" + expr + ".Time)", nil
		case "unixTimestamp":
			return "awsjson.FormatEpoch(" + expr + ".Time)", nil
		}
		return "awsjson.FormatHTTPDate(" + expr + ".Time)", nil
	case "blob":
		return "base64.StdEncoding.EncodeToString(" + v + ")", nil
	}
	return "", fmt.Errorf("a %s cannot be bound to a header", s.Type)
}

// genCodecTables writes the tables Config.Codecs asks for.
func (g *gen) genCodecTables() {
	lp, pre := localPrefix(g.cfg.Prefix), g.cfg.Prefix
	g.p("// %sCodecs holds the codec of every operation, by operation name.\nvar %sCodecs = map[string]awsjson.Codec{\n", pre, pre)
	for _, op := range g.ops {
		name := exported(op.Name)
		g.p("%q: {\nDecode: func(req *awsjson.Request) (any, error) { return %sdecode%s(req) },\n", op.Name, lp, name)
		if op.Output == nil {
			g.p("Encode: func(w http.ResponseWriter, _ any) error { return %sencode%s(w) },\n},\n", lp, name)
			continue
		}
		out := g.typeName(op.Output.Shape)
		g.p("NewOutput: func() any { return new(%s) },\n", out)
		g.p("Encode: func(w http.ResponseWriter, out any) error { return %sencode%s(w, out.(*%s)) },\n},\n", lp, name, out)
	}
	g.p("}\n\n")
	g.p("// %sExceptions makes every exception of the model, by error code.\nvar %sExceptions = map[string]func() awsjson.APIError{\n", pre, pre)
	for _, name := range g.structs {
		if g.m.Shapes[name].Exception {
			g.p("%q: func() awsjson.APIError { return new(%s) },\n", g.errorCode(name), g.typeName(name))
		}
	}
	g.p("}\n\n")
}
