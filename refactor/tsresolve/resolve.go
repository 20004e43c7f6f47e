package tsresolve

import (
	"path"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/relayout/relayout/refactor/workspace"
)

// Resolver resolves TS/JS specifiers against one FileSet. Build it with
// New; it is immutable and safe for concurrent use.
type Resolver struct {
	fs      workspace.FileSet
	configs []*Config            // sorted by Path
	byDir   map[string][]*Config // configs of a directory, in governing order
	pkgs    map[string]*pkgJSON  // package.json by directory
	names   map[string]*pkgJSON  // workspace packages by name
	governs sync.Map             // file → *Config (nil stored as (*Config)(nil)); ConfigFor cache
	globs   workspaceGlobs       // the monorepo's declared package globs
}

// New discovers every tsconfig.json, tsconfig.*.json, jsconfig.json and
// package.json of fs (outside node_modules), merges each config's extends
// chain and returns a Resolver over fs. Workspace packages are the named
// package.json files matched by the npm/yarn `workspaces` or
// pnpm-workspace.yaml `packages` globs (plus the roots declaring them), or
// every named package.json when the workspace declares none; on a name
// clash the shallowest wins. Configuration mistakes come back as
// Problems (in discovery order) and never stop the Resolver from being
// built: a malformed config counts as one with default options.
func New(fs workspace.FileSet) (*Resolver, []Problem) {
	r := &Resolver{
		fs:    fs,
		byDir: map[string][]*Config{},
		pkgs:  map[string]*pkgJSON{},
		names: map[string]*pkgJSON{},
	}
	l := &loader{fs: fs, raw: map[string]*rawConfig{}, names: r.names}
	var cfgPaths []string
	var pjs []*pkgJSON
	var globs workspaceGlobs
	for _, f := range fs.Files() {
		if inPackageFolder(f) {
			continue
		}
		base := path.Base(f)
		switch base {
		case "package.json":
			if pj := l.readPackage(f); pj != nil {
				r.pkgs[pj.dir] = pj
				pjs = append(pjs, pj)
				globs.add(pj.dir, pj.workspaces)
			}
		case "pnpm-workspace.yaml":
			if data, err := fs.ReadFile(f); err == nil {
				globs.add(dirOf(f), pnpmPackages(data))
			}
		}
		if _, ok := isConfigName(base); ok {
			cfgPaths = append(cfgPaths, f)
		}
	}
	r.globs = globs
	for _, pj := range pjs {
		if pj.name == "" || !globs.member(pj.dir) {
			continue
		}
		if old := r.names[pj.name]; old == nil || depthOf(pj.dir) < depthOf(old.dir) {
			r.names[pj.name] = pj
		}
	}
	for _, p := range cfgPaths {
		c := l.build(p)
		r.configs = append(r.configs, c)
		r.byDir[c.Dir()] = append(r.byDir[c.Dir()], c)
	}
	for _, cs := range r.byDir {
		sort.SliceStable(cs, func(i, j int) bool {
			ri, _ := isConfigName(path.Base(cs[i].Path))
			rj, _ := isConfigName(path.Base(cs[j].Path))
			if ri != rj {
				return ri < rj
			}
			return cs[i].Path < cs[j].Path
		})
	}
	return r, l.problems
}

// Configs returns every config of the workspace, sorted by path.
func (r *Resolver) Configs() []*Config { return r.configs }

// ConfigFor returns the config that governs file: walking up from file's
// directory, the first config that Covers it (within one directory
// tsconfig.json, then jsconfig.json, then tsconfig.*.json by name); when
// none covers it, the first config (by path) that covers it from
// elsewhere; else the nearest config; nil when no config lies above file
// and none covers it. file need not exist.
func (r *Resolver) ConfigFor(file string) *Config {
	file = clean(file)
	if c, ok := r.governs.Load(file); ok {
		return c.(*Config)
	}
	c := r.configFor(file)
	r.governs.Store(file, c)
	return c
}

