package python

import (
	"context"
	_ "embed"
	"fmt"
	"sort"
	"strings"
	"sync"

	sitter "github.com/smacker/go-tree-sitter"
	"github.com/smacker/go-tree-sitter/python"

	"github.com/relayout/relayout/parsers"
)

// Module is the top-level structure of one Python module, as plain data:
// what a tool that rearranges whole modules (refactor/merge) needs besides
// the references Extract reports.
type Module struct {
	// Stmts are the module's top-level statements and comments, in order.
	Stmts []Stmt
	// Idents are the identifier uses outside import statements (attribute
	// names and keyword-argument names left out), in source order.
	Idents []Ident
	// Broken is set when the source has a syntax error.
	Broken bool
}

// StmtKind classifies a top-level statement.
type StmtKind uint8

// Statement kinds.
const (
	StmtOther StmtKind = iota
	StmtComment
	// StmtDocstring is a statement of one string literal.
	StmtDocstring
	StmtImport // import a.b
	StmtFrom   // from a import b
	StmtFuture // from __future__ import x
	// StmtTypeChecking is `if TYPE_CHECKING:` without elif or else whose
	// block holds only imports and pass.
	StmtTypeChecking
	// StmtTryImports is a try statement whose blocks hold only imports
	// and pass, without else or finally (the optional-dependency idiom).
	StmtTryImports
	// StmtAll is `__all__ = [...]` or `(...)` of plain string literals.
	StmtAll
	// StmtAllOther is any other assignment statement to __all__.
	StmtAllOther
	StmtPass
)

// Stmt is one top-level statement or comment.
type Stmt struct {
	Kind StmtKind
	Span parsers.Span
	// Doc is the string of a StmtDocstring.
	Doc parsers.Span
	// All holds the names of a StmtAll, AllQuote the quote character of
	// its first string (0 for an empty list).
	All      []string
	AllQuote byte
	// Cond and Block are the condition and block of a StmtTypeChecking,
	// Body the block's statements and comments.
	Cond, Block parsers.Span
	Body        []Stmt
	// Binds are the names the statement binds at module level, also in
	// the blocks of compound statements (not in function or class
	// bodies), in source order.
	Binds []Binding
}

// BindKind says how a module-level name is bound.
type BindKind uint8

// Binding kinds.
const (
	BindFunction BindKind = iota
	BindClass
	BindVariable // assignment, for or with target
	BindType     // type X = ...
	// BindImport is an import statement; its names are in Extract's refs
	// for the statement.
	BindImport
)

// Where says where an import statement is.
type Where uint8

// Places of an import.
const (
	AtTop          Where = iota // a top-level statement
	AtTypeChecking              // in the block of a StmtTypeChecking
	AtCompound                  // in another top-level compound statement
)

// Binding is one module-level binding.
type Binding struct {
	Kind BindKind
	// Name is the bound name ("" for BindImport).
	Name string
	// Stmt is the binding statement: the def or class (without
	// decorators), the assignment, for or with statement, the import.
	Stmt parsers.Span
	// Where is set for BindImport.
	Where Where
}

// Ident is one use of an identifier.
type Ident struct {
	Name   string
	Offset int
	// LoadTime: the use runs when the module is imported (top-level
	// code, class bodies, decorators, default values, annotations of
	// parameters and returns), not in a function body or lambda.
	LoadTime bool
	// Annotation: the use is inside a type annotation.
	Annotation bool
}

//go:embed queries/defs.scm
var defsQuerySrc []byte

// defsQuery is the compiled queries/defs.scm with its capture ids.
type defsQuery struct {
	q                                                   *sitter.Query
	tc, tcCond, tcBlock, all, allAssign, doc, docString uint32
	use, skip, errorNode, deferred, annotation          uint32
}

