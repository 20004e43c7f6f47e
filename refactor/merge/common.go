package merge

import (
	"bytes"
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/relayout/relayout/parsers"
)

// item is one statement of a statement list (module, program or block)
// with the comments that travel with it.
type item struct {
	// idx is the statement's index in the list segment was given.
	idx  int
	stmt parsers.Span
	// lead is where the item's text starts: the start of the line of its
	// first leading comment (or of the statement), or the statement itself
	// when other code precedes it on its line.
	lead int
	// end is where the item's text ends: after the line break when the
	// statement ends its line (a trailing comment included), else the
	// statement's end.
	end int
	// cutEnd is where removing the item ends: end, or after the Python
	// `;` and blanks that separate it from the next statement on its line.
	cutEnd int
	// whole: the item covers whole lines.
	whole bool
	// blankBefore: a blank line precedes the item.
	blankBefore bool
}

// full returns the item's text, ending in a line break.
func (it *item) full(text []byte) string {
	s := string(text[it.lead:it.end])
	if !strings.HasSuffix(s, "\n") {
		s += "\n"
	}
	return s
}

// leading returns the text of the item's leading comments (with their line
// breaks), or "".
func (it *item) leading(text []byte) string {
	if it.lead >= it.stmt.Start {
		return ""
	}
	return string(text[it.lead:lineStart(text, it.stmt.Start)])
}

// trailing returns what follows the statement on its line (a comment with
// the spaces before it), without the line break.
func (it *item) trailing(text []byte) string {
	if !it.whole {
		return ""
	}
	return strings.TrimRight(string(text[it.stmt.End:it.end]), "\n")
}

// segmented is a statement list cut into items.
type segmented struct {
	items []item
	// preamble is the comments before the first statement that are not
	// attached to it (a blank line separates them), or an empty span.
	preamble parsers.Span
}

// commentSyntax describes how a language writes comments.
type commentSyntax struct {
	line  string // "#" or "//"
	block bool   // /* */ comments exist
	semi  bool   // a `;` between statements is not part of the statement node
}

var (
	pyComments = commentSyntax{line: "#", semi: true}
	tsComments = commentSyntax{line: "//", block: true}
)

// node is one entry of a statement list as segment needs it: a statement
// or a comment.
type node struct {
	span    parsers.Span
	comment bool
	// magic: a shebang or hashbang line, which must stay first.
	magic bool
}

// segment cuts a statement list (nodes, in order; top for a module, else
// a block starting at listStart) into items. Comments attach to the
// statement after them; a comment on the line a statement ends on belongs
// to that statement.
func segment(text []byte, nodes []node, top bool, listStart int, cs commentSyntax) segmented {
	var seg segmented
	var pending []node
	prevEnd := 0
	if !top {
		prevEnd = listStart
	}
	for i, c := range nodes {
		s := c.span
		if s.Start < prevEnd {
			continue // a trailing comment already taken
		}
		if c.comment {
			pending = append(pending, c)
			continue
		}
		it := item{idx: i, stmt: s, lead: s.Start}
		if len(pending) > 0 {
			first := pending[0]
			if len(seg.items) == 0 && top {
				// Only the run of comments directly above the first
				// statement is attached to it; the rest is the preamble.
				k := len(pending)
				next := s.Start
				for k > 0 && !hasBlankLine(text[pending[k-1].span.End:next]) && !isMagic(text, pending[k-1]) {
					k--
					next = pending[k].span.Start
				}
				if k > 0 {
					seg.preamble = parsers.Span{Start: first.span.Start, End: lineStart(text, next)}
				}
				if k < len(pending) {
					it.lead = pending[k].span.Start
				}
			} else {
				it.lead = first.span.Start
			}
		}
		pending = pending[:0]
		if ls := lineStart(text, it.lead); isBlank(text[ls:it.lead]) {
			it.lead = ls
		}
		it.blankBefore = it.lead >= 2 && text[it.lead-1] == '\n' && lineIsBlank(text, lineStart(text, it.lead-1))
		it.end, it.cutEnd, it.whole = itemEnd(text, s.End, cs)
		prevEnd = it.cutEnd
		seg.items = append(seg.items, it)
	}
	return seg
}

// itemEnd returns the end of a statement's text and of its removal:
// after the line break when only blanks, `;` (Python) and a comment follow
// on its line; else the statement's end, and for the removal the `;` and
// blanks after it.
func itemEnd(text []byte, end int, cs commentSyntax) (int, int, bool) {
	j := skipSpaces(text, end)
	if cs.semi && j < len(text) && text[j] == ';' {
		j = skipSpaces(text, j+1)
	}
	after := j
	switch {
	case bytes.HasPrefix(text[j:], []byte(cs.line)):
		j = lineEnd(text, j)
	case cs.block && bytes.HasPrefix(text[j:], []byte("/*")):
		k := bytes.Index(text[j:], []byte("*/"))
		if k < 0 || bytes.IndexByte(text[j:j+k], '\n') >= 0 {
			return end, end, false
		}
		j = skipSpaces(text, j+k+2)
	}
	if j >= len(text) {
		return len(text), len(text), true
	}
	if text[j] == '\n' {
		return j + 1, j + 1, true
	}
	return end, after, false
}

func skipSpaces(text []byte, i int) int {
	for i < len(text) && (text[i] == ' ' || text[i] == '\t' || text[i] == '\f') {
		i++
	}
	return i
}

func lineStart(text []byte, i int) int {
	return bytes.LastIndexByte(text[:i], '\n') + 1
}

func lineEnd(text []byte, i int) int {
	if k := bytes.IndexByte(text[i:], '\n'); k >= 0 {
		return i + k
	}
	return len(text)
}