func (r *Resolver) configFor(file string) *Config {
	var nearest *Config
	for dir := dirOf(file); ; dir = dirOf(dir) {
		for _, c := range r.byDir[dir] {
			if nearest == nil {
				nearest = c
			}
			if c.Covers(file) {
				return c
			}
		}
		if dir == "" {
			break
		}
	}
	// A project that includes the file from outside its directory
	// ("include": ["../frontend/src"]) compiles it with its own options
	// (tsc -p), paths included.
	for _, c := range r.configs {
		if c.Covers(file) {
			return c
		}
	}
	return nearest
}

// Resolve resolves specifier spec imported by the file from, under the
// config governing from (tsc's defaults with moduleResolution bundler when
// none does):
//
//   - relative ("./x", "../x", ".", ".."): the file with tsc's extension
//     order and substitution, then the directory (package.json
//     types/typings/main, then index.{ts,tsx,d.ts,js,jsx}); an existing
//     asset ("./a.css") resolves to itself; rootDirs are tried last.
//     Missing is Unresolved.
//   - `paths` (exact pattern, else the longest matching prefix; targets in
//     order): a hit is Internal; a match naming no file is Unresolved,
//     except for the catch-all "*" pattern and patterns mapping into
//     node_modules, which fall through.
//   - baseUrl-relative: a hit is Internal.
//   - "#x": the `imports` of the nearest package.json (conditions read in
//     key order: types, import, require, node, default and
//     customConditions are active); no match is Unresolved.
//   - a bare name of a workspace package.json ("@acme/ui", "@acme/ui/x"):
//     through its exports (node10/classic, or a package without exports:
//     types/main/index and plain subpaths), mapping an outDir path back to
//     its source; a package that exports nothing for it is Unresolved.
//   - anything else (react, node:fs, @scope/pkg, URLs) is External.
//
// Beyond tsc, it also accepts extensionless and directory specifiers in
// ESM files (node16/nodenext), tries .mts/.cts/.d.mts/.d.cts/.mjs/.cjs after
// tsc's own extensions, and ignores a "?query" suffix (Vite's
// "./w.ts?worker", "@/icons/a.svg?react"). A specifier naming an absolute path
// ("/x") is Unresolved.
func (r *Resolver) Resolve(from, spec string) workspace.Target {
	from = clean(from)
	cfg := r.ConfigFor(from)
	if cfg == nil {
		cfg = defaultConfig
	}
	return r.resolve(from, spec, cfg, 0)
}

func internal(p string) workspace.Target {
	return workspace.Target{Status: workspace.Internal, Path: p}
}

var (
	unresolved = workspace.Target{Status: workspace.Unresolved}
	external   = workspace.Target{Status: workspace.External}
)

func (r *Resolver) resolve(from, spec string, cfg *Config, depth int) workspace.Target {
	if i := strings.IndexByte(spec, '?'); i >= 0 {
		spec = spec[:i]
	}
	if spec == "" {
		return unresolved
	}
	fromDir := dirOf(from)
	if isRelative(spec) {
		s := spec
		p := join(fromDir, s)
		dirOnly := isDirSpec(s)
		if f, ok := r.loadPath(p, dirOnly, cfg); ok {
			return internal(f)
		}
		if f, ok := r.loadRootDirs(p, dirOnly, cfg); ok {
			return internal(f)
		}
		return unresolved
	}
	if strings.HasPrefix(spec, "/") {
		return unresolved
	}
	if pm, star, ok := matchPaths(cfg.Paths, spec); ok {
		for _, t := range pm.Targets {
			cand := clean(strings.Replace(t, "*", star, 1))
			if f, ok := r.loadMapped(cand, cfg); ok {
				return internal(f)
			}
		}
		if !fallsThrough(pm) {
			return unresolved
		}
	}
	if cfg.HasBaseURL {
		if f, ok := r.loadPath(join(cfg.BaseURL, spec), isDirSpec(spec), cfg); ok {
			return internal(f)
		}
	}
	if strings.HasPrefix(spec, "#") {
		return r.resolveImports(from, spec, cfg, depth)
	}
	if cfg.ModuleResolution == Classic {
		for d := fromDir; ; d = dirOf(d) {
			for _, ps := range []pass{passTS, passJS} {
				if f, ok := r.loadFile(join(d, spec), ps); ok {
					return internal(f)
				}
			}
			if d == "" {
				break
			}
		}
	}
	if strings.Contains(spec, ":") {
		return external
	}
	if t, ok := r.resolvePackage(from, spec, cfg, depth); ok {
		return t
	}
	return external
}

