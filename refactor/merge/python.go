package merge

import (
	"context"
	"regexp"
	"slices"
	"strings"

	"github.com/relayout/relayout/parsers"
	"github.com/relayout/relayout/parsers/python"
)

// Python merges Python modules in order into one module, the content of
// target (a slash-separated workspace-relative path; it is used to resolve
// relative imports of the merged module itself and in messages). opts may
// be nil.
//
// The result is, in this order:
//
//   - the first source's leading comments (shebang, coding line, license)
//     and module docstring; the docstrings of the other sources become
//     `#` comments at the start of their section;
//   - the `from __future__` imports of all sources, once each;
//   - the leading imports of every source (the imports, and try blocks
//     holding only imports, that come before the source's first other
//     statement), in order of first appearance; a statement is dropped when
//     every name it binds is already bound the same way;
//   - one `if TYPE_CHECKING:` block with the type-checking imports of all
//     sources (blocks holding only imports, wherever they were);
//   - one `__all__` list: the union, in order, of the sources' literal
//     `__all__` lists, plus the public definitions of sources that have
//     none (only when at least one source has one);
//   - each source's remaining code, in source order, each after two blank
//     lines and a `# --- merged from <path> ---` comment.
//
// Imports of the merged module itself (resolved against target, or
// reported by opts.IsSelf) are removed: `from <self> import name` because
// name now lives in the module, `import <self> as y` and `from <pkg>
// import <self>` only when y is never used. Imports of the merged module
// inside functions are kept (they run after the module has loaded).
//
// Python refuses the merge with a *SyntaxError for a source that does not
// parse (also a misplaced `from __future__` import), and with a *Clash
// listing every problem: a top-level name bound in two sources (def,
// class, assignment target, or an import of a different origin; the same
// import in two sources is fine, two equal assignments are not), a use of
// a module alias of the merged module, an aliased `from <self> import a as
// b`, a self import inside a top-level block, a name imported from the
// merged module that no source defines, a name used at import time before
// the source that defines it, a non-literal `__all__` assignment, and
// sources that declare different encodings.
//
// Line breaks follow the first source ("\r\n" or "\n"), as does a UTF-8
// BOM.
func Python(ctx context.Context, target string, srcs []Source, opts *Options) ([]byte, error) {
	ps, st, err := prepare(target, srcs)
	if err != nil {
		return nil, err
	}
	self := newPySelf(target, opts)
	files := make([]*pyFile, 0, len(ps))
	var errs []error
	for i := range ps {
		f, err := analyzePy(ctx, &ps[i], i, self)
		if err != nil {
			if ctx.Err() != nil {
				return nil, err
			}
			errs = append(errs, err)
			continue
		}
		files = append(files, f)
	}
	if err := joinErrs(errs); err != nil {
		return nil, err
	}
	m := &pyMerge{files: files, self: self, submodules: map[string]bool{}}
	cs := m.check()
	if c := encodingConflict(ps); c != nil {
		cs = append(cs, *c)
	}
	if len(cs) > 0 {
		paths := make([]string, len(ps))
		for i := range ps {
			paths[i] = ps[i].path
		}
		sortConflicts(cs, paths)
		return nil, &Clash{Target: target, Conflicts: cs}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return st.finish([]byte(m.render())), nil
}

// pyMerge holds the analysed sources of one merge.
type pyMerge struct {
	files []*pyFile
	self  *pySelf
	// submodules are names a package target imports from itself that no
	// source defines: they are its submodules, and those imports stay.
	submodules map[string]bool
	lazy       bool // some source has `from __future__ import annotations`
}

// check runs the cross-source checks and returns every conflict.
func (m *pyMerge) check() []Conflict {
	var cs []Conflict
	var all []binding
	paths := make([]string, len(m.files))
	definedBy := map[string][]int{} // sources binding a name, in order
	imported := map[string]bool{}   // names some source imports
	wildcard := false
	for i, f := range m.files {
		paths[i] = f.p.path
		cs = append(cs, f.conflicts...)
		all = append(all, f.bindings...)
		for _, b := range f.bindings {
			if !slices.Contains(definedBy[b.name], i) {
				definedBy[b.name] = append(definedBy[b.name], i)
			}
			imported[b.name] = imported[b.name] || b.kind == Import
		}
		wildcard = wildcard || f.wildcard
		m.lazy = m.lazy || f.futures["annotations"]
	}
	cs = append(cs, nameClashes(paths, all, func(string) string { return reasonDefinedTwice })...)
	for i, f := range m.files {
		for _, s := range f.selfNames {
			by := definedBy[s.name]
			switch {
			case len(by) == 0 && m.self.pkg:
				m.submodules[s.name] = true
			case len(by) == 0:
				if !wildcard {
					f.conflict(s.name, reasonUndefined, s.offset, s.what)
					cs = append(cs, f.conflicts[len(f.conflicts)-1])
				}
			case by[0] > i && !s.tc && !imported[s.name]:
				// Defined in the code of a later source (an import would
				// have moved to the top).
				if off, ok := f.loadTimeUse(s.name, m.lazy); ok {
					def := m.files[by[0]]
					site := Site{Path: def.p.path, What: "defined here"}
					for _, b := range def.bindings {
						if b.name == s.name {
							site.Line = b.line
							break
						}
					}
					cs = append(cs, Conflict{Name: s.name, Reason: reasonUsedEarly, Sites: []Site{
						{Path: f.p.path, Line: f.line(off), What: "used at import time"}, site}})
				}
			}
		}
	}
	return cs
}

// render assembles the merged module.
func (m *pyMerge) render() string {
	first := m.files[0]
	var head []string

	// Leading comments and docstring of the first source.
	top := trimBlankLines(string(first.p.text[first.seg.preamble.Start:first.seg.preamble.End]))
	if first.doc != nil {
		if top != "" {
			top += "\n"
		}
		top += first.doc.full(first.p.text)
	}
	head = append(head, top)

	seen := dedupe{}
	var futures, imports strings.Builder
	var tcItems []string
	tcCond, tcIndent := "", ""
	seenTC := dedupe{}
	for _, f := range m.files {
		pendingBlank := true // separate the imports of each source
		for _, h := range f.header {
			switch h.kind {
			case hdrFuture:
				if stmt, keys, ok := f.renderImport(h.item, f.kind(h.item), m.submodules); ok && seen.add(keys) {
					futures.WriteString(stmt)
				}
			case hdrImport, hdrTry:
				var stmt string
				var keys []string
				ok := true
				if h.kind == hdrImport {
					stmt, keys, ok = f.renderImport(h.item, f.kind(h.item), m.submodules)
				} else {
					stmt, keys = h.item.full(f.p.text), []string{"block:" + normSpace(f.text(h.item.stmt))}
				}
				if !ok || !seen.add(keys) {
					pendingBlank = pendingBlank || h.item.blankBefore
					continue
				}
				if (pendingBlank || h.item.blankBefore) && imports.Len() > 0 {
					imports.WriteString("\n")
				}
				pendingBlank = false
				imports.WriteString(stmt)
			case hdrTC:
				st := f.stmt(h.item)
				indent := blockIndent(f.p.text, st.Block.Start)
				if tcCond == "" {
					tcCond = f.text(st.Cond)
					tcIndent = indent
					if tcIndent == "" {
						tcIndent = "    "
					}
				}
				items := segment(f.p.text, pyNodes(st.Body), false, st.Block.Start, pyComments).items
				if len(items) > 0 {
					// Comments before the first statement belong to the
					// if statement for the grammar.
					if hdr := lineEnd(f.p.text, h.item.stmt.Start) + 1; hdr < items[0].lead && onlyComments(f.p.text[hdr:items[0].lead]) {
						items[0].lead = hdr
					}
				}
				for _, it := range items {
					kind := st.Body[it.idx].Kind
					if kind == python.StmtPass {
						continue
					}
					stmt, keys, ok := f.renderImport(it, kind, m.submodules)
					if !ok || seen.has(keys) || !seenTC.add(keys) {
						continue
					}
					tcItems = append(tcItems, reindent(stmt, indent, tcIndent))
				}
			}
		}
	}
	head = append(head, futures.String(), imports.String())
	if len(tcItems) > 0 {
		head = append(head, "if "+tcCond+":\n"+strings.Join(tcItems, ""))
	}
	head = append(head, m.renderAll())

	var out strings.Builder
	for _, h := range head {
		if h = trimBlankLines(h); h == "" {
			continue
		}
		if out.Len() > 0 {
			out.WriteString("\n")
		}
		out.WriteString(h)
	}
	for i, f := range m.files {
		sec := m.section(f, i == 0)
		if sec == "" {
			continue
		}
		if out.Len() > 0 {
			out.WriteString("\n\n")
		}
		out.WriteString("# --- merged from " + f.p.path + " ---\n")
		out.WriteString(sec)
	}
	return out.String()
}

// has reports whether every key is already recorded (a statement with no
// keys is never recorded).
func (d dedupe) has(keys []string) bool {
	if len(keys) == 0 {
		return false
	}
	for _, k := range keys {
		if !d[k] {
			return false
		}
	}
	return true
}

// renderAll returns the merged __all__ assignment, or "".
func (m *pyMerge) renderAll() string {
	var names []string
	quote := byte('"')
	found := false
	for _, f := range m.files {
		if f.hasAll {
			if !found && f.allQuote != 0 {
				quote = f.allQuote
			}
			found = true
		}
	}
	if !found {
		return ""
	}
	for _, f := range m.files {
		list := f.all
		if !f.hasAll {
			list = nil
			for _, b := range f.bindings {
				if b.kind != Import && !strings.HasPrefix(b.name, "_") {
					list = append(list, b.name)
				}
			}
		}
		for _, n := range list {
			if !slices.Contains(names, n) {
				names = append(names, n)
			}
		}
	}
	q := string(quote)
	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = q + n + q
	}
	line := "__all__ = [" + strings.Join(quoted, ", ") + "]\n"
	if len(line) <= 80 {
		return line
	}
	return "__all__ = [\n    " + strings.Join(quoted, ",\n    ") + ",\n]\n"
}

