package policydoc

import "strings"

// splitARN splits a policy resource into its service and the part after the
// ARN header: "arn:aws:iot:us-east-1:123456789012:topic/a" gives "iot" and
// "topic/a", and "*" gives "*" and "*". Colons inside ${...} do not separate.
// ok is false when the resource is neither "*" nor shaped like an ARN (six
// colon-separated parts, partition and service not empty).
//
// The partition, region and account are dropped: a policy only ever grants
// within its own account and region, so the analysis reads every IoT resource
// as naming them.
func splitARN(resource string) (service, rest string, ok bool) {
	if resource == "*" {
		return "*", "*", true
	}
	if !strings.HasPrefix(resource, "arn:") {
		return "", "", false
	}
	parts := splitOutsideVariables(resource, ':', 6)
	if len(parts) < 6 || parts[1] == "" || parts[2] == "" {
		return "", "", false
	}
	return parts[2], parts[5], true
}

// splitOutsideVariables splits s at sep into at most n parts, ignoring any sep
// inside a ${...} policy variable.
func splitOutsideVariables(s string, sep byte, n int) []string {
	var parts []string
	start, inVariable := 0, false
	for i := 0; i < len(s) && len(parts) < n-1; i++ {
		switch {
		case inVariable:
			inVariable = s[i] != '}'
		case strings.HasPrefix(s[i:], "${"):
			inVariable = true
		case s[i] == sep:
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	return append(parts, s[start:])
}

// namesIoT reports whether a resource's service part can be "iot".
func namesIoT(service string) bool {
	return compile(service, unresolvedVariable).matches(literal("iot"))
}

// unresolvedVariable binds every policy variable to a value nothing matches.
func unresolvedVariable(string) pattern { return pattern{unresolved} }
