package merge

import (
	"bytes"
	"context"
	"fmt"
	"path"
	"regexp"
	"strings"

	sitter "github.com/smacker/go-tree-sitter"
	"github.com/smacker/go-tree-sitter/typescript/tsx"
	tsgrammar "github.com/smacker/go-tree-sitter/typescript/typescript"

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

// tsFile is one analysed TS/JS source. Its tree stays open until close.
type tsFile struct {
	p    *prepared
	idx  int
	lang parsers.Lang
	self *tsSelf
	tree *sitter.Tree
	root *sitter.Node

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
	exportAssign *item // `export = x`
	exportsAny   bool  // the source exports anything

	uses map[string]int
}

func (f *tsFile) close() {
	if f.tree != nil {
		f.tree.Close()
		f.tree = nil
	}
}

func (f *tsFile) text(n *sitter.Node) string { return nodeText(f.p.text, n) }

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

var (
	assertKeyword = []byte("assert")
	withKeyword   = []byte("with  ")
)

// withForAssert replaces the keyword of legacy import attributes (`from
// 'x' assert {...}`) by "with" and two spaces, which the grammar knows;
// offsets stay put (parsers/typescript does the same before parsing).
func withForAssert(src []byte) []byte {
	out := src
	for i := 0; ; {
		j := bytes.Index(src[i:], assertKeyword)
		if j < 0 {
			return out
		}
		k := i + j
		i = k + len(assertKeyword)
		b := k - 1
		for b >= 0 && (src[b] == ' ' || src[b] == '\t' || src[b] == '\n') {
			b--
		}
		if b < 0 || src[b] != '\'' && src[b] != '"' {
			continue
		}
		a := skipSpaces(src, i)
		if a == len(src) || src[a] != '{' {
			continue
		}
		if &out[0] == &src[0] {
			out = bytes.Clone(src)
		}
		copy(out[k:], withKeyword)
	}
}

// analyzeTS extracts, parses and classifies one TS/JS source. The caller
// must close the result.
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
	g := tsgrammar.GetLanguage()
	if lang != parsers.TypeScript {
		g = tsx.GetLanguage()
	}
	tree, err := parseTree(ctx, g, withForAssert(p.text))
	if err != nil {
		return nil, fmt.Errorf("merge %s: parse: %w", p.path, err)
	}
	f.tree, f.root = tree, tree.RootNode()
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
	f.seg = segment(p.text, f.root, tsComments)
	f.classify()
	return f, nil
}

