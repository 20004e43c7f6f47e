// Package typescript extracts module references from TypeScript, TSX and
// JavaScript source with tree-sitter.
//
// It owns the tree-sitter grammars and queries (queries/*.scm, embedded and
// compiled once per grammar), a pool of parsers per grammar and the mapping
// from syntax trees to parsers.Ref values. It must not import refactor,
// server, cmd, go.lsp.dev or zap: it returns plain data and never logs.
//
// Forms and how they become Refs (see parsers.Kind for the kinds):
//
//   - import/export declarations give TSImport/TSExport with Names: a default
//     import is Name "default" with Alias the local name, a namespace import
//     or `export * as ns` is Name "*" with Alias "ns", `export *` is Name "*".
//     TypeOnly is set only when the whole declaration is `import type` /
//     `export type`, not when every specifier is `type` (that import still
//     runs the module under verbatimModuleSyntax).
//   - `import x = require('s')` and `export import x = require('s')` give
//     TSImportEquals with Names [{Name: "*", Alias: "x"}].
//   - require, import(), jest/vi mock helpers and require.resolve calls give
//     TSRequire, TSDynamicImport and TSMock; Stmt is the call expression.
//     The argument may be a template literal without substitutions (Quote
//     '`'). import() in type positions (`typeof import('s')`,
//     `import('s').T`) is a TSDynamicImport too.
//   - `/// <reference path="s" />` among the comments that open the file
//     (where TypeScript honours them) gives TSReferencePath; Stmt is the
//     comment. `/// <reference types="x" />` is not a module reference.
//
// Module is the specifier exactly as written between the quotes (escape
// sequences are not decoded), so Span always covers bytes equal to Module.
// All offsets are byte offsets into the given source, a UTF-8 BOM included.
//
// Broken source is data: Extract reports ERROR and MISSING nodes in
// Result.Errors and still returns every reference outside them; import and
// export statements that error recovery swallowed are salvaged by parsing
// again from their line (see salvage). A few valid constructs the grammar
// (tree-sitter-typescript 0.21) does not know are recognised and not
// reported as errors: the legacy `assert {...}` import attributes (parsed
// as `with`), `export type * from 's'`, `export import x = require('s')`
// and `vi.importActual<typeof import('s')>('s')`.
package typescript

import (
	"context"
	"fmt"
	"sort"

	sitter "github.com/smacker/go-tree-sitter"

	"github.com/relayout/relayout/parsers"
)

// Extract parses src as lang (parsers.TypeScript, parsers.TSX or
// parsers.JavaScript) and returns the module references it holds, ordered
// by Span.Start. It is safe for concurrent use.
//
// Syntax errors never make it fail: they are reported in Result.Errors. It
// returns an error only when ctx is done (wrapping ctx.Err()) or lang is not
// one of the three languages above.
func Extract(ctx context.Context, lang parsers.Lang, src []byte) (*parsers.Result, error) {
	g, err := grammarFor(lang)
	if err != nil {
		return nil, err
	}
	q, err := g.query()
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
	x := &extractor{src: src, q: q, seen: make(map[int]bool)}
	x.referencePaths(root)
	if err := x.run(ctx, root); err != nil {
		return nil, err
	}
	res := &parsers.Result{Lang: lang}
	res.Errors = x.syntaxErrors(root)
	if err := x.salvage(ctx, g, res.Errors); err != nil {
		return nil, err
	}
	res.Refs = x.refs
	sortRefs(res.Refs)
	return res, nil
}

func sortRefs(refs []parsers.Ref) {
	sort.SliceStable(refs, func(i, j int) bool { return refs[i].Span.Start < refs[j].Span.Start })
}

// extractor holds the state of one Extract call.
type extractor struct {
	src  []byte
	q    *query
	refs []parsers.Ref
	// seen holds the Span.Start of every ref, so that a string is reported
	// once even if two patterns match it.
	seen map[int]bool
	// forgiven holds the spans of ERROR/MISSING nodes that stand for valid
	// syntax the grammar does not know (see the package doc).
	forgiven map[parsers.Span]bool
}

// exec runs the query on the subtree of node (within the cursor's point
// range) and turns its matches into refs.
func (x *extractor) exec(qc *sitter.QueryCursor, node *sitter.Node) {
	qc.Exec(x.q.q, node)
	var caps [numRoles]*sitter.Node
	for {
		m, ok := qc.NextMatch()
		if !ok {
			return
		}
		if x.q.predicates[m.PatternIndex] {
			m = qc.FilterPredicates(m, x.src)
			if len(m.Captures) == 0 {
				continue
			}
		}
		caps = [numRoles]*sitter.Node{}
		for _, c := range m.Captures {
			caps[x.q.roles[c.Index]] = c.Node
		}
		x.match(&caps)
	}
}