var loadDefsQuery = sync.OnceValues(func() (*defsQuery, error) {
	q, err := sitter.NewQuery(defsQuerySrc, python.GetLanguage())
	if err != nil {
		return nil, fmt.Errorf("compile python query defs.scm: %w", err)
	}
	dq := &defsQuery{q: q}
	ids := map[string]*uint32{"defs.tc": &dq.tc, "defs.tc.cond": &dq.tcCond, "defs.tc.block": &dq.tcBlock,
		"defs.all": &dq.all, "defs.all.assign": &dq.allAssign, "defs.doc": &dq.doc, "defs.doc.string": &dq.docString,
		"defs.use": &dq.use, "defs.skip": &dq.skip, "defs.error": &dq.errorNode, "defs.deferred": &dq.deferred, "defs.annotation": &dq.annotation}
	found := 0
	for id := range q.CaptureCount() {
		if p := ids[q.CaptureNameForId(id)]; p != nil {
			*p = id
			found++
		}
	}
	if found != len(ids) {
		return nil, fmt.Errorf("python query defs.scm: %d of its %d captures found", found, len(ids))
	}
	return dq, nil
})

// Defs returns the top-level structure of one Python module. Like
// Extract it never fails on broken source (Module.Broken); it fails only
// when ctx is done or the parse runs over MaxParseTime.
func Defs(ctx context.Context, src []byte) (*Module, error) {
	dq, err := loadDefsQuery()
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	parsed, _ := blankNULs(src)
	tree, err := parse(ctx, python.GetLanguage(), parsed)
	if err != nil {
		return nil, err
	}
	defer tree.Close()
	root := tree.RootNode()
	d := &defs{src: src, tc: map[parsers.Span]*Stmt{}, all: map[parsers.Span]*Stmt{}, doc: map[parsers.Span]parsers.Span{}}
	d.query(dq, root)
	m := &Module{Broken: root.HasError()}
	m.Stmts = d.stmts(root, true)
	m.Idents = d.idents()
	return m, nil
}

// defs holds the state of one Defs call.
type defs struct {
	src []byte
	// Query results by statement span.
	tc  map[parsers.Span]*Stmt        // if TYPE_CHECKING: Cond and Block set
	all map[parsers.Span]*Stmt        // __all__ assignments: the assignment's right side in Block
	doc map[parsers.Span]parsers.Span // lone strings
	// Identifier uses and the regions that classify them.
	uses                         []*sitter.Node
	skips, deferred, annotations []parsers.Span
}

// query runs queries/defs.scm over the tree.
func (d *defs) query(dq *defsQuery, root *sitter.Node) {
	qc := sitter.NewQueryCursor()
	defer qc.Close()
	qc.Exec(dq.q, root)
	for {
		m, ok := qc.NextMatch()
		if !ok {
			return
		}
		m = qc.FilterPredicates(m, d.src)
		caps := map[uint32]*sitter.Node{}
		for _, c := range m.Captures {
			caps[c.Index] = c.Node
		}
		if len(m.Captures) == 0 || d.region(dq, m.Captures[0]) {
			continue
		}
		switch {
		case caps[dq.tc] != nil:
			d.tc[spanOf(caps[dq.tc])] = &Stmt{Cond: spanOf(caps[dq.tcCond]), Block: spanOf(caps[dq.tcBlock])}
		case caps[dq.all] != nil:
			st := &Stmt{Kind: StmtAllOther}
			if right := caps[dq.allAssign].ChildByFieldName("right"); right != nil {
				d.literalAll(st, right)
			}
			d.all[spanOf(caps[dq.all])] = st
		case caps[dq.doc] != nil:
			d.doc[spanOf(caps[dq.doc])] = spanOf(caps[dq.docString])
		}
	}
}

// region records a capture of the identifier patterns; it reports
// whether c was one.
func (d *defs) region(dq *defsQuery, c sitter.QueryCapture) bool {
	switch c.Index {
	case dq.use:
		d.uses = append(d.uses, c.Node)
	case dq.skip:
		d.skips = append(d.skips, spanOf(c.Node))
	case dq.errorNode:
		if p := c.Node.Parent(); p != nil && (p.Type() == "attribute" || p.Type() == "keyword_argument") {
			d.skips = append(d.skips, spanOf(c.Node))
		}
	case dq.deferred:
		d.deferred = append(d.deferred, spanOf(c.Node))
	case dq.annotation:
		d.annotations = append(d.annotations, spanOf(c.Node))
	default:
		return false
	}
	return true
}

