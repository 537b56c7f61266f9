package policydoc

import (
	"fmt"
	"strings"
)

// Analysis is what the two IoT-policy audit checks find in one document.
type Analysis struct {
	// BroadActions lists the IoT data-plane actions the document allows on the
	// resources of other devices (IOT_POLICY_OVERLY_PERMISSIVE_CHECK), in the
	// order of the catalog in permissive.go; empty when it allows none.
	BroadActions []string
	// Misconfigurations holds one entry per reason code of
	// IOT_POLICY_POTENTIAL_MISCONFIGURATION_CHECK found, in reason-code order.
	Misconfigurations []Misconfiguration
}

// Reason codes of the two checks.
const (
	ReasonBroadDataPlaneAccess    = "ALLOWS_BROAD_ACCESS_TO_IOT_DATA_PLANE_ACTIONS"
	ReasonMQTTWildcardsInDeny     = "POLICY_CONTAINS_MQTT_WILDCARDS_IN_DENY_STATEMENT"
	ReasonDenyBypassedByWildcards = "TOPIC_FILTERS_INTENDED_TO_DENY_ALLOWED_USING_WILDCARDS"
)

// OverlyPermissive reports whether the document fails
// IOT_POLICY_OVERLY_PERMISSIVE_CHECK.
func (a Analysis) OverlyPermissive() bool { return len(a.BroadActions) > 0 }

// Analyze runs both IoT-policy analyses over a parsed document. It is pure and
// reads nothing but the document.
func Analyze(doc *Document) Analysis {
	a := newAnalyzer(doc)
	result := Analysis{BroadActions: a.broadActions()}
	if found := a.mqttWildcardsInDeny(); len(found) > 0 {
		result.Misconfigurations = append(result.Misconfigurations, Misconfiguration{ReasonCode: ReasonMQTTWildcardsInDeny, Resources: found})
	}
	if found := a.bypassableDenies(); len(found) > 0 {
		result.Misconfigurations = append(result.Misconfigurations, Misconfiguration{ReasonCode: ReasonDenyBypassedByWildcards, Resources: found})
	}
	return result
}

// analyzer compiles the statements of one document for the analyses.
type analyzer struct {
	doc *Document
	// verdicts memoizes broadness by target scope and the statements granting
	// and denying, which many actions share.
	verdicts map[string]bool
	// variables gives each policy variable (by lower-case name) its own
	// symbol: a value fixed for the connection, unknown to the analysis.
	variables map[string]elem
}

func newAnalyzer(doc *Document) *analyzer {
	return &analyzer{doc: doc, variables: map[string]elem{}, verdicts: map[string]bool{}}
}

// access gathers what the document grants for an action. clientIDIsFree says
// that the client chooses its own client id, so that ${iot:ClientId} in an
// Allow resource reaches any name (unless the statement requires the thing to
// be attached). Deny statements with a condition count only when
// conditionalDenies is set, since otherwise they may not apply.
func (a *analyzer) access(action string, clientIDIsFree, conditionalDenies bool) access {
	var acc access
	for i := range a.doc.Statements {
		s := &a.doc.Statements[i]
		switch {
		case !s.covers(action):
		case s.Effect == Allow:
			wildcard := clientIDIsFree && !s.requiresAttachedThing()
			acc.allow = append(acc.allow, a.resources(s, wildcard))
			acc.statements += fmt.Sprintf("a%d%t,", i, wildcard)
		case conditionalDenies || len(s.Conditions) == 0:
			acc.deny = append(acc.deny, a.resources(s, false))
			acc.statements += fmt.Sprintf("d%d,", i)
		}
	}
	return acc
}

// resources compiles the IoT resources a statement names, without their ARN
// header; resources of other services name nothing here.
func (a *analyzer) resources(s *Statement, clientIDIsWildcard bool) resourceSet {
	entries, negated := s.Resource, false
	if len(s.NotResource) > 0 {
		entries, negated = s.NotResource, true
	}
	set := resourceSet{negated: negated}
	for _, r := range entries {
		if service, rest, ok := splitARN(r); ok && namesIoT(service) {
			// An excluded ${iot:ClientId} excludes one value, never all.
			set.patterns = append(set.patterns, compile(rest, a.binder(clientIDIsWildcard && !negated)))
		}
	}
	return set
}

// binder returns how compile replaces policy variables.
func (a *analyzer) binder(clientIDIsWildcard bool) func(string) pattern {
	return func(name string) pattern {
		if clientIDIsWildcard && strings.EqualFold(name, "iot:ClientId") {
			return pattern{anyRun}
		}
		key := strings.ToLower(name)
		sym, ok := a.variables[key]
		if !ok {
			sym = firstVariable - elem(len(a.variables))
			a.variables[key] = sym
		}
		return pattern{sym}
	}
}