// match turns one query match into a ref.
func (x *extractor) match(caps *[numRoles]*sitter.Node) {
	source := caps[roleSource]
	if source == nil {
		return
	}
	switch {
	case caps[roleImport] != nil:
		stmt := caps[roleImport]
		ref, ok := x.literalRef(parsers.TSImport, source, stmt)
		if !ok {
			return
		}
		x.importNames(&ref, stmt)
		x.add(ref)
	case caps[roleImportEquals] != nil:
		stmt := caps[roleImportEquals]
		ref, ok := x.literalRef(parsers.TSImportEquals, source, stmt)
		if !ok {
			return
		}
		x.importEqualsNames(&ref, stmt)
		x.add(ref)
	case caps[roleExport] != nil:
		stmt := caps[roleExport]
		ref, ok := x.literalRef(parsers.TSExport, source, stmt)
		if !ok {
			return
		}
		x.exportNames(&ref, stmt)
		x.add(ref)
	case caps[roleExportImportEquals] != nil:
		x.exportImportEquals(caps)
	case caps[roleRequire] != nil:
		x.addCall(parsers.TSRequire, source, caps[roleRequire])
	case caps[roleDynamicImport] != nil:
		x.addCall(parsers.TSDynamicImport, source, caps[roleDynamicImport])
	case caps[roleMock] != nil:
		obj, method := caps[roleMockObject], caps[roleMockMethod]
		if obj == nil || method == nil || !mockCallees[x.text(obj)+"."+x.text(method)] {
			return
		}
		x.addCall(parsers.TSMock, source, caps[roleMock])
	case caps[roleMockGeneric] != nil:
		obj, method, callee := caps[roleMockObject], caps[roleMockMethod], caps[roleMockCallee]
		if obj == nil || method == nil || callee == nil || !mockCallees[x.text(obj)+"."+x.text(method)] {
			return
		}
		if ref, ok := x.literalRef(parsers.TSMock, source, caps[roleMockGeneric]); ok {
			ref.Stmt.Start = spanOf(callee).Start // leave out a leading await
			x.add(ref)
		}
	}
}

// mockCallees are the object.method calls whose first argument is a module
// specifier (TSMock).
var mockCallees = map[string]bool{
	"jest.mock":                 true,
	"jest.unmock":               true,
	"jest.doMock":               true,
	"jest.dontMock":             true,
	"jest.requireActual":        true,
	"jest.requireMock":          true,
	"jest.createMockFromModule": true,
	"vi.mock":                   true,
	"vi.unmock":                 true,
	"vi.doMock":                 true,
	"vi.importActual":           true,
	"vi.importMock":             true,
	"require.resolve":           true,
}

func (x *extractor) addCall(kind parsers.Kind, source, call *sitter.Node) {
	if ref, ok := x.literalRef(kind, source, call); ok {
		x.add(ref)
	}
}

func (x *extractor) add(ref parsers.Ref) {
	if x.seen[ref.Span.Start] {
		return
	}
	x.seen[ref.Span.Start] = true
	x.refs = append(x.refs, ref)
}

// literalRef builds a ref from a string or template literal node and the
// statement or call around it. It reports false for a literal that did not
// parse cleanly (unterminated, holding an ERROR) or that is a template
// literal with substitutions.
func (x *extractor) literalRef(kind parsers.Kind, lit, stmt *sitter.Node) (parsers.Ref, bool) {
	span, quote, ok := x.literal(lit)
	if !ok {
		return parsers.Ref{}, false
	}
	return parsers.Ref{
		Kind:   kind,
		Module: span.Text(x.src),
		Span:   span,
		Stmt:   spanOf(stmt),
		Quote:  quote,
	}, true
}

// literal returns the content span (without quotes) and the quote of a
// string or substitution-free template literal node.
func (x *extractor) literal(lit *sitter.Node) (parsers.Span, byte, bool) {
	s := spanOf(lit)
	if s.Len() < 2 || lit.HasError() {
		return parsers.Span{}, 0, false
	}
	quote := x.src[s.Start]
	if x.src[s.End-1] != quote {
		return parsers.Span{}, 0, false
	}
	switch quote {
	case '\'', '"':
	case '`':
		for i := range int(lit.NamedChildCount()) {
			if lit.NamedChild(i).Type() == "template_substitution" {
				return parsers.Span{}, 0, false
			}
		}
	default:
		return parsers.Span{}, 0, false
	}
	return parsers.Span{Start: s.Start + 1, End: s.End - 1}, quote, true
}

// importNames fills ref.Names and ref.TypeOnly from an import_statement.
func (x *extractor) importNames(ref *parsers.Ref, stmt *sitter.Node) {
	for i := range int(stmt.ChildCount()) {
		c := stmt.Child(i)
		switch c.Type() {
		case "type": // import type ... (anonymous keyword, not a default import named type)
			ref.TypeOnly = !c.IsNamed()
		case "import_clause":
			x.importClause(ref, c)
		}
	}
}

