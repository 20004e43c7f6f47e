package python

import (
	"bytes"
	"cmp"
	"context"
	"slices"
	"strings"

	sitter "github.com/smacker/go-tree-sitter"

	"github.com/relayout/relayout/parsers"
)

// extractor accumulates the matches of one query run over one tree. Nodes
// it holds are only valid until the tree is closed: result() turns them
// into plain spans first.
type extractor struct {
	ctx   context.Context
	src   []byte // as given: all text comes from here
	text  []byte // as parsed (NULs blanked, same offsets): anchors are found here
	qs    *queries
	root  *sitter.Node
	cur   *sitter.QueryCursor
	clean bool // the tree has no ERROR or MISSING node

	lastStmt     *sitter.Node // see stmtSpan
	lastStmtSpan parsers.Span
	steps        int   // matches and anchors handled, for ctx checks
	nl           []int // offsets of '\n' in src, built on first use by point

	imports  []pending         // PyImport refs, in match order
	froms    map[int]*pending  // PyFrom refs by Stmt.Start
	stmts    map[int]stmtFlags // Nested/TypeOnly per statement start
	blocks   []parsers.Span    // bodies of `if TYPE_CHECKING:`
	attrs    []attrCandidate   // chains rooted at a plain name
	calls    []callCandidate   // calls with a string first argument
	callSeen map[parsers.Span]bool
	errors   []parsers.Span // ERROR and MISSING nodes
}

// pending is an import ref plus the statement node its flags come from.
type pending struct {
	ref    parsers.Ref
	stmt   *sitter.Node
	broken bool // the module name has an error: drop the ref
}

type stmtFlags struct{ nested, typeOnly bool }

var bom = []byte("\uFEFF")

type attrCandidate struct {
	root parsers.Span // the identifier the chain starts with
	expr *sitter.Node // the attribute whose object is root, or nil if parts is set
	// The chain's names and whole span, when already confirmed by
	// chainByText (targeted mode).
	parts []parsers.Span
	outer parsers.Span
}

type callCandidate struct {
	expr, fn, arg *sitter.Node
}

func newExtractor(ctx context.Context, src, parsed []byte, qs *queries, root *sitter.Node, cur *sitter.QueryCursor) *extractor {
	return &extractor{
		ctx: ctx, src: src, text: parsed, qs: qs, root: root, cur: cur, clean: !root.HasError(),
		froms: map[int]*pending{}, stmts: map[int]stmtFlags{}, callSeen: map[parsers.Span]bool{},
	}
}

// stmtSpan returns the span of a statement node. The matches of one
// statement arrive together and go-tree-sitter hands out one *Node per
// node, so remembering the last one saves two cgo calls per match.
func (x *extractor) stmtSpan(n *sitter.Node) parsers.Span {
	if n != x.lastStmt {
		x.lastStmt, x.lastStmtSpan = n, spanOf(n)
	}
	return x.lastStmtSpan
}

// broken reports whether n contains a syntax error (never, in a clean
// tree: that saves a cgo call per name).
func (x *extractor) broken(n *sitter.Node) bool {
	return !x.clean && n.HasError()
}

// tick counts one unit of work and checks ctx now and then.
func (x *extractor) tick() error {
	x.steps++
	if x.steps%512 == 0 {
		return x.ctx.Err()
	}
	return nil
}

// run runs q on the subtree at n and records its matches.
func (x *extractor) run(q *query, n *sitter.Node) error {
	x.cur.Exec(q.q, n)
	var caps [numRoles]*sitter.Node
	for {
		m, ok := x.cur.NextMatch()
		if !ok {
			return nil
		}
		if err := x.tick(); err != nil {
			return err
		}
		if q.hasPred[m.PatternIndex] {
			if m = x.cur.FilterPredicates(m, x.src); len(m.Captures) == 0 {
				continue
			}
		}
		caps = [numRoles]*sitter.Node{}
		for _, c := range m.Captures {
			caps[q.roles[c.Index]] = c.Node
		}
		x.match(&caps)
	}
}

func spanOf(n *sitter.Node) parsers.Span {
	return parsers.Span{Start: int(n.StartByte()), End: int(n.EndByte())}
}