func isBlank(b []byte) bool {
	return len(bytes.TrimLeft(b, " \t\f")) == 0
}

func lineIsBlank(text []byte, ls int) bool {
	return isBlank(text[ls:lineEnd(text, ls)])
}

// isMagic reports whether a comment must stay first in its file: a
// shebang or a Python coding declaration on line 1 or 2.
func isMagic(text []byte, c node) bool {
	if c.magic {
		return true
	}
	if bytes.Count(text[:c.span.Start], []byte("\n")) > 1 {
		return false
	}
	return magicComment.Match(text[c.span.Start:c.span.End])
}

// hasBlankLine reports whether gap (the text between two tokens) holds an
// empty line.
func hasBlankLine(gap []byte) bool {
	return bytes.Count(gap, []byte("\n")) >= 2
}

// edit replaces text[start:end] with repl.
type edit struct {
	start, end int
	repl       string
}

// applyEdits applies non-overlapping edits (in any order) to text[from:].
// A cut of whole lines between two blank lines also takes the blank lines
// after it, so that removals do not leave gaps.
func applyEdits(text []byte, from int, edits []edit) string {
	slices.SortFunc(edits, func(a, b edit) int { return cmp.Compare(a.start, b.start) })
	var b strings.Builder
	pos := from
	for _, e := range edits {
		if e.start < pos {
			continue
		}
		b.Write(text[pos:e.start])
		b.WriteString(e.repl)
		pos = e.end
		if e.repl != "" || e.start != lineStart(text, e.start) {
			continue
		}
		// The blank lines around a removed block merge into the larger
		// of the two gaps.
		before := 0
		for s := b.String(); strings.HasSuffix(s, "\n\n"); s = s[:len(s)-1] {
			before++
		}
		for ; before > 0 && pos < len(text) && lineIsBlank(text, pos) && lineEnd(text, pos) < len(text); before-- {
			pos = lineEnd(text, pos) + 1
		}
	}
	b.WriteString(string(text[pos:]))
	return b.String()
}

// trimBlankLines removes blank lines at both ends of s and ends it with a
// single line break ("" stays "").
func trimBlankLines(s string) string {
	lines := strings.Split(s, "\n")
	i, j := 0, len(lines)
	for i < j && strings.TrimSpace(lines[i]) == "" {
		i++
	}
	for j > i && strings.TrimSpace(lines[j-1]) == "" {
		j--
	}
	if i == j {
		return ""
	}
	lines[j-1] = strings.TrimRight(lines[j-1], " \t")
	return strings.Join(lines[i:j], "\n") + "\n"
}

// oneLine returns the first line of s, shortened for messages.
func oneLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = strings.TrimSpace(s[:i]) + " ..."
	}
	if len(s) > 60 {
		s = s[:57] + "..."
	}
	return s
}

// normSpace collapses runs of white space, for comparing statements.
func normSpace(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// binding is one top-level name a source binds.
type binding struct {
	name string
	src  int
	line int
	what string
	kind Kind
	// origin says what an import binds ("app.models.User"); "" for a
	// definition, which is unique to its source.
	origin string
	// exported: a TS name that the module exports (default included).
	exported bool
	// reexport is, for a name exported by `export ... from 's'`, the
	// statement (normalised): identical statements are merged into one.
	reexport string
}

// nameClashes returns a conflict for every name bound by two or more
// sources unless every source binds it to the same imported origins.
func nameClashes(paths []string, bs []binding, reason func(name string) string) []Conflict {
	byName := map[string][]binding{}
	var order []string
	for _, b := range bs {
		if _, ok := byName[b.name]; !ok {
			order = append(order, b.name)
		}
		byName[b.name] = append(byName[b.name], b)
	}
	var out []Conflict
	for _, name := range order {
		list := byName[name]
		origins := map[int][]string{}
		for _, b := range list {
			o := b.origin
			if o == "" {
				o = fmt.Sprintf("\x00def %d:%d", b.src, b.line)
			}
			if !slices.Contains(origins[b.src], o) {
				origins[b.src] = append(origins[b.src], o)
			}
		}
		if len(origins) < 2 {
			continue
		}
		var ref []string
		same := true
		for _, os := range origins {
			slices.Sort(os)
			if ref == nil {
				ref = os
			} else if !slices.Equal(ref, os) {
				same = false
			}
		}
		if same {
			continue
		}
		cf := Conflict{Name: name, Reason: reason(name)}
		slices.SortStableFunc(list, func(a, b binding) int { return cmp.Or(cmp.Compare(a.src, b.src), cmp.Compare(a.line, b.line)) })
		for _, b := range list {
			cf.Sites = append(cf.Sites, Site{Path: paths[b.src], Line: b.line, What: b.what})
		}
		out = append(out, cf)
	}
	return out
}

// sortConflicts orders conflicts by their first site, in source order.
func sortConflicts(cs []Conflict, paths []string) {
	idx := map[string]int{}
	for i, p := range paths {
		idx[p] = i
	}
	slices.SortStableFunc(cs, func(a, b Conflict) int {
		if len(a.Sites) == 0 || len(b.Sites) == 0 {
			return cmp.Compare(len(b.Sites), len(a.Sites))
		}
		return cmp.Or(cmp.Compare(idx[a.Sites[0].Path], idx[b.Sites[0].Path]), cmp.Compare(a.Sites[0].Line, b.Sites[0].Line))
	})
}

// dedupe keeps track of what the merged header already holds.
type dedupe map[string]bool

// add records keys and reports whether any of them is new. A statement
// with no keys is never new.
func (d dedupe) add(keys []string) bool {
	fresh := false
	for _, k := range keys {
		if !d[k] {
			fresh = true
		}
	}
	if fresh {
		for _, k := range keys {
			d[k] = true
		}
	}
	return fresh
}
