package tsmove

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/relayout/relayout/parsers"
	"github.com/relayout/relayout/refactor/edit"
	"github.com/relayout/relayout/refactor/index"
	"github.com/relayout/relayout/refactor/tsresolve"
	"github.com/relayout/relayout/refactor/workspace"
)

// specKind is how a specifier reaches its target.
type specKind int

const (
	kindRelative specKind = iota // "./x", "../x"; reference paths
	kindPaths                    // a compilerOptions.paths pattern
	kindBaseURL                  // relative to baseUrl
	kindPackage                  // a workspace package name or "#imports"
)

// rewriter computes the edits of one file.
type rewriter struct {
	c      *Context
	st     *state
	file   *index.File
	src    []byte
	newImp string // the importer's path after the moves
	edits  []edit.TextEdit
	warns  []edit.Warning
	// rootDirs caches whether the importer's config has rootDirs: 0
	// unknown, 1 no, 2 yes.
	rootDirs int
	// usesAlias caches whether the file imports through a `paths` alias:
	// 0 unknown, 1 no, 2 yes.
	usesAlias int
}

// maxClimb is how many directories a rewritten relative specifier may
// climb ("../../x" climbs two) before, in a file that already imports
// through `paths` aliases, an alias reads better.
const maxClimb = 2

// fileUsesAlias reports whether the file has a reference that reaches its
// target through a `paths` alias.
func (rw *rewriter) fileUsesAlias() bool {
	if rw.usesAlias == 0 {
		rw.usesAlias = 1
		for i := range rw.file.Imports {
			imp := &rw.file.Imports[i]
			if isTSRef(imp.Kind) && imp.Target.Status == workspace.Internal && imp.Kind != parsers.TSReferencePath {
				if spec, _ := splitQuery(imp.Module); rw.classify(imp, spec) == kindPaths {
					rw.usesAlias = 2
					break
				}
			}
		}
	}
	return rw.usesAlias == 2
}

// climbs counts the leading "../" of a relative specifier.
func climbs(s string) int {
	n := 0
	for strings.HasPrefix(s, "../") || s == ".." {
		n++
		if s == ".." {
			break
		}
		s = s[3:]
	}
	return n
}

func (rw *rewriter) warn(imp *index.Import, code, format string, args ...any) {
	rw.warns = append(rw.warns, edit.Warning{Path: rw.file.Path, Line: imp.Pos.Line + 1, Code: code, Msg: fmt.Sprintf(format, args...)})
}

// resolve resolves spec written by a reference of kind k in the file at
// importer, in the tree after the moves (reference paths without "./" are
// relative, as tsc reads them).
func (rw *rewriter) resolve(importer string, k parsers.Kind, spec string) workspace.Target {
	if k == parsers.TSReferencePath && !strings.HasPrefix(spec, ".") && !strings.HasPrefix(spec, "/") {
		spec = "./" + spec
	}
	return rw.st.newR.Resolve(importer, spec)
}

func (rw *rewriter) resolvesTo(k parsers.Kind, spec, target string) bool {
	t := rw.resolve(rw.newImp, k, spec)
	return t.Status == workspace.Internal && t.Path == target
}

// ref handles one reference.
func (rw *rewriter) ref(imp *index.Import) {
	if !isTSRef(imp.Kind) {
		return
	}
	switch imp.Target.Status {
	case workspace.Internal:
		newT := rw.c.NewPath(imp.Target.Path)
		if newT == imp.Target.Path && rw.newImp == rw.file.Path && rw.unaffected(imp) {
			return // nothing it depends on moves
		}
		if rw.resolvesTo(imp.Kind, imp.Module, newT) {
			return // still right, whatever moved
		}
		spec, why := rw.specifier(imp, newT)
		if spec == "" {
			rw.warn(imp, "unexpressible", "%q left unchanged: it must now reach %s, but %s", imp.Module, newT, why)
			return
		}
		rw.replace(imp, spec, newT)
	case workspace.Unresolved:
		rw.unresolved(imp)
	}
}