// idents returns the identifier uses outside the skipped regions (imports,
// attribute and keyword names) in source order, each classified by the
// regions queries/defs.scm captured: whether it runs at import time (no
// deferred region covers it) and whether it is inside an annotation.
func (d *defs) idents() []Ident {
	sort.Slice(d.uses, func(i, j int) bool { return d.uses[i].StartByte() < d.uses[j].StartByte() })
	skips, deferred, annotations := parsers.NewCover(d.skips), parsers.NewCover(d.deferred), parsers.NewCover(d.annotations)
	var out []Ident
	for _, n := range d.uses {
		off := int(n.StartByte())
		if skips.Has(off) {
			continue
		}
		out = append(out, Ident{Name: d.text(n), Offset: off, LoadTime: !deferred.Has(off), Annotation: annotations.Has(off)})
	}
	return out
}

func (d *defs) text(n *sitter.Node) string { return string(d.src[n.StartByte():n.EndByte()]) }

// stmts lists the named children of a module or block.
func (d *defs) stmts(list *sitter.Node, top bool) []Stmt {
	var out []Stmt
	for i := range int(list.NamedChildCount()) {
		n := list.NamedChild(i)
		st := Stmt{Span: spanOf(n)}
		switch n.Type() {
		case "comment":
			st.Kind = StmtComment
		case "future_import_statement":
			st.Kind = StmtFuture
		case "import_statement":
			st.Kind = StmtImport
		case "import_from_statement":
			st.Kind = StmtFrom
		case "pass_statement":
			st.Kind = StmtPass
		case "if_statement":
			if tc := d.tc[st.Span]; tc != nil && top && d.tcImportsOnly(n) {
				st.Kind, st.Cond, st.Block = StmtTypeChecking, tc.Cond, tc.Block
				st.Body = d.stmts(n.ChildByFieldName("consequence"), false)
			}
		case "try_statement":
			if importsOnlyTry(n) {
				st.Kind = StmtTryImports
			}
		case "expression_statement":
			if a := d.all[st.Span]; a != nil {
				st.Kind, st.All, st.AllQuote = a.Kind, a.All, a.AllQuote
			} else if s, ok := d.doc[st.Span]; ok {
				st.Kind, st.Doc = StmtDocstring, s
			}
		}
		if top {
			d.bindIn(&st, n, AtTop, st.Kind == StmtTypeChecking)
		}
		out = append(out, st)
	}
	return out
}

