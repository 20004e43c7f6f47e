package tsresolve

import (
	"strings"

	"github.com/bmatcuk/doublestar/v4"
	"go.yaml.in/yaml/v3"

	"github.com/relayout/relayout/refactor/workspace"
)

// pkgJSON is what resolution reads from a package.json.
type pkgJSON struct {
	path, dir            string
	name                 string
	types, typings, main string
	exports, imports     *jval
	workspaces           []string // `workspaces` globs (npm/yarn)
}

// readPackage parses a package.json; a malformed one is a Problem and nil.
func (l *loader) readPackage(p string) *pkgJSON {
	rc := l.read(p)
	if rc.root == nil {
		return nil
	}
	pj := &pkgJSON{path: p, dir: rc.dir}
	field := func(key string) string {
		v := rc.root.get(key)
		if v == nil || v.kind() == 'n' {
			return ""
		}
		if v.kind() != '"' {
			l.problemAt(rc, v, "%s must be a string; ignored", key)
			return ""
		}
		return v.str()
	}
	pj.name = field("name")
	pj.types = field("types")
	pj.typings = field("typings")
	pj.main = field("main")
	if v := rc.root.get("exports"); v != nil && v.kind() != 'n' {
		pj.exports = normalizeExports(v)
	}
	ws := rc.root.get("workspaces")
	if ws != nil && ws.kind() == '{' {
		ws = ws.get("packages")
	}
	if ws != nil && ws.kind() == '[' {
		for _, e := range ws.arr() {
			if e.kind() == '"' {
				pj.workspaces = append(pj.workspaces, e.str())
			}
		}
	}
	if v := rc.root.get("imports"); v != nil && v.kind() != 'n' {
		if v.kind() == '{' {
			pj.imports = v
		} else {
			l.problemAt(rc, v, "imports must be an object; ignored")
		}
	}
	return pj
}

// normalizeExports turns the sugar forms of `exports` (a string, an array,
// or a conditions object) into a subpath map {".": ...}.
func normalizeExports(v *jval) *jval {
	if v.kind() == '{' {
		ms := v.members()
		if len(ms) == 0 || strings.HasPrefix(ms[0].key, ".") {
			return v
		}
	}
	return object(".", v)
}

// Kinds of exports/imports keys a subpath matched.
const (
	keyExact = iota
	keyPattern
	keyFolder
)

// matchSubpath finds the entry of an exports or imports map for key the
// way Node does: an exact key (without `*`) first, else the `*` pattern
// with the longest prefix (then the longest key), else a deprecated
// folder mapping ending in "/". It returns the entry's target, the text
// the `*` (or the folder) stands for, and the kind of key.
func matchSubpath(m *jval, key string) (target *jval, star string, kind int, ok bool) {
	ms := m.members()
	for _, e := range ms {
		if e.key == key && !strings.Contains(e.key, "*") {
			return e.val, "", keyExact, true
		}
	}
	bestPrefix, bestLen := -1, -1
	for _, e := range ms {
		k := e.key
		i := strings.IndexByte(k, '*')
		var prefix, suffix string
		kd := keyPattern
		switch {
		case i >= 0 && strings.Count(k, "*") == 1:
			prefix, suffix = k[:i], k[i+1:]
			if key == prefix || !strings.HasPrefix(key, prefix) || !strings.HasSuffix(key, suffix) || len(key) < len(k) {
				continue
			}
		case i < 0 && strings.HasSuffix(k, "/") && strings.HasPrefix(key, k):
			prefix, kd = k, keyFolder
		default:
			continue
		}
		if len(prefix) > bestPrefix || len(prefix) == bestPrefix && len(k) > bestLen {
			bestPrefix, bestLen = len(prefix), len(k)
			target, kind, ok = e.val, kd, true
			star = key[len(prefix) : len(key)-len(suffix)]
		}
	}
	return target, star, kind, ok
}

// conditionOK reports whether an export/import condition is active. tsc
// activates types, import, require, node and default plus the config's
// customConditions; a conditions object is read in key order and the
// first active condition whose target resolves wins.
func conditionOK(cond string, cfg *Config) bool {
	switch cond {
	case "types", "import", "require", "node", "default":
		return true
	}
	if strings.HasPrefix(cond, "types@") {
		return true
	}
	for _, c := range cfg.CustomConditions {
		if c == cond {
			return true
		}
	}
	return false
}