// section returns a source's code after its header, with its own leading
// comments and docstring (as comments) when it is not the first source.
func (m *pyMerge) section(f *pyFile, first bool) string {
	var b strings.Builder
	if !first {
		top := f.seg.preamble
		if f.doc != nil {
			// Everything above the docstring is comments.
			top = parsers.Span{Start: 0, End: lineStart(f.p.text, f.doc.stmt.Start)}
		}
		b.WriteString(trimBlankLines(dropMagicComments(string(f.p.text[top.Start:top.End]))))
		if f.doc != nil {
			if b.Len() > 0 {
				b.WriteString("\n")
			}
			b.WriteString(f.docComment())
		}
	}
	var edits []edit
	cut := func(it item) {
		start, end := it.lead, it.cutEnd
		if start != lineStart(f.p.text, start) && it.whole {
			end-- // keep the line break of the statement before
			// and take the `;` that separated the item from it.
			k := start
			for k > 0 && (f.p.text[k-1] == ' ' || f.p.text[k-1] == '\t') {
				k--
			}
			if k > 0 && f.p.text[k-1] == ';' {
				start = k - 1
				for start > 0 && (f.p.text[start-1] == ' ' || f.p.text[start-1] == '\t') {
					start--
				}
			}
		}
		edits = append(edits, edit{start: start, end: end})
	}
	for _, it := range f.body {
		switch kind := f.kind(it); kind {
		case python.StmtTypeChecking, python.StmtAll:
			cut(it)
		case python.StmtImport, python.StmtFrom, python.StmtFuture:
			stmt, _, ok := f.renderImport(it, kind, m.submodules)
			switch {
			case !ok:
				cut(it)
			case stmt != it.full(f.p.text):
				edits = append(edits, edit{start: it.stmt.Start, end: it.stmt.End, repl: f.renderStmt(it, kind, m.submodules)})
			}
		}
	}
	body := trimBlankLines(applyEdits(f.p.text, f.bodyStart, edits))
	if body != "" && b.Len() > 0 {
		b.WriteString("\n")
	}
	b.WriteString(body)
	return b.String()
}

