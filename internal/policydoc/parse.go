package policydoc

import (
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/iotdefender/iotdefender/internal/iot"
)

// MaxDocumentLength is AWS IoT's limit on a policy document, in characters,
// whitespace not counted.
const MaxDocumentLength = 2048

// Parse validates a policy document as AWS IoT does before it stores a policy
// version (CreatePolicy, CreatePolicyVersion) and returns it parsed. Every
// refusal is an iot.MalformedPolicy error whose message names the element at
// fault, statements counted from 0: "Statement[1].Effect".
//
// The rules:
//   - at most MaxDocumentLength characters, whitespace not counted;
//   - one JSON object with the elements Version (required), Statement
//     (required) and Id (optional); nothing else, no element twice;
//   - Version is exactly "2012-10-17". "2008-10-17", which IAM still reads,
//     is refused: it predates policy variables, on which IoT policies rely,
//     every IoT policy AWS documents uses 2012-10-17, and the IAM policy
//     stores created after IoT's (managed policies) refuse it too;
//   - Statement is an object or a non-empty array of objects;
//   - a statement has Effect ("Allow" or "Deny"), exactly one of Action and
//     NotAction, exactly one of Resource and NotResource, and optionally Sid
//     and Condition; each of the four lists is a string or a non-empty array
//     of strings;
//   - an action is "*" or "service:name", the service without wildcards;
//   - a resource is "*" or shaped like an ARN (arn:partition:service:region:
//     account:resource), wildcards allowed;
//   - Condition maps IAM condition operators (with optional ForAllValues: or
//     ForAnyValue: and IfExists, names compared ignoring case) to objects
//     whose keys hold a string, number or boolean, or a non-empty array of
//     them.
func Parse(document string) (*Document, error) {
	if n := nonSpaceLength(document); n > MaxDocumentLength {
		return nil, malformed("the document has %d characters excluding whitespace, more than the %d allowed", n, MaxDocumentLength)
	}
	root, err := decodeJSON(document)
	if err != nil {
		return nil, malformed("Invalid policy syntax.")
	}
	if root.kind != jsonObject {
		return nil, malformed("the document must be a JSON object")
	}
	elems, err := elements(root, "", "Version", "Id", "Statement")
	if err != nil {
		return nil, err
	}
	doc := &Document{}
	if doc.Version, err = requiredString(elems, "", "Version"); err != nil {
		return nil, err
	}
	if doc.Version != Version {
		return nil, malformed("Version must be %q, not %q", Version, doc.Version)
	}
	if doc.ID, err = optionalString(elems, "", "Id"); err != nil {
		return nil, err
	}
	statements, ok := elems["Statement"]
	if !ok {
		return nil, malformed("Statement is missing")
	}
	if doc.Statements, err = parseStatements(statements); err != nil {
		return nil, err
	}
	return doc, nil
}

func malformed(format string, args ...any) error {
	return iot.Errorf(iot.MalformedPolicy, "Policy document is Malformed: "+format, args...)
}

func nonSpaceLength(s string) int {
	n := 0
	for _, r := range s {
		if !unicode.IsSpace(r) {
			n++
		}
	}
	return n
}

func parseStatements(v jsonValue) ([]Statement, error) {
	if v.kind == jsonObject {
		s, err := parseStatement(v, "Statement")
		return []Statement{s}, err
	}
	if v.kind != jsonArray || len(v.items) == 0 {
		return nil, malformed("Statement must be an object or a non-empty array of objects")
	}
	statements := make([]Statement, len(v.items))
	for i, item := range v.items {
		where := fmt.Sprintf("Statement[%d]", i)
		if item.kind != jsonObject {
			return nil, malformed("%s must be an object", where)
		}
		var err error
		if statements[i], err = parseStatement(item, where); err != nil {
			return nil, err
		}
	}
	return statements, nil
}

