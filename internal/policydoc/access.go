package policydoc

import (
	"encoding/binary"
	"slices"
)

// resourceSet is what one statement names for an action: the union of its
// resource patterns or, for NotResource, everything else.
type resourceSet struct {
	patterns []pattern
	negated  bool
}

func (r resourceSet) contains(s []elem) bool {
	return slices.ContainsFunc(r.patterns, func(p pattern) bool { return p.matches(s) }) != r.negated
}

// access is what a document grants for one action: allowed by some Allow
// statement and not taken away by any Deny statement (an explicit Deny wins).
type access struct {
	allow, deny []resourceSet
	// statements names the statements and how they were compiled; equal
	// values mean equal access.
	statements string
}

// permits reports whether the resource s is allowed and not denied.
func (a access) permits(s []elem) bool {
	allowed := slices.ContainsFunc(a.allow, func(r resourceSet) bool { return r.contains(s) })
	return allowed && !slices.ContainsFunc(a.deny, func(r resourceSet) bool { return r.contains(s) })
}

// maxSearchStates bounds the search of permitsSome. Real documents need a few
// dozen states; a document built to need more is reported as permitting,
// since an audit had better raise a doubtful finding than hide one.
const maxSearchStates = 4096

// permitsSome reports whether some resource matched by one of the targets is
// permitted. It explores all patterns at once, tracking each one's set of
// positions, so that Deny and NotResource (which need "matched by none") are
// decided exactly.
func (a access) permitsSome(targets []pattern) bool {
	if len(a.allow) == 0 {
		return false
	}
	s := newSearch(targets, a)
	state := s.start()
	if s.accepts(state) {
		return true
	}
	seen := map[string]bool{s.key(state): true}
	queue := []posState{state}
	for len(queue) > 0 {
		current := queue[0]
		queue = queue[1:]
		for _, sym := range s.symbols(current) {
			next := s.step(current, sym)
			if s.dead(next) {
				continue
			}
			if s.accepts(next) {
				return true
			}
			key := s.key(next)
			if seen[key] {
				continue
			}
			if len(seen) >= maxSearchStates {
				return true
			}
			seen[key] = true
			queue = append(queue, next)
		}
	}
	return false
}

// posState holds one position set per pattern of a search.
type posState []posSet

// search is the product of the target, allow and deny patterns.
type search struct {
	patterns []pattern
	targets  int // patterns[:targets] are the targets
	allow    []group
	deny     []group
}

// group is a resourceSet as a range of search patterns.
type group struct {
	from, to int
	negated  bool
}

func newSearch(targets []pattern, a access) *search {
	s := &search{patterns: slices.Clone(targets), targets: len(targets)}
	s.allow = s.addGroups(a.allow)
	s.deny = s.addGroups(a.deny)
	return s
}

func (s *search) addGroups(sets []resourceSet) []group {
	groups := make([]group, 0, len(sets))
	for _, r := range sets {
		from := len(s.patterns)
		s.patterns = append(s.patterns, r.patterns...)
		groups = append(groups, group{from: from, to: len(s.patterns), negated: r.negated})
	}
	return groups
}

func (s *search) start() posState {
	state := make(posState, len(s.patterns))
	for i, p := range s.patterns {
		state[i] = p.start()
	}
	return state
}

func (s *search) step(from posState, sym elem) posState {
	to := make(posState, len(s.patterns))
	for i, p := range s.patterns {
		to[i] = newPosSet(len(p))
		if !from[i].empty() {
			p.step(from[i], to[i], sym)
		}
	}
	return to
}

// symbols returns the symbols worth reading next: the characters the patterns
// expect at their current positions, '/', and one symbol standing for all the
// others (they all lead to the same state).
func (s *search) symbols(state posState) []elem {
	syms := []elem{'/', otherSymbol}
	for i, p := range s.patterns {
		for pos := range state[i].all() {
			if pos < len(p) && !p[pos].isWildcard() && !slices.Contains(syms, p[pos]) {
				syms = append(syms, p[pos])
			}
		}
	}
	return syms
}

func (s *search) accepted(state posState, i int) bool { return s.patterns[i].accepts(state[i]) }

func (s *search) groupContains(state posState, g group) bool {
	matched := false
	for i := g.from; i < g.to && !matched; i++ {
		matched = s.accepted(state, i)
	}
	return matched != g.negated
}

func (s *search) accepts(state posState) bool {
	target := false
	for i := range s.targets {
		target = target || s.accepted(state, i)
	}
	return target &&
		slices.ContainsFunc(s.allow, func(g group) bool { return s.groupContains(state, g) }) &&
		!slices.ContainsFunc(s.deny, func(g group) bool { return s.groupContains(state, g) })
}

// dead reports a state from which no permitted target can be reached: every
// target has stopped matching, or every Allow pattern has and none is negated.
func (s *search) dead(state posState) bool {
	if !slices.ContainsFunc(state[:s.targets], func(p posSet) bool { return !p.empty() }) {
		return true
	}
	for _, g := range s.allow {
		if g.negated || slices.ContainsFunc(state[g.from:g.to], func(p posSet) bool { return !p.empty() }) {
			return false
		}
	}
	return true
}

func (s *search) key(state posState) string {
	var b []byte
	for _, set := range state {
		for _, w := range set {
			b = binary.LittleEndian.AppendUint64(b, w)
		}
	}
	return string(b)
}
