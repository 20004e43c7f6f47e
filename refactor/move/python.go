package move

import (
	"bytes"
	"fmt"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/relayout/relayout/parsers"
	"github.com/relayout/relayout/refactor/index"
	"github.com/relayout/relayout/refactor/pyresolve"
	"github.com/relayout/relayout/refactor/workspace"
)

// rewrite computes the text edits of every indexed file the moves can
// affect (affected.go): Python files in order, TS/JS files on all cores
// (tsmove.Rewrite is safe for concurrent use), each language only when
// the moves can affect it.
func (e *engine) rewrite() error {
	var ts []*index.File
	py := e.pyAffected()
	files := e.affected(e.tsAffected())
	if files == nil {
		files = e.ix.Files()
	}
	for _, p := range files {
		if err := e.ctx.Err(); err != nil {
			return err
		}
		f := e.ix.File(p)
		if f == nil || len(f.Imports) == 0 {
			continue
		}
		if f.Lang == parsers.Python {
			if py {
				e.rewritePython(f)
			}
		} else if e.tsAffected() {
			ts = append(ts, f)
		}
	}
	if err := e.refuseUnimportable(); err != nil {
		return err
	}
	e.rewriteTSFiles(ts)
	return e.ctx.Err()
}

// unimportable is a Python import that cannot name its target's new
// place (for instance a module renamed to my-ctx.py or ctx.txt).
type unimportable struct {
	file   string // importer (current path)
	line   int    // 1-based
	target string // new path of the module it imports
}

// unexpressible warns that an import is left unchanged because no Python
// name reaches target (the imported module's new path) from the importer,
// and records it for refuseUnimportable.
func (e *engine) unexpressible(file string, line int, target, format string, args ...any) {
	e.warn(file, line, "unexpressible", format, args...)
	e.unimportable = append(e.unimportable, unimportable{file, line, target})
}

// refuseUnimportable turns the imports that cannot be expressed into an
// *Error naming every importer, unless Options.Force: a move that breaks
// them contradicts all-or-nothing.
func (e *engine) refuseUnimportable() error {
	if e.opts.Force || len(e.unimportable) == 0 {
		return nil
	}
	byTarget := map[string][]string{}
	for _, u := range e.unimportable {
		byTarget[u.target] = append(byTarget[u.target], fmt.Sprintf("%s:%d", u.file, u.line))
	}
	var problems []string
	for target, sites := range byTarget {
		sort.Strings(sites)
		problems = append(problems, fmt.Sprintf("the move makes %s unimportable (it is no Python module name any importer can write): imported at %s; use --force to move it anyway and leave those imports unchanged",
			target, strings.Join(slices.Compact(sites), ", ")))
	}
	sort.Strings(problems)
	return &Error{Problems: problems}
}

// pyAffected reports whether any moved file is Python or a file that
// defines Python source roots (pyproject.toml, setup.cfg): otherwise no
// Python reference can change.
func (e *engine) pyAffected() bool {
	for old := range e.fileMap {
		if b := path.Base(old); pyresolve.IsPython(old) || b == "pyproject.toml" || b == "setup.cfg" {
			return true
		}
	}
	return false
}

// modPath returns the module path of a Python target: the file without
// extension, or the package directory for __init__ files and namespace
// packages.
func modPath(t workspace.Target) string {
	if t.Dir {
		return t.Path
	}
	p := strings.TrimSuffix(strings.TrimSuffix(t.Path, ".pyi"), ".py")
	if path.Base(p) == "__init__" {
		p = path.Dir(p)
		if p == "." {
			p = ""
		}
	}
	return p
}

// origRoot returns the old source root against which the absolute name
// module was written for target t, or "" when unknown.
func (e *engine) origRoot(module string, t workspace.Target) (string, bool) {
	mp := modPath(t)
	for _, r := range e.pyOld.Roots() {
		if name, ok := pyresolve.ModuleName(r, mp); ok && name == module {
			return r, true
		}
	}
	return "", false
}

// absExpr returns the absolute dotted name of module path mp in the new
// tree, preferring the source root the original reference used.
func (e *engine) absExpr(mp, preferRoot string, hasPrefer bool) (string, bool) {
	if hasPrefer {
		nr := e.newDir(preferRoot)
		for _, r := range []string{preferRoot, nr} {
			if r == "" || strings.HasPrefix(mp, r+"/") {
				if name, ok := pyresolve.ModuleName(r, mp); ok && name != "" && e.absResolves(name, mp) {
					return name, true
				}
			}
		}
	}
	for _, r := range e.pyNew.Roots() {
		if r == "" || strings.HasPrefix(mp, r+"/") {
			if name, ok := pyresolve.ModuleName(r, mp); ok && name != "" && e.absResolves(name, mp) {
				return name, true
			}
		}
	}
	return "", false
}

