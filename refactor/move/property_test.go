package move

import (
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/relayout/relayout/internal/testtool"
	"github.com/relayout/relayout/refactor/config"
	"github.com/relayout/relayout/refactor/edit"
	"github.com/relayout/relayout/refactor/index"
	"github.com/relayout/relayout/refactor/workspace"
)

// genPython generates a Python project under src/proj: nested regular
// packages, modules that import earlier modules in every form (absolute,
// aliased, from-imports of submodules and names, relative, nested in
// functions, try/except, TYPE_CHECKING, importlib, attribute chains, also
// through a parent package: `import proj` … `proj.p1.m2.f()`, aliased or
// from-imported: `import proj.p1 as b`, `from proj import p1 as b` … `b.m2.f()`) and a
// unittest suite that patches functions with mock.patch strings. Every
// module has a check() that exercises its imports.
func genPython(r *rand.Rand, nPkgs, nMods int) map[string][]byte {
	files := map[string][]byte{}
	pkgs := []string{"src/proj"}
	files["src/proj/__init__.py"] = nil
	for i := 0; i < nPkgs; i++ {
		parent := pkgs[r.Intn(len(pkgs))]
		if strings.Count(parent, "/") >= 5 {
			parent = "src/proj"
		}
		p := fmt.Sprintf("%s/p%d", parent, i)
		pkgs = append(pkgs, p)
		files[p+"/__init__.py"] = nil
	}
	type mod struct{ pkg, name string }
	mods := make([]mod, nMods)
	dotted := func(m mod) string {
		return strings.ReplaceAll(strings.TrimPrefix(m.pkg, "src/"), "/", ".") + "." + m.name
	}
	for i := range mods {
		mods[i] = mod{pkgs[r.Intn(len(pkgs))], fmt.Sprintf("m%d", i)}
	}
	var tests strings.Builder
	tests.WriteString("import importlib\nimport unittest\nfrom unittest import mock\n\n\nclass T(unittest.TestCase):\n")
	for i, m := range mods {
		var head, body strings.Builder
		head.WriteString("from typing import TYPE_CHECKING\n")
		body.WriteString(fmt.Sprintf("\n\ndef f_%s():\n    return %d\n\n\nVALUE_%s = %d\n\n\ndef check():\n    total = f_%s()\n", m.name, i, m.name, i, m.name))
		for k := 0; k < 3 && i > 0; k++ {
			o := mods[r.Intn(i)]
			od := dotted(o)
			alias := fmt.Sprintf("a%d_%d", i, k)
			switch r.Intn(10) {
			case 0:
				head.WriteString(fmt.Sprintf("import %s\n", od))
				body.WriteString(fmt.Sprintf("    total += %s.f_%s()\n", od, o.name))
			case 1:
				head.WriteString(fmt.Sprintf("import %s as %s\n", od, alias))
				body.WriteString(fmt.Sprintf("    total += %s.f_%s()\n", alias, o.name))
			case 2:
				parent := od[:strings.LastIndexByte(od, '.')]
				head.WriteString(fmt.Sprintf("from %s import %s as %s\n", parent, o.name, alias))
				body.WriteString(fmt.Sprintf("    total += %s.VALUE_%s\n", alias, o.name))
			case 3:
				head.WriteString(fmt.Sprintf("from %s import f_%s as %s\n", od, o.name, alias))
				body.WriteString(fmt.Sprintf("    total += %s()\n", alias))
			case 4: // relative, when both live under src/proj
				rel, ok := relFrom(m.pkg, o.pkg)
				if !ok {
					continue
				}
				head.WriteString(fmt.Sprintf("from %s import %s as %s\n", rel, o.name, alias))
				body.WriteString(fmt.Sprintf("    total += %s.f_%s()\n", alias, o.name))
			case 5: // nested in the function
				rel, ok := relFrom(m.pkg, o.pkg)
				if !ok {
					continue
				}
				body.WriteString(fmt.Sprintf("    from %s%s import f_%s as %s\n    total += %s()\n", rel, dotIf(rel, o.name), o.name, alias, alias))
			case 6:
				head.WriteString(fmt.Sprintf("try:\n    from %s import VALUE_%s as %s\nexcept ImportError:\n    %s = 0\n", od, o.name, alias, alias))
				body.WriteString(fmt.Sprintf("    total += %s\n", alias))
			case 7:
				head.WriteString(fmt.Sprintf("if TYPE_CHECKING:\n    from %s import f_%s\n", od, o.name))
			case 8:
				body.WriteString(fmt.Sprintf("    total += importlib.import_module(%q).f_%s()\n", od, o.name))
				if !strings.Contains(head.String(), "import importlib\n") {
					head.WriteString("import importlib\n")
				}
			case 9: // a chain through a parent package: `import proj` … `proj.p1.m2.f()`, or aliased, or from-imported
				head.WriteString(fmt.Sprintf("import %s as %s  # loads it; the chain below reaches it through a parent package\n", od, alias))
				// The form follows i and k, not r, so the projects the other
				// cases draw stay the same.
				comps := strings.Split(od, ".")
				switch bound := alias + "_p"; {
				case (i+k)%4 == 1: // `import proj as b` … `b.p1.m2.f()`
					head.WriteString(fmt.Sprintf("import proj as %s\n", bound))
					body.WriteString(fmt.Sprintf("    total += %s.%s.f_%s()\n", bound, strings.Join(comps[1:], "."), o.name))
				case (i+k)%4 == 2 && len(comps) > 2: // `import proj.p1 as b` … `b.m2.f()`
					head.WriteString(fmt.Sprintf("import proj.%s as %s\n", comps[1], bound))
					body.WriteString(fmt.Sprintf("    total += %s.%s.f_%s()\n", bound, strings.Join(comps[2:], "."), o.name))
				case (i+k)%4 == 3 && len(comps) > 2: // `from proj import p1 as b` … `b.m2.f()`
					head.WriteString(fmt.Sprintf("from proj import %s as %s\n", comps[1], bound))
					body.WriteString(fmt.Sprintf("    total += %s.%s.f_%s()\n", bound, strings.Join(comps[2:], "."), o.name))
				default:
					if !strings.Contains(head.String(), "import proj\n") {
						head.WriteString("import proj\n")
					}
					body.WriteString(fmt.Sprintf("    total += %s.f_%s()\n", od, o.name))
				}
			}
		}
		body.WriteString("    return total\n")
		files[m.pkg+"/"+m.name+".py"] = []byte(head.String() + body.String())
		tests.WriteString(fmt.Sprintf("    def test_%s(self):\n        with mock.patch(%q, return_value=-1):\n            mod = importlib.import_module(%q)\n            self.assertEqual(mod.f_%s(), -1)\n        self.assertIsInstance(importlib.import_module(%q).check(), int)\n\n",
			m.name, dotted(m)+".f_"+m.name, dotted(m), m.name, dotted(m)))
	}
	files["tests/test_all.py"] = []byte(tests.String())
	files["pyproject.toml"] = []byte("[tool.setuptools.packages.find]\nwhere = [\"src\"]\n")
	return files
}