// matchPaths picks the `paths` entry for spec like tsc: an exact pattern
// (without `*`) equal to spec, else the `*` pattern with the longest
// prefix (the first on a tie).
func matchPaths(ps []PathMapping, spec string) (*PathMapping, string, bool) {
	for i := range ps {
		if !strings.Contains(ps[i].Pattern, "*") && ps[i].Pattern == spec {
			return &ps[i], "", true
		}
	}
	var best *PathMapping
	star, bestLen := "", -1
	for i := range ps {
		prefix, suffix, ok := strings.Cut(ps[i].Pattern, "*")
		if !ok || len(spec) < len(prefix)+len(suffix) || !strings.HasPrefix(spec, prefix) || !strings.HasSuffix(spec, suffix) {
			continue
		}
		if len(prefix) > bestLen {
			best, bestLen = &ps[i], len(prefix)
			star = spec[len(prefix) : len(spec)-len(suffix)]
		}
	}
	return best, star, best != nil
}

// fallsThrough reports whether a matching `paths` entry that names no file
// lets resolution go on (to baseUrl and packages): the catch-all "*" and
// entries mapping into node_modules, which the workspace does not hold.
func fallsThrough(pm *PathMapping) bool {
	if pm.Pattern == "*" {
		return true
	}
	for _, t := range pm.Targets {
		if slices.Contains(strings.Split(t, "/"), "node_modules") {
			return true
		}
	}
	return false
}

// loadMapped loads a `paths` substitution: the exact file when it has an
// extension, else as a file or directory.
func (r *Resolver) loadMapped(p string, cfg *Config) (string, bool) {
	if _, ext := splitExt(p); ext != "" && r.fs.HasFile(p) {
		return p, true
	}
	return r.loadPath(p, false, cfg)
}

func (r *Resolver) resolveImports(from, spec string, cfg *Config, depth int) workspace.Target {
	pj := r.nearestPackage(dirOf(from))
	if pj == nil || pj.imports == nil {
		return unresolved
	}
	t, star, kind, ok := matchSubpath(pj.imports, spec)
	if !ok {
		return unresolved
	}
	if res, ok := r.resolveTarget(pj, t, star, kind, cfg, from, true, depth); ok {
		return res
	}
	return unresolved
}

// resolvePackage resolves a bare specifier naming a workspace package; ok
// is false when no workspace package.json has that name.
func (r *Resolver) resolvePackage(from, spec string, cfg *Config, depth int) (workspace.Target, bool) {
	name, sub, ok := splitPackage(spec)
	if !ok {
		return workspace.Target{}, false
	}
	pj := r.names[name]
	if pj == nil {
		return workspace.Target{}, false
	}
	viaExports := func() (workspace.Target, bool) {
		key := "."
		if sub != "" {
			key = "./" + sub
		}
		t, star, kind, ok := matchSubpath(pj.exports, key)
		if !ok {
			return workspace.Target{}, false
		}
		return r.resolveTarget(pj, t, star, kind, cfg, from, false, depth)
	}
	legacy := cfg.ModuleResolution == Node10 || cfg.ModuleResolution == Classic
	if pj.exports != nil && !legacy {
		if res, ok := viaExports(); ok {
			return res, true
		}
		return unresolved, true
	}
	var f string
	if sub == "" {
		f, ok = r.loadPackageDir(pj, cfg)
	} else {
		f, ok = r.loadTarget(pj.dir, join(pj.dir, sub), isDirSpec(sub), cfg)
	}
	if ok {
		return internal(f), true
	}
	if pj.exports != nil {
		if res, ok := viaExports(); ok {
			return res, true
		}
	}
	return unresolved, true
}

// loadPackageDir loads a package root: types/typings/main (mapped from
// outDir to sources when needed), then its index file.
func (r *Resolver) loadPackageDir(pj *pkgJSON, cfg *Config) (string, bool) {
	for _, field := range []string{pj.types, pj.typings, pj.main} {
		if field == "" {
			continue
		}
		if f, ok := r.loadTarget(pj.dir, join(pj.dir, field), false, cfg); ok {
			return f, true
		}
	}
	return r.loadPath(pj.dir, true, cfg)
}

