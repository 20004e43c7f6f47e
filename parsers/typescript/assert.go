package typescript

import "bytes"

var (
	assertKeyword = []byte("assert")
	withKeyword   = []byte("with  ") // same length as "assert"
)

// withForAssert returns src with the keyword of every legacy import
// attribute clause (`from 'x' assert {type: 'json'}`) replaced by "with"
// and two spaces, which the grammar parses as an import_attribute; it
// knows no `assert` and makes an ERROR of the clause or, without a
// semicolon, of the whole statement. The replacement keeps every offset.
//
// A clause is `assert` after a string's closing quote (blanks between) and
// before a "{". Matches inside strings and comments are harmless: the
// replacement does not change how those tokenize, and refs take their text
// from the original source. src is copied before the first replacement
// unless inPlace is set; without a clause src itself is returned.
func withForAssert(src []byte, inPlace bool) []byte {
	out := src
	for i := 0; ; {
		j := bytes.Index(src[i:], assertKeyword)
		if j < 0 {
			return out
		}
		k := i + j
		i = k + len(assertKeyword)
		b := k - 1
		for b >= 0 && isBlank(src[b]) {
			b--
		}
		if b < 0 || src[b] != '\'' && src[b] != '"' {
			continue
		}
		a := i
		for a < len(src) && isBlank(src[a]) {
			a++
		}
		if a == len(src) || src[a] != '{' {
			continue
		}
		if !inPlace && &out[0] == &src[0] {
			out = bytes.Clone(src)
		}
		copy(out[k:], withKeyword)
	}
}

func isBlank(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }
