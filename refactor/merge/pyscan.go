package merge

import (
	"context"
	"fmt"
	"path"
	"slices"
	"strings"

	sitter "github.com/smacker/go-tree-sitter"
	sitterpy "github.com/smacker/go-tree-sitter/python"

	"github.com/relayout/relayout/parsers"
	"github.com/relayout/relayout/parsers/python"
)

// pySelf identifies the merged module for Python imports.
type pySelf struct {
	// mod is the target's module path without extension: "src/app/api/x",
	// or the package directory for an __init__ file.
	mod string
	// dir is the package that level-1 relative imports start from.
	dir string
	// pkg: the target is a package's __init__.
	pkg  bool
	opts *Options
}

func newPySelf(target string, opts *Options) *pySelf {
	t := path.Clean(strings.ReplaceAll(target, "\\", "/"))
	dir := path.Dir(t)
	mod := strings.TrimSuffix(strings.TrimSuffix(t, ".pyi"), ".py")
	pkg := path.Base(mod) == "__init__"
	if pkg {
		mod = dir
	}
	return &pySelf{mod: mod, dir: dir, pkg: pkg, opts: opts}
}

// isModule reports whether the module of a (possibly relative) import is
// the target. name, when not "", is appended (`from pkg import mod`).
func (s *pySelf) isModule(level int, module, name string) bool {
	if level == 0 {
		if name != "" {
			module += "." + name
		}
		return s.opts.isSelf(module)
	}
	base := s.dir
	for range level - 1 {
		if base == "." || base == "/" || base == "" {
			return false
		}
		base = path.Dir(base)
	}
	for _, part := range []string{module, name} {
		if part == "" {
			continue
		}
		p := strings.ReplaceAll(part, ".", "/")
		if base == "." {
			base = p
		} else {
			base += "/" + p
		}
	}
	return base == s.mod
}

// Import classes.
const (
	impNormal   = iota
	impSelfName // `from <self> import name`: the name now lives in the module
	impSelfMod  // binds the merged module itself (`import <self> as y`)
)

func (s *pySelf) classifyImport(r parsers.Ref) int {
	if s.isModule(0, r.Module, "") {
		return impSelfMod
	}
	return impNormal
}

func (s *pySelf) classifyFrom(r parsers.Ref, n parsers.Name) int {
	switch {
	case s.isModule(r.Level, r.Module, ""):
		return impSelfName
	case n.Name != "*" && s.isModule(r.Level, r.Module, n.Name):
		return impSelfMod
	}
	return impNormal
}

// Where a Python import statement is.
const (
	atTop      = iota // a top-level statement
	atTC              // in a hoisted `if TYPE_CHECKING:` block
	atCompound        // in a top-level if/try/with/for/while block
)

// Header item kinds.
const (
	hdrFuture = iota
	hdrImport
	hdrTry
	hdrTC
	hdrAll
)

// pyFile is one analysed Python source. Its tree stays open until close.
type pyFile struct {
	p    *prepared
	idx  int
	self *pySelf
	tree *sitter.Tree
	root *sitter.Node

	imports map[int][]parsers.Ref // import refs by Stmt.Start
	attrs   []parsers.Ref         // PyAttribute refs

	seg       segmented
	doc       *item
	header    []pyHeader
	bodyStart int
	body      []item // top-level items after the header

	bindings  []binding
	conflicts []Conflict
	all       []string // names of literal __all__ lists, in order
	hasAll    bool
	allQuote  byte
	wildcard  bool // has a non-self `from x import *` at top level
	// selfNames are names imported from the merged module itself at top
	// level (or in a hoisted TYPE_CHECKING block), with their line.
	selfNames []selfName
	// futures holds the __future__ features.
	futures map[string]bool

	uses map[string]int // identifier uses outside imports: name -> offset
}

type selfName struct {
	name   string
	line   int
	offset int
	tc     bool   // only for type checking: never used at run time
	what   string // the statement, for messages
}

type pyHeader struct {
	kind int
	item item
}

