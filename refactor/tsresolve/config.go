package tsresolve

import (
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/relayout/relayout/refactor/workspace"
)

// Module resolution strategies, as Config.ModuleResolution spells them.
const (
	Classic  = "classic"
	Node10   = "node10"
	Node16   = "node16"
	NodeNext = "nodenext"
	Bundler  = "bundler"
)

// Problem is a configuration mistake found while reading tsconfig.json,
// jsconfig.json or package.json files: malformed JSON, an `extends` that
// names no workspace file or closes a cycle, an option of the wrong type.
// The offending file or option is ignored; resolution goes on.
type Problem struct {
	// Path is the workspace-relative file the problem is in.
	Path string
	// Line is 1-based; 0 when unknown.
	Line int
	// Msg says what is wrong.
	Msg string
}

// String formats the problem as "path:line: msg" (or "path: msg").
func (p Problem) String() string {
	if p.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", p.Path, p.Line, p.Msg)
	}
	return fmt.Sprintf("%s: %s", p.Path, p.Msg)
}

// PathMapping is one `compilerOptions.paths` entry.
type PathMapping struct {
	// Pattern is the specifier pattern as written ("@app/*", "config"); at
	// most one `*`.
	Pattern string
	// Targets are the substitutions in order, each resolved against the
	// config's baseUrl (or, without one, the directory of the config that
	// defines `paths`) to a workspace-relative pattern that keeps its `*`
	// ("src/app/*").
	Targets []string
}

// Config is the effective configuration of one tsconfig.json,
// tsconfig.*.json or jsconfig.json file after its `extends` chain has been
// merged. Every path in it is workspace-relative and slash-separated.
type Config struct {
	// Path is the config file.
	Path string
	// Extends lists the config files the chain merged, base first (only
	// those found in the workspace).
	Extends []string
	// BaseURL is the baseUrl directory, resolved against the config that
	// defines it; "" when unset (the workspace root is also "", so check
	// HasBaseURL).
	BaseURL string
	// HasBaseURL reports whether baseUrl is set.
	HasBaseURL bool
	// Paths are the `paths` mappings in source order.
	Paths []PathMapping
	// ModuleResolution is one of Classic, Node10, Node16, NodeNext, Bundler:
	// the configured value lowercased ("node" is Node10), or, when unset,
	// TypeScript 6's default for Module: Node16 for node16/node18/node20,
	// NodeNext for nodenext, Classic for none/amd/umd/system, Bundler
	// otherwise.
	ModuleResolution string
	// Module is the `module` option lowercased ("" when unset).
	Module string
	// AllowImportingTsExtensions is the option of that name.
	AllowImportingTsExtensions bool
	// AllowJs is the option of that name (true by default in jsconfig.json).
	AllowJs bool
	// CustomConditions are extra package.json export/import conditions.
	CustomConditions []string
	// RootDirs are the `rootDirs` directories.
	RootDirs []string
	// OutDir and RootDir are the options of those names ("" when unset).
	OutDir, RootDir string
	// Files are the `files` entries.
	Files []string
	// Include are the `include` patterns; when neither files nor include is
	// given it holds tsc's default, "<config dir>/**/*".
	Include []string
	// Exclude are the `exclude` patterns; when unset it holds tsc's default:
	// node_modules, bower_components, jspm_packages and outDir.
	Exclude []string

	files   map[string]bool
	include []*regexp.Regexp
	exclude []*regexp.Regexp
}

// Dir returns the directory holding the config file ("" for the root).
func (c *Config) Dir() string { return dirOf(c.Path) }

// Covers reports whether the config's files/include/exclude select file,
// with tsc's rules: a `files` entry always counts; otherwise file must
// match an include pattern (a last segment without `.`, `*` or `?` names a
// directory; `*` and `?` match no `/`, and at the start of a segment no
// leading `.`; `**/` any number of directories except node_modules,
// bower_components and jspm_packages), match no exclude pattern (which also
// excludes everything below a matched directory), and have a TypeScript
// extension (.ts .tsx .mts .cts and declarations), a JavaScript one when
// AllowJs, or .json when the include pattern names .json files.
func (c *Config) Covers(file string) bool {
	file = clean(file)
	if c.files[file] {
		return true
	}
	if !includableExt(file, c.AllowJs) && !strings.HasSuffix(file, ".json") {
		return false
	}
	in := false
	for i, re := range c.include {
		if re == nil || !re.MatchString("/"+file) {
			continue
		}
		pat := c.Include[i]
		if strings.HasSuffix(file, ".json") && !strings.HasSuffix(pat, ".json") {
			continue
		}
		if strings.HasSuffix(file, ".min.js") && strings.ContainsAny(path.Base(pat), "*?") {
			continue
		}
		if packageFolderIn(file, pat) {
			continue
		}
		in = true
		break
	}
	if !in {
		return false
	}
	for _, re := range c.exclude {
		if re != nil && re.MatchString("/"+file) {
			return false
		}
	}
	return true
}

