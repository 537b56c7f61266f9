package policydoc

import (
	"iter"
	"math/bits"
	"strings"
	"unicode/utf8"
)

// elem is one element of a compiled pattern, or one symbol of a string being
// matched against patterns. Values >= 0 are characters; negative values are
// wildcards, or symbols that no document text can produce.
type elem int32

const (
	anyRun     elem = -1 // '*': any run of characters, '/' included
	anyOne     elem = -2 // '?': exactly one character
	runNoSlash elem = -3 // any run of characters without '/'; search targets only
	// mark is the symbol only a wildcard can absorb: a grant is broad when a
	// wildcard can stand where a device's own name belongs.
	mark elem = -4
	// otherSymbol stands for every character that no pattern names.
	otherSymbol elem = -5
	// unresolved stands for a policy variable that has no value: it matches
	// nothing but a wildcard.
	unresolved elem = -6
	// firstVariable-i is the symbol of the i-th distinct policy variable of a
	// document, a single value fixed for the whole connection.
	firstVariable elem = -16
)

func (e elem) isWildcard() bool { return e == anyRun || e == anyOne || e == runNoSlash }

// pattern is a compiled resource or action pattern.
type pattern []elem

// literal returns s as a pattern of plain characters.
func literal(s string) pattern {
	p := make(pattern, 0, len(s))
	for _, r := range s {
		p = append(p, elem(r))
	}
	return p
}

// concat joins patterns into a new one.
func concat(parts ...pattern) pattern {
	var p pattern
	for _, part := range parts {
		p = append(p, part...)
	}
	return p
}

// glob turns text in which only '*' and '?' are special into a pattern.
func glob(text string) pattern {
	p := make(pattern, 0, len(text))
	for _, r := range text {
		p = append(p, wildcardOr(r))
	}
	return p
}

func wildcardOr(r rune) elem {
	switch r {
	case '*':
		return anyRun
	case '?':
		return anyOne
	}
	return elem(r)
}

// compile turns policy text into a pattern: '*' and '?' are wildcards, ${*},
// ${?} and ${$} are the literal characters, and any other ${name} is replaced
// by what bind returns for name. An unterminated "${" is plain text.
func compile(text string, bind func(name string) pattern) pattern {
	var p pattern
	for i := 0; i < len(text); {
		if strings.HasPrefix(text[i:], "${") {
			if end := strings.IndexByte(text[i+2:], '}'); end >= 0 {
				name := text[i+2 : i+2+end]
				i += end + 3
				switch name {
				case "*", "?", "$":
					p = append(p, elem(name[0]))
				default:
					p = append(p, bind(name)...)
				}
				continue
			}
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		i += size
		p = append(p, wildcardOr(r))
	}
	return p
}

// matches reports whether the pattern matches the whole of s.
func (p pattern) matches(s []elem) bool {
	set := p.start()
	next := newPosSet(len(p))
	for _, sym := range s {
		p.step(set, next, sym)
		set, next = next, set
		if set.empty() {
			return false
		}
	}
	return p.accepts(set)
}

// start returns the positions the pattern can be at before reading anything.
func (p pattern) start() posSet {
	set := newPosSet(len(p))
	set.add(0)
	p.closure(set)
	return set
}

// step fills to with the positions reachable from from by reading sym.
func (p pattern) step(from, to posSet, sym elem) {
	to.clear()
	for i := range from.all() {
		if i == len(p) {
			continue
		}
		switch e := p[i]; {
		case e == anyRun:
			to.add(i)
		case e == runNoSlash:
			if sym != '/' {
				to.add(i)
			}
		case e == anyOne || e == sym:
			to.add(i + 1)
		}
	}
	p.closure(to)
}

// closure adds the positions after runs, which may match nothing.
func (p pattern) closure(set posSet) {
	for i := range set.all() {
		for j := i; j < len(p) && (p[j] == anyRun || p[j] == runNoSlash); j++ {
			set.add(j + 1)
		}
	}
}

func (p pattern) accepts(set posSet) bool { return set.has(len(p)) }

// posSet is a set of positions in a pattern of n elements (0..n).
type posSet []uint64

func newPosSet(n int) posSet { return make(posSet, n/64+1) }

func (s posSet) add(i int)      { s[i/64] |= 1 << (i % 64) }
func (s posSet) has(i int) bool { return s[i/64]&(1<<(i%64)) != 0 }

func (s posSet) clear() {
	for i := range s {
		s[i] = 0
	}
}

// all yields the positions in the set, in increasing order.
func (s posSet) all() iter.Seq[int] {
	return func(yield func(int) bool) {
		for w, word := range s {
			for word != 0 {
				bit := bits.TrailingZeros64(word)
				if !yield(w*64 + bit) {
					return
				}
				word &^= 1 << bit
			}
		}
	}
}

func (s posSet) empty() bool {
	for _, w := range s {
		if w != 0 {
			return false
		}
	}
	return true
}