// match records one query match; caps holds its captures by role.
func (x *extractor) match(caps *[numRoles]*sitter.Node) {
	switch {
	case caps[roleImportStmt] != nil:
		x.importName(caps[roleImportStmt], caps[roleImportModule], caps[roleImportAlias])
	case caps[roleFromStmt] != nil:
		x.fromPart(caps)
	case caps[roleTypeCheckBlock] != nil:
		x.blocks = append(x.blocks, spanOf(caps[roleTypeCheckBlock]))
	case caps[roleAttrRoot] != nil && caps[roleAttrExpr] != nil:
		x.attrs = append(x.attrs, attrCandidate{root: spanOf(caps[roleAttrRoot]), expr: caps[roleAttrExpr]})
	case caps[roleCallExpr] != nil && caps[roleCallFunc] != nil && caps[roleCallArg] != nil:
		// A call can be matched twice in targeted mode: as itself and
		// inside the arguments of another call.
		if s := spanOf(caps[roleCallExpr]); !x.callSeen[s] {
			x.callSeen[s] = true
			x.calls = append(x.calls, callCandidate{expr: caps[roleCallExpr], fn: caps[roleCallFunc], arg: caps[roleCallArg]})
		}
	}
}

// importName records one dotted name of `import a.b.c [as x], ...`.
func (x *extractor) importName(stmt, module, alias *sitter.Node) {
	if module == nil {
		return
	}
	span := spanOf(module)
	dn, ok := scanDotted(x.src, span)
	if !ok || x.broken(module) { // a MISSING name, an ERROR inside
		return
	}
	ref := parsers.Ref{
		Kind:   parsers.PyImport,
		Module: dn.module,
		Span:   span,
		Parts:  dn.parts,
		Stmt:   x.stmtSpan(stmt),
	}
	if alias != nil {
		ref.AliasSpan = spanOf(alias)
		ref.Alias = ref.AliasSpan.Text(x.src)
	}
	x.imports = append(x.imports, pending{ref: ref, stmt: stmt})
}

// fromPart records the module or one imported name of a from-import.
func (x *extractor) fromPart(caps *[numRoles]*sitter.Node) {
	stmt := caps[roleFromStmt]
	ss := x.stmtSpan(stmt)
	p := x.froms[ss.Start]
	if p == nil {
		p = &pending{ref: parsers.Ref{Kind: parsers.PyFrom, Stmt: ss}, stmt: stmt}
		x.froms[ss.Start] = p
	}
	switch {
	case caps[roleFromModule] != nil:
		n := caps[roleFromModule]
		span := spanOf(n)
		dn, ok := scanDotted(x.src, span)
		if (ok || dn.level > 0 && dn.module == "") && !x.broken(n) {
			p.ref.Span, p.ref.Level, p.ref.Module, p.ref.Parts = span, dn.level, dn.module, dn.parts
		} else {
			p.broken = true
		}
	case caps[roleFromName] != nil:
		n := caps[roleFromName]
		span := spanOf(n)
		dn, ok := scanDotted(x.src, span)
		if !ok || x.broken(n) || dn.level > 0 {
			return
		}
		name := parsers.Name{Name: dn.module, NameSpan: span}
		if a := caps[roleFromAlias]; a != nil {
			name.AliasSpan = spanOf(a)
			name.Alias = name.AliasSpan.Text(x.src)
		}
		p.ref.Names = append(p.ref.Names, name)
	case caps[roleFromWildcard] != nil:
		p.ref.Names = append(p.ref.Names, parsers.Name{Name: "*", NameSpan: spanOf(caps[roleFromWildcard])})
	}
}

// flags computes Nested and TypeOnly for an import statement.
func (x *extractor) flags(stmt *sitter.Node, ss parsers.Span) stmtFlags {
	if f, ok := x.stmts[ss.Start]; ok {
		return f
	}
	var f stmtFlags
	// Nested: a statement that starts a line (after a BOM, for the first)
	// is at top level: blocks are indented. Otherwise any ancestor below
	// the module makes it nested, except ERROR nodes, which wrap statements
	// tree-sitter could not place (at top level too). The line test saves
	// a Node.Parent call, which walks down from the root, per import.
	atLineStart := ss.Start == 0 || x.src[ss.Start-1] == '\n' || x.src[ss.Start-1] == '\r' ||
		ss.Start == 3 && bytes.HasPrefix(x.src, bom)
	for p := stmt.Parent(); p != nil && !atLineStart; p = p.Parent() {
		if x.qs.kind(p) == kindModule {
			break
		}
		if !p.IsError() {
			f.nested = true
			break
		}
	}
	for _, b := range x.blocks {
		if b.Start <= ss.Start && ss.End <= b.End {
			f.typeOnly = true
			break
		}
	}
	x.stmts[ss.Start] = f
	return f
}

// collectErrors records the outermost ERROR nodes and all MISSING nodes.
func (x *extractor) collectErrors() {
	if x.clean {
		return
	}
	c := sitter.NewTreeCursor(x.root)
	defer c.Close()
	for {
		n := c.CurrentNode()
		descend := false
		switch {
		case n.IsError() || n.IsMissing():
			x.errors = append(x.errors, spanOf(n))
		case n.HasError():
			descend = true
		}
		if descend && c.GoToFirstChild() {
			continue
		}
		for !c.GoToNextSibling() {
			if !c.GoToParent() {
				return
			}
		}
	}
}