var codingRe = regexp.MustCompile(`^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)`)

// encoding returns the source encoding a Python source declares on its
// first two lines, normalised ("utf-8" when it declares none).
func encoding(text []byte) (string, int) {
	lines := strings.SplitN(string(text), "\n", 3)
	for i, l := range lines[:min(2, len(lines))] {
		if m := codingRe.FindStringSubmatch(l); m != nil {
			enc := strings.ReplaceAll(strings.ToLower(m[1]), "_", "-")
			if enc == "utf8" || enc == "utf-8-sig" {
				enc = "utf-8"
			}
			return enc, i + 1
		}
		if t := strings.TrimSpace(l); t != "" && !strings.HasPrefix(t, "#") {
			break
		}
	}
	return "utf-8", 0
}

// encodingConflict returns a conflict when the sources declare different
// encodings: their bytes cannot share one file.
func encodingConflict(ps []prepared) *Conflict {
	first, _ := encoding(ps[0].text)
	var sites []Site
	for i := range ps {
		enc, line := encoding(ps[i].text)
		sites = append(sites, Site{Path: ps[i].path, Line: max(line, 1), What: "coding: " + enc})
	}
	for _, s := range sites {
		if s.What != "coding: "+first {
			return &Conflict{Name: "coding", Reason: reasonEncoding, Sites: sites}
		}
	}
	return nil
}