func (x *extractor) importClause(ref *parsers.Ref, clause *sitter.Node) {
	for i := range int(clause.NamedChildCount()) {
		c := clause.NamedChild(i)
		switch c.Type() {
		case "identifier": // default import
			ref.Names = append(ref.Names, parsers.Name{Name: "default", Alias: x.text(c), AliasSpan: spanOf(c)})
		case "namespace_import":
			ref.Names = append(ref.Names, x.star(c))
		case "named_imports":
			for j := range int(c.NamedChildCount()) {
				if spec := c.NamedChild(j); spec.Type() == "import_specifier" {
					ref.Names = append(ref.Names, x.specifier(spec))
				}
			}
		}
	}
}

// star converts `* as ns` (namespace_import or namespace_export).
func (x *extractor) star(n *sitter.Node) parsers.Name {
	name := parsers.Name{Name: "*"}
	for i := range int(n.ChildCount()) {
		c := n.Child(i)
		switch {
		case c.Type() == "*":
			name.NameSpan = spanOf(c)
		case c.IsNamed():
			name.Alias, name.AliasSpan = x.nameText(c)
		}
	}
	return name
}

// specifier converts an import_specifier or export_specifier.
func (x *extractor) specifier(spec *sitter.Node) parsers.Name {
	var name parsers.Name
	if n := spec.ChildByFieldName("name"); n != nil {
		name.Name, name.NameSpan = x.nameText(n)
	}
	if a := spec.ChildByFieldName("alias"); a != nil {
		name.Alias, name.AliasSpan = x.nameText(a)
	}
	return name
}

// nameText returns an identifier's text, or the content of a string used as
// a name (`import {"a-b" as c}`), with its span.
func (x *extractor) nameText(n *sitter.Node) (string, parsers.Span) {
	if n.Type() == "string" {
		if s, _, ok := x.literal(n); ok {
			return s.Text(x.src), s
		}
	}
	s := spanOf(n)
	return s.Text(x.src), s
}

// exportNames fills ref.Names and ref.TypeOnly from an export_statement
// with a source.
func (x *extractor) exportNames(ref *parsers.Ref, stmt *sitter.Node) {
	for i := range int(stmt.ChildCount()) {
		c := stmt.Child(i)
		switch c.Type() {
		case "type":
			ref.TypeOnly = !c.IsNamed()
		case "*":
			ref.Names = append(ref.Names, parsers.Name{Name: "*", NameSpan: spanOf(c)})
		case "namespace_export":
			ref.Names = append(ref.Names, x.star(c))
		case "export_clause":
			for j := range int(c.NamedChildCount()) {
				if spec := c.NamedChild(j); spec.Type() == "export_specifier" {
					ref.Names = append(ref.Names, x.specifier(spec))
				}
			}
		case "ERROR":
			// Grammar gap: `export type * from 's'` puts `type` in an ERROR.
			if i == 1 && x.text(c) == "type" {
				ref.TypeOnly = true
				x.forgive(spanOf(c))
			}
		}
	}
}

// importEqualsNames fills ref from `import [type] x = require('s')`.
func (x *extractor) importEqualsNames(ref *parsers.Ref, stmt *sitter.Node) {
	for i := range int(stmt.ChildCount()) {
		c := stmt.Child(i)
		switch c.Type() {
		case "type":
			ref.TypeOnly = !c.IsNamed()
		case "import_require_clause":
			if id := c.NamedChild(0); id != nil && id.Type() == "identifier" {
				ref.Names = []parsers.Name{{Name: "*", Alias: x.text(id), AliasSpan: spanOf(id)}}
			}
		}
	}
}

// exportImportEquals handles the grammar gap for `export import x =
// require('s')`: export_statement(import_alias(x, require, MISSING ";"))
// followed by expression_statement(("s")).
func (x *extractor) exportImportEquals(caps *[numRoles]*sitter.Node) {
	stmt, alias, tail := caps[roleExportImportEquals], caps[roleExportImportAlias], caps[roleExportImportTail]
	if alias == nil || tail == nil {
		return
	}
	// A real ";" ends the alias (`export import q = require;`): the string
	// on the next line is then an unrelated expression statement.
	var missing *sitter.Node
	if n := int(alias.ChildCount()); n > 0 {
		if last := alias.Child(n - 1); last.Type() == ";" {
			if !last.IsMissing() {
				return
			}
			missing = last
		}
	}
	ref, ok := x.literalRef(parsers.TSImportEquals, caps[roleSource], stmt)
	if !ok {
		return
	}
	ref.Stmt.End = spanOf(tail).End
	if id := alias.NamedChild(0); id != nil && id.Type() == "identifier" {
		ref.Names = []parsers.Name{{Name: "*", Alias: x.text(id), AliasSpan: spanOf(id)}}
	}
	if missing != nil {
		x.forgive(spanOf(missing))
	}
	x.add(ref)
}

func (x *extractor) text(n *sitter.Node) string { return spanOf(n).Text(x.src) }

func spanOf(n *sitter.Node) parsers.Span {
	return parsers.Span{Start: int(n.StartByte()), End: int(n.EndByte())}
}