func (f *pyFile) close() {
	if f.tree != nil {
		f.tree.Close()
		f.tree = nil
	}
}

// parseTree parses text with a fresh parser. The caller must Close the tree.
func parseTree(ctx context.Context, lang *sitter.Language, text []byte) (*sitter.Tree, error) {
	p := sitter.NewParser()
	defer p.Close()
	p.SetLanguage(lang)
	return p.ParseCtx(ctx, nil, text)
}

// analyzePy extracts, parses and classifies one Python source. The caller
// must close the result.
func analyzePy(ctx context.Context, p *prepared, idx int, self *pySelf) (*pyFile, error) {
	res, err := python.Extract(ctx, p.text)
	if err != nil {
		return nil, fmt.Errorf("merge %s: %w", p.path, err)
	}
	if err := p.syntaxError(res.Errors); err != nil {
		return nil, err
	}
	tree, err := parseTree(ctx, sitterpy.GetLanguage(), p.text)
	if err != nil {
		return nil, fmt.Errorf("merge %s: parse: %w", p.path, err)
	}
	f := &pyFile{p: p, idx: idx, self: self, tree: tree, root: tree.RootNode(),
		imports: map[int][]parsers.Ref{}, futures: map[string]bool{}}
	if f.root.HasError() { // the extractor's parse agreed; be safe anyway
		f.close()
		return nil, &SyntaxError{Path: p.path, Line: 1, Col: 1}
	}
	for _, r := range res.Refs {
		switch r.Kind {
		case parsers.PyImport, parsers.PyFrom:
			f.imports[r.Stmt.Start] = append(f.imports[r.Stmt.Start], r)
		case parsers.PyAttribute:
			f.attrs = append(f.attrs, r)
		}
	}
	f.seg = segment(p.text, f.root, pyComments)
	f.classify()
	if it := f.misplacedFuture(); it != nil {
		// Python only accepts them at the top; the grammar does not care.
		f.close()
		pos := p.lines.Position(it.stmt.Start, parsers.UTF8)
		return nil, &SyntaxError{Path: p.path, Line: pos.Line + 1, Col: pos.Col + 1}
	}
	for i := range f.seg.items {
		f.bindStmt(f.seg.items[i].node, f.isHoistedTC(&f.seg.items[i]))
	}
	return f, nil
}

// misplacedFuture returns the first `from __future__` import that follows
// a statement other than the docstring and other future imports.
func (f *pyFile) misplacedFuture() *item {
	for i := range f.seg.items {
		it := &f.seg.items[i]
		if it.typ == "future_import_statement" || it == f.doc {
			continue
		}
		for j := i + 1; j < len(f.seg.items); j++ {
			if f.seg.items[j].typ == "future_import_statement" {
				return &f.seg.items[j]
			}
		}
		return nil
	}
	return nil
}

func (f *pyFile) text(n *sitter.Node) string { return nodeText(f.p.text, n) }

func (f *pyFile) line(offset int) int { return f.p.line(offset) }

// classify splits the top-level items into docstring, header and body.
func (f *pyFile) classify() {
	items := f.seg.items
	i := 0
	if len(items) > 0 && isDocstring(items[0].node) {
		f.doc = &items[0]
		i = 1
	}
	for ; i < len(items); i++ {
		it := items[i]
		kind := -1
		switch it.typ {
		case "future_import_statement":
			kind = hdrFuture
		case "import_statement", "import_from_statement":
			kind = hdrImport
		case "if_statement":
			if f.tcImportsOnly(it.node) {
				kind = hdrTC
			}
		case "try_statement":
			if importsOnlyTry(it.node) {
				kind = hdrTry
			}
		case "expression_statement":
			if _, ok := f.literalAll(it.node); ok {
				kind = hdrAll
			}
		}
		if kind < 0 {
			break
		}
		f.header = append(f.header, pyHeader{kind: kind, item: it})
	}
	f.body = items[i:]
	// Type-checking imports never run: such blocks move up from anywhere.
	for _, it := range f.body {
		if it.typ == "if_statement" && f.tcImportsOnly(it.node) {
			f.header = append(f.header, pyHeader{kind: hdrTC, item: it})
		}
	}
	switch {
	case len(f.body) > 0:
		f.bodyStart = f.body[0].lead
	case len(items) > 0:
		f.bodyStart = items[len(items)-1].cutEnd
	default:
		f.bodyStart = f.seg.preamble.End
	}
	for _, it := range items {
		if it.typ != "expression_statement" {
			continue
		}
		if names, ok := f.literalAll(it.node); ok {
			f.hasAll = true
			for _, n := range names {
				if !slices.Contains(f.all, n) {
					f.all = append(f.all, n)
				}
			}
		} else if f.assignsAll(it.node) {
			f.conflict("__all__", reasonAllLiteral, it.stmt.Start, oneLine(f.text(it.node)))
		}
	}
}

