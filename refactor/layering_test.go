package refactor_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const mod = "github.com/relayout/relayout/"

// goList runs `go list -f format patterns...` at the module root and
// returns its lines.
func goList(t *testing.T, format string, patterns ...string) []string {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("go command not found")
	}
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

// pkgImports is one package's direct imports as go list reports them.
type pkgImports struct {
	path string
	// imports are the non-test files' imports; tests adds the test
	// files' (internal and external) imports.
	imports, tests []string
}

// directImports returns the direct imports of every package matching
// patterns: unlike -deps, a package is blamed only for what it imports
// itself.
func directImports(t *testing.T, patterns ...string) []pkgImports {
	t.Helper()
	lines := goList(t, `{{.ImportPath}}|{{join .Imports " "}}|{{join .TestImports " "}} {{join .XTestImports " "}}`, patterns...)
	var out []pkgImports
	for _, line := range lines {
		parts := strings.SplitN(line, "|", 3)
		if len(parts) != 3 {
			t.Fatalf("unexpected go list line %q", line)
		}
		out = append(out, pkgImports{path: parts[0], imports: strings.Fields(parts[1]), tests: strings.Fields(parts[2])})
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

// TestOutputFormatsAtTheEdge: refactor/... (tests aside) formats no output
// format it does not own. SARIF belongs to cmd/cli and protocol types to
// server; refactor's own formats are its plan Markdown, relayout.toml,
// unified diffs and its journal and cache files.
func TestOutputFormatsAtTheEdge(t *testing.T) {
	forbidden := []string{"sarif"} // import paths and source text, lower case
	lines := goList(t, `{{.ImportPath}}|{{.Dir}}|{{join .GoFiles " "}}|{{join .Imports " "}}`, "./refactor/...")
	for _, line := range lines {
		parts := strings.SplitN(line, "|", 4)
		if len(parts) != 4 {
			t.Fatalf("unexpected go list line %q", line)
		}
		pkg, dir := parts[0], parts[1]
		for _, imp := range strings.Fields(parts[3]) {
			for _, f := range forbidden {
				if strings.Contains(strings.ToLower(imp), f) {
					t.Errorf("%s imports %s: %s output is formatted at the edge (cmd/cli)", pkg, imp, f)
				}
			}
		}
		for _, name := range strings.Fields(parts[2]) {
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
