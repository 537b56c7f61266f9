package awsjson

import "testing"

func TestValidatorMessages(t *testing.T) {
	thingName := MustPattern("[a-zA-Z0-9:_-]+")
	tests := []struct {
		name  string
		check func(v *Validator)
		want  string
	}{
		{"nothing violated", func(v *Validator) {
			v.StringLength("thingName", "ok", 1, 128, true, true)
			v.Pattern("thingName", "ok", thingName)
		}, ""},
		{"missing", func(v *Validator) { v.Missing("thingName") },
			"1 validation error detected: Value null at 'thingName' failed to satisfy constraint: Member must not be null"},
		{"too short", func(v *Validator) { v.StringLength("thingName", "", 1, 128, true, true) },
			"1 validation error detected: Value '' at 'thingName' failed to satisfy constraint: Member must have length greater than or equal to 1"},
		{"too long in characters, not bytes", func(v *Validator) {
			v.StringLength("name", "ééé", 0, 2, false, true)
			v.StringLength("name", "éé", 0, 2, false, true)
		}, "1 validation error detected: Value 'ééé' at 'name' failed to satisfy constraint: Member must have length less than or equal to 2"},
		{"pattern", func(v *Validator) { v.Pattern("thingName", "a b", thingName) },
			"1 validation error detected: Value 'a b' at 'thingName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9:_-]+"},
		{"enum", func(v *Validator) { v.Enum("status", "ON", []string{"ACTIVE", "INACTIVE"}) },
			"1 validation error detected: Value 'ON' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [ACTIVE, INACTIVE]"},
		{"enum value allowed", func(v *Validator) { v.Enum("status", "ACTIVE", []string{"ACTIVE", "INACTIVE"}) }, ""},
		{"range below", func(v *Validator) { v.Range("maxResults", 0, 1, 250, true, true) },
			"1 validation error detected: Value '0' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1"},
		{"range above", func(v *Validator) { v.Range("ratio", 1.5, 0, 1, true, true) },
			"1 validation error detected: Value '1.5' at 'ratio' failed to satisfy constraint: Member must have value less than or equal to 1"},
		{"list of strings prints its items", func(v *Validator) {
			v.Length("targets", []string{"a", "b"}, 2, 0, 1, false, true)
		}, "1 validation error detected: Value '[a, b]' at 'targets' failed to satisfy constraint: Member must have length less than or equal to 1"},
		{"other collections print their size", func(v *Validator) { v.Length("tags", 0, 0, 1, 50, true, true) },
			"1 validation error detected: Value '0' at 'tags' failed to satisfy constraint: Member must have length greater than or equal to 1"},
		{"union", func(v *Validator) { v.Union("value", 2) },
			"1 validation error detected: Value null at 'value' failed to satisfy constraint: Member must have exactly one member set, not 2"},
		{"several, in order", func(v *Validator) {
			v.Missing("policyName")
			v.StringLength(JoinPath(ElemPath("tags", 0), "Key"), "", 1, 128, true, true)
		}, "2 validation errors detected: Value null at 'policyName' failed to satisfy constraint: Member must not be null; " +
			"Value '' at 'tags.1.member.Key' failed to satisfy constraint: Member must have length greater than or equal to 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var v Validator
			tt.check(&v)
			if got := v.Message(); got != tt.want {
				t.Errorf("message\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestPaths(t *testing.T) {
	tests := []struct{ got, want string }{
		{JoinPath("", "thingName"), "thingName"},
		{JoinPath("attributePayload", "attributes"), "attributePayload.attributes"},
		{ElemPath("targets", 0), "targets.1.member"},
		{JoinPath(ElemPath("a", 2), "b"), "a.3.member.b"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

func TestSortedKeys(t *testing.T) {
	type name string
	m := map[name]int{"c": 3, "a": 1, "b": 2, "": 0}
	for range 20 { // map iteration order changes from one range to the next
		got := SortedKeys(m)
		if len(got) != 4 || got[0] != "" || got[1] != "a" || got[2] != "b" || got[3] != "c" {
			t.Fatalf("SortedKeys = %q, want [\"\" a b c]", got)
		}
	}
	if got := SortedKeys(map[string]bool(nil)); len(got) != 0 {
		t.Errorf("SortedKeys(nil) = %q", got)
	}
}
