package typescript

import (
	"context"
	_ "embed"
	"fmt"
	"sort"
	"strings"
	"sync"

	sitter "github.com/smacker/go-tree-sitter"

	"github.com/relayout/relayout/parsers"
)

// Module is the top-level structure of one TS/JS module, as plain data:
// what a tool that rearranges whole modules (refactor/merge) needs besides
// the references Extract reports.
type Module struct {
	// Stmts are the module's top-level statements and comments, in order.
	Stmts []Stmt
	// Idents are the identifier uses outside import statements, in source
	// order.
	Idents []Ident
	// Functions are the spans of every function, arrow function and
	// method: code in them does not run while the module evaluates.
	Functions []parsers.Span
	// Broken is set when the source has a syntax error.
	Broken bool
}

// StmtKind classifies a top-level statement.
type StmtKind uint8

// Statement kinds.
const (
	StmtOther StmtKind = iota
	StmtComment
	StmtHashBang
	// StmtDirective is a statement of one string literal ("use client").
	StmtDirective
	StmtImport // an import statement
	StmtExport // an export statement
)

// Stmt is one top-level statement or comment.
type Stmt struct {
	Kind StmtKind
	Span parsers.Span
	// Directive is the string of a StmtDirective.
	Directive parsers.Span
	// Decls are the names the statement declares or exports, in order.
	Decls []Decl
	// Clause is the clause of an ES import statement (nil for `import x
	// = require()` and other statements).
	Clause *ImportClause
	// ExportAssign: the statement is `export = x`.
	ExportAssign bool
	// ExportsAny: the statement exports a declaration or has an export
	// clause.
	ExportsAny bool
	// DefaultLocal is, for `export default`, the name of the exported
	// declaration or identifier ("" otherwise).
	DefaultLocal string
}

// DeclKind says how a top-level name is declared or exported.
type DeclKind uint8

// Declaration kinds.
const (
	DeclFunction DeclKind = iota
	DeclClass
	DeclType // interface or type alias (Keyword says which)
	DeclEnum
	DeclVariable  // const/let/var declarator (Keyword says which)
	DeclNamespace // namespace or module with a name
	// DeclCommonJS is an assignment to module.exports or exports.x; Name
	// is the assigned expression without spaces.
	DeclCommonJS
	// DeclImportAlias is `import x = a.b` (Value is a.b).
	DeclImportAlias
	// DeclDefault is `export default ...`.
	DeclDefault
	// DeclExportSpec is one specifier of `export {a as b}` (Name b, Local
	// a); `export {a as default}` has Name "default".
	DeclExportSpec
)

// Decl is one declared or exported name.
type Decl struct {
	Kind DeclKind
	Name string
	// At is the offset of the name (of the statement for DeclCommonJS and
	// DeclDefault, of the specifier for DeclExportSpec).
	At int
	// Keyword is "interface" or "type" for DeclType, the declaration
	// keyword for DeclVariable.
	Keyword string
	// Exported: the declaration is exported.
	Exported bool
	// Local is the local name of a DeclExportSpec, Spec its text.
	Local string
	Spec  parsers.Span
	// Node is the declaring node of a DeclImportAlias or DeclCommonJS,
	// Value what an import alias refers to.
	Node, Value parsers.Span
}

// ImportClause is what an ES import statement binds.
type ImportClause struct {
	Defaults, Namespaces []string
	// Named are the specifiers as written ("a", "a as b", "type a").
	Named []string
	// Attrs is the import attributes clause as written (`with {...}`,
	// also `assert {...}`), or "".
	Attrs string
	// Side: a side-effect import (`import 's'`).
	Side bool
}

// Ident is one use of an identifier.
type Ident struct {
	Name   string
	Offset int
	// LoadTime: the use is a value evaluated while the module evaluates
	// (not in a function, class body, type or declaration name).
	LoadTime bool
	// Export is the start of the export statement the use is in, or -1.
	Export int
}

//go:embed queries/defs.scm
var defsQuerySrc []byte

