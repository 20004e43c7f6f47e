package merge

import (
	"bytes"
	"context"
	"fmt"
	"path"
	"regexp"
	"strings"

	"github.com/relayout/relayout/parsers"
	"github.com/relayout/relayout/parsers/typescript"
)

// tsSelf identifies the merged module for TS/JS specifiers.
type tsSelf struct {
	target string // cleaned target path
	noExt  string // target without its extension
	dir    string
	index  bool // the target is an index file: its directory names it
	opts   *Options
}

var tsExt = regexp.MustCompile(`(\.d)?\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$`)

func newTSSelf(target string, opts *Options) *tsSelf {
	t := path.Clean(strings.ReplaceAll(target, "\\", "/"))
	noExt := tsExt.ReplaceAllString(t, "")
	return &tsSelf{target: t, noExt: noExt, dir: path.Dir(t), index: path.Base(noExt) == "index", opts: opts}
}

// is reports whether spec, written in the target, refers to the target.
// Relative specifiers are resolved against the target's directory, with or
// without an extension (`./x`, `./x.js` for x.ts); others go to IsSelf.
func (s *tsSelf) is(spec string) bool {
	if spec == "." || spec == ".." || strings.HasPrefix(spec, "./") || strings.HasPrefix(spec, "../") {
		p := path.Join(s.dir, spec)
		if p == s.target || tsExt.ReplaceAllString(p, "") == s.noExt {
			return true
		}
		return s.index && p == s.dir
	}
	return s.opts.isSelf(spec)
}

// tsFile is one analysed TS/JS source.
type tsFile struct {
	p    *prepared
	idx  int
	lang parsers.Lang
	self *tsSelf
	mod  *typescript.Module

	refs map[int]parsers.Ref // import/export/import-equals refs by Stmt.Start

	// tripleSlash holds the `/// <reference ...>` lines that opened the
	// file; they were blanked in p.text.
	tripleSlash []string
	seg         segmented
	directives  []item
	hoisted     []item // import and re-export statements, anywhere at top level
	body        []item // everything else

	bindings   []binding
	conflicts  []Conflict
	selfNames  []selfName
	selfDefs   []selfName // default imports of the merged module (name is the local name)
	selfReexps []item     // `export {...} from <self>` statements
	// defaultLocal is the local name of the default export when it is a
	// named declaration or an identifier ("" otherwise).
	defaultLocal string
	hasDefault   bool
	exportAssign *parsers.Span // `export = x`
	exportsAny   bool          // the source exports anything

	uses map[string]int
}

func (f *tsFile) text(s parsers.Span) string { return f.p.text2(s) }

// stmt returns the top-level statement of an item.
func (f *tsFile) stmt(it item) *typescript.Stmt { return &f.mod.Stmts[it.idx] }

func (f *tsFile) line(offset int) int { return f.p.line(offset) }

func (f *tsFile) conflict(name, reason string, at int, what string, more ...Site) {
	sites := append([]Site{{Path: f.p.path, Line: f.line(at), What: what}}, more...)
	f.conflicts = append(f.conflicts, Conflict{Name: name, Reason: reason, Sites: sites})
}

var tripleSlashRe = regexp.MustCompile(`^///\s*<(reference|amd-module|amd-dependency)\b`)

// takeTripleSlash blanks the triple-slash directives among the comments
// that open text (offsets stay put) and returns them.
func takeTripleSlash(text []byte) []string {
	var out []string
	inBlock := false
	for i := 0; i < len(text); {
		e := lineEnd(text, i)
		l := bytes.TrimSpace(text[i:e])
		switch {
		case inBlock:
			inBlock = !bytes.Contains(l, []byte("*/"))
		case len(l) == 0, bytes.HasPrefix(l, []byte("#!")) && i == 0:
		case tripleSlashRe.Match(l):
			out = append(out, string(l))
			for k := i; k < e; k++ {
				text[k] = ' '
			}
		case bytes.HasPrefix(l, []byte("//")):
		case bytes.HasPrefix(l, []byte("/*")):
			inBlock = !bytes.Contains(l[2:], []byte("*/"))
		default:
			return out
		}
		i = e + 1
	}
	return out
}