// isDocstring reports whether n is a string expression statement.
func isDocstring(n *sitter.Node) bool {
	if n.Type() != "expression_statement" || n.NamedChildCount() != 1 {
		return false
	}
	c := n.NamedChild(0)
	return c.Type() == "string" || c.Type() == "concatenated_string"
}

// isTCCondition reports whether n is `TYPE_CHECKING` or `x.TYPE_CHECKING`.
func (f *pyFile) isTCCondition(n *sitter.Node) bool {
	if n == nil {
		return false
	}
	switch n.Type() {
	case "identifier":
		return f.text(n) == "TYPE_CHECKING"
	case "attribute":
		a := n.ChildByFieldName("attribute")
		return a != nil && f.text(a) == "TYPE_CHECKING" && n.ChildByFieldName("object").Type() == "identifier"
	}
	return false
}

// tcImportsOnly reports whether n is `if TYPE_CHECKING:` with no elif or
// else and only imports (and pass) in its block.
func (f *pyFile) tcImportsOnly(n *sitter.Node) bool {
	if !f.isTCCondition(n.ChildByFieldName("condition")) || n.ChildByFieldName("alternative") != nil {
		return false
	}
	for i := range int(n.NamedChildCount()) {
		if t := n.NamedChild(i).Type(); t == "elif_clause" || t == "else_clause" {
			return false
		}
	}
	return blockOf(n.ChildByFieldName("consequence"), "import_statement", "import_from_statement", "pass_statement")
}

// importsOnlyTry reports whether n is a try statement whose blocks hold
// only imports and pass (the optional-dependency idiom) and no finally.
func importsOnlyTry(n *sitter.Node) bool {
	for i := range int(n.NamedChildCount()) {
		c := n.NamedChild(i)
		switch c.Type() {
		case "block":
			if !blockOf(c, "import_statement", "import_from_statement", "pass_statement") {
				return false
			}
		case "except_clause":
			for j := range int(c.NamedChildCount()) {
				if b := c.NamedChild(j); b.Type() == "block" && !blockOf(b, "import_statement", "import_from_statement", "pass_statement") {
					return false
				}
			}
		case "comment":
		default:
			return false
		}
	}
	return true
}

// blockOf reports whether every statement of block has one of types.
func blockOf(block *sitter.Node, types ...string) bool {
	if block == nil {
		return false
	}
	for i := range int(block.NamedChildCount()) {
		t := block.NamedChild(i).Type()
		if t != "comment" && !slices.Contains(types, t) {
			return false
		}
	}
	return true
}

// literalAll returns the names of `__all__ = [...]` / `(...)` when every
// element is a plain string.
func (f *pyFile) literalAll(n *sitter.Node) ([]string, bool) {
	if n.NamedChildCount() != 1 {
		return nil, false
	}
	a := n.NamedChild(0)
	if a.Type() != "assignment" {
		return nil, false
	}
	left, right := a.ChildByFieldName("left"), a.ChildByFieldName("right")
	if left == nil || right == nil || left.Type() != "identifier" || f.text(left) != "__all__" {
		return nil, false
	}
	if right.Type() != "list" && right.Type() != "tuple" {
		return nil, false
	}
	var names []string
	for i := range int(right.NamedChildCount()) {
		s := right.NamedChild(i)
		if s.Type() == "comment" {
			continue
		}
		name, quote, ok := f.plainString(s)
		if !ok {
			return nil, false
		}
		if f.allQuote == 0 {
			f.allQuote = quote
		}
		names = append(names, name)
	}
	return names, true
}

