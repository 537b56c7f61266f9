package awsjson

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// Validator collects constraint violations the way AWS reports them:
// "2 validation errors detected: Value 'x' at 'thingName' failed to satisfy
// constraint: Member must ...; Value null at ... must not be null".
// The generated validation code feeds it; the zero value is ready to use.
type Validator struct {
	violations []string
}

// Message returns the combined message, or "" when nothing was violated.
func (v *Validator) Message() string {
	switch n := len(v.violations); n {
	case 0:
		return ""
	case 1:
		return "1 validation error detected: " + v.violations[0]
	default:
		return strconv.Itoa(n) + " validation errors detected: " + strings.Join(v.violations, "; ")
	}
}

func (v *Validator) add(value, path, constraint string) {
	v.violations = append(v.violations, "Value "+value+" at '"+path+"' failed to satisfy constraint: Member must "+constraint)
}

// Missing records a required member that is absent.
func (v *Validator) Missing(path string) { v.add("null", path, "not be null") }

// Invalid records a free-form violation of the member at path.
func (v *Validator) Invalid(value any, path, constraint string) {
	v.add(quote(value), path, constraint)
}

// StringLength checks the length of s in characters.
func (v *Validator) StringLength(path, s string, min, max int64, hasMin, hasMax bool) {
	v.length(s, path, int64(len([]rune(s))), min, max, hasMin, hasMax)
}

// Length checks the number of elements (or bytes) of a collection.
func (v *Validator) Length(path string, value any, n int, min, max int64, hasMin, hasMax bool) {
	v.length(value, path, int64(n), min, max, hasMin, hasMax)
}

func (v *Validator) length(value any, path string, n, min, max int64, hasMin, hasMax bool) {
	if hasMin && n < min {
		v.Invalid(value, path, "have length greater than or equal to "+strconv.FormatInt(min, 10))
	}
	if hasMax && n > max {
		v.Invalid(value, path, "have length less than or equal to "+strconv.FormatInt(max, 10))
	}
}

// Range checks a number against the model's min and max.
func (v *Validator) Range(path string, n float64, min, max float64, hasMin, hasMax bool) {
	if hasMin && n < min {
		v.Invalid(formatNumber(n), path, "have value greater than or equal to "+formatNumber(min))
	}
	if hasMax && n > max {
		v.Invalid(formatNumber(n), path, "have value less than or equal to "+formatNumber(max))
	}
}

// Pattern checks s against a model pattern, matched against the whole value.
func (v *Validator) Pattern(path, s string, p *Regexp) {
	if !p.re.MatchString(s) {
		v.Invalid(s, path, "satisfy regular expression pattern: "+p.source)
	}
}

// Enum checks that s is one of the allowed values.
func (v *Validator) Enum(path, s string, allowed []string) {
	for _, a := range allowed {
		if s == a {
			return
		}
	}
	v.Invalid(s, path, "satisfy enum value set: ["+strings.Join(allowed, ", ")+"]")
}

// Union checks that exactly one member of a union is set.
func (v *Validator) Union(path string, set int) {
	if set != 1 {
		v.add("null", path, "have exactly one member set, not "+strconv.Itoa(set))
	}
}

func formatNumber(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func quote(value any) string {
	switch x := value.(type) {
	case string:
		return "'" + x + "'"
	case []string:
		return "'[" + strings.Join(x, ", ") + "]'"
	default:
		return "'" + fmt.Sprint(x) + "'"
	}
}

// JoinPath names a member of the structure at path ("" is the top level).
func JoinPath(path, member string) string {
	if path == "" {
		return member
	}
	return path + "." + member
}

// ElemPath names the i-th (0-based) element of the list at path, as AWS does:
// "tags.1.member".
func ElemPath(path string, i int) string {
	return path + "." + strconv.Itoa(i+1) + ".member"
}

// SortedKeys returns the keys of m in order, so that the violations found in a
// map are reported in the same order for the same request.
func SortedKeys[M ~map[K]V, K cmp.Ordered, V any](m M) []K {
	return slices.Sorted(maps.Keys(m))
}