var commonPackageFolders = []string{"node_modules", "bower_components", "jspm_packages"}

// packageFolderIn reports whether file lies in a package folder the
// pattern does not name literally (tsc's `**` never enters them).
func packageFolderIn(file, pattern string) bool {
	segs := strings.Split(file, "/")
	psegs := strings.Split(pattern, "/")
	for _, s := range segs[:len(segs)-1] {
		if slices.Contains(commonPackageFolders, s) && !slices.Contains(psegs, s) {
			return true
		}
	}
	return false
}

func includableExt(file string, allowJs bool) bool {
	_, ext := splitExt(file)
	switch ext {
	case ".ts", ".tsx", ".mts", ".cts", ".d.ts", ".d.mts", ".d.cts":
		return true
	case ".js", ".jsx", ".mjs", ".cjs":
		return allowJs
	}
	return false
}

// globRegexp compiles a workspace-relative tsconfig include or exclude
// pattern to a regexp matched against "/"+file. It returns nil for a
// pattern that can match nothing (an include ending in `**`).
func globRegexp(pattern string, exclude bool) *regexp.Regexp {
	var comps []string
	if pattern != "" && pattern != "." {
		comps = strings.Split(pattern, "/")
	}
	last := ""
	if len(comps) > 0 {
		last = comps[len(comps)-1]
	}
	if !exclude && last == "**" {
		return nil
	}
	if len(comps) == 0 || !strings.ContainsAny(last, ".*?") {
		comps = append(comps, "**", "*")
	}
	var b strings.Builder
	b.WriteString("^")
	for _, c := range comps {
		if c == "**" {
			if exclude {
				b.WriteString("(/.+?)?")
			} else {
				b.WriteString("(/[^/.][^/]*)*?")
			}
			continue
		}
		b.WriteString("/")
		if !exclude && c != "" {
			switch c[0] {
			case '*':
				b.WriteString("([^./][^/]*)?")
				c = c[1:]
			case '?':
				b.WriteString("[^./]")
				c = c[1:]
			}
		}
		for _, r := range c {
			switch r {
			case '*':
				b.WriteString("[^/]*")
			case '?':
				b.WriteString("[^/]")
			default:
				b.WriteString(regexp.QuoteMeta(string(r)))
			}
		}
	}
	if exclude {
		b.WriteString("($|/)")
	} else {
		b.WriteString("$")
	}
	re, err := regexp.Compile(b.String())
	if err != nil {
		return nil
	}
	return re
}

// isConfigName reports whether base names a tsconfig/jsconfig file, and
// its rank among the configs of one directory (tsconfig.json first, then
// jsconfig.json, then tsconfig.*.json).
func isConfigName(base string) (rank int, ok bool) {
	switch {
	case base == "tsconfig.json":
		return 0, true
	case base == "jsconfig.json":
		return 1, true
	case strings.HasPrefix(base, "tsconfig.") && strings.HasSuffix(base, ".json") && len(base) > len("tsconfig..json"):
		return 2, true
	}
	return 0, false
}

// loader reads config files and merges extends chains for New.
type loader struct {
	fs       workspace.FileSet
	raw      map[string]*rawConfig
	names    map[string]*pkgJSON
	problems []Problem
	seen     map[Problem]bool
}

type rawConfig struct {
	path, dir string
	data      []byte
	root      *jval // nil when unreadable or malformed
}

func (l *loader) problem(p Problem) {
	if l.seen == nil {
		l.seen = map[Problem]bool{}
	}
	if !l.seen[p] {
		l.seen[p] = true
		l.problems = append(l.problems, p)
	}
}

func (l *loader) problemAt(rc *rawConfig, v *jval, format string, args ...any) {
	line := 0
	if v != nil {
		line = lineAt(rc.data, v.off())
	}
	l.problem(Problem{Path: rc.path, Line: line, Msg: fmt.Sprintf(format, args...)})
}