// assignsAll reports whether n is an assignment to __all__.
func (f *pyFile) assignsAll(n *sitter.Node) bool {
	if n.NamedChildCount() != 1 || n.NamedChild(0).Type() != "assignment" {
		return false
	}
	left := n.NamedChild(0).ChildByFieldName("left")
	return left != nil && left.Type() == "identifier" && f.text(left) == "__all__"
}

// plainString returns the content of a string literal without prefix,
// escapes or interpolation.
func (f *pyFile) plainString(s *sitter.Node) (string, byte, bool) {
	if s.Type() != "string" {
		return "", 0, false
	}
	t := f.text(s)
	if len(t) < 2 || (t[0] != '"' && t[0] != '\'') || t[len(t)-1] != t[0] || strings.ContainsAny(t, "\\{") {
		return "", 0, false
	}
	q := t[:1]
	if strings.HasPrefix(t, q+q+q) && len(t) >= 6 {
		return t[3 : len(t)-3], t[0], true
	}
	return t[1 : len(t)-1], t[0], true
}

func (f *pyFile) isHoistedTC(it *item) bool {
	for _, h := range f.header {
		if h.kind == hdrTC && h.item.stmt == it.stmt {
			return true
		}
	}
	return false
}

// bind records a top-level binding.
func (f *pyFile) bind(name string, n *sitter.Node, kind Kind, what, origin string) {
	if name == "_" || name == "__all__" {
		return
	}
	f.bindings = append(f.bindings, binding{name: name, src: f.idx, line: f.line(int(n.StartByte())),
		what: what, kind: kind, origin: origin})
}

// bindStmt records what a top-level statement (or one inside a top-level
// compound statement) binds; hoistedTC marks a header TYPE_CHECKING block.
func (f *pyFile) bindStmt(n *sitter.Node, hoistedTC bool) {
	f.bindIn(n, atTop, hoistedTC)
}

func (f *pyFile) bindIn(n *sitter.Node, where int, hoistedTC bool) {
	switch n.Type() {
	case "function_definition", "class_definition":
		if name := n.ChildByFieldName("name"); name != nil {
			kind, kw := Function, "def "
			if n.Type() == "class_definition" {
				kind, kw = Class, "class "
			}
			f.bind(f.text(name), n, kind, kw+f.text(name), "")
		}
	case "decorated_definition":
		if d := n.ChildByFieldName("definition"); d != nil {
			f.bindIn(d, where, false)
		}
	case "expression_statement":
		for i := range int(n.NamedChildCount()) {
			if a := n.NamedChild(i); a.Type() == "assignment" {
				f.bindAssignment(a)
			}
		}
	case "type_alias_statement":
		if t := n.NamedChild(0); t != nil {
			name := strings.TrimSpace(f.text(t))
			if k := strings.IndexAny(name, "[ "); k >= 0 {
				name = name[:k]
			}
			f.bind(name, n, Type, "type "+name, "")
		}
	case "import_statement", "import_from_statement", "future_import_statement":
		f.bindImport(n, where)
	case "if_statement":
		w := atCompound
		if where == atTop && hoistedTC {
			w = atTC
		}
		f.bindChildren(n, w)
	case "for_statement":
		f.bindTargets(n.ChildByFieldName("left"), n)
		f.bindChildren(n, atCompound)
	case "with_statement":
		f.bindWith(n)
		f.bindChildren(n, atCompound)
	case "try_statement", "while_statement", "match_statement":
		f.bindChildren(n, atCompound)
	}
}