// analyzeTS extracts, parses and classifies one TS/JS source.
func analyzeTS(ctx context.Context, lang parsers.Lang, p *prepared, idx int, self *tsSelf) (*tsFile, error) {
	res, err := typescript.Extract(ctx, lang, p.text)
	if err != nil {
		return nil, fmt.Errorf("merge %s: %w", p.path, err)
	}
	if err := p.syntaxError(res.Errors); err != nil {
		return nil, err
	}
	p.text = bytes.Clone(p.text)
	f := &tsFile{p: p, idx: idx, lang: lang, self: self, refs: map[int]parsers.Ref{}}
	f.tripleSlash = takeTripleSlash(p.text)
	if f.mod, err = typescript.Defs(ctx, lang, p.text); err != nil {
		return nil, fmt.Errorf("merge %s: parse: %w", p.path, err)
	}
	for _, r := range res.Refs {
		switch r.Kind {
		case parsers.TSImport, parsers.TSExport, parsers.TSImportEquals:
			f.refs[r.Stmt.Start] = r
		case parsers.TSRequire:
			if self.is(r.Module) && f.atLoadTime(r.Stmt) {
				f.conflict("require", reasonRequireSelf, r.Stmt.Start, oneLine(string(p.text[r.Stmt.Start:r.Stmt.End])))
			}
		}
	}
	nodes := make([]node, len(f.mod.Stmts))
	for i, st := range f.mod.Stmts {
		nodes[i] = node{span: st.Span, comment: st.Kind == typescript.StmtComment || st.Kind == typescript.StmtHashBang,
			magic: st.Kind == typescript.StmtHashBang}
	}
	f.seg = segment(p.text, nodes, true, 0, tsComments)
	f.classify()
	return f, nil
}

// classify sorts the top-level items into directives, hoisted imports and
// re-exports, and body, and records bindings.
func (f *tsFile) classify() {
	items := f.seg.items
	i := 0
	for ; i < len(items) && f.stmt(items[i]).Kind == typescript.StmtDirective; i++ {
		f.directives = append(f.directives, items[i])
	}
	for ; i < len(items); i++ {
		it := items[i]
		r, ok := f.refs[it.stmt.Start]
		if k := f.stmt(it).Kind; !ok || (k != typescript.StmtImport && k != typescript.StmtExport) {
			f.body = append(f.body, it)
			f.declare(f.stmt(it))
			continue
		}
		// `export import x = require('s')` is two nodes for the grammar.
		for r.Stmt.End > it.stmt.End && i+1 < len(items) && items[i+1].stmt.Start < r.Stmt.End {
			i++
			it.stmt.End = items[i].stmt.End
			it.end, it.cutEnd, it.whole = items[i].end, items[i].cutEnd, items[i].whole
		}
		f.hoisted = append(f.hoisted, it)
		f.bindImport(it, r)
	}
}

func (f *tsFile) bind(name string, at int, kind Kind, what, origin string, exported bool) {
	f.bindings = append(f.bindings, binding{name: name, src: f.idx, line: f.line(at), what: what,
		kind: kind, origin: origin, exported: exported})
	if exported {
		f.exportsAny = true
	}
}

// bindImport records what a hoisted import or re-export binds, and the
// imports of the merged module itself.
func (f *tsFile) bindImport(it item, r parsers.Ref) {
	what := oneLine(f.text(f.stmt(it).Span))
	self := f.self.is(r.Module)
	switch r.Kind {
	case parsers.TSImport, parsers.TSImportEquals:
		exported := f.stmt(it).Kind == typescript.StmtExport
		for _, nm := range r.Names {
			local := nm.Alias
			if local == "" {
				local = nm.Name
			}
			at := nm.NameSpan.Start
			if nm.AliasSpan.Len() > 0 {
				at = nm.AliasSpan.Start
			}
			if !self {
				f.bind(local, at, Import, what, r.Module+":"+nm.Name, exported)
				if exported {
					f.bindings[len(f.bindings)-1].reexport = normSpace(f.text(f.stmt(it).Span))
				}
				continue
			}
			switch {
			case nm.Name == "*" || r.Kind == parsers.TSImportEquals:
				if exported {
					f.conflict(local, reasonModuleAlias, at, what)
				} else if off, ok := f.identUses()[local]; ok {
					f.conflict(local, reasonModuleAlias, at, what, Site{Path: f.p.path, Line: f.line(off), What: "use of " + local})
				}
			case nm.Name == "default":
				f.selfDefs = append(f.selfDefs, selfName{name: local, line: f.line(at), offset: at, what: what})
			case local != nm.Name:
				f.conflict(local, reasonAliasedSelf, at, what)
			default:
				f.selfNames = append(f.selfNames, selfName{name: nm.Name, line: f.line(at), offset: at,
					tc: r.TypeOnly || f.typeSpecifier(nm), what: what})
			}
		}
	case parsers.TSExport:
		for _, nm := range r.Names {
			at := nm.NameSpan.Start
			switch {
			case nm.Name == "*" && nm.Alias == "":
				// export * exports no name of its own.
			case self && nm.Name == "*":
				f.conflict(nm.Alias, reasonModuleAlias, nm.AliasSpan.Start, what)
			case self && (nm.Alias == "" || nm.Alias == nm.Name):
				// Re-exporting a name of the merged module under its own name:
				// it becomes a local export, or goes when already exported.
			case self:
				f.bind(nm.Alias, nm.AliasSpan.Start, Export, what, "<self>:"+nm.Name, true)
			default:
				exp := nm.Alias
				if exp == "" {
					exp = nm.Name
				}
				f.bind(exp, at, Export, what, r.Module+":"+nm.Name, true)
				f.bindings[len(f.bindings)-1].reexport = normSpace(f.text(f.stmt(it).Span))
			}
		}
		if self && len(r.Names) > 0 && r.Names[0].Name != "*" {
			f.selfReexps = append(f.selfReexps, it)
			for _, nm := range r.Names {
				if nm.Name != "*" {
					f.selfNames = append(f.selfNames, selfName{name: nm.Name, line: f.line(nm.NameSpan.Start),
						offset: nm.NameSpan.Start, tc: true, what: what})
				}
			}
		}
	}
}

