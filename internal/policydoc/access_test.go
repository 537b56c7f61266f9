package policydoc

import (
	"strings"
	"testing"
)

func TestPermitsSome(t *testing.T) {
	resources := func(negated bool, texts ...string) resourceSet {
		set := resourceSet{negated: negated}
		for _, text := range texts {
			set.patterns = append(set.patterns, compile(text, unresolvedVariable))
		}
		return set
	}
	anyThing := deviceSegment("thing/")
	tests := []struct {
		name    string
		targets []pattern
		access  access
		want    bool
	}{
		{"nothing allowed", anyThing, access{}, false},
		{"allowed by a wildcard", anyThing, access{allow: []resourceSet{resources(false, "thing/*")}}, true},
		{"allowed by name only", anyThing, access{allow: []resourceSet{resources(false, "thing/a", "thing/b/*")}}, false},
		{"allowed by NotResource", anyThing, access{allow: []resourceSet{resources(true, "thing/a")}}, true},
		{"NotResource excluding all things", anyThing, access{allow: []resourceSet{resources(true, "thing/*")}}, false},
		{"denied as a whole", anyThing, access{
			allow: []resourceSet{resources(false, "*")},
			deny:  []resourceSet{resources(false, "thing/*")},
		}, false},
		{"denied except named shadows", anyThing, access{
			allow: []resourceSet{resources(false, "*")},
			deny:  []resourceSet{resources(false, "thing/*", "thing/*/x")},
		}, false},
		{"denied by a union of NotResource", anyThing, access{
			allow: []resourceSet{resources(false, "thing/*")},
			deny:  []resourceSet{resources(true, "thing/a*"), resources(false, "thing/a*")},
		}, false},
		{"deny leaves names of two characters", anyThing, access{
			allow: []resourceSet{resources(false, "thing/*")},
			deny:  []resourceSet{resources(false, "thing/?", "thing/???*")},
		}, true},
		{
			// Tracking "an 'a' fourteen characters from the end" needs 2^14
			// states: the search gives up and reports the grant.
			"gives up on a document built to explode", anyThing, access{
				allow: []resourceSet{resources(false, "*")},
				deny:  []resourceSet{resources(false, "*", "*a"+strings.Repeat("?", 13))},
			}, true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.access.permitsSome(tt.targets); got != tt.want {
				t.Errorf("permitsSome = %v, want %v", got, tt.want)
			}
		})
	}
}