// loadRootDirs retries a relative candidate in every other rootDirs
// directory (tsc's virtual merged directory).
func (r *Resolver) loadRootDirs(p string, dirOnly bool, cfg *Config) (string, bool) {
	best, rel := "", ""
	found := false
	for _, d := range cfg.RootDirs {
		if x, ok := under(p, d); ok && (!found || len(d) > len(best)) {
			best, rel, found = d, x, true
		}
	}
	if !found {
		return "", false
	}
	for _, d := range cfg.RootDirs {
		if d == best {
			continue
		}
		if f, ok := r.loadPath(join(d, rel), dirOnly, cfg); ok {
			return f, true
		}
	}
	return "", false
}

// pass selects the extensions one lookup round may use: node10 and classic
// look for TypeScript files everywhere before JavaScript ones; the other
// strategies do one round with both.
type pass int

const (
	passTS pass = 1 << iota
	passJS
	passAll = passTS | passJS
)

// substitutions maps a specifier's extension to the extensions tsc tries
// in its place (TypeScript ones, then JavaScript ones).
var substitutions = map[string][2][]string{
	"":       {{".ts", ".tsx", ".d.ts"}, {".js", ".jsx"}},
	".ts":    {{".ts", ".tsx", ".d.ts"}, {".js", ".jsx"}},
	".d.ts":  {{".ts", ".tsx", ".d.ts"}, {".js", ".jsx"}},
	".js":    {{".ts", ".tsx", ".d.ts"}, {".js", ".jsx"}},
	".tsx":   {{".tsx", ".ts", ".d.ts"}, {".jsx", ".js"}},
	".jsx":   {{".tsx", ".ts", ".d.ts"}, {".jsx", ".js"}},
	".mts":   {{".mts", ".d.mts"}, {".mjs"}},
	".d.mts": {{".mts", ".d.mts"}, {".mjs"}},
	".mjs":   {{".mts", ".d.mts"}, {".mjs"}},
	".cts":   {{".cts", ".d.cts"}, {".cjs"}},
	".d.cts": {{".cts", ".d.cts"}, {".cjs"}},
	".cjs":   {{".cts", ".d.cts"}, {".cjs"}},
	".json":  {{".d.json.ts"}, {".json"}},
}

// extraExtensions are tried after everything tsc tries (bundlers accept
// them; tsc never appends them).
var extraExtensions = []string{".mts", ".cts", ".d.mts", ".d.cts", ".mjs", ".cjs"}

func exts(list [2][]string, ps pass) []string {
	var out []string
	if ps&passTS != 0 {
		out = append(out, list[0]...)
	}
	if ps&passJS != 0 {
		out = append(out, list[1]...)
	}
	return out
}

// loadFile resolves p as a file: extension substitution when p's name has
// an extension tsc knows, the exact file (an asset) or its .d.<ext>.ts
// declaration when the extension is another one, then p with the
// TypeScript/JavaScript extensions appended ("./a.service" → a.service.ts).
func (r *Resolver) loadFile(p string, ps pass) (string, bool) {
	if p == "" {
		return "", false
	}
	base := path.Base(p)
	if strings.Contains(base, ".") && base != "." && base != ".." {
		if stem, ext := splitExt(p); ext != "" {
			for _, e := range exts(substitutions[ext], ps) {
				if r.fs.HasFile(stem + e) {
					return stem + e, true
				}
			}
		} else if i := strings.LastIndexByte(base, '.'); i > 0 {
			if r.fs.HasFile(p) {
				return p, true
			}
			ext := base[i:]
			if d := p[:len(p)-len(ext)] + ".d" + ext + ".ts"; ps&passTS != 0 && r.fs.HasFile(d) {
				return d, true
			}
		}
	}
	for _, e := range exts(substitutions[""], ps) {
		if r.fs.HasFile(p + e) {
			return p + e, true
		}
	}
	return "", false
}