func parseStatement(v jsonValue, where string) (Statement, error) {
	elems, err := elements(v, where, "Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Condition")
	if err != nil {
		return Statement{}, err
	}
	var s Statement
	if s.Sid, err = optionalString(elems, where, "Sid"); err != nil {
		return Statement{}, err
	}
	effect, err := requiredString(elems, where, "Effect")
	if err != nil {
		return Statement{}, err
	}
	if s.Effect = Effect(effect); s.Effect != Allow && s.Effect != Deny {
		return Statement{}, malformed("%s.Effect must be Allow or Deny, not %q", where, effect)
	}
	if s.Action, s.NotAction, err = exactlyOneList(elems, where, "Action", "NotAction", invalidActions); err != nil {
		return Statement{}, err
	}
	if s.Resource, s.NotResource, err = exactlyOneList(elems, where, "Resource", "NotResource", invalidResources); err != nil {
		return Statement{}, err
	}
	if condition, ok := elems["Condition"]; ok {
		if s.Conditions, err = parseConditions(condition, where+".Condition"); err != nil {
			return Statement{}, err
		}
	}
	return s, nil
}

// elements returns the members of an object by name, refusing names not in
// allowed and names that appear twice.
func elements(obj jsonValue, where string, allowed ...string) (map[string]jsonValue, error) {
	elems := make(map[string]jsonValue, len(obj.members))
	for _, m := range obj.members {
		if !slices.Contains(allowed, m.name) {
			return nil, malformed("%s is not a valid policy element", path(where, m.name))
		}
		if _, dup := elems[m.name]; dup {
			return nil, malformed("%s appears more than once", path(where, m.name))
		}
		elems[m.name] = m.value
	}
	return elems, nil
}

func path(where, name string) string {
	if where == "" {
		return name
	}
	return where + "." + name
}

func requiredString(elems map[string]jsonValue, where, name string) (string, error) {
	if _, ok := elems[name]; !ok {
		return "", malformed("%s is missing", path(where, name))
	}
	return optionalString(elems, where, name)
}

func optionalString(elems map[string]jsonValue, where, name string) (string, error) {
	v, ok := elems[name]
	if ok && v.kind != jsonString {
		return "", malformed("%s must be a string", path(where, name))
	}
	return v.text, nil
}

// exactlyOneList reads the one present of two exclusive list elements (Action
// and NotAction, or Resource and NotResource); invalid lists its bad entries.
func exactlyOneList(elems map[string]jsonValue, where, name, notName string, invalid func([]string) []string) (list, notList []string, err error) {
	v, has := elems[name]
	notV, hasNot := elems[notName]
	if has == hasNot {
		return nil, nil, malformed("%s must have exactly one of %s and %s", where, name, notName)
	}
	if hasNot {
		name, v = notName, notV
	}
	values, err := stringList(v, path(where, name))
	if err != nil {
		return nil, nil, err
	}
	if bad := invalid(values); len(bad) > 0 {
		return nil, nil, malformed("%s: The following %s are invalid : %s", path(where, name), listNoun(name), strings.Join(bad, ", "))
	}
	if hasNot {
		return nil, values, nil
	}
	return values, nil, nil
}

func listNoun(element string) string {
	if strings.HasSuffix(element, "Action") {
		return "actions"
	}
	return "resources"
}

func stringList(v jsonValue, where string) ([]string, error) {
	if v.kind == jsonString {
		return []string{v.text}, nil
	}
	if v.kind != jsonArray || len(v.items) == 0 {
		return nil, malformed("%s must be a string or a non-empty array of strings", where)
	}
	values := make([]string, len(v.items))
	for i, item := range v.items {
		if item.kind != jsonString {
			return nil, malformed("%s must be a string or a non-empty array of strings", where)
		}
		values[i] = item.text
	}
	return values, nil
}

func invalidActions(actions []string) []string {
	var bad []string
	for _, a := range actions {
		if !validAction(a) {
			bad = append(bad, a)
		}
	}
	return bad
}

// validAction accepts "*" and "service:name": a service of letters, digits
// and hyphens, a name of letters, digits, '_', '-' and the wildcards.
func validAction(a string) bool {
	if a == "*" {
		return true
	}
	service, name, ok := strings.Cut(a, ":")
	return ok && service != "" && name != "" &&
		!strings.ContainsFunc(service, func(r rune) bool { return !isASCIIAlnum(r) && r != '-' }) &&
		!strings.ContainsFunc(name, func(r rune) bool { return !isASCIIAlnum(r) && !strings.ContainsRune("_-*?", r) })
}

func isASCIIAlnum(r rune) bool {
	return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
}

func invalidResources(resources []string) []string {
	var bad []string
	for _, r := range resources {
		if _, _, ok := splitARN(r); !ok {
			bad = append(bad, r)
		}
	}
	return bad
}