// resolveTarget resolves an exports/imports target of pj. found is false
// when nothing under the target names a file (the caller may try other
// targets); a bare-specifier target of `imports` is resolved as a
// specifier of its own and is always found.
func (r *Resolver) resolveTarget(pj *pkgJSON, t *jval, star string, kind int, cfg *Config, from string, imports bool, depth int) (workspace.Target, bool) {
	switch t.kind() {
	case '"':
		s := t.str()
		switch kind {
		case keyPattern:
			s = strings.ReplaceAll(s, "*", star)
		case keyFolder:
			s += star
		}
		if strings.HasPrefix(s, "./") {
			if f, ok := r.loadTarget(pj.dir, join(pj.dir, s), strings.HasSuffix(s, "/"), cfg); ok {
				return internal(f), true
			}
			return workspace.Target{}, false
		}
		if imports && !isRelative(s) && !strings.HasPrefix(s, "/") && !strings.HasPrefix(s, "#") && depth < 4 {
			return r.resolve(from, s, cfg, depth+1), true
		}
	case '[':
		for _, e := range t.arr() {
			if res, ok := r.resolveTarget(pj, e, star, kind, cfg, from, imports, depth); ok {
				return res, true
			}
		}
	case '{':
		for _, m := range t.members() {
			if conditionOK(m.key, cfg) {
				if res, ok := r.resolveTarget(pj, m.val, star, kind, cfg, from, imports, depth); ok {
					return res, true
				}
			}
		}
	}
	return workspace.Target{}, false
}

// loadTarget loads a file named by package.json (exports, imports, types,
// main) of the package in pkgDir: the file with tsc's extension
// substitution (./dist/x.js → ./dist/x.ts), else, when the path lies in
// the outDir of a config next to the package.json, the source file it is
// built from (rootDir, or the config directory and its src/).
func (r *Resolver) loadTarget(pkgDir, p string, dirOnly bool, cfg *Config) (string, bool) {
	if f, ok := r.loadPath(p, dirOnly, cfg); ok {
		return f, true
	}
	for _, c := range r.byDir[pkgDir] {
		if c.OutDir == "" {
			continue
		}
		rel, ok := under(p, c.OutDir)
		if !ok {
			continue
		}
		roots := []string{c.RootDir}
		if c.RootDir == "" {
			roots = []string{c.Dir(), join(c.Dir(), "src")}
		}
		for _, root := range roots {
			if f, ok := r.loadPath(join(root, rel), dirOnly, cfg); ok {
				return f, true
			}
		}
	}
	return "", false
}

// nearestPackage returns the package.json of dir or its nearest ancestor.
func (r *Resolver) nearestPackage(dir string) *pkgJSON {
	for {
		if pj := r.pkgs[dir]; pj != nil {
			return pj
		}
		if dir == "" {
			return nil
		}
		dir = dirOf(dir)
	}
}

// splitPackage splits a bare specifier into package name and subpath:
// "@s/p/a/b" → "@s/p", "a/b"; "p/a" → "p", "a".
func splitPackage(spec string) (name, sub string, ok bool) {
	parts := strings.SplitN(spec, "/", 3)
	if strings.HasPrefix(spec, "@") {
		if len(parts) < 2 || parts[0] == "@" || parts[1] == "" {
			return "", "", false
		}
		name = parts[0] + "/" + parts[1]
		if len(parts) == 3 {
			sub = parts[2]
		}
		return name, sub, true
	}
	if parts[0] == "" || parts[0] == "." || parts[0] == ".." {
		return "", "", false
	}
	name = parts[0]
	if len(spec) > len(name) {
		sub = spec[len(name)+1:]
	}
	return name, sub, true
}

// workspaceGlobs are the package directory globs a monorepo declares.
type workspaceGlobs struct {
	roots            []string // directories declaring workspaces
	include, exclude []string // workspace-relative directory globs
}

// add records the globs declared by a package.json or pnpm-workspace.yaml
// in dir ("!" negates).
func (w *workspaceGlobs) add(dir string, globs []string) {
	if len(globs) == 0 {
		return
	}
	w.roots = append(w.roots, dir)
	for _, g := range globs {
		if neg, ok := strings.CutPrefix(g, "!"); ok {
			w.exclude = append(w.exclude, join(dir, neg))
		} else {
			w.include = append(w.include, join(dir, g))
		}
	}
}

// member reports whether the package in dir is a workspace package: every
// package when no globs are declared.
func (w *workspaceGlobs) member(dir string) bool {
	if len(w.roots) == 0 {
		return true
	}
	for _, r := range w.roots {
		if r == dir {
			return true
		}
	}
	for _, g := range w.exclude {
		if doublestar.MatchUnvalidated(g, dir) {
			return false
		}
	}
	for _, g := range w.include {
		if doublestar.MatchUnvalidated(g, dir) {
			return true
		}
	}
	return false
}

// WorkspaceMember reports whether a package in dir is (or would be) one of
// the monorepo's packages, matched by the package.json `workspaces` or
// pnpm-workspace.yaml `packages` globs, and whether any are declared.
func (r *Resolver) WorkspaceMember(dir string) (member, declared bool) {
	return r.globs.member(dir), len(r.globs.roots) > 0
}

// pnpmPackages reads the `packages` list of a pnpm-workspace.yaml, in
// any YAML form (block or flow sequence, quoted or plain scalars). A
// malformed file declares no packages.
func pnpmPackages(data []byte) []string {
	var doc struct {
		Packages []string `yaml:"packages"`
	}
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil
	}
	var out []string
	for _, p := range doc.Packages {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