// loadDir resolves directory d: its package.json types/typings (TypeScript
// round) and main, then d/index with the round's extensions.
func (r *Resolver) loadDir(d string, ps pass, cfg *Config) (string, bool) {
	if !r.fs.HasDir(d) {
		return "", false
	}
	if pj := r.pkgs[d]; pj != nil {
		var fields []string
		if ps&passTS != 0 {
			fields = append(fields, pj.types, pj.typings)
		}
		fields = append(fields, pj.main)
		for _, f := range fields {
			if f == "" {
				continue
			}
			t := join(d, f)
			if got, ok := r.loadFile(t, ps); ok {
				return got, true
			}
			if got, ok := r.loadIndex(t, ps); ok && t != d {
				return got, true
			}
		}
	}
	return r.loadIndex(d, ps)
}

func (r *Resolver) loadIndex(d string, ps pass) (string, bool) {
	for _, e := range exts(substitutions[""], ps) {
		if f := join(d, "index"+e); r.fs.HasFile(f) {
			return f, true
		}
	}
	return "", false
}

// loadPath resolves p as a file (unless dirOnly) and then as a directory
// (except under classic), round by round, then with the extra extensions.
func (r *Resolver) loadPath(p string, dirOnly bool, cfg *Config) (string, bool) {
	rounds := []pass{passAll}
	if cfg.ModuleResolution == Node10 || cfg.ModuleResolution == Classic {
		rounds = []pass{passTS, passJS}
	}
	dirs := cfg.ModuleResolution != Classic
	for _, ps := range rounds {
		if !dirOnly {
			if f, ok := r.loadFile(p, ps); ok {
				return f, true
			}
		}
		if dirs {
			if f, ok := r.loadDir(p, ps, cfg); ok {
				return f, true
			}
		}
	}
	for _, e := range extraExtensions {
		if !dirOnly && p != "" && r.fs.HasFile(p+e) {
			return p + e, true
		}
		if f := join(p, "index"+e); dirs && r.fs.HasFile(f) {
			return f, true
		}
	}
	return "", false
}

// Path helpers. Workspace-relative paths use "" for the root.

func clean(p string) string {
	p = path.Clean(strings.ReplaceAll(p, "\\", "/"))
	p = strings.TrimPrefix(p, "./")
	if p == "." || p == "/" {
		return ""
	}
	return p
}

func join(elem ...string) string { return clean(path.Join(elem...)) }

func dirOf(p string) string {
	d := path.Dir(p)
	if d == "." || d == "/" {
		return ""
	}
	return d
}

func depthOf(dir string) int {
	if dir == "" {
		return 0
	}
	return strings.Count(dir, "/") + 1
}

// under reports whether p is dir or below it, and p relative to dir.
func under(p, dir string) (string, bool) {
	if dir == "" {
		return p, true
	}
	if p == dir {
		return "", true
	}
	if strings.HasPrefix(p, dir+"/") {
		return p[len(dir)+1:], true
	}
	return "", false
}

func isRelative(spec string) bool {
	return spec == "." || spec == ".." || strings.HasPrefix(spec, "./") || strings.HasPrefix(spec, "../")
}

// isDirSpec reports whether a specifier can only name a directory: it ends
// in "/" or its last segment is "." or "..".
func isDirSpec(s string) bool {
	if strings.HasSuffix(s, "/") {
		return true
	}
	b := s[strings.LastIndexByte(s, '/')+1:]
	return b == "." || b == ".."
}

func inPackageFolder(f string) bool {
	for _, s := range strings.Split(f, "/") {
		if slices.Contains(commonPackageFolders, s) {
			return true
		}
	}
	return false
}

// knownExts are the extensions tsc recognises, longest first.
var knownExts = []string{".d.mts", ".d.cts", ".d.ts", ".mts", ".cts", ".tsx", ".ts", ".mjs", ".cjs", ".jsx", ".js", ".json"}

// splitExt splits a path into stem and an extension tsc knows ("" when it
// has none of them): "a/b.d.ts" → "a/b", ".d.ts".
func splitExt(p string) (stem, ext string) {
	base := path.Base(p)
	for _, e := range knownExts {
		if strings.HasSuffix(base, e) && len(base) > len(e) {
			return p[:len(p)-len(e)], e
		}
	}
	return p, ""
}

// isCode reports whether p is a TypeScript or JavaScript file.
func isCode(p string) bool {
	_, ext := splitExt(p)
	return ext != "" && ext != ".json"
}