// defsQuery is queries/defs.scm compiled for one grammar, with the role
// of each capture id.
type defsQuery struct {
	q     *sitter.Query
	roles []string // capture name by id
}

// defsQueries holds queries/defs.scm compiled once per grammar.
var defsQueries = map[*grammar]func() (*defsQuery, error){
	tsGrammar:  compileDefs(tsGrammar),
	tsxGrammar: compileDefs(tsxGrammar),
}

func compileDefs(g *grammar) func() (*defsQuery, error) {
	return sync.OnceValues(func() (*defsQuery, error) {
		q, err := sitter.NewQuery(defsQuerySrc, g.lang)
		if err != nil {
			return nil, fmt.Errorf("typescript: compile defs.scm for %s: %w", g.name, err)
		}
		dq := &defsQuery{q: q}
		for id := range q.CaptureCount() {
			dq.roles = append(dq.roles, q.CaptureNameForId(id))
		}
		return dq, nil
	})
}

// Defs returns the top-level structure of one TS/JS module (lang as for
// Extract). It never fails on broken source (Module.Broken); it fails
// only when ctx is done or lang is not supported.
func Defs(ctx context.Context, lang parsers.Lang, src []byte) (*Module, error) {
	g, err := grammarFor(lang)
	if err != nil {
		return nil, err
	}
	q, err := defsQueries[g]()
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("parse %s: %w", g.name, err)
	}
	tree, err := g.parse(ctx, withForAssert(src, false))
	if err != nil {
		return nil, err
	}
	defer tree.Close()
	root := tree.RootNode()
	d := &defs{src: src, clauses: map[int]*ImportClause{}}
	m := &Module{Broken: root.HasError()}
	m.Functions = d.query(q, root)
	for i := range int(root.NamedChildCount()) {
		m.Stmts = append(m.Stmts, d.stmt(root.NamedChild(i)))
	}
	m.Idents = d.idents()
	return m, nil
}

// defs holds the state of one Defs call.
type defs struct {
	src []byte
	// clauses are the ES import clauses by statement start (nil for
	// import-equals).
	clauses map[int]*ImportClause
	st      *Stmt
	// Identifier uses and the regions that classify them.
	uses                     []*sitter.Node
	skips, deferred, exports []parsers.Span
}

// query runs queries/defs.scm: it returns the function spans and fills
// d.clauses.
func (d *defs) query(dq *defsQuery, root *sitter.Node) []parsers.Span {
	var funcs []parsers.Span
	qc := sitter.NewQueryCursor()
	defer qc.Close()
	qc.Exec(dq.q, root)
	for {
		m, ok := qc.NextMatch()
		if !ok {
			return funcs
		}
		var stmt *sitter.Node
		for _, c := range m.Captures {
			if dq.roles[c.Index] == "defs.import" {
				stmt = c.Node
			}
		}
		for _, c := range m.Captures {
			switch dq.roles[c.Index] {
			case "defs.use":
				d.uses = append(d.uses, c.Node)
			case "defs.skip":
				d.skips = append(d.skips, spanOf(c.Node))
			case "defs.deferred":
				d.deferred = append(d.deferred, spanOf(c.Node))
			case "defs.error":
				if p := c.Node.Parent(); p != nil && (p.Type() == "member_expression" || p.Type() == "variable_declarator") {
					d.deferred = append(d.deferred, spanOf(c.Node))
				}
			case "defs.export":
				d.exports = append(d.exports, spanOf(c.Node))
			case "defs.function":
				funcs = append(funcs, spanOf(c.Node))
				d.deferred = append(d.deferred, spanOf(c.Node))
			case "defs.import.clause":
				d.clause(stmt).Side = false
			case "defs.import.default":
				ic := d.clause(stmt)
				ic.Defaults = append(ic.Defaults, d.text(c.Node))
			case "defs.import.namespace":
				ic := d.clause(stmt)
				ic.Namespaces = append(ic.Namespaces, d.text(c.Node))
			case "defs.import.named":
				ic := d.clause(stmt)
				ic.Named = append(ic.Named, d.text(c.Node))
			case "defs.import.attrs":
				d.clause(stmt).Attrs = d.text(c.Node)
			case "defs.import.require":
				d.clauses[int(stmt.StartByte())] = nil
			}
		}
	}
}

