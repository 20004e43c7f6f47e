package python

import (
	"bytes"
	"sort"
	"unicode"
	"unicode/utf8"

	sitter "github.com/smacker/go-tree-sitter"

	"github.com/relayout/relayout/parsers"
)

// Targeted extraction.
//
// A query cursor walking a whole tree costs about a third of the parse,
// even for a single trivial pattern, because it visits every node. But
// every node the queries can match contains a word that a byte scan finds
// in microseconds:
//
//	import statements      the keyword `import`
//	TYPE_CHECKING blocks   `TYPE_CHECKING` in the condition
//	string references      the callee's last name: `import_module`,
//	                       `__import__`, `patch`, `multiple`, `setattr`,
//	                       `delattr`
//	attribute chains       the name a plain import binds, followed by `.`
//
// So targeted mode scans for these anchors, finds the smallest named node
// at each one, climbs to the statement or call it belongs to, and runs the
// per-file query on that subtree only. Anchors in strings and comments
// lead to string and comment nodes and are dropped. Only error-free trees
// are handled this way: in a clean tree the climb is fully determined by
// the grammar, so targeted and full mode agree (TestModesAgree and
// FuzzExtract check it).

// Anchor words of the first phase.
const (
	wordImport = iota
	wordTypeChecking
	wordCallee
)

var phase1Words = []struct {
	word string
	kind int
}{
	{"import", wordImport},
	{"TYPE_CHECKING", wordTypeChecking},
	{"import_module", wordCallee},
	{"__import__", wordCallee},
	{"patch", wordCallee},
	{"multiple", wordCallee},
	{"setattr", wordCallee},
	{"delattr", wordCallee},
}

// maxAnchors is the number of anchors past which one full pass is likely
// cheaper than a node lookup (and a small query) per anchor. A lookup
// descends from the root, roughly logarithmically since tree-sitter keeps
// long child lists as balanced subtrees; measured, an anchor costs about
// what the full pass spends on 40 bytes of source. Real files stay far
// below the limit (benchSource: 48 anchors for 144 allowed).
func maxAnchors(srcLen int) int { return 64 + srcLen/40 }

type anchor struct {
	start, end, kind int
}

// targeted extracts by anchors. It reports false, having done nothing,
// when there are too many anchors and force is not set: the caller then
// runs the full pass.
func (x *extractor) targeted(force bool) (bool, error) {
	var anchors []anchor
	for _, w := range phase1Words {
		anchors = findWord(anchors, x.text, w.word, w.kind, false)
	}
	if !force && len(anchors) > maxAnchors(len(x.text)) {
		return false, nil
	}
	sort.Slice(anchors, func(i, j int) bool { return anchors[i].start < anchors[j].start })
	done := map[parsers.Span]bool{} // statements and if/elif nodes already queried
	for _, a := range anchors {
		if err := x.tick(); err != nil {
			return true, err
		}
		var (
			n *sitter.Node
			q *query
		)
		switch a.kind {
		case wordImport:
			n, q = x.importStmtAt(a), x.qs.imports
		case wordTypeChecking:
			n, q = x.ifAt(a), x.qs.typecheck
		case wordCallee:
			n, q = x.callAt(a), x.qs.strings
		}
		if n == nil {
			continue
		}
		if s := spanOf(n); !done[s] {
			done[s] = true
			if err := x.run(q, n); err != nil {
				return true, err
			}
		}
	}
	return true, x.targetedAttributes(force)
}

// targetedAttributes finds the chains rooted at names plain imports bind.
func (x *extractor) targetedAttributes(force bool) error {
	plain := x.plainImports()
	var anchors []anchor
	for name := range plain {
		anchors = findWord(anchors, x.text, name, 0, true)
	}
	if !force && len(anchors) > maxAnchors(len(x.text)) {
		return x.run(x.qs.attributes, x.root)
	}
	for _, a := range anchors {
		if err := x.tick(); err != nil {
			return err
		}
		root := parsers.Span{Start: a.start, End: a.end}
		// Usually one lookup confirms the whole chain (chainByText).
		if parts, outer, ok := x.chainByText(root); ok {
			x.attrs = append(x.attrs, attrCandidate{root: root, parts: parts, outer: outer})
			continue
		}
		// Otherwise the smallest node covering the name and the dot after
		// it is the innermost attribute of the chain, if the name is its
		// object; result walks up from there.
		dot := skipExtras(x.text, a.end)
		n := x.namedAt(anchor{start: a.start, end: dot + 1})
		if n == nil || int(n.StartByte()) != a.start || x.qs.kind(n) != kindAttribute {
			continue
		}
		if obj := n.ChildByFieldName("object"); obj == nil || spanOf(obj) != root {
			continue
		}
		x.attrs = append(x.attrs, attrCandidate{root: root, expr: n})
	}
	return nil
}

