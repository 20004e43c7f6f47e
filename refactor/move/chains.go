package move

import (
	"bytes"
	"fmt"
	"maps"
	"path"
	"slices"
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
	if !e.inserted(p, text) {
		e.insertLine(p, stmt, text)
	}
}

// insertLine adds a line holding text after the line where stmt ends, at
// stmt's indentation and with the file's line ending.
func (e *engine) insertLine(p string, stmt parsers.Span, text string) {
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

// boundName is a name an aliased import (`import pkg as p`, `import
// pkg.sub as s`) or a from-import of a submodule (`from pkg import sub`)
// binds to a package, which chains such as `p.helpers.x()` reach
// submodules through.
type boundName struct {
	target  workspace.Target // what the name is bound to (old tree; zero for an attribute)
	stmt    parsers.Span     // the statement that binds it
	nested  bool
	root    string // the source root the statement's absolute name was written against
	hasRoot bool
}

// rewriteBoundChains handles the chains rooted at names that aliased
// imports and from-imports bind to packages (the parser only reports
// chains rooted at plain imports): when the submodule a chain names does
// not follow its package, the chain becomes a fresh alias of the
// submodule's new name, imported after the binding statement; where that
// cannot be done safely the line is warned about.
func (e *engine) rewriteBoundChains(f *index.File) {
	if !e.bindsMovingPackage(f) {
		return // the common case: no scan of the source
	}
	bound := map[string][]boundName{} // every name aliased and from-imports bind
	moving := map[string]bool{}       // the names bound to a package a moved file lies below
	plain := map[string]bool{}
	for _, imp := range f.Imports {
		switch imp.Kind {
		case parsers.PyImport:
			if imp.Alias == "" {
				top, _, _ := strings.Cut(imp.Module, ".")
				plain[top] = true
			} else {
				root, has := e.origRoot(imp.Module, imp.Target)
				bound[imp.Alias] = append(bound[imp.Alias], boundName{imp.Target, imp.Stmt, imp.Nested, root, has})
				moving[imp.Alias] = moving[imp.Alias] || e.packageWithMoves(imp.Target)
			}
		case parsers.PyFrom:
			for i, n := range imp.Names {
				var t workspace.Target // an attribute of the module, or unresolved
				if i < len(imp.NameTargets) {
					t = imp.NameTargets[i]
				}
				name := localName(n)
				bound[name] = append(bound[name], boundName{t, imp.Stmt, imp.Nested, "", false})
				moving[name] = moving[name] || e.packageWithMoves(t)
			}
		}
	}
	var stmts []parsers.Span
	for _, o := range f.Imports {
		if o.Kind == parsers.PyImport || o.Kind == parsers.PyFrom {
			stmts = append(stmts, o.Stmt)
		}
	}
	src := e.source(f.Path)
	toks := scanPyText(src)
	aliases := map[string]string{} // new module name → alias chosen in this file
	for _, name := range slices.Sorted(maps.Keys(moving)) {
		if plain[name] || !moving[name] {
			continue // chains through plain imports are rewriteChain's
		}
		for i := 0; ; {
			j := bytes.Index(src[i:], []byte(name))
			if j < 0 {
				break
			}
			at := i + j
			i = at + len(name)
			if at > 0 && isNameByte(src[at-1], true) || precededByDot(src, at) || overlaps(stmts, at, i) || pyMentionKind(toks, at) != mentionBare {
				continue
			}
			comps, ends, clean := readChain(src, at, name)
			if len(comps) < 2 {
				continue
			}
			e.boundChain(f, src, at, comps, ends, clean, bound[name], aliases)
		}
	}
}

// bindsMovingPackage reports whether an aliased import or a from-import
// of f binds a name to a package some moved file lies below.
func (e *engine) bindsMovingPackage(f *index.File) bool {
	for _, imp := range f.Imports {
		switch {
		case imp.Kind == parsers.PyImport && imp.Alias != "" && e.packageWithMoves(imp.Target):
			return true
		case imp.Kind == parsers.PyFrom:
			for _, t := range imp.NameTargets {
				if e.packageWithMoves(t) {
					return true
				}
			}
		}
	}
	return false
}

// boundChain rewrites or warns about one chain comps (ends[k] is where
// comps[k] ends) rooted at a bound name.
func (e *engine) boundChain(f *index.File, src []byte, at int, comps []string, ends []int, clean bool, bs []boundName, aliases map[string]string) {
	line := bytes.Count(src[:at], []byte("\n")) + 1
	// The binding the chain uses: the module-level one, else the nearest
	// before it (in the same function, as far as text tells).
	b := bs[0]
	for _, o := range bs {
		if !o.nested {
			b = o
			break
		}
		if o.stmt.Start < at {
			b = o
		}
	}
	for _, o := range bs {
		if o.target != b.target {
			if e.chainMoves(b, comps) != nil || e.chainMoves(o, comps) != nil {
				e.warn(f.Path, line, "unexpressible", "%s is bound by imports of different modules and %s may name a moved module; rewrite it by hand", comps[0], strings.Join(comps, "."))
			}
			return
		}
	}
	k, t := e.deepestSub(b, comps)
	if k == 0 {
		return
	}
	tNew := e.newTarget(t)
	if tNew == t && e.newTarget(b.target) == b.target {
		return
	}
	if modPath(tNew) == modPath(e.newTarget(b.target))+"/"+strings.Join(comps[1:k], "/") {
		return // the submodule follows its package: the binding's rewrite suffices
	}
	chain := strings.Join(comps[:k], ".")
	newSub, ok := e.absExpr(modPath(tNew), b.root, b.hasRoot)
	switch {
	case !ok:
		e.unexpressible(f.Path, line, tNew.Path, "cannot name %s, reached as %s through %s, from its new place; left unchanged", tNew.Path, chain, comps[0])
		return
	case !clean:
		e.warn(f.Path, line, "unexpressible", "%s names %s, now %s, but the chain is split over lines or spaces; rewrite it by hand", chain, t.Path, newSub)
		return
	case k == len(comps) && isTarget(src, at, ends[k-1]):
		e.warn(f.Path, line, "unexpressible", "%s (now %s) is assigned or deleted through its package; left unchanged, rewrite it by hand", chain, newSub)
		return
	}
	key := newSub
	if b.nested {
		key = fmt.Sprintf("%s@%d", newSub, b.stmt.Start)
	}
	alias, have := aliases[key]
	if !have {
		if alias = e.existingAlias(f, tNew); alias == "" {
			if alias, have = aliases[newSub]; !have { // one alias per module in the file
				alias = freshName(src, comps[k-1], aliases)
			}
			e.insertLine(f.Path, b.stmt, "import "+newSub+" as "+alias)
		}
		aliases[key], aliases[newSub] = alias, alias
	}
	e.addEdit(f.Path, at, ends[k-1], alias)
}

// chainMoves returns the submodule chain comps names through b when it
// does not follow its package, else nil.
func (e *engine) chainMoves(b boundName, comps []string) *workspace.Target {
	k, t := e.deepestSub(b, comps)
	if k == 0 || modPath(e.newTarget(t)) == modPath(e.newTarget(b.target))+"/"+strings.Join(comps[1:k], "/") {
		return nil
	}
	return &t
}

// deepestSub returns the deepest module comps[:k] names below b's package
// in the tree before the moves (k is 0 when it names none).
func (e *engine) deepestSub(b boundName, comps []string) (int, workspace.Target) {
	if b.target.Status != workspace.Internal {
		return 0, workspace.Target{}
	}
	base := modPath(b.target)
	for k := len(comps); k > 1; k-- {
		if t, ok := e.pyOld.Lookup(base + "/" + strings.Join(comps[1:k], "/")); ok {
			return k, t
		}
	}
	return 0, workspace.Target{}
}

// packageWithMoves reports whether t is a package some moved file lies
// below.
func (e *engine) packageWithMoves(t workspace.Target) bool {
	if t.Status != workspace.Internal || !t.Dir && !strings.HasPrefix(path.Base(t.Path), "__init__.") {
		return false
	}
	dir := modPath(t) + "/"
	for from := range e.fileMap {
		if strings.HasPrefix(from, dir) {
			return true
		}
	}
	return false
}

// existingAlias returns the alias of a top-level `import m as alias` of
// the module that becomes t, or "".
func (e *engine) existingAlias(f *index.File, t workspace.Target) string {
	for _, imp := range f.Imports {
		if imp.Kind == parsers.PyImport && imp.Alias != "" && !imp.Nested && imp.Target.Status == workspace.Internal && e.newTarget(imp.Target) == t {
			return imp.Alias
		}
	}
	return ""
}

// inserted reports whether the file already gets a line holding text.
func (e *engine) inserted(p, text string) bool {
	for _, ed := range e.edited[p] {
		if ed.Start == ed.End && strings.TrimSpace(ed.New) == text {
			return true
		}
	}
	return false
}

// freshName returns an alias for a module whose last component is last:
// last itself, or last with a suffix, that appears nowhere in src as a
// word and is not taken by another alias of the file.
func freshName(src []byte, last string, taken map[string]string) string {
	used := func(n string) bool {
		for _, a := range taken {
			if a == n {
				return true
			}
		}
		for i := 0; ; {
			j := bytes.Index(src[i:], []byte(n))
			if j < 0 {
				return false
			}
			at := i + j
			i = at + len(n)
			// An attribute (`h.helpers`) binds no name of the file.
			if (at == 0 || !isNameByte(src[at-1], false)) && (i == len(src) || !isNameByte(src[i], false)) && !precededByDot(src, at) {
				return true
			}
		}
	}
	for _, n := range []string{last, last + "_mod", "_" + last} {
		if !used(n) {
			return n
		}
	}
	for k := 2; ; k++ {
		if n := fmt.Sprintf("%s_mod%d", last, k); !used(n) {
			return n
		}
	}
}

// precededByDot reports whether the name at src[at:] is an attribute
// (`x . name`).
func precededByDot(src []byte, at int) bool {
	k := at - 1
	for k >= 0 && (src[k] == ' ' || src[k] == '\t') {
		k--
	}
	return k >= 0 && src[k] == '.'
}

// readChain reads the dotted chain starting with name at src[at:]: its
// components, where each ends, and whether it is written without spaces.
func readChain(src []byte, at int, name string) (comps []string, ends []int, clean bool) {
	comps, ends, clean = []string{name}, []int{at + len(name)}, true
	for i := at + len(name); ; {
		k := i
		for k < len(src) && (src[k] == ' ' || src[k] == '\t') {
			k++
		}
		if k >= len(src) || src[k] != '.' {
			return comps, ends, clean
		}
		sp := k != i
		k++
		for k < len(src) && (src[k] == ' ' || src[k] == '\t') {
			k++
			sp = true
		}
		j := k
		for j < len(src) && isNameByte(src[j], false) {
			j++
		}
		if j == k || !isIdent(string(src[k:j])) {
			return comps, ends, clean
		}
		clean = clean && !sp
		comps, ends = append(comps, string(src[k:j])), append(ends, j)
		i = j
	}
}

// isTarget reports whether the expression src[start:end] is assigned
// (`x = `, `x += `, `x: T = ` at the start of a line) or deleted (`del x`).
func isTarget(src []byte, start, end int) bool {
	lineStart := bytes.LastIndexByte(src[:start], '\n') + 1
	before := bytes.TrimSpace(src[lineStart:start])
	if string(before) == "del" {
		return true
	}
	rest := bytes.TrimLeft(src[end:], " \t")
	if len(before) == 0 && bytes.HasPrefix(rest, []byte(":")) {
		return true
	}
	if k := bytes.IndexByte(rest, '='); k >= 0 && k <= 3 && (k+1 == len(rest) || rest[k+1] != '=') {
		return slices.Contains([]string{"", "+", "-", "*", "/", "//", "%", "**", ">>", "<<", "&", "^", "|", "@"}, string(rest[:k]))
	}
	return false
}