// result resolves the candidates and returns refs in source order.
func (x *extractor) result() *parsers.Result {
	slices.SortStableFunc(x.errors, func(a, b parsers.Span) int { return cmp.Compare(a.Start, b.Start) })
	n := len(x.imports) + len(x.froms) + len(x.attrs) + len(x.calls)
	res := &parsers.Result{Lang: parsers.Python, Refs: make([]parsers.Ref, 0, n), Errors: x.errors}

	for _, p := range x.imports {
		f := x.flags(p.stmt, p.ref.Stmt)
		p.ref.Nested, p.ref.TypeOnly = f.nested, f.typeOnly
		res.Refs = append(res.Refs, p.ref)
	}
	for _, p := range x.froms {
		if p.broken || p.ref.Span.Len() == 0 { // broken source
			continue
		}
		f := x.flags(p.stmt, p.ref.Stmt)
		p.ref.Nested, p.ref.TypeOnly = f.nested, f.typeOnly
		slices.SortFunc(p.ref.Names, func(a, b parsers.Name) int { return cmp.Compare(a.NameSpan.Start, b.NameSpan.Start) })
		res.Refs = append(res.Refs, p.ref)
	}
	if plain := x.plainImports(); len(plain) > 0 {
		for _, c := range x.attrs {
			if cands := plain[c.root.Text(x.src)]; cands != nil {
				if ref, ok := x.attribute(c, cands); ok {
					res.Refs = append(res.Refs, ref)
				}
			}
		}
	}
	for _, c := range x.calls {
		res.Refs = append(res.Refs, x.stringRefs(c)...)
	}
	slices.SortStableFunc(res.Refs, func(a, b parsers.Ref) int {
		return cmp.Or(cmp.Compare(a.Span.Start, b.Span.Start), cmp.Compare(a.Stmt.Start, b.Stmt.Start))
	})
	return res
}

// plainImports returns the names of plain un-aliased imports by the name
// they bind (their first component), longest first: attribute chains are
// matched against them, and a.b.c wins over a.b.
func (x *extractor) plainImports() map[string][]dotted {
	plain := map[string][]dotted{}
	for _, p := range x.imports {
		if p.ref.Alias != "" {
			continue
		}
		comps := make([]string, len(p.ref.Parts))
		for i, s := range p.ref.Parts {
			comps[i] = s.Text(x.src)
		}
		plain[comps[0]] = append(plain[comps[0]], dotted{module: p.ref.Module, comps: comps})
	}
	for _, cands := range plain {
		slices.SortStableFunc(cands, func(a, b dotted) int { return cmp.Compare(len(b.comps), len(a.comps)) })
	}
	return plain
}

// attribute resolves a chain rooted at a name bound by a plain import.
// cands are the imports with that first component, longest first.
func (x *extractor) attribute(c attrCandidate, cands []dotted) (parsers.Ref, bool) {
	parts, outer, ok := c.parts, c.outer, c.parts != nil
	if !ok {
		parts, outer, ok = x.chainByText(c.root)
	}
	if !ok && c.expr != nil {
		parts, outer = x.chainByTree(c)
	}
	for _, d := range cands {
		if len(d.comps) > len(parts) {
			continue
		}
		match := true
		for i, comp := range d.comps[1:] {
			if parts[i+1].Text(x.src) != comp {
				match = false
				break
			}
		}
		if !match {
			continue
		}
		n := len(d.comps)
		return parsers.Ref{
			Kind:   parsers.PyAttribute,
			Module: d.module,
			Span:   parsers.Span{Start: c.root.Start, End: parts[n-1].End},
			Parts:  slices.Clip(parts[:n]),
			Stmt:   outer,
		}, true
	}
	return parsers.Ref{}, false
}

// chainByText reads the chain `root.b.c` from the text (names separated by
// dots and extras) and confirms it with a single node lookup: the node
// spanning exactly the chain must be an attribute. That avoids one
// Node.Parent call per link, each of which walks down from the root.
func (x *extractor) chainByText(root parsers.Span) (parts []parsers.Span, outer parsers.Span, ok bool) {
	parts = []parsers.Span{root}
	for i := root.End; ; {
		k := skipExtras(x.text, i)
		if k >= len(x.text) || x.text[k] != '.' {
			break
		}
		k = skipExtras(x.text, k+1)
		j := k
		for j < len(x.text) && isIdentByte(x.text[j]) {
			j++
		}
		if j == k {
			break
		}
		parts = append(parts, parsers.Span{Start: k, End: j})
		i = j
	}
	if len(parts) < 2 {
		return nil, parsers.Span{}, false
	}
	outer = parsers.Span{Start: root.Start, End: parts[len(parts)-1].End}
	n := x.namedAt(anchor{start: outer.Start, end: outer.End})
	if n == nil || spanOf(n) != outer || x.qs.kind(n) != kindAttribute {
		return nil, parsers.Span{}, false
	}
	return parts, outer, true
}