// unaffected reports, for a reference whose importer and target stay,
// that no move can change what it resolves to: no config moves or
// changes, its config has no rootDirs, and no moved file's old or new path
// starts with the location resolution probes — for a relative specifier
// the path it names up to the first "." of its last segment; for a
// `paths` alias or baseUrl specifier (when every `paths` pattern of the
// config has a single target, so resolution probes one place) the
// target's own path up to the first "." of its name, or its directory for
// an index file. The files, directory index and package.json that
// resolution probes all start with that prefix. It is a fast path: false
// means "resolve to find out".
func (rw *rewriter) unaffected(imp *index.Import) bool {
	if rw.st.cfgTouched {
		return false
	}
	if rw.rootDirs == 0 {
		rw.rootDirs = 1
		if cfg := rw.c.Old.ConfigFor(rw.file.Path); cfg != nil {
			if len(cfg.RootDirs) > 0 {
				rw.rootDirs = 2
			} else {
				for _, pm := range cfg.Paths {
					if len(pm.Targets) != 1 {
						rw.rootDirs = 3 // relative specifiers only
					}
				}
			}
		}
	}
	if rw.rootDirs == 2 {
		return false
	}
	var probe string
	if isRelative(imp.Module) {
		spec, _ := splitQuery(imp.Module)
		probe = join(dirOf(rw.file.Path), spec)
	} else {
		if rw.rootDirs == 3 || imp.Kind == parsers.TSReferencePath || strings.HasPrefix(imp.Module, "#") {
			return false
		}
		probe = imp.Target.Path
		if strings.HasPrefix(path.Base(probe), "index.") {
			probe = dirOf(probe)
		}
	}
	if i := strings.IndexByte(path.Base(probe), '.'); i > 0 {
		probe = probe[:len(probe)-len(path.Base(probe))+i]
	}
	if probe == "" {
		return len(rw.st.moved) == 0
	}
	i := sort.SearchStrings(rw.st.moved, probe)
	return i == len(rw.st.moved) || !strings.HasPrefix(rw.st.moved[i], probe)
}

// replace edits the specifier of imp to spec when the text changes and
// the literal can hold it.
func (rw *rewriter) replace(imp *index.Import, spec, newT string) {
	if spec == imp.Module {
		return
	}
	if bad := literalProblem(spec, imp.Quote); bad != "" {
		rw.warn(imp, "unexpressible", "%s: the new specifier %q %s; %q left unchanged", newT, spec, bad, imp.Module)
		return
	}
	if rw.src == nil {
		data, err := rw.c.OldFS.ReadFile(rw.file.Path)
		if err != nil {
			rw.warn(imp, "unexpressible", "cannot read the file: %v; %q left unchanged", err, imp.Module)
			return
		}
		rw.src = data
	}
	if imp.Span.End > len(rw.src) || imp.Span.Start < 0 || imp.Span.Start > imp.Span.End {
		rw.warn(imp, "unexpressible", "the file changed since it was indexed; %q left unchanged", imp.Module)
		return
	}
	rw.edits = append(rw.edits, edit.TextEdit{Start: imp.Span.Start, End: imp.Span.End, New: spec})
}

// literalProblem says why spec cannot be written between quote characters
// q without escaping ("" when it can).
func literalProblem(spec string, q byte) string {
	if strings.ContainsAny(spec, "\\\n\r") || q != 0 && strings.IndexByte(spec, q) >= 0 {
		return "would need escaping"
	}
	if q == '`' && strings.Contains(spec, "${") {
		return "would read as a template substitution"
	}
	return ""
}

// splitQuery splits a "?query" suffix (Vite's "./w.ts?worker") off spec.
func splitQuery(spec string) (string, string) {
	if i := strings.IndexByte(spec, '?'); i >= 0 {
		return spec[:i], spec[i:]
	}
	return spec, ""
}

// classify says how spec reached its target before the moves.
func (rw *rewriter) classify(imp *index.Import, spec string) specKind {
	if imp.Kind == parsers.TSReferencePath || isRelative(spec) {
		return kindRelative
	}
	cfg := rw.c.Old.ConfigFor(rw.file.Path)
	if cfg == nil {
		return kindPackage
	}
	if viaPaths(cfg.Paths, spec, imp.Target.Path) {
		return kindPaths
	}
	if strings.HasPrefix(spec, "#") {
		return kindPackage
	}
	if cfg.HasBaseURL && names(join(cfg.BaseURL, spec), imp.Target.Path) {
		return kindBaseURL
	}
	return kindPackage
}