// read parses a JSONC file once; a malformed one yields a rawConfig with a
// nil root and a Problem.
func (l *loader) read(p string) *rawConfig {
	if rc, ok := l.raw[p]; ok {
		return rc
	}
	rc := &rawConfig{path: p, dir: dirOf(p)}
	l.raw[p] = rc
	data, err := l.fs.ReadFile(p)
	if err != nil {
		l.problem(Problem{Path: p, Msg: err.Error()})
		return rc
	}
	rc.data = data
	root, line, msg := parseJSONC(data)
	switch {
	case root == nil:
		l.problem(Problem{Path: p, Line: line, Msg: "malformed JSON: " + msg + "; the file is ignored"})
	case root.kind() != '{':
		l.problem(Problem{Path: p, Line: 1, Msg: "not a JSON object; the file is ignored"})
	default:
		rc.root = root
	}
	return rc
}

// chain returns the configs an extends chain merges, base first and p
// last. stack holds the configs being expanded (cycle detection).
func (l *loader) chain(p string, stack []string) []*rawConfig {
	rc := l.read(p)
	stack = append(stack, p)
	var out []*rawConfig
	ext := rc.root.get("extends")
	var specs []*jval
	switch {
	case ext == nil || ext.kind() == 'n':
	case ext.kind() == '"':
		specs = []*jval{ext}
	case ext.kind() == '[':
		specs = ext.arr()
	default:
		l.problemAt(rc, ext, "extends must be a string or an array of strings")
	}
	for _, s := range specs {
		if s.kind() != '"' {
			l.problemAt(rc, s, "extends must be a string or an array of strings")
			continue
		}
		target, ok := l.resolveExtends(rc, s)
		if !ok {
			continue
		}
		if i := slices.Index(stack, target); i >= 0 {
			cycle := append(slices.Clone(stack[i:]), target)
			l.problemAt(rc, s, "extends cycle %s; the repeated link is ignored", strings.Join(cycle, " -> "))
			continue
		}
		out = append(out, l.chain(target, stack)...)
	}
	return append(out, rc)
}

// resolveExtends finds the config file an extends entry names.
func (l *loader) resolveExtends(rc *rawConfig, v *jval) (string, bool) {
	s := strings.ReplaceAll(v.str(), "\\", "/")
	if s == "" {
		l.problemAt(rc, v, "extends is empty")
		return "", false
	}
	if strings.HasPrefix(s, "/") {
		l.problemAt(rc, v, "extends %q: absolute paths cannot be resolved inside the workspace; ignored", s)
		return "", false
	}
	if isRelative(s) {
		p := join(rc.dir, s)
		if l.fs.HasFile(p) {
			return p, true
		}
		if !strings.HasSuffix(p, ".json") && l.fs.HasFile(p+".json") {
			return p + ".json", true
		}
		l.problemAt(rc, v, "extends %q: no such file in the workspace; its options are ignored", s)
		return "", false
	}
	try := func(p string) (string, bool) {
		for _, c := range []string{p, p + ".json", join(p, "tsconfig.json")} {
			if c != "" && l.fs.HasFile(c) && strings.HasSuffix(c, ".json") {
				return c, true
			}
		}
		return "", false
	}
	for d := rc.dir; ; d = dirOf(d) {
		if p, ok := try(join(d, "node_modules/"+s)); ok {
			return p, true
		}
		if d == "" {
			break
		}
	}
	if name, sub, ok := splitPackage(s); ok {
		if pj := l.names[name]; pj != nil {
			if p, ok := try(join(pj.dir, sub)); ok {
				return p, true
			}
		}
	}
	l.problemAt(rc, v, "extends %q: package configurations live in node_modules, which is not part of the workspace; its options are ignored", s)
	return "", false
}

// options accumulates compilerOptions and file selection along a chain;
// nil means unset.
type options struct {
	baseURL                           *string
	paths                             *[]PathMapping // targets raw
	pathsDir                          string
	moduleResolution, module          *string
	allowImportingTsExtensions, allow *bool
	customConditions, rootDirs        *[]string
	outDir, rootDir                   *string
	files, include, exclude           *[]string
}

const configDirVar = "${configDir}"

// resolveIn resolves a path option written in a config in dir; leafDir is
// the directory of the config being built (for ${configDir}).
func resolveIn(dir, s, leafDir string) string {
	s = strings.ReplaceAll(s, "\\", "/")
	if rest, ok := strings.CutPrefix(s, configDirVar); ok {
		return join(leafDir, "./"+rest)
	}
	return join(dir, s)
}

// apply merges one config of a chain into o: its compilerOptions, then
// its file selection.
func (l *loader) apply(rc *rawConfig, o *options, leafDir string) {
	if rc.root == nil {
		return
	}
	r := optionReader{l: l, rc: rc, leafDir: leafDir}
	r.compilerOptions(o)
	r.fileSelection(o)
}

// optionReader reads the option values of one config of a chain, reporting
// a value of the wrong type as a Problem at its line; leafDir is the
// directory of the config being built (for ${configDir}).
type optionReader struct {
	l       *loader
	rc      *rawConfig
	leafDir string
}

