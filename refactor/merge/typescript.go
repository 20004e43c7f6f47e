package merge

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/relayout/relayout/parsers"
	"github.com/relayout/relayout/parsers/typescript"
)

const (
	reasonSelfDefault   = "is a default import of the merged module, whose default export is not a declaration of that name; import the declaration by name"
	reasonExportAssign  = "cannot be combined with the exports of other merged modules; use ES exports"
	reasonExportedTwice = "is exported by more than one merged module; export it once"
	reasonRequireSelf   = "requires the merged module itself while it loads; use the names directly"
)

// TypeScript merges TS/JS modules (lang from parsers.LangOf(target); every
// source is parsed as that language) in order into one module. opts may
// be nil.
//
// The result is, in this order:
//
//   - the first source's leading comments (hashbang, license);
//   - the `/// <reference ...>` lines that opened any source, once each;
//   - the directives ("use client", 'use strict') of all sources, once
//     each;
//   - the import statements of all sources (ES imports are hoisted by the
//     language, so their position never mattered): value imports of one
//     specifier are merged into one statement (`import D, {a, b} from
//     's'`; a namespace import that cannot join the named ones gets its
//     own statement), `import type` statements are merged among
//     themselves, statements with import attributes and `import x =
//     require()` are only de-duplicated, and a statement that adds nothing
//     is dropped;
//   - the re-exports (`export ... from 's'`), identical ones once;
//   - each source's remaining code, in source order, each after a blank
//     line and a `// --- merged from <path> ---` comment.
//
// Imports of the merged module itself (relative specifiers resolved
// against target, or opts.IsSelf) are removed: `import {a} from <self>`
// and `import D from <self>` (when D is the default export's own name),
// side-effect imports, and `import * as ns` when ns is never used.
// `export {a, b as c} from <self>` becomes `export {b as c}` (names
// already exported are left out) and `export * from <self>` goes.
// require() and import() calls are left alone.
//
// TypeScript refuses the merge with a *SyntaxError for a source that does
// not parse, and with a *Clash listing every problem: a top-level name
// declared (or imported from a different place) in two sources, two
// default exports, a name exported twice, two assignments to
// module.exports, `export =` next to other exports, a used namespace
// import of the merged module, an aliased or default import of it that
// cannot be dropped, a name imported from it that no source declares, and
// a class or variable used while the module evaluates before the source
// that declares it.
//
// Line breaks follow the first source ("\r\n" or "\n"), as does a UTF-8
// BOM.
func TypeScript(ctx context.Context, target string, srcs []Source, opts *Options) ([]byte, error) {
	lang, ok := parsers.LangOf(target)
	if !ok || !lang.IsTSFamily() {
		return nil, fmt.Errorf("merge into %s: not a TypeScript or JavaScript module", target)
	}
	ps, st, err := prepare(target, srcs)
	if err != nil {
		return nil, err
	}
	self := newTSSelf(target, opts)
	files := make([]*tsFile, 0, len(ps))
	var errs []error
	for i := range ps {
		f, err := analyzeTS(ctx, lang, &ps[i], i, self)
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
	m := &tsMerge{files: files}
	if cs := m.check(); len(cs) > 0 {
		paths := make([]string, len(files))
		for i, f := range files {
			paths[i] = f.p.path
		}
		sortConflicts(cs, paths)
		return nil, &Clash{Target: target, Conflicts: cs}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return st.finish([]byte(m.render())), nil
}

// tsMerge holds the analysed sources of one merge.
type tsMerge struct {
	files []*tsFile
	// exported holds the names the merged module exports other than
	// through `export {...} from <self>`.
	exported map[string]bool
}

// check runs the cross-source checks and returns every conflict.
func (m *tsMerge) check() []Conflict {
	var cs []Conflict
	var all []binding
	paths := make([]string, len(m.files))
	local := map[string][]binding{} // local bindings by name
	m.exported = map[string]bool{}
	exporters := 0
	var defaults []*tsFile
	for i, f := range m.files {
		paths[i] = f.p.path
		cs = append(cs, f.conflicts...)
		all = append(all, f.bindings...)
		for _, b := range f.bindings {
			if b.kind != Export {
				local[b.name] = append(local[b.name], b)
			}
			if b.exported && !strings.HasPrefix(b.origin, "<self>:") {
				m.exported[b.name] = true
			}
		}
		if f.exportsAny {
			exporters++
		}
		if f.hasDefault {
			defaults = append(defaults, f)
		}
	}
	clashes := nameClashes(paths, all, func(name string) string {
		if name == "default" {
			return reasonDefaultTwice
		}
		return reasonDefinedTwice
	})
	cs = append(cs, clashes...)
	cs = append(cs, exportClashes(paths, all, clashes)...)
	for _, f := range m.files {
		if f.exportAssign != nil && exporters > 1 {
			f.conflict("export =", reasonExportAssign, f.exportAssign.Start, oneLine(f.text(*f.exportAssign)))
			cs = append(cs, f.conflicts[len(f.conflicts)-1])
		}
		for _, s := range f.selfDefs {
			if len(defaults) != 1 || defaults[0].defaultLocal != s.name {
				f.conflict(s.name, reasonSelfDefault, s.offset, s.what)
				cs = append(cs, f.conflicts[len(f.conflicts)-1])
			}
		}
		for _, s := range f.selfNames {
			bs := local[s.name]
			if len(bs) == 0 {
				f.conflict(s.name, reasonUndefined, s.offset, s.what)
				cs = append(cs, f.conflicts[len(f.conflicts)-1])
				continue
			}
			if s.tc || bs[0].src <= f.idx {
				continue
			}
			switch bs[0].kind {
			case Class, Variable, Enum, Namespace:
			default:
				continue // functions are hoisted, types do not run
			}
			if off, ok := f.loadTimeUse(s.name); ok {
				cs = append(cs, Conflict{Name: s.name, Reason: reasonUsedEarly, Sites: []Site{
					{Path: f.p.path, Line: f.line(off), What: "used while the module evaluates"},
					{Path: paths[bs[0].src], Line: bs[0].line, What: bs[0].what}}})
			}
		}
	}
	return cs
}

// exportClashes returns a conflict for every name exported by two sources
// other than through identical re-export statements (which are merged),
// leaving out the names clashes already reports.
func exportClashes(paths []string, bs []binding, clashes []Conflict) []Conflict {
	reported := map[string]bool{}
	for _, c := range clashes {
		reported[c.Name] = true
	}
	byName := map[string][]binding{}
	var order []string
	for _, b := range bs {
		if !b.exported || reported[b.name] {
			continue
		}
		if _, ok := byName[b.name]; !ok {
			order = append(order, b.name)
		}
		byName[b.name] = append(byName[b.name], b)
	}
	var out []Conflict
	for _, name := range order {
		list := byName[name]
		keys := map[int]string{}
		for _, b := range list {
			k := b.reexport
			if k == "" {
				k = fmt.Sprintf("\x00%d:%d", b.src, b.line)
			}
			keys[b.src] += k + "\n"
		}
		if len(keys) < 2 {
			continue
		}
		same := true
		for _, k := range keys {
			same = same && k == keys[list[0].src]
		}
		if same {
			continue
		}
		cf := Conflict{Name: name, Reason: reasonExportedTwice}
		for _, b := range list {
			cf.Sites = append(cf.Sites, Site{Path: paths[b.src], Line: b.line, What: b.what})
		}
		out = append(out, cf)
	}
	return out
}

// render assembles the merged module.
func (m *tsMerge) render() string {
	first := m.files[0]
	var head []string
	head = append(head, tidyComments(string(first.p.text[first.seg.preamble.Start:first.seg.preamble.End])))

	var slashes []string
	for _, f := range m.files {
		for _, l := range f.tripleSlash {
			if !slices.Contains(slashes, l) {
				slashes = append(slashes, l)
			}
		}
	}
	if len(slashes) > 0 {
		head = append(head, strings.Join(slashes, "\n")+"\n")
	}

	var directives strings.Builder
	seenDir := map[string]bool{}
	for _, f := range m.files {
		for _, it := range f.directives {
			key := strings.Trim(f.text(f.stmt(it).Directive), `'"`)
			if seenDir[key] {
				continue
			}
			seenDir[key] = true
			if f == first {
				directives.WriteString(it.full(f.p.text))
			} else {
				directives.WriteString(f.text(it.stmt) + it.trailing(f.p.text) + "\n")
			}
		}
	}
	head = append(head, directives.String())

	var imports []*tsGroup
	groups := map[string]*tsGroup{}
	var reexports []string
	seen := map[string]bool{}
	values := m.valueImports()
	bound := map[string]bool{} // local names the header imports so far
	for _, f := range m.files {
		for _, it := range f.hoisted {
			r := f.refs[it.stmt.Start]
			if f.self.is(r.Module) {
				if r.Kind == parsers.TSExport {
					if s := m.localExport(f, it, r); s != "" {
						reexports = append(reexports, it.leading(f.p.text)+s+"\n")
					}
				}
				continue
			}
			if r.Kind == parsers.TSExport || f.stmt(it).Kind == typescript.StmtExport {
				key := normSpace(f.text(f.stmt(it).Span))
				if !seen[key] {
					seen[key] = true
					reexports = append(reexports, it.full(f.p.text))
				}
				continue
			}
			parts, ok := f.importParts(f.stmt(it), r)
			if !ok { // import x = require('s')
				key := normSpace(f.text(f.stmt(it).Span))
				if !seen[key] {
					seen[key] = true
					imports = append(imports, &tsGroup{text: it.full(f.p.text)})
				}
				continue
			}
			// A local name is imported once: TypeScript rejects a second
			// import of it, also a type-only one next to a value one.
			filtered := parts.filter(func(local string, typ bool) bool {
				if bound[local] || typ && values[local] {
					return false
				}
				bound[local] = true
				return true
			})
			if g := groups[parts.key()]; g != nil {
				g.add(f, it, parts)
				continue
			}
			g := &tsGroup{f: f, it: it, parts: parts, merged: filtered}
			groups[parts.key()] = g
			imports = append(imports, g)
		}
	}
	var ib strings.Builder
	for _, g := range imports {
		ib.WriteString(g.render())
	}
	head = append(head, ib.String(), strings.Join(reexports, ""))

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
		sec := f.section(i == 0)
		if sec == "" {
			continue
		}
		if out.Len() > 0 {
			out.WriteString("\n")
		}
		out.WriteString("// --- merged from " + f.p.path + " ---\n")
		out.WriteString(sec)
	}
	return out.String()
}

// tidyComments trims blank lines at both ends and white space at line
// ends, and collapses runs of blank lines (triple-slash lines taken out of
// the leading comments leave blanks behind).
func tidyComments(s string) string {
	lines := strings.Split(s, "\n")
	var out []string
	for _, l := range lines {
		l = strings.TrimRight(l, " \t")
		if l == "" && len(out) > 0 && out[len(out)-1] == "" {
			continue
		}
		out = append(out, l)
	}
	return trimBlankLines(strings.Join(out, "\n"))
}

// localExport turns `export {a, b as c} from <self>` into a local export
// of the names not exported otherwise, or "".
func (m *tsMerge) localExport(f *tsFile, it item, r parsers.Ref) string {
	var kept []string
	for _, nm := range r.Names {
		if nm.Name == "*" {
			continue
		}
		if nm.Alias == "" || nm.Alias == nm.Name {
			if m.exported[nm.Name] {
				continue
			}
			m.exported[nm.Name] = true
		}
		end := max(nm.NameSpan.End, nm.AliasSpan.End)
		kept = append(kept, string(f.p.text[nm.NameSpan.Start:end]))
	}
	if len(kept) == 0 {
		return ""
	}
	kw := "export { "
	if r.TypeOnly {
		kw = "export type { "
	}
	semi := ""
	if strings.HasSuffix(strings.TrimSpace(f.text(f.stmt(it).Span)), ";") {
		semi = ";"
	}
	return kw + strings.Join(kept, ", ") + " }" + semi
}

// section returns a source's code without its hoisted statements, with
// its own leading comments when it is not the first source.
func (f *tsFile) section(first bool) string {
	var b strings.Builder
	if !first {
		pre := string(f.p.text[f.seg.preamble.Start:f.seg.preamble.End])
		if strings.HasPrefix(pre, "#!") {
			pre = pre[lineEnd(f.p.text, 0):]
		}
		b.WriteString(tidyComments(pre))
	}
	var edits []edit
	cut := func(it item) {
		start, end := it.lead, it.cutEnd
		if start != lineStart(f.p.text, start) && it.whole {
			end--
		}
		edits = append(edits, edit{start: start, end: end})
	}
	for _, it := range f.directives {
		if first {
			cut(it)
			continue
		}
		// The comments above a directive stay with the code: the
		// directive itself may be dropped as a duplicate.
		start := it.stmt.Start
		if ls := lineStart(f.p.text, start); isBlank(f.p.text[ls:start]) {
			start = ls
		}
		edits = append(edits, edit{start: start, end: it.cutEnd})
	}
	for _, it := range f.hoisted {
		cut(it)
	}
	body := trimBlankLines(applyEdits(f.p.text, f.seg.preamble.End, edits))
	if body != "" && b.Len() > 0 {
		b.WriteString("\n")
	}
	b.WriteString(body)
	return b.String()
}

// valueImports returns the local names that the hoisted imports bind as
// values (not `import type`, not `{type X}`).
func (m *tsMerge) valueImports() map[string]bool {
	values := map[string]bool{}
	for _, f := range m.files {
		for _, it := range f.hoisted {
			r := f.refs[it.stmt.Start]
			if f.self.is(r.Module) || r.TypeOnly {
				continue
			}
			if r.Kind == parsers.TSImportEquals {
				for _, nm := range r.Names {
					values[nm.Alias] = true
				}
				continue
			}
			if p, ok := f.importParts(f.stmt(it), r); ok && r.Kind == parsers.TSImport {
				p.filter(func(local string, typ bool) bool {
					if !typ {
						values[local] = true
					}
					return true
				})
			}
		}
	}
	return values
}

// specLocal returns the local name of a named import specifier as written
// ("a", "a as b", "type a as b", `"x-y" as b`) and whether it is `type`.
func specLocal(spec string) (string, bool) {
	f := strings.Fields(spec)
	typ := len(f) > 1 && f[0] == "type" && !(len(f) == 3 && f[1] == "as")
	return f[len(f)-1], typ
}

// filter keeps the bindings for which keep(local, typeOnly) is true and
// reports whether any was dropped.
func (p *tsImport) filter(keep func(local string, typ bool) bool) bool {
	n := len(p.defs) + len(p.nss) + len(p.named)
	p.defs = slices.DeleteFunc(p.defs, func(d string) bool { return !keep(d, p.typeOnly) })
	p.nss = slices.DeleteFunc(p.nss, func(ns string) bool { return !keep(ns, p.typeOnly) })
	p.named = slices.DeleteFunc(p.named, func(spec string) bool {
		local, typ := specLocal(spec)
		return !keep(local, p.typeOnly || typ)
	})
	return len(p.defs)+len(p.nss)+len(p.named) < n
}

// tsImport is the clause of an ES import statement.
type tsImport struct {
	spec     string
	quote    byte
	typeOnly bool
	attrs    string // `with {...}` as written (normalised white space)
	defs     []string
	nss      []string
	named    []string // specifiers as written (normalised white space)
	side     bool     // `import 's'`
}

func (p *tsImport) key() string {
	return fmt.Sprintf("%s\x00%v\x00%s", p.spec, p.typeOnly, p.attrs)
}

// importParts reads an ES import statement; false for import-equals.
func (f *tsFile) importParts(st *typescript.Stmt, r parsers.Ref) (*tsImport, bool) {
	if r.Kind != parsers.TSImport || st.Clause == nil {
		return nil, false
	}
	c := st.Clause
	p := &tsImport{spec: r.Module, quote: r.Quote, typeOnly: r.TypeOnly, side: c.Side,
		defs: slices.Clone(c.Defaults), nss: slices.Clone(c.Namespaces), attrs: normSpace(c.Attrs)}
	for _, spec := range c.Named {
		p.named = append(p.named, normSpace(spec))
	}
	if p.attrs == "" && r.Stmt.End > r.Span.End {
		// `assert {...}` was parsed as `with`: keep the written text.
		tail := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(string(f.p.text[r.Span.End+1:r.Stmt.End])), ";"))
		p.attrs = normSpace(tail)
	}
	return p, true
}

