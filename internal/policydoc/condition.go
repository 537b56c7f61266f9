package policydoc

import "strings"

// parseConditions reads a Condition element: operator -> key -> values.
func parseConditions(v jsonValue, where string) ([]Condition, error) {
	if v.kind != jsonObject {
		return nil, malformed("%s must be an object", where)
	}
	var conditions []Condition
	seen := map[string]bool{}
	for _, op := range v.members {
		opWhere := path(where, op.name)
		if !validOperator(op.name) {
			return nil, malformed("%s: %q is not a valid condition operator", where, op.name)
		}
		if seen[op.name] {
			return nil, malformed("%s appears more than once", opWhere)
		}
		seen[op.name] = true
		if op.value.kind != jsonObject || len(op.value.members) == 0 {
			return nil, malformed("%s must be a non-empty object of condition keys", opWhere)
		}
		keys := map[string]bool{}
		for _, key := range op.value.members {
			keyWhere := path(opWhere, key.name)
			if key.name == "" {
				return nil, malformed("%s has an empty condition key", opWhere)
			}
			if keys[key.name] {
				return nil, malformed("%s appears more than once", keyWhere)
			}
			keys[key.name] = true
			values, ok := conditionValues(key.value)
			if !ok {
				return nil, malformed("%s must be a string, number or boolean, or a non-empty array of them", keyWhere)
			}
			conditions = append(conditions, Condition{Operator: op.name, Key: key.name, Values: values})
		}
	}
	return conditions, nil
}

func conditionValues(v jsonValue) ([]string, bool) {
	if isScalar(v) {
		return []string{v.text}, true
	}
	if v.kind != jsonArray || len(v.items) == 0 {
		return nil, false
	}
	values := make([]string, len(v.items))
	for i, item := range v.items {
		if !isScalar(item) {
			return nil, false
		}
		values[i] = item.text
	}
	return values, true
}

func isScalar(v jsonValue) bool {
	return v.kind == jsonString || v.kind == jsonNumber || v.kind == jsonBool
}

// validOperator accepts the IAM condition operators, with an optional
// ForAllValues: or ForAnyValue: prefix and IfExists suffix (not on Null),
// ignoring case.
func validOperator(op string) bool {
	base := strings.ToLower(op)
	if prefix, rest, ok := strings.Cut(base, ":"); ok {
		if prefix != "forallvalues" && prefix != "foranyvalue" {
			return false
		}
		base = rest
	}
	if trimmed, ok := strings.CutSuffix(base, "ifexists"); ok {
		if trimmed == "null" {
			return false
		}
		base = trimmed
	}
	switch base {
	case "stringequals", "stringnotequals", "stringequalsignorecase", "stringnotequalsignorecase",
		"stringlike", "stringnotlike",
		"numericequals", "numericnotequals", "numericlessthan", "numericlessthanequals",
		"numericgreaterthan", "numericgreaterthanequals",
		"dateequals", "datenotequals", "datelessthan", "datelessthanequals",
		"dategreaterthan", "dategreaterthanequals",
		"bool", "binaryequals", "ipaddress", "notipaddress",
		"arnequals", "arnlike", "arnnotequals", "arnnotlike", "null":
		return true
	}
	return false
}

// requiresAttachedThing reports whether a statement applies only when the
// connecting client is a registered thing attached to the principal
// (iot:Connection.Thing.IsAttached required to be true). With it, the client
// id is that thing's name and ${iot:ClientId} names the device itself.
func (s *Statement) requiresAttachedThing() bool {
	for _, c := range s.Conditions {
		op := strings.ToLower(c.Operator)
		if op != "bool" && op != "stringequals" && op != "stringequalsignorecase" {
			continue
		}
		if strings.EqualFold(c.Key, "iot:Connection.Thing.IsAttached") && allTrue(c.Values) {
			return true
		}
	}
	return false
}

func allTrue(values []string) bool {
	for _, v := range values {
		if !strings.EqualFold(v, "true") {
			return false
		}
	}
	return len(values) > 0
}