// clause returns the import clause of stmt, creating it.
func (d *defs) clause(stmt *sitter.Node) *ImportClause {
	start := int(stmt.StartByte())
	ic, ok := d.clauses[start]
	if !ok {
		ic = &ImportClause{Side: true}
		d.clauses[start] = ic
	}
	if ic == nil { // import-equals
		return &ImportClause{}
	}
	return ic
}

func (d *defs) text(n *sitter.Node) string { return string(d.src[n.StartByte():n.EndByte()]) }

// stmt describes one top-level node.
func (d *defs) stmt(n *sitter.Node) Stmt {
	st := Stmt{Span: spanOf(n)}
	d.st = &st
	switch n.Type() {
	case "comment":
		st.Kind = StmtComment
	case "hash_bang_line":
		st.Kind = StmtHashBang
	case "import_statement":
		st.Kind = StmtImport
		st.Clause = d.clauses[st.Span.Start]
		if _, ok := d.clauses[st.Span.Start]; !ok {
			st.Clause = &ImportClause{Side: true}
		}
	case "export_statement":
		st.Kind = StmtExport
	case "expression_statement":
		if n.NamedChildCount() == 1 && n.NamedChild(0).Type() == "string" {
			st.Kind, st.Directive = StmtDirective, spanOf(n.NamedChild(0))
		}
	}
	d.declare(n, false)
	return st
}

func (d *defs) add(decl Decl) { d.st.Decls = append(d.st.Decls, decl) }

// declare records the names a top-level statement declares.
func (d *defs) declare(n *sitter.Node, exported bool) {
	named := func(kind DeclKind, kw string) {
		if name := n.ChildByFieldName("name"); name != nil {
			d.add(Decl{Kind: kind, Name: d.text(name), At: int(name.StartByte()), Keyword: kw, Exported: exported})
		}
	}
	switch n.Type() {
	case "export_statement":
		d.declareExport(n)
	case "function_declaration", "generator_function_declaration", "function_signature":
		named(DeclFunction, "function")
	case "class_declaration", "abstract_class_declaration":
		named(DeclClass, "class")
	case "interface_declaration":
		named(DeclType, "interface")
	case "type_alias_declaration":
		named(DeclType, "type")
	case "enum_declaration":
		named(DeclEnum, "enum")
	case "lexical_declaration", "variable_declaration":
		kw := "var"
		if words := strings.Fields(d.text(n)); len(words) > 0 {
			kw = words[0]
		}
		for i := range int(n.NamedChildCount()) {
			if v := n.NamedChild(i); v.Type() == "variable_declarator" {
				d.declarePattern(v.ChildByFieldName("name"), kw, exported)
			}
		}
	case "internal_module", "module":
		if name := n.ChildByFieldName("name"); name != nil && name.Type() != "string" {
			s, _, _ := strings.Cut(d.text(name), ".")
			d.add(Decl{Kind: DeclNamespace, Name: s, At: int(name.StartByte()), Keyword: "namespace", Exported: exported})
		}
	case "expression_statement":
		c := n.NamedChild(0)
		if c == nil {
			return
		}
		switch c.Type() {
		case "internal_module":
			d.declare(c, exported)
		case "assignment_expression":
			// CommonJS: module.exports = ..., exports.x = ...
			if left := c.ChildByFieldName("left"); left != nil && left.Type() == "member_expression" {
				l := strings.Join(strings.Fields(d.text(left)), "")
				if l == "module.exports" || strings.HasPrefix(l, "exports.") || strings.HasPrefix(l, "module.exports.") {
					d.add(Decl{Kind: DeclCommonJS, Name: l, At: int(n.StartByte()), Exported: true, Node: spanOf(n)})
				}
			}
		}
	case "ambient_declaration":
		for i := range int(n.NamedChildCount()) {
			d.declare(n.NamedChild(i), exported)
		}
	case "import_alias":
		if name := n.NamedChild(0); name != nil {
			decl := Decl{Kind: DeclImportAlias, Name: d.text(name), At: int(name.StartByte()), Exported: exported, Node: spanOf(n)}
			if v := n.NamedChild(1); v != nil {
				decl.Value = spanOf(v)
			}
			d.add(decl)
		}
	}
}

