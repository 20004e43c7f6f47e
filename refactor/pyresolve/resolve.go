package pyresolve

import (
	"path"
	"strings"

	"github.com/relayout/relayout/refactor/workspace"
)

// Resolver maps Python module names to workspace files and back.
type Resolver struct {
	fs    workspace.FileSet
	roots []string
	tops  map[string]bool // top-level names defined by some root
}

// New returns a resolver over fs using DetectRoots(fs, configured).
func New(fs workspace.FileSet, configured []string) *Resolver {
	return NewWithRoots(fs, DetectRoots(fs, configured))
}

// NewWithRoots returns a resolver with explicit roots (most specific
// first).
func NewWithRoots(fs workspace.FileSet, roots []string) *Resolver {
	r := &Resolver{fs: fs, roots: roots, tops: map[string]bool{}}
	for _, f := range fs.Files() {
		if !IsPython(f) {
			continue
		}
		if mod, ok := r.ModuleOf(f); ok && mod != "" {
			top, _, _ := strings.Cut(mod, ".")
			r.tops[top] = true
		}
	}
	return r
}

// Roots returns the source roots, most specific first ("" is the workspace
// root).
func (r *Resolver) Roots() []string { return r.roots }

// IsPython reports whether rel is a Python source or stub file.
func IsPython(rel string) bool {
	return strings.HasSuffix(rel, ".py") || strings.HasSuffix(rel, ".pyi")
}

// RootOf returns the most specific root containing rel.
func (r *Resolver) RootOf(rel string) string {
	for _, root := range r.roots {
		if root == "" || strings.HasPrefix(rel, root+"/") {
			return root
		}
	}
	return ""
}

// ModuleOf returns the dotted module name of a Python file (or a package
// directory) under its most specific root: `src/a/b/__init__.py` → "a.b",
// `src/a/c.py` → "a.c". It returns false when the path has components
// that are not Python identifiers.
func (r *Resolver) ModuleOf(rel string) (string, bool) {
	return ModuleName(r.RootOf(rel), rel)
}

// ModuleName is ModuleOf for an explicit root.
func ModuleName(root, rel string) (string, bool) {
	p := rel
	if root != "" {
		if !strings.HasPrefix(p, root+"/") {
			return "", false
		}
		p = p[len(root)+1:]
	}
	p = strings.TrimSuffix(strings.TrimSuffix(p, ".pyi"), ".py")
	p = strings.TrimSuffix(p, "/__init__")
	if p == "__init__" {
		return "", true
	}
	parts := strings.Split(p, "/")
	for _, part := range parts {
		if !isIdentifier(part) {
			return "", false
		}
	}
	return strings.Join(parts, "."), true
}

func isIdentifier(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range s {
		if c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c > 127 {
			continue
		}
		if i > 0 && c >= '0' && c <= '9' {
			continue
		}
		return false
	}
	return true
}

// Lookup resolves a module path (slash-separated, without extension,
// workspace-relative) to a file: p.py, p.pyi, p/__init__.py, p/__init__.pyi
// or a namespace package directory p.
func (r *Resolver) Lookup(p string) (workspace.Target, bool) {
	for _, c := range []string{p + ".py", p + ".pyi", p + "/__init__.py", p + "/__init__.pyi"} {
		if r.fs.HasFile(c) {
			return workspace.Target{Status: workspace.Internal, Path: c}, true
		}
	}
	if p != "" && r.fs.HasDir(p) && r.hasPythonBelow(p) {
		return workspace.Target{Status: workspace.Internal, Path: p, Dir: true}, true
	}
	return workspace.Target{}, false
}

func (r *Resolver) hasPythonBelow(dir string) bool {
	// Files() is sorted: scan the range with the dir prefix.
	files := r.fs.Files()
	prefix := dir + "/"
	lo, hi := 0, len(files)
	for lo < hi {
		m := (lo + hi) / 2
		if files[m] < prefix {
			lo = m + 1
		} else {
			hi = m
		}
	}
	for i := lo; i < len(files) && strings.HasPrefix(files[i], prefix); i++ {
		if IsPython(files[i]) {
			return true
		}
	}
	return false
}

// PackageDir returns the directory relative imports in file start from:
// the file's own directory (for __init__.py it is the package itself).
func PackageDir(file string) string {
	d := path.Dir(file)
	if d == "." {
		return ""
	}
	return d
}

// Base returns the directory a relative import of the given level in file
// refers to, and false when it climbs above the workspace root.
func Base(file string, level int) (string, bool) {
	d := PackageDir(file)
	for i := 1; i < level; i++ {
		if d == "" {
			return "", false
		}
		d = path.Dir(d)
		if d == "." {
			d = ""
		}
	}
	return d, true
}

func join(dir, module string) string {
	p := strings.ReplaceAll(module, ".", "/")
	if dir == "" {
		return p
	}
	if p == "" {
		return dir
	}
	return dir + "/" + p
}

// Resolve resolves `module` (dotted, without leading dots) imported with
// the given relative level from file.
func (r *Resolver) Resolve(from, module string, level int) workspace.Target {
	if level > 0 {
		base, ok := Base(from, level)
		if !ok {
			return workspace.Target{Status: workspace.Unresolved}
		}
		if t, ok := r.Lookup(join(base, module)); ok {
			return t
		}
		if module == "" && base == "" {
			return workspace.Target{Status: workspace.Unresolved}
		}
		return workspace.Target{Status: workspace.Unresolved}
	}
	if module == "" {
		return workspace.Target{Status: workspace.Unresolved}
	}
	for _, root := range r.roots {
		if t, ok := r.Lookup(join(root, module)); ok {
			return t
		}
	}
	top, _, _ := strings.Cut(module, ".")
	if r.tops[top] {
		return workspace.Target{Status: workspace.Unresolved}
	}
	return workspace.Target{Status: workspace.External}
}

// ResolveName resolves the name of a from-import (`from module import name`)
// when name is a submodule; ok is false when name is not a module (an
// attribute of the module, or "*").
func (r *Resolver) ResolveName(from, module string, level int, name string) (workspace.Target, bool) {
	if name == "*" {
		return workspace.Target{}, false
	}
	full := name
	if module != "" {
		full = module + "." + name
	}
	t := r.Resolve(from, full, level)
	return t, t.Status == workspace.Internal
}

// IsTop reports whether name is a top-level package or module defined in
// the workspace.
func (r *Resolver) IsTop(name string) bool { return r.tops[name] }

// AbsoluteName returns the absolute name importlib.import_module(rel,
// pkg) imports: ".sub.mod" in "pkg" is "pkg.sub.mod", "..x" in "pkg.sub"
// is "pkg.x". It returns false when rel climbs above pkg's top level or
// is not relative.
func AbsoluteName(rel, pkg string) (string, bool) {
	rest := strings.TrimLeft(rel, ".")
	level := len(rel) - len(rest)
	if level == 0 || pkg == "" {
		return "", false
	}
	comps := strings.Split(pkg, ".")
	if level-1 >= len(comps) {
		return "", false
	}
	base := strings.Join(comps[:len(comps)-(level-1)], ".")
	if rest == "" {
		return base, true
	}
	return base + "." + rest, true
}
