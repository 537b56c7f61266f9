package policydoc

// Version is the only policy language version Parse accepts.
const Version = "2012-10-17"

// Effect is what a statement does to the requests it matches.
type Effect string

// Statement effects.
const (
	Allow Effect = "Allow"
	Deny  Effect = "Deny"
)

// Document is a parsed, valid AWS IoT policy document.
type Document struct {
	Version    string
	ID         string // the optional top-level Id
	Statements []Statement
}

// Statement is one policy statement. Exactly one of Action and NotAction is
// set, and exactly one of Resource and NotResource; a single string in the
// document becomes a list of one.
type Statement struct {
	Sid         string
	Effect      Effect
	Action      []string
	NotAction   []string
	Resource    []string
	NotResource []string
	Conditions  []Condition // in document order
}

// Condition is one key of one operator block, such as
// {"Bool": {"iot:Connection.Thing.IsAttached": "true"}}. Numbers and booleans
// are kept as their JSON text ("42", "true").
type Condition struct {
	Operator string
	Key      string
	Values   []string
}

// covers reports whether the statement applies to the action.
func (s *Statement) covers(action string) bool {
	if len(s.Action) > 0 {
		return anyActionMatches(s.Action, action)
	}
	return !anyActionMatches(s.NotAction, action)
}

func anyActionMatches(patterns []string, action string) bool {
	for _, p := range patterns {
		if MatchAction(p, action) {
			return true
		}
	}
	return false
}