var magicComment = regexp.MustCompile(`^(#!|[ \t\f]*#.*?coding[:=])`)

// dropMagicComments removes a shebang and coding declaration from the
// first two lines of a non-first source's leading comments.
func dropMagicComments(s string) string {
	lines := strings.SplitAfter(s, "\n")
	for i := 0; i < 2 && len(lines) > 0; i++ {
		if !magicComment.MatchString(lines[0]) {
			break
		}
		lines = lines[1:]
	}
	return strings.Join(lines, "")
}

// docComment returns the source's docstring as `#` comment lines.
func (f *pyFile) docComment() string {
	s := f.text(f.stmt(*f.doc).Doc)
	s = strings.TrimLeft(s, "rRuUbBfF")
	for _, q := range []string{`"""`, `'''`, `"`, `'`} {
		if strings.HasPrefix(s, q) && strings.HasSuffix(s, q) && len(s) >= 2*len(q) {
			s = s[len(q) : len(s)-len(q)]
			break
		}
	}
	lines := cleandoc(s)
	var b strings.Builder
	for _, l := range lines {
		if l == "" {
			b.WriteString("#\n")
		} else {
			b.WriteString("# " + l + "\n")
		}
	}
	return b.String()
}

// cleandoc splits a docstring into lines with the indentation of the
// lines after the first removed and blank lines at both ends dropped, like
// Python's inspect.cleandoc.
func cleandoc(s string) []string {
	lines := strings.Split(strings.ReplaceAll(s, "\t", "        "), "\n")
	margin := -1
	for _, l := range lines[1:] {
		if t := strings.TrimLeft(l, " "); t != "" {
			if ind := len(l) - len(t); margin < 0 || ind < margin {
				margin = ind
			}
		}
	}
	lines[0] = strings.TrimSpace(lines[0])
	for i := 1; i < len(lines); i++ {
		if margin > 0 && len(lines[i]) >= margin {
			lines[i] = lines[i][margin:]
		}
		lines[i] = strings.TrimRight(lines[i], " ")
	}
	for len(lines) > 0 && strings.TrimSpace(lines[0]) == "" {
		lines = lines[1:]
	}
	for len(lines) > 0 && strings.TrimSpace(lines[len(lines)-1]) == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// renderImport returns an import item's text (leading comments, statement,
// trailing comment, line break) with the imports of the merged module left
// out, its de-duplication keys, and false when nothing is left.
func (f *pyFile) renderImport(it item, kind python.StmtKind, submodules map[string]bool) (string, []string, bool) {
	keys := f.importKeys(it.stmt, submodules)
	if len(keys) == 0 {
		return "", nil, false
	}
	stmt := f.renderStmt(it, kind, submodules)
	if stmt == f.text(it.stmt) {
		return it.full(f.p.text), keys, true
	}
	return it.leading(f.p.text) + stmt + it.trailing(f.p.text) + "\n", keys, true
}

// dropped reports whether a name of a from-import goes away in the merge.
func (f *pyFile) dropped(r parsers.Ref, n parsers.Name, submodules map[string]bool) bool {
	switch f.self.classifyFrom(r, n) {
	case impSelfMod:
		return true
	case impSelfName:
		return !(f.self.pkg && submodules[n.Name])
	}
	return false
}

// importKeys returns what an import statement binds once the imports of
// the merged module are left out: "future:x", "import:a.b",
// "bind:local=origin", "star:module".
func (f *pyFile) importKeys(n parsers.Span, submodules map[string]bool) []string {
	var keys []string
	for _, r := range f.refsOf(n) {
		if r.Stmt.Start != n.Start {
			continue
		}
		switch {
		case r.Kind == parsers.PyImport:
			switch {
			case f.self.classifyImport(r) == impSelfMod:
			case r.Alias != "":
				keys = append(keys, "bind:"+r.Alias+"="+r.Module)
			default:
				keys = append(keys, "import:"+r.Module)
			}
		case r.Module == "__future__" && r.Level == 0:
			for _, nm := range r.Names {
				keys = append(keys, "future:"+nm.Name)
			}
		default:
			for _, nm := range r.Names {
				switch {
				case f.dropped(r, nm, submodules):
				case nm.Name == "*":
					keys = append(keys, "star:"+strings.Repeat(".", r.Level)+r.Module)
				case nm.Alias != "":
					keys = append(keys, "bind:"+nm.Alias+"="+fromOrigin(r, nm.Name))
				default:
					keys = append(keys, "bind:"+nm.Name+"="+fromOrigin(r, nm.Name))
				}
			}
		}
	}
	return keys
}

// renderStmt returns the text of an import statement with the imports of
// the merged module left out (the statement as is when there are none).
func (f *pyFile) renderStmt(it item, kind python.StmtKind, submodules map[string]bool) string {
	n := it.stmt
	text := f.p.text
	var refs []parsers.Ref
	for _, r := range f.refsOf(n) {
		if r.Stmt.Start == n.Start {
			refs = append(refs, r)
		}
	}
	whole := f.text(n)
	switch kind {
	case python.StmtImport:
		var kept []string
		for _, r := range refs {
			if f.self.classifyImport(r) != impSelfMod {
				end := max(r.Span.End, r.AliasSpan.End)
				kept = append(kept, string(text[r.Span.Start:end]))
			}
		}
		if len(kept) == len(refs) {
			return whole
		}
		return "import " + strings.Join(kept, ", ")
	case python.StmtFrom:
		if len(refs) != 1 || len(refs[0].Names) == 0 {
			return whole
		}
		r := refs[0]
		var kept []string
		for _, nm := range r.Names {
			if !f.dropped(r, nm, submodules) {
				end := max(nm.NameSpan.End, nm.AliasSpan.End)
				kept = append(kept, string(text[nm.NameSpan.Start:end]))
			}
		}
		if len(kept) == len(r.Names) {
			return whole
		}
		last := r.Names[len(r.Names)-1]
		prefix := string(text[n.Start:r.Names[0].NameSpan.Start])
		suffix := string(text[max(last.NameSpan.End, last.AliasSpan.End):n.End])
		return prefix + strings.Join(kept, ", ") + suffix
	}
	return whole
}

// onlyComments reports whether every line of b is blank or a comment.
func onlyComments(b []byte) bool {
	for _, l := range strings.Split(string(b), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			return false
		}
	}
	return true
}

// blockIndent returns the indentation of a block's first statement, or ""
// when the block starts on its header's line.
func blockIndent(text []byte, start int) string {
	ls := lineStart(text, start)
	if isBlank(text[ls:start]) {
		return string(text[ls:start])
	}
	return ""
}

// reindent replaces the indentation from of every line of s with to. A
// statement that shared its header's line (from == "") is indented.
func reindent(s, from, to string) string {
	lines := strings.SplitAfter(s, "\n")
	for i, l := range lines {
		if l == "" {
			continue
		}
		if from != "" && strings.HasPrefix(l, from) {
			l = l[len(from):]
		} else {
			l = strings.TrimLeft(l, " \t")
		}
		lines[i] = to + l
	}
	return strings.Join(lines, "")
}
