package awsjson

import (
	"regexp"
	"strings"
)

// Regexp is a model pattern: the source as the model writes it (for messages) and
// its translation to Go's RE2, anchored at both ends because AWS matches a
// pattern against the whole value.
type Regexp struct {
	source string
	re     *regexp.Regexp
}

// MustPattern compiles a model pattern (Java regular-expression syntax). It panics
// on a pattern RE2 cannot express; the generator checks every model pattern.
func MustPattern(source string) *Regexp {
	p, err := CompilePattern(source)
	if err != nil {
		panic(err)
	}
	return p
}

// CompilePattern translates and compiles a model pattern.
func CompilePattern(source string) (*Regexp, error) {
	re, err := regexp.Compile(`^(?:` + TranslatePattern(source) + `)$`)
	if err != nil {
		return nil, err
	}
	return &Regexp{source: source, re: re}, nil
}

// javaClasses maps the POSIX-style classes of Java regular expressions, which are
// ASCII-only, to ranges RE2 understands inside and outside brackets.
var javaClasses = strings.NewReplacer(
	`\p{Graph}`, `\x21-\x7E`,
	`\p{Print}`, `\x20-\x7E`,
	`\p{Alnum}`, `0-9A-Za-z`,
	`\p{Alpha}`, `A-Za-z`,
	`\p{Upper}`, `A-Z`,
	`\p{Lower}`, `a-z`,
	`\p{Digit}`, `0-9`,
	`\p{Punct}`, `!-/:-@\[-`+"`"+`{-~`,
	`\p{Cntrl}`, `\x00-\x1F\x7F`,
	`\p{Space}`, `\t\n\x0B\f\r `,
)

// TranslatePattern rewrites Java-only class syntax into RE2 syntax. A POSIX class
// outside brackets is wrapped in brackets so that it stays one class.
func TranslatePattern(source string) string {
	var b strings.Builder
	inClass := false
	for i := 0; i < len(source); i++ {
		c := source[i]
		switch {
		case c == '\\' && i+1 < len(source):
			if source[i+1] == 'p' && i+2 < len(source) && source[i+2] == '{' {
				end := strings.IndexByte(source[i:], '}')
				if end > 0 {
					class := source[i : i+end+1]
					repl := javaClasses.Replace(class)
					if repl != class && !inClass {
						repl = "[" + repl + "]"
					}
					b.WriteString(repl)
					i += end
					continue
				}
			}
			b.WriteByte(c)
			b.WriteByte(source[i+1])
			i++
		case c == '[':
			inClass = true
			b.WriteByte(c)
		case c == ']':
			inClass = false
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