// absResolves checks that name resolves to mp in the new tree.
func (e *engine) absResolves(name, mp string) bool {
	t := e.pyNew.Resolve("", name, 0)
	return t.Status == workspace.Internal && modPath(t) == mp
}

// relExpr returns the relative form (".x", "..a.b") naming module path mp
// from the file `from` (new path), and false when dots cannot express it
// (the common ancestor is not inside from's package hierarchy).
func (e *engine) relExpr(from, mp string) (string, bool) {
	pkg := pyresolve.PackageDir(from)
	root := e.pyNew.RootOf(from)
	common := commonDir(pkg, mp)
	if root == "" {
		if common == "" {
			return "", false
		}
	} else if !strings.HasPrefix(common, root+"/") {
		return "", false
	}
	level := 1 + depthOf(pkg) - depthOf(common)
	rest := strings.TrimPrefix(strings.TrimPrefix(mp, common), "/")
	for _, part := range strings.Split(rest, "/") {
		if rest != "" && !isIdent(part) {
			return "", false
		}
	}
	expr := strings.Repeat(".", level) + strings.ReplaceAll(rest, "/", ".")
	t := e.pyNew.Resolve(from, strings.ReplaceAll(rest, "/", "."), level)
	if t.Status != workspace.Internal || modPath(t) != mp {
		return "", false
	}
	return expr, true
}

// maxClimb is the number of package levels a rewritten relative import
// may climb (`from ...x` climbs two) before an absolute import reads
// better, unless the file already climbs further.
const maxClimb = 2

// pyExpr names module path mp from file f (its new path is `from`) as
// [python] imports asks: "absolute" prefers the absolute name, "relative"
// dots whenever they can express it, and "preserve" (the default) keeps
// the original's form — but a relative import that would climb more than
// maxClimb levels becomes absolute unless f already has such an import.
func (e *engine) pyExpr(f *index.File, from, mp string, relative bool, root string, hasRoot bool) (string, bool) {
	style := e.cfg.Python.Imports
	if style == "absolute" {
		if s, ok := e.absExpr(mp, root, hasRoot); ok {
			return s, true
		}
		return e.relExpr(from, mp)
	}
	if relative || style == "relative" {
		if s, ok := e.relExpr(from, mp); ok {
			if style == "relative" || relLevel(s)-1 <= maxClimb || climbsFar(f) {
				return s, true
			}
			if a, ok := e.absExpr(mp, root, hasRoot); ok {
				return a, true
			}
			return s, true
		}
	}
	return e.absExpr(mp, root, hasRoot)
}

// relLevel returns the number of leading dots of a relative module name.
func relLevel(s string) int {
	return len(s) - len(strings.TrimLeft(s, "."))
}

// climbsFar reports whether f already has a relative import climbing more
// than maxClimb levels.
func climbsFar(f *index.File) bool {
	for _, imp := range f.Imports {
		if imp.Kind == parsers.PyFrom && imp.Level-1 > maxClimb {
			return true
		}
	}
	return false
}

func commonDir(a, b string) string {
	if a == "" || b == "" {
		return ""
	}
	as, bs := strings.Split(a, "/"), strings.Split(b, "/")
	n := 0
	for n < len(as) && n < len(bs) && as[n] == bs[n] {
		n++
	}
	return strings.Join(as[:n], "/")
}

func depthOf(dir string) int {
	if dir == "" {
		return 0
	}
	return strings.Count(dir, "/") + 1
}

func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range s {
		if c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c > 127 || i > 0 && c >= '0' && c <= '9' {
			continue
		}
		return false
	}
	return true
}

func (e *engine) rewritePython(f *index.File) {
	p := f.Path
	fNew := e.newPath(p)
	fileMoved := fNew != p
	for _, imp := range f.Imports {
		switch imp.Kind {
		case parsers.PyImport, parsers.PyAttribute, parsers.PyString:
			// Matched is the dotted module the reference names: the whole
			// name of an import or attribute chain, the module prefix of a
			// string such as mock.patch("a.b.f").
			if imp.Target.Status != workspace.Internal {
				continue
			}
			if imp.Package != "" {
				e.rewriteRelativeString(f, imp)
				continue
			}
			if imp.Kind == parsers.PyAttribute && e.rewriteChain(f, imp) {
				continue
			}
			tNew := e.newTarget(imp.Target)
			if tNew == imp.Target {
				continue
			}
			root, has := e.origRoot(imp.Matched, imp.Target)
			expr, ok := e.absExpr(modPath(tNew), root, has)
			if !ok {
				e.unexpressible(p, imp.Pos.Line+1, tNew.Path, "cannot name %s as a Python module from its new place; %q left unchanged", tNew.Path, imp.Module)
				continue
			}
			if expr != imp.Matched {
				e.addEdit(p, imp.Span.Start, imp.Span.Start+len(imp.Matched), expr)
				if imp.Kind == parsers.PyImport {
					e.keepRootBinding(f, imp, expr)
				}
			}
		case parsers.PyFrom:
			e.rewriteFrom(f, imp, fNew, fileMoved)
		}
	}
	e.rewriteBoundChains(f)
}