// relFrom returns the relative module prefix naming package dir `to` from
// a module in package dir `from`, both under src/proj.
func relFrom(from, to string) (string, bool) {
	c := commonDir(from, to)
	if c == "" || c == "src" {
		return "", false
	}
	level := 1 + depthOf(from) - depthOf(c)
	rest := strings.TrimPrefix(strings.TrimPrefix(to, c), "/")
	return strings.Repeat(".", level) + strings.ReplaceAll(rest, "/", "."), true
}

func dotIf(rel, name string) string {
	if strings.HasSuffix(rel, ".") {
		return name
	}
	return "." + name
}

// randomMoves picks file and directory moves within src/proj.
func randomMoves(r *rand.Rand, files map[string][]byte, n int) []Move {
	var mods, dirs []string
	for p := range files {
		if strings.HasPrefix(p, "src/proj/") && strings.HasSuffix(p, ".py") && path.Base(p) != "__init__.py" {
			mods = append(mods, p)
		}
		if strings.HasPrefix(p, "src/proj/") && path.Base(p) == "__init__.py" {
			dirs = append(dirs, path.Dir(p))
		}
	}
	sort.Strings(mods)
	sort.Strings(dirs)
	used := map[string]bool{}
	var moves []Move
	taken := map[string]bool{}
	for i := 0; i < n; i++ {
		if r.Intn(4) == 0 {
			d := dirs[r.Intn(len(dirs))]
			if d == "src/proj" || used[d] {
				continue
			}
			// A directory move must not overlap another move.
			overlap := false
			for u := range used {
				if strings.HasPrefix(u+"/", d+"/") || strings.HasPrefix(d+"/", u+"/") {
					overlap = true
				}
			}
			if overlap {
				continue
			}
			to := fmt.Sprintf("src/proj/moved%d/q%d", i, i)
			used[d] = true
			moves = append(moves, Move{From: d, To: to})
			continue
		}
		m := mods[r.Intn(len(mods))]
		if used[m] || usedUnder(used, m) {
			continue
		}
		dest := dirs[r.Intn(len(dirs))]
		if r.Intn(3) == 0 {
			dest = fmt.Sprintf("src/proj/new%d", i)
		}
		if usedUnder(used, dest+"/x") {
			continue
		}
		to := fmt.Sprintf("%s/r%d.py", dest, i)
		if taken[to] || files[to] != nil {
			continue
		}
		taken[to] = true
		used[m] = true
		moves = append(moves, Move{From: m, To: to})
	}
	return moves
}

func usedUnder(used map[string]bool, p string) bool {
	for u := range used {
		if strings.HasPrefix(p, u+"/") {
			return true
		}
	}
	return false
}