// compilerOptions merges the compilerOptions object into o.
func (r optionReader) compilerOptions(o *options) {
	if co := r.rc.root.get("compilerOptions"); co != nil && co.kind() != '{' && co.kind() != 'n' {
		r.l.problemAt(r.rc, co, "compilerOptions must be an object; ignored")
	}
	for _, m := range r.rc.root.get("compilerOptions").members() {
		switch m.key {
		case "baseUrl":
			o.baseURL = r.path(m)
		case "paths":
			r.l.applyPaths(r.rc, m.val, o)
		case "moduleResolution":
			r.moduleResolution(m, o)
		case "module":
			if s, ok := r.str(m); ok {
				s = strings.ToLower(s)
				o.module = &s
			} else {
				o.module = nil
			}
		case "allowImportingTsExtensions":
			o.allowImportingTsExtensions = r.boolean(m)
		case "allowJs":
			o.allow = r.boolean(m)
		case "customConditions":
			if ss, ok := r.strs(m); ok {
				o.customConditions = ss
			}
		case "rootDirs":
			if ss, ok := r.strs(m); ok {
				o.rootDirs = r.resolved(ss)
			}
		case "outDir":
			o.outDir = r.path(m)
		case "rootDir":
			o.rootDir = r.path(m)
		}
	}
}

// moduleResolution sets o.moduleResolution (lower case, "node" read as
// node10); an unknown value leaves it as it was, with a Problem.
func (r optionReader) moduleResolution(m jmember, o *options) {
	s, ok := r.str(m)
	if !ok {
		o.moduleResolution = nil
		return
	}
	s = strings.ToLower(s)
	if s == "node" {
		s = Node10
	}
	if !slices.Contains([]string{Classic, Node10, Node16, NodeNext, Bundler}, s) {
		r.l.problemAt(r.rc, m.val, "unknown moduleResolution %q; the default is used", m.val.str())
		return
	}
	o.moduleResolution = &s
}

// fileSelection merges the top-level files, include and exclude into o.
func (r optionReader) fileSelection(o *options) {
	for _, m := range r.rc.root.members() {
		var dst **[]string
		switch m.key {
		case "files":
			dst = &o.files
		case "include":
			dst = &o.include
		case "exclude":
			dst = &o.exclude
		default:
			continue
		}
		if ss, ok := r.strs(m); ok {
			*dst = r.resolved(ss)
		}
	}
}

// str returns a string value; null and other types give false (the
// others with a Problem).
func (r optionReader) str(m jmember) (string, bool) {
	if m.val.kind() == '"' {
		return m.val.str(), true
	}
	if m.val.kind() != 'n' {
		r.l.problemAt(r.rc, m.val, "%s must be a string; ignored", m.key)
	}
	return "", false
}

// boolean returns a boolean value, or nil for null and other types (the
// others with a Problem).
func (r optionReader) boolean(m jmember) *bool {
	switch m.val.kind() {
	case 't', 'f':
		b := m.val.kind() == 't'
		return &b
	case 'n':
	default:
		r.l.problemAt(r.rc, m.val, "%s must be true or false; ignored", m.key)
	}
	return nil
}

// strs returns an array of strings (non-string entries dropped with a
// Problem); null gives (nil, true), another type (nil, false).
func (r optionReader) strs(m jmember) (*[]string, bool) {
	if m.val.kind() == 'n' {
		return nil, true
	}
	if m.val.kind() != '[' {
		r.l.problemAt(r.rc, m.val, "%s must be an array of strings; ignored", m.key)
		return nil, false
	}
	out := []string{}
	for _, e := range m.val.arr() {
		if e.kind() != '"' {
			r.l.problemAt(r.rc, e, "%s must be an array of strings; entry ignored", m.key)
			continue
		}
		out = append(out, e.str())
	}
	return &out, true
}

// resolved resolves each path of ss against the config's directory.
func (r optionReader) resolved(ss *[]string) *[]string {
	if ss == nil {
		return nil
	}
	out := make([]string, len(*ss))
	for i, s := range *ss {
		out[i] = resolveIn(r.rc.dir, s, r.leafDir)
	}
	return &out
}

// path returns a string option resolved against the config's directory,
// or nil.
func (r optionReader) path(m jmember) *string {
	s, ok := r.str(m)
	if !ok {
		return nil
	}
	v := resolveIn(r.rc.dir, s, r.leafDir)
	return &v
}