// viaPaths reports whether spec reaches target through a `paths` pattern:
// a pattern matches it and one of that pattern's substitutions names
// target (see names).
func viaPaths(ps []tsresolve.PathMapping, spec, target string) bool {
	for _, pm := range ps {
		prefix, suffix, wild := strings.Cut(pm.Pattern, "*")
		star := ""
		switch {
		case !wild && pm.Pattern == spec:
		case wild && len(spec) >= len(prefix)+len(suffix) && strings.HasPrefix(spec, prefix) && strings.HasSuffix(spec, suffix):
			star = spec[len(prefix) : len(spec)-len(suffix)]
		default:
			continue
		}
		for _, t := range pm.Targets {
			if names(clean(strings.Replace(t, "*", star, 1)), target) {
				return true
			}
		}
	}
	return false
}

// names reports whether the workspace path p, as a specifier would spell
// it, can name target: target is p, or p up to the first "." of its last
// segment followed by an extension or a directory ("src/a.js" names
// src/a.ts, "src/ui" names src/ui/index.ts).
func names(p, target string) bool {
	if p == target {
		return true
	}
	if i := strings.IndexByte(path.Base(p), '.'); i > 0 {
		p = p[:len(p)-len(path.Base(p))+i]
	}
	rest, ok := strings.CutPrefix(target, p)
	return ok && (p == "" || strings.HasPrefix(rest, ".") || strings.HasPrefix(rest, "/"))
}

// specifier computes the new specifier of imp for the target's new path
// newT, or "" and the reason why none is found.
func (rw *rewriter) specifier(imp *index.Import, newT string) (string, string) {
	spec, query := splitQuery(imp.Module)
	style := tsresolve.DetectStyle(spec, imp.Target.Path)
	kind := rw.classify(imp, spec)
	if kind == kindPackage {
		if s := rw.packageSpecifier(imp, spec, newT, style); s != "" {
			return s + query, ""
		}
		return "", "it goes through a package.json (a workspace package or #imports) that does not reach that place; update that package.json's main, exports or imports"
	}
	relative := func() string {
		s := rw.st.newR.RelativeSpecifier(rw.newImp, newT, style)
		if imp.Kind == parsers.TSReferencePath && !isRelative(spec) {
			s = strings.TrimPrefix(s, "./")
		}
		if strings.HasSuffix(spec, "/") && !strings.HasSuffix(s, "/") && isIndexSpelling(s, newT) {
			s += "/"
		}
		if !rw.resolvesTo(imp.Kind, s, newT) {
			return ""
		}
		return s
	}
	alias := func(pathsOnly bool) string {
		s, ok := rw.st.newR.AliasSpecifierStyle(rw.newImp, newT, style)
		if !ok || !rw.resolvesTo(imp.Kind, s, newT) {
			return ""
		}
		if pathsOnly {
			cfg := rw.st.newR.ConfigFor(rw.newImp)
			if cfg == nil || !matchesPaths(cfg.Paths, s) {
				return ""
			}
		}
		return s
	}
	baseURL := func() string {
		cfg := rw.st.newR.ConfigFor(rw.newImp)
		if cfg == nil || !cfg.HasBaseURL {
			return ""
		}
		r := rw.st.newR.RelativeSpecifier(rw.newImp, newT, style)
		spelled := path.Join(dirOf(rw.newImp), r)
		s, ok := under(spelled, cfg.BaseURL)
		if !ok || s == "" || s == "." || strings.HasPrefix(s, "../") || matchesPaths(cfg.Paths, s) || !rw.resolvesTo(imp.Kind, s, newT) {
			return ""
		}
		return s
	}
	var out string
	mode := rw.c.Specifiers
	if kind == kindRelative && imp.Kind == parsers.TSReferencePath {
		mode = Relative // tsc reads reference paths relative to the file only
	}
	switch mode {
	case Relative:
		out = relative()
	case Alias:
		if out = alias(false); out == "" {
			out = relative()
		}
	case Shortest:
		r, a := relative(), alias(false)
		switch {
		case a == "":
			out = r
		case r == "":
			out = a
		case countComponents(r) < countComponents(a):
			out = r
		default:
			out = a
		}
	default: // Preserve
		switch kind {
		case kindPaths:
			out = alias(true)
		case kindBaseURL:
			out = baseURL()
		}
		if out == "" {
			out = relative()
		}
		// A long climb in a file that already uses aliases: write what its
		// author would, the alias.
		if kind == kindRelative && imp.Kind != parsers.TSReferencePath && climbs(out) > maxClimb && rw.fileUsesAlias() {
			if a := alias(true); a != "" {
				out = a
			}
		}
	}
	if out == "" {
		return "", fmt.Sprintf("no relative or alias specifier reaches it from %s", rw.newImp)
	}
	return out + query, ""
}