// rewriteRelativeString updates the relative name of
// import_module(".sub.mod", "pkg") (the package string is a reference of
// its own): relative to the package's new place when the module is still
// inside it, else the absolute name (import_module ignores the package
// for absolute names).
func (e *engine) rewriteRelativeString(f *index.File, imp index.Import) {
	pkgT := e.pyOld.Resolve(f.Path, imp.Package, 0)
	if pkgT.Status != workspace.Internal {
		return
	}
	tNew, pkgNew := e.newTarget(imp.Target), e.newTarget(pkgT)
	if tNew == imp.Target && pkgNew == pkgT {
		return
	}
	mp, pp := modPath(tNew), modPath(pkgNew)
	expr := ""
	if rest, ok := strings.CutPrefix(mp, pp+"/"); ok && pp != "" {
		expr = "." + strings.ReplaceAll(rest, "/", ".")
		for _, c := range strings.Split(rest, "/") {
			if !isIdent(c) {
				expr = ""
			}
		}
	}
	if expr == "" {
		var ok bool
		if expr, ok = e.absExpr(mp, "", false); !ok {
			e.unexpressible(f.Path, imp.Pos.Line+1, tNew.Path, "cannot name %s as a Python module; %q left unchanged", tNew.Path, imp.Module)
			return
		}
	}
	if expr != imp.Matched {
		e.addEdit(f.Path, imp.Span.Start, imp.Span.Start+len(imp.Matched), expr)
	}
}

type fromName struct {
	n       parsers.Name
	newName string
}

type fromGroup struct {
	expr  string
	names []fromName
}

// rewriteFrom updates one from-import: its module part, the names that
// are moved submodules (adding `as` to keep the local name), and splits
// the statement when its names now live in different modules.
func (e *engine) rewriteFrom(f *index.File, imp index.Import, fNew string, fileMoved bool) {
	p := f.Path
	if imp.Target.Status != workspace.Internal {
		return
	}
	relative := imp.Level > 0
	xNew := e.newTarget(imp.Target)
	changed := xNew != imp.Target || (fileMoved && relative)
	for _, nt := range imp.NameTargets {
		if nt.Status == workspace.Internal && e.newTarget(nt) != nt {
			changed = true
		}
	}
	if !changed {
		return
	}
	root, hasRoot := "", false
	if !relative {
		root, hasRoot = e.origRoot(imp.Module, imp.Target)
	}
	written := imp.Span.Text(e.source(p))
	var groups []*fromGroup
	add := func(expr string, fn fromName) {
		for _, g := range groups {
			if g.expr == expr {
				g.names = append(g.names, fn)
				return
			}
		}
		groups = append(groups, &fromGroup{expr: expr, names: []fromName{fn}})
	}
	xExpr := ""
	xOK := false
	xExprFor := func() (string, bool) {
		if xExpr == "" && !xOK {
			if xNew == imp.Target && !(fileMoved && relative) {
				xExpr, xOK = written, true
			} else {
				xExpr, xOK = e.pyExpr(f, fNew, modPath(xNew), relative, root, hasRoot)
			}
		}
		return xExpr, xOK
	}
	for i, n := range imp.Names {
		var nt workspace.Target
		if i < len(imp.NameTargets) {
			nt = imp.NameTargets[i]
		}
		if nt.Status == workspace.Internal {
			ntNew := e.newTarget(nt)
			mp := modPath(ntNew)
			parent, last := path.Dir(mp), path.Base(mp)
			if parent == "." {
				parent = ""
			}
			if !isIdent(last) || !ntNew.Dir && !pyresolve.IsPython(ntNew.Path) {
				e.unexpressible(p, imp.Pos.Line+1, ntNew.Path, "cannot name %s as a Python module; %q left unchanged", ntNew.Path, written)
				return
			}
			if parent == modPath(xNew) {
				x, ok := xExprFor()
				if !ok {
					e.unexpressible(p, imp.Pos.Line+1, xNew.Path, "cannot name the new place of %q; import left unchanged", written)
					return
				}
				add(x, fromName{n, last})
				continue
			}
			nroot, nhas := root, hasRoot
			if !relative {
				nroot, nhas = e.origRoot(joinDotted(imp.Module, n.Name), nt)
			}
			expr := "" // a top-level module needs `import name`
			if e.pyNew.RootOf(mp+".py") != parent {
				var ok bool
				expr, ok = e.pyExpr(f, fNew, parent, relative, nroot, nhas)
				if !ok {
					e.unexpressible(p, imp.Pos.Line+1, ntNew.Path, "cannot name the new place of %s from %s; import left unchanged", ntNew.Path, fNew)
					return
				}
			}
			add(expr, fromName{n, last})
			continue
		}
		x, ok := xExprFor()
		if !ok {
			e.unexpressible(p, imp.Pos.Line+1, xNew.Path, "cannot name the new place of %q from %s; import left unchanged", written, fNew)
			return
		}
		add(x, fromName{n, n.Name})
	}
	if len(groups) == 1 && groups[0].expr != "" {
		g := groups[0]
		if g.expr != written {
			e.addEdit(p, imp.Span.Start, imp.Span.End, g.expr)
		}
		for _, fn := range g.names {
			if fn.newName == fn.n.Name {
				continue
			}
			text := fn.newName
			if fn.n.Alias == "" {
				text += " as " + fn.n.Name
			}
			e.addEdit(p, fn.n.NameSpan.Start, fn.n.NameSpan.End, text)
		}
		return
	}
	e.splitFrom(p, imp, groups)
}