// classify sorts the top-level items into directives, hoisted imports and
// re-exports, and body, and records bindings.
func (f *tsFile) classify() {
	items := f.seg.items
	i := 0
	for ; i < len(items) && f.isDirective(items[i].node); i++ {
		f.directives = append(f.directives, items[i])
	}
	for ; i < len(items); i++ {
		it := items[i]
		r, ok := f.refs[it.stmt.Start]
		if !ok || (it.typ != "import_statement" && it.typ != "export_statement") {
			f.body = append(f.body, it)
			f.declare(it.node, false)
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

// isDirective reports whether n is a string expression statement ("use
// client", 'use strict').
func (f *tsFile) isDirective(n *sitter.Node) bool {
	return n.Type() == "expression_statement" && n.NamedChildCount() == 1 && n.NamedChild(0).Type() == "string"
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
	what := oneLine(f.text(it.node))
	self := f.self.is(r.Module)
	switch r.Kind {
	case parsers.TSImport, parsers.TSImportEquals:
		exported := it.typ == "export_statement"
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
					f.bindings[len(f.bindings)-1].reexport = normSpace(f.text(it.node))
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
				f.bindings[len(f.bindings)-1].reexport = normSpace(f.text(it.node))
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

// declare records the names a top-level statement declares.
func (f *tsFile) declare(n *sitter.Node, exported bool) {
	what := func(kw string, name string) string { return kw + " " + name }
	switch n.Type() {
	case "export_statement":
		f.declareExport(n)
	case "function_declaration", "generator_function_declaration", "function_signature":
		if name := n.ChildByFieldName("name"); name != nil {
			f.bind(f.text(name), int(name.StartByte()), Function, what("function", f.text(name)), "", exported)
		}
	case "class_declaration", "abstract_class_declaration":
		if name := n.ChildByFieldName("name"); name != nil {
			f.bind(f.text(name), int(name.StartByte()), Class, what("class", f.text(name)), "", exported)
		}
	case "interface_declaration", "type_alias_declaration":
		if name := n.ChildByFieldName("name"); name != nil {
			kw := "type"
			if n.Type() == "interface_declaration" {
				kw = "interface"
			}
			f.bind(f.text(name), int(name.StartByte()), Type, what(kw, f.text(name)), "", exported)
		}
	case "enum_declaration":
		if name := n.ChildByFieldName("name"); name != nil {
			f.bind(f.text(name), int(name.StartByte()), Enum, what("enum", f.text(name)), "", exported)
		}
	case "lexical_declaration", "variable_declaration":
		kw := strings.Fields(f.text(n))[0]
		for i := range int(n.NamedChildCount()) {
			if d := n.NamedChild(i); d.Type() == "variable_declarator" {
				f.declarePattern(d.ChildByFieldName("name"), kw, exported)
			}
		}
	case "internal_module", "module":
		if name := n.ChildByFieldName("name"); name != nil && name.Type() != "string" {
			s, _, _ := strings.Cut(f.text(name), ".")
			f.bind(s, int(name.StartByte()), Namespace, what("namespace", s), "", exported)
		}
	case "expression_statement":
		c := n.NamedChild(0)
		if c == nil {
			return
		}
		switch c.Type() {
		case "internal_module":
			f.declare(c, exported)
		case "assignment_expression":
			// CommonJS: module.exports = ..., exports.x = ...
			if left := c.ChildByFieldName("left"); left != nil && left.Type() == "member_expression" {
				l := strings.Join(strings.Fields(f.text(left)), "")
				if l == "module.exports" || strings.HasPrefix(l, "exports.") || strings.HasPrefix(l, "module.exports.") {
					f.bind(l, int(n.StartByte()), Export, oneLine(f.text(n)), "", true)
				}
			}
		}
	case "ambient_declaration":
		for i := range int(n.NamedChildCount()) {
			f.declare(n.NamedChild(i), exported)
		}
	case "import_alias":
		if name := n.NamedChild(0); name != nil {
			f.bind(f.text(name), int(name.StartByte()), Import, oneLine(f.text(n)), "alias:"+normSpace(f.text(n.NamedChild(1))), exported)
		}
	}
}

// declarePattern binds the names of a declarator's name pattern.
func (f *tsFile) declarePattern(p *sitter.Node, kw string, exported bool) {
	if p == nil {
		return
	}
	switch p.Type() {
	case "identifier", "shorthand_property_identifier_pattern":
		f.bind(f.text(p), int(p.StartByte()), Variable, kw+" "+f.text(p), "", exported)
	case "object_pattern", "array_pattern", "rest_pattern":
		for i := range int(p.NamedChildCount()) {
			f.declarePattern(p.NamedChild(i), kw, exported)
		}
	case "pair_pattern":
		f.declarePattern(p.ChildByFieldName("value"), kw, exported)
	case "assignment_pattern", "object_assignment_pattern":
		f.declarePattern(p.ChildByFieldName("left"), kw, exported)
	}
}

// declareExport handles an export statement without a source.
func (f *tsFile) declareExport(n *sitter.Node) {
	isDefault, isAssign := false, false
	for i := range int(n.ChildCount()) {
		switch c := n.Child(i); c.Type() {
		case "default":
			isDefault = true
		case "=":
			isAssign = true
		}
	}
	at := int(n.StartByte())
	switch {
	case isAssign:
		it := item{node: n, stmt: spanOf(n)}
		f.exportAssign = &it
		f.exportsAny = true
		return
	case isDefault:
		f.hasDefault = true
		if d := n.ChildByFieldName("declaration"); d != nil {
			f.declare(d, false)
			if name := d.ChildByFieldName("name"); name != nil {
				f.defaultLocal = f.text(name)
			}
		} else if v := n.ChildByFieldName("value"); v != nil && v.Type() == "identifier" {
			f.defaultLocal = f.text(v)
		}
		f.bind("default", at, Export, "export default", "", true)
		return
	}
	if d := n.ChildByFieldName("declaration"); d != nil {
		f.declare(d, true)
		f.exportsAny = true
		return
	}
	for i := range int(n.NamedChildCount()) {
		c := n.NamedChild(i)
		if c.Type() != "export_clause" {
			continue
		}
		f.exportsAny = true
		for j := range int(c.NamedChildCount()) {
			spec := c.NamedChild(j)
			if spec.Type() != "export_specifier" {
				continue
			}
			name, alias := spec.ChildByFieldName("name"), spec.ChildByFieldName("alias")
			if name == nil {
				continue
			}
			local := f.text(name)
			exp := local
			if alias != nil {
				exp = strings.Trim(f.text(alias), `"'`)
			}
			if exp == "default" {
				f.hasDefault = true
				f.defaultLocal = local
				f.bind("default", int(spec.StartByte()), Export, "export {"+local+" as default}", "", true)
				continue
			}
			f.bind(exp, int(spec.StartByte()), Export, "export {"+f.text(spec)+"}", f.localOrigin(local), true)
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
	var walk func(n *sitter.Node)
	walk = func(n *sitter.Node) {
		switch n.Type() {
		case "import_statement":
			return
		case "identifier", "shorthand_property_identifier":
			name := f.text(n)
			if _, ok := f.uses[name]; !ok {
				f.uses[name] = int(n.StartByte())
			}
			return
		}
		for i := range int(n.NamedChildCount()) {
			walk(n.NamedChild(i))
		}
	}
	walk(f.root)
	return f.uses
}

// atLoadTime reports whether the code at s runs while the module
// evaluates: it is not inside a function.
func (f *tsFile) atLoadTime(s parsers.Span) bool {
	for n := f.root; n != nil; {
		switch n.Type() {
		case "function_declaration", "generator_function_declaration", "function_expression", "function",
			"generator_function", "arrow_function", "method_definition":
			return false
		}
		var next *sitter.Node
		for i := range int(n.NamedChildCount()) {
			if c := n.NamedChild(i); int(c.StartByte()) <= s.Start && s.End <= int(c.EndByte()) {
				next = c
				break
			}
		}
		n = next
	}
	return true
}

// loadTimeUse returns the offset of the first use of name as a value in
// code that runs when the module is evaluated (not in function bodies,
// class bodies or types).
func (f *tsFile) loadTimeUse(name string) (int, bool) {
	found := -1
	var walk func(n *sitter.Node)
	walk = func(n *sitter.Node) {
		if found >= 0 {
			return
		}
		switch n.Type() {
		case "import_statement", "function_declaration", "generator_function_declaration", "function_expression",
			"function", "generator_function", "arrow_function", "method_definition", "class_body",
			"interface_declaration", "type_alias_declaration", "type_annotation", "type_arguments",
			"type_parameters", "type_query", "ambient_declaration", "function_signature":
			return
		case "identifier", "shorthand_property_identifier":
			if f.text(n) == name {
				found = int(n.StartByte())
			}
			return
		case "member_expression":
			if o := n.ChildByFieldName("object"); o != nil {
				walk(o)
			}
			return
		case "variable_declarator":
			if v := n.ChildByFieldName("value"); v != nil {
				walk(v)
			}
			return
		case "export_statement":
			if _, ok := f.refs[int(n.StartByte())]; ok {
				return
			}
		}
		for i := range int(n.NamedChildCount()) {
			walk(n.NamedChild(i))
		}
	}
	walk(f.root)
	return found, found >= 0
}