// tsGroup is the merged import of one specifier (and kind).
type tsGroup struct {
	text  string // import-equals: the statement as is
	f     *tsFile
	it    item
	parts *tsImport
	lead  []string // leading comments of statements merged in
	// merged: statements beyond the first added names, so the group is
	// written anew.
	merged bool
}

// add merges another statement of the same specifier into g.
func (g *tsGroup) add(f *tsFile, it item, p *tsImport) {
	added := false
	for _, d := range p.defs {
		if !slices.Contains(g.parts.defs, d) {
			g.parts.defs = append(g.parts.defs, d)
			added = true
		}
	}
	for _, ns := range p.nss {
		if !slices.Contains(g.parts.nss, ns) {
			g.parts.nss = append(g.parts.nss, ns)
			added = true
		}
	}
	for _, n := range p.named {
		if !slices.Contains(g.parts.named, n) {
			g.parts.named = append(g.parts.named, n)
			added = true
		}
	}
	if g.parts.side && len(p.defs)+len(p.nss)+len(p.named) > 0 {
		g.parts.side = false
		added = true
	}
	if added {
		g.merged = true
		if l := it.leading(f.p.text); l != "" {
			g.lead = append(g.lead, l)
		}
	}
}

// render writes the group's import statements.
func (g *tsGroup) render() string {
	if g.parts == nil {
		return g.text
	}
	if !g.merged {
		return g.it.full(g.f.p.text)
	}
	p := g.parts
	if !p.side && len(p.defs)+len(p.nss)+len(p.named) == 0 {
		return "" // every name is imported elsewhere
	}
	stmtText := g.f.text(g.f.stmt(g.it).Span)
	semi := ""
	if strings.HasSuffix(strings.TrimSpace(stmtText), ";") {
		semi = ";"
	}
	open, close := "{ ", " }"
	if strings.Contains(stmtText, "{") && !strings.Contains(stmtText, "{ ") && !strings.Contains(stmtText, "{\n") {
		open, close = "{", "}"
	}
	from := " from " + string(p.quote) + p.spec + string(p.quote)
	if p.attrs != "" {
		from += " " + p.attrs
	}
	kw := "import "
	if p.typeOnly {
		kw = "import type "
	}
	var stmts []string
	defs, nss := p.defs, p.nss
	switch {
	case p.typeOnly:
		// A type-only import has a default, a namespace or named bindings.
		for _, d := range defs {
			stmts = append(stmts, kw+d+from)
		}
		for _, ns := range nss {
			stmts = append(stmts, kw+"* as "+ns+from)
		}
		if len(p.named) > 0 {
			stmts = append(stmts, kw+open+strings.Join(p.named, ", ")+close+from)
		}
	default:
		var clause []string
		if len(defs) > 0 {
			clause = append(clause, defs[0])
			defs = defs[1:]
		}
		switch {
		case len(p.named) > 0:
			clause = append(clause, open+strings.Join(p.named, ", ")+close)
		case len(nss) > 0:
			clause = append(clause, "* as "+nss[0])
			nss = nss[1:]
		}
		if len(clause) > 0 {
			stmts = append(stmts, kw+strings.Join(clause, ", ")+from)
		}
		for _, ns := range nss {
			stmts = append(stmts, kw+"* as "+ns+from)
		}
		for _, d := range defs {
			stmts = append(stmts, kw+d+from)
		}
		if len(stmts) == 0 {
			stmts = append(stmts, kw+string(p.quote)+p.spec+string(p.quote)+attrSuffix(p.attrs))
		}
	}
	var b strings.Builder
	b.WriteString(g.it.leading(g.f.p.text))
	for _, l := range g.lead {
		b.WriteString(l)
	}
	for i, s := range stmts {
		b.WriteString(s + semi)
		if i == 0 {
			b.WriteString(g.it.trailing(g.f.p.text))
		}
		b.WriteString("\n")
	}
	return b.String()
}

func attrSuffix(attrs string) string {
	if attrs == "" {
		return ""
	}
	return " " + attrs
}