func (l *loader) applyPaths(rc *rawConfig, v *jval, o *options) {
	if v.kind() == 'n' {
		o.paths = nil
		return
	}
	if v.kind() != '{' {
		l.problemAt(rc, v, "paths must be an object; ignored")
		return
	}
	var ms []PathMapping
	for _, m := range v.members() {
		if strings.Count(m.key, "*") > 1 {
			l.problemAt(rc, m.val, "paths pattern %q has more than one '*'; ignored", m.key)
			continue
		}
		if m.val.kind() != '[' {
			l.problemAt(rc, m.val, "paths[%q] must be an array of strings; ignored", m.key)
			continue
		}
		pm := PathMapping{Pattern: m.key}
		for _, t := range m.val.arr() {
			if t.kind() != '"' {
				l.problemAt(rc, t, "paths[%q] must be an array of strings; entry ignored", m.key)
				continue
			}
			if strings.Count(t.str(), "*") > 1 {
				l.problemAt(rc, t, "paths[%q] target %q has more than one '*'; ignored", m.key, t.str())
				continue
			}
			pm.Targets = append(pm.Targets, strings.ReplaceAll(t.str(), "\\", "/"))
		}
		ms = append(ms, pm)
	}
	o.paths = &ms
	o.pathsDir = rc.dir
}

// build returns the effective Config of the config file p.
func (l *loader) build(p string) *Config {
	chain := l.chain(p, nil)
	leafDir := dirOf(p)
	o := &options{}
	for _, rc := range chain {
		l.apply(rc, o, leafDir)
	}
	c := &Config{Path: p}
	for _, rc := range chain[:len(chain)-1] {
		if !slices.Contains(c.Extends, rc.path) {
			c.Extends = append(c.Extends, rc.path)
		}
	}
	pathsBase := o.pathsDir
	if o.baseURL != nil {
		c.BaseURL, c.HasBaseURL = *o.baseURL, true
		pathsBase = c.BaseURL
	}
	if o.paths != nil {
		for _, pm := range *o.paths {
			out := PathMapping{Pattern: pm.Pattern}
			for _, t := range pm.Targets {
				out.Targets = append(out.Targets, resolveIn(pathsBase, t, leafDir))
			}
			c.Paths = append(c.Paths, out)
		}
	}
	if o.module != nil {
		c.Module = *o.module
	}
	if o.moduleResolution != nil {
		c.ModuleResolution = *o.moduleResolution
	} else {
		c.ModuleResolution = defaultResolution(c.Module)
	}
	c.AllowImportingTsExtensions = o.allowImportingTsExtensions != nil && *o.allowImportingTsExtensions
	c.AllowJs = path.Base(p) == "jsconfig.json"
	if o.allow != nil {
		c.AllowJs = *o.allow
	}
	if o.customConditions != nil {
		c.CustomConditions = *o.customConditions
	}
	if o.rootDirs != nil {
		c.RootDirs = *o.rootDirs
	}
	if o.outDir != nil {
		c.OutDir = *o.outDir
	}
	if o.rootDir != nil {
		c.RootDir = *o.rootDir
	}
	if o.files != nil {
		c.Files = *o.files
	}
	switch {
	case o.include != nil:
		c.Include = *o.include
	case o.files == nil:
		c.Include = []string{join(leafDir, "**/*")}
	}
	if o.exclude != nil {
		c.Exclude = *o.exclude
	} else {
		for _, f := range commonPackageFolders {
			c.Exclude = append(c.Exclude, join(leafDir, f))
		}
		if c.OutDir != "" {
			c.Exclude = append(c.Exclude, c.OutDir)
		}
	}
	c.compile()
	return c
}

func (c *Config) compile() {
	c.files = make(map[string]bool, len(c.Files))
	for _, f := range c.Files {
		c.files[f] = true
	}
	c.include = make([]*regexp.Regexp, len(c.Include))
	for i, p := range c.Include {
		c.include[i] = globRegexp(p, false)
	}
	c.exclude = make([]*regexp.Regexp, len(c.Exclude))
	for i, p := range c.Exclude {
		c.exclude[i] = globRegexp(p, true)
	}
}

// defaultResolution is TypeScript 6's moduleResolution default for a
// `module` value (TypeScript 5 used node10 for commonjs and classic for
// the ES module kinds; both are deprecated in 6).
func defaultResolution(module string) string {
	switch module {
	case "node16", "node18", "node20":
		return Node16
	case "nodenext":
		return NodeNext
	case "none", "amd", "umd", "system":
		return Classic
	}
	return Bundler
}

// defaultConfig governs files no config file covers: tsc's defaults.
var defaultConfig = func() *Config {
	c := &Config{ModuleResolution: Bundler, AllowJs: true}
	c.compile()
	return c
}()