// importStmtAt returns the import statement whose `import` keyword is a.
func (x *extractor) importStmtAt(a anchor) *sitter.Node {
	if n := x.namedAt(a); x.qs.kind(n) == kindImportStmt {
		return n
	}
	return nil
}

// ifAt returns the if statement or elif clause whose condition is
// `TYPE_CHECKING` or `x.TYPE_CHECKING` at a.
func (x *extractor) ifAt(a anchor) *sitter.Node {
	n := x.namedAt(a)
	if x.qs.kind(n) != kindIdentifier {
		return nil
	}
	for range 2 { // identifier -> [attribute ->] if_statement / elif_clause
		n = n.Parent()
		switch x.qs.kind(n) {
		case kindIf:
			return n
		case kindAttribute:
		default:
			return nil
		}
	}
	return nil
}

// callAt returns the call whose callee ends with the name at a
// (`patch(...)`, `mock.patch(...)`, but not `patch.dict(...)`).
func (x *extractor) callAt(a anchor) *sitter.Node {
	n := x.namedAt(a)
	if x.qs.kind(n) != kindIdentifier || int(n.StartByte()) != a.start || int(n.EndByte()) != a.end {
		return nil
	}
	for {
		n = n.Parent()
		switch x.qs.kind(n) {
		case kindCall:
			return n
		case kindAttribute:
			if int(n.EndByte()) != a.end { // the name is not the last one
				return nil
			}
		default:
			return nil
		}
	}
}

// namedAt returns the smallest named node that covers a.
func (x *extractor) namedAt(a anchor) *sitter.Node {
	return x.root.NamedDescendantForPointRange(x.point(a.start), x.point(a.end))
}

// point converts a byte offset to a tree-sitter point: rows count '\n'
// only, columns count bytes (a BOM included).
func (x *extractor) point(off int) sitter.Point {
	if x.nl == nil {
		x.nl = make([]int, 0, bytes.Count(x.text, []byte{'\n'}))
		for i := 0; ; {
			j := bytes.IndexByte(x.text[i:], '\n')
			if j < 0 {
				break
			}
			x.nl = append(x.nl, i+j)
			i += j + 1
		}
	}
	row := sort.SearchInts(x.nl, off) // number of '\n' before off
	col := off
	if row > 0 {
		col = off - x.nl[row-1] - 1
	}
	return sitter.Point{Row: uint32(row), Column: uint32(col)}
}

// findWord appends to out an anchor of the given kind for each place word
// occurs in src as a whole word: not preceded or followed by an ASCII
// identifier byte. (A non-ASCII neighbour counts as a boundary: that
// over-reports, and the node lookup then rejects the hit.) With dot, the
// word must also be followed by a '.', possibly after extras.
func findWord(out []anchor, src []byte, word string, kind int, dot bool) []anchor {
	w := []byte(word)
	for i := 0; ; {
		j := bytes.Index(src[i:], w)
		if j < 0 {
			return out
		}
		s, e := i+j, i+j+len(w)
		i = s + 1
		if s > 0 && isASCIIIdentByte(src[s-1]) || e < len(src) && isASCIIIdentByte(src[e]) {
			continue
		}
		if dot {
			if k := skipExtras(src, e); k >= len(src) || src[k] != '.' {
				continue
			}
		}
		out = append(out, anchor{start: s, end: e, kind: kind})
	}
}

func isASCIIIdentByte(c byte) bool {
	return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// skipExtras skips what the grammar allows between two tokens of an
// expression (its "extras"): blanks, newlines (inside brackets), backslash
// continuations, comments, and the Unicode spaces tree-sitter-python
// accepts (JavaScript's \s, U+FEFF, U+2060, U+200B).
func skipExtras(src []byte, i int) int {
	for i < len(src) {
		switch c := src[i]; {
		case c == ' ' || c == '\t' || c == '\f' || c == '\v' || c == '\r' || c == '\n' || c == '\\':
			i++
		case c == '#':
			for i < len(src) && src[i] != '\n' {
				i++
			}
		case c >= utf8.RuneSelf:
			r, size := utf8.DecodeRune(src[i:])
			if !unicode.IsSpace(r) && r != '\uFEFF' && r != '\u2060' && r != '\u200B' {
				return i
			}
			i += size
		default:
			return i
		}
	}
	return i
}
