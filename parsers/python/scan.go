package python

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/relayout/relayout/parsers"
)

// dotted is a dotted module name split into its components.
type dotted struct {
	module string   // "a.b.c"
	comps  []string // "a", "b", "c"
}

// dottedName is a dotted_name or relative_import node read from source.
type dottedName struct {
	level  int            // leading dots
	module string         // components joined by ".", without the dots
	parts  []parsers.Span // one span per component
}

// scanDotted reads the dotted name (optionally with leading dots) that the
// grammar recognised at span: runs of identifier bytes are components;
// dots, blanks, backslash continuations and comments separate them (the
// node may span whitespace, as in `from . a . b import c`). Any other byte
// means the node is broken and scanDotted reports false.
func scanDotted(src []byte, span parsers.Span) (dottedName, bool) {
	var (
		dn dottedName
		sb strings.Builder
	)
	for i := span.Start; i < span.End; {
		switch c := src[i]; {
		case isIdentByte(c):
			j := i + 1
			for j < span.End && isIdentByte(src[j]) {
				j++
			}
			if len(dn.parts) > 0 {
				sb.WriteByte('.')
			}
			sb.Write(src[i:j])
			dn.parts = append(dn.parts, parsers.Span{Start: i, End: j})
			i = j
		case c == '.':
			if len(dn.parts) == 0 {
				dn.level++
			}
			i++
		case c == '#':
			for i < span.End && src[i] != '\n' {
				i++
			}
		case c == ' ' || c == '\t' || c == '\f' || c == '\r' || c == '\n' || c == '\\':
			i++
		default:
			return dottedName{}, false
		}
	}
	dn.module = sb.String()
	return dn, dn.module != ""
}

// isIdentByte reports whether c can be part of a Python identifier the
// grammar accepted: ASCII letters, digits, '_' and any byte of a multi-byte
// UTF-8 sequence.
func isIdentByte(c byte) bool {
	return c >= utf8.RuneSelf || c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// plainStringStart checks a string_start token (prefix and opening quote,
// e.g. `r"` or a triple quote) and returns the quote character. Only strings whose
// content is their value qualify: no prefix, or r/R/u/U; f-strings,
// t-strings and bytes do not.
func plainStringStart(tok []byte) (quote byte, ok bool) {
	if len(tok) == 0 {
		return 0, false
	}
	quote = tok[len(tok)-1]
	if quote != '"' && quote != '\'' {
		return 0, false
	}
	for _, c := range tok {
		switch c {
		case '"', '\'':
		case 'r', 'R', 'u', 'U':
		default:
			return 0, false
		}
	}
	return quote, true
}

// scanModulePath checks that the string content at span is a dotted module
// path as import_module and patch accept it (`a.b.c`, `.x`, `..a.b`: an
// optional run of leading dots, then identifiers separated by single dots,
// nothing else) and returns the span of each identifier.
func scanModulePath(src []byte, span parsers.Span) ([]parsers.Span, bool) {
	i := span.Start
	for i < span.End && src[i] == '.' {
		i++
	}
	var parts []parsers.Span
	for {
		start := i
		for i < span.End {
			r, size := utf8.DecodeRune(src[i:span.End])
			if !isIdentRune(r, i == start) {
				break
			}
			i += size
		}
		if i == start {
			return nil, false // empty component, or a byte that is not part of a name
		}
		parts = append(parts, parsers.Span{Start: start, End: i})
		if i == span.End {
			return parts, true
		}
		if src[i] != '.' {
			return nil, false
		}
		i++
	}
}

// isIdentRune approximates Python's XID_Start / XID_Continue.
func isIdentRune(r rune, first bool) bool {
	switch {
	case r == '_' || unicode.IsLetter(r) || unicode.Is(unicode.Nl, r):
		return true
	case first:
		return false
	default:
		return unicode.IsDigit(r) || unicode.In(r, unicode.Mn, unicode.Mc, unicode.Pc)
	}
}
