// Package pyresolve resolves Python module names to workspace files: it
// finds the source roots (configured, from pyproject.toml/setup.cfg, a src/
// layout, or the parent of the topmost __init__.py chain), maps files to
// dotted module names and resolves absolute and relative imports, including
// namespace packages and .pyi stubs.
//
// Paths are slash-separated and workspace-relative. The package must not
// import server, cmd, go.lsp.dev or zap.
package pyresolve

import (
	"path"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
	"gopkg.in/ini.v1"

	"github.com/relayout/relayout/refactor/workspace"
)

// DetectRoots returns the Python source roots of the workspace, most
// specific (longest) first, always ending with the workspace root "".
// Configured roots win; otherwise roots come from pyproject.toml
// (setuptools package-dir / packages.find where, poetry packages from,
// hatch wheel packages), setup.cfg, a src/ layout and the parents of the
// topmost __init__.py chains.
func DetectRoots(fs workspace.FileSet, configured []string) []string {
	set := map[string]bool{}
	add := func(r string) {
		r = path.Clean(strings.TrimPrefix(strings.ReplaceAll(r, "\\", "/"), "./"))
		if r == "." || r == "/" {
			r = ""
		}
		set[r] = true
	}
	if len(configured) > 0 {
		for _, r := range configured {
			add(r)
		}
	} else {
		for _, f := range fs.Files() {
			base := path.Base(f)
			dir := path.Dir(f)
			if dir == "." {
				dir = ""
			}
			switch base {
			case "pyproject.toml":
				for _, r := range pyprojectRoots(fs, f) {
					add(path.Join(dir, r))
				}
			case "setup.cfg":
				for _, r := range setupCfgRoots(fs, f) {
					add(path.Join(dir, r))
				}
			case "__init__.py", "__init__.pyi":
				top := dir
				for {
					parent := path.Dir(top)
					if parent == "." {
						parent = ""
					}
					if top == "" || !isRegularPackage(fs, parent) {
						break
					}
					top = parent
				}
				if top != "" {
					p := path.Dir(top)
					if p == "." {
						p = ""
					}
					add(p)
				}
			}
			if strings.HasPrefix(f, "src/") && strings.HasSuffix(f, ".py") {
				add("src")
			}
		}
	}
	set[""] = true
	roots := make([]string, 0, len(set))
	for r := range set {
		roots = append(roots, r)
	}
	sort.Slice(roots, func(i, j int) bool {
		if len(roots[i]) != len(roots[j]) {
			return len(roots[i]) > len(roots[j])
		}
		return roots[i] < roots[j]
	})
	return roots
}

func isRegularPackage(fs workspace.FileSet, dir string) bool {
	if dir == "" {
		return false
	}
	return fs.HasFile(dir+"/__init__.py") || fs.HasFile(dir+"/__init__.pyi")
}

type pyproject struct {
	Tool struct {
		Setuptools struct {
			PackageDir map[string]string `toml:"package-dir"`
			Packages   struct {
				Find struct {
					Where []string `toml:"where"`
				} `toml:"find"`
			} `toml:"packages"`
		} `toml:"setuptools"`
		Poetry struct {
			Packages []struct {
				Include string `toml:"include"`
				From    string `toml:"from"`
			} `toml:"packages"`
		} `toml:"poetry"`
		Hatch struct {
			Build struct {
				Targets struct {
					Wheel struct {
						Packages []string `toml:"packages"`
					} `toml:"wheel"`
				} `toml:"targets"`
			} `toml:"build"`
		} `toml:"hatch"`
	} `toml:"tool"`
}

func pyprojectRoots(fs workspace.FileSet, file string) []string {
	data, err := fs.ReadFile(file)
	if err != nil {
		return nil
	}
	var p pyproject
	if _, err := toml.Decode(string(data), &p); err != nil {
		return nil
	}
	var out []string
	if d, ok := p.Tool.Setuptools.PackageDir[""]; ok {
		out = append(out, d)
	}
	out = append(out, p.Tool.Setuptools.Packages.Find.Where...)
	for _, pk := range p.Tool.Poetry.Packages {
		if pk.From != "" {
			out = append(out, pk.From)
		}
	}
	for _, pk := range p.Tool.Hatch.Build.Targets.Wheel.Packages {
		if d := path.Dir(pk); d != "." {
			out = append(out, d)
		}
	}
	return out
}

// setupCfgRoots reads the source roots of a setup.cfg: the "" entry of
// [options] package_dir (`package_dir = =src`) and the where of
// [options.packages.find]. It reads the file as setuptools' configparser
// does: `=` or `:` separators, values continued on indented lines, whole-line
// comments only; a file it cannot parse gives no roots.
func setupCfgRoots(fs workspace.FileSet, file string) []string {
	data, err := fs.ReadFile(file)
	if err != nil {
		return nil
	}
	cfg, err := ini.LoadSources(ini.LoadOptions{
		AllowPythonMultilineValues: true,
		IgnoreInlineComment:        true,
		InsensitiveKeys:            true,
		KeyValueDelimiters:         "=:",
	}, data)
	if err != nil {
		return nil
	}
	var out []string
	if sec, err := cfg.GetSection("options"); err == nil && sec.HasKey("package_dir") {
		for _, entry := range setupCfgList(sec.Key("package_dir").Value()) {
			if pkg, dir, ok := strings.Cut(entry, "="); ok && strings.TrimSpace(pkg) == "" {
				out = append(out, strings.TrimSpace(dir))
			}
		}
	}
	if sec, err := cfg.GetSection("options.packages.find"); err == nil && sec.HasKey("where") {
		if where := setupCfgList(sec.Key("where").Value()); len(where) > 0 {
			out = append(out, where[0]) // setuptools uses the first
		}
	}
	return out
}

// setupCfgList splits a setup.cfg list value as setuptools does: by lines
// when it spans several, else by commas; blank entries are dropped.
func setupCfgList(v string) []string {
	sep := ","
	if strings.Contains(v, "\n") {
		sep = "\n"
	}
	var out []string
	for _, e := range strings.Split(v, sep) {
		if e = strings.TrimSpace(e); e != "" {
			out = append(out, e)
		}
	}
	return out
}