// chainByTree walks up from the innermost attribute of the chain, for the
// chains chainByText cannot confirm (in broken trees).
func (x *extractor) chainByTree(c attrCandidate) (parts []parsers.Span, outer parsers.Span) {
	parts = []parsers.Span{c.root}
	outer = spanOf(c.expr)
	for cur := c.expr; ; {
		id := cur.ChildByFieldName("attribute")
		if id == nil || id.IsMissing() {
			break
		}
		parts = append(parts, spanOf(id))
		outer = spanOf(cur)
		p := cur.Parent()
		// cur is p's object exactly when p is an attribute starting where
		// cur starts (the object is an attribute's first child).
		if p == nil || p.StartByte() != cur.StartByte() || x.qs.kind(p) != kindAttribute {
			break
		}
		cur = p
	}
	return parts, outer
}

// stringCallees are the callee expressions whose first string argument
// (or `target=` keyword) is a module path, exactly as written: importlib,
// unittest.mock and pytest-mock's patch and patch.multiple, and pytest's
// monkeypatch.setattr/delattr with a "pkg.mod.attr" string. patch.object
// and patch.dict are deliberately absent: their first argument is an
// object or a dict path.
var stringCallees = map[string]bool{
	"import_module":                true,
	"importlib.import_module":      true,
	"__import__":                   true,
	"patch":                        true,
	"mock.patch":                   true,
	"unittest.mock.patch":          true,
	"mocker.patch":                 true,
	"patch.multiple":               true,
	"mock.patch.multiple":          true,
	"unittest.mock.patch.multiple": true,
	"mocker.patch.multiple":        true,
	"monkeypatch.setattr":          true,
	"monkeypatch.delattr":          true,
}

// importModuleCallees take a package as second argument (or package=)
// against which a relative name is resolved.
var importModuleCallees = map[string]bool{
	"import_module":           true,
	"importlib.import_module": true,
}

// stringRefs resolves a call candidate to its PyString refs: the module
// path, and for import_module(".rel", "pkg") also the package string.
func (x *extractor) stringRefs(c callCandidate) []parsers.Ref {
	callee := x.src[c.fn.StartByte():c.fn.EndByte()]
	if !stringCallees[string(callee)] { // no allocation: the compiler reuses the bytes
		return nil
	}
	ref, ok := x.stringArg(c.arg, c.expr)
	if !ok {
		return nil
	}
	if !strings.HasPrefix(ref.Module, ".") || !importModuleCallees[string(callee)] || c.arg.Parent() == nil || x.qs.kind(c.arg.Parent()) == kindKeywordArg {
		return []parsers.Ref{ref}
	}
	pkg := c.arg.NextNamedSibling()
	if x.qs.kind(pkg) == kindKeywordArg {
		if name := pkg.ChildByFieldName("name"); name == nil || string(x.src[name.StartByte():name.EndByte()]) != "package" {
			return []parsers.Ref{ref}
		}
		pkg = pkg.ChildByFieldName("value")
	}
	if pkg == nil || pkg.Type() != "string" {
		return []parsers.Ref{ref}
	}
	pref, ok := x.stringArg(pkg, c.expr)
	if !ok || strings.HasPrefix(pref.Module, ".") {
		return []parsers.Ref{ref}
	}
	ref.Package = pref.Module
	return []parsers.Ref{ref, pref}
}

// stringArg returns the PyString ref of a plain string literal holding a
// module path (call is the call it is an argument of).
func (x *extractor) stringArg(arg, call *sitter.Node) (parsers.Ref, bool) {
	n := int(arg.ChildCount())
	if n < 2 {
		return parsers.Ref{}, false
	}
	open, close := arg.Child(0), arg.Child(n-1)
	if x.qs.kind(open) != kindStringStart || x.qs.kind(close) != kindStringEnd || close.IsMissing() {
		return parsers.Ref{}, false
	}
	quote, ok := plainStringStart(x.src[open.StartByte():open.EndByte()])
	if !ok {
		return parsers.Ref{}, false
	}
	content := parsers.Span{Start: int(open.EndByte()), End: int(close.StartByte())}
	parts, ok := scanModulePath(x.src, content)
	if !ok {
		return parsers.Ref{}, false
	}
	return parsers.Ref{
		Kind:   parsers.PyString,
		Module: content.Text(x.src),
		Span:   content,
		Parts:  parts,
		Stmt:   spanOf(call),
		Quote:  quote,
	}, true
}