// targetsByFile returns, per file, the sorted set of internal targets of
// its references (module, names and strings).
func targetsByFile(t *testing.T, dir string) (map[string][]string, *index.Index) {
	t.Helper()
	l, err := workspace.Walk(t.Context(), dir, workspace.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ix, err := index.Build(t.Context(), workspace.NewDiskSet(l), config.Default(), index.Options{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, p := range ix.Files() {
		set := map[string]bool{}
		for _, imp := range ix.File(p).Imports {
			all := append([]workspace.Target{imp.Target}, imp.NameTargets...)
			if onlySubmodules(imp) {
				all = imp.NameTargets // the parent package is incidental
			}
			for _, tg := range all {
				if tg.Status == workspace.Internal {
					set[tg.Path] = true
				}
			}
		}
		for k := range set {
			out[p] = append(out[p], k)
		}
		sort.Strings(out[p])
	}
	return out, ix
}

// onlySubmodules reports whether a from-import imports only submodules.
func onlySubmodules(imp index.Import) bool {
	if len(imp.NameTargets) == 0 {
		return false
	}
	for _, nt := range imp.NameTargets {
		if nt.Status != workspace.Internal {
			return false
		}
	}
	return true
}

// TestPropertyPythonMoves applies random move sets to generated projects
// and checks the invariant: every internal reference that resolved before
// resolves after to the same (moved) file, nothing is unresolved that was
// not, every file survives, and unedited files keep their bytes.
func TestPropertyPythonMoves(t *testing.T) {
	seeds := 12
	if testing.Short() {
		seeds = 3
	}
	for seed := int64(1); seed <= int64(seeds); seed++ {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			r := rand.New(rand.NewSource(seed))
			files := genPython(r, 8, 30)
			dir := t.TempDir()
			testtool.WriteTree(t, dir, files)
			before, ixBefore := targetsByFile(t, dir)
			unresolvedBefore := len(ixBefore.Unresolved())
			moves := randomMoves(r, files, 6)
			if len(moves) == 0 {
				t.Skip("no moves drawn")
			}
			cs, err := runMoves(t.Context(), dir, moves, Options{})
			if err != nil {
				t.Fatalf("moves %v: %v", moves, err)
			}
			for _, w := range cs.Warnings {
				if w.Code == "unexpressible" {
					t.Errorf("warning: %s", w)
				}
			}
			after, ixAfter := targetsByFile(t, dir)
			if n := len(ixAfter.Unresolved()); n > unresolvedBefore {
				t.Errorf("unresolved imports grew from %d to %d: %+v", unresolvedBefore, n, ixAfter.Unresolved())
			}
			for p, targets := range before {
				np := cs.NewPath(p)
				var want []string
				for _, tg := range targets {
					want = append(want, cs.NewPath(tg))
				}
				sort.Strings(want)
				got := after[np]
				if strings.Join(got, ",") != strings.Join(want, ",") {
					t.Errorf("%s (now %s): targets\n got %v\nwant %v", p, np, got, want)
				}
			}
			// Every original file exists at its new path; unedited ones keep
			// their bytes.
			deleted := map[string]bool{}
			for _, d := range cs.Deletes {
				deleted[d] = true
			}
			for p, data := range files {
				if deleted[p] {
					continue
				}
				got, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(cs.NewPath(p))))
				if err != nil {
					t.Errorf("lost %s: %v", p, err)
					continue
				}
				if _, edited := cs.Edits[p]; !edited && string(got) != string(data) {
					t.Errorf("%s changed without an edit", p)
				}
				if es, edited := cs.Edits[p]; edited {
					want, err := edit.ApplyEdits(data, es)
					if err != nil || string(want) != string(got) {
						t.Errorf("%s: content is not exactly the original plus its edits", p)
					}
				}
			}
			if testing.Short() {
				return
			}
			runPython(t, dir)
		})
	}
}

// runPython imports every module, runs every check() and the unittest
// suite with the real interpreter.
func runPython(t *testing.T, dir string) {
	t.Helper()
	py := testtool.Find(t, "python3", "")
	script := `
import importlib, pathlib, sys
root = pathlib.Path("src")
for p in sorted(root.rglob("*.py")):
    parts = list(p.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    mod = importlib.import_module(".".join(parts))
    if hasattr(mod, "check"):
        mod.check()
print("ok")
`
	cmd := exec.Command(py, "-W", "error::DeprecationWarning", "-c", script)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PYTHONPATH=src", "PYTHONDONTWRITEBYTECODE=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("importing every module failed: %v\n%s", err, out)
	}
	cmd = exec.Command(py, "-m", "unittest", "discover", "-s", "tests", "-q")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PYTHONPATH=src", "PYTHONDONTWRITEBYTECODE=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("unittest failed after the moves: %v\n%s", err, out)
	}
}

// TestPythonGeneratedBaseline proves the generated project is sound before
// any move, so the property test's interpreter check can fail only
// because of a move.
func TestPythonGeneratedBaseline(t *testing.T) {
	dir := t.TempDir()
	testtool.WriteTree(t, dir, genPython(rand.New(rand.NewSource(99)), 8, 30))
	runPython(t, dir)
}