// bindChildren binds the statements of the blocks and clauses of a
// compound statement (not the bodies of functions and classes).
func (f *pyFile) bindChildren(n *sitter.Node, where int) {
	for i := range int(n.NamedChildCount()) {
		c := n.NamedChild(i)
		switch c.Type() {
		case "block":
			for j := range int(c.NamedChildCount()) {
				f.bindIn(c.NamedChild(j), where, false)
			}
		case "elif_clause", "else_clause", "except_clause", "except_group_clause", "finally_clause", "case_clause":
			f.bindChildren(c, atCompound)
		}
	}
}

func (f *pyFile) bindWith(n *sitter.Node) {
	var walk func(c *sitter.Node)
	walk = func(c *sitter.Node) {
		if c.Type() == "as_pattern_target" {
			f.bindTargets(c, n)
			return
		}
		if c.Type() == "block" {
			return
		}
		for i := range int(c.NamedChildCount()) {
			walk(c.NamedChild(i))
		}
	}
	walk(n)
}

func (f *pyFile) bindAssignment(a *sitter.Node) {
	f.bindTargets(a.ChildByFieldName("left"), a)
	if r := a.ChildByFieldName("right"); r != nil && r.Type() == "assignment" {
		f.bindAssignment(r)
	}
}

// bindTargets binds the names of an assignment target.
func (f *pyFile) bindTargets(t, stmt *sitter.Node) {
	if t == nil {
		return
	}
	switch t.Type() {
	case "identifier":
		name := f.text(t)
		f.bind(name, stmt, Variable, oneLine(f.text(stmt)), "")
	case "pattern_list", "tuple_pattern", "list_pattern", "tuple", "list", "list_splat_pattern",
		"parenthesized_expression", "expression_list", "as_pattern_target", "list_splat":
		for i := range int(t.NamedChildCount()) {
			f.bindTargets(t.NamedChild(i), stmt)
		}
	}
}

// refsOf returns the import refs of statement n.
func (f *pyFile) refsOf(n *sitter.Node) []parsers.Ref {
	return f.imports[int(n.StartByte())]
}

// bindImport records the names an import binds and the imports of the
// merged module itself.
func (f *pyFile) bindImport(n *sitter.Node, where int) {
	what := oneLine(f.text(n))
	for _, r := range f.refsOf(n) {
		if r.Stmt.Start != int(n.StartByte()) {
			continue
		}
		if r.Kind == parsers.PyImport {
			local, origin := r.Alias, r.Module
			if local == "" {
				local, _, _ = strings.Cut(r.Module, ".")
				origin = local
			}
			if f.self.classifyImport(r) == impSelfMod {
				f.selfImport(n, where, local, r.Alias == "", r.Module, r.Span.Start)
				continue
			}
			f.bind(local, n, Import, what, origin)
			continue
		}
		if r.Module == "__future__" && r.Level == 0 {
			for _, nm := range r.Names {
				f.futures[nm.Name] = true
			}
			continue
		}
		for _, nm := range r.Names {
			local := nm.Alias
			if local == "" {
				local = nm.Name
			}
			switch f.self.classifyFrom(r, nm) {
			case impSelfName:
				if where == atCompound {
					f.conflict(nm.Name, reasonNestedSelf, nm.NameSpan.Start, what)
					continue
				}
				if nm.Name == "*" {
					continue
				}
				if local != nm.Name {
					f.conflict(local, reasonAliasedSelf, nm.NameSpan.Start, what)
					continue
				}
				f.selfNames = append(f.selfNames, selfName{name: nm.Name, line: f.line(nm.NameSpan.Start), offset: nm.NameSpan.Start,
					tc: where == atTC, what: what})
			case impSelfMod:
				f.selfImport(n, where, local, false, "", nm.NameSpan.Start)
			default:
				if nm.Name == "*" {
					f.wildcard = true
					continue
				}
				f.bind(local, n, Import, what, fromOrigin(r, nm.Name))
			}
		}
	}
}

