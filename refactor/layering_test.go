package refactor_test

import (
	"bytes"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/relayout/relayout/internal/testtool"
)

const mod = "github.com/relayout/relayout/"

// goList runs `go list -f format patterns...` at the module root and
// returns its lines.
func goList(t *testing.T, format string, patterns ...string) []string {
	t.Helper()
	testtool.Find(t, "go", "")
	cmd := exec.Command("go", append([]string{"list", "-f", format}, patterns...)...)
	cmd.Dir = ".."
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list %s: %v\n%s", strings.Join(patterns, " "), err, stderr.String())
	}
	return strings.Split(strings.TrimSpace(string(out)), "\n")
}

// TestLayering keeps the architecture's import rules true:
// cmd → server → refactor → parsers, and only cmd and server know LSP.
func TestLayering(t *testing.T) {
	rules := []struct {
		tree      string
		forbidden []string
	}{
		{"./parsers/...", []string{mod + "refactor", mod + "server", mod + "cmd", "go.lsp.dev/", "go.uber.org/zap"}},
		{"./refactor/...", []string{mod + "server", mod + "cmd", "go.lsp.dev/", "go.uber.org/zap"}},
		{"./server/...", []string{mod + "cmd"}},
	}
	for _, r := range rules {
		for _, dep := range goList(t, "{{.ImportPath}}", "-deps", r.tree) {
			for _, f := range r.forbidden {
				if strings.HasPrefix(dep, f) {
					t.Errorf("%s depends on %s", r.tree, dep)
				}
			}
		}
	}
}

// pkgImports is one package as go list reports it: its directory, its
// non-test Go files and its direct imports.
type pkgImports struct {
	path, dir string
	files     []string
	// imports are the non-test files' imports; tests adds the test
	// files' (internal and external) imports.
	imports, tests []string
}

// directImports returns every package matching patterns with its direct
// imports: unlike -deps, a package is blamed only for what it imports
// itself.
func directImports(t *testing.T, patterns ...string) []pkgImports {
	t.Helper()
	lines := goList(t, `{{.ImportPath}}|{{.Dir}}|{{join .GoFiles " "}}|{{join .Imports " "}}|{{join .TestImports " "}} {{join .XTestImports " "}}`, patterns...)
	var out []pkgImports
	for _, line := range lines {
		parts := strings.SplitN(line, "|", 5)
		if len(parts) != 5 {
			t.Fatalf("unexpected go list line %q", line)
		}
		out = append(out, pkgImports{path: parts[0], dir: parts[1], files: strings.Fields(parts[2]), imports: strings.Fields(parts[3]), tests: strings.Fields(parts[4])})
	}
	if len(out) == 0 {
		t.Fatalf("go list %v reported no packages; the check did not run", patterns)
	}
	return out
}

// TestTreeSitterOnlyInParsers: tree-sitter is imported directly only by
// parsers/... (tests included). The rest of the module reads source
// through parsers' plain data (refactor depends on tree-sitter only
// through parsers, so this checks direct imports, not -deps).
func TestTreeSitterOnlyInParsers(t *testing.T) {
	const ts = "github.com/smacker/go-tree-sitter"
	pkgs := directImports(t, "./...")
	if len(pkgs) < 10 {
		t.Fatalf("go list reported %d packages; the check did not run", len(pkgs))
	}
	for _, p := range pkgs {
		if strings.HasPrefix(p.path, mod+"parsers") {
			continue
		}
		for _, imp := range append(p.imports, p.tests...) {
			if imp == ts || strings.HasPrefix(imp, ts+"/") {
				t.Errorf("%s imports %s: only parsers/... may use tree-sitter", p.path, imp)
			}
		}
	}
}

// TestFacadeOnTop: the façade imports the packages under refactor/, never
// the reverse: no package under refactor/ imports the façade, tests
// included (the façade's own external tests aside). What needs a
// Workspace and the move pipeline (applying a plan) lives in the façade.
func TestFacadeOnTop(t *testing.T) {
	const facade = mod + "refactor"
	for _, p := range directImports(t, "./refactor/...") {
		if p.path == facade {
			continue
		}
		for _, imp := range append(p.imports, p.tests...) {
			if imp == facade {
				t.Errorf("%s imports the façade %s: the dependency points from the façade down", p.path, facade)
			}
		}
	}
}

// facadeAPI lists what server and cmd may import of refactor/...: the
// façade and the packages whose types cross its API as plain data.
// The engine's own packages (move, index, merge, tsmove, pyresolve,
// tsresolve, gen, and any package added later) are reached through the
// façade (refactor/api.go).
var facadeAPI = []string{"refactor", "refactor/config", "refactor/conventions", "refactor/depth", "refactor/edit", "refactor/plan", "refactor/workspace"}

// engineUsers are files of server/cmd that may import the engine's own
// packages too, each with the reason.
var engineUsers = map[string]string{
	"cmd/cli/bench.go":      "relayout bench times the engine's stages (index.Build, move.Compute) on a gen workspace",
	"cmd/cli/bench_side.go": "relayout bench generates the side-by-side workspaces with refactor/gen",
}

// TestEngineBehindFacade: the production code of server/... and cmd/...
// imports of refactor/... only facadeAPI (file by file, so the one
// benchmark verb can be the exception). Tests may build fixtures with the
// engine's packages.
func TestEngineBehindFacade(t *testing.T) {
	fset := token.NewFileSet()
	checked := 0
	for _, p := range directImports(t, "./server/...", "./cmd/...") {
		for _, name := range p.files {
			file := strings.TrimPrefix(p.path, mod) + "/" + name
			f, err := parser.ParseFile(fset, filepath.Join(p.dir, name), nil, parser.ImportsOnly)
			if err != nil {
				t.Fatal(err)
			}
			checked++
			for _, spec := range f.Imports {
				imp, _ := strconv.Unquote(spec.Path.Value)
				rel, ok := strings.CutPrefix(imp, mod)
				if !ok || (rel != "refactor" && !strings.HasPrefix(rel, "refactor/")) || slices.Contains(facadeAPI, rel) {
					continue
				}
				if _, ok := engineUsers[file]; ok {
					continue
				}
				t.Errorf("%s imports %s: server and cmd reach the engine through the façade (refactor/api.go), not its packages", file, imp)
			}
		}
	}
	if checked < 10 {
		t.Fatalf("checked %d files; the check did not run", checked)
	}
}

// TestOutputFormatsAtTheEdge: refactor/... (tests aside) formats no output
// format it does not own. SARIF belongs to cmd/cli and protocol types to
// server; refactor's own formats are its plan Markdown, relayout.toml,
// unified diffs and its journal and cache files.
func TestOutputFormatsAtTheEdge(t *testing.T) {
	forbidden := []string{"sarif"} // import paths and source text, lower case
	for _, p := range directImports(t, "./refactor/...") {
		pkg, dir := p.path, p.dir
		for _, imp := range p.imports {
			for _, f := range forbidden {
				if strings.Contains(strings.ToLower(imp), f) {
					t.Errorf("%s imports %s: %s output is formatted at the edge (cmd/cli)", pkg, imp, f)
				}
			}
		}
		for _, name := range p.files {
			src, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range forbidden {
				if bytes.Contains(bytes.ToLower(src), []byte(f)) {
					t.Errorf("%s/%s mentions %s: that output format is built at the edge (cmd/cli), not in refactor", pkg, name, f)
				}
			}
		}
	}
}