// typeSpecifier reports whether a named import is written `type X`.
func (f *tsFile) typeSpecifier(nm parsers.Name) bool {
	ls := lineStart(f.p.text, nm.NameSpan.Start)
	before := strings.TrimRight(string(f.p.text[ls:nm.NameSpan.Start]), " \t")
	return strings.HasSuffix(before, "type") && !strings.HasSuffix(before, "import type")
}

// declare records the names a top-level statement declares and exports.
func (f *tsFile) declare(st *typescript.Stmt) {
	if st.ExportAssign {
		f.exportAssign = &st.Span
		f.exportsAny = true
	}
	if st.ExportsAny {
		f.exportsAny = true
	}
	for _, d := range st.Decls {
		switch d.Kind {
		case typescript.DeclFunction:
			f.bind(d.Name, d.At, Function, "function "+d.Name, "", d.Exported)
		case typescript.DeclClass:
			f.bind(d.Name, d.At, Class, "class "+d.Name, "", d.Exported)
		case typescript.DeclType:
			f.bind(d.Name, d.At, Type, d.Keyword+" "+d.Name, "", d.Exported)
		case typescript.DeclEnum:
			f.bind(d.Name, d.At, Enum, "enum "+d.Name, "", d.Exported)
		case typescript.DeclVariable:
			f.bind(d.Name, d.At, Variable, d.Keyword+" "+d.Name, "", d.Exported)
		case typescript.DeclNamespace:
			f.bind(d.Name, d.At, Namespace, "namespace "+d.Name, "", d.Exported)
		case typescript.DeclCommonJS:
			f.bind(d.Name, d.At, Export, oneLine(f.text(d.Node)), "", true)
		case typescript.DeclImportAlias:
			f.bind(d.Name, d.At, Import, oneLine(f.text(d.Node)), "alias:"+normSpace(f.text(d.Value)), d.Exported)
		case typescript.DeclDefault:
			f.hasDefault = true
			f.defaultLocal = st.DefaultLocal
			f.bind("default", d.At, Export, "export default", "", true)
		case typescript.DeclExportSpec:
			if d.Name == "default" {
				f.hasDefault = true
				f.defaultLocal = d.Local
				f.bind("default", d.At, Export, "export {"+d.Local+" as default}", "", true)
				continue
			}
			f.bind(d.Name, d.At, Export, "export {"+f.text(d.Spec)+"}", f.localOrigin(d.Local), true)
		}
	}
}

// localOrigin returns the origin of an imported local name ("" when the
// name is declared in the source).
func (f *tsFile) localOrigin(local string) string {
	for _, b := range f.bindings {
		if b.name == local && b.kind == Import {
			return b.origin
		}
	}
	return ""
}

// identUses returns the first offset of every identifier outside import
// statements (computed once).
func (f *tsFile) identUses() map[string]int {
	if f.uses != nil {
		return f.uses
	}
	f.uses = map[string]int{}
	for _, id := range f.mod.Idents {
		if _, ok := f.uses[id.Name]; !ok {
			f.uses[id.Name] = id.Offset
		}
	}
	return f.uses
}

// atLoadTime reports whether the code at s runs while the module
// evaluates: it is not inside a function.
func (f *tsFile) atLoadTime(s parsers.Span) bool {
	for _, fn := range f.mod.Functions {
		if fn.Start <= s.Start && s.End <= fn.End {
			return false
		}
	}
	return true
}

// loadTimeUse returns the offset of the first use of name as a value in
// code that runs when the module is evaluated (not in function bodies,
// class bodies, types or re-export statements).
func (f *tsFile) loadTimeUse(name string) (int, bool) {
	for _, id := range f.mod.Idents {
		if id.Name != name || !id.LoadTime {
			continue
		}
		if _, reexport := f.refs[id.Export]; id.Export >= 0 && reexport {
			continue
		}
		return id.Offset, true
	}
	return -1, false
}