// tcImportsOnly reports whether the TYPE_CHECKING if statement n has no
// elif or else and only imports (and pass) in its block.
func (d *defs) tcImportsOnly(n *sitter.Node) bool {
	if n.ChildByFieldName("alternative") != nil {
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
// only imports and pass and that has no else or finally.
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
		if t != "comment" && !contains(types, t) {
			return false
		}
	}
	return true
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// literalAll fills st when right is a list or tuple of plain strings.
func (d *defs) literalAll(st *Stmt, right *sitter.Node) {
	if right.Type() != "list" && right.Type() != "tuple" {
		return
	}
	var names []string
	var quote byte
	for i := range int(right.NamedChildCount()) {
		s := right.NamedChild(i)
		if s.Type() == "comment" {
			continue
		}
		name, q, ok := d.plainString(s)
		if !ok {
			return
		}
		if quote == 0 {
			quote = q
		}
		names = append(names, name)
	}
	st.Kind, st.All, st.AllQuote = StmtAll, names, quote
}

// plainString returns the content of a string literal without prefix,
// escapes or interpolation.
func (d *defs) plainString(s *sitter.Node) (string, byte, bool) {
	if s.Type() != "string" {
		return "", 0, false
	}
	t := d.text(s)
	if len(t) < 2 || (t[0] != '"' && t[0] != '\'') || t[len(t)-1] != t[0] || strings.ContainsAny(t, "\\{") {
		return "", 0, false
	}
	q := t[:1]
	if strings.HasPrefix(t, q+q+q) && len(t) >= 6 {
		return t[3 : len(t)-3], t[0], true
	}
	return t[1 : len(t)-1], t[0], true
}

func (d *defs) bind(st *Stmt, kind BindKind, name string, n *sitter.Node, where Where) {
	st.Binds = append(st.Binds, Binding{Kind: kind, Name: name, Stmt: spanOf(n), Where: where})
}

// bindIn records what n (a top-level statement or one inside a top-level
// compound statement) binds; tc marks a StmtTypeChecking.
func (d *defs) bindIn(st *Stmt, n *sitter.Node, where Where, tc bool) {
	switch n.Type() {
	case "function_definition", "class_definition":
		if name := n.ChildByFieldName("name"); name != nil {
			kind := BindFunction
			if n.Type() == "class_definition" {
				kind = BindClass
			}
			d.bind(st, kind, d.text(name), n, where)
		}
	case "decorated_definition":
		if def := n.ChildByFieldName("definition"); def != nil {
			d.bindIn(st, def, where, false)
		}
	case "expression_statement":
		for i := range int(n.NamedChildCount()) {
			if a := n.NamedChild(i); a.Type() == "assignment" {
				d.bindAssignment(st, a)
			}
		}
	case "type_alias_statement":
		if t := n.NamedChild(0); t != nil {
			name := strings.TrimSpace(d.text(t))
			if k := strings.IndexAny(name, "[ "); k >= 0 {
				name = name[:k]
			}
			d.bind(st, BindType, name, n, where)
		}
	case "import_statement", "import_from_statement", "future_import_statement":
		d.bind(st, BindImport, "", n, where)
	case "if_statement":
		w := AtCompound
		if where == AtTop && tc {
			w = AtTypeChecking
		}
		d.bindChildren(st, n, w)
	case "for_statement":
		d.bindTargets(st, n.ChildByFieldName("left"), n)
		d.bindChildren(st, n, AtCompound)
	case "with_statement":
		d.bindWith(st, n)
		d.bindChildren(st, n, AtCompound)
	case "try_statement", "while_statement", "match_statement":
		d.bindChildren(st, n, AtCompound)
	}
}

// bindChildren binds the statements of the blocks and clauses of a
// compound statement (not the bodies of functions and classes).
func (d *defs) bindChildren(st *Stmt, n *sitter.Node, where Where) {
	for i := range int(n.NamedChildCount()) {
		c := n.NamedChild(i)
		switch c.Type() {
		case "block":
			for j := range int(c.NamedChildCount()) {
				d.bindIn(st, c.NamedChild(j), where, false)
			}
		case "elif_clause", "else_clause", "except_clause", "except_group_clause", "finally_clause", "case_clause":
			d.bindChildren(st, c, AtCompound)
		}
	}
}

func (d *defs) bindWith(st *Stmt, n *sitter.Node) {
	var walk func(c *sitter.Node)
	walk = func(c *sitter.Node) {
		if c.Type() == "as_pattern_target" {
			d.bindTargets(st, c, n)
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

func (d *defs) bindAssignment(st *Stmt, a *sitter.Node) {
	d.bindTargets(st, a.ChildByFieldName("left"), a)
	if r := a.ChildByFieldName("right"); r != nil && r.Type() == "assignment" {
		d.bindAssignment(st, r)
	}
}

// bindTargets binds the names of an assignment target.
func (d *defs) bindTargets(st *Stmt, t, stmt *sitter.Node) {
	if t == nil {
		return
	}
	switch t.Type() {
	case "identifier":
		d.bind(st, BindVariable, d.text(t), stmt, AtTop)
	case "pattern_list", "tuple_pattern", "list_pattern", "tuple", "list", "list_splat_pattern",
		"parenthesized_expression", "expression_list", "as_pattern_target", "list_splat":
		for i := range int(t.NamedChildCount()) {
			d.bindTargets(st, t.NamedChild(i), stmt)
		}
	}
}
