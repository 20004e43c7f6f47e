package merge

import (
	"context"
	"fmt"
	"path"
	"slices"
	"strings"

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

// Header item kinds.
const (
	hdrFuture = iota
	hdrImport
	hdrTry
	hdrTC
	hdrAll
)

// pyFile is one analysed Python source.
type pyFile struct {
	p    *prepared
	idx  int
	self *pySelf
	mod  *python.Module

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

// analyzePy extracts, parses and classifies one Python source.
func analyzePy(ctx context.Context, p *prepared, idx int, self *pySelf) (*pyFile, error) {
	res, err := python.Extract(ctx, p.text)
	if err != nil {
		return nil, fmt.Errorf("merge %s: %w", p.path, err)
	}
	if err := p.syntaxError(res.Errors); err != nil {
		return nil, err
	}
	mod, err := python.Defs(ctx, p.text)
	if err != nil {
		return nil, fmt.Errorf("merge %s: parse: %w", p.path, err)
	}
	if mod.Broken { // the extractor's parse agreed; be safe anyway
		return nil, &SyntaxError{Path: p.path, Line: 1, Col: 1}
	}
	f := &pyFile{p: p, idx: idx, self: self, mod: mod,
		imports: map[int][]parsers.Ref{}, futures: map[string]bool{}}
	for _, r := range res.Refs {
		switch r.Kind {
		case parsers.PyImport, parsers.PyFrom:
			f.imports[r.Stmt.Start] = append(f.imports[r.Stmt.Start], r)
		case parsers.PyAttribute:
			f.attrs = append(f.attrs, r)
		}
	}
	f.seg = segment(p.text, pyNodes(mod.Stmts), true, 0, pyComments)
	f.classify()
	if it := f.misplacedFuture(); it != nil {
		// Python only accepts them at the top; the grammar does not care.
		pos := p.lines.Position(it.stmt.Start, parsers.UTF8)
		return nil, &SyntaxError{Path: p.path, Line: pos.Line + 1, Col: pos.Col + 1}
	}
	for _, it := range f.seg.items {
		f.bindStmt(f.stmt(it))
	}
	return f, nil
}

// pyNodes returns the statement list segment works on.
func pyNodes(stmts []python.Stmt) []node {
	out := make([]node, len(stmts))
	for i, st := range stmts {
		out[i] = node{span: st.Span, comment: st.Kind == python.StmtComment}
	}
	return out
}

// stmt returns the top-level statement of an item.
func (f *pyFile) stmt(it item) *python.Stmt { return &f.mod.Stmts[it.idx] }

// kind returns the kind of a top-level item.
func (f *pyFile) kind(it item) python.StmtKind { return f.mod.Stmts[it.idx].Kind }

// misplacedFuture returns the first `from __future__` import that follows
// a statement other than the docstring and other future imports.
func (f *pyFile) misplacedFuture() *item {
	for i := range f.seg.items {
		it := &f.seg.items[i]
		if f.kind(*it) == python.StmtFuture || it == f.doc {
			continue
		}
		for j := i + 1; j < len(f.seg.items); j++ {
			if f.kind(f.seg.items[j]) == python.StmtFuture {
				return &f.seg.items[j]
			}
		}
		return nil
	}
	return nil
}

func (f *pyFile) text(s parsers.Span) string { return f.p.text2(s) }

func (f *pyFile) line(offset int) int { return f.p.line(offset) }

// classify splits the top-level items into docstring, header and body.
func (f *pyFile) classify() {
	items := f.seg.items
	i := 0
	if len(items) > 0 && f.kind(items[0]) == python.StmtDocstring {
		f.doc = &items[0]
		i = 1
	}
	for ; i < len(items); i++ {
		it := items[i]
		kind := -1
		switch f.kind(it) {
		case python.StmtFuture:
			kind = hdrFuture
		case python.StmtImport, python.StmtFrom:
			kind = hdrImport
		case python.StmtTypeChecking:
			kind = hdrTC
		case python.StmtTryImports:
			kind = hdrTry
		case python.StmtAll:
			kind = hdrAll
		}
		if kind < 0 {
			break
		}
		f.header = append(f.header, pyHeader{kind: kind, item: it})
	}
	f.body = items[i:]
	// Type-checking imports never run: such blocks move up from anywhere.
	for _, it := range f.body {
		if f.kind(it) == python.StmtTypeChecking {
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
		switch st := f.stmt(it); st.Kind {
		case python.StmtAll:
			f.hasAll = true
			if f.allQuote == 0 {
				f.allQuote = st.AllQuote
			}
			for _, n := range st.All {
				if !slices.Contains(f.all, n) {
					f.all = append(f.all, n)
				}
			}
		case python.StmtAllOther:
			f.conflict("__all__", reasonAllLiteral, it.stmt.Start, oneLine(f.text(it.stmt)))
		}
	}
}

// bind records a top-level binding.
func (f *pyFile) bind(name string, at int, kind Kind, what, origin string) {
	if name == "_" || name == "__all__" {
		return
	}
	f.bindings = append(f.bindings, binding{name: name, src: f.idx, line: f.line(at),
		what: what, kind: kind, origin: origin})
}

// bindStmt records what a top-level statement (and the blocks of a
// top-level compound statement) binds.
func (f *pyFile) bindStmt(st *python.Stmt) {
	for _, b := range st.Binds {
		switch b.Kind {
		case python.BindFunction:
			f.bind(b.Name, b.Stmt.Start, Function, "def "+b.Name, "")
		case python.BindClass:
			f.bind(b.Name, b.Stmt.Start, Class, "class "+b.Name, "")
		case python.BindVariable:
			f.bind(b.Name, b.Stmt.Start, Variable, oneLine(f.text(b.Stmt)), "")
		case python.BindType:
			f.bind(b.Name, b.Stmt.Start, Type, "type "+b.Name, "")
		case python.BindImport:
			f.bindImport(b.Stmt, b.Where)
		}
	}
}

// refsOf returns the import refs of the statement at n.
func (f *pyFile) refsOf(n parsers.Span) []parsers.Ref {
	return f.imports[n.Start]
}

// bindImport records the names an import binds and the imports of the
// merged module itself.
func (f *pyFile) bindImport(n parsers.Span, where python.Where) {
	what := oneLine(f.text(n))
	for _, r := range f.refsOf(n) {
		if r.Stmt.Start != n.Start {
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
			f.bind(local, n.Start, Import, what, origin)
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
				if where == python.AtCompound {
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
					tc: where == python.AtTypeChecking, what: what})
			case impSelfMod:
				f.selfImport(n, where, local, false, "", nm.NameSpan.Start)
			default:
				if nm.Name == "*" {
					f.wildcard = true
					continue
				}
				f.bind(local, n.Start, Import, what, fromOrigin(r, nm.Name))
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
func (f *pyFile) selfImport(n parsers.Span, where python.Where, local string, plain bool, module string, at int) {
	what := oneLine(f.text(n))
	if where == python.AtCompound {
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
	for _, id := range f.mod.Idents {
		if _, ok := f.uses[id.Name]; !ok {
			f.uses[id.Name] = id.Offset
		}
	}
	return f.uses
}

// loadTimeUse returns the offset of the first use of name in code that
// runs when the module is imported: top-level statements, class bodies,
// decorators, default values and (unless annotations are postponed)
// annotations, but not function bodies.
func (f *pyFile) loadTimeUse(name string, lazyAnnotations bool) (int, bool) {
	for _, id := range f.mod.Idents {
		if id.Name == name && id.LoadTime && !(lazyAnnotations && id.Annotation) {
			return id.Offset, true
		}
	}
	return -1, false
}
