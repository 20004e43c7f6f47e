package move

import (
	"bytes"
	"strings"

	"github.com/relayout/relayout/parsers"
	"github.com/relayout/relayout/refactor/index"
	"github.com/relayout/relayout/refactor/workspace"
)

// Attribute chains through parent packages, and the names plain imports
// bind.
//
// `import pkg` … `pkg.helpers.x()` reaches the submodule pkg/helpers.py
// through its parent package. The parser reports the chain as a reference
// to pkg (the import it uses); rewriteChain resolves the rest of the chain
// in the tree as it was before the moves and, when the submodule's new name
// is not simply the package's new name plus the same tail, rewrites the
// chain and adds the `import` the new chain needs.

// rewriteChain handles a PyAttribute reference whose chain names a
// submodule below the imported module. It reports true when it dealt with
// the reference (rewritten or warned), false to leave it to the plain
// prefix rewrite.
func (e *engine) rewriteChain(f *index.File, imp index.Import) bool {
	if imp.Target.Status != workspace.Internal || imp.Alias != "" {
		return false
	}
	src := e.source(f.Path)
	text := string(imp.Stmt.Text(src))
	comps := strings.Split(text, ".")
	clean := true
	for i, c := range comps {
		comps[i] = strings.TrimSpace(c)
		if comps[i] != c {
			clean = false
		}
		if !isIdent(comps[i]) {
			return false // a comment or line continuation inside the chain
		}
	}
	n := strings.Count(imp.Matched, ".") + 1
	if len(comps) <= n {
		return false
	}
	modNew := e.newTarget(imp.Target)
	newMod := imp.Matched
	if modNew != imp.Target {
		root, has := e.origRoot(imp.Matched, imp.Target)
		var ok bool
		if newMod, ok = e.absExpr(modPath(modNew), root, has); !ok {
			return false // the prefix rewrite warns
		}
	}
	// The deepest module the chain names in the tree before the moves.
	for k := len(comps); k > n; k-- {
		name := strings.Join(comps[:k], ".")
		t := e.pyOld.Resolve(f.Path, name, 0)
		if t.Status != workspace.Internal || modPath(t) == modPath(imp.Target) {
			continue
		}
		tNew := e.newTarget(t)
		root, has := e.origRoot(name, t)
		newSub, ok := e.absExpr(modPath(tNew), root, has)
		if ok && newSub == newMod+"."+strings.Join(comps[n:k], ".") {
			return false // the chain follows its package: the prefix rewrite suffices
		}
		line := imp.Pos.Line + 1
		switch {
		case !ok:
			e.unexpressible(f.Path, line, tNew.Path, "cannot name %s, reached as %s through its parent package, from its new place; left unchanged", tNew.Path, name)
		case !clean:
			e.warn(f.Path, line, "unexpressible", "%s names %s, now %s, but the chain is split over lines or spaces; rewrite it by hand", name, t.Path, newSub)
		default:
			e.addEdit(f.Path, imp.Span.Start, imp.Stmt.Start+len(name), newSub)
			e.addImportAfter(f, imp.Module, newSub)
		}
		return true
	}
	return false
}

// addImportAfter inserts `import name` on the line after the plain
// `import module` statement the file binds module's top-level name with,
// unless a plain import of a module that becomes name already exists.
func (e *engine) addImportAfter(f *index.File, module, name string) {
	var anchor *index.Import
	for i := range f.Imports {
		imp := &f.Imports[i]
		if imp.Kind != parsers.PyImport || imp.Alias != "" {
			continue
		}
		if imp.Target.Status == workspace.Internal {
			if n, ok := e.absExpr(modPath(e.newTarget(imp.Target)), "", false); ok && n == name {
				return // already imported (under its old or new name)
			}
		}
		if imp.Module == module && (anchor == nil || anchor.Nested && !imp.Nested) {
			anchor = imp
		}
	}
	if anchor == nil {
		return
	}
	e.insertLineAfter(f.Path, anchor.Stmt, "import "+name)
}

// insertLineAfter adds a line holding text after the line where stmt
// ends, at stmt's indentation and with the file's line ending, unless the
// file already gets that line.
func (e *engine) insertLineAfter(p string, stmt parsers.Span, text string) {
	for _, ed := range e.edited[p] {
		if ed.Start == ed.End && strings.TrimSpace(ed.New) == text {
			return
		}
	}
	src := e.source(p)
	lineStart := bytes.LastIndexByte(src[:stmt.Start], '\n') + 1
	indent := src[lineStart:stmt.Start]
	if len(bytes.TrimSpace(indent)) != 0 {
		indent = indent[:len(indent)-len(bytes.TrimLeft(indent, " \t"))]
	}
	end := len(src)
	if k := bytes.IndexByte(src[stmt.End:], '\n'); k >= 0 {
		end = stmt.End + k
	}
	nl := "\n"
	if end > 0 && end < len(src) && src[end-1] == '\r' {
		end--
		nl = "\r\n"
	}
	e.addEdit(p, end, end, nl+string(indent)+text)
}

// keepRootBinding keeps the name `import a.b.c` bound when the statement
// is rewritten to another top-level package (`import x.c`): if the file
// uses `a.` elsewhere and nothing else binds a, `import a` is added after
// it, or, when a no longer exists, a warning names the line.
func (e *engine) keepRootBinding(f *index.File, imp index.Import, expr string) {
	top, _, _ := strings.Cut(imp.Module, ".")
	newTop, _, _ := strings.Cut(expr, ".")
	if top == newTop || imp.Alias != "" {
		return
	}
	src := e.source(f.Path)
	// Other statements that bind top and stay bound to it.
	for _, o := range f.Imports {
		if o.Stmt == imp.Stmt && o.Span == imp.Span {
			continue
		}
		switch o.Kind {
		case parsers.PyImport:
			if o.Alias == top || o.Alias == "" && strings.SplitN(o.Module, ".", 2)[0] == top && e.newTarget(o.Target) == o.Target {
				return
			}
		case parsers.PyFrom:
			for _, n := range o.Names {
				if localName(n) == top {
					return
				}
			}
		}
	}
	// Uses of top outside the chains of this import (which follow it).
	var skip []parsers.Span
	for _, o := range f.Imports {
		skip = append(skip, o.Stmt)
		if o.Kind == parsers.PyAttribute && o.Module == imp.Module {
			skip = append(skip, o.Span)
		}
	}
	toks := scanPyText(src)
	used := false
	for i := 0; !used; {
		j := bytes.Index(src[i:], []byte(top+"."))
		if j < 0 {
			break
		}
		at := i + j
		i = at + len(top) + 1
		if at > 0 && isNameByte(src[at-1], true) || overlaps(skip, at, at+len(top)) || pyMentionKind(toks, at) != mentionBare {
			continue
		}
		used = true
	}
	if !used {
		return
	}
	if t := e.pyNew.Resolve(f.Path, top, 0); t.Status == workspace.Unresolved {
		e.warn(f.Path, imp.Pos.Line+1, "unexpressible", "%q becomes %q, which no longer binds %s, and %s no longer exists; uses of %s. in this file will fail", imp.Module, expr, top, top, top)
		return
	}
	e.insertLineAfter(f.Path, imp.Stmt, "import "+top)
}