// declarePattern declares the names of a declarator's name pattern.
func (d *defs) declarePattern(p *sitter.Node, kw string, exported bool) {
	if p == nil {
		return
	}
	switch p.Type() {
	case "identifier", "shorthand_property_identifier_pattern":
		d.add(Decl{Kind: DeclVariable, Name: d.text(p), At: int(p.StartByte()), Keyword: kw, Exported: exported})
	case "object_pattern", "array_pattern", "rest_pattern":
		for i := range int(p.NamedChildCount()) {
			d.declarePattern(p.NamedChild(i), kw, exported)
		}
	case "pair_pattern":
		d.declarePattern(p.ChildByFieldName("value"), kw, exported)
	case "assignment_pattern", "object_assignment_pattern":
		d.declarePattern(p.ChildByFieldName("left"), kw, exported)
	}
}

// declareExport handles an export statement.
func (d *defs) declareExport(n *sitter.Node) {
	isDefault, isAssign := false, false
	for i := range int(n.ChildCount()) {
		switch n.Child(i).Type() {
		case "default":
			isDefault = true
		case "=":
			isAssign = true
		}
	}
	switch {
	case isAssign:
		d.st.ExportAssign = true
		return
	case isDefault:
		if decl := n.ChildByFieldName("declaration"); decl != nil {
			d.declare(decl, false)
			if name := decl.ChildByFieldName("name"); name != nil {
				d.st.DefaultLocal = d.text(name)
			}
		} else if v := n.ChildByFieldName("value"); v != nil && v.Type() == "identifier" {
			d.st.DefaultLocal = d.text(v)
		}
		d.add(Decl{Kind: DeclDefault, Name: "default", At: int(n.StartByte()), Exported: true})
		return
	}
	if decl := n.ChildByFieldName("declaration"); decl != nil {
		d.declare(decl, true)
		d.st.ExportsAny = true
		return
	}
	for i := range int(n.NamedChildCount()) {
		c := n.NamedChild(i)
		if c.Type() != "export_clause" {
			continue
		}
		d.st.ExportsAny = true
		for j := range int(c.NamedChildCount()) {
			spec := c.NamedChild(j)
			if spec.Type() != "export_specifier" {
				continue
			}
			name, alias := spec.ChildByFieldName("name"), spec.ChildByFieldName("alias")
			if name == nil {
				continue
			}
			local := d.text(name)
			exp := local
			if alias != nil {
				exp = strings.Trim(d.text(alias), `"'`)
			}
			d.add(Decl{Kind: DeclExportSpec, Name: exp, Local: local, At: int(spec.StartByte()), Exported: true, Spec: spanOf(spec)})
		}
	}
}

// idents returns the identifier uses outside imports in source order,
// each classified by the regions queries/defs.scm captured: whether it is
// evaluated while the module evaluates (no deferred region covers it) and
// the innermost export statement around it.
func (d *defs) idents() []Ident {
	sort.Slice(d.uses, func(i, j int) bool { return d.uses[i].StartByte() < d.uses[j].StartByte() })
	skips, deferred, exports := parsers.NewCover(d.skips), parsers.NewCover(d.deferred), parsers.NewCover(d.exports)
	var out []Ident
	for _, n := range d.uses {
		off := int(n.StartByte())
		if skips.Has(off) {
			continue
		}
		export := -1
		if e, ok := exports.At(off); ok {
			export = e.Start
		}
		out = append(out, Ident{Name: d.text(n), Offset: off, LoadTime: !deferred.Has(off), Export: export})
	}
	return out
}
