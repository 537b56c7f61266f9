package policydoc

import (
	"iter"
	"slices"
	"strings"
)

// Misconfiguration is one reason code of IOT_POLICY_POTENTIAL_MISCONFIGURATION_CHECK
// with the statement resources that raise it, in document order.
type Misconfiguration struct {
	ReasonCode string
	Resources  []StatementResource
}

// StatementResource is one resource of one statement.
type StatementResource struct {
	Statement int // index in Document.Statements
	Resource  string
}

// Message is the reasonForNonCompliance of the finding.
func (m Misconfiguration) Message() string {
	var resources []string
	for _, r := range m.Resources {
		if !slices.Contains(resources, r.Resource) {
			resources = append(resources, r.Resource)
		}
	}
	list := "[" + strings.Join(resources, ", ") + "]."
	if m.ReasonCode == ReasonMQTTWildcardsInDeny {
		return "Policy denies topics with MQTT wildcards (+ or #), which policies read as plain characters, so the deny does not cover the topics it seems to: " + list
	}
	return "Policy denies subscribing to topic filters that a wider MQTT wildcard filter it allows still reaches, and does not deny receiving their messages: " + list
}

// mqttWildcardsInDeny finds POLICY_CONTAINS_MQTT_WILDCARDS_IN_DENY_STATEMENT:
// topic or topic-filter resources of Deny statements (Resource or NotResource)
// that contain '+' or '#'. In a policy those are plain characters, so
// "topicfilter/building/control_room/#" denies that one odd filter and not the
// subtree.
func (a *analyzer) mqttWildcardsInDeny() []StatementResource {
	var found []StatementResource
	for i, s := range a.doc.Statements {
		if s.Effect != Deny {
			continue
		}
		for _, r := range slices.Concat(s.Resource, s.NotResource) {
			if name, ok := topicName(r); ok && hasMQTTWildcard(compile(name, unresolvedVariable)) {
				found = append(found, StatementResource{Statement: i, Resource: r})
			}
		}
	}
	return found
}

// topicName returns the topic or topic filter a resource names, when its type
// can be topic or topicfilter.
func topicName(resource string) (string, bool) {
	service, rest, ok := splitARN(resource)
	if !ok || !namesIoT(service) {
		return "", false
	}
	kind, name, ok := strings.Cut(rest, "/")
	typ := glob(kind)
	return name, ok && (typ.matches(literal("topic")) || typ.matches(literal("topicfilter")))
}

func hasMQTTWildcard(p pattern) bool { return slices.Contains(p, '+') || slices.Contains(p, '#') }

// bypassableDenies finds TOPIC_FILTERS_INTENDED_TO_DENY_ALLOWED_USING_WILDCARDS:
// topic filters a Deny statement refuses for iot:Subscribe, when a client can
// still get their messages by subscribing to a wider MQTT wildcard filter
// ("building/#" for a denied "building/control_room/*") that the policy
// allows and does not deny, while iot:Receive is allowed and not denied on
// some topic of the denied filter. Conditions are taken to hold here, since
// the question is whether the deny works when it applies. Resources with MQTT
// wildcards are left to mqttWildcardsInDeny.
func (a *analyzer) bypassableDenies() []StatementResource {
	subscribe := a.access(subscribeAction, false, true)
	receive := a.access(receiveAction, false, true)
	var found []StatementResource
	for i := range a.doc.Statements {
		s := &a.doc.Statements[i]
		if s.Effect != Deny || !s.covers(subscribeAction) {
			continue
		}
		for _, r := range s.Resource {
			service, rest, ok := splitARN(r)
			filter, isFilter := strings.CutPrefix(rest, "topicfilter/")
			if !ok || !isFilter || !namesIoT(service) {
				continue
			}
			denied := compile(filter, a.binder(false))
			if !hasMQTTWildcard(denied) && bypassable(denied, subscribe, receive) {
				found = append(found, StatementResource{Statement: i, Resource: r})
			}
		}
	}
	return found
}

func bypassable(denied pattern, subscribe, receive access) bool {
	if !receive.permitsSome([]pattern{concat(literal("topic/"), denied)}) {
		return false
	}
	for _, filter := range widerFilters(denied) {
		if subscribe.permits(concat(literal("topicfilter/"), filter)) {
			return true
		}
	}
	return false
}

// maxFilterLevels bounds the '+' combinations widerFilters tries.
const maxFilterLevels = 8

// widerFilters returns MQTT wildcard filters that match every topic the
// denied pattern matches: its leading wildcard-free levels, some replaced by
// '+', followed by '#' ("#", "building/#", "+/control_room/#", ...); and, when
// the whole pattern is free of wildcards, that topic with some levels replaced
// by '+'. Filters starting with a wildcard do not match topics starting with
// '$' (MQTT), so they are left out for those.
func widerFilters(denied pattern) []pattern {
	levels, exact := literalLevels(denied)
	reserved := len(levels) > 0 && len(levels[0]) > 0 && levels[0][0] == '$'
	usable := func(k, mask int) bool { return !reserved || (k > 0 && mask&1 == 0) }
	var filters []pattern
	for k := 0; k <= min(len(levels), maxFilterLevels); k++ {
		for mask := 0; mask < 1<<k; mask++ {
			if usable(k, mask) {
				filters = append(filters, mqttFilter(levels[:k], mask, true))
			}
		}
	}
	if exact && len(levels) <= maxFilterLevels {
		for mask := 1; mask < 1<<len(levels); mask++ {
			if usable(len(levels), mask) {
				filters = append(filters, mqttFilter(levels, mask, false))
			}
		}
	}
	return filters
}

// literalLevels splits a pattern at '/' and returns its levels up to the first
// one holding a wildcard, and whether there was none.
func literalLevels(p pattern) (levels []pattern, exact bool) {
	for level := range splitLevels(p) {
		if slices.ContainsFunc(level, elem.isWildcard) {
			return levels, false
		}
		levels = append(levels, level)
	}
	return levels, true
}

func splitLevels(p pattern) iter.Seq[pattern] {
	return func(yield func(pattern) bool) {
		start := 0
		for i, e := range p {
			if e == '/' {
				if !yield(p[start:i]) {
					return
				}
				start = i + 1
			}
		}
		yield(p[start:])
	}
}

// mqttFilter joins levels with '/', replacing those whose bit is set in mask
// by '+', and ends with the multi-level '#' when asked.
func mqttFilter(levels []pattern, mask int, multiLevel bool) pattern {
	var f pattern
	for i, level := range levels {
		if i > 0 {
			f = append(f, '/')
		}
		if mask&(1<<i) != 0 {
			level = pattern{'+'}
		}
		f = append(f, level...)
	}
	if multiLevel {
		if len(levels) > 0 {
			f = append(f, '/')
		}
		f = append(f, '#')
	}
	return f
}