// splitFrom replaces a from-import statement by one statement per group,
// at the statement's indentation.
func (e *engine) splitFrom(p string, imp index.Import, groups []*fromGroup) {
	src := e.source(p)
	lineStart := bytes.LastIndexByte(src[:imp.Stmt.Start], '\n') + 1
	indent := string(src[lineStart:imp.Stmt.Start])
	if strings.TrimSpace(indent) != "" {
		indent = "" // statement after a semicolon: keep it on one line
	}
	nl := "\n"
	if end := bytes.IndexByte(src[imp.Stmt.Start:], '\n'); end > 0 && src[imp.Stmt.Start+end-1] == '\r' {
		nl = "\r\n"
	}
	var stmts []string
	for _, g := range groups {
		if g.expr == "" {
			for _, fn := range g.names {
				s := "import " + fn.newName
				if local := localName(fn.n); local != fn.newName {
					s += " as " + local
				}
				stmts = append(stmts, s)
			}
			continue
		}
		var parts []string
		for _, fn := range g.names {
			s := fn.newName
			if local := localName(fn.n); local != fn.newName {
				s += " as " + local
			}
			parts = append(parts, s)
		}
		stmts = append(stmts, "from "+g.expr+" import "+strings.Join(parts, ", "))
	}
	e.addEdit(p, imp.Stmt.Start, imp.Stmt.End, strings.Join(stmts, nl+indent))
}

func localName(n parsers.Name) string {
	if n.Alias != "" {
		return n.Alias
	}
	return n.Name
}

func joinDotted(a, b string) string {
	if a == "" {
		return b
	}
	return a + "." + b
}

// source returns the current content of an indexed file (cached).
func (e *engine) source(p string) []byte {
	if e.srcCache == nil {
		e.srcCache = map[string][]byte{}
	}
	if s, ok := e.srcCache[p]; ok {
		return s
	}
	s, _ := e.read(p)
	e.srcCache[p] = s
	return s
}

// read returns a file's current content: the bytes the index parsed when
// it kept them (the byte ranges of its references refer to those), else
// the file set's.
func (e *engine) read(p string) ([]byte, error) {
	if s, ok := e.ix.Source(p); ok {
		return s, nil
	}
	return e.fs.ReadFile(p)
}

// tsAffected reports whether any moved file is a TS/JS-family file, a
// config, or imported by a TS/JS file (experiment).
func (e *engine) tsAffected() bool {
	if e.tsAff != 0 {
		return e.tsAff > 0
	}
	e.tsAff = -1
	for old := range e.fileMap {
		if l, ok := parsers.LangOf(old); ok && l != parsers.Python {
			e.tsAff = 1
		}
		if b := path.Base(old); strings.HasSuffix(b, ".json") {
			e.tsAff = 1
		}
		for _, imp := range e.ix.Importers(old) {
			if l, ok := parsers.LangOf(imp); ok && l != parsers.Python {
				e.tsAff = 1
			}
		}
	}
	return e.tsAff > 0
}