// fromOrigin is what `from <r> import name` binds: leading dots, module
// and name ("..pkg.mod.name").
func fromOrigin(r parsers.Ref, name string) string {
	o := strings.Repeat(".", r.Level) + r.Module
	if r.Module != "" {
		o += "."
	}
	return o + name
}

// selfImport handles an import that binds the merged module itself to
// local: it is dropped, and any use of local is a conflict. plain is a
// plain `import a.b.x` (local is its first component, and the uses are the
// attribute chains through module).
func (f *pyFile) selfImport(n *sitter.Node, where int, local string, plain bool, module string, at int) {
	what := oneLine(f.text(n))
	if where == atCompound {
		f.conflict(local, reasonNestedSelf, at, what)
		return
	}
	if plain {
		for _, a := range f.attrs {
			if a.Module == module {
				f.conflict(local, reasonModuleAlias, at, what, Site{Path: f.p.path, Line: f.line(a.Span.Start), What: "use " + f.p.text2(a.Span)})
				return
			}
		}
		return
	}
	if off, ok := f.identUses()[local]; ok {
		f.conflict(local, reasonModuleAlias, at, what, Site{Path: f.p.path, Line: f.line(off), What: "use of " + local})
	}
}

func (p *prepared) text2(s parsers.Span) string { return string(p.text[s.Start:s.End]) }

func (f *pyFile) conflict(name, reason string, at int, what string, more ...Site) {
	sites := append([]Site{{Path: f.p.path, Line: f.line(at), What: what}}, more...)
	f.conflicts = append(f.conflicts, Conflict{Name: name, Reason: reason, Sites: sites})
}

// identUses returns the first offset of every identifier used outside
// import statements, leaving out attribute names and keyword argument
// names (computed once).
func (f *pyFile) identUses() map[string]int {
	if f.uses != nil {
		return f.uses
	}
	f.uses = map[string]int{}
	var walk func(n *sitter.Node)
	walk = func(n *sitter.Node) {
		switch n.Type() {
		case "import_statement", "import_from_statement", "future_import_statement":
			return
		case "identifier":
			name := f.text(n)
			if _, ok := f.uses[name]; !ok {
				f.uses[name] = int(n.StartByte())
			}
			return
		case "attribute":
			if o := n.ChildByFieldName("object"); o != nil {
				walk(o)
			}
			return
		case "keyword_argument":
			if v := n.ChildByFieldName("value"); v != nil {
				walk(v)
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

// loadTimeUse returns the offset of the first use of name in code that
// runs when the module is imported: top-level statements, class bodies,
// decorators, default values and (unless annotations are postponed)
// annotations, but not function bodies.
func (f *pyFile) loadTimeUse(name string, lazyAnnotations bool) (int, bool) {
	found := -1
	var walk func(n *sitter.Node)
	walkField := func(n *sitter.Node, field string) {
		if c := n.ChildByFieldName(field); c != nil {
			walk(c)
		}
	}
	walk = func(n *sitter.Node) {
		if found >= 0 {
			return
		}
		switch n.Type() {
		case "import_statement", "import_from_statement", "future_import_statement", "lambda":
			return
		case "identifier":
			if f.text(n) == name {
				found = int(n.StartByte())
			}
			return
		case "type":
			if lazyAnnotations {
				return
			}
		case "attribute":
			walkField(n, "object")
			return
		case "keyword_argument":
			walkField(n, "value")
			return
		case "function_definition":
			if ps := n.ChildByFieldName("parameters"); ps != nil {
				for i := range int(ps.NamedChildCount()) {
					p := ps.NamedChild(i)
					walkField(p, "value")
					walkField(p, "type")
				}
			}
			walkField(n, "return_type")
			return
		case "class_definition":
			walkField(n, "superclasses")
			walkField(n, "body")
			return
		}
		for i := range int(n.NamedChildCount()) {
			walk(n.NamedChild(i))
		}
	}
	walk(f.root)
	return found, found >= 0
}
