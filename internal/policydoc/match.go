package policydoc

import "strings"

// MatchAction reports whether an action pattern of a policy, such as "iot:*",
// "iot:Get*" or "*", matches an action name. As in IAM, '*' matches any run of
// characters, '?' exactly one, and the comparison ignores case.
func MatchAction(actionPattern, action string) bool {
	if !strings.ContainsAny(actionPattern, "*?") {
		return strings.EqualFold(actionPattern, action)
	}
	return glob(strings.ToLower(actionPattern)).matches(literal(strings.ToLower(action)))
}

// MatchResource reports whether a resource pattern of a policy matches a
// resource ARN. '*' matches any run of characters ('/' included) and '?'
// exactly one; MQTT's '+' and '#' are plain characters. The comparison is
// case-sensitive. Policy variables such as ${iot:ClientId} take their value
// from vars, keyed by name as written; a variable without a value matches
// nothing, and ${*}, ${?} and ${$} stand for those characters.
func MatchResource(resourcePattern, resource string, vars map[string]string) bool {
	bind := func(name string) pattern {
		if value, ok := vars[name]; ok {
			return literal(value)
		}
		return pattern{unresolved}
	}
	return compile(resourcePattern, bind).matches(literal(resource))
}