// packageSpecifier rewrites the subpath of a workspace package specifier
// ("@acme/ui/src/Button" → "@acme/ui/src/button/Button") when the package
// serves plain subpaths and the new place is still inside it; "" when
// that does not resolve.
func (rw *rewriter) packageSpecifier(imp *index.Import, spec, newT string, style tsresolve.Style) string {
	name, sub := splitPackage(spec)
	if name == "" || sub == "" {
		return ""
	}
	// The package directory: the target's directory without the subpath's.
	pkgDir := dirOf(imp.Target.Path)
	if d := dirOf(sub); d != "" {
		var ok bool
		if pkgDir, ok = strings.CutSuffix(pkgDir, "/"+d); !ok {
			return ""
		}
	}
	pj := join(pkgDir, "package.json")
	if !rw.c.OldFS.HasFile(pj) {
		return ""
	}
	newPkg := dirOf(rw.c.NewPath(pj))
	r := rw.st.newR.RelativeSpecifier(rw.newImp, newT, style)
	rel, ok := under(join(dirOf(rw.newImp), r), newPkg)
	if !ok || rel == "" {
		return ""
	}
	out := name + "/" + rel
	if !rw.resolvesTo(imp.Kind, out, newT) {
		return ""
	}
	return out
}

// splitPackage splits a bare specifier into package name and subpath
// ("@a/b/c/d" → "@a/b", "c/d"); name is "" for "#imports" and invalid
// names.
func splitPackage(spec string) (name, sub string) {
	if spec == "" || spec[0] == '#' || spec[0] == '.' || spec[0] == '/' {
		return "", ""
	}
	parts := strings.SplitN(spec, "/", 3)
	if strings.HasPrefix(spec, "@") {
		if len(parts) < 2 {
			return "", ""
		}
		name = parts[0] + "/" + parts[1]
		if len(parts) == 3 {
			sub = parts[2]
		}
		return name, sub
	}
	name, sub, _ = strings.Cut(spec, "/")
	return name, sub
}

// countComponents counts the "/" of a specifier after a leading "./", as
// tsserver does to compare relative and non-relative specifiers.
func countComponents(s string) int {
	return strings.Count(strings.TrimPrefix(s, "./"), "/")
}

// isIndexSpelling reports whether specifier s names target (an index file)
// by its directory.
func isIndexSpelling(s, target string) bool {
	b := path.Base(target)
	return strings.HasPrefix(b, "index.") && !strings.HasSuffix(s, "/index") && !strings.Contains(path.Base(s), ".") || s == "." || s == ".."
}

// unresolved keeps a relative specifier that named no workspace file (a
// generated or ignored file, or a mistake) naming the same path when its
// importer moves.
func (rw *rewriter) unresolved(imp *index.Import) {
	if rw.newImp == rw.file.Path {
		return
	}
	spec, query := splitQuery(imp.Module)
	relRef := imp.Kind == parsers.TSReferencePath && !strings.HasPrefix(spec, "/")
	if !isRelative(spec) && !relRef {
		return
	}
	target := join(dirOf(rw.file.Path), spec)
	if strings.HasPrefix(target, "../") || target == ".." {
		return
	}
	var s string
	if last := path.Base(spec); strings.HasSuffix(spec, "/") || last == "." || last == ".." {
		s = tsresolve.RelSpec(dirOf(rw.newImp), target)
		if strings.HasSuffix(spec, "/") && !strings.HasSuffix(s, "/") {
			s += "/"
		}
	} else {
		s = relFileSpec(dirOf(rw.newImp), target)
	}
	if relRef && !isRelative(spec) {
		s = strings.TrimPrefix(s, "./")
	}
	s += query
	if s == imp.Module {
		return
	}
	if bad := literalProblem(s, imp.Quote); bad != "" {
		return
	}
	rw.replace(imp, s, target)
	rw.warn(imp, "info", "%q named no workspace file before the move; rewritten to %q so that it names the same path (%s)", imp.Module, s, target)
}
